"""Tests of natplan.scheduler.gap.lns: moves keep the solution feasible and never worse, and reach the optimum."""

from __future__ import annotations

import time

import numpy as np

from natplan.scheduler.gap.data import GapData, Instance, evaluate
from natplan.scheduler.gap.lns import Lns, run_lns, run_lns_deterministic
from tests.scheduler.gap.conftest import TINY_CAP, TINY_COST, TINY_WEIGHT, brute_force, random_feasible


def quiet(*_):
    pass


def tiny_start():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    start = [inst.find_arc(j, a) for j, a in enumerate([0, 2, 0, 1])]  # feasible, cost 14 (optimum 13)
    return inst, start


def test_moves_never_worsen_and_keep_the_books():
    cost, weight, cap, planted = random_feasible(4, 7, seed=3)
    inst = Instance(GapData.from_dense(cost, weight, cap))
    start = [inst.find_arc(j, int(a)) for j, a in enumerate(planted)]
    lns = Lns(inst, start, np.random.default_rng(0), 0, True, False)
    last = lns.obj
    for _ in range(15):
        lns.step(0.5)
        obj, loads, feas = evaluate(inst, lns.arc_of)
        assert feas and obj == lns.obj <= last
        assert loads.tolist() == lns.load
        assert [set(np.nonzero([inst.L_agent[k] == a for k in lns.arc_of])[0].tolist()) for a in range(4)] \
            == lns.members
        last = obj
    assert last == brute_force(cost, weight, cap)


def test_a_move_over_every_agent_proves_the_optimum():
    cost, weight, cap, planted = random_feasible(2, 6, seed=5)
    inst = Instance(GapData.from_dense(cost, weight, cap))
    start = [inst.find_arc(j, int(a)) for j, a in enumerate(planted)]
    lns = Lns(inst, start, np.random.default_rng(0), 0, True, False)
    _, proved = lns.step(1.0)
    assert proved and lns.whole_proved
    assert lns.obj == brute_force(cost, weight, cap)


def test_prepare_keeps_off_reserved_agents():
    cost, weight, cap, planted = random_feasible(4, 8, seed=1)
    inst = Instance(GapData.from_dense(cost, weight, cap))
    start = [inst.find_arc(j, int(a)) for j, a in enumerate(planted)]
    lns = Lns(inst, start, np.random.default_rng(0), 0, True, False)
    for _ in range(10):
        task = lns.prepare(frozenset({0, 1}))
        assert task is not None and set(task["agents"]) <= {2, 3}
    assert lns.prepare(frozenset({0, 1, 2})) is None  # one free agent: nothing to exchange


def test_deterministic_run_stops_at_the_bound_and_repeats_itself():
    inst, start = tiny_start()
    runs = []
    for _ in range(2):
        lns = Lns(inst, start, np.random.default_rng(4), 4, True, False)
        assert run_lns_deterministic(lns, 5.0, 12.6, quiet)  # 13 meets the bound
        runs.append(lns.arc_of)
        assert lns.obj == 13
    assert runs[0] == runs[1]


def test_deterministic_run_without_a_bound_spends_its_budget():
    inst, start = tiny_start()
    lns = Lns(inst, start, np.random.default_rng(0), 0, True, False)
    lns.k_max = lns.k_agents = 2  # never every agent with every job, so never proved
    assert not run_lns_deterministic(lns, 0.2, None, quiet)
    assert lns.dtime >= 0.2 and lns.obj == 13


def test_wall_clock_run_stops_when_it_meets_the_bound():
    inst, start = tiny_start()
    lns = Lns(inst, start, np.random.default_rng(0), 0, False, False)
    assert run_lns(lns, time.perf_counter() + 30.0, 13.0, 1, quiet)
    assert lns.obj == 13 and evaluate(inst, lns.arc_of)[2]
