"""Start solutions: constructive heuristics, repair and descent.

The engine starts its search from one feasible assignment, built in pure
Python on the sorted arcs (:class:`~natplan.scheduler.gap.data.Instance`):

* when the LP was solved, by a **regret greedy** on LP reduced costs
  (:func:`regret_greedy`): arc cost plus the capacity price times the
  weight; the job whose best and second-best agents with room differ most
  is placed first (a static regret order on large instances);
* when the weights do not depend on the agent and the instance is large,
  by **rounding the transportation optimum by diving** (:func:`flow_dive`):
  fix the split jobs to their largest share, re-solve the flow on the
  residual capacities, a few rounds (:func:`round_flow` rounds what is left,
  or the whole flow when the LP is infeasible);
* then a **repair** (:func:`repair`): move the cheapest-to-move jobs out of
  over-full agents, eject jobs to make room for unplaced ones;
* and **shift moves** (:func:`shift_descent`): a job to a cheaper agent with
  room, until none improves.

:func:`start_solution` chains them, keeping the caller's hint where given.
"""

from __future__ import annotations

import math
import time

import numpy as np

from natplan.scheduler.gap.bounds import flow_solve, unit_costs
from natplan.scheduler.gap.data import Instance, evaluate

__all__ = ["flow_dive", "regret_greedy", "repair", "round_flow", "shift_descent", "start_solution"]

DIVE_ROUNDS = 8   # flow re-solves when rounding the transportation optimum


def _largest_per_job(inst: Instance, idx, value):
    """Among the arcs ``idx``, each job's arc of largest ``value`` (the first on ties), by job."""
    idx = idx[np.lexsort((-value[idx], inst.job[idx]))]
    first = np.ones(idx.size, bool)
    first[1:] = inst.job[idx[1:]] != inst.job[idx[:-1]]
    return idx[first]


