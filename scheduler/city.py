"""City scale: plan every township on its own, in parallel, and join the plans.

The national guideline plans a large city by district.  Here a city file
(:mod:`natplan.models.city`) is planned in three steps:

1. **Labs** — townships are sent to labs by a generalized assignment (tubes
   against each lab's capacity over the round, cost tube-minutes of driving,
   only labs a shuttle reaches well within the sample age limit).
2. **Townships** — each township is one job: a frozen :class:`~natplan.scheduler.township_job.TownshipJob`
   in (the city file, the township's boundary as WKB, its lab), a frozen
   :class:`~natplan.scheduler.township_job.TownshipOutcome` out (the bytes of its scenario, plan and printed
   set, its KPIs and problems).  No solver object crosses a process
   boundary, so the jobs run the same in a local process pool
   (``--workers N``) or on a Dask cluster (``--dask``), and every job is
   deterministic, so the plan is the same either way.
3. **Join** — the labs' loads as fluid queues at their capacity, every
   township's shuttles replayed through its lab's one queue (each sample's
   age when it is tested, :mod:`natplan.scheduler.city_queue`), KPIs by
   district and for the city, one ``plan.json`` that names every township's
   plan by digest, a city workbook and a city overview.

Where a shared lab's queue makes samples older than the limit, in turn,
each step only while some sample is still over it:

1. **later starts** (错峰): some of its townships start later, so that
   their peaks do not reach the lab at once (:func:`~natplan.scheduler.
   city_queue.stagger`, within the day each finishes on);
2. **minutes kept for the queue**: the townships still over plan their
   samples to reach the lab younger by what they were over, home-visit
   samples apart (``lab.shared_queue_min``, ``shared_queue_home_min``; up to
   :data:`RESERVE_ROUNDS` rounds);
3. **shares**: they count their share of its capacity as their own lab's
   (their shuttles then leave often enough for it);
4. **moves**: townships that another lab within reach could take, keeping
   its queue within the limit, are planned again there.

A township that cannot be planned again so keeps its plan, and steps 1 and
2 are taken only when they make the lab's oldest sample at test younger
(the new shuttles come at other times).  What is still over is a problem of
the city plan that names the lab, its townships, the worst age and the
capacity (or the moves) that would fix it.  The city overview lists what
was changed, in the set's language.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from natplan.models.city import City, LoadedCity, Township, lab_window_h, township_origin, tubes_of
from natplan.models.city_plan import CityKpis, CityPlan, DistrictKpis, LabLoad, TownshipResult
from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT, LAB_TIME_LIMIT
from natplan.scheduler.city_queue import (EPS, Batch, capacity_needed, lab_queue, over_limit, repair, replay, reserves,
                                          shares, stagger)
from natplan.scheduler.labour import DAY
from natplan.scheduler.township_job import TownshipJob, TownshipOutcome, shared_queue_fields, township_job

# ----------------------------------------------------------------------------------------------- labs

@dataclass(frozen=True)
class LabChoice:
    lab: dict[str, str]  # township id -> lab id
    minutes: dict[str, float]
    problems: list[Explanation]
    drive: dict[tuple[str, str], float] = field(default_factory=dict)  # van minutes (township, lab), every pair


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
    from natplan.routing.network import distance_matrix_m
    from natplan.routing.network import minutes as drive_minutes
    from natplan.scheduler.gap import GapData, solve_gap

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
    res = solve_gap(data, time_limit=LAB_TIME_LIMIT, seed=seed, workers=1, deterministic=True)
    if not res.feasible:
        need = sum(planned_tubes(t, p.pooling_ratio) for t in ts)
        return LabChoice({}, {}, [Explanation(
            where="labs", problem=f"the labs cannot take the city's {need:,} tubes within their capacity and reach "
            f"({int(cap.sum()):,} tubes in {window:.0f} h in all)", fix="add lab capacity or a lab nearer")])
    chosen = {t.id: labs[int(res.assignment[j])].id for j, t in enumerate(ts)}
    return LabChoice(chosen, {tid: minutes[tid, lid] for tid, lid in chosen.items()}, [], minutes)


# ------------------------------------------------------------------------------------------ running

def _run_pool(jobs: list[TownshipJob], workers: int, on_done: Callable[[TownshipOutcome], None]) -> None:
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


RESERVE_ROUNDS = 3
"""Rounds of planning townships again keeping more of the age limit for a shared lab's queue."""

