"""Many replications of a round's day, in parallel: every unit's queue, and the age of its samples.

:func:`simulate_round` is the library's ``natplan simulate``.  Each
replication draws, for every unit, who comes and when, how long each swab
takes (the model of :mod:`natplan.scheduler.simulate`), and how long each
van drive takes (:mod:`natplan.scheduler.sample_age`); then it replays the
queues and the courier timetable.  The result per unit is the P50/P95 of the
peak queue and of the finish, the mean wait, the chance of passing the
waiting room or the deadline, and the P95 of the oldest sample at the lab
with the chance of passing the age limit.

Two queue engines give the same distribution:

- ``"fast"`` (the default): the queue as a recursion over sorted arrivals
  (:func:`natplan.scheduler.simulate_fast.queue_days`), vectorised over the
  replications of a chunk, with the draws vectorised over all people;
- ``"simpy"``: the reference, :func:`natplan.scheduler.simulate.simulate_queue`
  on the draws of :func:`natplan.scheduler.simulate.draw_day`, one day at a time.

Seeding: replication ``r`` draws from its own stream, ``SeedSequence(seed)``'s
child ``r`` (its first grandchild for the queues, its second for the vans), so
the numbers depend on the plan, the seed, the runs, the behaviour and the
engine, never on how many workers run them or how the runs are cut into chunks.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.scheduler.sample_age import AgeModel, age_model, factors_needed, planned_unit_ages, worst_ages
from natplan.scheduler.simulate import (Behaviour, UnitSimulation, draw_day, lognormal_params, simulate_queue,
                                        unit_statistics, working_desks)
from natplan.scheduler.simulate_fast import queue_days

ENGINES = ("fast", "simpy")
_MOST_PER_CHUNK = 200  # replications a fast job holds at most (about 110 MB of draws for 33,000 people)


@dataclass(frozen=True)
class UnitAge:
    """The oldest sample of one unit at the lab, planned and simulated (minutes from swab to handover)."""

    unit: str
    planned: float  # the plan's timetable
    age_p50: float
    age_p95: float
    p_over_limit: float  # share of runs in which a sample of the unit passes the age limit


@dataclass(frozen=True)
class RoundSimulation:
    """What :func:`simulate_round` found: one row per unit for the queues, one per unit for the ages."""

    runs: int
    seed: int
    engine: str
    behaviour: Behaviour
    age_limit: int  # the scenario's sample age limit, minutes
    deadline: int  # the scenario's deadline, minute of the day
    units: tuple[UnitSimulation, ...]  # by unit id
    ages: tuple[UnitAge, ...]  # by unit id; units that hand over no tubes are left out

    def age_of(self, unit: str) -> UnitAge | None:
        """The age row of ``unit``, or None when it hands over no tubes."""
        return next((a for a in self.ages if a.unit == unit), None)

    def worst_unit(self) -> UnitSimulation:
        """The unit most likely to finish late, then to pass its waiting room, then latest at P95."""
        return max(self.units, key=lambda r: (r.p_late, r.p_over_room, r.finish_p95))

    def worst_age(self) -> UnitAge | None:
        """The unit most likely to pass the age limit, then oldest at P95 (None without tubes)."""
        return max(self.ages, key=lambda a: (a.p_over_limit, a.age_p95), default=None)


@dataclass(frozen=True, eq=False)
class _Town:
    """Everything a replication needs, as plain picklable data (sent to the workers)."""

    units: tuple[str, ...]
    opens: tuple[float, ...]
    desks: tuple[tuple[tuple[float, int], ...], ...]
    slots: tuple[tuple[dict, ...], ...]  # each unit's slots, as in the plan
    swab_mean: float
    behaviour: Behaviour
    engine: str
    ages: AgeModel
    # the people of all units in a row, unit by unit and slot by slot (for the vectorised draws)
    slot_start: np.ndarray = field(repr=False)
    slot_length: np.ndarray = field(repr=False)
    bounds: tuple[int, ...] = field(repr=False)  # unit k's people are [bounds[k], bounds[k + 1])


@dataclass(frozen=True, eq=False)
class Replications:
    """Every simulated day, one row per replication (:func:`replicate`); columns follow ``units`` / ``age_units``."""

    units: tuple[str, ...]  # the plan's open units, by id
    peak: np.ndarray  # (runs, units): most people waiting at once
    finish: np.ndarray  # (runs, units): minute of the last swab
    wait: np.ndarray  # (runs, units): mean minutes from arrival to the desk
    age_units: tuple[str, ...]  # the units that hand over tubes, by id
    age: np.ndarray  # (runs, age_units): the unit's oldest sample at the lab, minutes since its swab

    @staticmethod
    def join(parts: list[Replications]) -> Replications:
        """The replications of ``parts``, one after the other."""
        peak, finish, wait, age = (np.concatenate([getattr(x, k) for x in parts])
                                   for k in ("peak", "finish", "wait", "age"))
        return Replications(parts[0].units, peak, finish, wait, parts[0].age_units, age)


def simulate_round(scenario: Scenario, plan: Plan | dict, runs: int = 200, seed: int = 0,
                   workers: int | None = None, engine: str = "fast", behaviour: Behaviour = Behaviour(),
                   progress: Callable[[int, int], None] | None = None) -> RoundSimulation:
    """Replicate the round's day ``runs`` times: queues per unit, and the age of each unit's samples.

    Parameters
    ----------
    scenario
        The scenario the plan was made from (desks, waiting rooms, deadline, age limit, swab rate).
    plan
        The plan, as :class:`~natplan.models.plan.Plan` or as plain data (plan.json).
    runs
        Replications.
    seed
        Seed of the draws; the same plan, seed, runs, behaviour and engine give the same numbers.
    workers
        Processes (default: one per core).  The numbers do not depend on it.
    engine
        ``"fast"`` (the recursion of :mod:`natplan.scheduler.simulate_fast`) or ``"simpy"`` (the reference).
    behaviour
        How people, desks and vans deviate from the plan.
    progress
        ``progress(done, runs)`` each time a chunk of replications is done.

    Returns
    -------
    RoundSimulation
        One row per unit for the queues and one for the sample ages.

    Raises
    ------
    ValueError
        For an unknown engine, fewer than one run or worker, or a negative seed.
    """
    data = plan.model_dump(mode="json") if isinstance(plan, BaseModel) else plan
    reps = replicate(scenario, data, runs, seed, workers, engine, behaviour, progress)
    p = scenario.parameters
    room = {u.id: u.waiting_room for u in scenario.units}
    days = {d["unit"]: d for d in data["units"]}
    units = tuple(unit_statistics(days[uid], room[uid], p.deadline, reps.peak[:, k], reps.finish[:, k], reps.wait[:, k])
                  for k, uid in enumerate(reps.units))
    planned = planned_unit_ages(data)
    limit = p.sample_age_limit_min
    ages = tuple(UnitAge(unit=uid, planned=planned[uid], age_p50=float(np.percentile(reps.age[:, k], 50)),
                         age_p95=float(np.percentile(reps.age[:, k], 95)),
                         p_over_limit=float(np.mean(reps.age[:, k] > limit)))
                 for k, uid in enumerate(reps.age_units))
    return RoundSimulation(runs=runs, seed=seed, engine=engine, behaviour=behaviour, age_limit=limit,
                           deadline=p.deadline, units=units, ages=ages)


def replicate(scenario: Scenario, plan: Plan | dict, runs: int = 200, seed: int = 0, workers: int | None = None,
              engine: str = "fast", behaviour: Behaviour = Behaviour(),
              progress: Callable[[int, int], None] | None = None) -> Replications:
    """Every replication's figures, before they are summed up (the arguments as for :func:`simulate_round`).

    Returns
    -------
    Replications
        Per replication and unit: peak queue, finish, mean wait and oldest sample at the lab.

    Raises
    ------
    ValueError
        For an unknown engine, fewer than one run or worker, or a negative seed.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    data = plan.model_dump(mode="json") if isinstance(plan, BaseModel) else plan
    town = _town(scenario, data, behaviour, engine)
    size = _chunk_size(runs, workers, engine)
    chunks = [(seed, first, min(runs, first + size)) for first in range(0, runs, size)]
    return Replications.join(_run_chunks(town, chunks, workers, runs, progress))


