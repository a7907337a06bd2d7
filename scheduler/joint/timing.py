"""The best times of a staffing pattern: a linear program over stays and grids.

A :class:`Pattern` says, for each group, the units it works in order (a
round of several days: one unit, every day).  Given a pattern, when each
group arrives and closes, how many people each stay samples and where each
grid goes are continuous choices, and the earliest finish is a linear
program (GLOP):

- a group's first stay starts after the trip from its home (and not before
  the unit's window opens), each next one after the trip from the last;
- a stay swabs for its length less set-up, at the group's rate
  (:func:`natplan.scheduler.joint.data.rates`), and is at least a stint long;
- where a unit's groups do not fit its desks side by side they follow one
  another: a group's first stay before any group's second (the next one
  sets up while the last still swabs);
- a group's day fits :func:`natplan.scheduler.joint.data.duty_cap`;
- grids go, fractionally, to staffed units within walking distance
  (or the loads per unit are given: the grids are already placed).

:func:`time_pattern` gives the least finish and, when asked, the least
walking at that finish (:class:`PatternLP` holds the program).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from natplan.scheduler.joint.data import JointData, break_share, desks_used, duty_cap
from natplan.scheduler.labour import DAY

Pattern = tuple[tuple[int, ...], ...]
"""For each group, the units (indices) it works in order; empty when it stays home."""


@dataclass(frozen=True)
class TimedStay:
    group: int
    unit: int
    arrive: float
    close: float
    people: float  # people it samples on the last day (earlier days: their whole-day capacity on top)


@dataclass(frozen=True)
class Timing:
    """The least finish of a pattern, its stays, and where the grids go (people per arc)."""

    finish: float
    stays: tuple[TimedStay, ...]
    flows: np.ndarray | None  # per arc, when grids were free
    walking: float  # person-metres


def earlier_days_capacity(data: JointData, k: int, u: int, days: int) -> float:
    """People group ``k`` samples at unit ``u`` over the whole days before the last (at a whole day's rate:
    gear changes and a meal inside the day)."""
    r = data.rules
    total = 0.0
    for d in range(days - 1):
        arrive = data.first_arrival(k, u, d)
        stop = min(int(data.hi[u]) + DAY * d,
                   arrive - int(data.travel[data.home[k], u + 1]) + duty_cap(r, r.day_start(d)))
        share = break_share(r, stop - arrive, stop)
        rate = data.tp * min(float(data.desks[u]), data.samplers[k] * (1 - share))
        total += rate * max(0, stop - arrive - data.setup) / 60
    return total


class PatternLP:
    """The pattern's linear program (see the module docstring), solved for the finish, then for walking.

    Raises
    ------
    ValueError
        When a grid has no staffed unit within reach (the pattern cannot sample it).
    """

    def __init__(self, data: JointData, pattern: Pattern, rate: np.ndarray, days: int,
                 loads: np.ndarray | None = None):
        r = data.rules
        S = data.setup
        last = days - 1
        uses = desks_used(data)
        self.data = data
        staffed = {u for seq in pattern for u in seq}
        self.solver = solver = pywraplp.Solver.CreateSolver("GLOP")
        inf = solver.infinity()
        self.T = solver.NumVar(0.0, inf, "T")
        self.stays = []  # (k, u, pos, a, c, q)
        for k, seq in enumerate(pattern):
            prev = None
            first_a = None
            for pos, u in enumerate(seq):
                a = solver.NumVar(0.0, inf, "")
                c = solver.NumVar(0.0, float(int(data.hi[u]) + DAY * last), "")
                q = solver.NumVar(0.0, inf, "")
                solver.Add(c - a >= max(S + 1, r.min_stint))
                solver.Add(q <= rate[k, u] / 60 * (c - a - S))
                solver.Add(self.T >= c)
                if prev is None:
                    solver.Add(a >= data.first_arrival(k, u, last))
                    first_a = a - int(data.travel[data.home[k], u + 1])
                else:
                    solver.Add(a >= prev[1] + int(data.travel[prev[0] + 1, u + 1]))
                prev = (u, c)
                self.stays.append((k, u, pos, a, c, q))
            if seq:
                # the group's day, from leaving home to its last closing
                solver.Add(prev[1] - first_a <= duty_cap(r, r.day_start(last)))
        served = {u: [] for u in staffed}
        extra = {u: 0.0 for u in staffed}
        by_unit = {u: [] for u in staffed}
        for k, u, pos, a, c, q in self.stays:
            served[u].append(q)
            by_unit[u].append((pos, k, a, c))
            if days > 1:
                extra[u] += earlier_days_capacity(data, k, u, days)
        for u, items in by_unit.items():
            # groups that do not fit the desks side by side follow one another, first stays first
            if sum(int(uses[k, u]) for _, k, _, _ in items) <= int(data.desks[u]):
                continue
            items.sort(key=lambda x: (x[0], x[1]))
            for (_, _, _, c1), (_, _, a2, _) in zip(items, items[1:]):
                solver.Add(a2 + S >= c1)
        self.x: list[tuple[int, pywraplp.Variable]] = []
        covered: set[int] = set()
        if loads is None:
            people = data.people
            job_rows = [solver.Constraint(float(p), float(p)) for p in people]
            unit_rows = {u: solver.Constraint(-inf, extra[u]) for u in staffed}
            for i in range(len(data.arc_job)):
                u = int(data.arc_unit[i])
                if u not in staffed:
                    continue
                j = int(data.arc_job[i])
                v = solver.NumVar(0.0, float(people[j]), "")
                self.x.append((i, v))
                covered.add(j)
                job_rows[j].SetCoefficient(v, 1.0)
                unit_rows[u].SetCoefficient(v, 1.0)
            if len(covered) < len(people):
                raise ValueError("a grid has no staffed unit within reach")
            for u in staffed:
                for q in served[u]:
                    unit_rows[u].SetCoefficient(q, -1.0)
        else:
            for u in range(data.n_units):
                if loads[u] > 0:
                    if u not in staffed:
                        raise ValueError("a unit with people has no group")
                    solver.Add(sum(served[u]) >= float(loads[u]) - extra[u])
        solver.Minimize(self.T)
        self.walking_row = None

    def solve(self) -> float | None:
        """The least finish, or None when infeasible."""
        if self.walking_row is not None:
            self.walking_row.SetUb(self.solver.infinity())
        obj = self.solver.Objective()
        obj.Clear()
        obj.SetCoefficient(self.T, 1.0)
        obj.SetMinimization()
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return self.T.solution_value()

    def flows(self) -> np.ndarray:
        out = np.zeros(len(self.data.arc_job))
        for i, v in self.x:
            out[i] = v.solution_value()
        return out

    def least_walking(self, finish: float) -> bool:
        """Re-solve for the least person-metres with a finish at most ``finish``."""
        if self.walking_row is None:
            self.walking_row = self.solver.Add(self.T <= finish)
        else:
            self.walking_row.SetUb(finish)
        obj = self.solver.Objective()
        obj.Clear()
        for i, v in self.x:
            obj.SetCoefficient(v, float(self.data.arc_m[i]))
        obj.SetMinimization()
        return self.solver.Solve() == pywraplp.Solver.OPTIMAL

    def timing(self, finish: float) -> Timing:
        flows = self.flows() if self.x else None
        walk = float((flows * self.data.arc_m).sum()) if flows is not None else 0.0
        stays = tuple(TimedStay(k, u, a.solution_value(), c.solution_value(), q.solution_value())
                      for k, u, _, a, c, q in self.stays)
        return Timing(finish, stays, flows, walk)


def time_pattern(data: JointData, pattern: Pattern, rate: np.ndarray, days: int, loads: np.ndarray | None = None,
                 walking: bool = False, slack: float = 0.0) -> Timing | None:
    """The earliest finish of ``pattern`` (see the module docstring).

    Parameters
    ----------
    data
        The instance.
    pattern
        Units of each group, in order.
    rate
        People an hour of each group (rows) at each unit (columns).
    days
        Days of the round (a pattern of several days has one unit a group).
    loads
        People per unit when the grids are already placed; else grids go where the LP sends them.
    walking
        Then also the least walking with a finish at most ``slack`` minutes after the least.
    slack
        See ``walking``.

    Returns
    -------
    Timing | None
        None when the pattern cannot sample everyone (a grid with no staffed unit in reach, or an
        infeasible day).
    """
    try:
        lp = PatternLP(data, pattern, rate, days, loads)
    except ValueError:
        return None
    best = lp.solve()
    if best is None:
        return None
    if walking and lp.x and not lp.least_walking(best + slack):
        return None
    return lp.timing(best)
