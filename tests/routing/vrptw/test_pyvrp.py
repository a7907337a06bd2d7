"""Tests for natplan.routing.vrptw.pyvrp: what the PyVRP engine does beyond the shared tests in
test_solve (vehicles that cannot work their shift, a fleet too small, iteration budgets)."""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw import Vehicle, solve_vrptw
from natplan.routing.vrptw.checks import validate
from natplan.routing.vrptw.model import locations
from natplan.routing.vrptw.pyvrp import solve_pyvrp
from tests.routing.vrptw.conftest import brute_force, check_result, replace, tiny


def test_a_vehicle_that_cannot_leave_and_return_in_its_shift_is_never_used():
    # vehicle 0's shift ends at 10 but the depot opens at 20 for it: only vehicle 1 can drive
    data = replace(tiny(), tw_open=np.array([20, 0, 0, 0, 30, 0]), tw_close=np.full(6, 300),
                   vehicles=(Vehicle(0, 0, capacity=20, shift_end=10), Vehicle(0, 0, capacity=20)))
    res = solve_vrptw(data, deterministic=True, engine="pyvrp")
    check_result(data, res)
    assert res.feasible and [r.vehicle for r in res.routes] == [1]


def test_no_vehicle_able_to_work_gives_no_routes():
    # the depot opens at 60, the only shift ends at 50; the pre-check would set every visit aside, so
    # the engine is called directly: it leaves the vehicle out instead of handing PyVRP a broken window
    data = replace(tiny(), tw_open=np.array([60, 0, 0, 0, 30, 0]), tw_close=np.full(6, 300),
                   vehicles=(Vehicle(0, 0, shift_end=50),))
    c = validate(data)
    served = c.visits.tolist()
    assert solve_pyvrp(data, c, served, locations(data, c, served, "distance"), 1.0, 0, False, None, True) == [[]]


def test_a_fleet_smaller_than_the_visits_still_finds_the_optimum():
    # two vans, five visits: the soft-fleet phase runs; the optimum (88 by enumeration) is kept within the fleet
    data = tiny()
    res = solve_vrptw(data, seed=4, deterministic=True, solution_limit=400, engine="pyvrp")
    check_result(data, res)
    assert res.vehicles_used <= 2 and res.distance == brute_force(data) == 88
