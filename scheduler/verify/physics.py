"""Verify: every move takes the time the road needs, things arrive after they leave, and nothing is in two places.

A van trip takes at least the great-circle distance times the scenario's
detour factor at its van speed (the planner's rule, :mod:`natplan.routing.network`);
with a road graph, at least the straight line at the fastest speed on it.
Groups move between units by van, couriers drive their loops, home-visit
teams drive between homes (and stay ``home_visit_service_min`` at each),
shuttles drive to the lab (the lab's ``travel_min`` when the scenario gives
it) and hand their boxes over.

A home-visit team is in one place at a time: its trips follow one another
(a vehicle's work is :mod:`natplan.scheduler.verify.fleet`'s).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Point, Scenario
from natplan.routing.network import haversine_m, lab_minutes, minutes

SLACK_MIN = 1e-6
"""Times in a plan are whole minutes rounded up from the planner's travel times, never down."""


def van_floor_min(s: Scenario, a: list[Point], b: list[Point]) -> np.ndarray:
    """The fewest minutes a van needs from each place of ``a`` to the place of ``b`` beside it.

    Parameters
    ----------
    s
        The scenario (van speed, detour factor, road graph).
    a, b
        Places of the same length, pairwise.

    Returns
    -------
    numpy.ndarray
        Minutes, pair by pair.
    """
    if not a:
        return np.zeros(0)
    p = s.parameters
    d = np.atleast_1d(haversine_m([x.lon for x in a], [x.lat for x in a], [x.lon for x in b], [x.lat for x in b]))
    if s.roads is None:
        return minutes(d, p.van_speed_kmh, p.detour_factor)
    fastest = max(p.van_speed_kmh, max(e.speed_kmh for e in s.roads.edges))
    return minutes(d, fastest)


def _legs(s: Scenario, legs: list[tuple[Point, Point, float, str]], stay: int = 0) -> list[str]:
    """Each ``(from, to, minutes the plan allows, words)`` shorter than the drive (after ``stay`` minutes there)."""
    need = van_floor_min(s, [x[0] for x in legs], [x[1] for x in legs])
    out = []
    for (a, b, allowed, words), m in zip(legs, need):
        if allowed + SLACK_MIN < m + stay:
            km = float(haversine_m(a.lon, a.lat, b.lon, b.lat)) / 1000
            out.append(f"{words}: {allowed:.0f} min" + (f" for {stay} min at the home and" if stay else " for")
                       + f" a drive of {km:.1f} km that takes {math.ceil(m - 1e-9)}")
    return out


def group_moves_possible(s: Scenario, plan: dict) -> list[str]:
    """A group leaving one unit reaches the next no sooner than the van can take it there."""
    units = {u.id: u.location for u in s.units}
    by_group = defaultdict(list)
    for v in plan["staffing"]["visits"]:
        by_group[v["group"]].append(v)
    legs = []
    for group, vs in sorted(by_group.items()):
        vs.sort(key=lambda v: (v["arrive"], v["leave"]))
        for a, b in zip(vs, vs[1:]):
            if a["unit"] != b["unit"]:
                legs.append((units[a["unit"]], units[b["unit"]], b["arrive"] - a["leave"],
                             f"group {group} leaves {a['unit']} at {hm(a['leave'])} and is at {b['unit']} "
                             f"at {hm(b['arrive'])}"))
    return _legs(s, legs)


def courier_moves_possible(s: Scenario, plan: dict) -> list[str]:
    """Each courier loop drives station → its stops → station no faster than the van can."""
    units = {u.id: u.location for u in s.units}
    station = s.station.location
    legs = []
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                base = lp.get("handover_at") or ""  # a relay's loop: from and back to its meeting point
                start = units[base] if base else station
                here, t, name = start, lp["depart"], base or "the station"
                for st in lp["stops"]:
                    legs.append((here, units[st["unit"]], st["time"] - t,
                                 f"courier {route['vehicle']} leaves {name} at {hm(t)} and is at {st['unit']} "
                                 f"at {hm(st['time'])}"))
                    here, t, name = units[st["unit"]], st["time"], st["unit"]
                if lp["stops"]:
                    legs.append((here, start, lp["back"] - t,
                                 f"courier {route['vehicle']} leaves {name} at {hm(t)} and is back at "
                                 f"{base or 'the station'} at {hm(lp['back'])}"))
    return _legs(s, legs)


