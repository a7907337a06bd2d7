"""Tests of natplan.scheduler.gap.portfolio: CP-SAT beside the LNS ends at the optimum and proves it."""

from __future__ import annotations

import time

import numpy as np

from natplan.scheduler.gap.bounds import lp_bound_glop
from natplan.scheduler.gap.data import GapData, Instance, evaluate
from natplan.scheduler.gap.portfolio import portfolio
from tests.scheduler.gap.conftest import SPLIT_CAP, SPLIT_COST, SPLIT_WEIGHT, TINY_CAP, TINY_COST, TINY_WEIGHT


def quiet(*_):
    pass


def run(inst, start, feas, bound, duals):
    return portfolio(inst, start, feas, bound, time.perf_counter() + 30.0, 0, 2, np.random.default_rng(0),
                     duals, quiet)


def test_portfolio_ends_at_the_proved_optimum():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    lp, duals = lp_bound_glop(inst)
    start = [inst.find_arc(j, a) for j, a in enumerate([0, 2, 0, 1])]  # feasible, cost 14
    arc_of, cp_bound, proved, cp_infeasible, bound = run(inst, start, True, lp, duals)
    assert evaluate(inst, arc_of)[::2] == (13, True) and proved and not cp_infeasible
    # CP-SAT's own bound is read when the portfolio stops, which races with the LNS thread (it may stop
    # CP-SAT as soon as the optimum is proved by the joint bound): valid, not always tight, and None when
    # CP-SAT was stopped before its first solution (portfolio.py: status UNKNOWN)
    assert cp_bound is None or cp_bound <= 13
    assert lp - 1e-9 <= bound <= 13 + 1e-9


def test_the_lagrangian_raises_the_bound_while_cp_sat_works():
    inst = Instance(GapData.from_dense(SPLIT_COST, SPLIT_WEIGHT, SPLIT_CAP))
    lp, duals = lp_bound_glop(inst)  # 5, against an optimum of 10
    start = [inst.find_arc(0, 0), inst.find_arc(1, 1)]
    arc_of, _, proved, _, bound = run(inst, start, True, lp, duals)
    assert evaluate(inst, arc_of)[0] == 10 and proved
    # the start costs 10 > 5, so the Lagrangian runs, and closes the gap
    assert abs(bound - 10.0) < 1e-6


def test_portfolio_without_a_feasible_start_waits_for_cp_sat():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    start = [inst.L_ptr[j] for j in range(inst.n)]  # every job at its cheapest agent: over-full
    arc_of, _, proved, _, _ = run(inst, start, False, None, None)
    assert evaluate(inst, arc_of)[::2] == (13, True) and proved


def test_portfolio_on_an_infeasible_instance_returns_no_solution():
    inst = Instance(GapData.from_dense([[1, 1, 1], [1, 1, 1]], [[5, 5, 5], [5, 5, 5]], [5, 5]))
    start = [inst.L_ptr[j] for j in range(inst.n)]
    assert run(inst, start, False, None, None) == (None, None, False, True, None)
