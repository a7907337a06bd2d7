"""Which group staffs which unit, when; each person's timed roster.

Home-visit teams for the special-needs list are sized and routed in
:mod:`natplan.routing.home`.

CP-SAT interval scheduling: each unit with people gets exactly one group,
as an optional interval per (unit, group) whose length is set-up plus the
time that group's samplers need for the unit's people, preceded by a travel
allowance (the longest van trip into that unit); a group's intervals do not
overlap; the objective is the latest closing time, then the sum of closing
times.  A group's
samplers rotate through gear changes and meals so the unit never closes
(the lost desk time is already in the rate, see
:func:`natplan.scheduler.assign.active_desks`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from natplan.models.plan import Explanation, Shift, SolverStats, Staffing, Visit
from natplan.models.scenario import Role, Scenario
from natplan.routing.network import van_minutes
from natplan.scheduler.assign import active_desks, break_fraction

HORIZON_SLACK = 24 * 60
OPEN_GRID_MIN = 10  # doors open on a 10-minute mark, so slots read 08:10–08:40, not 08:07–08:37


def group_rate(s: Scenario, unit_desks: int, samplers: int) -> float:
    """People per hour a group with ``samplers`` samples at a unit with ``unit_desks``."""
    return s.parameters.throughput_per_desk_per_hour * active_desks(unit_desks, samplers, break_fraction(s))


@dataclass(frozen=True)
class StaffResult:
    staffing: Staffing | None
    problems: list[Explanation]
    rate: dict[str, float]  # unit → people per hour of the group that staffs it


def _van_minutes(s: Scenario, lon, lat) -> np.ndarray:
    return np.ceil(van_minutes(s, lon, lat)).astype(int)


def staff(s: Scenario, load: dict[str, int], time_limit: float = 5.0, seed: int | None = None,
          incumbent: list[Visit] | None = None) -> StaffResult:
    """Put the groups on the units with people, the latest closing as early as possible.

    Parameters
    ----------
    s
        The scenario.
    load
        Walk-in people per unit (units with none stay closed).
    time_limit
        CP-SAT deterministic-time budget (about seconds).
    incumbent
        Visits of a plan known to fit (say, the same round with one group less): if
        they fit these loads and finish earlier than what the search finds, they are
        kept, so adding a group never makes the plan later.
    """
    seed = s.parameters.seed if seed is None else seed
    p = s.parameters
    groups = list(s.groups)
    # biggest units first: the symmetry breaking below then matches a longest-first start
    units = sorted((u for u in s.units if load.get(u.id, 0) > 0), key=lambda u: (-load[u.id] / u.desks, u.id))
    # places: 0 = the transfer station (groups gather there), then the units
    lon = [s.station.location.lon] + [u.location.lon for u in units]
    lat = [s.station.location.lat] + [u.location.lat for u in units]
    travel = _van_minutes(s, lon, lat)
    samplers = [g.count(Role.sampler) for g in groups]
    dur = np.zeros((len(units), len(groups)), dtype=int)
    for i, u in enumerate(units):
        for k, g in enumerate(groups):
            rate = group_rate(s, u.desks, samplers[k])
            # people arrive in whole slots, and the last slot's people are sampled by its end
            dur[i, k] = p.setup_min + p.slot_min * math.ceil(load[u.id] / rate * 60 / p.slot_min)
    horizon = p.deadline + HORIZON_SLACK

    m = cp_model.CpModel()
    start = [m.NewIntVar(0, horizon, f"start_{u.id}") for u in units]
    end = [m.NewIntVar(0, horizon, f"end_{u.id}") for u in units]
    # Travel allowance: the longest van trip into each unit from the station or any other unit.
    # Reserving it before each stay keeps every route feasible whatever the order, and keeps the
    # model small (no routing variables); the real travel is computed on the chosen order.
    allowance = travel[:, 1:].max(axis=0)
    pres = {}
    per_group = defaultdict(list)
    for i, u in enumerate(units):
        lo, hi = s.unit_window(u)
        # the group arrives for set-up before the doors open, no earlier than the window allows
        m.Add(start[i] >= max(lo - p.setup_min, p.start + int(travel[0, i + 1])))
        mark = m.NewIntVar(0, (horizon + p.setup_min) // OPEN_GRID_MIN, f"mark_{u.id}")
        m.Add(start[i] + p.setup_min == OPEN_GRID_MIN * mark)
        for k in range(len(groups)):
            pres[i, k] = m.NewBoolVar(f"x_{u.id}_{groups[k].id}")
            m.Add(end[i] == start[i] + int(dur[i, k])).OnlyEnforceIf(pres[i, k])
            block = m.NewOptionalIntervalVar(start[i] - int(allowance[i]), int(dur[i, k] + allowance[i]),
                                             end[i], pres[i, k], f"stay_{u.id}_{groups[k].id}")
            per_group[k].append(block)
        # each open unit has exactly one group
        m.AddExactlyOne(pres[i, k] for k in range(len(groups)))
    # groups with the same number of samplers are interchangeable: group k takes no unit before index k
    # among its kind (relabelling any plan by each group's first unit gives such a plan)
    kind_rank = {}
    for k in range(len(groups)):
        kind_rank[k] = sum(1 for kk in range(k) if samplers[kk] == samplers[k])
    for i in range(len(units)):
        for k in range(len(groups)):
            if kind_rank[k] > i:
                m.Add(pres[i, k] == 0)
    # a group is at one unit at a time (with its travel allowance)
    for k in range(len(groups)):
        m.AddNoOverlap(per_group[k])

    makespan = m.NewIntVar(0, horizon, "makespan")
    for i in range(len(units)):
        m.Add(makespan >= end[i])
    # latest closing first, then the sum of closing times (units finish early where they can)
    m.Minimize(makespan * 1000 + sum(end))

    # Hint: longest-processing-time list scheduling by group.
    # It is also a plan of its own: kept when the search finds none within its budget, or a worse one.
    free = [p.start] * len(groups)
    order = sorted(range(len(units)), key=lambda i: -dur[i].min())
    lpt = []
    for i in order:
        k = int(np.argmin([free[k] + allowance[i] + dur[i, k] for k in range(len(groups))]))
        st = max(free[k] + int(allowance[i]), s.unit_window(units[i])[0] - p.setup_min,
                 p.start + int(travel[0, i + 1]))
        st = -(-(st + p.setup_min) // OPEN_GRID_MIN) * OPEN_GRID_MIN - p.setup_min
        free[k] = st + int(dur[i, k])
        m.AddHint(start[i], st)
        m.AddHint(end[i], free[k])
        for kk in range(len(groups)):
            m.AddHint(pres[i, kk], kk == k)
        lpt.append(Visit(group=groups[k].id, unit=units[i].id, arrive=st, open=st + p.setup_min, close=free[k],
                         leave=free[k]))

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False  # Ctrl-C stops natplan, not just this search
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    status = solver.Solve(m)
    sampler_of = {g.id: samplers[k] for k, g in enumerate(groups)}
    desks = {u.id: u.desks for u in units}
    visits = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for i, u in enumerate(units):
            k = next(k for k in range(len(groups)) if solver.Value(pres[i, k]))
            st, en = solver.Value(start[i]), solver.Value(end[i])
            visits.append(Visit(group=groups[k].id, unit=u.id, arrive=st, open=st + p.setup_min, close=en, leave=en))
    # keep the best of the search, the list schedule and the incumbent (latest closing, then the sum)
    key = lambda vs: (max(v.close for v in vs), sum(v.close for v in vs))  # noqa: E731
    for other in (lpt, incumbent):
        if other and _fits(other, units, groups, dur, allowance, travel, s) and (not visits or key(other) < key(visits)):
            visits = list(other)
    if not visits:
        return StaffResult(None, [Explanation(where="town", problem="no staffing found within the time limit",
                                              fix="raise --time-limit or add groups")], {})
    visits.sort(key=lambda v: (v.group, v.arrive))
    rate = {v.unit: group_rate(s, desks[v.unit], sampler_of[v.group]) for v in visits}
    span = max(v.close for v in visits)
    # makespan lower bound: the longest single stay, and the total work spread over all groups
    shortest = [int(dur[i].min() + allowance[i]) for i in range(len(units))]
    earliest = [max(s.unit_window(u)[0] - p.setup_min, p.start + int(travel[0, i + 1])) for i, u in enumerate(units)]
    bound = max(max(e + int(dur[i].min()) for i, e in enumerate(earliest)),
                p.start + sum(shortest) / len(groups))
    stats = SolverStats(objective=float(span), bound=float(bound),
                        gap=max(0.0, (span - bound) / max(1, span - p.start)),
                        method="cp-sat optional intervals",
                        optimal=status == cp_model.OPTIMAL)
    problems = []
    if span > p.deadline:
        problems.extend(_late(s, visits, rate, load))
    place = {u.id: i + 1 for i, u in enumerate(units)}
    shifts = rosters(s, visits, travel, place)
    staffing = Staffing(visits=visits, shifts=shifts, home_teams=[], makespan=span, stats=stats)
    return StaffResult(staffing, problems, rate)


def _fits(visits: list[Visit], units, groups, dur, allowance, travel, s: Scenario) -> bool:
    """True when ``visits`` staff exactly these units, with these durations, without overlap."""
    index = {u.id: i for i, u in enumerate(units)}
    gindex = {g.id: k for k, g in enumerate(groups)}
    if sorted(v.unit for v in visits) != sorted(index) or any(v.group not in gindex for v in visits):
        return False
    by_group = defaultdict(list)
    for v in visits:
        i, k = index[v.unit], gindex[v.group]
        lo = max(s.unit_window(units[i])[0] - s.parameters.setup_min, s.parameters.start + int(travel[0, i + 1]))
        if v.close - v.arrive != dur[i, k] or v.arrive < lo:
            return False
        by_group[k].append((v.arrive - int(allowance[i]), v.close))
    return all(b[0] >= a[1] for spans in by_group.values() for a, b in zip(sorted(spans), sorted(spans)[1:]))


def _late(s: Scenario, visits: list[Visit], rate: dict[str, float], load: dict[str, int]) -> list[Explanation]:
    """Explain a plan that ends after the deadline, unit by unit, with the desk-hours missing."""
    from natplan.models.clock import format_clock as hm

    p = s.parameters
    name = {u.id: u.name for u in s.units}
    out = []
    for v in sorted(visits, key=lambda v: -v.close):
        if v.close <= p.deadline:
            break
        late = v.close - p.deadline
        people_late = late / 60 * rate[v.unit]
        desk_hours = people_late / p.throughput_per_desk_per_hour
        out.append(Explanation(
            where=v.unit,
            problem=f"{v.unit} {name[v.unit]} needs {desk_hours:.1f} more desk-hours between "
                    f"{hm(v.open)} and {hm(p.deadline)} (group {v.group} finishes at {hm(v.close)}, {late} min late)",
            fix=f"add a group, add {math.ceil(desk_hours / max(0.5, (p.deadline - v.open) / 60))} desk(s) at "
                f"{v.unit}, move some of its grids to a unit that closes earlier, or open {late} min longer",
        ))
    return out


def rosters(s: Scenario, visits: list[Visit], travel: np.ndarray, place: dict[str, int]) -> list[Shift]:
    """Each person's day: travel, set-up, work, with gear changes and a meal in rotation.

    Breaks of a role are staggered one after another so that at any moment
    at most one person of that role is away; a unit's desks never all stop.
    """
    p = s.parameters
    by_group = defaultdict(list)
    for v in visits:
        by_group[v.group].append(v)
    out: list[Shift] = []
    for g in s.groups:
        vs = sorted(by_group.get(g.id, []), key=lambda v: v.arrive)
        if not vs:
            continue
        blocks = []  # (unit, start, end, kind) for the whole group
        here = 0
        for v in vs:
            t = int(travel[here, place[v.unit]])
            if t > 0:
                blocks.append((None, v.arrive - t, v.arrive, "travel"))
            blocks.append((v.unit, v.arrive, v.open, "setup"))
            blocks.append((v.unit, v.open, v.close, "work"))
            here = place[v.unit]
        role_index: dict[Role, int] = defaultdict(int)
        role_away: dict[Role, list[tuple[int, int]]] = defaultdict(list)
        for member in g.members:
            idx = role_index[member.role]
            role_index[member.role] += 1
            breaks = _breaks(p, vs, idx, role_away[member.role])
            role_away[member.role] += [(a, b) for a, b, _ in breaks]
            for unit, a, b, kind in blocks:
                if kind != "work":
                    out.append(Shift(group=g.id, member=member.name, role=member.role.value, unit=unit,
                                     start=a, end=b, kind=kind))
                    continue
                t = a
                for ba, bb, bk in breaks:
                    if bb <= a or ba >= b:
                        continue
                    ba, bb = max(ba, a), min(bb, b)
                    if ba > t:
                        out.append(Shift(group=g.id, member=member.name, role=member.role.value, unit=unit,
                                         start=t, end=ba, kind="work"))
                    out.append(Shift(group=g.id, member=member.name, role=member.role.value, unit=unit,
                                     start=ba, end=bb, kind=bk))
                    t = bb
                if t < b:
                    out.append(Shift(group=g.id, member=member.name, role=member.role.value, unit=unit,
                                     start=t, end=b, kind="work"))
    return out


def _breaks(p, vs: list[Visit], idx: int, away: list[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """Gear changes every interval and one meal, offset by the person's place in their role.

    Wanted breaks are taken in time order; one that would overlap the one
    before, or a break of another person of the same role (``away``), waits
    for it; one that would end within 15 min of the day's end is dropped.
    """
    first, last = vs[0].open, vs[-1].close
    stagger = idx * (p.gear_change_min + 5)
    wanted = []
    t = first + p.gear_change_interval_min - p.gear_change_min - stagger
    while t + p.gear_change_min < last - 15:
        wanted.append((t, p.gear_change_min, "gear"))
        t += p.gear_change_interval_min
    if p.meal_break_min and last - first > 4 * 60:
        noon = max(first + 120, min(11 * 60 + 30, last - 120)) + idx * (p.meal_break_min + 5)
        wanted.append((noon, p.meal_break_min, "meal"))
    out: list[tuple[int, int, str]] = []
    free = first
    for t, length, kind in sorted(wanted):
        t = max(t, free)
        moved = True
        while moved:  # after every break of the others that it would overlap
            moved = False
            for a, b in away:
                if a < t + length + 5 and t < b + 5:
                    t, moved = b + 5, True
        if t + length > last - 15:
            continue
        out.append((t, t + length, kind))
        free = t + length + 5
    return out
