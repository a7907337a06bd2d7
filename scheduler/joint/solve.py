"""The joint method end to end: bound, start, search, grids, minutes.

:func:`plan_joint`:

1. the instance (:mod:`.data`), or the grids out of reach, explained;
2. the lower bound and the days it needs (:mod:`.bound`); a round that needs
   more days than ``round_days`` is planned over the days it needs (the
   caller says it is late, and why);
3. a staffing pattern (which groups work which units, in which order):

   - a small town is solved exactly: every pattern, every way to send its
     grids, timed along each group's day (:func:`_exhaustive`);
   - otherwise list scheduling on the bound's loads (:mod:`.construct`),
     improved by the large-neighbourhood search over patterns, each timed by
     its linear program (:mod:`.search`, :mod:`.timing`);

4. whole grids for the pattern: the LP's least walking rounded, then moves
   and swaps of grids timed along each group's day (:mod:`.grids`; with
   relays, by the LP), the earliest finish first, then the least walking;
5. minute by minute (:mod:`.realise`): rosters, rates, slots, unit days.

An incumbent (visits of a plan known to fit, say with one group fewer) is
realised too and kept when it finishes earlier, so a comparison never shows
a plan with more resources finishing later because of the search's budget.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, SolverStats, Visit
from natplan.models.scenario import Scenario
from natplan.scheduler.gap import GapData, solve_gap
from natplan.scheduler.joint.bound import MAX_DAYS, JointBound, joint_bound
from natplan.scheduler.joint.construct import construct, round_flows
from natplan.scheduler.joint.data import JointData, duty_cap, joint_data, rates
from natplan.scheduler.joint.grids import Chains, improve, simple
from natplan.scheduler.joint.realise import Realised, realise
from natplan.scheduler.joint.search import enumerate_patterns, search
from natplan.scheduler.joint.structure import StayPlan, Structure, mark_up
from natplan.scheduler.joint.timing import Pattern, Timing, earlier_days_capacity, time_pattern
from natplan.scheduler.labour import DAY

EVALS_PER_SECOND = 250  # LP solves of the search per unit of budget (the budget is deterministic work)
REPAIR_EVALS = 60
GRID_EVALS = 40_000  # timings of the grid search per unit of budget
EXHAUSTIVE_ASSIGNMENTS = 20_000  # a small town's grids are tried every way up to this many
METHOD = "joint: LP bound (GLOP); staffing patterns searched, each timed by its LP; whole grids moved along each group's day"


@dataclass(frozen=True)
class JointResult:
    """A realised joint plan, or why there is none."""

    realised: Realised | None
    data: JointData | None
    bound: JointBound | None
    stats: SolverStats | None
    problems: list[Explanation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    days: int = 1
    walk_bound: float = 0.0  # least person-metres of the chosen staffing at this finish (its LP)


def plan_joint(s: Scenario, time_limit: float, seed: int, incumbent: list[Visit] | None = None) -> JointResult:
    """Plan who goes where and who works where and when, together, for the earliest finish, then least walking.

    Parameters
    ----------
    s
        The scenario.
    time_limit
        Work budget (about seconds): the search gets ``EVALS_PER_SECOND`` LP solves per unit.
    seed
        Orders the search's moves.
    incumbent
        Visits of a plan known to fit, kept when they finish earlier.

    Returns
    -------
    JointResult
        The realised plan with the bound and the solver's figures, or the problems.
    """
    data, problems = joint_data(s)
    if data is None:
        return JointResult(None, None, None, None, problems)
    bound = joint_bound(data)
    if bound is None:
        return JointResult(None, data, None, None, [Explanation(
            where="town", problem=f"the people cannot be sampled within {MAX_DAYS} days with these groups, desks "
                                  "and rules",
            fix="add groups, samplers or desks", code="days_max", params={})])
    days = bound.days
    day_start = data.rules.day_start(days - 1)
    rate = rates(data, max(1, bound.finish - day_start), bound.finish)
    start = construct(data, bound, rate)
    chosen = _pattern_of(data, start, days)
    patterns = enumerate_patterns(data, days)
    exact = _exhaustive(data, patterns, rate, days) if patterns is not None else None
    exhaustive = exact is not None
    candidates = []
    if exact is not None:
        chosen, structure = exact
        candidates.append(realise(data, structure))
    else:
        found = _searched(data, chosen, rate, days, seed, time_limit)
        if found is not None:
            chosen, structure = found
            candidates.append(realise(data, structure))
    if days > 1 and not any(c.unserved == 0 for c in candidates):
        # one unit a group for every day does not reach every grid: each day planned as a round of its own
        split = _day_by_day(data, days, seed, time_limit)
        if split is not None:
            candidates.append(realise(data, split))
    if not candidates:
        candidates.append(realise(data, start))
    if incumbent:
        inc = _from_visits(data, incumbent)
        if inc is not None:
            candidates.append(inc)
    best = min(candidates, key=lambda c: (c.unserved > 0, c.finish, _walk(c)))
    walk_bound = 0.0
    least = time_pattern(data, chosen, rate, days)
    if least is not None:
        lp = time_pattern(data, chosen, rate, days, walking=True, slack=max(0.0, best.finish - least.finish))
        walk_bound = lp.walking if lp is not None else 0.0
    stats = SolverStats(objective=float(best.finish), bound=float(bound.finish),
                        gap=max(0.0, (best.finish - bound.finish) / max(1, best.finish - s.parameters.start)),
                        method=METHOD if not exhaustive else "joint: every staffing pattern and every assignment of whole grids tried",
                        optimal=exhaustive and best.finish <= bound.finish)
    problems = list(best.problems)
    for unit, close, left in best.shut:  # the unit's own hours end before its people are sampled
        day = data.rules.day_of(close)
        at = {"unit": unit, "close": hm(close - DAY * day), "day": str(day + 1), "left": str(left)}
        problems.append(Explanation(
            where=unit, problem=f"unit {unit} closes at {at['close']} on day {day + 1} (its own hours), and {left} "
                                "of the people sent there are not sampled by then", code="unit_closes",
            fix=f"let {unit} stay open later (units[].close), add groups or desks, or allow more days "
                "(parameters.round_days)", params=at))
    if best.unserved > sum(left for _, _, left in best.shut):
        problems.append(Explanation(where="town", problem=f"{best.unserved} people are left without a group to "
                                    "sample them by any staffing the search found",
                                    fix="add groups, or raise --time-limit", code="people_left",
                                    params={"left": str(best.unserved)}))
    return JointResult(best, data, bound, stats, problems, list(data.notes), days, walk_bound)


def _searched(data: JointData, pattern: Pattern, rate: np.ndarray, days: int, seed: int,
              time_limit: float) -> tuple[Pattern, Structure] | None:
    """The search from ``pattern`` and whole grids for the pattern it finds, or None when ``pattern`` cannot be
    timed (it leaves grids without a staffed unit in reach)."""
    if time_pattern(data, pattern, rate, days) is None:
        return None
    found = search(data, pattern, rate, days, budget=max(20, int(EVALS_PER_SECOND * time_limit)), seed=seed)
    structure = _whole_grids(data, found.pattern, rate, days, seed, time_limit)
    return None if structure is None else (found.pattern, structure)


def _day_by_day(data: JointData, days: int, seed: int, time_limit: float) -> Structure | None:
    """A round of several days as that many rounds of a day: the grids dealt out so that each day has about
    the same people (largest first, to the day with fewest), each day planned on its own (groups may move
    between units within a day).  None when a day's share does not fit one day."""
    people = data.people
    load = [0] * days
    day_of = np.zeros(len(data.jobs), dtype=np.int64)
    for j in sorted(range(len(data.jobs)), key=lambda j: (-int(people[j]), j)):
        d = int(np.argmin(load))
        day_of[j], load[d] = d, load[d] + int(people[j])
    unit_of = np.full(len(data.jobs), -1, dtype=np.int64)
    stays: list[StayPlan] = []
    for d in range(days):
        idx = np.flatnonzero(day_of == d)
        keep = np.isin(data.arc_job, idx)
        renumber = {int(j): k for k, j in enumerate(idx)}
        sub = replace(data, jobs=tuple(data.jobs[j] for j in idx),
                      arc_job=np.array([renumber[int(j)] for j in data.arc_job[keep]], dtype=np.int64),
                      arc_unit=data.arc_unit[keep], arc_m=data.arc_m[keep])
        b = joint_bound(sub)
        if b is None or b.days > 1:
            return None
        rate = rates(sub, max(1, b.finish - data.rules.start), b.finish)
        first = construct(sub, b, rate)
        found = _searched(sub, _pattern_of(sub, first, 1), rate, 1, seed, time_limit / days)
        structure = found[1] if found is not None else first
        unit_of[idx] = structure.unit_of
        stays += [replace(st, arrive=st.arrive + DAY * d, close=st.close + DAY * d) for st in structure.stays]
    last = {}
    for st in stays:
        last[st.unit] = max(last.get(st.unit, -1), data.rules.day_of(st.arrive))
    stays = [replace(st, until_done=st.until_done and data.rules.day_of(st.arrive) == last[st.unit]) for st in stays]
    return Structure(tuple(sorted(stays, key=lambda x: (x.arrive, x.group))), unit_of)


