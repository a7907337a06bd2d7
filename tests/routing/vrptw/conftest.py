"""Shared helpers for the tests of natplan.routing.vrptw (imported by the test modules).

- ``ENGINES``: both engines, for tests parametrised over them.
- ``check_result(data, res)``: an independent checker (it does not use the
  package's code): every route keeps windows, shifts and capacity, times and
  totals add up, and each visit is served once or reported unserved.
- ``route_cost(data, k, seq)``: the distance of a route by an own simulation,
  or None when it breaks a window, the shift or capacity.
- ``brute_force(data)``: the optimal distance of a two-vehicle instance, by
  enumerating every split and order.
- ``tiny()``: depot 0 and five visits whose optimum is 88 by hand and by enumeration.
- ``two_depots()``: two depots with their own vans, shifts and depot service.
- ``three_stops(**fields)``: visits 1, 2, 3 on a line, a wait at 2 that cannot be avoided
  (timed by hand in test_timing).
- ``replace(data, **fields)``: a copy of a ``VrptwData`` with fields changed.
- ``euclid(xy)``: rounded Euclidean distances.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from natplan.routing.vrptw import Vehicle, VrptwData

ENGINES = ("pyvrp", "ortools")
REPO = Path(__file__).resolve().parents[3]
# Benchmark instances are read in place from ../shared (CI has it beside the clone); not copied here.
SOLOMON = REPO.parent / "shared" / "benchmarks" / "solomon100" / "lkh3_floor1dec"


def euclid(xy: np.ndarray) -> np.ndarray:
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return np.rint(d).astype(np.int64)


def check_result(data: VrptwData, res) -> None:
    """Assert that every route keeps windows, shifts, capacity, and that each
    visit is served once or reported unserved."""
    n = len(data.demand)
    depots = {v.start for v in data.vehicles} | {v.end for v in data.vehicles}
    visits = set(range(n)) - depots if data.visits is None else set(int(x) for x in data.visits)
    served = []
    used = set()
    for r in res.routes:
        assert r.vehicle not in used
        used.add(r.vehicle)
        veh = data.vehicles[r.vehicle]
        s = r.stops
        assert s[0].location == veh.start and s[-1].location == veh.end
        assert s[0].start >= max(veh.shift_start, data.tw_open[veh.start])
        assert s[-1].arrival <= min(veh.shift_end, data.tw_close[veh.end])
        load = 0
        dist = 0
        for a, b in zip(s, s[1:]):
            assert b.arrival == a.departure + data.time[a.location, b.location]
            dist += (data.distance if data.distance is not None else data.time)[a.location, b.location]
        for st_ in s[1:-1]:
            assert data.tw_open[st_.location] <= st_.start <= data.tw_close[st_.location]
            assert st_.start >= st_.arrival
            assert st_.departure == st_.start + data.service[st_.location]
            load += data.demand[st_.location]
            assert st_.load == load
            assert load <= veh.capacity
            served.append(st_.location)
        assert r.distance == dist
    assert len(served) == len(set(served))
    unserved = {v for v, _ in res.unserved}
    assert set(served) | unserved == visits
    assert not (set(served) & unserved)
    assert res.feasible == (not unserved)
    assert res.distance == sum(r.distance for r in res.routes)
    assert res.vehicles_used == len(res.routes)


def route_cost(data, k, seq):
    """Distance of a route if it is feasible (own simulation), else None."""
    veh = data.vehicles[k]
    path = [veh.start, *seq, veh.end]
    t = max(veh.shift_start, data.tw_open[veh.start])
    load = 0
    for i in range(1, len(path)):
        a, b = path[i - 1], path[i]
        t = t + data.service[a] + data.time[a, b]
        if i == len(path) - 1:  # back at the end depot
            if t > min(veh.shift_end, data.tw_close[b]):
                return None
            break
        t = max(t, data.tw_open[b])
        if t > data.tw_close[b]:
            return None
        load += data.demand[b]
        if load > veh.capacity:
            return None
    return int(sum(data.distance[a, b] for a, b in zip(path, path[1:])))


def brute_force(data) -> int:
    """Optimal total distance by enumerating every split and order (2 vehicles)."""
    depots = {v.start for v in data.vehicles} | {v.end for v in data.vehicles}
    visits = [i for i in range(len(data.demand)) if i not in depots]
    best = math.inf
    for mask in range(1 << len(visits)):
        a = [v for i, v in enumerate(visits) if mask >> i & 1]
        b = [v for i, v in enumerate(visits) if not mask >> i & 1]
        ca = min((c for p in itertools.permutations(a) if (c := route_cost(data, 0, p)) is not None), default=None)
        if ca is None:
            continue
        cb = min((c for p in itertools.permutations(b) if (c := route_cost(data, 1, p)) is not None), default=None)
        if cb is None:
            continue
        best = min(best, ca + cb)
    return best


def tiny() -> VrptwData:
    """Depot 0 and five visits; windows force visits 2 and 4 onto one van each."""
    xy = np.array([[0, 0], [10, 0], [20, 0], [0, 10], [0, 20], [10, 10]])
    d = euclid(xy)
    return VrptwData(
        time=d, distance=d,
        demand=np.array([0, 3, 3, 4, 4, 2]),
        service=np.array([0, 5, 5, 5, 5, 5]),
        tw_open=np.array([0, 0, 0, 0, 30, 0]),
        tw_close=np.array([200, 200, 25, 200, 40, 200]),
        vehicles=(Vehicle(0, 0, capacity=10), Vehicle(0, 0, capacity=10)),
    )


def two_depots() -> VrptwData:
    """Depots 0 and 6 with their own vans and shifts, service at the depots, five visits."""
    xy = np.array([[0, 0], [10, 0], [20, 0], [30, 10], [40, 0], [35, -10], [50, 0]])
    d = euclid(xy)
    return VrptwData(
        time=d, distance=d,
        demand=np.array([0, 2, 2, 3, 3, 2, 0]),
        service=np.array([4, 3, 3, 3, 3, 3, 6]),
        tw_open=np.array([0, 0, 20, 0, 0, 60, 10]),
        tw_close=np.array([300, 100, 60, 200, 90, 120, 300]),
        vehicles=(Vehicle(0, 0, capacity=7, shift_start=5, shift_end=150),
                  Vehicle(6, 6, capacity=6, shift_start=30, shift_end=140)),
    )


def three_stops(**kw) -> VrptwData:
    """Depot 0 and visits 1, 2, 3 on a line at 10, 20, 30; service 2 at the depot, 5 at each visit."""
    x = np.array([0, 10, 20, 30])
    fields = dict(time=np.abs(x[:, None] - x[None, :]), distance=None, demand=np.array([0, 1, 2, 3]),
                  service=np.array([2, 5, 5, 5]), tw_open=np.array([0, 0, 50, 0]),
                  tw_close=np.array([200, 15, 100, 100]), vehicles=(Vehicle(0, 0, shift_end=200),))
    fields.update(kw)
    return VrptwData(**fields)


def replace(data: VrptwData, **kw) -> VrptwData:
    fields = {f: getattr(data, f) for f in data.__dataclass_fields__}
    fields.update(kw)
    return VrptwData(**fields)
