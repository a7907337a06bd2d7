"""Check the slot plan by simulation: people come late or not at all, swabs take varying time.

The fluid model of :mod:`natplan.scheduler.slots` assumes steady arrivals and steady
sampling.  Here each unit's day is simulated with SimPy: the people of a
slot arrive at random moments within it, shifted by a random lateness, some
do not come; each desk is a server whose swab time varies (log-normal);
when samplers leave for gear changes and meals, desks stand empty (as the
plan's rosters say).  Over many replications the result per unit is the
P50/P95 of the peak queue and of the finish, and the probability of passing
the waiting room or the deadline.  Seeded: the same plan, seed and number of
runs give the same numbers.

This is the reference model.  ``natplan simulate`` runs it through
:func:`natplan.scheduler.replicate.simulate_round`, by default with the fast
engine of :mod:`natplan.scheduler.simulate_fast` (the same queue as a
recursion over sorted arrivals), which the tests hold to this one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import simpy

from natplan.models.scenario import Scenario


@dataclass(frozen=True)
class Behaviour:
    """How people, desks and vans deviate from the plan (defaults: a punctual rural round).

    Van drives (:mod:`natplan.scheduler.sample_age`) take their planned minutes
    times a log-normal factor of mean ``travel_factor`` and coefficient of
    variation ``travel_cv``; the queue model here does not use them.
    """

    lateness_mean_min: float = 3.0
    lateness_sd_min: float = 8.0
    no_show: float = 0.02
    service_cv: float = 0.3
    travel_cv: float = 0.2
    travel_factor: float = 1.0  # 1.3: every drive 30 % longer than planned, on average


@dataclass(frozen=True)
class QueueRun:
    """One simulated day of one unit."""

    peak_queue: int
    finish: float
    mean_wait: float


@dataclass(frozen=True)
class UnitSimulation:
    """One unit's plan beside its simulated days (:func:`simulate_plan`); times in minutes since midnight."""

    unit: str
    planned_peak: float  # the plan's peak queue
    planned_finish: float  # the plan's last swab
    peak_p50: float
    peak_p95: float
    finish_p50: float
    finish_p95: float
    p_over_room: float  # share of runs whose queue passes the waiting room
    p_late: float  # share of runs that finish after the deadline
    mean_wait: float  # minutes from arrival to the desk, over the people who came and the runs


def simulate_queue(arrivals: np.ndarray, service: np.ndarray, desks: list[tuple[float, int]],
                   open_at: float = 0.0) -> QueueRun:
    """One SimPy run of a multi-desk queue.

    Parameters
    ----------
    arrivals
        Arrival minutes (any order).
    service
        Swab minutes, one per arrival (in arrival order after sorting).
    desks
        Desks working from each change point: ``[(minute, desks), …]`` sorted;
        desks taken away are held by "break" processes, so a swab in progress
        is finished first.
    open_at
        Nobody is served before this minute.
    """
    env = simpy.Environment(initial_time=min(float(np.min(arrivals)) if len(arrivals) else 0.0, open_at))
    top = max(c for _, c in desks) if desks else 1
    res = simpy.PriorityResource(env, capacity=max(1, top))
    state = {"waiting": 0, "peak": 0, "finish": open_at, "wait": 0.0}
    order = np.argsort(arrivals, kind="stable")

    def person(t_arrive, swab):
        yield env.timeout(max(0.0, t_arrive - env.now))
        state["waiting"] += 1
        state["peak"] = max(state["peak"], state["waiting"])
        with res.request(priority=1) as req:
            yield req
            if env.now < open_at:
                yield env.timeout(open_at - env.now)
            state["waiting"] -= 1
            state["wait"] += env.now - t_arrive
            yield env.timeout(swab)
            state["finish"] = max(state["finish"], env.now)

    def breaks():
        # hold (top - working) desks at each change point
        held = []
        for t, working in desks:
            yield env.timeout(max(0.0, t - env.now))
            want = max(0, top - working)
            while len(held) > want:
                res.release(held.pop())
            while len(held) < want:
                req = res.request(priority=0)
                yield req
                held.append(req)

    for k, i in enumerate(order):
        env.process(person(float(arrivals[i]), float(service[k])))
    if desks and any(c < top for _, c in desks):
        env.process(breaks())
    env.run()
    n = max(1, len(arrivals))
    return QueueRun(state["peak"], state["finish"], state["wait"] / n)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C), in the time unit of the rates."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return math.inf
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (s + top) / (c * mu - lam)


