"""Generalized assignment (GAP) engine on plain data.

Puts *jobs* (micro-grids, weight = people) whole into *agents* (sampling
units, capacity = people per round) at least total cost (person-distance
walked).  Minimisation.

The engine combines

* a lower bound: the LP relaxation (GLOP for small/medium instances, or an
  exact transportation problem solved by ``SimpleMinCostFlow`` when the
  weight of a job does not depend on the agent), the CP-SAT objective bound
  when a full CP-SAT model is run, and a Lagrangian bound (assignment
  constraints relaxed, one knapsack per agent, subgradient from the LP duals)
  on small instances; the largest is reported;
* a start: regret greedy on LP reduced costs + capacity repair, then a
  CP-SAT run on the full model hinted with it (method ``"cpsat-lns"``, up to
  ``_MAX_CPSAT_ARCS`` arcs); for larger instances the transportation optimum
  is rounded by diving (fix the split jobs to their largest share, re-solve
  the flow on the residual capacities, a few rounds), repaired (move the
  cheapest-to-move jobs out of over-full agents, eject jobs to make room for
  unplaced ones) and improved by shift moves (method ``"flow-lns"``;
  ``"greedy-lns"`` when weights depend on the agent);
* an outer large-neighbourhood search (LNS) we control: pick a seed agent and
  agents sharing jobs with it, free all (or a random 30-70 % of) their jobs,
  re-solve that sub-GAP on the residual capacities with a single-worker
  CP-SAT hinted with the current placement, keep it if not worse.  In
  wall-clock mode two threads work on disjoint agent sets.

Infeasible instances never raise: ``feasible=False``, as many jobs as
possible placed (CP-SAT maximising the number placed on small instances,
repair on large ones), the others ``-1``.

Determinism
-----------
With ``deterministic=True`` every CP-SAT call uses ``num_workers=1`` and a
``max_deterministic_time`` limit instead of a wall-clock limit, the LNS runs
in one thread and stops when the sum of the deterministic times reported by
CP-SAT (at least ``_DET_ITER_COST`` per move) reaches the budget, the
Lagrangian and the flow dive use fixed iteration counts, and nothing reads
the clock to decide.  ``time_limit`` is then converted to a work budget of
``time_limit * _DET_SCALE`` deterministic units (calibrated so that the
wall time is about ``time_limit`` on the development machine; it is not a
wall-clock promise).  All random choices come from
``numpy.random.default_rng(seed)``.  The result depends only on the data and
the seed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

__all__ = ["GapData", "GapResult", "solve_gap", "solve_gap_cpsat_plain", "read_orlib"]

# Above this many arcs the full CP-SAT model is not built (flow-based start).
_MAX_CPSAT_ARCS = 60_000
# Above this many arcs the GLOP LP is skipped (flow bound or trivial bound).
_MAX_GLOP_ARCS = 300_000
# Tuning knobs (fraction of time in the full CP-SAT phase, LNS sub-solve cap,
# probability of a job-subset neighbourhood on dense instances).
_FULL_FRAC = 0.35
_SUB_LIMIT = 0.5
_P_JOBS = 0.25
_DET_ITER_COST = 0.01  # minimum deterministic time charged per LNS move
_PORTFOLIO = True  # wall-clock mode: full CP-SAT thread alongside the LNS
_DET_SCALE = 0.35  # deterministic-time units per requested second (deterministic mode)
_DIVE_ROUNDS = 8   # flow re-solves when rounding the transportation optimum
_LR_ITERS = 120   # subgradient iterations (fixed count: deterministic)
_LR_FRAC = 0.15   # at most this share of the remaining time (non-deterministic mode)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class GapData:
    """Sparse generalized assignment instance.

    Only allowed (job, agent) pairs are present, as *arcs*.

    Parameters
    ----------
    n_jobs, n_agents
        Number of jobs and of agents.
    arc_job, arc_agent
        Integer arrays of shape ``(A,)``: the job and the agent of each arc.
    arc_cost
        ``int64`` array ``>= 0`` of shape ``(A,)``: cost of giving the job to
        the agent.
    arc_weight
        Integer array ``>= 0`` of shape ``(A,)``: resource the job uses in that
        agent.
    capacity
        Integer array of shape ``(n_agents,)``.
    """

    n_jobs: int
    n_agents: int
    arc_job: np.ndarray
    arc_agent: np.ndarray
    arc_cost: np.ndarray
    arc_weight: np.ndarray
    capacity: np.ndarray

    def __post_init__(self) -> None:
        n, m = int(self.n_jobs), int(self.n_agents)
        if n < 0 or m < 0:
            raise ValueError("n_jobs and n_agents must be >= 0")
        arrays = {}
        for name in ("arc_job", "arc_agent", "arc_cost", "arc_weight", "capacity"):
            a = np.asarray(getattr(self, name))
            if a.ndim != 1:
                raise ValueError(f"{name} must be 1-D")
            if a.size and not np.issubdtype(a.dtype, np.integer):
                if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
                    raise ValueError(f"{name} must be integer")
            a = a.astype(np.int64)
            a.setflags(write=False)
            arrays[name] = a
            object.__setattr__(self, name, a)
        object.__setattr__(self, "n_jobs", n)
        object.__setattr__(self, "n_agents", m)
        A = arrays["arc_job"].size
        for name in ("arc_agent", "arc_cost", "arc_weight"):
            if arrays[name].size != A:
                raise ValueError("arc arrays must have the same length")
        if arrays["capacity"].size != m:
            raise ValueError("capacity must have length n_agents")
        if np.any(arrays["capacity"] < 0):
            raise ValueError("capacity must be >= 0")
        if np.any(arrays["arc_cost"] < 0):
            raise ValueError("arc_cost must be >= 0")
        if np.any(arrays["arc_weight"] < 0):
            raise ValueError("arc_weight must be >= 0")
        if A and (arrays["arc_job"].min() < 0 or arrays["arc_job"].max() >= n):
            raise ValueError("arc_job out of range")
        if A and (arrays["arc_agent"].min() < 0 or arrays["arc_agent"].max() >= m):
            raise ValueError("arc_agent out of range")
        deg = np.bincount(arrays["arc_job"], minlength=n) if n else np.zeros(0, int)
        if n and np.any(deg == 0):
            raise ValueError(f"job {int(np.argmin(deg))} has no arc")
        if A:
            key = arrays["arc_job"] * max(m, 1) + arrays["arc_agent"]
            if np.unique(key).size != A:
                raise ValueError("duplicate (job, agent) arc")

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.arc_job.size)

    @classmethod
    def from_dense(cls, cost, weight, capacity) -> "GapData":
        """Build from dense ``m x n`` matrices, as in OR-Library.

        Parameters
        ----------
        cost, weight
            Arrays of shape ``(n_agents, n_jobs)``.
        capacity
            Array of shape ``(n_agents,)``.
        """
        cost = np.asarray(cost)
        weight = np.asarray(weight)
        if cost.ndim != 2 or weight.shape != cost.shape:
            raise ValueError("cost and weight must be m x n matrices of the same shape")
        m, n = cost.shape
        agent, job = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
        return cls(
            n_jobs=n,
            n_agents=m,
            arc_job=job.ravel(),
            arc_agent=agent.ravel(),
            arc_cost=cost.ravel(),
            arc_weight=weight.ravel(),
            capacity=np.asarray(capacity),
        )


@dataclass(frozen=True)
class GapResult:
    """Outcome of a GAP solve.

    Attributes
    ----------
    assignment
        Agent index per job, ``-1`` if unassigned (only when infeasible).
    objective
        Total cost of the assigned jobs.
    bound
        Lower bound on the optimum (``max`` of LP and CP-SAT bounds).
    gap
        ``(objective - bound) / max(1, |objective|)``.
    feasible, optimal
        Whether every job is placed within capacity; whether proved optimal.
    runtime
        Wall-clock seconds.
    status
        ``"OPTIMAL"``, ``"FEASIBLE"`` or ``"INFEASIBLE"``.
    method
        Which pipeline ran (``"cpsat-lns"``, ``"flow-lns"``, ``"greedy-lns"``,
        ``"cpsat-plain"``).
    """

    assignment: np.ndarray
    objective: int
    bound: float
    gap: float
    feasible: bool
    optimal: bool
    runtime: float
    status: str
    method: str


def read_orlib(path) -> GapData:
    """Read one OR-Library GAP instance (``m n``, costs, weights, capacities).

    Files holding several problems (a leading count) return the first one.
    """
    with open(path) as fh:
        tok = np.array(fh.read().split(), dtype=np.int64)
    # a file with a leading problem count has an odd header: "P m n ..."
    def parse(off):
        m, n = int(tok[off]), int(tok[off + 1])
        need = off + 2 + 2 * m * n + m
        if need > tok.size:
            return None
        p = off + 2
        c = tok[p : p + m * n].reshape(m, n)
        p += m * n
        w = tok[p : p + m * n].reshape(m, n)
        p += m * n
        cap = tok[p : p + m]
        return c, w, cap, need

    r = parse(0)
    if r is None or r[3] != tok.size:
        r2 = parse(1)
        if r2 is not None:
            r = r2
    if r is None:
        raise ValueError("not an OR-Library GAP file")
    c, w, cap, _ = r
    return GapData.from_dense(c, w, cap)


# --------------------------------------------------------------------------
# Internal helpers
# --------------------------------------------------------------------------
class _Inst:
    """Precomputed index structures (arcs sorted by job, then cost)."""

    def __init__(self, d: GapData):
        self.d = d
        self.n, self.m = d.n_jobs, d.n_agents
        order = np.lexsort((d.arc_cost, d.arc_job))
        self.order = order
        self.job = d.arc_job[order]
        self.agent = d.arc_agent[order]
        self.cost = d.arc_cost[order]
        self.weight = d.arc_weight[order]
        self.cap = d.capacity.astype(np.int64)
        self.ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.job, minlength=self.n), out=self.ptr[1:])
        # per-job weight when it does not depend on the agent
        first_w = self.weight[self.ptr[:-1]] if self.n else np.zeros(0, np.int64)
        self.uniform_weight = bool(np.all(self.weight == first_w[self.job])) if self.n else True
        self.job_weight = first_w
        # python lists for the hot loops
        self.L_agent = self.agent.tolist()
        self.L_cost = self.cost.tolist()
        self.L_weight = self.weight.tolist()
        self.L_ptr = self.ptr.tolist()

    def arcs_of(self, j):
        return range(self.L_ptr[j], self.L_ptr[j + 1])

    def find_arc(self, j, a):
        for k in range(self.L_ptr[j], self.L_ptr[j + 1]):
            if self.L_agent[k] == a:
                return k
        return -1


def _evaluate(inst: _Inst, arc_of_job):
    """Return (objective, loads, feasible) for an arc-per-job vector (-1 = none)."""
    arc = np.asarray(arc_of_job)
    placed = arc >= 0
    loads = np.bincount(inst.agent[arc[placed]], weights=inst.weight[arc[placed]], minlength=inst.m)
    obj = int(inst.cost[arc[placed]].sum())
    feas = bool(placed.all() and np.all(loads <= inst.cap))
    return obj, loads.astype(np.int64), feas


def _cp_params(solver, time_limit, workers, seed, deterministic, extra=None):
    p = solver.parameters
    p.catch_sigint_signal = False  # Ctrl-C stops natplan, not just this search
    p.random_seed = int(seed)
    if deterministic:
        p.num_workers = 1
        p.max_deterministic_time = max(0.01, float(time_limit))
    else:
        p.num_workers = max(1, int(workers))
        p.max_time_in_seconds = max(0.01, float(time_limit))
    if extra:
        for k, v in extra.items():
            setattr(p, k, v)


def _lp_bound_glop(inst: _Inst):
    """LP relaxation with GLOP; returns (bound, capacity duals) or (None, None)."""
    from ortools.linear_solver import pywraplp

    s = pywraplp.Solver.CreateSolver("GLOP")
    if s is None:
        return None, None
    A = inst.job.size
    x = [s.NumVar(0.0, 1.0, "") for _ in range(A)]
    rows_j = []
    for j in range(inst.n):
        ct = s.Constraint(1.0, 1.0)
        for k in inst.arcs_of(j):
            ct.SetCoefficient(x[k], 1.0)
        rows_j.append(ct)
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


def _knapsack(p, w, cap):
    """0-1 knapsack, maximise profit ``p`` (float) with integer weights ``w``."""
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


def _lagrangian_bound(inst: _Inst, v0, ub, max_iter, deadline=None):
    """Lagrangian relaxation of the assignment constraints (one knapsack per agent).

    Subgradient (Polyak step) from the LP job duals ``v0``; any multiplier
    vector gives a valid bound, the best one is returned.
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
            val, ch = _knapsack(v - C[i], W[i], cap[i])
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

