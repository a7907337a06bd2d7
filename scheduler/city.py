"""City scale: plan every township on its own, in parallel, and join the plans.

The national guideline plans a large city by district.  Here a city file
(:mod:`natplan.models.city`) is planned in three steps:

1. **Labs** — townships are sent to labs by a generalized assignment (tubes
   against each lab's capacity over the round, cost tube-minutes of driving,
   only labs a shuttle reaches well within the sample age limit).
2. **Townships** — each township is one job: plain data in (the city file's
   fields, the township's boundary as WKB, its lab), plain data out (the
   bytes of its scenario, plan and printed set, its KPIs and problems).  No
   solver object crosses a process boundary, so the jobs run the same in a
   local process pool (``--workers N``) or on a Dask cluster (``--dask``),
   and every job is deterministic, so the plan is the same either way.
3. **Join** — the labs' loads as fluid queues at their capacity, KPIs by
   district and for the city, one ``plan.json`` that names every township's
   plan by digest, a city workbook and a city overview.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from natplan.models.city import City, CityLab, LoadedCity, Township, lab_window_h, load_city, township_origin, tubes_of
from natplan.models.city_plan import CityKpis, CityPlan, DistrictKpis, LabLoad, TownshipResult
from natplan.models.plan import Explanation

# Solver budget per stage of each township (CP-SAT deterministic units).  Smaller than a town's 0.2: a
# city has a hundred townships; at 0.05 a 128,000-person subdistrict walks 0.3 % more and finishes no later.
CITY_TIME_LIMIT = 0.05

# ----------------------------------------------------------------------------------------------- labs

@dataclass(frozen=True)
class LabChoice:
    lab: dict[str, str]  # township id -> lab id
    minutes: dict[str, float]
    problems: list[Explanation]


def reach_limit_min(city: City) -> float:
    """Longest drive to a lab a township may be given: the age limit less two collection intervals
    (a tube waits up to one at its unit and rides up to one in the courier loop) and the handover."""
    p = city.parameters
    return p.sample_age_limit_min - 2 * 30 - 10


TUBES_PER_UNIT_MARGIN = 5


def planned_tubes(t: Township, pooling: int) -> int:
    """Tubes a township is expected to send: its people pooled, plus a margin for the tubes each pickup
    closes part-full (seen on Qingdao: at most 4.3 a unit, 1.7 % of a township's tubes)."""
    return tubes_of(t.people, pooling) + TUBES_PER_UNIT_MARGIN * t.units


def assign_labs(city: City, origins: dict[str, Any], seed: int = 0) -> LabChoice:
    """Send each township to one lab: least tube-minutes of driving within the labs' capacities.

    A township can go only to labs within :func:`reach_limit_min`.  If no
    assignment fits, the problems say which townships and by how much.
    """
    from natplan.scheduler.gap import GapData, solve_gap

    from natplan.routing.network import distance_matrix_m, minutes as drive_minutes

    p = city.parameters
    ts, labs = city.townships, city.labs
    window = lab_window_h(city)
    drive = drive_minutes(distance_matrix_m([origins[t.id].lon for t in ts], [origins[t.id].lat for t in ts],
                                            [lab.location.lon for lab in labs], [lab.location.lat for lab in labs]),
                          p.van_speed_kmh, p.detour_factor)
    minutes = {(t.id, lab.id): float(drive[j, i]) for j, t in enumerate(ts) for i, lab in enumerate(labs)}
    limit = reach_limit_min(city)
    aj, aa, ac, aw = [], [], [], []
    problems = []
    for j, t in enumerate(ts):
        tubes = planned_tubes(t, p.pooling_ratio)
        near = [(i, lab) for i, lab in enumerate(labs) if minutes[t.id, lab.id] <= limit]
        if not near:
            best = min(labs, key=lambda lab: minutes[t.id, lab.id])
            problems.append(Explanation(
                where=t.id, problem=f"township {t.id} {t.name}: no lab within {limit:.0f} min "
                f"(nearest {best.id} {best.name}, {minutes[t.id, best.id]:.0f} min)",
                fix="add a lab nearer, or raise parameters.sample_age_limit_min"))
        for i, lab in near:
            aj.append(j)
            aa.append(i)
            ac.append(int(round(tubes * minutes[t.id, lab.id])))
            aw.append(tubes)
    if problems:
        return LabChoice({}, {}, problems)
    cap = np.array([int(lab.tubes_per_hour * window) for lab in labs], dtype=np.int64)
    data = GapData(len(ts), len(labs), np.array(aj), np.array(aa), np.array(ac, dtype=np.int64),
                   np.array(aw, dtype=np.int64), cap)
    res = solve_gap(data, time_limit=1.0, seed=seed, workers=1, deterministic=True)
    if not res.feasible:
        need = sum(planned_tubes(t, p.pooling_ratio) for t in ts)
        return LabChoice({}, {}, [Explanation(
            where="labs", problem=f"the labs cannot take the city's {need:,} tubes within their capacity and reach "
            f"({int(cap.sum()):,} tubes in {window:.0f} h in all)", fix="add lab capacity or a lab nearer")])
    chosen = {t.id: labs[int(res.assignment[j])].id for j, t in enumerate(ts)}
    return LabChoice(chosen, {tid: minutes[tid, lid] for tid, lid in chosen.items()}, [])


def lab_queue(arrivals: Iterable[tuple[int, int]], tubes_per_hour: int) -> tuple[int | None, int]:
    """When the last tube is tested, and the largest backlog, for tubes arriving at a lab that tests
    ``tubes_per_hour`` (a fluid queue; arrivals are (minute, tubes)).

    >>> lab_queue([(600, 100), (660, 100)], 120)   # 100 tubes done by 650; the next 100 by 710
    (710, 100)
    """
    done, peak, t, backlog = None, 0, None, 0.0
    rate = tubes_per_hour / 60
    for minute, tubes in sorted(arrivals):
        if t is not None:
            backlog = max(0.0, backlog - (minute - t) * rate)
        backlog += tubes
        t = minute
        peak = max(peak, int(math.ceil(backlog)))
    if t is not None:
        done = int(math.ceil(t + backlog / rate))
    return done, peak


# ------------------------------------------------------------------------------------------ township

def township_job(job: dict) -> dict:
    """Plan one township.  Plain data in, plain data out (safe to pickle to any process or machine).

    ``job`` has ``city`` (the city file's fields), ``township`` (its id), ``lab`` (the lab's fields),
    ``wkb`` (the boundary), ``base`` (the city file's folder, for ``scenario:`` paths), ``time_limit``,
    ``render``, ``lang`` and ``printed_at``.  A township that cannot be planned — a broken scenario
    file of its own, or a failure inside — comes back with its problems; the other townships go on.
    """
    from natplan.models.problems import InputError

    t0 = time.process_time()
    try:
        return _township_job(job) | {"cpu_s": time.process_time() - t0}
    except InputError as e:
        problems = [Explanation(where=job["township"], problem=p.format(e.file)).model_dump() for p in e.problems]
    except Exception as e:  # noqa: BLE001 — one township's failure must not lose the city's other plans
        problems = [Explanation(where=job["township"], problem=f"planning failed: {type(e).__name__}: {e}",
                                fix="report this to the natplan developers with the city file").model_dump()]
    return _result(job["township"]) | {"problems": problems, "cpu_s": time.process_time() - t0}


def _result(tid: str, **fields) -> dict:
    """A township job's answer: nothing planned, unless ``fields`` say otherwise."""
    return dict(id=tid, files={}, scenario_sha256="", plan_sha256=None, kpis=None, shuttle_vehicles=None,
                arrivals=[], problems=[], warnings=[]) | fields


def _township_job(job: dict) -> dict:
    from shapely import from_wkb

    from natplan.models.checks import run_checks
    from natplan.models.generate import scenario_to_yaml
    from natplan.models.loader import LoadedScenario, load_scenario
    from natplan.models.scenario import Lab
    from natplan.scheduler.pipeline import plan_json, plan_round

    city = City.model_validate(job["city"])
    t = next(x for x in city.townships if x.id == job["township"])
    lab = CityLab.model_validate(job["lab"])
    town_lab = Lab(id=lab.id, name=lab.name, location=lab.location, handover_min=lab.handover_min)
    boundary = None
    if t.scenario is not None:
        own = load_scenario(Path(job["base"]) / t.scenario)
        scenario = own.scenario.model_copy(update={"lab": town_lab})
        geometry = own.geometry
        if own.geometry is not None and isinstance(scenario.region.boundary, str):
            boundary = (Path(job["base"]) / t.scenario).parent / scenario.region.boundary
    else:
        from natplan.models.city import township_scenario

        geometry = from_wkb(job["wkb"])
        scenario = township_scenario(city, t, geometry, lab)
    files: dict[str, bytes] = {}
    # the boundary goes beside the scenario, which names it, so that the township folder stands alone
    if boundary is not None:
        files["boundary.geojson"] = boundary.read_bytes()
    elif scenario.region.boundary is not None and not isinstance(scenario.region.boundary, str):
        import json

        files["boundary.geojson"] = (json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": t.name, "attribution": city.region.attribution},
             "geometry": scenario.region.boundary}]}, ensure_ascii=False) + "\n").encode()
    if "boundary.geojson" in files:
        scenario = scenario.model_copy(update={"region": scenario.region.model_copy(update={"boundary": "boundary.geojson"})})
    text = scenario_to_yaml(scenario, scenario.description or "", fast=True).encode()
    files["scenario.yaml"] = text
    digest = hashlib.sha256(text).hexdigest()
    found = run_checks(scenario, geometry)
    errors = [p for p in found if p.severity == "error"]
    out = _result(t.id, files=files, scenario_sha256=digest,
                  warnings=[p.format("scenario.yaml") for p in found if p.severity != "error"])
    if errors:
        out["problems"] = [Explanation(where=t.id, problem=p.format("scenario.yaml")).model_dump() for p in errors]
        return out
    loaded = LoadedScenario(scenario, Path("scenario.yaml"), digest, geometry, tuple(out["warnings"]))
    outcome = plan_round(loaded, time_limit=job["time_limit"])
    out["warnings"] = list(outcome.warnings)
    if outcome.plan is None:
        out["problems"] = [e.model_dump() for e in outcome.problems]
        return out
    plan = outcome.plan
    files["plan.json"] = pj = plan_json(plan)
    out["plan_sha256"] = hashlib.sha256(pj).hexdigest()
    out["kpis"] = plan.kpis.model_dump()
    out["shuttle_vehicles"] = plan.routing.shuttles.vehicles_used
    out["arrivals"] = [(tr.arrive, tr.tubes) for tr in plan.routing.shuttles.trips if tr.tubes]
    if job.get("render"):
        from natplan.templates.outputs import render_outputs

        rendered, render_warnings = render_outputs(plan, scenario, geometry, lang=job["lang"],
                                                   printed_at=job["printed_at"])
        files.update(rendered)
        out["warnings"] += render_warnings
    return out


