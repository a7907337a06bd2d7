"""Solve a GAP: the pipeline that chains bounds, start and search.

:func:`solve_gap` runs, in order:

1. a bound and a fractional solution (:mod:`natplan.scheduler.gap.bounds`):
   the transportation problem when the weights do not depend on the agent
   and the instance is above ``MAX_CPSAT_ARCS`` arcs (method
   ``"flow-lns"``), else the GLOP LP up to ``MAX_GLOP_ARCS`` arcs (method
   ``"cpsat-lns"`` up to ``MAX_CPSAT_ARCS`` arcs, ``"greedy-lns"`` above),
   else every job at its cheapest arc;
2. a start (:mod:`natplan.scheduler.gap.construct`): the caller's hint if
   it fits, else flow diving or the regret greedy, repaired, then shift
   moves;
3. up to ``MAX_CPSAT_ARCS`` arcs, CP-SAT on the full model hinted with the
   start (:mod:`natplan.scheduler.gap.cpsat`): alongside the LNS (the
   :mod:`~natplan.scheduler.gap.portfolio`) in wall-clock mode with two workers or more, else for
   ``FULL_FRAC`` of the time before it; then the Lagrangian bound on small
   instances;
4. the LNS (:mod:`natplan.scheduler.gap.lns`) until the budget is spent
   or the solution meets the bound.

Infeasible instances never raise: ``feasible=False``, as many jobs as
possible placed (CP-SAT maximising the number placed on small instances,
repair on large ones), the others ``-1``.

Determinism
-----------
With ``deterministic=True`` every CP-SAT call uses ``num_workers=1`` and a
``max_deterministic_time`` limit instead of a wall-clock limit, the LNS runs
in one thread and stops when the sum of the deterministic times reported by
CP-SAT (at least ``DET_ITER_COST`` per move) reaches the budget, the
Lagrangian and the flow dive use fixed iteration counts, and nothing reads
the clock to decide.  ``time_limit`` is then converted to a work budget of
``time_limit * DET_SCALE`` deterministic units (calibrated so that the
wall time is about ``time_limit`` on the development machine; it is not a
wall-clock promise).  All random choices come from
``numpy.random.default_rng(seed)``.  The result depends only on the data and
the seed.
"""

from __future__ import annotations

import math
import time

import numpy as np

from natplan.scheduler.gap.bounds import (
    flow_relaxation,
    improve_by_lagrangian,
    integer_bound,
    lagrangian_worthwhile,
    lp_bound_glop,
)
from natplan.scheduler.gap.construct import start_solution
from natplan.scheduler.gap.cpsat import max_placement, min_cost_model, solve_min_cost
from natplan.scheduler.gap.data import GapData, GapResult, Instance, evaluate
from natplan.scheduler.gap.lns import Lns, run_lns, run_lns_deterministic
from natplan.scheduler.gap.portfolio import portfolio

__all__ = ["make_result", "solve_gap"]

# Above this many arcs the full CP-SAT model is not built (flow-based start).
MAX_CPSAT_ARCS = 60_000
# Above this many arcs the GLOP LP is skipped (flow bound or trivial bound).
MAX_GLOP_ARCS = 300_000
FULL_FRAC = 0.35   # share of the time for the full CP-SAT phase (without the portfolio)
PORTFOLIO = True   # wall-clock mode: full CP-SAT thread alongside the LNS
DET_SCALE = 0.35   # deterministic-time units per requested second (deterministic mode)