def _unit_costs(inst: _Inst):
    """Per-person arc costs scaled to integers (floor, so flow cost/K is a bound)."""
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


def _flow_solve(inst: _Inst, ucost, pos, job_mask, cap, with_dummy=False):
    """Transportation problem on the jobs in ``job_mask`` with capacities ``cap``.

    Returns (status_ok, flow per sorted arc, optimal_cost).
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


def _flow_relaxation(inst: _Inst):
    """Transportation relaxation (weights agent-independent).

    Returns (bound or None if LP infeasible, flow per sorted arc, feasible_lp).
    """
    n = inst.n
    w = inst.job_weight
    zero_jobs_cost = float(inst.cost[inst.ptr[:-1]][w == 0].sum()) if n else 0.0
    if int(w.sum()) == 0:
        return zero_jobs_cost, np.zeros(inst.job.size), True
    ucost, K, pos = _unit_costs(inst)
    mask = np.ones(n, dtype=bool)
    ok, flows, c = _flow_solve(inst, ucost, pos, mask, inst.cap)
    if ok:
        return c / K + zero_jobs_cost, flows, True
    ok, flows, _ = _flow_solve(inst, ucost, pos, mask, inst.cap, with_dummy=True)
    return None, flows, False


def _flow_dive(inst: _Inst, flows, rounds, deadline=None):
    """Round the transportation optimum by diving.

    Each round fixes the split jobs to their largest-share agent (if it has
    room), then re-solves the flow for the other jobs on the residual
    capacities.  Returns an arc-per-job list (jobs still open are rounded to
    their largest share; the caller repairs).
    """
    n = inst.n
    ucost, K, pos = _unit_costs(inst)
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
        idx = np.nonzero(split_arc)[0]
        o = np.lexsort((-share[idx], inst.job[idx]))
        idx = idx[o]
        first = np.ones(idx.size, bool)
        first[1:] = inst.job[idx[1:]] != inst.job[idx[:-1]]
        cand = idx[first]
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
        ok, nf, _ = _flow_solve(inst, ucost, pos, free, cap)
        if not ok:
            break
        cur = nf
    arc_of = np.asarray(_round_flow(inst, cur), dtype=np.int64)
    arc_of[~free] = fixed[~free]
    return arc_of.tolist()


# --------------------------------------------------------------------------
# Constructive heuristics and local search (pure python on sorted arcs)
# --------------------------------------------------------------------------
def _regret_greedy(inst: _Inst, score, rng):
    """Regret greedy on ``score`` (per sorted arc). Returns arc per job (-1 = none)."""
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


def _round_flow(inst: _Inst, flows):
    """Each job to the arc with its largest flow share (cheapest if no flow)."""
    n = inst.n
    arc_of = inst.ptr[:-1].copy()  # cheapest arc by construction
    has = flows > 0
    if has.any():
        idx = np.nonzero(has)[0]
        o = np.lexsort((-flows[idx], inst.job[idx]))
        idx = idx[o]
        first = np.ones(idx.size, bool)
        first[1:] = inst.job[idx[1:]] != inst.job[idx[:-1]]
        arc_of[inst.job[idx[first]]] = idx[first]
    return arc_of.tolist() if n else []


def _repair(inst: _Inst, arc_of):
    """Move cheapest-to-move jobs out of over-capacity agents; place unplaced jobs.

    Returns the new arc-per-job list (jobs that cannot be placed get -1).
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


