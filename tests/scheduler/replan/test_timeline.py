"""The pieces of a re-plan on their own: a unit's day from its rosters, more slots after a backlog, the members
of a pool, a slow lab's queue, pieces of a grid cut by households; the modules' examples run."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from natplan.models.events import LabSlow
from natplan.models.plan import Slot
from natplan.scheduler.replan import retests, timeline, transport
from natplan.scheduler.replan.retests import pool_members
from natplan.models.plan import GridPart
from natplan.scheduler.replan.timeline import extend, rate, unit_day_of
from natplan.scheduler.replan.transport import lab_queue
from natplan.scheduler.replan.walkins import Piece, split, take


@pytest.mark.parametrize("module", [timeline, transport, retests])
def test_the_examples_run(module):
    assert doctest.testmod(module).failed == 0


def _work(plan, unit, s):
    from natplan.scheduler.replan.timeline import UnitWork

    u = next(x for x in s.units if x.id == unit)
    return UnitWork(u, [v for v in plan.staffing.visits if v.unit == unit], [x for x in plan.slots if x.unit == unit],
                    steady=100 / 60)


def test_a_units_day_from_its_rosters_is_the_pipelines(tiny_base):
    loaded, plan = tiny_base
    for d in plan.units:
        got = unit_day_of(_work(plan, d.unit, loaded.scenario), plan.staffing.shifts, 100.0, 20)
        assert got.day == d


def test_the_rate_is_the_rosters_then_the_groups_steady_rate(tiny_base):
    # U1: T1's two samplers at its one desk 08:30-09:30: 100 an hour; after 09:30 (the group would stay on) the
    # steady rate; before the rosters end nothing is assumed.
    loaded, plan = tiny_base
    work = _work(plan, "U1", loaded.scenario)
    t0, mu = rate(work, plan.staffing.shifts, 100.0, 20, until=600)
    assert t0 == 510 and len(mu) == 90
    assert np.allclose(mu[:60], 100 / 60) and np.allclose(mu[60:], 100 / 60)
    shorter = [x for x in plan.staffing.shifts if not (x.unit == "U1" and x.kind == "work" and x.member == "采样员甲")]
    _, mu = rate(work, shorter, 100.0, 20)
    assert np.allclose(mu, 100 / 60)  # one sampler still works the one desk


def test_more_slots_start_after_the_backlog(tiny_base):
    # U1 at 100 an hour (50 a slot, the queue kept near 25): 75 called 08:30, 25 at 09:00, so 25 wait at 09:00 and
    # 25 more come; 40 more from 09:00 go into the slot of 09:00 after them, as far as the queue allows, the rest
    # at 09:30 (after the group's closing: the group stays on at its steady rate).
    loaded, plan = tiny_base
    work = _work(plan, "U1", loaded.scenario)
    new = extend(work, [GridPart(grid="G2", part=1, parts=1, households=(1, 16), people=40, unit="U1",
                                 distance_m=0.0)], 530, 30, plan.staffing.shifts, 100.0, 20)
    assert [(x.grid, x.start, x.end, x.people) for x in new] == [("G2", 540, 570, 25), ("G2", 570, 600, 15)]


def test_pool_members_across_two_grids():
    a = Slot(unit="U", grid="G1", part=1, start=0, end=30, people=15, households=(1, 5))
    b = Slot(unit="U", grid="G2", part=1, start=0, end=30, people=15, households=(1, 6))
    # tube 2 of 10-in-1: swabs 11-20, the last 5 of G1 (households 4-5) and the first 5 of G2 (1-2)
    assert [(m.grid, m.households, m.people) for m in pool_members([a, b], 2, 10)] == [
        ("G1", (4, 5), 5), ("G2", (1, 2), 5)]


def test_a_slow_lab_uses_its_own_rate_outside_the_slow_hours():
    # 6 an hour (10 min a tube) from 10:00 to 10:20, 60 an hour (1 min) after: 4 tubes at 10:00 are tested at
    # 10:00 and 10:10, then 10:20 and 10:21 at the normal rate.
    e = LabSlow(kind="lab_slow", tubes_per_hour=6, at="10:00", until="10:20")
    assert lab_queue(e, [(600.0, 4, 590.0)], normal=60) == (621.0, 31.0, 4)


def test_pieces_are_cut_between_households():
    piece = Piece("G", 1, (1, 10), 25, 600, "U1")
    head, tail = split(piece, 10)
    assert (head.households, head.people, tail.households, tail.people) == ((1, 4), 10, (5, 10), 15)
    assert split(Piece("G", 1, (3, 3), 6, 600, "U1"), 2) is None  # one household stays whole
    got, rest = take([Piece("G", 1, (3, 3), 6, 600, "U1"), piece], 8)
    assert [(p.households, p.people) for p in got] == [((3, 3), 6), ((1, 1), 2)]
    assert [(p.households, p.people) for p in rest] == [((2, 10), 23)]
