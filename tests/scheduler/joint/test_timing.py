"""A staffing pattern timed by its LP, and by its groups' days (chains), on the tiny town by hand.

Tiny town: T1 (home U1, 2 samplers), U1 and U2 one desk each at 100 an hour, 348 walk-ins, van 2 min.
"""

import numpy as np
import pytest

from natplan.scheduler.joint.data import joint_data, rates
from natplan.scheduler.joint.grids import Chains, improve, simple
from natplan.scheduler.joint.timing import time_pattern


@pytest.fixture(scope="module")
def data(tiny):
    d, _ = joint_data(tiny.scenario)
    return d


def _rate(data):
    return rates(data, 229, 709)  # a day of 3.8 h: no break falls in the rate


def test_one_unit_pattern_is_timed_by_its_lp(data):
    # everyone at U1: 08:00 + 20 min + 348 / 100 h = 708.8; everyone at U2: T1 arrives 08:02, 710.8
    assert time_pattern(data, ((0,),), _rate(data), 1).finish == pytest.approx(708.8)
    assert time_pattern(data, ((1,),), _rate(data), 1).finish == pytest.approx(710.8)


def test_two_units_in_turn_cost_a_trip_and_a_set_up(data):
    # U1 then U2: the people split freely, 22 more minutes than U1 alone (a 2-min trip and a 20-min set-up)
    t = time_pattern(data, ((0, 1),), _rate(data), 1, walking=True, slack=0.0)
    assert t.finish == pytest.approx(708.8 + 22)
    first, second = t.stays
    assert second.arrive == pytest.approx(first.close + 2)
    assert first.people + second.people == pytest.approx(348)


def test_a_pattern_that_leaves_a_grid_without_a_unit_is_not_timed(tiny):
    data = tiny.scenario.model_dump()
    data["villages"][0]["grids"][1]["pinned_unit"] = "U2"
    from natplan.models.scenario import Scenario

    d, _ = joint_data(Scenario.model_validate(data))
    assert time_pattern(d, ((0,),), _rate(d), 1) is None  # G2 may only go to U2


def test_chains_time_whole_grids_along_the_day_and_improve_moves_them(data):
    # pattern U1 then U2; the jobs are G1 (100), G2 (100), G3 (148)
    pattern = ((0, 1),)
    assert simple(pattern, 1) and not simple(((0,), (0,)), 1)
    chains = Chains(data, pattern, _rate(data), 1)
    people = data.people
    everyone_at_u2 = np.array([1, 1, 1])
    # nobody at U1: T1 goes to U2 from home (08:02, doors 08:25): 505 + 348 x 0.6 = 713.8
    assert chains.finishes(np.bincount(everyone_at_u2, weights=people, minlength=2)).max() == pytest.approx(713.8)
    best = improve(chains, everyone_at_u2, max_evals=200)
    loads = np.bincount(best, weights=people, minlength=2)
    # moving all to U1 (T1's home) finishes at 708.8, the least: the chain skips U2
    assert loads.tolist() == [348, 0]
    assert chains.finishes(loads).max() == pytest.approx(708.8)
