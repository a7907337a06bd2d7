"""Tests for natplan.routing.vrptw.model: the locations both engines' models hold and the prices on them."""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw import Vehicle
from natplan.routing.vrptw.checks import validate
from natplan.routing.vrptw.model import locations
from tests.routing.vrptw.conftest import replace, two_depots


def test_depots_first_then_the_visits_and_prices_by_hand():
    data = two_depots()
    loc = locations(data, validate(data), [5, 1, 3], "vehicles_then_distance")
    assert loc.nodes.tolist() == [0, 6, 5, 1, 3] and loc.depots == 2
    assert np.array_equal(loc.dist, data.distance[np.ix_([0, 6, 5, 1, 3], [0, 6, 5, 1, 3])])
    # longest arc: depot 0 (0, 0) to depot 6 (50, 0), 50; a vehicle costs more than 5 + 1 such arcs
    assert loc.vehicle_price == 50 * 6 + 1
    # a mandatory visit left out: 4 longest arcs + a vehicle's price + the largest fixed cost (0) + 1
    assert loc.mandatory_price == 4 * 50 + 301 + 0 + 1


def test_distance_objective_has_no_vehicle_price_and_fixed_costs_raise_the_drop_price():
    data = replace(two_depots(), vehicles=(Vehicle(0, 0), Vehicle(6, 6, fixed_cost=30)))
    loc = locations(data, validate(data), [1], "distance")
    assert loc.nodes.tolist() == [0, 6, 1]
    assert loc.vehicle_price == 0
    assert loc.mandatory_price == 4 * 50 + 0 + 30 + 1


def test_zero_distances_price_as_one():
    data = replace(two_depots(), time=np.zeros((7, 7), int), distance=None)
    loc = locations(data, validate(data), [1, 2], "vehicles_then_distance")
    # four locations: a vehicle costs 1 * (4 + 1) + 1, a mandatory visit 4 * 1 + 6 + 0 + 1
    assert (loc.vehicle_price, loc.mandatory_price) == (6, 11)
