"""Home-visit routes: teams of 1 village cadre + 2 medics sample the special-needs list at home.

Each team works in trips from the transfer station: a trip is short enough
that its first swab still reaches the lab within the age limit after the
trip, the wait for a shuttle and the drive; between trips the team drops its
samples at the station.  Trips are built nearest-neighbour and each is
shortened by 2-opt; trips then go to teams longest first, each to
the team free soonest, so the number of teams is what the day needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natplan.models.plan import Explanation, HomeTeam
from natplan.models.scenario import Scenario, home_age_limit_min
from natplan.routing.network import lab_minutes
from natplan.routing.network import van_minutes

TURNAROUND_MIN = 10  # at the station between trips


@dataclass(frozen=True)
class HomeVisitResult:
    """The home-visit teams of a round (:func:`plan_home_visits`)."""

    teams: list[HomeTeam]
    problems: list[Explanation]  # homes too far for one trip, teams back after the deadline


def trip_limit_min(s: Scenario) -> int:
    """Longest trip: the age limit (less a shared lab's queue) less the drive to the lab, the handover and an hour's
    wait for a shuttle."""
    return max(30, home_age_limit_min(s) - lab_minutes(s) - s.lab.handover_min - 60)


def plan_home_visits(s: Scenario, deadline_margin: int = 60) -> HomeVisitResult:
    """Routes for home-visit teams covering the special-needs list by the deadline.

    Parameters
    ----------
    s
        The scenario (its special-needs list, the station, the lab).
    deadline_margin
        Minutes before the deadline by which a team starts its last trip.

    Returns
    -------
    HomeVisitResult
        The teams with their trips, and what cannot be kept.
    """
    p = s.parameters
    if not s.special_needs:
        return HomeVisitResult([], [])
    grid_of = {g.id: g for g in s.grids()}
    pts = [(sp.location or grid_of[sp.grid].location) for sp in s.special_needs]
    lon = [s.station.location.lon] + [q.lon for q in pts]
    lat = [s.station.location.lat] + [q.lat for q in pts]
    t = np.ceil(van_minutes(s, lon, lat)).astype(np.int64)
    n = len(pts)
    trip = trip_limit_min(s)
    day_end = p.deadline - deadline_margin
    far = [i for i in range(1, n + 1) if t[0, i] * 2 + p.home_visit_service_min > trip]
    problems = [Explanation(where=s.special_needs[i - 1].id,
                            problem=f"home of {s.special_needs[i - 1].id} is too far from the station for one trip "
                                    f"within the sample age limit", fix="collect it with the nearest unit's courier")
                for i in far]
    # Trips: nearest-neighbour from the station while the trip still gets back within its limit
    # (sweep-like, fast on hundreds of homes), each trip then shortened by 2-opt.
    left = set(range(1, n + 1)) - set(far)
    trips: list[list[int]] = []
    while left:
        here, clock, route = 0, 0, []
        while True:
            options = [j for j in left if clock + t[here, j] + p.home_visit_service_min + t[j, 0] <= trip]
            if not options:
                break
            j = min(options, key=lambda j: (t[here, j], j))
            clock += int(t[here, j]) + p.home_visit_service_min
            route.append(j)
            left.remove(j)
            here = j
        if not route:
            break
        trips.append(_improve(t, route))
    durations = [_trip_minutes(t, r, p.home_visit_service_min) for r in trips]
    # Teams: longest trips first, each to the team that is free soonest, while the day lasts.
    team_free: list[int] = []
    team_trips: list[list[tuple[int, list[int]]]] = []
    for k in sorted(range(len(trips)), key=lambda k: (-durations[k], k)):
        cands = [i for i, f in enumerate(team_free) if f + durations[k] <= day_end]
        if cands:
            i = min(cands, key=lambda i: (team_free[i], i))
        else:
            team_free.append(p.start)
            team_trips.append([])
            i = len(team_free) - 1
        team_trips[i].append((team_free[i], trips[k]))
        team_free[i] += durations[k] + TURNAROUND_MIN
    out = []
    for i, tt in enumerate(team_trips, 1):
        stops, spans = [], []
        for leave, route in tt:
            clock, here = leave, 0
            for j in route:
                clock += int(t[here, j])
                stops.append((s.special_needs[j - 1].id, clock))
                clock += p.home_visit_service_min
                here = j
            spans.append((leave, clock + int(t[here, 0])))
        out.append(HomeTeam(team=f"H{i:02d}", people=[sid for sid, _ in stops], start=spans[0][0],
                            end=spans[-1][1], returns_to=s.station.id, stops=stops, trips=spans))
        if spans[-1][1] > p.deadline:
            problems.append(Explanation(where=f"H{i:02d}", problem=f"home-visit team H{i:02d} returns after the deadline",
                                        fix="add a home-visit team"))
    return HomeVisitResult(out, problems)


def _trip_minutes(t: np.ndarray, route: list[int], service: int) -> int:
    path = [0, *route, 0]
    return int(sum(t[a, b] for a, b in zip(path, path[1:]))) + service * len(route)


def _improve(t: np.ndarray, route: list[int]) -> list[int]:
    """2-opt on one trip (a dozen homes): reverse segments while that shortens the drive."""
    path = [0, *route, 0]
    better = True
    while better:
        better = False
        for i in range(1, len(path) - 2):
            for j in range(i + 1, len(path) - 1):
                a, b, c, d = path[i - 1], path[i], path[j], path[j + 1]
                if t[a, c] + t[b, d] < t[a, b] + t[c, d]:
                    path[i:j + 1] = path[i:j + 1][::-1]
                    better = True
    return path[1:-1]