DASK_RETRIES = 2
"""Times Dask runs a township job again when it raises (a job catches its own errors, so this is for the
worker's: memory, a lost connection).  A job whose worker dies is run again on another worker anyway, up to
the scheduler's ``distributed.scheduler.allowed-failures`` (3 by default) deaths."""


def _run_dask(jobs: list[TownshipJob], address: str, workers: int,
              on_done: Callable[[TownshipOutcome], None]) -> None:
    """Run the jobs on a Dask cluster (``local``: one started here).  Each job is deterministic and the join
    orders the townships as the city file does, so neither a job run again nor the order they finish in
    changes the plan; a job Dask gives up on comes back as that township's problem."""
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as e:
        raise ImportError(f"township jobs on Dask need the dask extra: pip install 'natplan[dask]' ({e})") from e
    # Dask workers are daemonic by default and could not start the PDF layout processes.
    with dask.config.set({"distributed.worker.daemon": False}):
        if address == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        else:
            cluster, client = None, Client(address)
        try:
            futures = client.map(township_job, jobs, pure=False, retries=DASK_RETRIES)
            job_of = {f.key: job for f, job in zip(futures, jobs)}
            for f in as_completed(futures):
                try:
                    outcome = f.result()
                except Exception as e:  # noqa: BLE001 — e.g. KilledWorker: the township fails, the city goes on
                    outcome = TownshipOutcome(job_of[f.key].township, problems=[Explanation(
                        where=job_of[f.key].township, problem=f"planning failed on the Dask cluster: "
                        f"{type(e).__name__}: {e}", fix="plan it again; if its worker keeps dying, give the workers "
                        "more memory")])
                on_done(outcome)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


# --------------------------------------------------------------------------------------------- join

@dataclass(frozen=True)
class CityOutcome:
    """A city plan, or why there is none (:func:`plan_city`)."""

    plan: CityPlan | None
    files: dict[str, bytes] | None  # only when not streamed to disk
    problems: list[Explanation]
    warnings: list[str]
    cpu_s: float  # CPU seconds in the township jobs, all together


