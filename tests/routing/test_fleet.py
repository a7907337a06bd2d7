"""Courier plans within the town's fleet: a minimum known by hand, lending, longer intervals, relays, what cannot
be done, and the strict what-if; every plan is checked by verify's fleet and sample rules.

The towns (tests/routing/fleet_towns.py): 1 km of road takes 1.95 min; units open 08:00-10:00 with 120 people.

LINE: units 2 and 4 km east (E1, E2) and west (W1, W2) of the station.  East alone is a 15.6-min drive with two
2-min handovers, 19.6 min; west the same; all four 31.2 + 8 = 39.2 min.  A vehicle leaves every 30 min and
hands over 5 min at the station, so it can drive a loop of at most 25 min; a longer loop is driven by vehicles
taking turns (39.2 + 5 needs two).  So the four units need two vehicles, and no plan does it with one: a
single vehicle would need one loop of at most 25 min through all four, and the shortest is 39.2.
"""

import json

import numpy as np
import pytest

from natplan.cli.plan import explain
from natplan.models.scenario import Scenario
from natplan.routing.couriers import plan_couriers
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
CLUSTER = {"C1": (4.5, 0), "C2": (5.5, 0.5), "C3": (5.5, -0.5)}  # 4.5-5.5 km east: a meeting point at C1
RULES = (vehicles_within_fleet, no_vehicle_in_two_places, units_collected_every_interval, tubes_carried,
         boxes_within_capacity, samples_within_age)
STRICT = {"lend_station_vehicles": False, "longer_intervals": [], "relays": False}


def planned(s: Scenario):
    svc = service(s)
    res = plan_couriers(s, svc, seed=0)
    return res, plan_data(s, svc, res.routing)


def verified(s: Scenario, plan: dict) -> list[str]:
    return [v for rule in RULES for v in rule(s, plan)]


def test_the_hand_counted_minimum_of_two_vehicles():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE), "vehicles": 2}], fleet=STRICT)
    res, plan = planned(s)
    zone = res.routing.zones[0]
    assert res.problems == [] and verified(s, plan) == []
    assert (zone.vehicles_needed, zone.vehicles_lower_bound, zone.minimum_proven, zone.strict_minimum) == (2, 2, True, 2)
    assert {r.vehicle for r in zone.routes} == {"Z1-1", "Z1-2"}
    assert res.routing.stats.optimal and res.routing.stats.bound == 2
    assert res.routing.fleet.choices == [] and res.routing.fleet.units_by_interval == {"30": 4}
    # every loop fits its 30 min but for the handover, or is driven by two vehicles taking turns
    for r in zone.routes:
        for lp in r.loops:
            assert lp.back - lp.depart + s.fleet.station_handover_min <= 2 * 30


def test_a_town_that_fits_only_by_lending():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**STRICT, "lend_station_vehicles": True})
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    zone = res.routing.zones[0]
    assert sorted(r.vehicle for r in zone.routes) == ["V3", "Z1-1"]  # V1 and V2 are kept for the shuttles
    assert [(c.kind, c.vehicles, c.needed, c.have) for c in res.routing.fleet.choices] == [("lend", ["V3"], 2, 1)]
    assert res.routing.fleet.lent == ["V3"] and res.routing.fleet.units_by_interval == {"30": 4}
    # without lending the same town cannot be planned: it lacks one vehicle, and says so
    strict = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet=STRICT)
    res, _ = planned(strict)
    assert [(e.code, e.params["lack"], e.params["cadence"]) for e in res.problems] == [("fleet_short", "1", "30")]


def test_a_town_that_needs_60_minute_units():
    # one van, no lending: every 60 min all four units fit one 39.2-min loop (44.2 with the handover)
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**STRICT, "longer_intervals": [60]})
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    assert res.routing.fleet.units_by_interval == {"60": 4} and res.routing.fleet.longest_interval_min == 60
    assert [(c.kind, c.reason, sorted(c.units), c.interval_min) for c in res.routing.fleet.choices] == [
        ("interval", "short", ["E1", "E2", "W1", "W2"], 60)]
    assert [r.vehicle for r in res.routing.zones[0].routes] == ["Z1-1"]
    assert all(lp.interval_min == 60 and lp.depart % 60 == 0 for lp in res.routing.zones[0].routes[0].loops)
    assert res.routing.shuttles.worst_age_min <= s.parameters.sample_age_limit_min


