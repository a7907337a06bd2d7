"""What if: the same round with more or fewer groups, units, samplers, vehicles, desks…

``natplan compare`` plans a scenario once per combination of the varied
resources, in parallel processes (the scenario as JSON in, a frozen
:class:`VariantResult` with its plan out, so the answer never depends on the
number of workers), and tabulates
finish time, queues, sample age, walking and staff-hours side by side.
``natplan minimize`` finds the least amount of one resource with which the
round still meets the deadline, by bisection over the count.

The planner itself is not monotone in groups: with a time budget, the search
may find a later plan with one group more.  ``compare`` therefore plans such
a row again, starting from the smaller variant's staffing, so that its table
never shows more groups finishing later; ``minimize`` bisects as if the
planner were monotone and then checks the count just below its answer, and
says so when that one meets the deadline too.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from natplan.models.clock import format_clock, parse_clock
from natplan.models.loader import LoadedScenario
from natplan.models.plan import Plan, Visit
from natplan.models.scenario import Group, Member, Role, Scenario
from natplan.scheduler.budget import DEFAULT_TIME_LIMIT

if TYPE_CHECKING:
    from natplan.scheduler.pipeline import Outcome

VARY_KEYS = {
    "groups": "test groups",
    "units": "sampling units (the first N)",
    "samplers": "samplers per group",
    "vehicles": "transfer-station vehicles",
    "desks": "desks per unit",
    "slot": "arrival slot minutes",
    "pooling": "pooling ratio (5, 10, 20)",
    "deadline": "deadline HH:MM",
    "interval": "courier collection interval minutes (strict, with the vehicles it needs)",
    "max_walk_m": "farthest walk to a unit, metres",
}
VARY_MAX = {"groups": 5000, "units": 5000, "samplers": 90, "vehicles": 1000, "desks": 50, "slot": 240, "pooling": 20,
            "interval": 1440, "max_walk_m": 50_000}
"""The largest value of each key: the bounds of the scenario's fields (natplan.models.scenario)."""


def parse_vary(spec: str) -> tuple[str, list]:
    """``"groups=12..20"`` → ``("groups", [12, …, 20])``; ``"deadline=17:00,18:00"`` → minutes.

    Raises
    ------
    ValueError
        With a one-line message naming the bad part.
    """
    if "=" not in spec:
        raise ValueError(f"--vary {spec!r}: write KEY=VALUES, e.g. groups=12..20 or vehicles=4,6,8")
    key, values = (x.strip() for x in spec.split("=", 1))
    if key not in VARY_KEYS:
        raise ValueError(f"--vary {spec!r}: unknown key {key!r}; one of {', '.join(VARY_KEYS)}")
    out: list = []
    for item in values.split(","):
        item = item.strip()
        try:
            if key == "deadline":
                out.append(parse_clock(item))
            elif ".." in item:
                lo, hi = (int(x) for x in item.split(".."))
                if hi < lo:
                    raise ValueError
                out.extend(range(lo, min(hi, VARY_MAX.get(key, hi) + 1) + 1))  # past the bound: refused below
            else:
                out.append(int(item))
        except ValueError:
            raise ValueError(f"--vary {spec!r}: {item!r} is not a count, a range a..b or (deadline) HH:MM") from None
    if any(v <= 0 for v in out):
        raise ValueError(f"--vary {spec!r}: values must be positive")
    if key in VARY_MAX and max(out, default=0) > VARY_MAX[key]:
        raise ValueError(f"--vary {spec!r}: at most {VARY_MAX[key]:,} {VARY_KEYS[key]}")
    if key == "pooling" and any(v not in (5, 10, 20) for v in out):
        raise ValueError(f"--vary {spec!r}: the pooling ratio is 5, 10 or 20")
    return key, sorted(set(out))


def _members(group, samplers: int) -> list[Member]:
    others = [m for m in group.members if m.role != Role.sampler]
    have = [m for m in group.members if m.role == Role.sampler]
    extra = [Member(name=f"采样员{len(have) + k + 1}（{group.id}）", role=Role.sampler)
             for k in range(max(0, samplers - len(have)))]
    return others[:1] + (have + extra)[:samplers] + others[1:]