def _shift_descent(inst: _Inst, arc_of, deadline=None, max_pass=50):
    """First-improvement shift moves (job to a cheaper agent with room)."""
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


# --------------------------------------------------------------------------
# CP-SAT models
# --------------------------------------------------------------------------
def _full_model(inst: _Inst, hint_arc=None, at_most_one=False):
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    A = inst.job.size
    x = [model.new_bool_var("") for _ in range(A)]
    ptr = inst.L_ptr
    for j in range(inst.n):
        vs = x[ptr[j] : ptr[j + 1]]
        if at_most_one:
            model.add_at_most_one(vs)
        else:
            model.add_exactly_one(vs)
    by_agent = [[] for _ in range(inst.m)]
    for k in range(A):
        if inst.L_weight[k]:
            by_agent[inst.L_agent[k]].append(k)
    for a in range(inst.m):
        ks = by_agent[a]
        if ks:
            model.add(
                cp_model.LinearExpr.weighted_sum([x[k] for k in ks], [inst.L_weight[k] for k in ks])
                <= int(inst.cap[a])
            )
    if hint_arc is not None:
        for j, k0 in enumerate(hint_arc):
            if k0 >= 0:
                for k in range(ptr[j], ptr[j + 1]):
                    model.add_hint(x[k], k == k0)
    return model, x


