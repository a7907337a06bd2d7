"""Arrival slots and the fluid queue, worked out by hand.

A unit sampling 100 an hour takes 50 people a 30-min slot; by default each slot aims to leave a queue
of a quarter of an hour's sampling (25) for the next, so the desks never run dry.
"""

import numpy as np
import pytest

from natplan.models.plan import GridPart, Slot, UnitDay
from natplan.scheduler.slots import fluid_queue, pauses_of, plan_slots, sampled_curve, unit_day


def _part(grid: str, people: int, households: int) -> GridPart:
    return GridPart(grid=grid, households=(1, households), people=people, unit="U1", distance_m=100.0)


def _slot(grid, start, people, households) -> Slot:
    return Slot(unit="U1", grid=grid, part=1, start=start, end=start + 30, people=people, households=households)


def test_fluid_queue_known_answer():
    # 90 people over 30 min at 60/h: 3 a minute in, 1 out, for 30 minutes
    q = fluid_queue(0, 60, [(0, 30, 90)])
    assert round(q.peak) == 60
    assert round(q.finish) == 90


def test_fluid_queue_with_a_pause_between_slots():
    # 1 a minute in and out, 08:00-08:30 and 09:00-09:30: nobody ever waits; the last is done at 09:30
    q = fluid_queue(480, 60, [(480, 510, 30), (540, 570, 30)])
    assert (q.peak, q.finish) == (0.0, 570.0)
    assert q.t0 == 480


def test_fluid_queue_without_arrivals():
    q = fluid_queue(100, 60, [])
    assert (q.t0, q.finish, q.peak, q.waiting.tolist()) == (100, 100.0, 0.0, [0.0])


def test_one_grid_in_two_slots_by_household_range():
    # 100 people: 75 in the first slot (50 sampled + 25 left waiting), the other 25 in the next;
    # households 1-30 (75 of 100 people of 40 households), then 31-40
    slots = plan_slots("U1", 510, 100.0, 200, 30, [_part("G1", 100, 40)])
    assert slots == [_slot("G1", 510, 75, (1, 30)), _slot("G1", 540, 25, (31, 40))]


def test_a_handful_is_not_called_alone():
    # A's 70 leave room for 5 more in the first slot: too few to call part of B, so B starts a slot later
    slots = plan_slots("U1", 510, 100.0, 200, 30, [_part("A", 70, 25), _part("B", 100, 40)])
    assert slots == [_slot("A", 510, 70, (1, 25)), _slot("B", 540, 55, (1, 22)), _slot("B", 570, 45, (23, 40))]


def test_with_no_queue_wanted_each_slot_brings_what_it_samples():
    slots = plan_slots("U1", 510, 100.0, 200, 30, [_part("A", 70, 25), _part("B", 100, 40)], target_queue=0)
    assert [(x.grid, x.start, x.people, x.households) for x in slots] == [
        ("A", 510, 50, (1, 18)), ("A", 540, 20, (19, 25)), ("B", 540, 30, (1, 12)), ("B", 570, 50, (13, 32)),
        ("B", 600, 20, (33, 40))]


def test_slots_keep_the_queue_in_the_room():
    parts = [GridPart(grid=f"G{i}", households=(1, 100), people=250, unit="U1", distance_m=100.0) for i in range(6)]
    slots = plan_slots("U1", 480, 200.0, 200, 30, parts)
    assert sum(x.people for x in slots) == 1500
    q = fluid_queue(480, 200.0, [(x.start, x.end, x.people) for x in slots])
    assert q.peak <= 200
    # the desks never run dry: the unit finishes at its bound, open + 1500 / 200 h, within a slot
    assert q.finish <= 480 + 1500 / 200 * 60 + 30
    # grids bigger than a slot are called by household ranges that do not overlap
    g0 = [x for x in slots if x.grid == "G0"]
    assert all(a.households[1] < b.households[0] for a, b in zip(g0, g0[1:]))


def test_unit_day_of_two_slots():
    slots = [_slot("G1", 510, 75, (1, 30)), _slot("G1", 540, 25, (31, 40))]
    # 2.5 a minute in against 1.67 out for 30 min: 25 wait at 09:00; then 0.83 in, and the queue is gone at 09:30
    assert unit_day("U1", "T1", 510, 570, 100.0, slots) == UnitDay(
        unit="U1", people=100, open=510, close=570, group="T1", rate_per_hour=100.0, first_slot=510, last_slot=540,
        peak_queue=25.0, finish=570.0, queue=[(510, 0.0), (540, 25.0), (570, 0.0)])


