"""Lower bounds on the GAP optimum.

Every bound here is a relaxation; the engine reports the largest it has:

* the LP relaxation, solved by GLOP for small and medium instances
  (:func:`lp_bound_glop`); its capacity duals price the regret greedy and
  its job duals start the Lagrangian;
* an exact transportation problem solved by ``SimpleMinCostFlow`` when the
  weight of a job does not depend on the agent (:func:`flow_relaxation`):
  jobs may then be split, which is exactly the LP relaxation; its flow is
  also the start that :func:`~natplan.scheduler.gap.construct.flow_dive`
  rounds;
* a Lagrangian bound on small instances (:func:`lagrangian_bound`): the
  assignment constraints are relaxed, which leaves one 0-1 knapsack per
  agent (:func:`knapsack`), and the multipliers follow a subgradient from
  the LP job duals;
* the CP-SAT objective bound when a full CP-SAT model is run
  (:mod:`natplan.scheduler.gap.cpsat`).

Costs are integers, so a bound ``b`` proves optimal any solution of cost
``ceil(b - 1e-6)`` (:func:`integer_bound`).
"""

from __future__ import annotations

import math
import time

import numpy as np

from natplan.scheduler.gap.data import Instance

__all__ = [
    "flow_relaxation",
    "flow_solve",
    "improve_by_lagrangian",
    "integer_bound",
    "knapsack",
    "lagrangian_bound",
    "lagrangian_worthwhile",
    "lp_bound_glop",
    "unit_costs",
]

LR_ITERS = 120   # subgradient iterations (fixed count: deterministic)
LR_FRAC = 0.15   # at most this share of the remaining time (non-deterministic mode)


def integer_bound(bound):
    """The least integer cost a lower bound allows.

    Parameters
    ----------
    bound
        A lower bound, or ``None``.

    Returns
    -------
    int or float
        ``ceil(bound - 1e-6)``; ``-inf`` when there is no bound.
    """
    return math.ceil(bound - 1e-6) if bound is not None else -math.inf


def lp_bound_glop(inst: Instance):
    """LP relaxation of the GAP, solved with GLOP.

    Parameters
    ----------
    inst
        The instance.

    Returns
    -------
    tuple
        ``(bound, (u, v))``: the LP optimum, the capacity prices ``u >= 0``
        per agent and the job duals ``v``.  ``(inf, None)`` when the LP is
        infeasible, ``(None, None)`` when GLOP is missing or fails.
    """
    from ortools.linear_solver import pywraplp

    s = pywraplp.Solver.CreateSolver("GLOP")
    if s is None:
        return None, None
    A = inst.job.size
    x = [s.NumVar(0.0, 1.0, "") for _ in range(A)]
    # each job goes (fractionally) to exactly one agent
    rows_j = []
    for j in range(inst.n):
        ct = s.Constraint(1.0, 1.0)
        for k in inst.arcs_of(j):
            ct.SetCoefficient(x[k], 1.0)
        rows_j.append(ct)
    # each agent's load stays within its capacity
    rows_a = [s.Constraint(-s.infinity(), float(inst.cap[a])) for a in range(inst.m)]
    for k in range(A):
        if inst.L_weight[k]:
            rows_a[inst.L_agent[k]].SetCoefficient(x[k], float(inst.L_weight[k]))
    obj = s.Objective()
    for k in range(A):
        obj.SetCoefficient(x[k], float(inst.L_cost[k]))
    obj.SetMinimization()
    st = s.Solve()
    if st != pywraplp.Solver.OPTIMAL:
        return (math.inf if st == pywraplp.Solver.INFEASIBLE else None), None
    u = np.array([-c.dual_value() for c in rows_a])  # >= 0 prices of capacity
    v = np.array([c.dual_value() for c in rows_j])  # job duals (Lagrangian warm start)
    return float(obj.Value()), (np.maximum(u, 0.0), v)


