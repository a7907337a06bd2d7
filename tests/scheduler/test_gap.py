"""Known-answer tests for scheduler.gap (each fast)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natplan.scheduler.gap import GapData, read_orlib, solve_gap

# Benchmark instances are read in place from ../shared (CI has it beside the clone); not copied here.
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "gap_orlib" / "cattrysse1994"


# ---------------------------------------------------------------- helpers
def brute_force(cost, weight, cap):
    """Optimum of a dense GAP by enumeration (None if infeasible)."""
    cost, weight, cap = np.asarray(cost), np.asarray(weight), np.asarray(cap)
    m, n = cost.shape
    best = None
    for assign in itertools.product(range(m), repeat=n):
        load = np.zeros(m, dtype=np.int64)
        for j, a in enumerate(assign):
            load[a] += weight[a, j]
        if np.any(load > cap):
            continue
        c = int(sum(cost[a, j] for j, a in enumerate(assign)))
        if best is None or c < best:
            best = c
    return best


def check_solution(cost, weight, cap, assignment):
    """Independent check: every job once, capacities respected; returns cost."""
    cost, weight, cap = np.asarray(cost), np.asarray(weight), np.asarray(cap)
    m, n = cost.shape
    assignment = np.asarray(assignment)
    assert assignment.shape == (n,)
    assert all(0 <= a < m for a in assignment.tolist())
    load = [0] * m
    total = 0
    for j in range(n):
        a = int(assignment[j])
        load[a] += int(weight[a, j])
        total += int(cost[a, j])
    assert all(load[i] <= int(cap[i]) for i in range(m))
    return total


TINY_COST = [[4, 9, 2, 7], [3, 5, 8, 6], [6, 2, 5, 3]]
TINY_WEIGHT = [[5, 4, 3, 6], [4, 6, 5, 2], [3, 5, 6, 4]]
TINY_CAP = [8, 7, 6]


# ---------------------------------------------------------------- tests
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
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 30, size=(m, n))
    weight = rng.integers(1, 10, size=(m, n))
    # capacities making the instance feasible: a random assignment fits
    assign = rng.integers(0, m, size=n)
    cap = np.zeros(m, dtype=np.int64)
    for j, a in enumerate(assign):
        cap[a] += weight[a, j]
    cap += rng.integers(0, 6, size=m)
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
    import natplan.scheduler.gap as G

    monkeypatch.setattr(G, "_MAX_CPSAT_ARCS", 10)
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


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (dict(capacity=np.array([-1, 3])), "capacity must be >= 0"),
        (dict(arc_job=np.array([0, 5])), "arc_job out of range"),
        (dict(arc_agent=np.array([0, 2])), "arc_agent out of range"),
        (dict(arc_job=np.array([0, 0]), arc_agent=np.array([0, 1])), "job 1 has no arc"),
        (dict(arc_cost=np.array([-3, 1])), "arc_cost must be >= 0"),
        (dict(arc_weight=np.array([1, -1])), "arc_weight must be >= 0"),
    ],
)
def test_bad_input(kwargs, msg):
    base = dict(n_jobs=2, n_agents=2, arc_job=np.array([0, 1]), arc_agent=np.array([0, 1]),
                arc_cost=np.array([1, 1]), arc_weight=np.array([1, 1]), capacity=np.array([3, 3]))
    base.update(kwargs)
    with pytest.raises(ValueError, match=f"^{msg}$"):
        GapData(**base)
