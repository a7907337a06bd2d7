"""One township of a city as a job: plain data in (:class:`TownshipJob`), the bytes of its files and the figures
the city's join needs out (:class:`TownshipOutcome`).

No solver object crosses a process boundary, so a job runs the same in a
local process pool or on a Dask worker (:mod:`natplan.scheduler.city` runs
them).  A job planned again for a shared lab — a later start (错峰), minutes
of the age limit kept for the lab's queue, a share of its rate — reuses its
first pass's joint stage when only the lab changed (a cache folder this
machine shares between passes).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from natplan.models.city import City, CityLab
from natplan.models.plan import Explanation, Kpis

__all__ = ["TownshipJob", "TownshipOutcome", "oldest_by_source", "shared_queue_fields", "township_job"]


@dataclass(frozen=True)
class TownshipJob:
    """One township to plan: frozen models and plain values only, so it pickles to any process or machine."""

    city: City
    township: str  # its id
    lab: CityLab  # the lab the city sends it to
    wkb: bytes | None  # its boundary (None for a township with its own scenario file)
    base: Path  # the city file's folder, for ``scenario:`` paths
    time_limit: float
    render: bool  # also lay out its printed set (PDF, HTML, Excel)
    lang: str
    printed_at: str
    tubes_per_hour: int | None = None  # its share of the lab's capacity, for its shuttles to count (None: none)
    start_delay_min: int = 0  # it starts this much after the round's start, so that a shared lab keeps up (错峰)
    shared_queue: tuple[int, int] | None = None  # minutes of the age limit kept for the lab's shared queue, by all
    # its samples and by its home-visit samples (None: none)
    joint_cache: str | None = None  # a folder this machine shares between passes: the joint stage kept there


@dataclass(frozen=True)
class TownshipOutcome:
    """What one township job gives back: its files' bytes and the figures the join needs.

    A township that could not be planned has its problems and no plan
    (``plan_sha256`` and ``kpis`` None); ``files`` may still hold its scenario.
    """

    id: str
    files: dict[str, bytes] = field(default_factory=dict)  # by name within the township's folder
    scenario_sha256: str = ""
    plan_sha256: str | None = None
    kpis: Kpis | None = None
    shuttle_vehicles: int | None = None
    arrivals: list[tuple[int, int]] = field(default_factory=list)  # (minute, tubes) of each shuttle at the lab
    oldest_swabs: list[float] = field(default_factory=list)  # the oldest swab of each of those shuttles
    oldest_home: list[float | None] = field(default_factory=list)  # ... of its home-visit samples (None: none)
    oldest_other: list[float | None] = field(default_factory=list)  # ... of its other samples (None: none)
    problems: list[Explanation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    start_delay_min: int = 0  # as its job had them
    shared_queue: tuple[int, int] | None = None


def township_job(job: TownshipJob) -> TownshipOutcome:
    """Plan one township (safe to run in any process or on any machine).

    Parameters
    ----------
    job
        The township, its city and lab, the budget and what to lay out.

    Returns
    -------
    TownshipOutcome
        Its files and figures.  A township that cannot be planned — a broken
        scenario file of its own, or a failure inside — comes back with its
        problems; the other townships go on.
    """
    from natplan.models.problems import InputError

    t0 = time.process_time()
    try:
        return replace(_township_job(job), cpu_s=time.process_time() - t0)
    except InputError as e:
        problems = [Explanation(where=job.township, problem=p.format(e.file)) for p in e.problems]
    except Exception as e:  # noqa: BLE001 — one township's failure must not lose the city's other plans
        problems = [Explanation(where=job.township, problem=f"planning failed: {type(e).__name__}: {e}",
                                fix="report this to the natplan developers with the city file")]
    return TownshipOutcome(job.township, problems=problems, cpu_s=time.process_time() - t0)


def _township_job(job: TownshipJob) -> TownshipOutcome:
    from natplan.models.checks import run_checks
    from natplan.models.generate import scenario_to_yaml
    from natplan.models.loader import LoadedScenario, load_scenario
    from natplan.models.scenario import Lab
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.pipeline import plan_round
    from shapely import from_wkb

    from natplan.planfile import plan_json

    city, lab = job.city, job.lab
    t = next(x for x in city.townships if x.id == job.township)
    town_lab = Lab(id=lab.id, name=lab.name, location=lab.location, handover_min=lab.handover_min)
    boundary = None
    if t.scenario is not None:
        own = load_scenario(job.base / t.scenario, travel=TRAVEL)
        scenario = own.scenario.model_copy(update={"lab": town_lab})
        geometry = own.geometry
        if own.geometry is not None and isinstance(scenario.region.boundary, str):
            boundary = (job.base / t.scenario).parent / scenario.region.boundary
    else:
        from natplan.models.city import township_scenario

        geometry = from_wkb(job.wkb)
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
    if job.tubes_per_hour is not None:  # planned again: its shuttles count its share of a shared lab's queue
        scenario = scenario.model_copy(update={"lab": scenario.lab.model_copy(
            update={"tubes_per_hour": job.tubes_per_hour})})
    if job.start_delay_min:  # planned again: it starts later than the others at its lab (错峰)
        scenario = scenario.model_copy(update={"parameters": scenario.parameters.model_copy(
            update={"start": scenario.parameters.start + job.start_delay_min})})
    if job.shared_queue:  # planned again: its samples reach the lab young enough to wait in the shared queue
        scenario = scenario.model_copy(update={"lab": scenario.lab.model_copy(
            update=shared_queue_fields(job.shared_queue))})
    if "boundary.geojson" in files:
        scenario = scenario.model_copy(update={"region": scenario.region.model_copy(update={"boundary": "boundary.geojson"})})
    text = scenario_to_yaml(scenario, scenario.description or "", fast=True).encode()
    files["scenario.yaml"] = text
    digest = hashlib.sha256(text).hexdigest()
    found = run_checks(scenario, geometry, TRAVEL)
    errors = [p for p in found if p.severity == "error"]
    warnings = [p.format("scenario.yaml") for p in found if p.severity != "error"]
    if errors:
        return TownshipOutcome(t.id, files, digest, warnings=warnings,
                               problems=[Explanation(where=t.id, problem=p.format("scenario.yaml")) for p in errors])
    loaded = LoadedScenario(scenario, Path("scenario.yaml"), digest, geometry, tuple(warnings))
    # planned again (another lab capacity): the joint stage, which does not read the lab, is the first pass's
    key = _joint_key(scenario, job.time_limit)
    kept = _kept_joint(job.joint_cache, t.id, key)
    outcome = plan_round(loaded, time_limit=job.time_limit, late_ok=True, joint=kept,  # a late township is planned
                         on_joint=None if job.joint_cache is None or kept is not None  # and says why
                         else lambda jr: _keep_joint(job.joint_cache, t.id, key, jr))
    warnings = list(outcome.warnings)
    if outcome.plan is None:
        return TownshipOutcome(t.id, files, digest, warnings=warnings, problems=list(outcome.problems))
    plan = outcome.plan
    if job.start_delay_min:  # the township's own set says why it starts later than the city
        from natplan.models.clock import format_clock as hm

        p = city.parameters
        plan = plan.model_copy(update={"warnings": plan.warnings + [
            f"the city starts this township {job.start_delay_min} min after its start ({hm(scenario.parameters.start)} "
            f"instead of {hm(p.start)}), so that lab {lab.id}'s queue, shared with other townships, keeps the "
            f"{p.sample_age_limit_min}-min age limit"]})
    files["plan.json"] = pj = plan_json(plan)
    if job.render:
        from natplan.templates.outputs import render_outputs

        rendered, render_warnings = render_outputs(plan, scenario, geometry, lang=job.lang,
                                                   printed_at=job.printed_at)
        files.update(rendered)
        warnings += render_warnings
    return TownshipOutcome(t.id, files, digest, plan_sha256=hashlib.sha256(pj).hexdigest(), kpis=plan.kpis,
                           shuttle_vehicles=plan.routing.shuttles.vehicles_used,
                           arrivals=[(tr.arrive, tr.tubes) for tr in plan.routing.shuttles.trips if tr.tubes],
                           oldest_swabs=[tr.oldest_swab for tr in plan.routing.shuttles.trips if tr.tubes],
                           **dict(zip(("oldest_home", "oldest_other"), oldest_by_source(plan, scenario))),
                           problems=list(outcome.late), warnings=warnings, start_delay_min=job.start_delay_min,
                           shared_queue=job.shared_queue)


def _joint_key(scenario, time_limit: float) -> str:
    """What the joint stage depends on: the scenario but its lab, and the budget."""
    return hashlib.sha256(scenario.model_dump_json(exclude={"lab"}).encode() + repr(time_limit).encode()).hexdigest()


def _kept_joint(folder: str | None, township: str, key: str):
    """The joint stage kept by :func:`_keep_joint` for this key, or None (none kept, another key, unreadable)."""
    import pickle

    if folder is None:
        return None
    try:
        with open(Path(folder) / f"{township}.joint", "rb") as f:
            found, jr = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return jr if found == key else None


def _keep_joint(folder: str, township: str, key: str, jr) -> None:
    """Keep a township's joint stage for a second pass (a folder that is not there keeps nothing)."""
    import os
    import pickle

    path = Path(folder) / f"{township}.joint"
    try:
        with open(f"{path}.{os.getpid()}", "wb") as f:
            pickle.dump((key, jr), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f"{path}.{os.getpid()}", path)
    except OSError:
        pass


