"""Tests of natplan.scheduler.gap.solve: known optima, infeasible instances, determinism, the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import natplan.scheduler.gap.solve as solve_module
from benchmarks.orlib import read_orlib
from natplan.scheduler.gap import GapData, solve_gap
from natplan.scheduler.gap.data import Instance
from natplan.scheduler.gap.solve import make_result
from tests.scheduler.gap.conftest import (
    TINY_CAP,
    TINY_COST,
    TINY_WEIGHT,
    brute_force,
    check_solution,
    random_feasible,
)

# Benchmark instances are read in place from ../shared (CI has it beside the clone); not copied here.
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "gap_orlib" / "cattrysse1994"


def test_tiny_brute_force():
    opt = brute_force(TINY_COST, TINY_WEIGHT, TINY_CAP)
    assert opt is not None
    r = solve_gap(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP), time_limit=2.0)
    assert r.feasible and r.optimal and r.status == "OPTIMAL"
    assert r.objective == opt
    assert check_solution(TINY_COST, TINY_WEIGHT, TINY_CAP, r.assignment) == opt
    assert r.bound <= r.objective + 1e-9 and r.gap == 0.0


@pytest.mark.skipif(not (DATA / "gap1-0").exists(), reason="../shared/benchmarks is not beside this clone")
def test_orlib_gap1_first_instance():
    data = read_orlib(DATA / "gap1-0")
    assert (data.n_agents, data.n_jobs) == (5, 15)
    r = solve_gap(data, time_limit=3.0)
    assert r.feasible
    assert r.objective == 261  # known minimisation optimum (c515-1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    m=st.integers(1, 3),
    n=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_random_small_matches_brute_force(m, n, seed):
    cost, weight, cap, _ = random_feasible(m, n, seed)
    opt = brute_force(cost, weight, cap)
    r = solve_gap(GapData.from_dense(cost, weight, cap), time_limit=1.0, deterministic=True)
    assert r.feasible
    assert check_solution(cost, weight, cap, r.assignment) == r.objective
    assert r.objective == opt


def test_sparse_arcs():
    # job 0 only to agent 1, job 1 to agents 0/1, job 2 only to agent 0
    d = GapData(3, 2, arc_job=np.array([0, 1, 1, 2]), arc_agent=np.array([1, 0, 1, 0]),
                arc_cost=np.array([5, 1, 2, 3]), arc_weight=np.array([2, 2, 2, 2]),
                capacity=np.array([2, 4]))
    r = solve_gap(d, time_limit=1.0)
    assert r.feasible and r.objective == 10
    assert r.assignment.tolist() == [1, 1, 0]


def test_infeasible_returns_flag():
    cost = [[1, 1, 1], [1, 1, 1]]
    weight = [[5, 5, 5], [5, 5, 5]]
    r = solve_gap(GapData.from_dense(cost, weight, [5, 5]), time_limit=1.0)
    assert not r.feasible and r.status == "INFEASIBLE"
    placed = r.assignment[r.assignment >= 0]
    assert placed.size == 2 and sorted(placed.tolist()) == [0, 1]
    assert (r.assignment == -1).sum() == 1


def test_infeasible_sparse_job_without_room():
    # total capacity suffices but job 1 can only go to full agent 0
    d = GapData(2, 2, arc_job=np.array([0, 1, 1]), arc_agent=np.array([0, 0, 1]),
                arc_cost=np.array([1, 1, 1]), arc_weight=np.array([3, 3, 9]),
                capacity=np.array([3, 5]))
    r = solve_gap(d, time_limit=1.0)
    assert not r.feasible
    assert (r.assignment >= 0).sum() == 1


def test_deterministic_same_seed_same_assignment():
    rng = np.random.default_rng(7)
    m, n = 6, 40
    cost = rng.integers(5, 50, size=(m, n))
    weight = rng.integers(5, 25, size=(m, n))
    cap = (weight.sum(axis=1) * 0.8 / m).astype(int) + 10
    data = GapData.from_dense(cost, weight, cap)
    r1 = solve_gap(data, time_limit=0.5, seed=3, deterministic=True)
    r2 = solve_gap(data, time_limit=0.5, seed=3, deterministic=True)
    assert r1.feasible
    assert np.array_equal(r1.assignment, r2.assignment)
    assert r1.objective == r2.objective


def test_flow_method_on_larger_uniform_instance(monkeypatch):
    monkeypatch.setattr(solve_module, "MAX_CPSAT_ARCS", 10)
    rng = np.random.default_rng(1)
    m, n = 4, 8
    cost = rng.integers(1, 20, size=(m, n))
    w = rng.integers(1, 6, size=n)
    weight = np.tile(w, (m, 1))
    cap = np.full(m, int(w.sum() * 0.3) + 1)
    r = solve_gap(GapData.from_dense(cost, weight, cap), time_limit=2.0, deterministic=True)
    assert r.method == "flow-lns" and r.feasible
    opt = brute_force(cost, weight, cap)
    assert check_solution(cost, weight, cap, r.assignment) == r.objective
    assert r.bound <= opt + 1e-6 <= r.objective + 1e-6


def test_greedy_method_when_weights_depend_on_the_agent(monkeypatch):
    monkeypatch.setattr(solve_module, "MAX_CPSAT_ARCS", 10)
    r = solve_gap(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP), time_limit=1.0, deterministic=True)
    assert r.method == "greedy-lns" and r.feasible and r.objective == 13


def test_infeasible_flow_instance_never_raises(monkeypatch):
    monkeypatch.setattr(solve_module, "MAX_CPSAT_ARCS", 2)
    d = GapData.from_dense([[3, 1, 6, 7], [2, 3, 0, 8]], np.tile([4, 3, 3, 3], (2, 1)), [5, 6])
    r = solve_gap(d, time_limit=1.0, deterministic=True)
    assert not r.feasible and r.status == "INFEASIBLE"


def test_a_feasible_hint_is_kept_when_optimal():
    d = GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP)
    r = solve_gap(d, time_limit=1.0, hint=[1, 2, 0, 1], deterministic=True)
    assert r.assignment.tolist() == [1, 2, 0, 1] and r.optimal


def test_a_hint_of_the_wrong_length_is_refused():
    d = GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP)
    with pytest.raises(ValueError, match="^hint must have one entry per job$"):
        solve_gap(d, hint=[0, 1])


def test_no_jobs_is_trivially_optimal():
    r = solve_gap(GapData(0, 2, [], [], [], [], [3, 3]))
    assert (r.assignment.tolist(), r.objective, r.status, r.method) == ([], 0, "OPTIMAL", "trivial")


def test_make_result():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    optimum = [inst.find_arc(j, a) for j, a in enumerate([1, 2, 0, 1])]
    worse = [inst.find_arc(j, a) for j, a in enumerate([0, 2, 0, 1])]  # cost 14
    # a bound of 12.5 proves 13: the bound is raised to the objective
    r = make_result(inst, optimum, 12.5, 0.1, "m")
    assert (r.objective, r.bound, r.gap, r.optimal, r.status) == (13, 13.0, 0.0, True, "OPTIMAL")
    r = make_result(inst, worse, 12.0, 0.1, "m")
    assert (r.objective, r.bound, r.gap, r.optimal, r.status) == (14, 12.0, 2 / 14, False, "FEASIBLE")
    # a proof from elsewhere, no bound at all
    r = make_result(inst, worse, None, 0.1, "m", t_proved=True)
    assert (r.bound, r.optimal) == (14.0, True)
    # a job left out: infeasible, gap unknown
    r = make_result(inst, optimum[:3] + [-1], 12.0, 0.1, "m")
    assert (r.assignment.tolist(), r.feasible, r.status, r.bound) == ([1, 2, 0, -1], False, "INFEASIBLE", 12.0)
    assert np.isnan(r.gap)
