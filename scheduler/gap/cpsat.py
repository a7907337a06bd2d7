"""The GAP as a CP-SAT model.

One Boolean per arc; each job on exactly one of its arcs (at most one when
placing as many jobs as possible); each agent's weighted sum within its
capacity.  The model is used three ways:

* minimising cost on the whole instance (:func:`min_cost_model`,
  :func:`solve_min_cost`), hinted with the start: the full CP-SAT phase of
  the engine, the background thread of the portfolio, and the plain
  baseline (:mod:`natplan.scheduler.gap.baseline`);
* maximising the number of jobs placed, then the cost saved, on an
  infeasible instance (:func:`max_placement`);
* in pieces, by the LNS (:mod:`natplan.scheduler.gap.lns`).

Every CP-SAT call takes its parameters from :func:`cp_params`: one worker
and a deterministic-time limit in deterministic mode, else a wall-clock
limit; CP-SAT never catches Ctrl-C.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natplan.scheduler.gap.data import Instance

__all__ = ["CpOutcome", "cp_params", "full_model", "max_placement", "min_cost_model", "read_arcs", "solve_min_cost"]


def cp_params(solver, time_limit, workers, seed, deterministic, extra=None):
    """Set a CP-SAT solver's parameters the engine's way.

    Parameters
    ----------
    solver
        An ``ortools.sat.python.cp_model.CpSolver``.
    time_limit
        Seconds of wall clock, or deterministic-time units when
        ``deterministic`` (at least 0.01 either way).
    workers
        ``num_workers`` (ignored, 1, when ``deterministic``).
    seed
        ``random_seed``.
    deterministic
        One worker and a ``max_deterministic_time`` limit.
    extra
        Further parameters, by name.
    """
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


def full_model(inst: Instance, hint_arc=None, at_most_one=False):
    """The whole instance as a CP-SAT model, without objective.

    Parameters
    ----------
    inst
        The instance.
    hint_arc
        Arc per job to hint (``-1`` entries are not hinted), or ``None``.
    at_most_one
        Let jobs stay unplaced (for :func:`max_placement`).

    Returns
    -------
    tuple
        ``(model, x)``: the ``CpModel`` and its Boolean per sorted arc.
    """
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    A = inst.job.size
    x = [model.new_bool_var("") for _ in range(A)]
    ptr = inst.L_ptr
    # each job goes to exactly one of its agents (at most one when some may stay out)
    for j in range(inst.n):
        vs = x[ptr[j] : ptr[j + 1]]
        if at_most_one:
            model.add_at_most_one(vs)
        else:
            model.add_exactly_one(vs)
    # each agent's load stays within its capacity
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


def min_cost_model(inst: Instance, hint_arc=None):
    """The whole instance as a CP-SAT model minimising total cost.

    Parameters
    ----------
    inst
        The instance.
    hint_arc
        Arc per job to hint, or ``None``.

    Returns
    -------
    tuple
        ``(model, x)`` as :func:`full_model`.
    """
    from ortools.sat.python import cp_model

    model, x = full_model(inst, hint_arc)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, inst.L_cost))
    return model, x


def read_arcs(inst: Instance, solver, x):
    """The arc per job of a CP-SAT solution.

    Parameters
    ----------
    inst
        The instance.
    solver
        A ``CpSolver`` that found a solution.
    x
        The model's Boolean per sorted arc.

    Returns
    -------
    list of int
        Arc per job, ``-1`` for a job on no arc.
    """
    vals = solver.boolean_values(x) if hasattr(solver, "boolean_values") else [solver.boolean_value(v) for v in x]
    vals = np.asarray(vals, dtype=bool)
    arc_of = [-1] * inst.n
    for k in np.nonzero(vals)[0].tolist():
        arc_of[int(inst.job[k])] = k
    return arc_of


@dataclass(frozen=True)
class CpOutcome:
    """What a CP-SAT solve of the whole instance gave.

    Attributes
    ----------
    status
        The ``cp_model`` status code.
    status_name
        Its name (``"OPTIMAL"``, ``"FEASIBLE"``, ``"INFEASIBLE"``, ``"UNKNOWN"`` …).
    arc_of
        Arc per job of the best solution, ``None`` when none was found.
    bound
        CP-SAT's best objective bound.
    """

    status: int
    status_name: str
    arc_of: list | None
    bound: float

    @property
    def optimal(self) -> bool:
        """Whether CP-SAT proved the solution optimal."""
        from ortools.sat.python import cp_model

        return self.status == cp_model.OPTIMAL

    @property
    def infeasible(self) -> bool:
        """Whether CP-SAT proved the instance infeasible."""
        from ortools.sat.python import cp_model

        return self.status == cp_model.INFEASIBLE


def solve_min_cost(inst: Instance, model, x, time_limit, workers, seed, deterministic) -> CpOutcome:
    """Solve a model from :func:`min_cost_model`.

    Parameters
    ----------
    inst
        The instance.
    model, x
        From :func:`min_cost_model`.
    time_limit, workers, seed, deterministic
        As :func:`cp_params`.

    Returns
    -------
    CpOutcome
    """
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    cp_params(solver, time_limit, workers, seed, deterministic)
    st = solver.solve(model)
    arc_of = read_arcs(inst, solver, x) if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return CpOutcome(st, solver.status_name(st), arc_of, solver.best_objective_bound)


def max_placement(inst: Instance, time_limit, seed, deterministic, workers, start):
    """Infeasible instance: place as many jobs (by count, then cost) as possible.

    Each placed job earns ``total cost + 1 - its cost``, so one more job
    always beats any saving in cost.

    Parameters
    ----------
    inst
        The instance.
    time_limit, seed, deterministic, workers
        As :func:`cp_params`.
    start
        Arc per job to hint (``-1`` for unplaced); returned when CP-SAT finds
        nothing.

    Returns
    -------
    list of int
        Arc per job, ``-1`` for the jobs left out.
    """
    from ortools.sat.python import cp_model

    model, x = full_model(inst, start, at_most_one=True)
    big = int(inst.cost.sum()) + 1
    model.maximize(
        cp_model.LinearExpr.weighted_sum(x, [big - c for c in inst.L_cost])
    )
    solver = cp_model.CpSolver()
    cp_params(solver, time_limit, workers, seed, deterministic)
    st = solver.solve(model)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return read_arcs(inst, solver, x)
    return start
