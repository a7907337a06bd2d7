"""Tests for natplan.routing.vrptw.repair: visits dropped until every route is feasible."""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw import Vehicle
from natplan.routing.vrptw.checks import validate
from natplan.routing.vrptw.repair import make_feasible
from tests.routing.vrptw.conftest import three_stops


def test_the_largest_load_goes_first_then_the_first_late_visit():
    # capacity 4 with loads 1, 2, 3: dropping 3 (the largest) leaves 3; then 1 is reached late after 2
    data = three_stops(vehicles=(Vehicle(0, 0, capacity=4, shift_end=200),))
    routes = [[2, 1, 3]]
    assert make_feasible(data, validate(data), routes) == [[2]]
    assert routes == [[2, 1, 3]]  # the input is left as it was


def test_feasible_routes_are_kept_and_a_late_return_drops_the_last_visit():
    data = three_stops(vehicles=(Vehicle(0, 0, shift_end=200), Vehicle(0, 0, shift_end=99)))
    c = validate(data)
    assert make_feasible(data, c, [[1, 2, 3], []]) == [[1, 2, 3], []]
    assert make_feasible(data, c, [[], [1, 2, 3]]) == [[], [1, 2]]  # back at 100 > 99: 3 goes, back at 75


def test_an_empty_fleet_plan_stays_empty():
    data = three_stops(tw_close=np.array([200, 100, 100, 100]))
    assert make_feasible(data, validate(data), [[]]) == [[]]