def plan_city(loaded: LoadedCity, *, workers: int = 1, dask: str | None = None,
              time_limit: float = CITY_TOWNSHIP_TIME_LIMIT, render: bool = True, lang: str = "zh",
              printed_at: str | None = None, sink: Callable[[str, bytes], None] | None = None,
              progress=None) -> CityOutcome:
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
    time_limit
        Solver budget per stage of each township (:mod:`natplan.scheduler.budget`).
    render
        Also lay out each township's printed set (PDF, HTML, Excel).
    lang
        Language of the printed sets.
    printed_at
        The print time on every page (default: now, once for all townships).
    sink
        ``sink(relative_path, bytes)`` receives every township file as soon
        as its job is done (so that a city's PDFs need not all sit in
        memory); without it the files are returned in ``CityOutcome.files``.
    progress
        ``progress(done, total, township_name)`` after each township.

    Returns
    -------
    CityOutcome
        The joined plan (townships that could not be planned are in it with
        their problems), or the labs' problems when no lab assignment fits.

    Raises
    ------
    ImportError
        When ``dask`` is given and Dask is not installed.
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
    base = loaded.path.parent.resolve()

    def jobs_for(lab_of: dict[str, str], share: dict[str, int] | None = None) -> list[TownshipJob]:
        """The jobs of the townships in ``lab_of``, biggest first (the pool ends with short jobs)."""
        out = []
        for t in sorted((t for t in city.townships if t.id in lab_of), key=lambda t: -t.people):
            geom = loaded.township_geometry.get(t.id)
            out.append(TownshipJob(city=city, township=t.id, lab=labs[lab_of[t.id]],
                                   wkb=None if geom is None else geom.wkb, base=base, time_limit=time_limit,
                                   render=render, lang=lang, printed_at=printed_at,
                                   tubes_per_hour=None if share is None else share.get(t.id),
                                   start_delay_min=delayed.get(t.id, 0), shared_queue=reserved.get(t.id),
                                   joint_cache=cache))
        return out

    delayed: dict[str, int] = {}  # minutes a township starts after the round's start (错峰)
    # minutes of the age limit a township's plan keeps for its lab's shared queue (all samples, home-visit samples)
    reserved: dict[str, tuple[int, int]] = {}
    # each township's joint stage, kept between the passes on this machine (a remote Dask cluster keeps none)
    cache = tempfile.mkdtemp(prefix="natplan-joint-") if dask in (None, "local") else None
    jobs = jobs_for(choice.lab)
    results: dict[str, TownshipOutcome] = {}
    files: dict[str, bytes] = {}
    total = len(jobs)
    names = {t.id: t.name for t in city.townships}

    def done(res: TownshipOutcome) -> None:
        for name, data in res.files.items():
            path = f"townships/{res.id}/{name}"
            if sink is not None:
                sink(path, data)
            else:
                files[path] = data
        results[res.id] = replace(res, files={})  # the files are passed on; the join needs the figures
        if progress:
            progress(len(results), total, names[res.id])

    def run(jobs: list[TownshipJob], on_done=done) -> None:
        if dask:
            _run_dask(jobs, dask, workers, on_done)
        else:
            _run_pool(jobs, workers, on_done)

    notes: list[str] = []

    def worst_at(lab_ids: set[str], outcomes: dict[str, TownshipOutcome]) -> float:
        """The oldest sample at test over these labs, their queues replayed with these townships' plans."""
        batches = lab_batches(city, choice.lab, outcomes)
        return max((replay(batches[x], tph[x]).worst or 0.0) for x in lab_ids)

    def again(lab_of: dict[str, str], why: dict[str, str], share: dict[str, int] | None = None,
              reserve: dict[str, tuple[int, int]] | None = None, delay: dict[str, int] | None = None,
              better: bool = False) -> set[str]:
        """Plan these townships again, each counting its ``share`` of its lab's capacity, or keeping ``reserve``
        minutes of the age limit for the lab's queue; a township that cannot be planned so keeps its plan, and
        with ``better`` so do all when their new plans would not make the oldest sample at their labs younger
        (their shuttles come at other times, and the queue may then be longer).  Returns the townships planned
        again."""
        came: list[TownshipOutcome] = []
        before, before_delay = dict(reserved), dict(delayed)
        reserved.update(reserve or {})
        delayed.update(delay or {})
        run(jobs_for(lab_of, share), came.append)
        came.sort(key=lambda r: r.id)
        ok = [r for r in came if r.kpis is not None]
        kept = None
        if better and ok:
            at = {lab_of[r.id] for r in ok}
            was, now = worst_at(at, results), worst_at(at, results | {r.id: r for r in ok})
            if now >= was - EPS:
                kept = f"at lab {', '.join(sorted(at))} its samples would be tested up to {now:.0f} min after the " \
                       f"swab, against {was:.0f} now"
        for res in came:
            where = f"township {res.id} {names[res.id]}"
            lab = labs[lab_of[res.id]]
            if share:
                how = f"its shuttles counting {share[res.id]:,} of the lab's {lab.tubes_per_hour:,} tubes an hour"
            elif delay:
                how = (f"starting {delay[res.id]} min after the round's start ({hm(p.start + delay[res.id])} instead "
                       f"of {hm(p.start)}), so that its samples do not reach the lab with the others' (错峰)")
            else:
                how = (f"keeping {_minutes_kept(reserved[res.id])} of the {limit}-min age limit for the lab's "
                       "shared queue")
            if res.kpis is None or kept is not None:
                more = f" and {len(res.problems) - 1} more" if len(res.problems) > 1 else ""
                reason = (f"it could not be ({res.problems[0].problem if res.problems else ''}{more})"
                          if res.kpis is None else f"with the others planned again so, {kept}")
                notes.append(f"{where}: {why[res.id]}; planned again at lab {lab.id} {how}, {reason}: its plan is kept")
                for now, was in ((reserved, before), (delayed, before_delay)):
                    if res.id in was:
                        now[res.id] = was[res.id]
                    else:
                        now.pop(res.id, None)
                continue
            done(res)
            notes.append(f"{where}: {why[res.id]}; planned again at lab {lab.id} {lab.name}, {how}")
        return set() if kept is not None else {r.id for r in ok}

    tph = {lab.id: lab.tubes_per_hour for lab in city.labs}
    limit = p.sample_age_limit_min
    why = f"the queue at lab {{}} made its samples older than {limit} min when tested"
    try:
        run(jobs)
        # 1. townships of a lab over the limit start later, so that their peaks do not reach it at once (错峰)
        late = stagger(lab_batches(city, choice.lab, results), tph, limit,
                       {tid: _slack(p, r.kpis.finish) for tid, r in results.items() if r.kpis is not None})
        if late:
            again({tid: choice.lab[tid] for tid in late},  # not only the townships over: the lab's queue is
                  {tid: f"the queue at lab {choice.lab[tid]} made samples older than {limit} min when tested"
                   for tid in late}, delay=late, better=True)  # all of theirs
        # 2. the townships still over the limit plan their samples to reach it younger by what they were over
        #    (again if the queue, with their new shuttles, still breaks it)
        for _ in range(RESERVE_ROUNDS):
            keep = reserves(lab_batches(city, choice.lab, results), tph, limit, reserved)
            if not keep or not again({tid: choice.lab[tid] for tid in keep},
                                     {tid: why.format(choice.lab[tid]) for tid in keep}, reserve=keep, better=True):
                break
        # 3. what is still over: those townships count their share of the lab's rate (shuttles more often)
        share = shares(lab_batches(city, choice.lab, results), tph, limit)
        if share:
            again({tid: choice.lab[tid] for tid in share}, {tid: why.format(choice.lab[tid]) for tid in share},
                  share=share)
        # 4. what is still over: townships that another lab within reach could take go there
        moved = repair(lab_batches(city, choice.lab, results), tph, choice.drive, reach_limit_min(city),
                       limit) if choice.drive else []
        if moved:
            to = {m.township: m.to_lab for m in moved}
            for tid in to:  # what it kept for its first lab's queue, and its later start there
                reserved.pop(tid, None)
                delayed.pop(tid, None)
            ok = again(to, {m.township: why.format(m.from_lab) + ", and lab " + m.to_lab + " within reach keeps "
                            "the limit with it (estimated)" for m in moved},
                       share=shares(lab_batches(city, choice.lab | to, results), tph, -1.0))
            choice = replace(choice, lab=choice.lab | {tid: to[tid] for tid in ok},
                             minutes=choice.minutes | {tid: choice.drive[tid, to[tid]] for tid in ok})
    finally:
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
    plan = join(loaded, choice, results, natplan_version())
    if notes:
        plan = plan.model_copy(update={"warnings": plan.warnings + notes})
    problems = [e for tid in sorted(results) for e in results[tid].problems] + list(plan.problems)
    warnings = [f"{tid}: {w}" for tid in sorted(results) for w in results[tid].warnings]
    cpu = sum(r.cpu_s for r in results.values())
    return CityOutcome(plan, None if sink else files, problems, warnings, cpu)


