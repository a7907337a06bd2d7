"""Shuttles from the transfer station to the lab, and the lab's queue.

The station's shuttle vehicles leave every ``cadence`` minutes with every
box that is ready (handed over and signed at the station); the cadence is
the longest (in 5-minute steps, from the shortest collection interval) that keeps every sample
:data:`AGE_MARGIN_MIN` under the age limit with the vehicles kept for shuttles,
or, where none can, the one that keeps the samples youngest, and the fewest vehicles that would still
meet the limit is reported beside it.  A departure with more boxes than one
vehicle holds goes out on several vehicles at once.

A sample's age counts until it is tested: when the lab's capacity is given
(``lab.tubes_per_hour``), the tubes of each trip join the lab's queue in
the order they arrive, and the trip is tested when the lab has taken up
its last tube (a fluid queue at that rate).  Without a capacity the lab
tests tubes as they arrive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import Explanation, Shuttles, ShuttleTrip
from natplan.models.scenario import Scenario, Vehicle, age_limit_min
from natplan.routing.network import lab_minutes

AGE_MARGIN_MIN = 30  # shuttles aim this far under the age limit when they can, for delays on the road
CADENCE_STEP_MIN = 5
LONGEST_CADENCE_MIN = 480


@dataclass(frozen=True)
class ShuttleResult:
    """The shuttles from the station to the lab (:func:`plan_shuttles`)."""

    shuttles: Shuttles
    problems: list[Explanation]  # too few vehicles for the cadence, the lab too far or too slow


def shortest_cadence(round_trip_min: int, vehicles: int, s: Scenario) -> int:
    """The shortest cadence (a multiple of 5 minutes, and no shorter than the shortest collection interval)
    that ``vehicles`` shuttles keep up with."""
    floor = min((z.interval_min for z in s.zones), default=30)
    return max(floor, math.ceil(round_trip_min / max(1, vehicles) / CADENCE_STEP_MIN) * CADENCE_STEP_MIN)


def tested_times(trips: list[tuple[int, int]], tubes_per_hour: int | None) -> list[float]:
    """When the lab has taken up the last tube of each trip: ``trips`` are (arrival, tubes) in any order.

    >>> tested_times([(600, 100), (660, 100)], 120)   # 100 tubes take 50 min: 650, then 660 + 50
    [650.0, 710.0]
    >>> tested_times([(600, 100)], None)
    [600.0]
    """
    if tubes_per_hour is None:
        return [float(a) for a, _ in trips]
    rate = tubes_per_hour / 60
    out = [0.0] * len(trips)
    free = -math.inf
    for k in sorted(range(len(trips)), key=lambda k: (trips[k][0], k)):
        arrive, tubes = trips[k]
        free = max(free, float(arrive)) + tubes / rate
        out[k] = free
    return out


def _vehicle_of(trips: list[tuple[int, int]], names: list[str], round_trip: int) -> list[str]:
    """The earliest-free kept vehicle for each trip (depart, back), in departure order."""
    free = {v: -math.inf for v in names}
    out = []
    for dep, _back in trips:
        ready = [v for v in names if free[v] <= dep]
        v = ready[0] if ready else min(names, key=lambda v: (free[v], names.index(v)))
        free[v] = dep + round_trip
        out.append(v)
    return out


def _departures(ready: np.ndarray, first: float, cadence: int) -> list[tuple[int, int, float]]:
    """Group ready boxes into departures every ``cadence`` min: (depart, tubes, oldest swab).

    ``ready`` is an array of rows (ready at, tubes, oldest swab); a box leaves on the first departure at or
    after it is ready.
    """
    start = math.ceil(first)
    k = np.maximum(0, np.ceil((ready[:, 0] - start) / cadence - 1e-9)).astype(np.int64)
    tubes = np.bincount(k, weights=ready[:, 1])
    oldest = np.full(len(tubes), np.inf)
    carry = ready[:, 1] > 0
    np.minimum.at(oldest, k[carry], ready[carry, 2])
    return [(start + int(j) * cadence, int(tubes[j]), float(oldest[j])) for j in np.nonzero(tubes > 0)[0]]


@dataclass(frozen=True)
class _Option:
    cadence: int
    worst: float
    vehicles: int
    trips: list[tuple[int, int, int, float, float | None]]  # (depart, tubes, boxes, oldest, tested)
    lab_wait: float


def _option(s: Scenario, ready: np.ndarray, first, cadence, capacity, trip, round_trip) -> _Option:
    per_box = s.parameters.tubes_per_box
    legs = []
    for dep, tubes, oldest in _departures(ready, first, cadence):
        boxes = math.ceil(tubes / per_box)
        n = max(1, math.ceil(boxes / capacity))  # a departure too big for one vehicle goes on several at once
        base, rest = divmod(tubes, n)
        for j in range(n):
            legs.append((dep, base + (j < rest), oldest))
    tested = tested_times([(dep + trip, tubes) for dep, tubes, _ in legs], s.lab.tubes_per_hour)
    out, worst, wait = [], 0.0, 0.0
    for (dep, tubes, oldest), done in zip(legs, tested):
        worst = max(worst, done - oldest)
        wait = max(wait, done - (dep + trip))
        out.append((dep, tubes, math.ceil(tubes / per_box), oldest,
                    None if s.lab.tubes_per_hour is None else math.ceil(done - 1e-9)))
    ends = sorted([(d, 1) for d, *_ in legs] + [(d + round_trip, -1) for d, *_ in legs])
    now = peak = 0
    for _, step in ends:
        now += step
        peak = max(peak, now)
    return _Option(cadence, worst, peak, out, wait)


def plan_shuttles(s: Scenario, arrivals: list[tuple[float, int, float]], vehicles: list[Vehicle] | None = None,
                  ready_after: int = 0) -> ShuttleResult:
    """Shuttle departures that keep every sample within the age limit, and the fewest vehicles that would.

    Parameters
    ----------
    s
        The scenario (the lab, its capacity, the age limit).
    arrivals
        Boxes reaching the station: ``(minute, tubes, oldest swab)``.
    vehicles
        The station vehicles kept for shuttles (default: all of the station's).
    ready_after
        Minutes from a box's arrival until it may leave (the handover at the station).

    Returns
    -------
    ShuttleResult
        The shuttles, and what the station or the lab cannot meet.
    """
    limit = age_limit_min(s)
    travel = lab_minutes(s)
    trip = travel + s.lab.handover_min
    round_trip = 2 * travel + s.lab.handover_min
    fleet = list(s.station.vehicles if vehicles is None else vehicles)
    names = [v.id for v in fleet]
    capacity = min((v.capacity_boxes for v in fleet), default=20)
    if not arrivals:
        return ShuttleResult(Shuttles(cadence_min=30, round_trip_min=round_trip, vehicles_used=0, fewest_vehicles=0,
                                      worst_age_min=0.0, trips=[], vehicles=names), [])
    first = min(a for a, _, _ in arrivals) + ready_after
    ready = np.array([(a + ready_after, tubes, oldest) for a, tubes, oldest in arrivals], dtype=float)
    options = [_option(s, ready, first, c, capacity, trip, round_trip)
               for c in range(shortest_cadence(0, 1, s), LONGEST_CADENCE_MIN + 1, CADENCE_STEP_MIN)]
    within = [o for o in options if o.worst <= limit + 1e-9]
    fits = [o for o in within if o.vehicles <= len(fleet)]
    margin = [o for o in fits if o.worst <= limit - AGE_MARGIN_MIN]
    problems = []
    if fits:  # the longest cadence within the margin; without one, the youngest samples the vehicles allow
        best = max(margin, key=lambda o: o.cadence) if margin else min(fits, key=lambda o: (round(o.worst, 6),
                                                                                          -o.cadence))
        fewest = min(o.vehicles for o in within)
    elif within:
        best = min(within, key=lambda o: (o.vehicles, -o.cadence))
        fewest = best.vehicles
        problems.append(Explanation(
            where="station", problem=f"shuttles every {best.cadence} min need {best.vehicles} vehicles, the station "
                                     f"keeps {len(fleet)} for them",
            fix=f"add {best.vehicles - len(fleet)} vehicle(s) to the station",
            code="shuttles_short", params={"cadence": str(best.cadence), "need": str(best.vehicles),
                                           "have": str(len(fleet)), "add": str(best.vehicles - len(fleet))}))
    else:
        best = min(options, key=lambda o: (round(o.worst, 6), o.cadence))
        fewest = best.vehicles
        problems.append(_too_old(s, best, travel))
    legs = [(dep, dep + round_trip) for dep, *_ in best.trips]
    who = _vehicle_of(legs, names or ["—"], round_trip)
    trips = [ShuttleTrip(vehicle=v, depart=int(dep), arrive=int(dep + trip), back=int(dep + round_trip), tubes=tubes,
                         boxes=boxes, oldest_swab=round(oldest, 1),
                         worst_age_min=round((tested if tested is not None else dep + trip) - oldest, 1),
                         tested=tested)
             for v, (dep, tubes, boxes, oldest, tested) in zip(who, best.trips)]
    used = len({t.vehicle for t in trips})
    return ShuttleResult(Shuttles(cadence_min=best.cadence, round_trip_min=round_trip, vehicles_used=used,
                                  fewest_vehicles=fewest, worst_age_min=round(best.worst, 1), trips=trips,
                                  vehicles=names, lab_wait_min=round(best.lab_wait, 1)), problems)


def _too_old(s: Scenario, best: _Option, travel: int) -> Explanation:
    """Why no cadence keeps the samples young enough: the lab's queue, or its distance."""
    limit = age_limit_min(s)
    if s.lab.tubes_per_hour is not None and best.lab_wait > 0 and best.worst - best.lab_wait <= limit:
        return Explanation(
            where="lab", problem=f"the lab tests {s.lab.tubes_per_hour:,} tubes an hour and tubes wait up to "
                                 f"{best.lab_wait:.0f} min for it: samples are tested {best.worst:.0f} min after the "
                                 f"swab, over the {limit}-min limit",
            fix="add lab capacity or a second lab, or spread the sampling over more hours",
            code="lab_queue", params={"tph": str(s.lab.tubes_per_hour), "wait": f"{best.lab_wait:.0f}",
                                      "age": f"{best.worst:.0f}", "limit": str(limit)})
    return Explanation(
        where="lab", problem=f"even with a shuttle every {best.cadence} min, samples reach the lab "
                             f"{best.worst:.0f} min after the swab, over the {limit}-min limit (the lab is {travel} "
                             "min from the station)",
        fix="collect more often, move the lab or a transfer point closer, or raise sample_age_limit_min "
            "if the cold chain allows",
        code="lab_far", params={"cadence": str(best.cadence), "age": f"{best.worst:.0f}", "limit": str(limit),
                                "travel": str(travel)})