def shared_queue_fields(kept: tuple[int, int] | None) -> dict[str, int | None]:
    """Minutes kept for a shared lab's queue (all samples, home-visit samples) as the fields that hold them, in a
    scenario's lab and in the city plan's township row: each None when it keeps none, the home-visit minutes only
    when they are more.

    >>> shared_queue_fields((0, 4)), shared_queue_fields((6, 6)), shared_queue_fields(None)["shared_queue_min"]
    ({'shared_queue_min': None, 'shared_queue_home_min': 4}, {'shared_queue_min': 6, 'shared_queue_home_min': None}, None)
    """
    every, home = kept or (0, 0)
    return {"shared_queue_min": every or None, "shared_queue_home_min": home if home > every else None}


def oldest_by_source(plan, s) -> tuple[list[float | None], list[float | None]]:
    """For each shuttle trip with tubes (in the plan's order): the oldest swab of its home-visit samples and of
    its other samples (None where it carries none).  A box is ready at the station when it is there and handed
    over (``fleet.station_handover_min``) and leaves on the first departure at or after that, as verify has it
    (:func:`natplan.scheduler.verify.samples.samples_within_age`)."""
    import bisect

    h = s.fleet.station_handover_min
    trips = plan.routing.shuttles.trips
    departs = sorted({tr.depart for tr in trips})
    home: dict[int, float] = {}
    other: dict[int, float] = {}

    def put(into: dict[int, float], ready: float, swab: float) -> None:
        k = bisect.bisect_left(departs, ready)
        if k < len(departs):
            into[departs[k]] = min(into.get(departs[k], math.inf), swab)

    for zc in plan.routing.zones:
        for route in zc.routes:
            for lp in route.loops:
                ready = (lp.back if lp.at_station is None else lp.at_station) + h
                for st in lp.stops:
                    if st.tubes:
                        put(other, ready, st.earliest_swab)
    for team in plan.staffing.home_teams:
        for a, b in team.trips:
            times = [t for _, t in team.stops if a <= t <= b]
            if times:
                put(home, b + h, min(times))
    kept = [tr for tr in trips if tr.tubes]
    return [home.get(tr.depart) for tr in kept], [other.get(tr.depart) for tr in kept]