def make_result(inst: Instance, arc_of, bound, runtime, method, t_proved=False) -> GapResult:
    """Assemble the result of a solution and a bound.

    Parameters
    ----------
    inst
        The instance.
    arc_of
        Arc per job, ``-1`` for a job left out.
    bound
        The best lower bound, or ``None``.
    runtime
        Seconds.
    method
        The pipeline's name.
    t_proved
        Whether the solution was proved optimal by other means than the
        bound (CP-SAT, or an LNS move over the whole instance).

    Returns
    -------
    GapResult
        Infeasible solutions get status ``"INFEASIBLE"`` and a ``nan`` gap;
        the bound is capped at the objective, and a solution meeting it is
        ``"OPTIMAL"``.
    """
    arc_of = list(arc_of)
    obj, _, feas = evaluate(inst, arc_of)
    assignment = np.array([inst.L_agent[k] if k >= 0 else -1 for k in arc_of], dtype=np.int64)
    if not feas:
        bound_v = float("nan") if bound is None or not math.isfinite(bound) else float(bound)
        return GapResult(assignment, obj, bound_v, float("nan"), False, False, runtime, "INFEASIBLE", method)
    b = float(bound) if bound is not None and math.isfinite(bound) else 0.0
    b = min(b, float(obj))
    optimal = t_proved or obj <= integer_bound(b)
    if optimal:
        b = float(obj)
    gap = (obj - b) / max(1, abs(obj))
    return GapResult(assignment, obj, b, gap, True, bool(optimal), runtime,
                     "OPTIMAL" if optimal else "FEASIBLE", method)


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

    Raises
    ------
    ValueError
        When ``hint`` does not have one entry per job.

    Examples
    --------
    >>> r = solve_gap(GapData.from_dense([[1, 5], [4, 2]], [[3, 3], [3, 3]], [3, 3]))
    >>> r.assignment.tolist(), r.objective, r.status
    ([0, 1], 3, 'OPTIMAL')
    """
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    if deterministic:
        # work budget in CP-SAT deterministic-time units, calibrated so that
        # the wall time is roughly ``time_limit`` on a typical machine
        time_limit = float(time_limit) * DET_SCALE
    rng = np.random.default_rng(seed)
    inst = Instance(data)
    n, m = inst.n, inst.m
    A = inst.job.size

    def say(*a):
        if log:
            print(f"[gap {time.perf_counter() - t0:7.2f}s]", *a, flush=True)

    def left():
        return deadline - time.perf_counter()

    if n == 0:
        return GapResult(np.zeros(0, np.int64), 0, 0.0, 0.0, True, True, time.perf_counter() - t0, "OPTIMAL", "trivial")
    start = None
    if hint is not None:
        h = np.asarray(hint, dtype=np.int64)
        if h.shape != (n,):
            raise ValueError("hint must have one entry per job")
        start = [inst.find_arc(j, int(a)) if a >= 0 else -1 for j, a in enumerate(h.tolist())]

    # ---- quick infeasibility detection ---------------------------------
    min_w = np.minimum.reduceat(inst.weight, inst.ptr[:-1]) if A else np.zeros(n)
    maybe_infeasible = int(min_w.sum()) > int(inst.cap.sum())

    # ---- bound + fractional solution ---------------------------------------
    bound = None
    duals = None
    flows = None
    lp_feasible = True
    use_full = A <= MAX_CPSAT_ARCS
    if inst.uniform_weight and not use_full:
        bound, flows, lp_feasible = flow_relaxation(inst)
        method = "flow-lns"
    elif A <= MAX_GLOP_ARCS and not maybe_infeasible:
        bound, duals = lp_bound_glop(inst)
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
    start = start_solution(inst, start, flows, lp_feasible, duals, rng,
                           None if deterministic else t0 + 0.3 * float(time_limit),
                           None if deterministic else deadline)
    obj, _, feas = evaluate(inst, start)
    say(f"start objective={obj} feasible={feas}")

    proved = False
    cp_bound = None
    # ---- portfolio: CP-SAT on the full model || our LNS (wall-clock mode) ----
    if use_full and lp_feasible and not deterministic and workers >= 2 and m > 1 and PORTFOLIO:
        arcs, cp_bound, proved, _, bound = portfolio(
            inst, start, feas, bound, deadline, seed, workers, rng, duals, say)
        if cp_bound is not None:
            bound = max(bound if bound is not None else -math.inf, cp_bound)
        if arcs is None:
            start = max_placement(inst, max(0.5, left()), seed, False, workers, start)
            return make_result(inst, start, bound, time.perf_counter() - t0, method)
        return make_result(inst, arcs, bound, time.perf_counter() - t0, method, proved)

    # ---- full CP-SAT phase (small / medium) -------------------------------
    if use_full and lp_feasible:
        model, x = min_cost_model(inst, start)
        limit = FULL_FRAC * float(time_limit) if deterministic else FULL_FRAC * left()
        cp = solve_min_cost(inst, model, x, max(0.05, limit), workers, seed, deterministic)
        if cp.arc_of is not None:
            c_obj = evaluate(inst, cp.arc_of)[0]
            if not feas or c_obj <= obj:
                start, obj, feas = cp.arc_of, c_obj, True
            cp_bound = cp.bound
            proved = cp.optimal
        elif cp.infeasible:
            lp_feasible = False
        say(f"cp-sat phase {cp.status_name} obj={obj} bound={cp.bound}")
    if cp_bound is not None:
        bound = max(bound if bound is not None else -math.inf, cp_bound)
    if feas and not proved and lagrangian_worthwhile(inst, duals, bound, obj):
        bound = improve_by_lagrangian(inst, duals, bound, obj, None if deterministic else left(), say)

    if not feas:
        # infeasible or nothing found: maximise the number of jobs placed
        if use_full:
            start = max_placement(inst, max(0.05, left() if not deterministic else float(time_limit) * 0.5),
                                  seed, deterministic, workers, start)
        return make_result(inst, start, bound, time.perf_counter() - t0, method)

    # ---- LNS ------------------------------------------------------------------
    if not proved and obj <= integer_bound(bound):
        proved = True
    if not proved and m > 1:
        lns = Lns(inst, start, rng, seed, deterministic, log)
        if deterministic:
            budget = float(time_limit) * ((1 - FULL_FRAC) if use_full else 1.0)
            proved = run_lns_deterministic(lns, budget, bound, say)
        else:
            proved = run_lns(lns, deadline, bound, min(2, max(1, workers)) if m >= 6 else 1, say)
        start = lns.arc_of
        proved = proved or lns.whole_proved
        say(f"lns done: {lns.iters} iterations, dtime={lns.dtime:.2f}")
    return make_result(inst, start, bound, time.perf_counter() - t0, method, proved)
