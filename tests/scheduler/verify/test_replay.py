"""verify.replay: each unit's day replayed, known answers by hand; where each box goes.

The frozen tiny plan (tests/scheduler/verify/conftest.py): U1 swabs 100 an hour (1.67 a minute) from 08:30; 75 people come evenly in
08:30-09:00 and 25 in 09:00-09:30, so the queue grows by 0.83 a minute to 25 at 09:00 and is gone at 09:30.
"""

import pytest

from natplan.scheduler.verify.replay import replay_unit, replay_units, shuttle_loads, station_arrivals


def test_a_slot_faster_than_the_unit():
    r = replay_unit("U", [(0, 60)], [{"start": 0, "end": 30, "people": 60}])  # 2 a minute come, 1 swabbed
    assert (r.peak, r.finish, r.people) == (30, 60, 60)
    assert [r.swabbed_by(t) for t in (-5, 0, 1, 30, 59.5, 60, 500)] == [0, 0, 1, 30, 59, 60, 60]
    assert [r.swab_minute(n) for n in (1, 30, 60)] == [1, 30, 60]


def test_a_unit_that_stops_swabbing_for_a_while():
    # 20 people in the first 10 min; 1 a minute swabbed, but nobody for 10 min from minute 10
    r = replay_unit("U", [(0, 60), (10, 0), (20, 60)], [{"start": 0, "end": 10, "people": 20}])
    assert (r.peak, r.finish) == (10, 30)  # the planner's own example (scheduler/slots.py fluid_queue_mu)


def test_a_unit_that_opens_after_its_first_slot():
    r = replay_unit("U", [(10, 60)], [{"start": 0, "end": 10, "people": 10}], open_=10)
    assert (r.t0, r.peak, r.finish) == (0, 10, 20)


def test_a_unit_without_samplers_never_finishes():
    r = replay_unit("U", [], [{"start": 0, "end": 10, "people": 10}])
    assert r.finish == float("inf") and r.peak == 10


def test_the_tiny_units_by_hand(tiny, frozen):
    r = replay_units(tiny.scenario, frozen)["U1"]
    assert (r.t0, r.people) == (510, 100)
    assert r.peak == pytest.approx(25) and r.finish == pytest.approx(570)
    assert r.swabbed_by(540) == pytest.approx(50)
    assert set(replay_units(tiny.scenario, frozen)) == {"U1", "U2"}


def test_each_box_takes_the_first_shuttle_after_it_arrives(tiny, frozen):
    arrivals = station_arrivals(tiny.scenario, frozen)
    home = [a for a in arrivals if a.source == "home-visit team H01"]
    # 2 swabs make one tube; back at 08:24, handed over 5 min later (fleet.station_handover_min)
    assert [(a.minute, a.tubes, a.oldest_swab) for a in home] == [(509, 1, 482)]
    loads, stranded = shuttle_loads(tiny.scenario, frozen)
    trips = frozen["routing"]["shuttles"]["trips"]
    assert [x.tubes for x in loads] == [t["tubes"] for t in trips] and stranded == []
    assert sum(x.tubes for x in loads) == 1 + 10 + 25  # H01's tube, U1's 100 people and U2's 248, ten to a tube
    trips.pop()
    loads, stranded = shuttle_loads(tiny.scenario, frozen)
    assert stranded and all(a.source.startswith("the box of U2 picked up at") for a in stranded)
