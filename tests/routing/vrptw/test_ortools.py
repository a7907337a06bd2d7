"""Tests for natplan.routing.vrptw.ortools: pickup-and-delivery pairs (what the engine is kept for),
the search it runs, first-solution strategies."""

from __future__ import annotations

import numpy as np
import pytest

from natplan.routing.vrptw import Vehicle, solve_vrptw
from natplan.routing.vrptw.ortools import search_parameters
from tests.routing.vrptw.conftest import brute_force, check_result, replace, tiny


def test_pickup_before_delivery_on_one_vehicle():
    base = tiny()
    data = replace(base, demand=np.array([0, 3, -3, 4, -4, 2]), tw_close=np.full(6, 500),
                   tw_open=np.zeros(6, dtype=int), pickup_delivery=((1, 2), (3, 4)),
                   vehicles=(Vehicle(0, 0, capacity=5), Vehicle(0, 0, capacity=5)))
    res = solve_vrptw(data, deterministic=True, solution_limit=400)  # auto: OR-Tools models the pairs
    assert res.feasible and res.engine == "ortools"
    for r in res.routes:
        seq = list(r.visits)
        for p, d in data.pickup_delivery:
            assert (p in seq) == (d in seq)
            if p in seq:
                assert seq.index(p) < seq.index(d)
        assert max(s.load for s in r.stops) <= 5


def test_a_pair_whose_delivery_cannot_be_reached_is_left_out_whole():
    # delivery 2 closes before the van can reach it: the pickup 1 goes with it, the other pair is served
    data = replace(tiny(), demand=np.array([0, 3, -3, 4, -4, 2]), tw_open=np.zeros(6, dtype=int),
                   tw_close=np.array([500, 500, 5, 500, 500, 500]), pickup_delivery=((1, 2), (3, 4)))
    res = solve_vrptw(data, deterministic=True)
    check_result(data, res)
    assert dict(res.unserved) == {1: "its delivery 2 cannot be served",
                                  2: "window 00:00\u201300:05 cannot be reached from depot within the shift"}


def test_the_search_is_or_tools_default_with_cheapest_insertion_and_guided_local_search():
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    p = search_parameters(time_limit=2.5, solution_limit=70)
    default = pywrapcp.DefaultRoutingSearchParameters()
    assert p.first_solution_strategy == routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    assert p.local_search_metaheuristic == routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    assert p.time_limit.ToMilliseconds() == 2500 and p.solution_limit == 70
    assert p.local_search_operators == default.local_search_operators
    assert p.guided_local_search_lambda_coefficient == default.guided_local_search_lambda_coefficient
    assert not search_parameters().HasField("time_limit")


@pytest.mark.parametrize("first", ["SAVINGS", "LOCAL_CHEAPEST_INSERTION", "PATH_CHEAPEST_ARC"])
def test_named_first_solution_strategies_reach_the_optimum(first):
    data = tiny()
    res = solve_vrptw(data, deterministic=True, engine="ortools", first_solution=first)
    check_result(data, res)
    assert res.distance == brute_force(data) == 88


def test_unknown_first_solution_strategy_is_refused():
    with pytest.raises(ValueError) as exc:
        solve_vrptw(tiny(), engine="ortools", first_solution="CHEAPEST")
    assert str(exc.value) == "unknown first solution strategy 'CHEAPEST'"
