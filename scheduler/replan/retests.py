"""Retest the members of a positive pool, one tube each.

A unit fills its tubes in the order people are swabbed, which is the order
they were called: the Nth tube holds swabs ``(N-1)·ratio+1 … N·ratio`` of
the day.  Walking the unit's slots in order gives the grids and household
ranges they came from (spread evenly over each slot, as the plan spreads
arrivals; the registrar's list of the tube is exact, the plan's is where
to look).

A retest team (1 cadre, 2 medics and a car) leaves the station when the
result is known and either visits the households (``retest: home``, one stop
per household of ``home_visit_service_min``) or calls the members to a slot
at the nearest unit open then (``retest: unit``, the first slot after the
notice time that ends before the unit closes; home visits when there is
none).  The team drives its tubes to the lab itself: retest tubes never wait
for a shuttle.
"""

from __future__ import annotations

import math

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.events import PositivePool
from natplan.models.plan import Slot
from natplan.models.replan import Retest, RetestMember
from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m, lab_minutes, van_minutes
from natplan.scheduler.replan.timeline import UnitWork, slot_boundary


def pool_members(slots: list[Slot], tube: int, ratio: int) -> list[RetestMember]:
    """The people of a unit's ``tube``-th tube, by grid and household range (``slots``: the unit's, in order).

    >>> x = Slot(unit="U", grid="G", part=1, start=0, end=30, people=20, households=(1, 8))
    >>> pool_members([x], 2, 10)
    [RetestMember(grid='G', households=(5, 8), people=10)]
    """
    lo = (tube - 1) * ratio + 1
    hi = tube * ratio
    out: list[RetestMember] = []
    seen = 0
    for x in sorted(slots, key=lambda x: x.start):
        first, last = max(lo, seen + 1) - seen, min(hi, seen + x.people) - seen
        seen += x.people
        if first > last:
            continue
        a, b = x.households
        n = b - a + 1
        hh = (a + (first - 1) * n // x.people, a + math.ceil(last * n / x.people) - 1)
        hh = (min(hh[0], b), max(min(hh[1], b), min(hh[0], b)))
        if out and out[-1].grid == x.grid and out[-1].households[1] >= hh[0] - 1:
            prev = out[-1]
            out[-1] = RetestMember(grid=x.grid, households=(prev.households[0], max(prev.households[1], hh[1])),
                                   people=prev.people + last - first + 1)
        else:
            out.append(RetestMember(grid=x.grid, households=hh, people=last - first + 1))
    return out


def _drive(s: Scenario, points: list) -> np.ndarray:
    return np.ceil(van_minutes(s, [q.lon for q in points], [q.lat for q in points])).astype(int)


def retest(s: Scenario, index: int, e: PositivePool, slots: list[Slot], works: dict[str, UnitWork],
           notice_min: int, team: str) -> tuple[Retest, str | None]:
    """The retest of one positive pool, and a note when a unit retest had to become home visits.

    Parameters
    ----------
    s
        The scenario.
    index
        The event's index in the events file.
    e
        The event.
    slots
        The unit's slots in the plan, in order (the tube was filled before the result).
    works
        Every unit's re-planned day (for a retest at a unit: which are open then).
    notice_min
        Minutes the members need to be told of a slot.
    team
        The retest team's name.
    """
    p = s.parameters
    members = pool_members(slots, e.tube, p.pooling_ratio)
    people = sum(m.people for m in members)
    grids = {g.id: g for g in s.grids()}
    to_lab = lab_minutes(s) + s.lab.handover_min
    note = None
    if e.retest == "unit":
        place = _unit_slot(s, grids[members[0].grid], works, e.at + notice_min)
        if place is not None:
            unit, start = place
            u = works[unit].unit
            d = _drive(s, [s.station.location, u.location])
            end = start + p.slot_min
            arrive = end + int(d[1, 0]) + to_lab
            return Retest(event=index, unit=e.unit, tube=e.tube, people=people, members=members, mode="unit",
                          team=team, place=unit, leave=start - int(d[0, 1]), first_swab=start, last_swab=end,
                          lab_arrive=arrive, worst_age_min=float(arrive - start), stops=[(unit, start)]), None
        note = (f"tube {e.tube} of {e.unit}: no unit within {p.max_walk_m:,} m is open for a slot after "
                f"{hm(e.at + notice_min)}; its members are retested at home")
    # home visits: one stop per household, grid after grid, then to the lab
    places = [s.station.location] + [grids[m.grid].location for m in members]
    d = _drive(s, places)
    clock, here, stops = e.at, 0, []
    for k, m in enumerate(members, 1):
        clock += int(d[here, k])
        here = k
        for _ in range(m.households[0], m.households[1] + 1):
            stops.append((m.grid, clock))
            clock += p.home_visit_service_min
    arrive = clock + int(d[here, 0]) + to_lab
    first = stops[0][1]
    return Retest(event=index, unit=e.unit, tube=e.tube, people=people, members=members, mode="home", team=team,
                  place=members[0].grid, leave=e.at, first_swab=first, last_swab=stops[-1][1], lab_arrive=arrive,
                  worst_age_min=float(arrive - first), stops=stops), note


def _unit_slot(s: Scenario, grid, works: dict[str, UnitWork], not_before: int) -> tuple[str, int] | None:
    """The nearest unit within walking distance with a slot from ``not_before`` that ends while it is open."""
    p = s.parameters
    best = None
    for w in works.values():
        if not w.visits:
            continue
        dist = float(haversine_m(grid.location.lon, grid.location.lat, w.unit.location.lon, w.unit.location.lat)) \
            * p.detour_factor
        start = slot_boundary(w.open, p.slot_min, not_before)
        closed = any(a < start + p.slot_min and (b is None or start < b) for a, b in w.closed)
        if dist > p.max_walk_m or start + p.slot_min > w.close or closed:
            continue
        if best is None or (dist, w.unit.id) < best[0]:
            best = ((dist, w.unit.id), (w.unit.id, start))
    return None if best is None else best[1]
