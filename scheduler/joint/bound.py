"""A lower bound of the earliest finish: where and who together, relaxed to a linear program.

For a finish ``T`` (on the last of ``D`` days) the LP asks whether the
walk-in people can be sampled by then when

- each person goes, fractionally, to units within walking distance;
- a unit samples ``throughput / 60`` people per sampler-minute swabbed there,
  at no more samplers at once than its desks, from its earliest opening
  (the first group's travel and set-up) to ``T``;
- a group is at one unit at a time, there from its travel and set-up on, and
  swabs there at ``min(desks, samplers)`` at most;
- a sampler swabs at most :func:`natplan.scheduler.labour.work_ceiling`
  minutes a day: set-up, gear changes, a meal that cannot close the day and
  the longest work day all come off;
- each earlier day adds a whole day of the same.

Groups with the same number of samplers are pooled into one class (each
with the earliest travel of any of them), which only relaxes the LP further.
Every plan natplan can make satisfies these constraints, so the least
feasible ``T`` (on whole minutes: a bracket grown from the finish of every
desk swabbing from the start, then bisection) is a valid lower bound:
no plan finishes earlier.  The first day that can hold the round gives ``D``.
At the bound the LP is solved once more for the least walking: its load per
unit is where the search starts (:mod:`natplan.scheduler.joint.construct`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from natplan.scheduler.joint.data import JointData, duty_cap
from natplan.scheduler.labour import DAY, work_ceiling

MAX_DAYS = 14


@dataclass(frozen=True)
class JointBound:
    """The least finish no plan can beat, the days it needs, and the LP's loads there."""

    finish: int  # minute (on the last day)
    days: int
    loads: np.ndarray  # people per unit in the LP at the bound (least walking)
    flows: np.ndarray  # people per arc in that LP


@dataclass(frozen=True)
class _Class:
    """Groups with the same samplers, pooled."""

    samplers: int
    count: int
    travel: np.ndarray  # least minutes from any member's home to each unit


def _classes(data: JointData) -> list[_Class]:
    out = []
    for n in sorted(set(data.samplers.tolist())):
        ks = np.flatnonzero(data.samplers == n)
        out.append(_Class(int(n), len(ks), data.travel[data.home[ks]][:, 1:].min(axis=0)))
    return out


