"""Tests for natplan.routing.vrptw.timing: a route timed by hand, infeasible routes, the first late
visit, and the optimal Solomon C101 routes timed to their known length."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from natplan.routing.vrptw import Route, Stop, Vehicle, route_schedule
from natplan.routing.vrptw.checks import validate
from natplan.routing.vrptw.timing import first_late
from tests.routing.vrptw.conftest import REPO, SOLOMON, replace, route_cost, three_stops


def test_three_stops_timed_by_hand_with_a_wait():
    # Visit 1 must start by 15, so the van starts at 15 - 10 - 2 = 3 at the latest; it is at 1 at 15,
    # leaves at 20, reaches 2 at 30 and waits for its window to open at 50, leaves at 55, serves 3 from
    # 65 to 70 and is back at 100. Waiting at 2 cannot be avoided: leaving later would miss 1.
    r = route_schedule(three_stops(), 0, [1, 2, 3])
    assert r == Route(0, (Stop(0, 3, 3, 5, 0), Stop(1, 15, 15, 20, 1), Stop(2, 30, 50, 55, 3),
                          Stop(3, 65, 65, 70, 6), Stop(0, 100, 100, 100, 6)), distance=60, duration=97)
    assert r.visits == (1, 2, 3)


def test_departure_is_pushed_as_late_as_the_windows_allow():
    # with visit 1 open until 100, visit 3 (start by 100) binds: the van leaves the depot's service at
    # 100 - 10 - 5 - 10 - 5 - 10 - 2 = 58 and never waits; the duration is the driving and service, 77
    r = route_schedule(three_stops(tw_close=np.array([200, 100, 100, 100])), 0, [1, 2, 3])
    assert [(s.arrival, s.start) for s in r.stops] == [(58, 58), (70, 70), (85, 85), (100, 100), (135, 135)]
    assert r.duration == 2 + 10 + 5 + 10 + 5 + 10 + 5 + 30 == 77


def test_routes_that_break_a_window_or_the_shift_are_none():
    assert route_schedule(three_stops(tw_close=np.array([200, 15, 100, 60])), 0, [1, 2, 3]) is None  # 3 at 65
    assert route_schedule(three_stops(vehicles=(Vehicle(0, 0, shift_end=99),)), 0, [1, 2, 3]) is None  # back at 100
    assert route_schedule(three_stops(), 0, [2, 1, 3]) is None  # 1 reached after 15


def test_first_late_visit():
    data = three_stops()
    c = validate(data)
    assert first_late(data, c, 0, [2, 1, 3]) == 1  # 2 at 50, 1 at 65 > 15
    short = replace(data, vehicles=(Vehicle(0, 0, shift_end=99),))
    assert first_late(short, validate(short), 0, [1, 2, 3]) == 2  # every window kept; late back: the last


# ---------------------------------------------------------------------------
# Solomon C101 (read from ../shared/benchmarks with the benchmark's parser)
# ---------------------------------------------------------------------------

C101_OPTIMAL = """5 3 7 8 10 11 9 6 4 2 1 75
13 17 18 19 15 16 14 12
20 24 25 27 29 30 28 26 23 22 21
32 33 31 35 37 38 39 36 34
43 42 41 40 44 46 45 48 51 50 52 49 47
57 55 54 53 56 58 60 59
67 65 63 62 74 72 61 64 68 66 69
81 78 76 71 70 73 77 79 80
90 87 86 83 82 84 85 88 89 91
98 96 95 94 92 93 97 100 99"""


@pytest.fixture(scope="module")
def solomon():
    spec = importlib.util.spec_from_file_location("bench_solomon", REPO / "benchmarks" / "solomon.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_solomon"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not (SOLOMON / "C101.100.10.vrptw").exists(), reason="../shared/benchmarks is not beside this clone")
def test_parse_c101_and_reproduce_bks(solomon):
    inst = solomon.parse_lkh3(SOLOMON / "C101.100.10.vrptw")
    data = inst.to_data()
    assert len(data.demand) == 101 and inst.vehicles == 10 and inst.capacity == 200
    assert data.service[0] == 0 and data.service[1] == 900  # 90 × SCALE 10
    assert (data.tw_open[0], data.tw_close[0]) == (0, 12360)
    # depot (40, 50) to customer 1 (45, 68): floor(10 * sqrt(25 + 324)) = 186
    assert data.distance[0, 1] == 186
    # customer 1 (45, 68) to customer 2 (45, 70): 20 tenths
    assert data.distance[1, 2] == 20
    routes = [list(map(int, line.split())) for line in C101_OPTIMAL.splitlines()]
    assert sorted(x for r in routes for x in r) == list(range(1, 101))
    costs = [route_cost(data, k, r) for k, r in enumerate(routes)]
    assert None not in costs
    assert sum(costs) == 8273  # BKS 827.3 in the distance-only convention
    # route_schedule times the same routes to the same length
    timed = [route_schedule(data, k, r) for k, r in enumerate(routes)]
    assert None not in timed
    assert [t.distance for t in timed] == costs
