"""verify's fleet rules: a good plan of a small town, one thing changed, the rule and its exact words.

The good plans (tests/routing/fleet_towns.py): LINE, four units 2 and 4 km either side of the station, one
van, every 30 min, so the station lends V3 (V1 is the shuttle) and the two drive one loop in turns; CLUSTER,
three units 4.5-5.5 km out, whose van hands its boxes to V3 at C1 (a relay).
"""

import copy

import pytest

from natplan.models.scenario import Scenario
from natplan.routing.couriers import plan_couriers
from natplan.scheduler.verify import RULES, verify
from natplan.scheduler.verify.fleet import (
    boxes_within_capacity,
    no_vehicle_in_two_places,
    tubes_carried,
    units_collected_every_interval,
    vehicles_within_fleet,
)
from natplan.scheduler.verify.samples import samples_within_age
from tests.routing.fleet_towns import fleet_town, plan_data, service

LINE = {"E1": (2, 0), "E2": (4, 0), "W1": (-2, 0), "W2": (-4, 0)}
CLUSTER = {"C1": (4.5, 0), "C2": (5.5, 0.5), "C3": (5.5, -0.5)}
LENDING = {"longer_intervals": [], "relays": False}
RELAY = {"lend_station_vehicles": False, "longer_intervals": [], "move_units": False}


def _good(s: Scenario) -> dict:
    svc = service(s)
    return plan_data(s, svc, plan_couriers(s, svc, seed=0).routing)


@pytest.fixture(scope="module")
def line():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet=LENDING)
    return s, _good(s)


@pytest.fixture(scope="module")
def cluster():
    s = fleet_town(CLUSTER, [{"id": "Z1", "units": list(CLUSTER)}], fleet=RELAY)
    return s, _good(s)


def _route(plan: dict, vehicle: str) -> dict:
    return next(r for z in plan["routing"]["zones"] for r in z["routes"] if r["vehicle"] == vehicle)


def test_the_rules_are_registered():
    names = [r.__name__ for r in RULES]
    for rule in (vehicles_within_fleet, no_vehicle_in_two_places, units_collected_every_interval, tubes_carried,
                 boxes_within_capacity, samples_within_age):
        assert rule.__name__ in names


@pytest.mark.parametrize("town", ["line", "cluster"])
def test_the_good_plans_break_no_fleet_rule(town, request):
    s, plan = request.getfixturevalue(town)
    for rule in (vehicles_within_fleet, no_vehicle_in_two_places, units_collected_every_interval, tubes_carried,
                 boxes_within_capacity, samples_within_age):
        assert rule(s, plan) == [], rule.__name__


def test_a_vehicle_the_scenario_does_not_have(line):
    s, good = line
    plan = copy.deepcopy(good)
    _route(plan, "V3")["vehicle"] = "V9"
    assert vehicles_within_fleet(s, plan) == ["zone Z1's loops are driven by V9, which is not a vehicle of the scenario"]


def test_a_station_vehicle_lent_when_lending_is_forbidden(line):
    _, plan = line
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**LENDING, "lend_station_vehicles": False})
    assert vehicles_within_fleet(s, plan) == [
        "station vehicle V3 drives zone Z1's loops, but fleet.lend_station_vehicles is false"]


def test_another_zones_van(line):
    _, good = line
    plan = copy.deepcopy(good)
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}, {"id": "Z2", "units": []}], fleet=LENDING)
    _route(plan, "V3")["vehicle"] = "Z2-1"
    assert vehicles_within_fleet(s, plan) == ["zone Z2's vehicle Z2-1 drives zone Z1's loops"]


def test_more_vehicles_than_the_scenario_has(line):
    _, good = line
    plan = copy.deepcopy(good)
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], station_vehicles=1, fleet=LENDING)
    # a town of one van and one station vehicle; the plan uses the van, V3 (unknown there) and the shuttle V1
    assert vehicles_within_fleet(s, plan) == [
        "zone Z1's loops are driven by V3, which is not a vehicle of the scenario",
        "the plan uses 3 vehicles, the scenario has 2"]


def test_a_shuttle_on_a_vehicle_that_is_out_on_a_loop(line):
    s, good = line
    plan = copy.deepcopy(good)
    loop = _route(plan, "V3")["loops"][0]
    trip = plan["routing"]["shuttles"]["trips"][0]
    trip["vehicle"] = "V3"
    trip["depart"], trip["back"] = loop["depart"] + 10, loop["depart"] + 60
    got = no_vehicle_in_two_places(s, plan)
    assert got[0] == (f"vehicle V3 is in two places at {_hm(loop['depart'] + 10)}: zone Z1's loop of "
                      f"{_hm(loop['depart'])} and the shuttle of {_hm(loop['depart'] + 10)}")