def _chunk_size(runs: int, workers: int, engine: str) -> int:
    """Replications per job: the fast engine costs about the same for one replication as for a few
    hundred, so it gets one chunk a worker (more when they grow too big); the reference gets small
    ones, so that the progress moves."""
    if engine == "fast":
        pieces = workers * math.ceil(runs / (workers * _MOST_PER_CHUNK))
    else:
        pieces = workers * 8
    return math.ceil(runs / min(runs, pieces))


def _town(s: Scenario, plan: dict, behaviour: Behaviour, engine: str) -> _Town:
    """The plan's open units, their slots, people and desks, and its courier timetable."""
    desks = {u.id: u.desks for u in s.units}
    slots = defaultdict(list)
    for x in plan["slots"]:
        slots[x["unit"]].append(x)
    days = sorted(plan["units"], key=lambda d: d["unit"])
    starts, lengths, bounds = [], [], [0]
    for d in days:
        for x in slots[d["unit"]]:
            starts += [x["start"]] * x["people"]
            lengths += [x["end"] - x["start"]] * x["people"]
        bounds.append(len(starts))
    return _Town(
        units=tuple(d["unit"] for d in days), opens=tuple(float(d["open"]) for d in days),
        desks=tuple(tuple(working_desks(plan, d["unit"], desks[d["unit"]])) for d in days),
        slots=tuple(tuple(slots[d["unit"]]) for d in days), swab_mean=60.0 / s.parameters.throughput_per_desk_per_hour,
        behaviour=behaviour, engine=engine, ages=age_model(plan),
        slot_start=np.array(starts, dtype=float), slot_length=np.array(lengths, dtype=float), bounds=tuple(bounds))


