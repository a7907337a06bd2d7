"""verify.physics: van times by hand; planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py), the exact words.

Tiny, at 40 km/h × 1.3 detour (666.7 m a minute, divided by 1.3):
U1 (120.005, 36.006) → U2 (120.015, 36.006): 0.01° of longitude at 36°, 899.5 m, 1.75 min;
the station (120.01, 36.01) → U1: 449.8 m east, 444.8 m north, 632.6 m, 1.23 min;
the station → G3 (120.011, 36.015), where S1 and S2 live: 563 m, 1.10 min.
T1 staffs U1 (arrives 08:10, opens 08:30, closes 09:30) and U2 (arrives 09:40, opens 10:00, closes 12:30);
H01 leaves the station at 08:00, swabs S1 at 08:02 and S2 at 08:12 (10 min each) and is back at 08:24;
the lab is 20 min away, handover 10 min.  Courier and shuttle times are read from the plan.
"""

import pytest

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.physics import (
    courier_moves_possible,
    group_moves_possible,
    home_visit_moves_possible,
    shuttle_moves_possible,
    teams_in_one_place,
    van_floor_min,
    visits_in_order,
)

RULES = (group_moves_possible, courier_moves_possible, home_visit_moves_possible, shuttle_moves_possible,
         teams_in_one_place, visits_in_order)


def _loops(frozen):
    return frozen["routing"]["zones"][0]["routes"][0]["loops"]


def test_van_minutes_by_hand(tiny):
    s = tiny.scenario
    u1, u2 = s.units[0].location, s.units[1].location
    assert van_floor_min(s, [u1, s.station.location], [u2, u1]) == pytest.approx([1.754, 1.234], abs=0.001)
    assert van_floor_min(s, [], []).tolist() == []


def test_the_good_plan_moves_as_vans_can(tiny, frozen):
    for rule in RULES:
        assert rule(tiny.scenario, frozen) == [], rule.__name__


def test_a_group_moving_in_no_time(tiny, frozen):
    frozen["staffing"]["visits"][1]["arrive"] = 570
    assert group_moves_possible(tiny.scenario, frozen) == [
        "group T1 leaves U1 at 09:30 and is at U2 at 09:30: 0 min for a drive of 0.9 km that takes 2"]


@pytest.mark.parametrize("k, field, value, named", [
    (0, "arrive", 570, "group T1 at U1 arrives at 09:30 and opens at 08:30, without the 20 min to set up"),
    (1, "close", 590, "group T1 at U2 closes at 09:50, before it opens at 10:00"),
    (1, "leave", 700, "group T1 at U2 leaves at 11:40, before it closes at 12:30"),
])
def test_a_visit_out_of_order(tiny, frozen, k, field, value, named):
    frozen["staffing"]["visits"][k][field] = value
    assert visits_in_order(tiny.scenario, frozen) == [named]


def test_a_visit_outside_its_units_own_hours(tiny, frozen):
    data = tiny.scenario.model_dump()
    data["units"][0]["open"], data["units"][1]["close"] = 9 * 60, 12 * 60
    assert visits_in_order(Scenario.model_validate(data), frozen) == [
        "group T1 at U1 opens at 08:30, before the unit's own opening 09:00",
        "group T1 at U2 closes at 12:30, after the unit's own closing 12:00"]


def test_a_units_hours_hold_on_every_day_of_a_round(tiny, frozen):
    # U2 open till 12:30: T1's visit the next day 10:00-12:30 keeps it (no day-1 hours read as absolute minutes);
    # worked on to 12:45 that day, it is past the unit's closing of that day
    data = tiny.scenario.model_dump()
    data["units"][1]["close"] = 12 * 60 + 30
    s = Scenario.model_validate(data)
    day = 24 * 60
    nxt = dict(frozen["staffing"]["visits"][1], arrive=580 + day, open=600 + day, close=750 + day, leave=750 + day)
    frozen["staffing"]["visits"].append(nxt)
    assert visits_in_order(s, frozen) == []
    nxt["close"] = nxt["leave"] = 765 + day
    assert visits_in_order(s, frozen) == ["group T1 at U2 closes at 36:45, after the unit's own closing 36:30"]


def test_a_courier_faster_than_the_van(tiny, frozen):
    lp = _loops(frozen)[0]
    d, st = lp["depart"], lp["stops"][0]
    st["time"] = d
    lp["back"] = d
    assert courier_moves_possible(tiny.scenario, frozen) == [
        f"courier Z1-1 leaves the station at {hm(d)} and is at U1 at {hm(d)}: 0 min for a drive of 0.6 km that takes 2",
        f"courier Z1-1 leaves U1 at {hm(d)} and is back at the station at {hm(d)}: 0 min for a drive of 0.6 km that "
        f"takes 2"]


def test_a_home_visit_team_faster_than_the_van(tiny, frozen):
    team = frozen["staffing"]["home_teams"][0]
    team["stops"][0][1] = 480
    team["stops"][1][1] = 485
    assert home_visit_moves_possible(tiny.scenario, frozen) == [
        "home-visit team H01 leaves the station at 08:00 and is at S1 at 08:00: 0 min for a drive of 0.6 km that "
        "takes 2",
        "home-visit team H01 is at S1 at 08:00 and at S2 at 08:05: 5 min for 10 min at the home and a drive of 0.0 km "
        "that takes 0"]


def test_a_home_visit_outside_the_teams_trips(tiny, frozen):
    frozen["staffing"]["home_teams"][0]["stops"][1][1] = 600
    assert home_visit_moves_possible(tiny.scenario, frozen) == ["home-visit team H01 is at S2 at 10:00, outside its trips"]


def test_a_shuttle_that_arrives_when_it_leaves(tiny, frozen):
    trip = frozen["routing"]["shuttles"]["trips"][0]
    trip["arrive"] = trip["depart"]
    trip["back"] = trip["depart"] + 10
    d = hm(trip["depart"])
    assert shuttle_moves_possible(tiny.scenario, frozen) == [
        f"shuttle V1 leaves at {d} and hands its boxes over at the lab at {d}: the drive takes 20 min and the "
        f"handover 10",
        f"shuttle V1 leaves the lab at {d} and is back at {hm(trip['depart'] + 10)}: the drive takes 20 min"]


def test_a_home_visit_team_in_two_places(tiny, frozen):
    frozen["staffing"]["home_teams"][0]["trips"].append([500, 520])
    assert teams_in_one_place(tiny.scenario, frozen) == [
        "home-visit team H01 leaves at 08:20, before it is back at 08:24 from the trip of 08:00"]