def _exhaustive(data: JointData, patterns: list[Pattern], rate: np.ndarray, days: int) -> tuple[Pattern, Structure] | None:
    """A small town solved exactly: every pattern with one group a unit, every way to send the grids to its
    staffed units, each timed along the groups' days (:class:`~natplan.scheduler.joint.grids.Chains`); the
    earliest finish, then the least walking.  None when a pattern or the assignments are too many."""
    people = data.people.astype(float)
    metres = {(int(j), int(u)): float(m) for j, u, m in zip(data.arc_job, data.arc_unit, data.arc_m)}
    best = None
    for pattern in patterns:
        if not simple(pattern, days):
            continue
        staffed = {u for seq in pattern for u in seq}
        options = [[u for (jj, u) in metres if jj == j and u in staffed] for j in range(len(data.jobs))]
        if any(not o for o in options):
            continue
        if math.prod(len(o) for o in options) > EXHAUSTIVE_ASSIGNMENTS:
            return None
        chains = Chains(data, pattern, rate, days)
        for choice in itertools.product(*options):
            unit_of = np.array(choice, dtype=np.int64)
            loads = np.bincount(unit_of, weights=people, minlength=data.n_units)
            if any(loads[u] <= 0 for u in staffed):
                continue  # the same as the pattern without that unit
            finish = float(chains.finishes(loads).max())
            walk = sum(people[j] * metres[(j, int(u))] for j, u in enumerate(choice))
            key = (round(finish, 6), round(walk, 3))
            if best is None or key < best[0]:
                best = (key, pattern, unit_of, chains.stays(loads))
    if best is None:
        return None
    return best[1], _with_days(data, best[3], best[2], days)