def _read_arcs(inst, solver, x):
    vals = solver.boolean_values(x) if hasattr(solver, "boolean_values") else [solver.boolean_value(v) for v in x]
    vals = np.asarray(vals, dtype=bool)
    arc_of = [-1] * inst.n
    for k in np.nonzero(vals)[0].tolist():
        arc_of[int(inst.job[k])] = k
    return arc_of


def _max_placement(inst: _Inst, time_limit, seed, deterministic, workers, start):
    """Infeasible instance: place as many jobs (by count, then cost) as possible."""
    from ortools.sat.python import cp_model

    model, x = _full_model(inst, start, at_most_one=True)
    big = int(inst.cost.sum()) + 1
    model.maximize(
        cp_model.LinearExpr.weighted_sum(x, [big - c for c in inst.L_cost])
    )
    solver = cp_model.CpSolver()
    _cp_params(solver, time_limit, workers, seed, deterministic)
    st = solver.solve(model)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _read_arcs(inst, solver, x)
    return start


# --------------------------------------------------------------------------
# LNS
# --------------------------------------------------------------------------
class _Lns:
    """Agent-subset LNS on a feasible solution.

    A move picks a set ``S`` of agents (a seed agent and agents sharing jobs
    with it), frees all or a random part of the jobs currently in ``S`` and
    re-solves where they go inside ``S`` (residual capacities) with a
    single-worker CP-SAT, hinted with the current placement.  Not-worse
    results are accepted.  ``prepare``/``solve``/``apply`` are split so that
    two threads can work on disjoint agent sets.
    """

    def __init__(self, inst: _Inst, arc_of, rng, seed, deterministic, log):
        self.inst = inst
        self.arc_of = list(arc_of)
        self.rng = rng
        self.seed = seed
        self.det = deterministic
        self.log = log
        ag, wt = inst.L_agent, inst.L_weight
        self.load = [0] * inst.m
        self.members = [set() for _ in range(inst.m)]
        for j, k in enumerate(self.arc_of):
            self.load[ag[k]] += wt[k]
            self.members[ag[k]].add(j)
        self.obj = sum(inst.L_cost[k] for k in self.arc_of)
        self.k_agents = min(inst.m, 4)
        self.k_partial = min(inst.m, 8)
        self.dtime = 0.0
        self.iters = 0
        self.dense = inst.job.size == inst.n * inst.m
        self.k_max = inst.m
        self.whole_proved = False
        if not self.dense:
            self.k_agents, self.k_partial = min(inst.m, 3), min(inst.m, 5)

    def _agent_set(self, k, reserved):
        inst = self.inst
        free = [a for a in range(inst.m) if a not in reserved]
        if not free:
            return []
        a0 = free[int(self.rng.integers(len(free)))]
        k = min(k, len(free))
        if self.dense:
            others = [a for a in free if a != a0]
            pick = self.rng.choice(len(others), size=k - 1, replace=False) if k > 1 else []
            return [a0] + [others[i] for i in list(pick)]
        chosen = [a0]
        cset = {a0}
        cand = {}
        frontier = [a0]
        while len(chosen) < k and frontier:
            for a in frontier:
                for j in self.members[a]:
                    for kk in inst.arcs_of(j):
                        b = inst.L_agent[kk]
                        if b not in cset and b not in reserved:
                            cand[b] = cand.get(b, 0) + 1
            if not cand:
                break
            keys = sorted(cand)
            p = np.array([cand[b] for b in keys], float)
            take = min(k - len(chosen), len(keys))
            pick = self.rng.choice(len(keys), size=take, replace=False, p=p / p.sum())
            frontier = [keys[i] for i in pick.tolist()]
            chosen += frontier
            cset.update(frontier)
            for b in frontier:
                cand.pop(b, None)
        return chosen

    def prepare(self, reserved=frozenset()):
        """Pick a neighbourhood; returns a task dict or None."""
        from ortools.sat.python import cp_model

        inst = self.inst
        ag, wt, co = inst.L_agent, inst.L_weight, inst.L_cost
        partial = inst.m > 2 and self.rng.random() < _P_JOBS
        agents = self._agent_set(self.k_partial if partial else self.k_agents, reserved)
        if len(agents) < 2:
            return None
        aset = set(agents)
        free_jobs = sorted(j for a in agents for j in self.members[a])
        if partial and free_jobs:
            frac = 0.3 + 0.4 * self.rng.random()
            take = max(2, int(round(frac * len(free_jobs))))
            idx = self.rng.choice(len(free_jobs), size=min(take, len(free_jobs)), replace=False)
            free_jobs = sorted(free_jobs[i] for i in idx.tolist())
        if not free_jobs:
            return None
        room = {a: inst.cap[a] - self.load[a] for a in agents}
        model = cp_model.CpModel()
        by_agent = {}
        xs, ks = [], []
        cur = 0
        for j in free_jobs:
            k0 = self.arc_of[j]
            cur += co[k0]
            room[ag[k0]] += wt[k0]
            vs = []
            for k in inst.arcs_of(j):
                b = ag[k]
                if b not in aset:
                    continue
                v = model.new_bool_var("")
                vs.append(v)
                xs.append(v)
                ks.append(k)
                model.add_hint(v, k == k0)
                if wt[k]:
                    e = by_agent.setdefault(b, ([], []))
                    e[0].append(v)
                    e[1].append(wt[k])
            model.add_exactly_one(vs)
        for b, (vs, ws) in by_agent.items():
            model.add(cp_model.LinearExpr.weighted_sum(vs, ws) <= int(room[b]))
        model.minimize(cp_model.LinearExpr.weighted_sum(xs, [co[k] for k in ks]))
        task = dict(model=model, xs=xs, ks=ks, free_jobs=free_jobs, cur=cur, agents=agents,
                    partial=partial, seed=self.seed + self.iters)
        self.iters += 1
        return task

    def solve(self, task, sub_limit):
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        _cp_params(solver, sub_limit, 1, task["seed"], self.det)
        st = solver.solve(task["model"])
        task["status"] = st
        task["dtime"] = solver.deterministic_time
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            task["value"] = int(round(solver.objective_value))
            task["vals"] = [bool(v) for v in solver.boolean_values(task["xs"]).tolist()]
        return task

    def apply(self, task):
        """Commit a solved task (its agents must not have changed)."""
        from ortools.sat.python import cp_model

        inst = self.inst
        ag, wt = inst.L_agent, inst.L_weight
        self.dtime += max(task["dtime"], _DET_ITER_COST)
        st = task["status"]
        proved = st == cp_model.OPTIMAL
        if proved and len(task["agents"]) == inst.m and len(task["free_jobs"]) == inst.n:
            self.whole_proved = True
        improved = False
        if "value" in task and task["value"] <= task["cur"]:
            new = {}
            for v, k in zip(task["vals"], task["ks"]):
                if v:
                    new[int(inst.job[k])] = k
            for j in task["free_jobs"]:
                k0 = self.arc_of[j]
                k1 = new[j]
                if k1 != k0:
                    self.load[ag[k0]] -= wt[k0]
                    self.members[ag[k0]].discard(j)
                    self.load[ag[k1]] += wt[k1]
                    self.members[ag[k1]].add(j)
                    self.arc_of[j] = k1
            improved = task["value"] < task["cur"]
            self.obj += task["value"] - task["cur"]
        # adapt neighbourhood sizes
        if task["partial"]:
            if proved and self.rng.random() < 0.3:
                self.k_partial = min(self.k_max, self.k_partial + 1)
            elif not proved:
                self.k_partial = max(3, self.k_partial - 1)
        else:
            if proved and self.rng.random() < 0.3:
                self.k_agents = min(self.k_max, self.k_agents + 1)
            elif not proved:
                self.k_agents = max(2, self.k_agents - 1)
        return improved, proved

    def step(self, sub_limit):
        task = self.prepare()
        if task is None:
            return False, True
        return self.apply(self.solve(task, sub_limit))


