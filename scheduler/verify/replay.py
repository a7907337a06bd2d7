"""What verify works out again from a plan instead of believing it: each unit's swabs, and each box's shuttle.

:func:`replay_units` replays every unit's day from its slots alone, at the
rate re-derived from the scenario's desks and the rosters (each minute, the
desks with a sampler at work: :func:`natplan.scheduler.verify.queues.rate_steps`),
as a fluid queue a minute at a time: the people of a slot arrive evenly over it, and the unit
swabs at its rate while anyone waits, from its opening.  From that replay
come the unit's finish, its peak queue and its swab curve: who was swabbed
by when, hence which tubes were closed by each pickup and when their oldest
swab was taken.

:func:`station_arrivals` lists the boxes reaching the transfer station (from
the courier loops and the home-visit trips), and :func:`shuttle_loads` puts
each on the first shuttle that leaves at or after it arrives, as the planner
promises; the plan's own tubes per shuttle are then compared with that.

Plain arithmetic on plain data: nothing here imports the solvers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.queues import rate_steps, unit_spans

REPLAY_LIMIT_MIN = 3 * 24 * 60
"""The longest day replayed; a unit still swabbing after that is reported as never finishing."""


@dataclass(frozen=True)
class UnitReplay:
    """One unit's day replayed minute by minute.

    ``swabbed[k]`` is the people swabbed before minute ``t0 + k``; ``finish``
    is when the last one is swabbed (``inf`` if never within
    :data:`REPLAY_LIMIT_MIN`); ``peak`` is the most people waiting at the end
    of a minute.
    """

    unit: str
    t0: int
    people: float
    swabbed: np.ndarray
    waiting: np.ndarray  # people waiting at minute t0 + k, as swabbed
    finish: float
    peak: float

    def swabbed_by(self, minute: float) -> float:
        """People swabbed before ``minute`` (whole minutes; the plan's times are whole minutes)."""
        k = int(math.floor(minute)) - self.t0
        if k <= 0:
            return 0.0
        return float(self.swabbed[min(k, len(self.swabbed) - 1)])

    def waiting_at(self, minute: int) -> float:
        """People waiting at ``minute`` (none before the replay starts, the last count after it ends)."""
        k = int(minute) - self.t0
        return 0.0 if k < 0 else float(self.waiting[min(k, len(self.waiting) - 1)])

    def swab_minute(self, person: float) -> float:
        """The end of the minute in which the ``person``-th person (1-based) is swabbed."""
        k = int(np.searchsorted(self.swabbed, person - 1e-9, side="left"))
        return float(self.t0 + min(k, len(self.swabbed) - 1))


def replay_unit(unit: str, steps: list[tuple[int, float]], slots: list[dict], open_: int | None = None) -> UnitReplay:
    """Replay one unit: its slots' people arrive evenly, and are swabbed at the rate of the step function ``steps``.

    Parameters
    ----------
    unit
        The unit's id.
    steps
        Its rate, people an hour, as ``[(from minute, rate), …]`` in time order; 0 before the first step
        (:func:`natplan.scheduler.verify.queues.rate_steps`).
    slots
        Its slots as in plan.json (``start``, ``end``, ``people``), each with ``end > start``.
    open_
        Its opening, if the replay is to start before its first slot.

    Returns
    -------
    UnitReplay
    """
    people = float(sum(x["people"] for x in slots))
    starts = [x["start"] for x in slots] + ([open_] if open_ is not None else [])
    t0 = min(starts) if starts else 0
    last = max([t0, *(x["end"] for x in slots), *(t for t, _ in steps)])
    best = max((r for _, r in steps), default=0.0) / 60
    need = people / best if best > 0 else math.inf
    horizon = int(min(REPLAY_LIMIT_MIN, last - t0 + math.ceil(min(need, REPLAY_LIMIT_MIN)) + 2))
    inflow = np.zeros(horizon)
    for x in slots:
        a, b = max(0, x["start"] - t0), min(horizon, x["end"] - t0)
        if b > a:
            inflow[a:b] += x["people"] / (x["end"] - x["start"])
    rate = np.zeros(horizon)
    for (t, r), nxt in zip(steps, [*(t for t, _ in steps[1:]), t0 + horizon]):
        rate[max(0, t - t0):max(0, min(horizon, nxt - t0))] = r / 60
    swabbed = np.zeros(horizon + 1)
    waiting_at = np.zeros(horizon + 1)
    queue, peak, finish, done = 0.0, 0.0, math.inf, 0.0
    for k in range(horizon):
        waiting = queue + inflow[k]
        served = min(rate[k], waiting)
        queue = waiting - served
        peak = max(peak, queue)
        done += served
        swabbed[k + 1] = done
        waiting_at[k + 1] = queue
        if served > 1e-9 and done >= people - 1e-6:
            finish = t0 + k + (served / rate[k] if queue <= 1e-9 and served < rate[k] else 1.0)
            swabbed, waiting_at = swabbed[:k + 2], waiting_at[:k + 2]
            break
    if people <= 0:
        finish = float(t0)
    return UnitReplay(unit, t0, people, swabbed, waiting_at, finish, peak)


def replay_units(s: Scenario, plan: dict) -> dict[str, UnitReplay]:
    """Every unit that has slots and a group, replayed (:func:`replay_unit`) at its rosters' rate, by unit id.

    Parameters
    ----------
    s
        The scenario (the rates are re-derived from its desks and the rosters).
    plan
        The plan as plain data; its visits name only units of the scenario.

    Returns
    -------
    dict[str, UnitReplay]
    """
    steps = rate_steps(s, plan)
    span = unit_spans(plan)
    by_unit: dict[str, list[dict]] = {}
    for x in plan["slots"]:
        by_unit.setdefault(x["unit"], []).append(x)
    return {uid: replay_unit(uid, steps.get(uid, []), xs, span[uid]["open"])
            for uid, xs in by_unit.items() if uid in span}


def pickups(plan: dict) -> Iterator[tuple[dict, dict, dict]]:
    """Every courier pickup as ``(route, loop, stop)``, route by route, loop by loop, in stop order."""
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                for st in lp["stops"]:
                    yield route, lp, st


@dataclass(frozen=True)
class Arrival:
    """Tubes reaching the transfer station: when, how many, their oldest swab, and from where (in words)."""

    minute: float
    tubes: int
    oldest_swab: float
    source: str


def station_arrivals(s: Scenario, plan: dict) -> list[Arrival]:
    """The tubes each courier loop and each home-visit trip brings to the station.

    A loop brings its pickups' tubes when it is back; a home-visit trip brings
    ``ceil(visits / pooling ratio)`` tubes when it is back, the oldest swab
    being its first visit.
    """
    pool = s.parameters.pooling_ratio
    h = s.fleet.station_handover_min  # a box may leave once it is handed over and signed
    out = []
    for route, lp, st in pickups(plan):
        if st["tubes"]:
            at = lp["back"] if lp.get("at_station") is None else lp["at_station"]  # a relay's: when it is back
            out.append(Arrival(at + h, st["tubes"], st["earliest_swab"],
                               f"the box of {st['unit']} picked up at {hm(st['time'])} by {route['vehicle']}"))
    for team in plan["staffing"]["home_teams"]:
        for a, b in team["trips"]:
            times = [t for _, t in team["stops"] if a <= t <= b]
            if times:
                out.append(Arrival(b + h, -(-len(times) // pool), min(times), f"home-visit team {team['team']}"))
    return out


@dataclass(frozen=True)
class ShuttleLoad:
    """What one shuttle trip should carry: the tubes that reached the station since the shuttle before it."""

    tubes: int
    oldest_swab: float | None


def shuttle_loads(s: Scenario, plan: dict) -> tuple[list[ShuttleLoad], list[Arrival]]:
    """Each shuttle trip's load (trips in plan order), and the arrivals no shuttle leaves after.

    A box goes on the first shuttle that leaves at or after it is ready at the station.  A departure with more
    boxes than one vehicle holds leaves on several vehicles at once: those trips share the departure's load (each
    is given its own tubes, as long as they add up to the departure's).
    """
    trips = plan["routing"]["shuttles"]["trips"]
    order = sorted(range(len(trips)), key=lambda j: (trips[j]["depart"], j))
    departs = sorted({trips[j]["depart"] for j in order})
    tubes = [0] * len(departs)
    oldest: list[float | None] = [None] * len(departs)
    stranded = []
    for a in station_arrivals(s, plan):
        k = int(np.searchsorted(departs, a.minute, side="left"))
        if k == len(departs):
            stranded.append(a)
            continue
        tubes[k] += a.tubes
        oldest[k] = a.oldest_swab if oldest[k] is None else min(oldest[k], a.oldest_swab)
    out = [ShuttleLoad(0, None)] * len(trips)
    for k, d in enumerate(departs):
        group = [j for j in order if trips[j]["depart"] == d]
        stated = sum(trips[j]["tubes"] for j in group)
        for j in group:
            share = trips[j]["tubes"] if stated == tubes[k] else (tubes[k] if j == group[0] else 0)
            out[j] = ShuttleLoad(share, oldest[k])
    return out, stranded