def _slack(p, finish: float | None) -> float:
    """Minutes a township finishing at ``finish`` could start later and still finish on the same day of the round,
    by that day's deadline."""
    if finish is None:
        return 0.0
    day = max(0, math.ceil((finish - p.deadline) / DAY))
    return max(0.0, p.deadline + day * DAY - finish)


def _minutes_kept(kept: tuple[int, int]) -> str:
    """``(10, 25)`` → "10 min (25 for home-visit samples)"."""
    every, home = kept
    return f"{every} min" + (f" ({home} for home-visit samples)" if home > every else "")


def lab_batches(city: City, lab_of: dict[str, str], results: dict[str, TownshipOutcome]) -> dict[str, list[Batch]]:
    """Each lab's batches (every shuttle trip with tubes of the townships sent to it), by lab id in the city
    file's order of labs, the batches in its order of townships."""
    out: dict[str, list[Batch]] = {lab.id: [] for lab in city.labs}
    for t in city.townships:
        r = results.get(t.id)
        if r is None or t.id not in lab_of:
            continue
        out[lab_of[t.id]] += [Batch(t.id, minute, tubes, oldest, home, other) for (minute, tubes), oldest, home, other
                              in zip(r.arrivals, r.oldest_swabs, r.oldest_home or [None] * len(r.arrivals),
                                     r.oldest_other or [None] * len(r.arrivals))]
    return out