def working_desks(plan: dict, unit: str, desks: int) -> list[tuple[float, int]]:
    """Desks with a sampler at them, at each change point of the unit's sampler shifts (all groups there)."""
    events = defaultdict(int)
    for sh in plan["staffing"]["shifts"]:
        if sh["unit"] == unit and sh["role"] == "sampler" and sh["kind"] == "work":
            events[sh["start"]] += 1
            events[sh["end"]] -= 1
    out, working = [], 0
    for t in sorted(events):
        working += events[t]
        out.append((float(t), min(desks, working)))
    # after the last shift the unit keeps its desks until the queue is empty (the group stays)
    if out:
        out[-1] = (out[-1][0], min(desks, max(c for _, c in out)))
    return out


def simulate_plan(s: Scenario, plan: dict, runs: int = 200, seed: int = 0,
                  behaviour: Behaviour = Behaviour()) -> list[UnitSimulation]:
    """Replicate every unit's day ``runs`` times.

    Parameters
    ----------
    s
        The scenario the plan was made from.
    plan
        The plan as plain data (as read from plan.json).
    runs
        Replications per unit.
    seed
        The same plan, seed and runs give the same statistics.
    behaviour
        How people and desks deviate from the plan.

    Returns
    -------
    list[UnitSimulation]
        One row of statistics per unit, by unit id.
    """
    p = s.parameters
    desks = {u.id: u.desks for u in s.units}
    room = {u.id: u.waiting_room for u in s.units}
    slots = defaultdict(list)
    for x in plan["slots"]:
        slots[x["unit"]].append(x)
    rows = []
    for k, day in enumerate(sorted(plan["units"], key=lambda d: d["unit"])):
        uid = day["unit"]
        rng = np.random.default_rng([seed, k])
        mean = 60.0 / p.throughput_per_desk_per_hour
        working = working_desks(plan, uid, desks[uid])
        days = [simulate_queue(*draw_day(rng, slots[uid], behaviour, mean), working, open_at=day["open"])
                for _ in range(runs)]
        rows.append(unit_statistics(day, room[uid], p.deadline, np.array([r.peak_queue for r in days]),
                                    np.array([r.finish for r in days]), np.array([r.mean_wait for r in days])))
    return rows


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the log-normal with this mean and coefficient of variation (numpy's parameters)."""
    sigma = math.sqrt(math.log(1 + cv**2))
    return math.log(mean) - sigma**2 / 2, sigma


def draw_day(rng: np.random.Generator, slots: list[dict], behaviour: Behaviour,
             swab_mean: float) -> tuple[np.ndarray, np.ndarray]:
    """One day at one unit: who of each slot comes, when, and how long each swab takes.

    Parameters
    ----------
    rng
        The stream to draw from.
    slots
        The unit's slots, as in the plan (``start``, ``end``, ``people``).
    behaviour
        No-shows, lateness and the swab time's variation.
    swab_mean
        Mean minutes a swab.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        Arrival minutes (slot by slot, unsorted) and one swab time per arrival.
    """
    times = []
    for x in slots:
        came = rng.binomial(x["people"], 1 - behaviour.no_show)
        t = x["start"] + rng.uniform(0, x["end"] - x["start"], came)
        t = t + np.clip(rng.normal(behaviour.lateness_mean_min, behaviour.lateness_sd_min, came),
                        -(x["end"] - x["start"]) / 2, x["end"] - x["start"])
        times.append(t)
    arr = np.concatenate(times) if times else np.zeros(0)
    mu, sigma = lognormal_params(swab_mean, behaviour.service_cv)
    return arr, rng.lognormal(mu, sigma, len(arr))


def unit_statistics(day: dict, room: int, deadline: int, peaks: np.ndarray, finishes: np.ndarray,
                    waits: np.ndarray) -> UnitSimulation:
    """One unit's row from its simulated days.

    Parameters
    ----------
    day
        The unit's day in the plan (``unit``, ``peak_queue``, ``finish``).
    room
        Its waiting room.
    deadline
        The round's deadline, minute of the day.
    peaks, finishes, waits
        Peak queue, finish and mean wait of each simulated day.

    Returns
    -------
    UnitSimulation
        Percentiles, shares and means over the days.
    """
    return UnitSimulation(
        unit=day["unit"], planned_peak=day["peak_queue"], planned_finish=day["finish"],
        peak_p50=float(np.percentile(peaks, 50)), peak_p95=float(np.percentile(peaks, 95)),
        finish_p50=float(np.percentile(finishes, 50)), finish_p95=float(np.percentile(finishes, 95)),
        p_over_room=float(np.mean(peaks > room)), p_late=float(np.mean(finishes > deadline)),
        mean_wait=float(np.mean(waits)),
    )

