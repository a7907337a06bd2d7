"""Courier loops, shuttles and home visits: hand-checked loops, the plan's rules, explanations."""

import json

import numpy as np
from hypothesis import given, settings, strategies as st

from natplan.models.clock import format_clock
from natplan.models.loader import LoadedScenario
from natplan.models.plan import FleetChoice
from natplan.models.scenario import Scenario
from natplan.routing.couriers import (
    HANDOVER_S,
    CourierResult,
    ShuttleResult,
    UnitService,
    plan_couriers,
    plan_shuttles,
    zone_loops,
)
from natplan.routing.network import lab_minutes
from natplan.routing.home import plan_home_visits, trip_limit_min
from natplan.routing.network import distance_matrix_m, haversine_m, neighbours_within
from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import samples_within_age, tubes_carried, units_collected_every_interval


def line_town(interval: int, handover: int = 0, **fleet) -> tuple[Scenario, list]:
    """A station and three units 2, 4 and 6 km due east (at 36°N), van 40 km/h, detour 1.3; no handover slack
    at the station unless ``handover`` (the loop tests below count the drive and the units' handovers only)."""
    km = 1 / (111.32 * np.cos(np.radians(36.0)))  # degrees of longitude per km at 36°N
    units = [{"id": f"U{i}", "name": f"点{i}", "location": {"lon": 120.0 + 2 * i * km, "lat": 36.0}, "desks": 1}
             for i in (1, 2, 3)]
    s = Scenario.model_validate({
        "name": "线镇", "region": {"name": "线镇"},
        "villages": [{"id": "V1", "name": "村", "location": {"lon": 120.0, "lat": 36.0},
                      "grids": [{"id": "G1", "name": "组", "location": {"lon": 120.0, "lat": 36.0}, "households": 1, "people": 1}]}],
        "units": units,
        "groups": [{"id": "T1", "name": "组", "members": [{"name": "甲", "role": "lead"}, {"name": "乙", "role": "sampler"}]}],
        "zones": [{"id": "Z1", "name": "片", "units": ["U1", "U2", "U3"], "interval_min": interval}],
        "station": {"name": "站", "location": {"lon": 120.0, "lat": 36.0}},
        "lab": {"name": "实验室", "travel_min": 20},
        "fleet": {"station_handover_min": handover, **fleet},
    })
    return s, s.units


def test_one_van_loop_in_order_when_it_fits():
    # 6 km out x 1.3 at 40 km/h = 11.7 min each way, plus 3 handovers of 2 min: 29.4 min <= 30
    s, units = line_town(30)
    orders, t, lower = zone_loops(s, units, 30, seed=0)
    assert [sorted(o) for o in orders] == [[0, 1, 2]]
    assert orders[0] in ([0, 1, 2], [2, 1, 0])
    assert lower == 1


def test_two_vans_when_one_loop_is_too_long():
    # within 26 min: U3 alone takes 25.4; U1+U2 take 19.6; any loop with U3 and another unit takes >= 27.4
    s, units = line_town(26)
    orders, t, lower = zone_loops(s, units, 26, seed=0)
    assert sorted(sorted(o) for o in orders) == [[0, 1], [2]]
    for o in orders:
        path = [0, *[i + 1 for i in o], 0]
        assert sum(int(t[a, b]) for a, b in zip(path, path[1:])) + HANDOVER_S * len(o) <= 26 * 60


def test_courier_result_one_van_collects_every_tube():
    # each unit open 08:00-09:00 with 60 people, swabbed evenly: 6 tubes of 10 a unit, 18 in all
    s, units = line_town(30)
    service = {u.id: UnitService(u.id, 480, 540.0, 480, np.linspace(0, 60, 61)) for u in units}
    res = plan_couriers(s, service, seed=0)
    assert isinstance(res, CourierResult) and res.problems == [] and res.warnings == []
    zone = res.routing.zones[0]
    assert (zone.vehicles_needed, zone.vehicles_available, zone.vehicles_lower_bound) == (1, 1, 1)
    assert [lp.depart for lp in zone.routes[0].loops] == [510, 540]  # the first run after opening, then each interval
    assert sum(t.tubes for t in res.routing.shuttles.trips) == 18


def test_a_zone_short_of_vans_borrows_a_station_vehicle():
    # every 26 min: two loops (U1+U2 in 19.6 min, U3 in 25.4) need two vehicles, and so does the one loop over all
    # three (29.4 min, two vehicles taking turns), which drives less; the zone has one van, the station lends V3
    # (V1 and V2 are kept for shuttles: a 50-min round trip every 26 min or more needs two)
    s, units = line_town(26)
    service = {u.id: UnitService(u.id, 480, 540.0, 480, np.linspace(0, 60, 61)) for u in units}
    res = plan_couriers(s, service, seed=0)
    assert res.warnings == [] and res.problems == []
    zone = res.routing.zones[0]
    assert (zone.vehicles_needed, zone.vehicles_available, zone.vehicles_lower_bound) == (2, 1, 2)
    assert [(r.vehicle, r.lent, sorted(r.order), [lp.depart for lp in r.loops]) for r in zone.routes] == [
        ("Z1-1", False, ["U1", "U2", "U3"], [494, 546]), ("V3", True, ["U1", "U2", "U3"], [520])]
    assert res.routing.fleet.choices == [FleetChoice(kind="lend", zone="Z1", vehicles=["V3"], at=520, needed=2, have=1)]