def test_sampled_curve_is_the_rate_while_people_wait():
    t0, done = sampled_curve(510, 100.0, [_slot("G1", 510, 75, (1, 30)), _slot("G1", 540, 25, (31, 40))])
    assert t0 == 510
    assert done[0] == 0.0
    assert done[30] == pytest.approx(50.0) and done[60] == pytest.approx(100.0)  # 100 an hour, never idle
    assert done[-1] == pytest.approx(100.0)
    assert np.all(np.diff(done) >= -1e-9)


def test_slots_at_a_rate_that_changes_and_a_closed_hour_between():
    # one person a minute 08:00-08:40, closed 08:40-10:00, then two a minute 10:00-10:30: 40 + 60 people can be
    # sampled; 90 are called.  Nobody is called into the closed hour, the first span keeps a person to spare,
    # and the last slot ends when the unit can have sampled everyone
    from natplan.scheduler.slots import fluid_queue_mu, open_periods, plan_slots_mu

    mu = np.array([1.0] * 40 + [0.0] * 80 + [2.0] * 30)
    assert open_periods(mu, 480, 30) == [(480, 520), (600, 630)]
    slots, left = plan_slots_mu("U1", 480, mu, 200, 30, [_part("A", 90, 30)], target_queue=10)
    assert left == 0 and sum(x.people for x in slots) == 90
    assert all(not (520 <= x.start < 600) for x in slots)
    first = sum(x.people for x in slots if x.start < 600)
    assert first <= 39  # 40 can be sampled before 08:40, one kept to spare
    trace = fluid_queue_mu(480, mu, [(x.start, x.end, x.people) for x in slots])
    assert trace.waiting[520 - 480] == pytest.approx(0.0)  # nobody waits through the closed hour
    assert trace.finish <= 630 and slots[-1].end <= 630


def test_the_last_slot_before_a_closed_hour_is_sampled_by_its_end_when_a_sampler_leaves_early():
    # two a minute 08:00-08:26, one a minute 08:26-08:30 (a sampler leaves first), closed till 10:00, then two a
    # minute 10:00-10:30.  The first span could sample 56 (55 with the person to spare), but people called evenly
    # over 08:00-08:30 come one a minute in its last 4 minutes only if 30 are called: 30, not 55, or a few wait
    # through the night (a round of several days) and their last tube is not closed the day it is taken
    from natplan.scheduler.slots import fluid_queue_mu, plan_slots_mu

    mu = np.array([2.0] * 26 + [1.0] * 4 + [0.0] * 90 + [2.0] * 30)
    slots, left = plan_slots_mu("U1", 480, mu, 200, 30, [_part("A", 80, 30)], target_queue=10)
    assert [(x.start, x.end, x.people) for x in slots] == [(480, 510, 30), (600, 630, 50)] and left == 0
    trace = fluid_queue_mu(480, mu, [(x.start, x.end, x.people) for x in slots])
    assert trace.waiting[510 - 480] == pytest.approx(0.0)


def test_too_many_people_for_the_rate_are_left_over():
    from natplan.scheduler.slots import plan_slots_mu

    slots, left = plan_slots_mu("U1", 480, np.ones(30), 200, 30, [_part("A", 50, 20)])
    assert (sum(x.people for x in slots), left) == (30, 20)


def test_pauses_are_the_open_minutes_with_nobody_sampling():
    """Open 10-20 and 30-40; samples 10-12, 15-20 and 30-35 (mu from minute 10, ending at 35): pauses 12-15 and 35-40,
    not the 20-30 gap between two stays, when the unit is not open."""
    mu = np.array([1.0] * 2 + [0.0] * 3 + [1.0] * 5 + [0.0] * 10 + [1.0] * 5)
    assert pauses_of([(30, 40), (10, 20)], mu, 10) == [(12, 15), (35, 40)]
    assert pauses_of([(10, 20)], np.ones(10), 10) == []


def test_a_slow_unit_is_called_every_half_hour():
    # 1 desk at 30 an hour: 15 people a slot.  After the first slot (22: 15 and a queue of 7 for the next) each
    # slot has room for 15, fewer than the 20 of a "handful" but the whole slot: it is called, not left empty
    # (which ran the desk dry for a quarter of every other half hour)
    slots = plan_slots("U1", 480, 30, 60, 30, [_part("G1", 150, 60)])
    assert [(x.start, x.people) for x in slots] == [(480, 22)] + [(t, 15) for t in range(510, 750, 30)] + [(750, 8)]
    day = unit_day("U1", "T1", 480, 800, 30, slots)
    assert day.finish == pytest.approx(780, abs=1)  # 150 people at half a person a minute: 300 min, never idle