def _scenario_origin(loaded: LoadedCity, t: Township):
    from natplan.models.loader import load_scenario
    from natplan.routing.network import TRAVEL

    s = load_scenario(loaded.path.parent / t.scenario, travel=TRAVEL).scenario
    return s.station.location


def join(loaded: LoadedCity, choice: LabChoice, results: dict[str, TownshipOutcome], version: str) -> CityPlan:
    """The city plan from the township results (in the city file's order, whatever order they came in).

    Parameters
    ----------
    loaded
        The city file.
    choice
        Each township's lab.
    results
        Each township's outcome, by township id.
    version
        natplan's version, written into the plan.

    Returns
    -------
    CityPlan
        The townships, the labs' loads, KPIs by district and for the city.
    """
    city = loaded.city
    p = city.parameters
    rows = []
    for t in city.townships:
        r = results[t.id]
        rows.append(TownshipResult(
            id=t.id, name=t.name, district=t.district, people=t.people, lab=choice.lab[t.id],
            lab_minutes=round(choice.minutes[t.id], 1), planned=r.kpis is not None, folder=f"townships/{t.id}",
            plan_sha256=r.plan_sha256, scenario_sha256=r.scenario_sha256, kpis=r.kpis,
            shuttle_vehicles=r.shuttle_vehicles, problems=list(r.problems), warnings=len(r.warnings),
            start_delay_min=r.start_delay_min, **shared_queue_fields(r.shared_queue),
        ))
    window = lab_window_h(city)
    batches = lab_batches(city, choice.lab, results)
    replays = {lab.id: replay(batches[lab.id], lab.tubes_per_hour) for lab in city.labs}
    at_test = {tid: age for r in replays.values() for tid, age in r.worst_by_township.items()}
    rows = [row.model_copy(update={"worst_age_at_test_min": _tenth(at_test.get(row.id))}) for row in rows]
    labs, problems = [], []
    for lab in city.labs:
        mine = [row for row in rows if row.lab == lab.id]
        arr: dict[int, int] = defaultdict(int)
        for row in mine:
            for minute, tubes in results[row.id].arrivals:
                arr[int(minute)] += int(tubes)
        arrivals = sorted(arr.items())
        done, peak = lab_queue(arrivals, lab.tubes_per_hour)
        rp = replays[lab.id]
        over = rp.worst is not None and rp.worst > p.sample_age_limit_min + 1e-6
        need = capacity_needed(batches[lab.id], p.sample_age_limit_min) if over else None
        labs.append(LabLoad(
            lab=lab.id, name=lab.name, tubes_per_hour=lab.tubes_per_hour,
            capacity_tubes=int(lab.tubes_per_hour * window), townships=[row.id for row in mine],
            tubes=sum(arr.values()), first_arrival=arrivals[0][0] if arrivals else None,
            last_arrival=arrivals[-1][0] if arrivals else None, done=done, peak_backlog_tubes=peak,
            arrivals=arrivals, worst_age_at_test_min=_tenth(rp.worst),
            worst_township=None if rp.worst is None else batches[lab.id][rp.worst_batch()].township,
            tubes_per_hour_needed=need))
        if over:
            problems.append(over_limit(city, lab, batches, rp, need, choice.drive, reach_limit_min(city)))
    districts = []
    for d in dict.fromkeys(t.district for t in city.townships):
        mine = [row for row in rows if row.district == d]
        districts.append(_district(d, mine))
    ok = [row for row in rows if row.kpis]
    finish = max((row.kpis.finish for row in ok), default=None)
    bound = max((row.kpis.bound for row in ok), default=None)
    ages = [row.worst_age_at_test_min for row in ok if row.worst_age_at_test_min is not None]
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
        **_joint_kpis(p, ok),
    )
    warnings = []
    for lab in labs:
        if lab.tubes > lab.capacity_tubes:
            warnings.append(f"lab {lab.lab} {lab.name} receives {lab.tubes:,} tubes, more than the "
                            f"{lab.capacity_tubes:,} it tests in the round")
        missing = [row for row in rows if row.lab == lab.lab and not row.planned]
        if missing:  # their tubes will join the queue once they can be planned
            tubes = sum(planned_tubes(t, p.pooling_ratio) for t in city.townships if t.id in {r.id for r in missing})
            warnings.append(f"lab {lab.lab} {lab.name}: its queue counts the {len(lab.townships) - len(missing)} "
                            f"township(s) planned; the {len(missing)} not planned ({', '.join(r.name for r in missing)}"
                            f") would add about {tubes:,} tubes to it, and its samples' ages at test are not known "
                            "until they are planned")
    return CityPlan(city=city.name, city_sha256=loaded.digest, seed=p.seed, natplan_version=version,
                    townships=rows, labs=labs, districts=districts, kpis=kpis, warnings=warnings, problems=problems)