def test_shuttles_take_the_longest_cadence_within_the_margin():
    # the lab is 20 min away with a 10-min handover: a box is at the lab 30 min after it leaves
    s, _ = line_town(30)
    res = plan_shuttles(s, [(600, 10, 590.0), (615, 5, 600.0)])
    assert isinstance(res, ShuttleResult) and res.problems == []
    # every 180 min the 10:00 swab leaves at 13:00 and is tested from 13:30: 210 min, the limit less the
    # 30-min margin; every 210 min would reach the 240-min limit itself
    sh = res.shuttles
    assert (sh.cadence_min, sh.worst_age_min, sh.vehicles_used, sh.fewest_vehicles) == (180, 210.0, 1, 1)
    assert [(t.depart, t.arrive, t.tubes) for t in sh.trips] == [(600, 630, 10), (780, 810, 5)]
    assert plan_shuttles(s, []).shuttles.trips == []


def test_lab_minutes_from_location():
    s, _ = line_town(30)
    data = s.model_dump()
    data["lab"] = {"name": "实验室", "location": {"lon": 120.0, "lat": 36.2}}
    s2 = Scenario.model_validate(data)
    # 22.2 km north x 1.3 at 40 km/h = 43.4 min, rounded up
    assert lab_minutes(s2) == 44


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 1000), st.floats(300, 3000))
def test_sparse_neighbours_equal_the_dense_filter(seed, radius):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 0.05, (40, 2)) + [120, 36]
    b = rng.uniform(0, 0.05, (15, 2)) + [120, 36]
    nb = neighbours_within(a[:, 0], a[:, 1], b[:, 0], b[:, 1], radius, 1.3)
    dense = distance_matrix_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1]) * 1.3
    want = sorted(zip(*np.nonzero(dense <= radius)))
    assert sorted(zip(nb.a.tolist(), nb.b.tolist())) == [(int(i), int(j)) for i, j in want]


def test_haversine_one_degree_of_latitude():
    assert round(float(haversine_m(120, 36, 120, 37))) == 111195


def test_tiny_plan_collects_every_interval_and_carries_every_tube(tiny):
    plan = json.loads(plan_json(plan_round(tiny).plan))
    s = tiny.scenario
    assert units_collected_every_interval(s, plan) == []
    assert tubes_carried(s, plan) == []
    assert samples_within_age(s, plan) == []
    # the joint planner keeps the one group at U1 (a move to U2 would cost its setup): all 348 walk-ins there,
    # 10 to a tube: 35 tubes (the last one partly filled), and the 2 home visits fill 1 tube
    people = {d["unit"]: d["people"] for d in plan["units"]}
    assert people == {"U1": 348}
    assert sum(t["tubes"] for t in plan["routing"]["shuttles"]["trips"]) == 35 + 1
    assert plan["kpis"]["worst_sample_age_min"] <= s.parameters.sample_age_limit_min


def test_missing_pickup_is_named(tiny):
    plan = json.loads(plan_json(plan_round(tiny).plan))
    loops = plan["routing"]["zones"][0]["routes"][0]["loops"]
    assert len(loops) >= 3
    removed = loops.pop(1)  # a run in the middle of the day
    problems = units_collected_every_interval(tiny.scenario, plan)
    before, after = loops[0]["depart"], loops[1]["depart"]
    for stop in removed["stops"]:
        gap = (f"unit {stop['unit']} is not collected between the runs of {format_clock(before)} and "
               f"{format_clock(after)}")
        last = f"unit {stop['unit']}: last pickup at "  # the removed run was the unit's last
        assert gap in problems or any(p.startswith(last) for p in problems), problems


def test_lab_too_far_is_explained(tiny):
    data = tiny.scenario.model_dump()
    data["lab"]["travel_min"] = 230
    s = Scenario.model_validate(data)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    msg = [e for e in out.problems if e.where == "lab"]
    assert msg and msg[0].problem.startswith("even with a shuttle every 30 min, samples reach the lab")
    assert "over the 240-min limit (the lab is 230 min from the station)" in msg[0].problem


def test_home_visit_trips_fit_the_age_limit(xiagezhuang):
    s = xiagezhuang.scenario
    home = plan_home_visits(s)
    assert home.problems == []
    teams = home.teams
    visited = [sid for t in teams for sid in t.people]
    assert sorted(visited) == sorted(p.id for p in s.special_needs)
    limit = trip_limit_min(s)
    for t in teams:
        assert all(b - a <= limit for a, b in t.trips)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(t.trips, t.trips[1:]))
        assert t.end <= s.parameters.deadline
