"""Who may be tested where: walk-in jobs, the units within walking distance, and a least-walking assignment.

Grids are the jobs (weight = walk-in people, cost = people × metres
walked), units the agents.  A grid stays whole — so households never split —
unless it alone is bigger than any unit it can reach can take; then it is cut
into consecutive household ranges and the plan says so
(:func:`reachable_jobs`).  Special-needs people are not walk-ins: they go to
home-visit teams (see :mod:`natplan.routing.home`).

The plan decides the grids' units together with the groups' stays
(:mod:`natplan.scheduler.joint`, which builds on :func:`reachable_jobs` and
explains grids out of reach).  :func:`assign` remains the least-walking
assignment alone, within each unit's capacity when its desks work all day
(the GAP engine, :mod:`natplan.scheduler.gap`, gives the objective, a lower
bound and the gap): with default ``targets`` each unit first gets a
*balanced* capacity, at most 30 % above its fair share of the town.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import Assignment, Explanation, GridPart, SolverStats
from natplan.models.scenario import Role, Scenario
from natplan.routing.network import haversine_m, neighbours_within
from natplan.scheduler.gap import GapData, solve_gap

BALANCE = 1.3  # a unit's balanced capacity: this times its fair share
BALANCE_STEPS = (BALANCE, 1.6, 2.0)  # tried in turn when the one before leaves someone without a unit


@dataclass(frozen=True)
class Job:
    """A grid, or one household range of a grid, to be sent to one unit."""

    grid: str
    part: int
    parts: int
    households: tuple[int, int]
    people: int
    lon: float
    lat: float


def break_fraction(s: Scenario) -> float:
    """Share of a worker's time spent changing gear or eating, in a day of the round's length."""
    p = s.parameters
    length = p.deadline - p.start
    changes = max(0, math.ceil(length / p.gear_change_interval_min) - 1)
    return min(0.5, (changes * p.gear_change_min + p.meal_break_min) / max(1, length))


def typical_samplers(s: Scenario) -> int:
    """Samplers of a median group (the group that will staff a unit is not known yet)."""
    counts = sorted(g.count(Role.sampler) for g in s.groups)
    return counts[len(counts) // 2]


def active_desks(desks: int, samplers: int, breaks: float) -> float:
    """Desks that can swab at once when samplers rotate through gear changes and meals.

    Spare samplers cover breaks; without spares the breaks cost desk time.

    >>> active_desks(3, 6, 0.125)
    3
    >>> active_desks(4, 4, 0.125)
    3.5
    """
    return min(desks, samplers * (1 - breaks)) if samplers * (1 - breaks) < desks else desks


def unit_rates(s: Scenario, samplers: int | None = None) -> dict[str, float]:
    """People per hour each unit samples when staffed by a group of ``samplers``."""
    samplers = typical_samplers(s) if samplers is None else samplers
    b = break_fraction(s)
    tp = s.parameters.throughput_per_desk_per_hour
    return {u.id: tp * active_desks(u.desks, samplers, b) for u in s.units}


def walk_in_jobs(s: Scenario, max_part: dict[str, int] | None = None) -> list[Job]:
    """Grids as jobs, their special-needs people removed, cut where ``max_part`` says."""
    special = Counter(p.grid for p in s.special_needs)
    jobs = []
    for g in s.grids():
        people = g.people - special[g.id]
        if people <= 0:
            continue
        limit = (max_part or {}).get(g.id)
        parts = 1 if not limit or people <= limit else math.ceil(people / limit)
        hh = max(1, g.households)
        cut_people = np.diff(np.round(np.linspace(0, people, parts + 1)).astype(int))
        cut_hh = np.round(np.linspace(0, hh, parts + 1)).astype(int)
        for k in range(parts):
            jobs.append(Job(g.id, k + 1, parts, (int(cut_hh[k]) + 1, int(max(cut_hh[k] + 1, cut_hh[k + 1]))),
                            int(cut_people[k]), g.location.lon, g.location.lat))
    return jobs


def reachable_jobs(s: Scenario, capacity: dict[str, int]):
    """The walk-in jobs and their arcs within walking distance: ``(jobs, job of arc, unit of arc, metres, notes)``.

    A grid bigger than every unit it can reach can take (``capacity`` by unit id) is cut into household ranges
    that fit, and a note says so.
    """
    jobs = walk_in_jobs(s)
    a, b, d = _arcs(s, jobs)
    reach_cap: dict[str, int] = {}
    for ja, ub in zip(a.tolist(), b.tolist()):
        g = jobs[ja].grid
        reach_cap[g] = max(reach_cap.get(g, 0), capacity[s.units[ub].id])
    too_big = {j.grid: reach_cap[j.grid] for j in jobs if j.grid in reach_cap and j.people > reach_cap[j.grid] > 0}
    notes = []
    if too_big:
        jobs = walk_in_jobs(s, too_big)
        a, b, d = _arcs(s, jobs)
        for g, cap in sorted(too_big.items()):
            parts = sum(1 for j in jobs if j.grid == g)
            notes.append(f"grid {g} is bigger than any unit within reach can take ({cap} people); "
                         f"it is split into {parts} household ranges")
    return jobs, a, b, d, notes


@dataclass(frozen=True)
class AssignResult:
    assignment: Assignment | None
    problems: list[Explanation]
    capacity: dict[str, int]


def _arcs(s: Scenario, jobs: list[Job]):
    p = s.parameters
    lon = np.array([j.lon for j in jobs])
    lat = np.array([j.lat for j in jobs])
    ulon = np.array([u.location.lon for u in s.units])
    ulat = np.array([u.location.lat for u in s.units])
    nb = neighbours_within(lon, lat, ulon, ulat, p.max_walk_m, p.detour_factor)
    grid_of = {g.id: g for g in s.grids()}
    allowed = {i: set(u.allowed_grids) for i, u in enumerate(s.units) if u.allowed_grids is not None}
    unit_index = {u.id: i for i, u in enumerate(s.units)}
    keep = []
    for k, (a, b) in enumerate(zip(nb.a, nb.b)):
        job = jobs[a]
        pin = grid_of[job.grid].pinned_unit
        if pin is not None and unit_index[pin] != b:
            continue
        if b in allowed and job.grid not in allowed[b]:
            continue
        keep.append(k)
    keep = np.array(keep, dtype=np.int64)
    a, b, d = nb.a[keep], nb.b[keep], nb.metres[keep]
    # A pinned grid goes to its unit however far it is.
    have = set(a.tolist())
    extra = [(k, unit_index[grid_of[j.grid].pinned_unit]) for k, j in enumerate(jobs)
             if grid_of[j.grid].pinned_unit is not None and k not in have]
    if extra:
        ea = np.array([k for k, _ in extra])
        eb = np.array([u for _, u in extra])
        ed = haversine_m(lon[ea], lat[ea], ulon[eb], ulat[eb]) * p.detour_factor
        a, b, d = np.concatenate([a, ea]), np.concatenate([b, eb]), np.concatenate([d, ed])
    return a, b, d


def assign(s: Scenario, time_limit: float = 5.0, seed: int | None = None,
           targets: dict[str, int] | None = None) -> AssignResult:
    """Send every walk-in person to one unit at least total walking, units evenly loaded.

    Parameters
    ----------
    s
        A validated scenario.
    time_limit
        Work budget of the GAP engine (deterministic units, about seconds).
    seed
        Defaults to the scenario's seed.
    targets
        People each unit should take at most, to even the load (default: 1.3 times
        its fair share of the town); units not named keep their full capacity.
        Ignored, with ``balanced=False``, if no assignment can keep them.

    Returns
    -------
    AssignResult
        ``assignment`` is None when some people cannot be placed; then
        ``problems`` says which grids, why, and what would fix it.
    """
    seed = s.parameters.seed if seed is None else seed
    rates = unit_rates(s)
    setup = s.parameters.setup_min
    capacity = {}
    for u in s.units:
        lo, hi = s.unit_window(u)
        capacity[u.id] = int(rates[u.id] * max(0, hi - lo - setup) / 60)

    jobs, a, b, d, notes = reachable_jobs(s, capacity)
    problems = _unreachable(s, jobs, a)
    if problems:
        return AssignResult(None, problems, capacity)

    total = sum(j.people for j in jobs)
    total_rate = sum(rates.values())
    units = [u.id for u in s.units]
    weights = np.array([jobs[k].people for k in a], dtype=np.int64)
    cost = np.round(weights * d).astype(np.int64)

    def run(cap):
        data = GapData(n_jobs=len(jobs), n_agents=len(units), arc_job=a.astype(np.int64),
                       arc_agent=b.astype(np.int64), arc_cost=cost, arc_weight=weights,
                       capacity=np.array([cap[uid] for uid in units], dtype=np.int64))
        return solve_gap(data, time_limit=time_limit, seed=seed, workers=1, deterministic=True)

    # Targets given: keep them if any assignment can.  None: 1.3 times each unit's fair share, and if the
    # geography does not allow that (people far from all but a few units), 1.6 and then 2 times.
    tries = [targets] if targets is not None else [
        {uid: math.ceil(f * total * rates[uid] / total_rate) for uid in capacity} for f in BALANCE_STEPS]
    res, balanced = None, False
    for goal in tries:
        res = run({uid: min(capacity[uid], goal.get(uid, capacity[uid])) for uid in capacity})
        if res.feasible:
            balanced = True
            break
    if not res.feasible:
        res = run(capacity)
    if not res.feasible:
        return AssignResult(None, _overfull(s, jobs, a, b, d, res.assignment, capacity, rates), capacity)

    dist = {(int(x), int(y)): float(z) for x, y, z in zip(a, b, d)}
    parts = [GridPart(grid=j.grid, part=j.part, parts=j.parts, households=j.households, people=j.people,
                      unit=units[int(res.assignment[k])], distance_m=round(dist[(k, int(res.assignment[k]))], 1))
             for k, j in enumerate(jobs)]
    stats = SolverStats(objective=float(res.objective), bound=float(res.bound), gap=float(res.gap),
                        method=res.method, optimal=bool(res.optimal))
    problems = [Explanation(where=n.split()[1], problem=n, fix="") for n in notes]
    return AssignResult(Assignment(parts=parts, stats=stats, balanced=balanced), problems, capacity)


def _ranges(ids: list[str]) -> str:
    """``["G112", "G113", "G114", "G118"]`` → ``G112–G114, G118``."""
    out, run = [], []
    for g in ids:
        num = int("".join(c for c in g if c.isdigit()) or -1)
        if run and num == run[-1][1] + 1 and g.rstrip("0123456789") == run[-1][0].rstrip("0123456789"):
            run.append((g, num))
        else:
            if run:
                out.append(run)
            run = [(g, num)]
    if run:
        out.append(run)
    return ", ".join(r[0][0] if len(r) == 1 else f"{r[0][0]}–{r[-1][0]}" for r in out)


def _unreachable(s: Scenario, jobs: list[Job], a: np.ndarray) -> list[Explanation]:
    """Grids with no unit within walking distance."""
    reached = set(a.tolist())
    lost = sorted({jobs[k].grid for k in range(len(jobs)) if k not in reached})
    if not lost:
        return []
    ulon = np.array([u.location.lon for u in s.units])
    ulat = np.array([u.location.lat for u in s.units])
    grid_of = {g.id: g for g in s.grids()}
    fixes = []
    for g in lost[:5]:
        gg = grid_of[g]
        dd = haversine_m(gg.location.lon, gg.location.lat, ulon, ulat) * s.parameters.detour_factor
        k = int(np.argmin(dd))
        fixes.append(f"{g} → {s.units[k].id} {s.units[k].name} is {dd[k] / 1000:.1f} km")
    km = s.parameters.max_walk_m / 1000
    return [Explanation(
        where=_ranges(lost),
        problem=(f"grids {_ranges(lost)} are" if len(lost) > 1 else f"grid {lost[0]} is")
        + f" more than {km:g} km from any unit that may take them",
        fix=f"open a unit nearer, raise parameters.max_walk_m, or pin the grids to a unit ({'; '.join(fixes)})",
    )]


def _overfull(s, jobs, a, b, d, placed, capacity, rates) -> list[Explanation]:
    """Explain people who could not be placed: which units are full and what would free room."""
    units = [u.id for u in s.units]
    name = {u.id: u.name for u in s.units}
    lost = [k for k in range(len(jobs)) if placed[k] < 0]
    out = []
    short_by_unit: dict[str, int] = {}
    for k in lost:
        cand = [(d[i], units[b[i]]) for i in np.nonzero(a == k)[0]]
        cand.sort()
        nearest = cand[0][1]
        short_by_unit[nearest] = short_by_unit.get(nearest, 0) + jobs[k].people
    tp = s.parameters.throughput_per_desk_per_hour
    for uid, people in sorted(short_by_unit.items(), key=lambda x: -x[1]):
        lo, hi = s.unit_window(next(u for u in s.units if u.id == uid))
        hours = people / tp
        desks = math.ceil(people / (tp * max(1, hi - lo - s.parameters.setup_min) / 60))
        more_min = math.ceil(people / rates[uid] * 60)
        grids = _ranges(sorted({jobs[k].grid for k in lost if any(units[b[i]] == uid for i in np.nonzero(a == k)[0])}))
        out.append(Explanation(
            where=uid,
            problem=f"{uid} {name[uid]} and the units near it are full: {people} people of grids {grids} "
                    f"have no room ({hours:.1f} more desk-hours needed)",
            fix=f"add {desks} desk(s) at {uid}, or open it {more_min} min longer, or open another unit nearby",
        ))
    return out