def test_a_town_that_needs_a_relay():
    # from the station the cluster is a 23.7-min drive with three handovers (29.7 min): two vehicles taking turns,
    # and the zone has one van and may not borrow; from C1 the van loops in 12.3 min, and a station vehicle
    # fetches the boxes there (9 min each way, two 5-min handovers: 28 min, within the 30)
    s = fleet_town(CLUSTER, [{"id": "Z1", "units": list(CLUSTER)}],
                   fleet={"lend_station_vehicles": False, "longer_intervals": [], "move_units": False})
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    route = res.routing.zones[0].routes[0]
    assert route.vehicle == "Z1-1" and {lp.handover_at for lp in route.loops} == {"C1"}
    relay = res.routing.relays[0]
    assert (relay.vehicle, relay.meeting_point, relay.meet - relay.leave, relay.at_station - relay.meet) == (
        "V3", "C1", 9, 14)  # 9 min out; the handover (5) and 9 min back
    assert [(c.kind, c.meeting_point, c.vehicles) for c in res.routing.fleet.choices] == [("relay", "C1", ["V3"])]
    assert sum(r.tubes for r in res.routing.relays) == 3 * 12  # every tube of the three units goes by relay
    assert plan["routing"]["zones"][0]["units"] == ["C1", "C2", "C3"]


def test_the_vehicles_lacking_count_the_labs_queue_as_the_plan_does():
    """FAR: units 4 and 10 km east and west, a lab testing 20 tubes an hour (the 4 units' 48 tubes wait up to 87 min
    for it).  Without the lab's queue the town lacks one vehicle (3 in the zone and 2 at the station plan).  The
    plan counts that wait in every sample's age, so its loops must reach the station sooner: it lacks 2, and
    with 2 more vehicles, in the zone or at the station, the same town is planned without a problem."""
    far = {"E1": (4, 0), "E2": (10, 0), "W1": (-4, 0), "W2": (-10, 0)}
    fleet = {"lend_station_vehicles": True, "longer_intervals": [], "relays": False}

    def town(vans: int, station: int, tph: int | None = 20) -> Scenario:
        return fleet_town(far, [{"id": "Z1", "units": list(far), "vehicles": vans}], station_vehicles=station,
                          fleet=fleet, lab_tph=tph)

    res, _ = planned(town(2, 2, None))
    assert [(e.code, e.params["lack"]) for e in res.problems] == [("fleet_short", "1")]
    res, _ = planned(town(2, 2))
    assert res.routing.shuttles.lab_wait_min == 87.0
    assert [(e.code, e.params["lack"], e.params["cadence"]) for e in res.problems] == [("fleet_short", "2", "30")]
    assert res.problems[0].problem.startswith("the town lacks 2 vehicle(s) for a 30-minute cadence")
    res, _ = planned(town(3, 2))
    assert [(e.code, e.params["lack"]) for e in res.problems] == [("fleet_short", "1")]
    for vans, station in ((4, 2), (3, 3), (2, 4)):
        res, plan = planned(town(vans, station))
        assert res.problems == [] and verified(town(vans, station), plan) == []


def test_loops_that_meet_the_limit_with_each_trips_own_queue_wait_are_kept():
    """FAR at 6 and 8 km, a lab testing 20 tubes an hour: the first loops, chosen before the queue was known,
    already get every sample tested within the limit counting each shuttle's own wait (72 min at worst).  Choosing
    again as if every sample waited the worst left a run short; the plan keeps the first loops."""
    far = {"E1": (6, 0), "E2": (8, 0), "W1": (-6, 0), "W2": (-8, 0)}
    s = fleet_town(far, [{"id": "Z1", "units": list(far), "vehicles": 2}], station_vehicles=2,
                   fleet={"lend_station_vehicles": True, "longer_intervals": [], "relays": False}, lab_tph=20)
    res, plan = planned(s)
    assert (res.routing.shuttles.lab_wait_min, res.routing.shuttles.worst_age_min) == (72.0, 209.0)
    assert res.problems == [] and verified(s, plan) == []