# ------------------------------------------------------------------------------------------ running

def _run_pool(jobs: list[dict], workers: int, on_done: Callable[[dict], None]) -> None:
    from concurrent.futures import as_completed

    from natplan.processes import stop_pool, worker_pool

    if workers <= 1:
        for job in jobs:
            on_done(township_job(job))
        return
    pool = worker_pool(max_workers=workers)
    try:
        futures = [pool.submit(township_job, job) for job in jobs]
        for f in as_completed(futures):
            on_done(f.result())
    finally:
        stop_pool(pool)


def _run_dask(jobs: list[dict], address: str, workers: int, on_done: Callable[[dict], None]) -> None:
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SystemExit("natplan: --dask needs the dask extra: pip install 'natplan[dask]'") from None
    # Dask workers are daemonic by default and could not start the PDF layout processes.
    with dask.config.set({"distributed.worker.daemon": False}):
        if address == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        else:
            cluster, client = None, Client(address)
        try:
            futures = client.map(township_job, jobs, pure=False)
            for f in as_completed(futures):
                on_done(f.result())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


# --------------------------------------------------------------------------------------------- join

@dataclass(frozen=True)
class CityOutcome:
    plan: CityPlan | None
    files: dict[str, bytes] | None  # only when not streamed to disk
    problems: list[Explanation]
    warnings: list[str]
    cpu_s: float