def _walk(r: Realised) -> float:
    return sum(p.people * p.distance_m for p in r.parts)


def _pattern_of(data: JointData, structure: Structure, days: int) -> Pattern:
    """Each group's units in the order of its (last day's) stays."""
    last = data.rules.day_start(days - 1)
    seqs: list[list[int]] = [[] for _ in range(data.n_groups)]
    for st in sorted(structure.stays, key=lambda x: (x.arrive, x.group)):
        if st.arrive >= last and st.unit not in seqs[st.group]:
            seqs[st.group].append(st.unit)
    return tuple(tuple(x) for x in seqs)


def _whole_grids(data: JointData, pattern: Pattern, rate: np.ndarray, days: int, seed: int,
                 time_limit: float) -> Structure | None:
    """Whole grids for a pattern: the LP's least walking near its finish, rounded, then improved by moving and
    swapping grids (:func:`~natplan.scheduler.joint.grids.improve`; with relays, by the LP)."""
    timed = time_pattern(data, pattern, rate, days, walking=True, slack=1.0)
    if timed is None:
        return None
    staffed = np.zeros(data.n_units, dtype=bool)
    staffed[[u for seq in pattern for u in seq]] = True
    unit_of = round_flows(data, timed.flows, staffed)
    if simple(pattern, days):
        chains = Chains(data, pattern, rate, days)
        unit_of = improve(chains, unit_of, max_evals=max(2000, int(GRID_EVALS * time_limit)))
        loads = np.bincount(unit_of, weights=data.people, minlength=data.n_units)
        return _with_days(data, chains.stays(loads), unit_of, days)
    fixed = time_pattern(data, pattern, rate, days, loads=np.bincount(unit_of, weights=data.people,
                                                                        minlength=data.n_units))
    if fixed is None:
        return None
    unit_of, fixed = _repair(data, pattern, rate, days, unit_of, fixed)
    return _structure(data, fixed, unit_of, days)