def home_visit_moves_possible(s: Scenario, plan: dict) -> list[str]:
    """A home-visit team drives from home to home, staying the service time at each, within its trips."""
    p = s.parameters
    grid_at = {g.id: g.location for g in s.grids()}
    home = {sp.id: sp.location or grid_at[sp.grid] for sp in s.special_needs}
    station = s.station.location
    legs, service_legs, out = [], [], []
    for team in plan["staffing"]["home_teams"]:
        name = team["team"]
        for a, b in team["trips"]:
            stops = sorted(((t, pid) for pid, t in team["stops"] if a <= t <= b and pid in home))
            here, t, at = station, a, None
            for when, pid in stops:
                words = (f"home-visit team {name} leaves the station at {hm(t)} and is at {pid} at {hm(when)}"
                         if at is None else f"home-visit team {name} is at {at} at {hm(t)} and at {pid} at {hm(when)}")
                (legs if at is None else service_legs).append((here, home[pid], when - t, words))
                here, t, at = home[pid], when, pid
            if stops:
                service_legs.append((here, station, b - t, f"home-visit team {name} is at {at} at {hm(t)} and "
                                                           f"back at the station at {hm(b)}"))
        inside = {(pid, t) for a, b in team["trips"] for pid, t in team["stops"] if a <= t <= b}
        out += [f"home-visit team {name} is at {pid} at {hm(t)}, outside its trips"
                for pid, t in team["stops"] if (pid, t) not in inside]
    return _legs(s, legs) + _legs(s, service_legs, stay=p.home_visit_service_min) + out


def shuttle_moves_possible(s: Scenario, plan: dict) -> list[str]:
    """A shuttle reaches the lab and hands its boxes over no sooner than the drive and the handover take,
    and is back no sooner than the drive back."""
    drive = lab_minutes(s)
    handover = s.lab.handover_min
    out = []
    for t in plan["routing"]["shuttles"]["trips"]:
        if t["arrive"] - t["depart"] < drive + handover:
            out.append(f"shuttle {t['vehicle']} leaves at {hm(t['depart'])} and hands its boxes over at the lab at "
                       f"{hm(t['arrive'])}: the drive takes {drive} min and the handover {handover}")
        if t["back"] - t["arrive"] < drive:
            out.append(f"shuttle {t['vehicle']} leaves the lab at {hm(t['arrive'])} and is back at {hm(t['back'])}: "
                       f"the drive takes {drive} min")
    return out


def _in_two_places(spans: dict[str, list[tuple[float, float]]], what: str) -> list[str]:
    """Each trip of a vehicle (or team) that leaves before its trip before it is back."""
    out = []
    for who, xs in sorted(spans.items()):
        xs.sort()
        last = None  # the trip back latest so far
        for a, b in xs:
            if last is not None and a < last[1]:
                out.append(f"{what} {who} leaves at {hm(a)}, before it is back at {hm(last[1])} from the trip of "
                           f"{hm(last[0])}")
            if last is None or b > last[1]:
                last = (a, b)
    return out


def teams_in_one_place(s: Scenario, plan: dict) -> list[str]:
    """A home-visit team's trips follow one another (a vehicle's loops, relays and shuttles:
    :func:`natplan.scheduler.verify.fleet.no_vehicle_in_two_places`)."""
    teams = {team["team"]: [tuple(x) for x in team["trips"]] for team in plan["staffing"]["home_teams"]}
    return _in_two_places(teams, "home-visit team")


def visits_in_order(s: Scenario, plan: dict) -> list[str]:
    """A group arrives, sets up for ``setup_min``, opens, closes and leaves, in that order, within the unit's hours
    (a unit's ``open`` and ``close`` hold on every day of a round: on its day ``d`` a visit keeps them ``d`` days
    later)."""
    setup = s.parameters.setup_min
    start = s.parameters.start
    window = {u.id: (u.open, u.close) for u in s.units}
    out = []
    for v in plan["staffing"]["visits"]:
        where = f"group {v['group']} at {v['unit']}"
        if v["open"] - v["arrive"] < setup:
            out.append(f"{where} arrives at {hm(v['arrive'])} and opens at {hm(v['open'])}, "
                       f"without the {setup} min to set up")
        if v["close"] < v["open"]:
            out.append(f"{where} closes at {hm(v['close'])}, before it opens at {hm(v['open'])}")
        if v["leave"] < v["close"]:
            out.append(f"{where} leaves at {hm(v['leave'])}, before it closes at {hm(v['close'])}")
        lo, hi = window[v["unit"]]
        later = 24 * 60 * max(0, (v["arrive"] - start) // (24 * 60))  # the round day the visit is on
        if lo is not None and v["open"] < lo + later:
            out.append(f"{where} opens at {hm(v['open'])}, before the unit's own opening {hm(lo + later)}")
        if hi is not None and v["close"] > hi + later:
            out.append(f"{where} closes at {hm(v['close'])}, after the unit's own closing {hm(hi + later)}")
    return out
