"""Tests of natplan.scheduler.gap.bounds: every bound is below the brute-force optimum, and tight where it must be."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from natplan.scheduler.gap.bounds import (
    flow_relaxation,
    integer_bound,
    knapsack,
    lagrangian_bound,
    lagrangian_worthwhile,
    lp_bound_glop,
    unit_costs,
)
from natplan.scheduler.gap.data import GapData, Instance
from tests.scheduler.gap.conftest import (
    SPLIT_CAP,
    SPLIT_COST,
    SPLIT_WEIGHT,
    TINY_CAP,
    TINY_COST,
    TINY_WEIGHT,
    brute_force,
    random_feasible,
)


def inst_of(cost, weight, cap) -> Instance:
    return Instance(GapData.from_dense(cost, weight, cap))


def test_lp_and_lagrangian_on_the_split_instance():
    inst = inst_of(SPLIT_COST, SPLIT_WEIGHT, SPLIT_CAP)
    bound, (u, v) = lp_bound_glop(inst)
    assert bound == pytest.approx(5.0)
    assert u.tolist() == pytest.approx([5.0, 0.0]) and v.tolist() == pytest.approx([10.0, 10.0])
    assert lagrangian_bound(inst, v, ub=10.0, max_iter=120) == pytest.approx(10.0)


@pytest.mark.parametrize("seed", range(12))
def test_bounds_never_exceed_the_brute_force_optimum(seed):
    m, n = 2 + seed % 2, 3 + seed % 4
    cost, weight, cap, _ = random_feasible(m, n, seed)
    opt = brute_force(cost, weight, cap)
    inst = inst_of(cost, weight, cap)
    lp, duals = lp_bound_glop(inst)
    cheapest = sum(min(cost[a][j] for a in range(m)) for j in range(n))
    assert cheapest - 1e-6 <= lp <= opt + 1e-6
    lr = lagrangian_bound(inst, duals[1], float(opt), 120)
    assert lr <= opt + 1e-6
    assert lr >= lp - 1e-6  # it starts from the LP duals, whose value is the LP bound


def test_bounds_are_exact_when_capacity_is_loose():
    # every agent can hold every job: the optimum is each job at its cheapest agent
    cap = [sum(row) for row in TINY_WEIGHT]
    opt = brute_force(TINY_COST, TINY_WEIGHT, cap)
    assert opt == 3 + 2 + 2 + 3
    inst = inst_of(TINY_COST, TINY_WEIGHT, cap)
    lp, duals = lp_bound_glop(inst)
    assert lp == pytest.approx(opt)
    assert lagrangian_bound(inst, duals[1], float(opt), 120) == pytest.approx(opt)


def test_lp_reports_an_infeasible_relaxation():
    inst = inst_of([[1, 1]], [[3, 3]], [5])
    assert lp_bound_glop(inst) == (math.inf, None)


@pytest.mark.parametrize("seed", range(8))
def test_flow_relaxation_equals_the_lp_when_weights_are_uniform(seed):
    cost, weight, cap, _ = random_feasible(3, 5, seed, uniform=True)
    inst = inst_of(cost, weight, cap)
    assert inst.uniform_weight
    bound, flows, feasible = flow_relaxation(inst)
    lp, _ = lp_bound_glop(inst)
    assert feasible
    assert bound == pytest.approx(lp, abs=1e-4) and bound <= lp + 1e-9
    assert bound <= brute_force(cost, weight, cap) + 1e-6
    # the flow ships each job's whole weight
    assert np.bincount(inst.job, weights=flows, minlength=inst.n).tolist() == inst.job_weight.tolist()


def test_flow_relaxation_on_an_over_full_instance():
    inst = inst_of([[1, 2], [2, 1]], [[3, 3], [3, 3]], [2, 2])
    bound, flows, feasible = flow_relaxation(inst)
    assert bound is None and not feasible
    assert flows.sum() <= 4  # only the real capacity is routed through agents


def test_unit_costs_round_down():
    inst = inst_of([[7, 10], [5, 9]], [[3, 4], [3, 4]], [9, 9])
    ucost, K, pos = unit_costs(inst)
    assert pos.all()
    per_person = inst.cost / inst.weight
    assert np.all(ucost / K <= per_person) and np.all(per_person - ucost / K < 1.0 / K * 2)


def test_knapsack_known_answer():
    val, chosen = knapsack(np.array([6.0, 10.0, 12.0]), np.array([1, 2, 3]), 5)
    assert val == 22.0 and chosen.tolist() == [1, 2]
    # items with no profit, or too heavy, are never taken
    val, chosen = knapsack(np.array([-1.0, 4.0, 0.0]), np.array([1, 9, 1]), 5)
    assert val == 0.0 and chosen.tolist() == []


@pytest.mark.parametrize("seed", range(10))
def test_knapsack_matches_enumeration(seed):
    rng = np.random.default_rng(seed)
    p = rng.normal(3, 4, size=6)
    w = rng.integers(0, 6, size=6)
    cap = int(rng.integers(0, 12))
    best = max(sum(p[i] for i in s) for r in range(7) for s in itertools.combinations(range(6), r)
               if sum(w[i] for i in s) <= cap)
    val, chosen = knapsack(p, w, cap)
    assert val == pytest.approx(best)
    assert sum(p[i] for i in chosen) == pytest.approx(val) and sum(w[i] for i in chosen) <= cap


def test_integer_bound():
    assert integer_bound(12.0000001) == 12
    assert integer_bound(12.3) == 13
    assert integer_bound(None) == -math.inf


def test_lagrangian_worthwhile():
    inst = inst_of(TINY_COST, TINY_WEIGHT, TINY_CAP)
    duals = (np.zeros(3), np.zeros(4))
    assert lagrangian_worthwhile(inst, duals, 11.5, 13)
    assert not lagrangian_worthwhile(inst, duals, 12.5, 13)  # 13 is already proved
    assert not lagrangian_worthwhile(inst, None, 11.5, 13)
    assert not lagrangian_worthwhile(inst, duals, None, 13)