def plan_city(loaded: LoadedCity, *, workers: int = 1, dask: str | None = None, time_limit: float = CITY_TIME_LIMIT,
              render: bool = True, lang: str = "zh", printed_at: str | None = None,
              sink: Callable[[str, bytes], None] | None = None, progress=None) -> CityOutcome:
    """Plan a city: labs, then every township (in parallel), then the join.

    Parameters
    ----------
    loaded
        :func:`natplan.models.city.load_city`.
    workers
        Processes (or Dask workers for ``dask="local"``).
    dask
        ``None`` for the local process pool; ``"local"`` for a local Dask
        cluster; a scheduler address (``tcp://host:8786``) for a running one.
    render
        Also lay out each township's printed set (PDF, HTML, Excel).
    sink
        ``sink(relative_path, bytes)`` receives every township file as soon
        as its job is done (so that a city's PDFs need not all sit in
        memory); without it the files are returned in ``CityOutcome.files``.
    progress
        ``progress(done, total, township_name)`` after each township.
    """
    from natplan.scheduler.pipeline import natplan_version

    city = loaded.city
    p = city.parameters
    origins = {t.id: township_origin(loaded.township_geometry[t.id]) if t.id in loaded.township_geometry
               else _scenario_origin(loaded, t) for t in city.townships}
    choice = assign_labs(city, origins, seed=p.seed)
    if choice.problems:
        return CityOutcome(None, None, choice.problems, [], 0.0)
    if printed_at is None:
        from natplan.templates.outputs import now_printed_at

        printed_at = now_printed_at()  # once, so that every township's pages say the same
    labs = {lab.id: lab for lab in city.labs}
    city_dump = city.model_dump(mode="json")
    jobs = []
    for t in city.townships:
        geom = loaded.township_geometry.get(t.id)
        jobs.append(dict(city=city_dump, township=t.id, lab=labs[choice.lab[t.id]].model_dump(mode="json"),
                         wkb=None if geom is None else geom.wkb, base=str(loaded.path.parent.resolve()),
                         time_limit=time_limit, render=render, lang=lang, printed_at=printed_at))
    # biggest townships first: the pool ends with short jobs, not one long straggler
    people = {t.id: t.people for t in city.townships}
    jobs.sort(key=lambda j: -people[j["township"]])
    results: dict[str, dict] = {}
    files: dict[str, bytes] = {}
    total = len(jobs)
    names = {t.id: t.name for t in city.townships}

    def done(res: dict) -> None:
        tid = res["id"]
        for name, data in res.pop("files").items():
            path = f"townships/{tid}/{name}"
            if sink is not None:
                sink(path, data)
            else:
                files[path] = data
        results[tid] = res
        if progress:
            progress(len(results), total, names[tid])

    if dask:
        _run_dask(jobs, dask, workers, done)
    else:
        _run_pool(jobs, workers, done)
    plan = join(loaded, choice, results, natplan_version())
    problems = [Explanation.model_validate(e) for tid in sorted(results) for e in results[tid]["problems"]]
    warnings = [f"{tid}: {w}" for tid in sorted(results) for w in results[tid]["warnings"]]
    cpu = sum(r.get("cpu_s", 0.0) for r in results.values())
    return CityOutcome(plan, None if sink else files, problems, warnings, cpu)