def _repair(data: JointData, pattern: Pattern, rate: np.ndarray, days: int, unit_of: np.ndarray,
            fixed: Timing) -> tuple[np.ndarray, Timing]:
    """Move single grids off the units that close last while the finish improves (within a budget)."""
    evals = 0
    people = data.people
    while evals < REPAIR_EVALS:
        late = {st.unit for st in fixed.stays if st.close >= fixed.finish - 0.5}
        staffed = {u for seq in pattern for u in seq}
        best = None
        for j in np.flatnonzero(np.isin(unit_of, list(late))).tolist():
            for i in np.flatnonzero(data.arc_job == j).tolist():
                v = int(data.arc_unit[i])
                if v == unit_of[j] or v not in staffed or v in late:
                    continue
                trial = unit_of.copy()
                trial[j] = v
                t = time_pattern(data, pattern, rate, days,
                                 loads=np.bincount(trial, weights=people, minlength=data.n_units))
                evals += 1
                if t is not None and t.finish < fixed.finish - 0.5 and (best is None or t.finish < best[1].finish):
                    best = (trial, t)
                if evals >= REPAIR_EVALS:
                    break
            if evals >= REPAIR_EVALS:
                break
        if best is None:
            break
        unit_of, fixed = best
    return unit_of, fixed


def _structure(data: JointData, timed: Timing, unit_of: np.ndarray, days: int) -> Structure:
    """Stays in whole minutes from a timing, doors on a 10-minute mark."""
    r = data.rules
    S = data.setup
    stays = []
    free = {}
    for st in sorted(timed.stays, key=lambda x: (x.arrive, x.group)):
        arrive = mark_up(math.ceil(st.arrive - 1e-6), S)
        if st.group in free:
            prev_unit, prev_close = free[st.group]
            arrive = max(arrive, mark_up(prev_close + int(data.travel[prev_unit + 1, st.unit + 1]), S))
        close = max(math.ceil(st.close - 1e-6), arrive + max(S + 1, r.min_stint))
        stays.append(StayPlan(st.group, st.unit, arrive, close))
        free[st.group] = (st.unit, close)
    return _with_days(data, stays, unit_of, days)


def _with_days(data: JointData, last: list[StayPlan], unit_of: np.ndarray, days: int) -> Structure:
    """The last day's stays (the last group at each unit staying until done), and in a round of several days
    each post worked whole days before."""
    r = data.rules
    close = {}
    for st in last:
        close[st.unit] = max(close.get(st.unit, 0), st.close)
    stays = [StayPlan(st.group, st.unit, st.arrive, st.close, until_done=st.close >= close[st.unit] - 1)
             for st in last]
    for d in range(days - 1):
        for st in last:
            arrive = mark_up(data.first_arrival(st.group, st.unit, d), data.setup)
            leave = arrive - int(data.travel[data.home[st.group], st.unit + 1])
            end = min(int(data.hi[st.unit]) + DAY * d, leave + duty_cap(r, r.day_start(d)))
            stays.append(StayPlan(st.group, st.unit, arrive, end, until_done=False))
    return Structure(tuple(sorted(stays, key=lambda x: (x.arrive, x.group))), unit_of)


def _from_visits(data: JointData, visits: list[Visit]) -> Realised | None:
    """An incumbent's visits realised with grids placed by the GAP in their capacities, or None when they do
    not fit this round (an unknown group or unit, or grids left without room)."""
    gid = {g.id: k for k, g in enumerate(data.scenario.groups)}
    uid = {u.id: i for i, u in enumerate(data.scenario.units)}
    if any(v.group not in gid or v.unit not in uid for v in visits):
        return None
    stays = [StayPlan(gid[v.group], uid[v.unit], v.arrive, v.close) for v in visits]
    last = {}
    for st in stays:
        last[st.unit] = max(last.get(st.unit, 0), st.close)
    stays = [StayPlan(st.group, st.unit, st.arrive, st.close, st.close >= last[st.unit]) for st in stays]
    rate = rates(data, max(1, max(st.close for st in stays) - data.rules.start), max(st.close for st in stays))
    cap = np.zeros(data.n_units)
    for st in stays:
        cap[st.unit] += rate[st.group, st.unit] * max(0, st.close - st.arrive - data.setup) / 60
    keep = cap[data.arc_unit] > 0
    a, b = data.arc_job[keep], data.arc_unit[keep]
    if len(set(a.tolist())) < len(data.jobs):
        return None
    w = data.people[a]
    res = solve_gap(GapData(len(data.jobs), data.n_units, a, b, np.round(w * data.arc_m[keep]).astype(np.int64), w,
                            np.floor(cap).astype(np.int64)), time_limit=0.2, seed=0, workers=1, deterministic=True)
    if not res.feasible:
        return None
    return realise(data, Structure(tuple(stays), np.asarray(res.assignment, dtype=np.int64)))