def test_a_loop_that_leaves_before_the_handover_is_done(line):
    s, good = line
    plan = copy.deepcopy(good)
    loops = _route(plan, "Z1-1")["loops"]
    loops[1]["depart"] = loops[0]["back"] + 2  # 2 min after it is back: the 5-min handover is not done
    assert no_vehicle_in_two_places(s, plan)[0].startswith(f"vehicle Z1-1 is in two places at {_hm(loops[0]['back'] + 2)}")


def test_a_relay_van_that_is_somewhere_else(cluster):
    s, good = cluster
    plan = copy.deepcopy(good)
    _route(plan, "Z1-1")["drives"] = []  # it never drives out to the meeting point
    first = _route(plan, "Z1-1")["loops"][0]
    assert no_vehicle_in_two_places(s, plan) == [f"vehicle Z1-1 starts zone Z1's loop of {_hm(first['depart'])} at C1, "
                                                 "but is at station"]


def test_a_run_left_out(line):
    s, good = line
    plan = copy.deepcopy(good)
    loops = _route(plan, "V3")["loops"]
    gone = loops.pop(0)
    before = _route(plan, "Z1-1")["loops"][0]["depart"]
    assert units_collected_every_interval(s, plan)[0] == (
        f"unit E1 is not collected between the runs of {_hm(before)} and {_hm(gone['depart'] + 30)}")


def test_an_interval_the_scenario_does_not_allow(line):
    s, good = line
    plan = copy.deepcopy(good)
    for z in plan["routing"]["zones"]:
        for r in z["routes"]:
            for lp in r["loops"]:
                lp["interval_min"] = 90
    assert units_collected_every_interval(s, plan)[0] == "unit E1 is collected every 90 min; zone Z1 allows 30"


def test_a_unit_moved_when_moves_are_forbidden(line):
    _, good = line
    plan = copy.deepcopy(good)
    s = fleet_town(LINE, [{"id": "Z1", "units": ["E1", "E2", "W1"]}, {"id": "Z2", "units": ["W2"]}],
                   fleet={**LENDING, "move_units": False})
    assert units_collected_every_interval(s, plan)[0] == (
        "unit W2 of zone Z2 is listed in zone Z1, but fleet.move_units is false")


def test_tubes_the_relay_leaves_at_the_meeting_point(cluster):
    s, good = cluster
    plan = copy.deepcopy(good)
    relay = plan["routing"]["relays"][0]
    relay["tubes"] -= 1
    assert tubes_carried(s, plan) == [
        f"zone Z1's vans hand {relay['tubes'] + 1} tubes over at C1 for the station at {_hm(relay['at_station'])}; "
        f"the relay takes {relay['tubes']}"]


def test_a_loop_with_more_boxes_than_its_vehicle_holds(line):
    s, good = line
    plan = copy.deepcopy(good)
    loop = _route(plan, "V3")["loops"][0]
    loop["stops"][0]["boxes"] = 25
    got = boxes_within_capacity(s, plan)
    assert got == [f"V3's loop of {_hm(loop['depart'])} carries {sum(x['boxes'] for x in loop['stops'])} boxes, "
                   "it holds 20"]


def test_a_lab_too_slow_for_the_age_limit(line):
    # the same plan at a lab that tests 2 tubes an hour: the first shuttle's tubes wait hours to be tested
    _, plan = line
    slow = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet=LENDING, lab_tph=2)
    got = samples_within_age(slow, plan)
    assert got and all(" are tested at " in x and "over the 240-min limit" in x for x in got)


def test_verify_names_a_planted_fleet_violation_in_a_full_plan(line):
    s, good = line
    plan = copy.deepcopy(good)
    _route(plan, "V3")["vehicle"] = "V9"
    assert "zone Z1's loops are driven by V9, which is not a vehicle of the scenario" in vehicles_within_fleet(s, plan)
    assert verify.__name__ == "verify"


def _hm(minute: int) -> str:
    from natplan.models.clock import format_clock

    return format_clock(minute)


def test_a_unit_collected_by_two_zones_on_one_day(line):
    """A second zone's van also calls at E1 on the 09:30 run: one day, one zone's loops for a unit (a round of several
    days may move a unit to another zone's loops on another day, so the plan's zone lists alone do not decide)."""
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}, {"id": "Z2", "units": []}], fleet=LENDING)
    plan = copy.deepcopy(line[1])
    z1 = plan["routing"]["zones"][0]
    route = z1["routes"][0]
    run = route["loops"][1]
    e1 = next(st for st in run["stops"] if st["unit"] == "E1")
    plan["routing"]["zones"].append({**copy.deepcopy(z1), "zone": "Z2", "units": [], "routes": [
        {**copy.deepcopy(route), "vehicle": "Z2-1", "loops": [{**run, "stops": [{**e1, "people": 0, "tubes": 0,
                                                                                   "boxes": 0}]}]}]})
    assert units_collected_every_interval(s, plan) == [
        "unit E1 is collected by zones Z1, Z2 on day 1",
        "unit E1 is not collected between the runs of 09:30 and 09:30"]