def _run_lns(lns: _Lns, deadline, bound, n_threads, say):
    """Wall-clock LNS with ``n_threads`` threads on disjoint agent sets."""
    import threading

    lock = threading.Lock()
    reserved = set()
    state = {"best": lns.obj, "stop": False}
    target = math.ceil(bound - 1e-6) if bound is not None else -math.inf

    def worker():
        while True:
            with lock:
                rem = deadline - time.perf_counter()
                if state["stop"] or rem <= 0.02 or lns.whole_proved:
                    return
                task = lns.prepare(frozenset(reserved))
                if task is not None:
                    reserved.update(task["agents"])
            if task is None:
                time.sleep(0.002)
                continue
            lns.solve(task, min(_SUB_LIMIT, rem))
            with lock:
                lns.apply(task)
                reserved.difference_update(task["agents"])
                if lns.obj < state["best"]:
                    state["best"] = lns.obj
                    say(f"lns it={lns.iters} obj={lns.obj} k={lns.k_agents}/{lns.k_partial}")
                    if lns.obj <= target:
                        state["stop"] = True

    if n_threads > 1:
        lns.k_max = max(2, lns.inst.m // 2)
        lns.k_agents = min(lns.k_agents, lns.k_max)
        lns.k_partial = min(lns.k_partial, lns.k_max)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, n_threads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return state["stop"]


def _portfolio(inst: _Inst, start, feas, bound, deadline, seed, workers, rng, duals, say):
    """Full-model CP-SAT in a background thread while our LNS runs here.

    CP-SAT's improving solutions (solution callback) are adopted by the LNS
    when better; the LNS stops CP-SAT when it reaches the bound.  Returns
    (arc_of or None, cp_bound, proved, cp_infeasible, bound).
    """
    import threading

    from ortools.sat.python import cp_model

    model, x = _full_model(inst, start)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, inst.L_cost))
    solver = cp_model.CpSolver()
    _cp_params(solver, max(0.05, deadline - time.perf_counter()), max(1, workers - 1), seed, False)
    lock = threading.Lock()
    shared = {"best": None, "seen": math.inf}

    class _Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            vals = [self.boolean_value(v) for v in x]
            arc_of = [-1] * inst.n
            for k, v in enumerate(vals):
                if v:
                    arc_of[int(inst.job[k])] = k
            with lock:
                shared["best"] = (int(round(self.objective_value)), arc_of)

    cb = _Cb()
    res = {}

    def run():
        res["status"] = solver.solve(model, cb)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    obj = _evaluate(inst, start)[0] if feas else math.inf
    m, n = inst.m, inst.n
    # Lagrangian bound while CP-SAT works
    if feas and duals is not None and m * n <= 100_000 and int(inst.cap.max()) <= 20_000 \
            and bound is not None and obj > math.ceil(bound - 1e-6):
        lr = _lagrangian_bound(inst, duals[1], float(obj), _LR_ITERS,
                               time.perf_counter() + _LR_FRAC * max(0.0, deadline - time.perf_counter()))
        say(f"lagrangian bound {lr:.2f}")
        bound = max(bound, lr)
    target = math.ceil(bound - 1e-6) if bound is not None else -math.inf
    # need a feasible start: wait for CP-SAT if the greedy failed
    while not feas and th.is_alive() and time.perf_counter() < deadline:
        with lock:
            b = shared["best"]
        if b is not None:
            start, feas = b[1], True
            break
        time.sleep(0.005)
    lns = None
    proved = False
    if feas:
        lns = _Lns(inst, start, rng, seed, False, False)
        best_seen = lns.obj
        while th.is_alive():
            rem = deadline - time.perf_counter()
            if rem <= 0.02:
                break
            with lock:
                b = shared["best"]
            if b is not None and b[0] < lns.obj:
                ka, kp = lns.k_agents, lns.k_partial
                lns = _Lns(inst, b[1], rng, seed + lns.iters, False, False)
                lns.k_agents, lns.k_partial = ka, kp
            if lns.obj <= target:
                proved = True
                break
            lns.step(min(_SUB_LIMIT, rem))
            if lns.obj < best_seen:
                best_seen = lns.obj
                say(f"lns it={lns.iters} obj={lns.obj} k={lns.k_agents}/{lns.k_partial}")
            if lns.whole_proved:
                proved = True
                break
    solver.stop_search()
    th.join()
    st = res.get("status", cp_model.UNKNOWN)
    say(f"cp-sat {solver.status_name(st)} bound={solver.best_objective_bound}")
    cands = []
    if lns is not None:
        cands.append((lns.obj, 0, lns.arc_of))
    if shared["best"] is not None:
        cands.append((shared["best"][0], 1, shared["best"][1]))
    cp_bound = solver.best_objective_bound if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    if not cands:
        return None, cp_bound, False, st == cp_model.INFEASIBLE, bound
    best = min(cands)
    if st == cp_model.OPTIMAL and best[0] <= shared["best"][0]:
        proved = True
    return best[2], cp_bound, proved, st == cp_model.INFEASIBLE, bound


