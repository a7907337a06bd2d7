"""The joint bound and the planner on tiny towns solved exactly by enumeration.

Each town has two units 900 m apart (van 2 min), one or two groups of two
samplers, desks of 1 or 2, and three grids of an even number of people, so
that every stay lasts whole minutes: a desk samples one person a minute
(``throughput_per_desk_per_hour: 60``).  Days are short (under three hours
of work), so no gear change or meal is due.

The optimum is found here without the planner: every way to send the grids
to units, and every way for the groups to staff the units with people (each
unit one group, each group its units in some order), each timed by hand: a
group arrives after its trip, doors open on a 5-minute mark after 20 minutes
of set-up, it samples ``people / min(desks, samplers)`` minutes and moves on.
"""

import itertools
import math

import numpy as np
import pytest

from natplan.models.loader import LoadedScenario
from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m
from natplan.scheduler.joint.bound import joint_bound
from natplan.scheduler.joint.data import joint_data
from natplan.scheduler.pipeline import plan_round

START, SETUP, TRAVEL = 8 * 60, 20, 2
UNITS = [(120.005, 36.006), (120.015, 36.006)]


def town(seed: int) -> Scenario:
    """A tiny town drawn from ``seed`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    groups = 1 + seed % 2
    grids = [{"id": f"G{i}", "name": f"组{i}", "households": 20, "people": int(2 * rng.integers(20, 60)),
              "location": {"lon": float(120.004 + rng.uniform(0, 0.012)), "lat": float(36.004 + rng.uniform(0, 0.004))}}
             for i in range(3)]
    units = [{"id": f"U{k + 1}", "name": f"点{k + 1}", "location": {"lon": lon, "lat": lat},
              "desks": int(rng.integers(1, 3))} for k, (lon, lat) in enumerate(UNITS)]
    members = [{"name": "组长", "role": "lead"}, {"name": "采样员甲", "role": "sampler"},
               {"name": "采样员乙", "role": "sampler"}]
    homes = [None, "U2"]
    return Scenario.model_validate({
        "name": "穷举镇", "region": {"name": "穷举镇"},
        "villages": [{"id": "V1", "name": "村", "location": {"lon": 120.01, "lat": 36.005}, "grids": grids}],
        "units": units,
        "groups": [{"id": f"T{k + 1}", "name": f"第{k + 1}组", "home": homes[k],
                    "members": [{**m, "name": f"{m['name']}{k + 1}"} for m in members]} for k in range(groups)],
        "zones": [{"id": "Z1", "name": "片", "units": ["U1", "U2"]}],
        "station": {"name": "站", "location": {"lon": 120.01, "lat": 36.006}},
        "lab": {"name": "实验室", "travel_min": 20},
        "parameters": {"start": "08:00", "deadline": "14:00", "throughput_per_desk_per_hour": 60},
    })


def mark(arrive: int) -> int:
    """The arrival whose opening (after set-up) falls on a 5-minute mark."""
    return -(-(arrive + SETUP) // 5) * 5 - SETUP


def optimum(s: Scenario) -> tuple[int, float]:
    """(least finish, least person-metres at it) over every assignment and staffing, timed by hand."""
    units = [u.id for u in s.units]
    desks = [u.desks for u in s.units]
    grids = s.grids()
    dist = [[float(haversine_m(g.location.lon, g.location.lat, u.location.lon, u.location.lat)) * 1.3
             for u in s.units] for g in grids]
    home = [None if g.home is None else units.index(g.home) for g in s.groups]
    orders = [()] + [p for n in (1, 2) for p in itertools.permutations(range(len(units)), n)]
    best = (math.inf, math.inf)
    for choice in itertools.product(range(len(units)), repeat=len(grids)):
        load = [sum(g.people for g, c in zip(grids, choice) if c == u) for u in range(len(units))]
        walk = sum(g.people * dist[i][c] for i, (g, c) in enumerate(zip(grids, choice)))
        busy = {u for u in range(len(units)) if load[u] > 0}
        for staffing in itertools.product(orders, repeat=len(s.groups)):
            staffed = [u for seq in staffing for u in seq]
            if sorted(staffed) != sorted(busy):
                continue  # every unit with people has exactly one group, and no group idles at an empty unit
            finish = 0
            for k, seq in enumerate(staffing):
                at = home[k]
                t = START
                for u in seq:
                    arrive = mark(t + (0 if at == u else TRAVEL))
                    t = arrive + SETUP + load[u] // min(desks[u], 2)
                    at = u
                finish = max(finish, t)
            best = min(best, (finish, round(walk, 1)))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_bound_never_above_the_optimum_and_the_planner_reaches_it(seed):
    s = town(seed)
    least, walk = optimum(s)
    data, _ = joint_data(s)
    assert joint_bound(data).finish <= least
    out = plan_round(LoadedScenario(s, None, "x", None))
    assert out.plan is not None, out.problems
    assert out.plan.kpis.finish == least
    person_m = sum(p.people * p.distance_m for p in out.plan.assignment.parts)
    assert person_m == pytest.approx(walk, abs=0.05 * s.people + 0.1)  # distances are rounded to 0.1 m


def test_the_tiny_town_is_solved_exactly(tiny):
    # tests/data/tiny.yaml: one group of two samplers whose home is U1, 348 walk-ins, one desk a unit at 100 an
    # hour. Everyone to U1: 08:00 + 20 min set-up + 348 / 100 h = 11:48:53; the bound proves nothing is earlier.
    out = plan_round(tiny)
    k = out.plan.kpis
    assert (k.finish, k.joint_bound, k.joint_ratio) == (11 * 60 + 49, 11 * 60 + 49, 1.0)
    assert [(v.group, v.unit, v.arrive, v.open, v.close) for v in out.plan.staffing.visits] == [
        ("T1", "U1", 480, 500, 709)]
    assert "every staffing pattern" in out.plan.staffing.stats.method and out.plan.staffing.stats.optimal