def _lp(data: JointData, days: int, finish: int, walking: bool):
    """Solve the LP for ``finish`` on day ``days``: (people sampled at most, people per arc) or None."""
    r = data.rules
    tp = data.tp / 60
    U, A = data.n_units, len(data.arc_job)
    people = data.people
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    x = [solver.NumVar(0.0, float(people[data.arc_job[i]]), "") for i in range(A)]
    # each person at most once
    for j in range(len(people)):
        ct = solver.Constraint(0.0, float(people[j]))
        for i in np.flatnonzero(data.arc_job == j).tolist():
            ct.SetCoefficient(x[i], 1.0)
    unit_row = [solver.Constraint(-inf, 0.0) for _ in range(U)]  # people at u <= sampler-minutes there × tp
    for i in range(A):
        unit_row[data.arc_unit[i]].SetCoefficient(x[i], 1.0)
    for d in range(days):
        s_d = r.day_start(d)
        end = finish if d == days - 1 else s_d + DAY
        desk_rows = {}
        classes = _classes(data)
        # a second group at a unit adds at most the desks the first leaves free: y_u <= (a - b) span + sum b t
        joins = {}
        for u in range(U):
            firsts = [min(int(data.desks[u]), c.samplers) for c in classes]
            free = int(data.desks[u]) - min(firsts)
            extra = [min(c.samplers, max(0, free)) for c in classes]
            joins[u] = (max(a - b for a, b in zip(firsts, extra)), extra,
                        solver.Constraint(-inf, 0.0))
        for ci, c in enumerate(classes):
            arrive = s_d + int(c.travel.min())
            stop = min(end, arrive + duty_cap(r, arrive))
            ceiling = work_ceiling(r, data.setup, arrive, stop)
            group_row = solver.Constraint(-inf, float(c.count * max(0, stop - arrive - data.setup)))
            sampler_row = solver.Constraint(-inf, float(c.count * c.samplers * ceiling))
            for u in range(U):
                open_u = max(int(data.lo[u]) + DAY * d, s_d + int(c.travel[u]) + data.setup)
                close_u = min(stop, int(data.hi[u]) + DAY * d)
                if close_u <= open_u:
                    continue
                a = min(int(data.desks[u]), c.samplers)
                t = solver.NumVar(0.0, float(c.count * (close_u - open_u)), "")  # group-minutes at u
                y = solver.NumVar(0.0, inf, "")  # sampler-minutes swabbed at u
                solver.Add(y <= a * t)
                group_row.SetCoefficient(t, 1.0)
                sampler_row.SetCoefficient(y, 1.0)
                unit_row[u].SetCoefficient(y, -tp)
                if u not in desk_rows:
                    desk_rows[u] = [solver.Constraint(-inf, inf), open_u, close_u]
                row = desk_rows[u]
                row[1], row[2] = min(row[1], open_u), max(row[2], close_u)  # any group may be there then
                row[0].SetCoefficient(y, 1.0)
                join_row = joins[u][2]
                join_row.SetCoefficient(y, 1.0)
                join_row.SetCoefficient(t, -float(joins[u][1][ci]))
        for u, (row, open_u, close_u) in desk_rows.items():
            # a unit's desks, over the hours any group can be there
            row.SetUb(float(data.desks[u] * (close_u - open_u)))
            joins[u][2].SetUb(float(joins[u][0] * (close_u - open_u)))
    total = solver.NumVar(0.0, inf, "")
    solver.Add(total == sum(x))
    obj = solver.Objective()
    if walking:
        solver.Add(total >= float(people.sum()) - 0.5)
        for i in range(A):
            obj.SetCoefficient(x[i], float(data.arc_m[i]))
        obj.SetMinimization()
    else:
        obj.SetCoefficient(total, 1.0)
        obj.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return total.solution_value(), np.array([v.solution_value() for v in x])


def _served(data: JointData, days: int, finish: int) -> float:
    res = _lp(data, days, finish, walking=False)
    return -1.0 if res is None else res[0]


def most_served(data: JointData, days: int) -> float:
    """The most walk-in people any plan can sample in ``days`` whole days (the LP's optimum over the days, the
    last one to its end; an upper bound, so a round that needs more days is short by at least the rest).

    Parameters
    ----------
    data
        The instance.
    days
        Whole days of the round, from its start.

    Returns
    -------
    float
        People (0 when the LP has no solution).
    """
    return max(0.0, _served(data, days, data.rules.day_start(days - 1) + DAY))


def joint_bound(data: JointData) -> JointBound | None:
    """The least finish of any plan of ``data`` (the LP of the module docstring, bisected).

    Parameters
    ----------
    data
        The instance.

    Returns
    -------
    JointBound | None
        The bound, its days and the LP's loads at it; None when not even
        :data:`MAX_DAYS` days can hold the round.
    """
    r = data.rules
    need = float(data.people.sum()) - 0.5
    for days in range(1, MAX_DAYS + 1):
        last = r.day_start(days - 1) + DAY
        if _served(data, days, last) < need:
            continue
        # lo infeasible (nothing is sampled at the day's start), hi feasible: first a bracket around the finish
        # of every desk and sampler swabbing from the start (exponential steps), then bisection
        lo, hi = r.day_start(days - 1), last
        if days == 1:
            per_min = data.tp / 60 * min(int(data.samplers.sum()), int(data.desks.sum()))
            guess = min(hi - 1, lo + data.setup + int(need / max(per_min, 1e-9)))
            step = 16
            while lo < guess < hi:
                if _served(data, days, guess) >= need:
                    hi, guess = guess, guess - step
                else:
                    lo, guess = guess, guess + step
                step *= 2
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _served(data, days, mid) >= need:
                hi = mid
            else:
                lo = mid
        res = _lp(data, days, hi, walking=True) or _lp(data, days, hi, walking=False)
        flows = res[1]
        loads = np.bincount(data.arc_unit, weights=flows, minlength=data.n_units)
        return JointBound(hi, days, loads, flows)
    return None