def test_a_lab_too_slow_for_any_loop_is_named_not_the_units():
    """The same town at a lab testing 16 tubes an hour: samples wait 120 min for it whatever the loops, and loops
    short enough to leave that wait reach no unit.  The plan says it is the lab (and what would fix it), not that
    the units cannot be collected."""
    far = {"E1": (6, 0), "E2": (8, 0), "W1": (-6, 0), "W2": (-8, 0)}
    s = fleet_town(far, [{"id": "Z1", "units": list(far), "vehicles": 2}], station_vehicles=2,
                   fleet={"lend_station_vehicles": True, "longer_intervals": [], "relays": False}, lab_tph=16)
    res, _ = planned(s)
    assert [(e.code, e.params["wait"], e.params["tph"]) for e in res.problems] == [("lab_queue", "120", "16")]
    assert "add lab capacity" in res.problems[0].fix


def test_a_township_keeping_minutes_for_a_shared_lab_queue_is_planned_and_verified_to_them():
    """LINE as planned on its own: samples reach the lab at most 209 min after the swab.  A city keeping 60 min of
    the 240 for its lab's shared queue holds the town to 180: verify names the plan's late boxes, and the town
    planned again keeps them (144 min)."""
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}])
    res, plan = planned(s)
    assert res.routing.shuttles.worst_age_min == 209.0
    kept = s.model_copy(update={"lab": s.lab.model_copy(update={"shared_queue_min": 60})})
    found = samples_within_age(kept, plan)
    assert found[0] == ("unit W1: samples from 08:31 reach the lab at 12:00, 209 min, over the 180-min limit (240 less "
                        "60 kept for the lab's shared queue)")
    res, plan = planned(kept)
    assert res.problems == [] and verified(kept, plan) == []
    assert res.routing.shuttles.worst_age_min == 144.0


def test_a_unit_no_option_reaches_is_named_with_its_fix():
    # a 120-min age limit with the lab 30 min away leaves about 55 min from swab to station: F1, 8 km out
    # (33 min alone), cannot be collected every 30 min, and a longer interval or a relay only makes it worse
    s = fleet_town({"N1": (1, 0), "F1": (8, 0)}, [{"id": "Z1", "units": ["N1", "F1"]}])
    data = s.model_dump()
    data["parameters"]["sample_age_limit_min"] = 120
    res, _ = planned(Scenario.model_validate(data))
    [e] = res.problems
    assert (e.where, e.code, e.params["alone"], e.params["limit"]) == ("F1", "unit_unreachable", "34", "120")
    assert e.problem.startswith("unit F1 点F1 cannot be collected within the 120-min age limit by any option")
    assert "a nearer lab" in e.fix


def test_the_strict_what_if_adds_the_vehicles_it_lacks():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**STRICT, "add_missing_vehicles": True})
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    fleet = res.routing.fleet
    assert sorted(r.vehicle for r in res.routing.zones[0].routes) == ["+1", "Z1-1"]
    assert [r.extra for r in res.routing.zones[0].routes if r.vehicle == "+1"] == [True]
    assert (fleet.extra, fleet.strict_needed, fleet.strict_minimum) == (1, 3, 3)  # two couriers and one shuttle


def test_an_extra_vehicle_in_a_plan_that_is_not_a_what_if_is_named():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**STRICT, "add_missing_vehicles": True})
    _, plan = planned(s)
    real = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet=STRICT)
    assert vehicles_within_fleet(real, plan) == ["zone Z1's loops are driven by +1, a vehicle the town does not have"]


def test_the_same_town_and_seed_give_the_same_plan():
    s = fleet_town({**LINE, **CLUSTER}, [{"id": "Z1", "units": list(LINE)}, {"id": "Z2", "units": list(CLUSTER)}])
    a = plan_couriers(s, service(s), seed=0).routing.model_dump_json()
    b = plan_couriers(s, service(s), seed=0).routing.model_dump_json()
    assert a == b and json.loads(a)["fleet"]["used"] >= 3


@pytest.mark.parametrize("lend", [True, False])
def test_the_strict_sentence_counts_shuttles_and_couriers(lend):
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={**STRICT, "lend_station_vehicles": lend})
    res, _ = planned(s)
    # strict loops need two couriers and one shuttle; the town has one van and six station vehicles
    assert (res.routing.fleet.strict_needed, res.routing.fleet.available) == (3, 7)