def _scenario_origin(loaded: LoadedCity, t: Township):
    from natplan.models.loader import load_scenario

    s = load_scenario(loaded.path.parent / t.scenario).scenario
    return s.station.location


def join(loaded: LoadedCity, choice: LabChoice, results: dict[str, dict], version: str) -> CityPlan:
    """The city plan from the township results (in the city file's order, whatever order they came in)."""
    from natplan.models.plan import Kpis

    city = loaded.city
    p = city.parameters
    rows = []
    for t in city.townships:
        r = results[t.id]
        kpis = Kpis.model_validate(r["kpis"]) if r["kpis"] else None
        rows.append(TownshipResult(
            id=t.id, name=t.name, district=t.district, people=t.people, lab=choice.lab[t.id],
            lab_minutes=round(choice.minutes[t.id], 1), planned=kpis is not None, folder=f"townships/{t.id}",
            plan_sha256=r["plan_sha256"], scenario_sha256=r["scenario_sha256"], kpis=kpis,
            shuttle_vehicles=r["shuttle_vehicles"],
            problems=[Explanation.model_validate(e) for e in r["problems"]], warnings=len(r["warnings"]),
        ))
    window = lab_window_h(city)
    labs = []
    for lab in city.labs:
        mine = [row for row in rows if row.lab == lab.id]
        arr: dict[int, int] = defaultdict(int)
        for row in mine:
            for minute, tubes in results[row.id]["arrivals"]:
                arr[int(minute)] += int(tubes)
        arrivals = sorted(arr.items())
        done, peak = lab_queue(arrivals, lab.tubes_per_hour)
        labs.append(LabLoad(
            lab=lab.id, name=lab.name, tubes_per_hour=lab.tubes_per_hour,
            capacity_tubes=int(lab.tubes_per_hour * window), townships=[row.id for row in mine],
            tubes=sum(arr.values()), first_arrival=arrivals[0][0] if arrivals else None,
            last_arrival=arrivals[-1][0] if arrivals else None, done=done, peak_backlog_tubes=peak,
            arrivals=arrivals))
    districts = []
    for d in dict.fromkeys(t.district for t in city.townships):
        mine = [row for row in rows if row.district == d]
        districts.append(_district(d, mine))
    ok = [row for row in rows if row.kpis]
    finish = max((row.kpis.finish for row in ok), default=None)
    bound = max((row.kpis.bound for row in ok), default=None)
    ages = [row.kpis.worst_sample_age_min for row in ok if row.kpis.worst_sample_age_min is not None]
    lab_done = [lab.done for lab in labs if lab.done is not None]
    kpis = CityKpis(
        people=city.people, townships=len(rows), planned=len(ok),
        units_open=sum(row.kpis.units_open for row in ok), groups_used=sum(row.kpis.groups_used for row in ok),
        finish=finish, bound=bound,
        finish_ratio=None if finish is None or bound is None or bound <= p.start
        else round((finish - p.start) / (bound - p.start), 3),
        worst_sample_age_min=max(ages) if ages else None,
        courier_vehicles=sum(row.kpis.courier_vehicles or 0 for row in ok),
        shuttle_vehicles=sum(row.shuttle_vehicles or 0 for row in ok),
        tubes=sum(lab.tubes for lab in labs), lab_done=max(lab_done) if lab_done else None,
    )
    warnings = []
    for lab in labs:
        if lab.tubes > lab.capacity_tubes:
            warnings.append(f"lab {lab.lab} {lab.name} receives {lab.tubes:,} tubes, more than the "
                            f"{lab.capacity_tubes:,} it tests in the round")
    return CityPlan(city=city.name, city_sha256=loaded.digest, seed=p.seed, natplan_version=version,
                    townships=rows, labs=labs, districts=districts, kpis=kpis, warnings=warnings)