def knapsack(p, w, cap):
    """0-1 knapsack by dynamic programming over the capacity.

    Parameters
    ----------
    p
        Profit of each item (float); items with ``p <= 0`` are never taken.
    w
        Integer weight of each item.
    cap
        Integer capacity.

    Returns
    -------
    tuple of (float, numpy.ndarray)
        The largest total profit and the indices of the items taken.
    """
    idx = np.nonzero((p > 0) & (w <= cap))[0]
    if idx.size == 0:
        return 0.0, idx
    cap = int(cap)
    dp = np.zeros(cap + 1)
    keep = np.zeros((idx.size, cap + 1), dtype=bool)
    for t, i in enumerate(idx.tolist()):
        wi, pi = int(w[i]), float(p[i])
        if wi == 0:
            dp += pi
            keep[t, :] = True
            continue
        cand = dp[:-wi] + pi
        better = cand > dp[wi:]
        keep[t, wi:] = better
        dp[wi:] = np.where(better, cand, dp[wi:])
    c = int(np.argmax(dp))
    val = float(dp[c])
    chosen = []
    for t in range(idx.size - 1, -1, -1):
        if keep[t, c]:
            chosen.append(idx[t])
            c -= int(w[idx[t]])
    return val, np.array(chosen[::-1], dtype=np.int64)


def lagrangian_bound(inst: Instance, v0, ub, max_iter, deadline=None):
    """Lagrangian relaxation of the assignment constraints (one knapsack per agent).

    With multipliers ``v`` on "each job exactly once", the relaxation splits
    into one knapsack per agent (take job ``j`` when ``v_j`` exceeds its
    cost there) and gives ``sum(v) - sum of the knapsack values``.  Any ``v``
    gives a valid bound; the subgradient (Polyak step towards ``ub``) starts
    from the LP job duals ``v0`` and the best bound seen is returned.

    Parameters
    ----------
    inst
        The instance.
    v0
        Starting multipliers, one per job.
    ub
        An upper bound (a known solution's cost), for the step size and to
        stop when reached.
    max_iter
        Subgradient iterations at most.
    deadline
        ``time.perf_counter()`` value to stop at; ``None`` for a fixed count.

    Returns
    -------
    float
        The best Lagrangian bound found (``-inf`` if no iteration ran).
    """
    m, n = inst.m, inst.n
    C = np.full((m, n), np.inf)
    C[inst.agent, inst.job] = inst.cost
    W = np.zeros((m, n), dtype=np.int64)
    W[inst.agent, inst.job] = inst.weight
    cap = inst.cap
    v = np.asarray(v0, dtype=float).copy()
    best = -math.inf
    lam, stall = 1.0, 0
    for _ in range(max_iter):
        if deadline is not None and time.perf_counter() > deadline:
            break
        cover = np.zeros(n)
        L = float(v.sum())
        for i in range(m):
            val, ch = knapsack(v - C[i], W[i], cap[i])
            L -= val
            cover[ch] += 1
        g = 1.0 - cover
        if L > best + 1e-9:
            best, stall = L, 0
        else:
            stall += 1
            if stall >= 8:
                lam, stall = lam / 2, 0
        nn = float((g * g).sum())
        if nn == 0 or lam < 1e-3 or best >= ub - 1e-6:
            break
        v += lam * max(ub - L, 1e-3) / nn * g
    return best


def lagrangian_worthwhile(inst: Instance, duals, bound, obj) -> bool:
    """Whether the Lagrangian bound is worth computing.

    Parameters
    ----------
    inst
        The instance.
    duals
        The LP duals (``None`` when the LP was not solved).
    bound
        The best bound so far, or ``None``.
    obj
        The cost of the best solution so far.

    Returns
    -------
    bool
        True on small instances (at most 100,000 job-agent pairs, capacities
        at most 20,000) whose best solution the bound does not yet prove.
    """
    return (duals is not None and inst.m * inst.n <= 100_000 and int(inst.cap.max()) <= 20_000
            and bound is not None and obj > integer_bound(bound))


def improve_by_lagrangian(inst: Instance, duals, bound, obj, time_left, say):
    """Raise ``bound`` by the Lagrangian bound started from the LP job duals.

    Parameters
    ----------
    inst
        The instance.
    duals
        The LP duals ``(u, v)``.
    bound
        The best bound so far.
    obj
        The cost of the best solution so far.
    time_left
        Seconds left to the solve's deadline, of which the subgradient takes
        at most ``LR_FRAC``; ``None`` for the fixed ``LR_ITERS`` iterations
        only (deterministic mode).
    say
        Progress printer.

    Returns
    -------
    float
        ``max(bound, Lagrangian bound)``.
    """
    deadline = None if time_left is None else time.perf_counter() + LR_FRAC * max(0.0, time_left)
    lr = lagrangian_bound(inst, duals[1], float(obj), LR_ITERS, deadline)
    say(f"lagrangian bound {lr:.2f}")
    return max(bound, lr)


