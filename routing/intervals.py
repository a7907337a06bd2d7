"""Which units to collect less often: the fewest, exactly, for the vehicles there are (CP-SAT).

Every unit gets one interval (its zone's own, or a longer one the
scenario allows and that still reaches it).  For every zone, interval
``C`` and collection time ``d`` on its grid, the units that would be on
that run are those of interval ``C`` open then; the loops their run needs,
and how many are still out each tick after it leaves, come from
the zone's exact cover table (:meth:`natplan.routing.zoneruns.ZoneRunner.profile`),
indexed by the set of those units (an element constraint on the bits of
the units' choices).  At every tick each zone's loops in progress
must fit its own vehicles plus what it borrows, and what all zones borrow
plus the relays must fit the station's free vehicles (checked every ``tick``
minutes, the greatest common divisor of the intervals: every run leaves on a
multiple of it, and the vehicles at work only grow when a run leaves).

The objective counts the units collected less often first, then the longer
of the longer intervals, then their people (a unit with few swabs loses
least by waiting): ``UNIT`` per unit, ``STEP`` per step beyond the first,
one per ten people.  The model is solved with one worker, a seed and a
deterministic time limit, so the same input gives the same answer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from natplan.routing.tours import EXACT_MAX
from natplan.routing.zoneruns import ZonePlan, ZoneRunner, first_run, last_run

UNIT = 100_000
STEP = 10_000
TIME_LIMIT = 0.5
"""Deterministic seconds of CP-SAT for one choice (about half a second on one core)."""


def _solver(seed: int, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.cp_model_probing_level = 0  # probing the element constraints would eat the whole budget
    return solver


def _variables(m: cp_model.CpModel) -> list:
    return [m.GetIntVarFromProtoIndex(i) for i in range(len(m.Proto().variables))]


def _run_vars(m: cp_model.CpModel, prof, cand: tuple[int, ...], lits: list):
    """The loops still out each tick after a run over the chosen ones of ``cand`` leaves, and its
    relay: element constraints on the set the choices make."""
    subsets = [sum(1 << cand[j] for j in range(len(cand)) if s >> j & 1) for s in range(1 << len(cand))]
    index = m.NewIntVar(0, (1 << len(cand)) - 1, "")
    m.Add(index == sum((1 << j) * lit for j, lit in enumerate(lits)))
    busy = []
    for step in range(prof.busy.shape[0]):
        values = [int(prof.busy[step, s]) for s in subsets]
        v = None
        if max(values):
            v = m.NewIntVar(0, max(values), "")
            m.AddElement(index, values, v)
        busy.append(v)
    relay = None
    if prof.relay_span is not None:
        values = [int(prof.relay[s]) for s in subsets]
        if max(values):
            relay = m.NewIntVar(0, 1, "")
            m.AddElement(index, values, relay)
    return busy, relay


def weight(people: int, steps: int) -> int:
    """What collecting a unit ``steps`` intervals less often costs in the objective."""
    return 0 if steps == 0 else UNIT + STEP * (steps - 1) + people // 10


def choose_intervals(runner: ZoneRunner, plans: dict[str, ZonePlan], allowed: dict[str, list[int]],
                     shortest: dict[str, int], people: dict[str, int], own: dict[str, int], pool: int,
                     lend: bool, time_limit: float = TIME_LIMIT, seed: int = 0,
                     start: dict[str, ZonePlan] | None = None) -> tuple[dict[str, ZonePlan], int] | None:
    """Every unit's interval, with the fewest (and smallest) units collected less often.

    Parameters
    ----------
    runner
        The zones' runs and cover tables.
    plans
        The zones' units and meeting points (their intervals are the hint).
    allowed
        Each zone's intervals, its own first.
    shortest
        A unit's shortest interval that reaches it (absent: its zone's own).
    people
        People of each unit.
    own
        Each zone's own vehicles.
    pool
        Station vehicles free for zone work and relays.
    lend
        Whether zones may borrow them (relays may in any case).
    time_limit, seed
        CP-SAT's deterministic time limit and seed.
    start
        Zone plans known to fit (every unit's interval), from which the search starts.

    Returns
    -------
    (plans, objective) or None
        The plans with the chosen intervals, and the objective; None when no choice fits the vehicles
        (or the solver found none in its time).
    """
    tick = math.gcd(*{c for cs in allowed.values() for c in cs}, *{c for p in plans.values() for c in p.intervals})
    m = cp_model.CpModel()
    choice: dict[tuple[str, int], cp_model.IntVar] = {}
    cost = []
    load: dict[tuple[str, int], list] = defaultdict(list)
    borrowed: dict[int, list] = defaultdict(list)
    for z, p in plans.items():
        options = {}
        for u, now in zip(p.units, p.intervals):
            low = shortest.get(u, allowed[z][0])
            opts = [c for c in allowed[z] if c >= low] if len(p.units) <= EXACT_MAX else [now]
            if p.relay == u or not opts:
                opts = [now]
            options[u] = opts
            lits = []
            for c in opts:
                v = m.NewBoolVar(f"{u}@{c}")
                choice[(u, c)] = v
                lits.append(v)
                m.AddHint(v, c == now)
                w = weight(people.get(u, 0), allowed[z].index(c) if c in allowed[z] else 0)
                if w:
                    cost.append(w * v)
            m.AddExactlyOne(lits)
        if len(p.units) > EXACT_MAX:
            for r in runner.runs(p).runs:
                for t in range(r.depart - r.depart % tick, r.end, tick):
                    load[(z, t)].append(1)
            continue
        for c in sorted({c for opts in options.values() for c in opts}):
            prof = runner.profile(p, c, tick)
            spans = {k: (first_run(runner.windows[u].open, c), last_run(runner.windows[u].finish, c))
                     for k, u in enumerate(p.units) if c in options[u]}
            if not spans:
                continue
            shared: dict[tuple[int, ...], tuple[list, object]] = {}  # the same units on a run: the same variables
            for d in range(min(a for a, _ in spans.values()), max(b for _, b in spans.values()) + 1, c):
                cand = tuple(k for k, (a, b) in spans.items() if a <= d <= b)
                if not cand:
                    continue
                if cand not in shared:
                    shared[cand] = _run_vars(m, prof, cand, [choice[(p.units[k], c)] for k in cand])
                busy, relay = shared[cand]
                for step, v in enumerate(busy):
                    if v is not None:
                        load[(z, d + step * tick)].append(v)
                if relay is not None:
                    a, b = prof.relay_span
                    for t in range(d + (a // tick) * tick, d + b, tick):
                        borrowed[t].append(relay)
    # at every tick: a zone's loops within its own vehicles and what it borrows; all borrowing within
    # the station's free vehicles
    for (z, t), terms in load.items():
        if lend:
            excess = m.NewIntVar(0, pool, "")
            m.Add(excess >= sum(terms) - own.get(z, 0))
            borrowed[t].append(excess)
        else:
            m.Add(sum(terms) <= own.get(z, 0))
    for t, terms in borrowed.items():
        m.Add(sum(terms) <= pool)
    m.Minimize(sum(cost))
    solver = _solver(seed, time_limit)
    if start is not None:
        # the starting intervals, completed: every variable's value as a hint, so the search starts from a plan
        fix = m.NewBoolVar("start")
        for z, p in plans.items():
            for u in p.units:
                for c in dict.fromkeys(allowed[z] + list(p.intervals)):
                    if (u, c) in choice:
                        m.Add(choice[(u, c)] == int(c == start[z].interval_of(u))).OnlyEnforceIf(fix)
        m.AddAssumptions([fix])
        first = _solver(seed, time_limit)
        found = first.Solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        m.ClearAssumptions()
        if found:
            m.ClearHints()
            for v in _variables(m):
                m.AddHint(v, first.Value(v))
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = {}
    for z, p in plans.items():
        intervals = tuple(next(c for c in allowed[z] + list(p.intervals) if (u, c) in choice
                               and solver.BooleanValue(choice[(u, c)])) for u in p.units)
        out[z] = replace(p, intervals=intervals)
    return out, int(round(solver.ObjectiveValue()))
