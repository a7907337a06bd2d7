"""Tiny GAP instances and independent checks for the tests of natplan.scheduler.gap.

- ``TINY_COST``, ``TINY_WEIGHT``, ``TINY_CAP``: 3 agents x 4 jobs, optimum 13
  (by :func:`brute_force`; jobs 0 and 3 to agent 1, job 1 to agent 2,
  job 2 to agent 0).
- ``SPLIT_COST``, ``SPLIT_WEIGHT``, ``SPLIT_CAP``: 2 agents x 2 jobs, optimum
  10, LP bound 5, Lagrangian bound 10 (worked out beside them).
- :func:`brute_force`: the optimum of a dense instance by enumeration.
- :func:`brute_force_data`: the same for a sparse :class:`GapData`, with an
  optimal assignment.
- :func:`check_solution`: an independent check of an assignment (every job
  once, capacities respected); returns its cost.
- :func:`random_feasible`: a random dense instance and the random
  assignment it was made to fit.
"""

from __future__ import annotations

import itertools

import numpy as np

from natplan.scheduler.gap import GapData

TINY_COST = [[4, 9, 2, 7], [3, 5, 8, 6], [6, 2, 5, 3]]
TINY_WEIGHT = [[5, 4, 3, 6], [4, 6, 5, 2], [3, 5, 6, 4]]
TINY_CAP = [8, 7, 6]

# Two jobs of weight 2; agent 0 (capacity 3) is free, agent 1 (capacity 4) costs 10 a job.  The optimum puts
# one job in each (10).  The LP fills agent 0 with 1.5 jobs and sends half a job to agent 1 (5); the
# Lagrangian keeps each agent's knapsack whole, so it closes the gap (10).
SPLIT_COST, SPLIT_WEIGHT, SPLIT_CAP = [[0, 0], [10, 10]], [[2, 2], [2, 2]], [3, 4]


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


def brute_force_data(d: GapData):
    """Optimum and an optimal agent-per-job list of a sparse GAP by enumeration (None if infeasible)."""
    options = [[] for _ in range(d.n_jobs)]
    for j, a, c, w in zip(d.arc_job.tolist(), d.arc_agent.tolist(), d.arc_cost.tolist(), d.arc_weight.tolist()):
        options[j].append((a, c, w))
    best = None
    for choice in itertools.product(*options):
        load = [0] * d.n_agents
        for a, _, w in choice:
            load[a] += w
        if any(load[a] > int(d.capacity[a]) for a in range(d.n_agents)):
            continue
        c = sum(c for _, c, _ in choice)
        if best is None or c < best[0]:
            best = (c, [a for a, _, _ in choice])
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


def random_feasible(m, n, seed, uniform=False):
    """Random dense ``(cost, weight, cap, assign)``: capacities fit the random ``assign`` plus up to 5."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 30, size=(m, n))
    weight = np.tile(rng.integers(1, 10, size=n), (m, 1)) if uniform else rng.integers(1, 10, size=(m, n))
    assign = rng.integers(0, m, size=n)
    cap = np.zeros(m, dtype=np.int64)
    for j, a in enumerate(assign):
        cap[a] += weight[a, j]
    cap += rng.integers(0, 6, size=m)
    return cost, weight, cap, assign