def _district(name: str, rows: list[TownshipResult]) -> DistrictKpis:
    ok = [row for row in rows if row.kpis]
    ages = [row.kpis.worst_sample_age_min for row in ok if row.kpis.worst_sample_age_min is not None]
    return DistrictKpis(
        district=name, townships=len(rows), planned=len(ok), people=sum(row.people for row in rows),
        units_open=sum(row.kpis.units_open for row in ok), groups_used=sum(row.kpis.groups_used for row in ok),
        finish=max((row.kpis.finish for row in ok), default=None), worst_sample_age_min=max(ages) if ages else None,
        courier_vehicles=sum(row.kpis.courier_vehicles or 0 for row in ok),
        shuttle_vehicles=sum(row.shuttle_vehicles or 0 for row in ok))


def city_plan_json(plan: CityPlan) -> bytes:
    import json

    return (json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


# ---------------------------------------------------------------------------------------------- CLI

def city_main(args) -> int:
    """``natplan plan CITY -o OUT``: plan every township, write OUT atomically, print the summary."""
    from rich.console import Console

    from natplan.templates.outputs import now_printed_at

    from natplan.outfolder import OutputFolder

    console = Console(stderr=True, highlight=False)
    OutputFolder(Path(args.output), force=getattr(args, "force", False)).check()  # before anything is solved
    loaded = load_city(args.scenario)
    workers = args.workers or os.cpu_count() or 1
    printed_at = now_printed_at()
    t0 = time.perf_counter()
    try:
        plan, outcome = _plan_and_write(args, loaded, workers, printed_at, console)
    except _Abort as abort:
        return abort.code
    wall = time.perf_counter() - t0
    for w in plan.warnings:
        console.print(f"warning: {w}")
    if outcome.warnings:
        console.print(f"{len(outcome.warnings)} township warnings (each township's plan.json lists its own)")
    k = plan.kpis
    print(f"{args.output}: plan.json, city.pdf, city.xlsx, index.html, townships/<id>/ — {plan.city}")
    print(f"  people {k.people:,} in {k.townships} townships ({k.planned} planned), units open {k.units_open:,}, "
          f"groups {k.groups_used:,}")
    print(f"  sampling done {_hm(k.finish)}  (slowest township's bound {_hm(k.bound)}, ratio "
          f"{'—' if k.finish_ratio is None else f'{k.finish_ratio:.2f}'}); tubes {k.tubes:,}, labs done {_hm(k.lab_done)}")
    print(f"  worst sample age {'—' if k.worst_sample_age_min is None else f'{k.worst_sample_age_min:.0f}'} min, "
          f"courier vehicles {k.courier_vehicles:,}, shuttle vehicles {k.shuttle_vehicles:,}")
    print(f"  {wall:.0f} s wall on {workers} {'Dask workers' if args.dask else 'processes'}, "
          f"{outcome.cpu_s:.0f} s CPU in township jobs")
    for r in plan.townships:
        for e in r.problems:
            print(f"{args.scenario}: township {r.id} {r.name}: {e.where}: {e.problem}"
                  + (f" — fix: {e.fix}" if e.fix else ""), file=sys.stderr)
    failed = sum(1 for r in plan.townships if not r.planned)
    if failed:
        print(f"{args.scenario}: {failed} of {k.townships} townships could not be planned (above); "
              f"the others are in {args.output}", file=sys.stderr)
        return 2
    return 0


def _plan_and_write(args, loaded: LoadedCity, workers: int, printed_at: str, console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from natplan.outfolder import OutputFolder

    with OutputFolder(Path(args.output), force=getattr(args, "force", False)).staged() as sink:
        with Progress(TextColumn("natplan: townships"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=console, transient=True) as bar:
            task = bar.add_task("", total=len(loaded.city.townships))
            outcome = plan_city(loaded, workers=workers, dask=args.dask, time_limit=args.time_limit or CITY_TIME_LIMIT,
                                render=not args.no_township_print, lang=args.lang, printed_at=printed_at, sink=sink,
                                progress=lambda done, total, name: bar.update(task, completed=done, description=name))
        if outcome.plan is None:
            for e in outcome.problems:
                print(f"{args.scenario}: {e.where}: {e.problem}" + (f" — fix: {e.fix}" if e.fix else ""),
                      file=sys.stderr)
            raise _Abort(2)  # leaves OUT as it was
        plan = outcome.plan
        from natplan.templates.city import city_files

        with console.status("natplan: city overview"):
            for name, data in city_files(plan, loaded, lang=args.lang, printed_at=printed_at).items():
                sink(name, data)
        sink("plan.json", city_plan_json(plan))
    return plan, outcome


class _Abort(Exception):
    def __init__(self, code: int):
        self.code = code


def _hm(minutes) -> str:
    from natplan.models.clock import format_clock

    return "—" if minutes is None else format_clock(int(round(minutes)))