def _run_chunks(town: _Town, chunks: list[tuple[int, int, int]], workers: int, runs: int,
                progress: Callable[[int, int], None] | None) -> list[Replications]:
    """Every chunk, in order; in a pool of worker processes when there are several of both."""
    done = 0
    if workers <= 1 or len(chunks) <= 1:
        parts = []
        for c in chunks:
            parts.append(_replicate(town, *c))
            done += c[2] - c[1]
            if progress:
                progress(done, runs)
        return parts
    from concurrent.futures import as_completed

    from natplan.processes import stop_pool, worker_pool

    pool = worker_pool(max_workers=min(workers, len(chunks)))
    try:
        futures = {pool.submit(_replicate, town, *c): k for k, c in enumerate(chunks)}
        parts: list[Replications | None] = [None] * len(chunks)
        for fut in as_completed(futures):
            k = futures[fut]
            parts[k] = fut.result()
            done += chunks[k][2] - chunks[k][1]
            if progress:
                progress(done, runs)
    finally:
        stop_pool(pool)
    return parts


def _replicate(town: _Town, seed: int, first: int, last: int) -> Replications:
    """Replications ``first … last - 1`` of every unit's day and of the courier timetable."""
    streams = [np.random.SeedSequence(seed, spawn_key=(r,)).spawn(2) for r in range(first, last)]
    people, vans = ([np.random.default_rng(s[k]) for s in streams] for k in (0, 1))
    if town.engine == "fast":
        peak, finish, wait = _queues_fast(town, people)
    else:
        peak, finish, wait = _queues_simpy(town, people)
    b = town.behaviour
    mu, sigma = lognormal_params(b.travel_factor, b.travel_cv)
    need = factors_needed(town.ages)
    factors = np.array([rng.lognormal(mu, sigma, need) for rng in vans]).reshape(len(vans), need)
    return Replications(town.units, peak, finish, wait, town.ages.units, worst_ages(town.ages, factors))


def _queues_fast(town: _Town, rngs: list[np.random.Generator]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unit's queue in all the chunk's replications: draws for all people at once, then the recursion."""
    b = town.behaviour
    mu, sigma = lognormal_params(town.swab_mean, b.service_cv)
    n, length = len(town.slot_start), town.slot_length
    early = -length / 2  # lateness is clipped to half a slot early, a slot late (as in draw_day)
    arrivals = np.empty((len(rngs), n))
    swabs = np.empty((len(rngs), n))
    for r, rng in enumerate(rngs):
        u = rng.random((2, n))
        late = np.clip(rng.normal(b.lateness_mean_min, b.lateness_sd_min, n), early, length)
        arr = arrivals[r]
        np.multiply(u[1], length, out=arr)
        arr += town.slot_start
        arr += late
        arr[u[0] >= 1 - b.no_show] = np.inf  # did not come
        swabs[r] = rng.lognormal(mu, sigma, n)
    out = np.empty((3, len(rngs), len(town.units)))
    for k, (lo, hi) in enumerate(zip(town.bounds, town.bounds[1:])):
        days = queue_days(np.sort(arrivals[:, lo:hi], axis=1), swabs[:, lo:hi], list(town.desks[k]), town.opens[k])
        out[:, :, k] = days.peak_queue, days.finish, days.mean_wait
    return out[0], out[1], out[2]


def _queues_simpy(town: _Town, rngs: list[np.random.Generator]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unit's queue in all the chunk's replications, with the SimPy reference, one day at a time."""
    out = np.empty((3, len(rngs), len(town.units)))
    for r, rng in enumerate(rngs):
        for k in range(len(town.units)):
            arrivals, swabs = draw_day(rng, list(town.slots[k]), town.behaviour, town.swab_mean)
            run = simulate_queue(arrivals, swabs, list(town.desks[k]), open_at=town.opens[k])
            out[:, r, k] = run.peak_queue, run.finish, run.mean_wait
    return out[0], out[1], out[2]