def test_a_far_unit_of_a_zone_too_big_to_enumerate_is_collected_by_vehicles_taking_turns():
    # 12 units 0.5 km round the station and F1 8 km east: F1 alone is 2 x 15.6 min with a 2-min handover, 33.2 min,
    # longer than the 25 min a loop may take every 30 min, but well within what the age limit leaves, so (as in an
    # enumerated zone) vehicles take turns on it.  13 units are too many to enumerate: before, the VRPTW loops of
    # the zone dropped F1 and no check named it (verify: "unit F1 is never collected")
    ring = {f"N{k:02d}": (0.5 * np.cos(k * np.pi / 6), 0.5 * np.sin(k * np.pi / 6)) for k in range(12)}
    s = fleet_town({**ring, "F1": (8, 0)}, [{"id": "Z1", "units": [*ring, "F1"], "vehicles": 3}])
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    zone = res.routing.zones[0]
    assert not zone.minimum_proven
    far = sorted((lp.depart, st.time) for r in zone.routes for lp in r.loops for st in lp.stops if st.unit == "F1")
    assert far == [(510, 526), (540, 556), (570, 586), (600, 616)]  # every 30 min from 08:30 to 10:00, 15.6 min out
    assert sum(st.tubes for r in zone.routes for lp in r.loops for st in lp.stops if st.unit == "F1") == 12


def far_lab_town(station_vehicles: int) -> Scenario:
    """N1 1 km east (a 6-min loop alone) and N2 3 km east; the lab 64 min from the station (10-min handover)."""
    data = fleet_town({"N1": (1, 0), "N2": (3, 0)}, [{"id": "Z1", "units": ["N1", "N2"]}],
                      station_vehicles=station_vehicles).model_dump()
    data["lab"]["travel_min"] = 64
    return Scenario.model_validate(data)


def test_units_out_of_reach_because_the_shuttles_leave_too_rarely_are_said_once_with_the_vehicles_to_add():
    # one station vehicle drives 64 + 10 + 64 = 138 min to the lab and back: a shuttle every 140 min.  240 - 5
    # (station handover) - 140 (the wait) - 74 (the trip and the lab's handover) leaves 21 min from swab to
    # station, and even N1 needs a 30-min interval and its 6-min loop (36).  Two shuttles leave every 70 min: 91.
    res, _ = planned(far_lab_town(1))
    [e] = res.problems
    assert (e.where, e.code) == ("station", "shuttles_too_rare")
    assert {k: e.params[k] for k in ("units", "kept", "round_trip", "cadence", "trip", "left", "need", "add",
                                     "vehicles", "cadence2", "left2")} == {
        "units": "N1, N2", "kept": "1", "round_trip": "138", "cadence": "140", "trip": "74", "left": "21",
        "need": "36", "add": "1", "vehicles": "2", "cadence2": "70", "left2": "91"}
    assert e.fix.startswith("give the station 1 more vehicle(s): 2 shuttles leave every 70 min")
    zh = explain("车镇.yaml", e, "zh")
    assert "每 140 分钟才发一趟车" in zh and "只剩 21 分钟" in zh and "建议: 给中转站增加 1 辆车" in zh
    # and the fix works: with a second station vehicle the town is planned and verify passes
    s = far_lab_town(2)
    res, plan = planned(s)
    assert res.problems == [] and verified(s, plan) == []
    assert res.routing.shuttles.vehicles == ["V1", "V2"] and res.routing.shuttles.worst_age_min <= 240


def test_the_vehicles_a_town_lacks_on_several_days_are_said_once():
    """A round planned day by day: each day's couriers say what they lack.  The plan says it once: the most any day
    lacks (the same vehicles serve every day), every day's runs without a vehicle, the first day's zone."""
    from natplan.models.plan import Explanation
    from natplan.routing.couriers import fleet_short, merge_days

    far = Explanation(where="U1", problem="unit U1 cannot be collected", code="unit_unreachable")
    got = merge_days([fleet_short(2, 8, "Z1", 60), far, fleet_short(3, 4, "Z2", 60), far])
    assert [(e.code, e.params.get("lack"), e.params.get("runs")) for e in got] == [
        ("fleet_short", "3", "12"), ("unit_unreachable", None, None)]
    assert got[0].problem == ("the town lacks 3 vehicle(s) for a 60-minute cadence: with lending, moves, longer "
                              "intervals and relays as the scenario allows, 12 run(s) still have no vehicle (the first "
                              "in zone Z1)")
    assert merge_days([far]) == [far]