# --------------------------------------------------------------------------
# Public solvers
# --------------------------------------------------------------------------
def _result(inst, arc_of, bound, runtime, method, t_proved=False):
    arc_of = list(arc_of)
    obj, loads, feas = _evaluate(inst, arc_of)
    assignment = np.array([inst.L_agent[k] if k >= 0 else -1 for k in arc_of], dtype=np.int64)
    if not feas:
        bound_v = float("nan") if bound is None or not math.isfinite(bound) else float(bound)
        return GapResult(assignment, obj, bound_v, float("nan"), False, False, runtime, "INFEASIBLE", method)
    b = float(bound) if bound is not None and math.isfinite(bound) else 0.0
    b = min(b, float(obj))
    optimal = t_proved or obj <= math.ceil(b - 1e-6)
    if optimal:
        b = float(obj)
    gap = (obj - b) / max(1, abs(obj))
    return GapResult(assignment, obj, b, gap, True, bool(optimal), runtime,
                     "OPTIMAL" if optimal else "FEASIBLE", method)


def solve_gap_cpsat_plain(data: GapData, time_limit: float, workers: int = 2, seed: int = 0) -> GapResult:
    """Plain CP-SAT baseline: one Boolean per arc, exactly-one and capacity.

    Parameters
    ----------
    data
        The instance.
    time_limit
        Wall-clock limit in seconds.
    workers, seed
        CP-SAT ``num_workers`` and ``random_seed``.
    """
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    inst = _Inst(data)
    model, x = _full_model(inst)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, inst.L_cost))
    solver = cp_model.CpSolver()
    _cp_params(solver, time_limit, workers, seed, False)
    st = solver.solve(model)
    rt = time.perf_counter() - t0
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        arc_of = _read_arcs(inst, solver, x)
        return _result(inst, arc_of, solver.best_objective_bound, rt, "cpsat-plain", st == cp_model.OPTIMAL)
    return GapResult(np.full(inst.n, -1, np.int64), 0, float("nan"), float("nan"), False, False, rt,
                     "INFEASIBLE" if st == cp_model.INFEASIBLE else "UNKNOWN", "cpsat-plain")