def apply_variant(s: Scenario, variant: dict) -> Scenario:
    """The scenario with the variant's resources (a new scenario; ``s`` is not changed)."""
    data = s.model_dump(mode="json")
    for key, value in variant.items():
        if key == "groups":
            groups = data["groups"]
            base = list(groups)
            while len(groups) < value:
                proto = base[len(groups) % len(base)]
                gid = f"T{len(groups) + 1:02d}R"  # R: a reinforcement group cloned from an existing one
                groups.append({**proto, "id": gid, "name": f"第{len(groups) + 1}检测组（增援）", "home": None,
                               "members": [{**m, "name": m["name"].replace(proto["id"], gid)} for m in proto["members"]]})
            data["groups"] = groups[:value]
        elif key == "units":
            keep = {u["id"] for u in data["units"][:value]}
            data["units"] = data["units"][:value]
            data["zones"] = [{**z, "units": [u for u in z["units"] if u in keep]} for z in data["zones"]]
            data["zones"] = [z for z in data["zones"] if z["units"]]
            for v in data["villages"]:
                for g in v["grids"]:
                    if g.get("pinned_unit") not in (None, *keep):
                        g["pinned_unit"] = None
            for g in data["groups"]:
                if g.get("home") not in (None, *keep):
                    g["home"] = None
        elif key == "samplers":
            data["groups"] = [{**gd, "members": [m.model_dump(mode="json") for m in _members(Group.model_validate(gd), value)]}
                              for gd in data["groups"]]
        elif key == "vehicles":
            data["station"]["vehicles"] = [{"id": f"V{i}", "name": f"应急车{i}", "capacity_boxes": 20}
                                           for i in range(1, value + 1)]
        elif key == "desks":
            for u in data["units"]:
                u["desks"] = value
        elif key == "slot":
            data["parameters"]["slot_min"] = value
        elif key == "pooling":
            data["parameters"]["pooling_ratio"] = value
        elif key == "deadline":
            data["parameters"]["deadline"] = format_clock(value)
        elif key == "interval":  # strict loops at this interval, with the vehicles they need (issue #15)
            for z in data["zones"]:
                z["interval_min"] = value
            data["fleet"] = {**data.get("fleet", {}), "longer_intervals": [], "add_missing_vehicles": True}
        elif key == "max_walk_m":
            data["parameters"]["max_walk_m"] = value
        else:
            raise ValueError(f"unknown variant key {key!r}")
    return Scenario.model_validate(data)


def variants(vary: list[tuple[str, list]]) -> list[dict]:
    """Every combination of the varied values, in a stable order."""
    keys = [k for k, _ in vary]
    return [dict(zip(keys, combo)) for combo in itertools.product(*[v for _, v in vary])]


@dataclass(frozen=True)
class Job:
    """One variant to plan: the scenario as JSON text and frozen models, so it crosses process boundaries."""

    scenario_json: str
    digest: str
    variant: dict[str, int]
    time_limit: float
    incumbent: tuple[Visit, ...] | None = None  # visits of a plan known to fit, to start the staffing from


@dataclass(frozen=True)
class VariantResult:
    """One variant of the round, planned: its resources, and its figures when it could be planned.

    Times are minutes since midnight; ``why`` says what breaks when the
    variant cannot be planned (then ``plan`` and the figures are None).
    """

    variant: dict[str, int]  # the varied values, in the order they were varied
    groups: int
    units: int
    samplers: int
    vehicles: int
    feasible: bool
    why: str = ""
    plan: Plan | None = None
    finish: int | None = None
    finish_ratio: float | None = None
    peak_queue: float | None = None
    worst_age: float | None = None
    walk_mean_m: float | None = None
    walk_max_m: float | None = None
    courier_vehicles: int | None = None
    staff_hours: float | None = None
    vehicles_used: int | None = None  # every vehicle the plan drives, shuttles included (extras too)
    vehicles_lacking: int | None = None  # of them, vehicles the town does not have (an interval variant)
    vehicles_available: int | None = None
    longest_interval: int | None = None  # the longest interval any unit is collected at
    peak_p95: float | None = None  # from simulation runs, when the caller adds them
    finish_p95: float | None = None


def run_job(job: Job) -> VariantResult:
    """Plan one variant.

    Parameters
    ----------
    job
        The variant, with the base scenario and the solver budget.

    Returns
    -------
    VariantResult
        Its figures and plan, or why it cannot be planned.
    """
    from natplan.scheduler.pipeline import plan_round

    s = apply_variant(Scenario.model_validate_json(job.scenario_json), job.variant)
    loaded = LoadedScenario(s, None, job.digest, None)
    incumbent = list(job.incumbent) if job.incumbent is not None else None
    return variant_result(s, job.variant, plan_round(loaded, time_limit=job.time_limit, staffing_incumbent=incumbent))


def variant_result(s: Scenario, variant: dict[str, int], out: Outcome) -> VariantResult:
    """The comparison row of one planned variant (an infeasible one says why).

    Parameters
    ----------
    s
        The variant's scenario.
    variant
        The varied values.
    out
        What :func:`natplan.scheduler.pipeline.plan_round` made of it.
    """
    resources = dict(variant=dict(variant), groups=len(s.groups), units=len(s.units),
                     samplers=sum(g.count(Role.sampler) for g in s.groups), vehicles=len(s.station.vehicles))
    if out.plan is None:
        return VariantResult(**resources, feasible=False, why="; ".join(e.problem for e in out.problems[:3]))
    k = out.plan.kpis
    staff_min = sum(x.end - x.start for x in out.plan.staffing.shifts if x.kind != "travel")
    return VariantResult(
        **resources, feasible=True, plan=out.plan,
        finish=k.finish, finish_ratio=k.finish_ratio, peak_queue=k.peak_queue, worst_age=k.worst_sample_age_min,
        walk_mean_m=k.walk_mean_m, walk_max_m=k.walk_max_m, courier_vehicles=k.courier_vehicles,
        staff_hours=round(staff_min / 60, 1), **fleet_figures(out.plan))