def flow_dive(inst: Instance, flows, rounds, deadline=None):
    """Round the transportation optimum by diving.

    Each round fixes the split jobs to their largest-share agent (if it has
    room), then re-solves the flow for the other jobs on the residual
    capacities.

    Parameters
    ----------
    inst
        The instance (weights agent-independent).
    flows
        The transportation optimum, per sorted arc
        (:func:`~natplan.scheduler.gap.bounds.flow_relaxation`).
    rounds
        Flow re-solves at most.
    deadline
        ``time.perf_counter()`` value to stop at; ``None`` for ``rounds`` only.

    Returns
    -------
    list of int
        Arc per job.  Jobs still open are rounded to their largest share, so
        capacities may be exceeded: the caller repairs.
    """
    n = inst.n
    ucost, _, pos = unit_costs(inst)
    w = inst.job_weight
    fixed = np.full(n, -1, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    cap = inst.cap.astype(np.int64).copy()
    cur = flows
    for _ in range(rounds):
        if deadline is not None and time.perf_counter() > deadline:
            break
        share = np.zeros(inst.job.size)
        share[pos] = cur[pos] / w[inst.job[pos]]
        split_arc = (share > 1e-9) & (share < 1 - 1e-9) & free[inst.job]
        if not split_arc.any():
            break
        cand = _largest_per_job(inst, np.nonzero(split_arc)[0], share)
        cand = cand[np.argsort(-share[cand], kind="stable")]
        any_fixed = False
        for k in cand.tolist():
            a = int(inst.agent[k])
            j = int(inst.job[k])
            if inst.L_weight[k] <= cap[a]:
                cap[a] -= inst.L_weight[k]
                fixed[j] = k
                free[j] = False
                any_fixed = True
        if not any_fixed:
            break
        ok, nf, _ = flow_solve(inst, ucost, pos, free, cap)
        if not ok:
            break
        cur = nf
    arc_of = np.asarray(round_flow(inst, cur), dtype=np.int64)
    arc_of[~free] = fixed[~free]
    return arc_of.tolist()


def regret_greedy(inst: Instance, score, rng):
    """Regret greedy on ``score``.

    Repeatedly places the job with the largest regret (second-best minus
    best score among the agents with room; a job with one such agent first)
    at its best agent.  Above 20,000 arcs the regret order is computed once,
    ignoring capacities.

    Parameters
    ----------
    inst
        The instance.
    score
        Score per sorted arc (lower is better).
    rng
        Unused; kept for the call signature.

    Returns
    -------
    list of int
        Arc per job, ``-1`` for a job that fits nowhere.
    """
    n = inst.n
    ptr, ag, wt = inst.L_ptr, inst.L_agent, inst.L_weight
    sc = np.asarray(score, dtype=float).tolist()
    res = inst.cap.astype(np.int64).tolist()
    arc_of = [-1] * n
    todo = set(range(n))
    dense = inst.job.size <= 20_000
    if dense:
        while todo:
            best_j, best_k, best_r = -1, -1, -math.inf
            for j in todo:
                b1 = b2 = math.inf
                bk = -1
                for k in range(ptr[j], ptr[j + 1]):
                    if wt[k] <= res[ag[k]]:
                        s = sc[k]
                        if s < b1:
                            b2, b1, bk = b1, s, k
                        elif s < b2:
                            b2 = s
                if bk < 0:
                    continue
                r = (b2 - b1) if b2 < math.inf else 1e18
                if r > best_r:
                    best_r, best_j, best_k = r, j, bk
            if best_j < 0:
                break
            arc_of[best_j] = best_k
            res[ag[best_k]] -= wt[best_k]
            todo.discard(best_j)
    else:
        # static regret order for large instances
        reg = np.zeros(n)
        for j in range(n):
            s = sorted(sc[ptr[j] : ptr[j + 1]])
            reg[j] = s[1] - s[0] if len(s) > 1 else 1e18
        for j in np.argsort(-reg, kind="stable").tolist():
            bk, b1 = -1, math.inf
            for k in range(ptr[j], ptr[j + 1]):
                if wt[k] <= res[ag[k]] and sc[k] < b1:
                    b1, bk = sc[k], k
            if bk >= 0:
                arc_of[j] = bk
                res[ag[bk]] -= wt[bk]
    return arc_of


def round_flow(inst: Instance, flows):
    """Each job to the arc with its largest flow share (cheapest if no flow).

    Parameters
    ----------
    inst
        The instance.
    flows
        Flow per sorted arc.

    Returns
    -------
    list of int
        Arc per job; capacities may be exceeded.
    """
    n = inst.n
    arc_of = inst.ptr[:-1].copy()  # cheapest arc by construction
    has = flows > 0
    if has.any():
        top = _largest_per_job(inst, np.nonzero(has)[0], flows)
        arc_of[inst.job[top]] = top
    return arc_of.tolist() if n else []


def repair(inst: Instance, arc_of):
    """Make an assignment fit: empty over-full agents, then place unplaced jobs.

    Up to three passes move jobs out of each over-full agent, cheapest extra
    cost per unit of weight first, to agents with room; jobs of agents still
    over-full are dropped, heaviest first.  Each unplaced job then goes to
    the first (cheapest) agent with room, or else to the agent where ejecting
    some of its jobs to agents with room costs least.

    Parameters
    ----------
    inst
        The instance.
    arc_of
        Arc per job (``-1`` for unplaced); changed in place.

    Returns
    -------
    list of int
        The repaired arc-per-job list; jobs that cannot be placed get ``-1``.
    """
    ptr, ag, wt, co = inst.L_ptr, inst.L_agent, inst.L_weight, inst.L_cost
    m = inst.m
    load = [0] * m
    members = [[] for _ in range(m)]
    for j, k in enumerate(arc_of):
        if k >= 0:
            load[ag[k]] += wt[k]
            members[ag[k]].append(j)
    cap = inst.cap.tolist()
    over = [a for a in range(m) if load[a] > cap[a]]

    def cheapest_move(j, a):
        """(extra cost, arc) of moving job j out of agent a to an agent with room; arc -1 if none."""
        k0 = arc_of[j]
        best, bk = math.inf, -1
        for k in range(ptr[j], ptr[j + 1]):
            b = ag[k]
            if b != a and load[b] + wt[k] <= cap[b]:
                d = co[k] - co[k0]
                if d < best:
                    best, bk = d, k
        return best, bk

    for _round in range(3):
        for a in over:
            if load[a] <= cap[a]:
                continue
            cands = []
            for j in members[a]:
                best, bk = cheapest_move(j, a)
                if bk >= 0:
                    cands.append((best / max(1, wt[arc_of[j]]), j))
            cands.sort()
            for _, j in cands:
                if load[a] <= cap[a]:
                    break
                k0 = arc_of[j]
                best, bk = cheapest_move(j, a)  # loads changed since the candidates were ranked
                if bk >= 0:
                    load[a] -= wt[k0]
                    members[a].remove(j)
                    arc_of[j] = bk
                    load[ag[bk]] += wt[bk]
                    members[ag[bk]].append(j)
        over = [a for a in range(m) if load[a] > cap[a]]
        if not over:
            break
    # still over: drop the heaviest jobs (infeasible or repair failed)
    for a in over:
        for j in sorted(members[a], key=lambda j: -wt[arc_of[j]]):
            if load[a] <= cap[a]:
                break
            load[a] -= wt[arc_of[j]]
            members[a].remove(j)  # no longer the agent's: the ejection step below must not move it again
            arc_of[j] = -1
    # place unplaced jobs where there is room, else make room by ejecting
    # jobs of the target agent to agents with room (cheapest per unit freed)
    for j in range(inst.n):
        if arc_of[j] >= 0:
            continue
        for k in range(ptr[j], ptr[j + 1]):
            if load[ag[k]] + wt[k] <= cap[ag[k]]:
                arc_of[j] = k
                load[ag[k]] += wt[k]
                members[ag[k]].append(j)
                break
        else:
            best = None
            for k in range(ptr[j], ptr[j + 1]):
                a = ag[k]
                need = load[a] + wt[k] - cap[a]
                moves = []
                for i in members[a]:
                    k0 = arc_of[i]
                    bk, bd = -1, math.inf
                    for kk in range(ptr[i], ptr[i + 1]):
                        b = ag[kk]
                        if b != a and load[b] + wt[kk] <= cap[b] and co[kk] - co[k0] < bd:
                            bd, bk = co[kk] - co[k0], kk
                    if bk >= 0 and wt[k0] > 0:
                        moves.append((bd / wt[k0], bd, i, bk))
                moves.sort()
                freed, extra, plan, used = 0, {}, [], 0
                for _, bd, i, bk in moves:
                    if freed >= need:
                        break
                    b = ag[bk]
                    if load[b] + extra.get(b, 0) + wt[bk] > cap[b]:
                        continue
                    extra[b] = extra.get(b, 0) + wt[bk]
                    freed += wt[arc_of[i]]
                    used += bd
                    plan.append((i, bk))
                if freed >= need:
                    total = used + co[k]
                    if best is None or total < best[0]:
                        best = (total, k, plan)
            if best is not None:
                _, k, plan = best
                for i, bk in plan:
                    k0 = arc_of[i]
                    load[ag[k0]] -= wt[k0]
                    members[ag[k0]].remove(i)
                    arc_of[i] = bk
                    load[ag[bk]] += wt[bk]
                    members[ag[bk]].append(i)
                arc_of[j] = k
                load[ag[k]] += wt[k]
                members[ag[k]].append(j)
    return arc_of


def shift_descent(inst: Instance, arc_of, deadline=None, max_pass=50):
    """First-improvement shift moves (a job to a cheaper agent with room).

    Parameters
    ----------
    inst
        The instance.
    arc_of
        A feasible arc-per-job list; changed in place.
    deadline
        ``time.perf_counter()`` value to stop at after a pass; ``None`` for
        passes until no move improves (at most ``max_pass``).
    max_pass
        Passes over the jobs at most.

    Returns
    -------
    list of int
        The improved arc-per-job list.
    """
    ptr, ag, wt, co = inst.L_ptr, inst.L_agent, inst.L_weight, inst.L_cost
    load = [0] * inst.m
    for k in arc_of:
        if k >= 0:
            load[ag[k]] += wt[k]
    cap = inst.cap.tolist()
    for _ in range(max_pass):
        improved = False
        for j in range(inst.n):
            k0 = arc_of[j]
            if k0 < 0:
                continue
            c0 = co[k0]
            # arcs sorted by cost: stop at the current cost
            for k in range(ptr[j], ptr[j + 1]):
                if co[k] >= c0:
                    break
                b = ag[k]
                if load[b] + wt[k] <= cap[b]:
                    load[ag[k0]] -= wt[k0]
                    load[b] += wt[k]
                    arc_of[j] = k
                    improved = True
                    break
        if not improved or (deadline is not None and time.perf_counter() > deadline):
            break
    return arc_of


def start_solution(inst: Instance, start, flows, lp_feasible, duals, rng, dive_deadline, deadline):
    """The start of the search: the hint if it fits, else a repaired construction.

    Parameters
    ----------
    inst
        The instance.
    start
        Arc per job from the caller's hint (``-1`` where not given), or
        ``None``.
    flows
        The transportation optimum per sorted arc, or ``None`` when the LP
        (or nothing) was solved instead.
    lp_feasible
        Whether the relaxation is feasible (else the flow is rounded
        directly, without diving).
    duals
        The LP duals ``(u, v)`` or ``None``; ``u`` prices capacity in the
        regret greedy's score.
    rng
        ``numpy.random.Generator`` passed to the greedy.
    dive_deadline, deadline
        ``time.perf_counter()`` values that stop the dive and the shift
        descent; ``None`` for fixed work (deterministic mode).

    Returns
    -------
    list of int
        Arc per job; feasible when the construction and repair succeeded,
        else with ``-1`` for the jobs left out.
    """
    if start is None or not evaluate(inst, start)[2]:
        if flows is not None:
            cand = flow_dive(inst, flows, DIVE_ROUNDS, dive_deadline) if lp_feasible \
                else round_flow(inst, flows)
        else:
            score = inst.cost.astype(float)
            if duals is not None:
                score = score + duals[0][inst.agent] * inst.weight
            cand = regret_greedy(inst, score, rng)
        if start is not None:  # merge: keep hinted arcs where given
            cand = [s if s >= 0 else c for s, c in zip(start, cand)]
        start = repair(inst, cand)
    if evaluate(inst, start)[2]:
        start = shift_descent(inst, start, deadline)
    return start