def solve_gap(
    data: GapData,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    hint=None,
    log: bool = False,
    deterministic: bool = False,
) -> GapResult:
    """Solve a generalized assignment problem (minimise total cost).

    Parameters
    ----------
    data
        The instance.
    time_limit
        Seconds (wall clock); with ``deterministic=True`` a work budget in
        CP-SAT deterministic-time units instead.
    seed
        Seed of every random choice.
    workers
        CP-SAT workers for the full-model phase (LNS sub-solves use one).
    hint
        Optional agent index per job (``-1`` allowed) used as a start.
    log
        Print progress.
    deterministic
        Make the result depend only on ``data`` and ``seed`` (see module doc).

    Returns
    -------
    GapResult
        Never raises for infeasibility: ``feasible=False``, unplaced jobs -1.
    """
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    if deterministic:
        # work budget in CP-SAT deterministic-time units, calibrated so that
        # the wall time is roughly ``time_limit`` on a typical machine
        time_limit = float(time_limit) * _DET_SCALE
    rng = np.random.default_rng(seed)
    inst = _Inst(data)
    n, m = inst.n, inst.m
    A = inst.job.size

    def say(*a):
        if log:
            print(f"[gap {time.perf_counter() - t0:7.2f}s]", *a, flush=True)

    def left():
        return deadline - time.perf_counter()

    if n == 0:
        return GapResult(np.zeros(0, np.int64), 0, 0.0, 0.0, True, True, time.perf_counter() - t0, "OPTIMAL", "trivial")

    # ---- quick infeasibility detection ---------------------------------
    min_w = np.minimum.reduceat(inst.weight, inst.ptr[:-1]) if A else np.zeros(n)
    maybe_infeasible = int(min_w.sum()) > int(inst.cap.sum())

    # ---- bound + fractional solution ---------------------------------------
    bound = None
    duals = None
    flows = None
    lp_feasible = True
    use_full = A <= _MAX_CPSAT_ARCS
    if inst.uniform_weight and not use_full:
        bound, flows, lp_feasible = _flow_relaxation(inst)
        method = "flow-lns"
    elif A <= _MAX_GLOP_ARCS and not maybe_infeasible:
        bound, duals = _lp_bound_glop(inst)
        if bound == math.inf:
            lp_feasible, bound = False, None
        method = "cpsat-lns" if use_full else "greedy-lns"
    else:
        method = "cpsat-lns" if use_full else "greedy-lns"
    if bound is None and lp_feasible and not maybe_infeasible:
        bound = float(inst.cost[inst.ptr[:-1]].sum())  # every job at its cheapest arc
    if maybe_infeasible:
        lp_feasible = False
    say(f"method={method} bound={bound} lp_feasible={lp_feasible}")

    # ---- start solution ------------------------------------------------
    start = None
    if hint is not None:
        h = np.asarray(hint, dtype=np.int64)
        if h.shape != (n,):
            raise ValueError("hint must have one entry per job")
        start = [inst.find_arc(j, int(a)) if a >= 0 else -1 for j, a in enumerate(h.tolist())]
    if start is None or not _evaluate(inst, start)[2]:
        if flows is not None:
            cand = _flow_dive(inst, flows, _DIVE_ROUNDS,
                                                  None if deterministic else t0 + 0.3 * float(time_limit)) if lp_feasible \
                else _round_flow(inst, flows)
        else:
            score = inst.cost.astype(float)
            if duals is not None:
                score = score + duals[0][inst.agent] * inst.weight
            cand = _regret_greedy(inst, score, rng)
        if start is not None:  # merge: keep hinted arcs where given
            cand = [s if s >= 0 else c for s, c in zip(start, cand)]
        start = _repair(inst, cand)
    if _evaluate(inst, start)[2]:
        start = _shift_descent(inst, start, None if deterministic else deadline)
    obj, _, feas = _evaluate(inst, start)
    say(f"start objective={obj} feasible={feas}")

    proved = False
    cp_bound = None
    # ---- portfolio: CP-SAT on the full model || our LNS (wall-clock mode) ----
    if use_full and lp_feasible and not deterministic and workers >= 2 and m > 1 and _PORTFOLIO:
        arcs, cp_bound, proved, cp_inf, bound = _portfolio(
            inst, start, feas, bound, deadline, seed, workers, rng, duals, say)
        if cp_bound is not None:
            bound = max(bound if bound is not None else -math.inf, cp_bound)
        if arcs is None:
            start = _max_placement(inst, max(0.5, left()), seed, False, workers, start)
            return _result(inst, start, bound, time.perf_counter() - t0, method)
        return _result(inst, arcs, bound, time.perf_counter() - t0, method, proved)

    # ---- full CP-SAT phase (small / medium) -------------------------------
    if use_full and lp_feasible:
        from ortools.sat.python import cp_model

        model, x = _full_model(inst, start if feas else [k for k in start])
        model.minimize(cp_model.LinearExpr.weighted_sum(x, inst.L_cost))
        solver = cp_model.CpSolver()
        frac = _FULL_FRAC
        _cp_params(solver, max(0.05, frac * float(time_limit) if deterministic else frac * left()),
                   workers, seed, deterministic)
        st = solver.solve(model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cand = _read_arcs(inst, solver, x)
            c_obj = _evaluate(inst, cand)[0]
            if not feas or c_obj <= obj:
                start, obj, feas = cand, c_obj, True
            cp_bound = solver.best_objective_bound
            proved = st == cp_model.OPTIMAL
        elif st == cp_model.INFEASIBLE:
            lp_feasible = False
        say(f"cp-sat phase {solver.status_name(st)} obj={obj} bound={solver.best_objective_bound}")
    if cp_bound is not None:
        bound = max(bound if bound is not None else -math.inf, cp_bound)
    if (feas and not proved and duals is not None and m * n <= 100_000 and int(inst.cap.max()) <= 20_000
            and bound is not None and obj > math.ceil(bound - 1e-6)):
        lr = _lagrangian_bound(inst, duals[1], float(obj), _LR_ITERS,
                               None if deterministic else time.perf_counter() + _LR_FRAC * max(0.0, left()))
        say(f"lagrangian bound {lr:.2f}")
        bound = max(bound, lr)

    if not feas:
        # infeasible or nothing found: maximise the number of jobs placed
        if use_full:
            start = _max_placement(inst, max(0.05, left() if not deterministic else float(time_limit) * 0.5),
                                   seed, deterministic, workers, start)
        rt = time.perf_counter() - t0
        return _result(inst, start, bound, rt, method)

    # ---- LNS ------------------------------------------------------------------
    if not proved and bound is not None and obj <= math.ceil(bound - 1e-6):
        proved = True
    if not proved and m > 1:
        lns = _Lns(inst, start, rng, seed, deterministic, log)
        if deterministic:
            budget = float(time_limit) * ((1 - _FULL_FRAC) if use_full else 1.0)
            best_obj = lns.obj
            while lns.dtime < budget and not lns.whole_proved:
                lns.step(min(_SUB_LIMIT, budget - lns.dtime + 0.01))
                if lns.obj < best_obj:
                    best_obj = lns.obj
                    say(f"lns it={lns.iters} obj={best_obj}")
                    if bound is not None and best_obj <= math.ceil(bound - 1e-6):
                        proved = True
                        break
        else:
            proved = _run_lns(lns, deadline, bound, min(2, max(1, workers)) if m >= 6 else 1, say)
        start = lns.arc_of
        proved = proved or lns.whole_proved
        say(f"lns done: {lns.iters} iterations, dtime={lns.dtime:.2f}")
    rt = time.perf_counter() - t0
    return _result(inst, start, bound, rt, method, proved)
