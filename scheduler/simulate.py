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
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import simpy

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario


@dataclass(frozen=True)
class Behaviour:
    """How people and desks deviate from the plan (defaults: a punctual rural round)."""

    lateness_mean_min: float = 3.0
    lateness_sd_min: float = 8.0
    no_show: float = 0.02
    service_cv: float = 0.3


@dataclass(frozen=True)
class QueueRun:
    peak_queue: int
    finish: float
    mean_wait: float


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


def _working_desks(plan: dict, unit: str, desks: int) -> list[tuple[float, int]]:
    """Desks with a sampler at them, at each change point of the unit's sampler shifts."""
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
                  behaviour: Behaviour = Behaviour()) -> list[dict]:
    """Replicate every unit's day ``runs`` times; one row of statistics per unit."""
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
        sigma = math.sqrt(math.log(1 + behaviour.service_cv**2))
        working = _working_desks(plan, uid, desks[uid])
        peaks, finishes = [], []
        for _ in range(runs):
            times = []
            for x in slots[uid]:
                came = rng.binomial(x["people"], 1 - behaviour.no_show)
                t = x["start"] + rng.uniform(0, x["end"] - x["start"], came)
                t = t + np.clip(rng.normal(behaviour.lateness_mean_min, behaviour.lateness_sd_min, came),
                                -(x["end"] - x["start"]) / 2, x["end"] - x["start"])
                times.append(t)
            arr = np.concatenate(times) if times else np.zeros(0)
            swab = rng.lognormal(math.log(mean) - sigma**2 / 2, sigma, len(arr))
            r = simulate_queue(arr, swab, working, open_at=day["open"])
            peaks.append(r.peak_queue)
            finishes.append(r.finish)
        peaks_a, fin_a = np.array(peaks), np.array(finishes)
        rows.append({
            "unit": uid, "planned_peak": day["peak_queue"], "planned_finish": day["finish"],
            "peak_p50": float(np.percentile(peaks_a, 50)), "peak_p95": float(np.percentile(peaks_a, 95)),
            "finish_p50": float(np.percentile(fin_a, 50)), "finish_p95": float(np.percentile(fin_a, 95)),
            "p_over_room": float(np.mean(peaks_a > room[uid])), "p_late": float(np.mean(fin_a > p.deadline)),
        })
    return rows


def simulate_main(args) -> int:
    """``natplan simulate OUT/plan.json --scenario S --runs N``: print the table."""
    from rich.console import Console
    from rich.table import Table

    from natplan.models.loader import load_scenario
    from natplan.models.problems import InputError

    loaded = load_scenario(args.scenario)
    try:
        plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single(str(args.plan), "file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError.single(str(args.plan), f"not a plan.json ({e})") from None
    if args.runs < 1:
        raise InputError.single("--runs", "must be at least 1")
    rows = simulate_plan(loaded.scenario, plan, runs=args.runs, seed=args.seed)
    table = Table(title=f"{args.plan}: {args.runs} runs, seed {args.seed}")
    for col in ("unit", "peak plan", "peak P50", "peak P95", "finish plan", "finish P50", "finish P95",
                "P(>room)", "P(late)"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(r["unit"], f"{r['planned_peak']:.0f}", f"{r['peak_p50']:.0f}", f"{r['peak_p95']:.0f}",
                      hm(r["planned_finish"]), hm(r["finish_p50"]), hm(r["finish_p95"]),
                      f"{r['p_over_room']:.0%}", f"{r['p_late']:.0%}")
    Console(width=120).print(table)
    worst = max(rows, key=lambda r: (r["p_late"], r["p_over_room"], r["finish_p95"]))
    print(f"summary: worst unit {worst['unit']}: P95 finish {hm(worst['finish_p95'])}, "
          f"P95 peak queue {worst['peak_p95']:.0f}, P(late) {worst['p_late']:.0%}, P(>room) {worst['p_over_room']:.0%}")
    return 0
