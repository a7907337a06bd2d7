"""The portfolio: CP-SAT on the full model beside our LNS (wall-clock mode).

On instances small enough for the full CP-SAT model, with two workers or
more and no demand for determinism, CP-SAT runs on the whole instance in a
background thread (hinted with the start) while the LNS
(:mod:`natplan.scheduler.gap.lns`) runs in the calling thread.  The LNS
adopts CP-SAT's solutions when they are better, stops CP-SAT when it
reaches the bound, and the better of the two is kept.  While CP-SAT works,
the Lagrangian bound may raise the bound.
"""

from __future__ import annotations

import math
import time

from natplan.scheduler.gap.bounds import improve_by_lagrangian, integer_bound, lagrangian_worthwhile
from natplan.scheduler.gap.cpsat import cp_params, min_cost_model, read_arcs
from natplan.scheduler.gap.data import Instance, evaluate
from natplan.scheduler.gap.lns import SUB_LIMIT, Lns

__all__ = ["portfolio"]


def portfolio(inst: Instance, start, feas, bound, deadline, seed, workers, rng, duals, say):
    """Full-model CP-SAT in a background thread while our LNS runs here.

    CP-SAT's improving solutions (solution callback) are adopted by the LNS
    when better; the LNS stops CP-SAT when it reaches the bound.  While
    CP-SAT works, the Lagrangian bound may raise ``bound``.

    Parameters
    ----------
    inst
        The instance.
    start
        Arc per job to start from (and to hint CP-SAT with).
    feas
        Whether ``start`` is feasible; if not, the LNS waits for CP-SAT's
        first solution.
    bound
        The best lower bound so far, or ``None``.
    deadline
        ``time.perf_counter()`` value to stop at.
    seed
        CP-SAT seed.
    workers
        Workers in all: CP-SAT gets ``workers - 1`` (at least 1).
    rng
        ``numpy.random.Generator`` of the LNS.
    duals
        The LP duals ``(u, v)`` or ``None``.
    say
        Progress printer.

    Returns
    -------
    tuple
        ``(arc_of or None, cp_bound, proved, cp_infeasible, bound)``: the
        best solution (``None`` when neither side found one), CP-SAT's bound
        (``None`` unless it found a solution), whether the solution is proved
        optimal, whether CP-SAT proved the instance infeasible, and the
        bound raised by the Lagrangian.
    """
    import threading

    from ortools.sat.python import cp_model

    model, x = min_cost_model(inst, start)
    solver = cp_model.CpSolver()
    cp_params(solver, max(0.05, deadline - time.perf_counter()), max(1, workers - 1), seed, False)
    lock = threading.Lock()
    shared = {"best": None, "seen": math.inf}

    class _Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            arc_of = read_arcs(inst, self, x)
            with lock:
                shared["best"] = (int(round(self.objective_value)), arc_of)

    cb = _Cb()
    res = {}

    def run():
        res["status"] = solver.solve(model, cb)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    obj = evaluate(inst, start)[0] if feas else math.inf
    # Lagrangian bound while CP-SAT works
    if feas and lagrangian_worthwhile(inst, duals, bound, obj):
        bound = improve_by_lagrangian(inst, duals, bound, obj, deadline - time.perf_counter(), say)
    target = integer_bound(bound)
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
        lns = Lns(inst, start, rng, seed, False, False)
        best_seen = lns.obj
        while th.is_alive():
            rem = deadline - time.perf_counter()
            if rem <= 0.02:
                break
            with lock:
                b = shared["best"]
            if b is not None and b[0] < lns.obj:
                ka, kp = lns.k_agents, lns.k_partial
                lns = Lns(inst, b[1], rng, seed + lns.iters, False, False)
                lns.k_agents, lns.k_partial = ka, kp
            if lns.obj <= target:
                proved = True
                break
            lns.step(min(SUB_LIMIT, rem))
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