def _tenth(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _joint_kpis(p, ok: list[TownshipResult]) -> dict:
    """The city's finish against the slowest township's joint bound, the days it takes, the late townships."""
    joint = [row.kpis.joint_bound for row in ok if row.kpis.joint_bound is not None]
    if not joint:
        return {}
    finish = max(row.kpis.finish for row in ok)
    bound = max(joint)
    return {"joint_bound": bound,
            "joint_ratio": None if bound <= p.start else round((finish - p.start) / (bound - p.start), 3),
            "days": max(row.kpis.days for row in ok),
            "late": sum(1 for row in ok if row.kpis.finish > p.last_deadline)}


def _district(name: str, rows: list[TownshipResult]) -> DistrictKpis:
    ok = [row for row in rows if row.kpis]
    ages = [row.worst_age_at_test_min for row in ok if row.worst_age_at_test_min is not None]
    return DistrictKpis(
        district=name, townships=len(rows), planned=len(ok), people=sum(row.people for row in rows),
        units_open=sum(row.kpis.units_open for row in ok), groups_used=sum(row.kpis.groups_used for row in ok),
        finish=max((row.kpis.finish for row in ok), default=None), worst_sample_age_min=max(ages) if ages else None,
        courier_vehicles=sum(row.kpis.courier_vehicles or 0 for row in ok),
        shuttle_vehicles=sum(row.shuttle_vehicles or 0 for row in ok))
