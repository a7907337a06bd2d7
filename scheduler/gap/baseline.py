"""Plain CP-SAT on the GAP: the baseline the engine is measured against.

One Boolean per arc, exactly-one per job, capacity per agent, minimise cost,
and nothing else: no bound, no start, no LNS.  It uses the engine's own
model (:func:`~natplan.scheduler.gap.cpsat.min_cost_model`) and result
assembly, so that a benchmark compares like with like.  The engine never
calls it; ``benchmarks/gap.py`` does.
"""

from __future__ import annotations

import time

import numpy as np

from natplan.scheduler.gap.cpsat import min_cost_model, solve_min_cost
from natplan.scheduler.gap.data import GapData, GapResult, Instance
from natplan.scheduler.gap.solve import make_result

__all__ = ["solve_gap_cpsat_plain"]


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

    Returns
    -------
    GapResult
        Method ``"cpsat-plain"``.  When CP-SAT finds no solution, every job
        is ``-1`` and the status is ``"INFEASIBLE"`` (proved) or
        ``"UNKNOWN"`` (time out).
    """
    t0 = time.perf_counter()
    inst = Instance(data)
    model, x = min_cost_model(inst)
    cp = solve_min_cost(inst, model, x, time_limit, workers, seed, False)
    rt = time.perf_counter() - t0
    if cp.arc_of is not None:
        return make_result(inst, cp.arc_of, cp.bound, rt, "cpsat-plain", cp.optimal)
    return GapResult(np.full(inst.n, -1, np.int64), 0, float("nan"), float("nan"), False, False, rt,
                     "INFEASIBLE" if cp.infeasible else "UNKNOWN", "cpsat-plain")