def unit_costs(inst: Instance):
    """Per-person arc costs scaled to integers, for the transportation problem.

    Parameters
    ----------
    inst
        The instance (weights agent-independent).

    Returns
    -------
    tuple
        ``(ucost, K, pos)``: ``floor(K * cost / weight)`` per sorted arc, the
        scale ``K``, and the mask of arcs whose job has a positive weight.
        Rounding down keeps ``flow cost / K`` a lower bound.
    """
    w = inst.job_weight
    pos = w[inst.job] > 0
    total_w = max(1, int(w.sum()))
    unit = np.zeros(inst.job.size, dtype=np.float64)
    unit[pos] = inst.cost[pos] / w[inst.job[pos]]
    umax = float(unit.max()) if unit.size else 0.0
    K = 2.0 ** 30
    if umax > 0:
        K = min(K, 2.0 ** 60 / (umax * total_w * 16 + 1))
    K = max(K, 1.0)
    return np.floor(unit * K).astype(np.int64), K, pos


def flow_solve(inst: Instance, ucost, pos, job_mask, cap, with_dummy=False):
    """Transportation problem on the jobs in ``job_mask`` with capacities ``cap``.

    Each job sends its weight in people to the agents it may go to, each
    agent passes at most its capacity to the sink, at ``ucost`` per person.

    Parameters
    ----------
    inst
        The instance (weights agent-independent).
    ucost, pos
        From :func:`unit_costs`.
    job_mask
        Boolean per job: the jobs to route.
    cap
        Capacity per agent.
    with_dummy
        Add an expensive arc from every job straight to the sink, so that an
        over-full instance still gets a flow.

    Returns
    -------
    tuple
        ``(ok, flows, cost)``: whether the flow solved to optimality, the
        flow per sorted arc, and its cost in ``ucost`` units.
    """
    from ortools.graph.python import min_cost_flow

    n, m = inst.n, inst.m
    w = inst.job_weight
    ks = np.nonzero(pos & job_mask[inst.job])[0]
    flows = np.zeros(inst.job.size, dtype=np.float64)
    jw = np.where(job_mask, w, 0)
    total_w = int(jw.sum())
    if total_w == 0:
        return True, flows, 0
    sink = n + m
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(inst.job[ks], n + inst.agent[ks], w[inst.job[ks]], ucost[ks])
    f.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m), np.full(m, sink), np.maximum(cap, 0).astype(np.int64), np.zeros(m, np.int64)
    )
    if with_dummy:
        big = int(min(2 ** 40, max(1, int(ucost.max()) if ucost.size else 1) * 8))
        jp = np.nonzero(jw > 0)[0]
        f.add_arcs_with_capacity_and_unit_cost(jp, np.full(jp.size, sink), jw[jp], np.full(jp.size, big))
    sup = np.zeros(n + m + 1, dtype=np.int64)
    sup[:n] = jw
    sup[sink] = -total_w
    f.set_nodes_supplies(np.arange(n + m + 1), sup)
    st = f.solve()
    if st != f.OPTIMAL:
        return False, flows, 0
    flows[ks] = f.flows(np.arange(ks.size))
    return True, flows, f.optimal_cost()


def flow_relaxation(inst: Instance):
    """Transportation relaxation (weights agent-independent).

    Parameters
    ----------
    inst
        The instance.

    Returns
    -------
    tuple
        ``(bound, flows, feasible)``: the LP bound (``None`` if the LP is
        infeasible), the flow per sorted arc (with dummy arcs when
        infeasible) and whether the LP is feasible.
    """
    n = inst.n
    w = inst.job_weight
    zero_jobs_cost = float(inst.cost[inst.ptr[:-1]][w == 0].sum()) if n else 0.0
    if int(w.sum()) == 0:
        return zero_jobs_cost, np.zeros(inst.job.size), True
    ucost, K, pos = unit_costs(inst)
    mask = np.ones(n, dtype=bool)
    ok, flows, c = flow_solve(inst, ucost, pos, mask, inst.cap)
    if ok:
        return c / K + zero_jobs_cost, flows, True
    ok, flows, _ = flow_solve(inst, ucost, pos, mask, inst.cap, with_dummy=True)
    return None, flows, False
