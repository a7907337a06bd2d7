"""Assignment: known optimum on the tiny town, exact-once on random towns, explanations."""

import itertools

import numpy as np
from hypothesis import given, settings, strategies as st

from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m
from natplan.scheduler.assign import BALANCE, assign, unit_rates, walk_in_jobs
from natplan.scheduler.verify import people_exactly_once


def brute_force(s: Scenario, capacity: dict[str, int]):
    """Least person-metres over every way to send whole grids to units within capacity."""
    jobs = walk_in_jobs(s)
    units = s.units
    best = (np.inf, None)
    for choice in itertools.product(range(len(units)), repeat=len(jobs)):
        load = [0] * len(units)
        cost = 0.0
        for j, u in zip(jobs, choice):
            load[u] += j.people
            d = float(haversine_m(j.lon, j.lat, units[u].location.lon, units[u].location.lat)) * s.parameters.detour_factor
            if d > s.parameters.max_walk_m:
                cost = np.inf
            cost += j.people * d
        if all(load[k] <= capacity[units[k].id] for k in range(len(units))) and cost < best[0]:
            best = (cost, {j.grid: units[u].id for j, u in zip(jobs, choice)})
    return best


def test_tiny_assignment_is_the_hand_optimum(tiny):
    s = tiny.scenario
    # Each unit: 1 desk, 100 people/h; the balanced capacity is 1.3 x its half of the 348 walk-ins = 227.
    # G1 (100) + G2 (100) = 200 fit at U1 and G3 (148) at U2; G3 with either other grid (248) does not fit
    # anywhere, and sending G1, G2 to U2 walks farther than G2 to U1.
    r = assign(s, time_limit=2)
    got = {p.grid: p.unit for p in r.assignment.parts}
    assert got == {"G1": "U1", "G2": "U1", "G3": "U2"}
    cap = {uid: int(np.ceil(BALANCE * 348 * rate / sum(unit_rates(s).values()))) for uid, rate in unit_rates(s).items()}
    assert cap == {"U1": 227, "U2": 227}
    cost, best = brute_force(s, cap)
    assert best == got
    assert r.assignment.stats.objective == round(cost, -0) or abs(r.assignment.stats.objective - cost) < 3
    assert r.assignment.stats.gap == 0.0 and r.assignment.balanced


@st.composite
def towns(draw):
    n_units = draw(st.integers(2, 3))
    n_grids = draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    grids = [{"id": f"G{i}", "name": f"组{i}", "location": {"lon": 120.0 + rng.uniform(0.002, 0.018),
                                                              "lat": 36.0 + rng.uniform(0.002, 0.018)},
              "households": 10, "people": int(draw(st.integers(10, 160)))} for i in range(n_grids)]
    units = [{"id": f"U{k}", "name": f"点{k}", "location": {"lon": 120.0 + rng.uniform(0.002, 0.018),
                                                             "lat": 36.0 + rng.uniform(0.002, 0.018)},
              "desks": int(draw(st.integers(1, 3)))} for k in range(n_units)]
    return Scenario.model_validate({
        "name": "随机镇", "region": {"name": "随机镇"},
        "villages": [{"id": "V1", "name": "村", "location": {"lon": 120.01, "lat": 36.01}, "grids": grids}],
        "units": units,
        "groups": [{"id": "T1", "name": "组", "members": [{"name": "甲", "role": "lead"}, {"name": "乙", "role": "sampler"}]}],
        "zones": [{"id": "Z1", "name": "片", "units": [u["id"] for u in units]}],
        "station": {"name": "站", "location": {"lon": 120.01, "lat": 36.01}},
        "lab": {"name": "实验室", "travel_min": 20},
        "parameters": {"start": "08:00", "deadline": "20:00"},
    })


@settings(max_examples=25, deadline=None)
@given(towns())
def test_every_person_in_exactly_one_unit(s):
    r = assign(s, time_limit=1)
    assert r.assignment is not None
    plan = {"assignment": r.assignment.model_dump(), "staffing": {"home_teams": []},
            "slots": [{"grid": p.grid, "part": p.part, "people": p.people} for p in r.assignment.parts]}
    assert people_exactly_once(s, plan) == []
    load = {}
    for p in r.assignment.parts:
        load[p.unit] = load.get(p.unit, 0) + p.people
    assert all(load[u] <= r.capacity[u] for u in load)


def test_far_grids_are_explained(tiny):
    data = tiny.scenario.model_dump()
    data["region"]["boundary"] = None
    data["villages"][0]["grids"][2]["location"] = {"lon": 120.06, "lat": 36.06}
    s = Scenario.model_validate(data)
    r = assign(s)
    assert r.assignment is None
    (e,) = r.problems
    assert e.problem == "grid G3 is more than 3 km from any unit that may take them"
    # 7.2 km in a straight line x detour 1.3
    assert e.fix == "open a unit nearer, raise parameters.max_walk_m, or pin the grids to a unit (G3 → U2 甲村西检测点 is 9.4 km)"


def test_full_units_are_explained(tiny):
    data = tiny.scenario.model_dump()
    data["parameters"]["deadline"] = 9 * 60  # one hour: 100 - 20 min set-up -> 66 people a unit
    s = Scenario.model_validate(data)
    r = assign(s)
    assert r.assignment is None
    assert r.problems[0].problem.startswith("U")
    assert "have no room" in r.problems[0].problem and "more desk-hours needed" in r.problems[0].problem
    assert r.problems[0].fix.startswith("add ")


def test_pinned_grid_goes_to_its_unit(tiny):
    data = tiny.scenario.model_dump()
    data["villages"][0]["grids"][0]["pinned_unit"] = "U2"
    r = assign(Scenario.model_validate(data))
    assert {p.grid: p.unit for p in r.assignment.parts}["G1"] == "U2"


def test_a_grid_bigger_than_any_unit_is_split_by_households(tiny):
    data = tiny.scenario.model_dump()
    data["villages"][0]["grids"][2]["people"] = 900
    data["villages"][0]["grids"][2]["households"] = 300
    data["parameters"]["deadline"] = 14 * 60  # 340 open minutes x 100/h = 566 a unit < 898
    s = Scenario.model_validate(data)
    r = assign(s)
    parts = [p for p in r.assignment.parts if p.grid == "G3"]
    assert len(parts) == 2 and sum(p.people for p in parts) == 898
    assert parts[0].households == (1, 150) and parts[1].households == (151, 300)
    assert any("split into 2 household ranges" in e.problem for e in r.problems)