def fleet_figures(plan: Plan) -> dict:
    """The fleet columns of a comparison row: vehicles used (extras included) and lacking, the longest interval."""
    f = plan.routing.fleet
    if f is None:
        return {}
    return dict(vehicles_used=f.used + f.extra, vehicles_lacking=f.extra, vehicles_available=f.available,
                longest_interval=f.longest_interval_min)


def compare(loaded: LoadedScenario, vary: list[tuple[str, list]], workers: int | None = None,
            time_limit: float = DEFAULT_TIME_LIMIT,
            progress: Callable[[int, int], None] | None = None) -> list[VariantResult]:
    """Plan every variant (in parallel) and return one row per variant, in variant order.

    Rows where adding groups made the plan later are planned again with the
    smaller variant's staffing as an incumbent, so the table is monotone in
    groups whatever the search found.

    Parameters
    ----------
    loaded
        The base scenario.
    vary
        The varied resources, as :func:`parse_vary` gives them.
    workers
        Processes (default: one per core); the rows do not depend on it.
    time_limit
        Solver budget per stage and variant.
    progress
        ``progress(done, total)`` after each variant.

    Returns
    -------
    list[VariantResult]
        One per combination of :func:`variants`, in that order.
    """
    workers = workers or os.cpu_count() or 1
    todo = variants(vary)
    sj = loaded.scenario.model_dump_json()
    jobs = [Job(sj, loaded.digest, v, time_limit) for v in todo]
    rows = _run(jobs, workers, progress)
    if any(k == "groups" for k, _ in vary):
        key_of = lambda v: tuple((k, x) for k, x in sorted(v.items()) if k != "groups")  # noqa: E731
        for i, v in sorted(enumerate(todo), key=lambda iv: (key_of(iv[1]), iv[1]["groups"])):
            smaller = [j for j, w in enumerate(todo) if key_of(w) == key_of(v) and w["groups"] == v["groups"] - 1]
            if not smaller or not rows[smaller[0]].feasible:
                continue
            j = smaller[0]
            if not rows[i].feasible or rows[i].finish > rows[j].finish:
                visits = tuple(rows[j].plan.staffing.visits)
                rows[i] = run_job(Job(sj, loaded.digest, v, time_limit, visits))
    return rows


def _run(jobs: list[Job], workers: int, progress) -> list[VariantResult]:
    if workers <= 1 or len(jobs) <= 1:
        rows = []
        for n, job in enumerate(jobs, 1):
            rows.append(run_job(job))
            if progress:
                progress(n, len(jobs))
        return rows
    from concurrent.futures import as_completed

    from natplan.processes import stop_pool, worker_pool

    pool = worker_pool(max_workers=workers)
    try:
        rows = [None] * len(jobs)
        futures = {pool.submit(run_job, job): k for k, job in enumerate(jobs)}
        for n, fut in enumerate(as_completed(futures), 1):
            rows[futures[fut]] = fut.result()
            if progress:
                progress(n, len(jobs))
    finally:
        stop_pool(pool)
    return rows


@dataclass(frozen=True)
class Minimum:
    """The least count of a resource that meets every rule (:func:`minimize`)."""

    resource: str
    count: int | None  # None when even the upper end of the search does not meet the deadline
    at: VariantResult  # the variant at ``count`` (at the upper end when ``count`` is None)
    below: VariantResult | None  # the variant with one fewer, when there is one


MINIMIZE = ("groups", "samplers", "vehicles", "units")


def minimize(loaded: LoadedScenario, resource: str, time_limit: float = DEFAULT_TIME_LIMIT,
             upper: int | None = None) -> Minimum:
    """Least count of ``resource`` with which the round meets every rule, by bisection.

    Parameters
    ----------
    loaded
        The base scenario.
    resource
        One of :data:`MINIMIZE`.
    time_limit
        Solver budget per stage and variant.
    upper
        Upper end of the search (default: twice what the scenario has; its units for ``units``).

    Returns
    -------
    Minimum
        The count, the variant at it and the one just below it.

    Raises
    ------
    ValueError
        For an unknown resource.
    """
    if resource not in MINIMIZE:
        raise ValueError(f"minimize: unknown resource {resource!r}; one of {', '.join(MINIMIZE)}")
    s = loaded.scenario
    have = {"groups": len(s.groups), "units": len(s.units), "vehicles": len(s.station.vehicles),
            "samplers": max(g.count(Role.sampler) for g in s.groups)}[resource]
    sj = s.model_dump_json()
    cache: dict[int, VariantResult] = {}

    def ok(n: int) -> bool:
        if n not in cache:
            cache[n] = run_job(Job(sj, loaded.digest, {resource: n}, time_limit))
        return cache[n].feasible

    hi = upper or (have * 2 if resource != "units" else have)
    if not ok(hi):
        return Minimum(resource, None, cache[hi], None)
    lo = 0  # lo fails (0 of anything plans nothing), hi works
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    if hi > 1:
        ok(hi - 1)  # planned already by the bisection unless hi is its upper end
    return Minimum(resource, hi, cache[hi], cache.get(hi - 1))
