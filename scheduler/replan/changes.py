"""What a re-plan changed: who must be told, which sheets to print again, which vehicles drive other loops.

:func:`changes` compares the plan before and after, item by item as the
printed set shows them: a village gets a new notice when a slot of one of
its grids changed; a unit's roster is printed again when its slots, its
group's stay or the lines of the people working there changed; a courier's
route and handover sheets when its loops or pickups changed or another
vehicle drives them (a stand-in the plan had already is no change); the shuttle timetable when a trip changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from natplan.models.plan import Plan, Slot
from natplan.models.replan import ReplannedPlan
from natplan.models.scenario import Scenario


@dataclass(frozen=True)
class Move:
    """People of a grid now sampled at another unit."""

    grid: str
    village: str
    unit_from: str  # "" for people the ledger did not have
    unit_to: str
    people: int


@dataclass(frozen=True)
class Changes:
    """What a re-plan changed (ids in the scenario's order)."""

    villages: list[str]  # villages that get a new notice
    grid_slots: dict[str, list[Slot]]  # each changed grid's slots now (what its notice says)
    units: list[str]  # units whose roster is printed again
    groups: list[str]  # groups whose members' lines changed
    couriers: list[str]  # courier vehicles whose route and handover sheets change (stand-ins included)
    shuttles: bool  # the shuttle timetable changed
    moves: list[Move]
    finish: tuple[int, int]  # the round's finish, before and after
    worst_age_min: tuple[float | None, float | None]


def _slot_key(x: Slot):
    return (x.unit, x.start, x.end, x.people, tuple(x.households))


def _by(items, key):
    out = defaultdict(list)
    for x in items:
        out[key(x)].append(x)
    return out


def changes(s: Scenario, before: Plan, after: ReplannedPlan) -> Changes:
    """Compare a plan with its re-plan.

    Parameters
    ----------
    s
        The scenario as the events make it.
    before, after
        The plan and its re-plan.

    Returns
    -------
    Changes
    """
    village_of = {g.id: v.id for v in s.villages for g in v.grids}
    old_slots, new_slots = _by(before.slots, lambda x: x.grid), _by(after.slots, lambda x: x.grid)
    grids = [g.id for g in s.grids()
             if sorted(map(_slot_key, old_slots.get(g.id, []))) != sorted(map(_slot_key, new_slots.get(g.id, [])))]
    villages = list(dict.fromkeys(village_of[g] for g in grids))
    old_units, new_units = _by(before.slots, lambda x: x.unit), _by(after.slots, lambda x: x.unit)
    old_visit = {v.unit: v for v in before.staffing.visits}
    new_visit = {v.unit: v for v in after.staffing.visits}
    old_lines, new_lines = _by(before.staffing.shifts, lambda x: x.unit), _by(after.staffing.shifts, lambda x: x.unit)
    units = [u.id for u in s.units
             if sorted(map(_slot_key, old_units.get(u.id, []))) != sorted(map(_slot_key, new_units.get(u.id, [])))
             or old_visit.get(u.id) != new_visit.get(u.id) or old_lines.get(u.id, []) != new_lines.get(u.id, [])]
    old_group, new_group = _by(before.staffing.shifts, lambda x: x.group), _by(after.staffing.shifts, lambda x: x.group)
    groups = [g.id for g in s.groups if old_group.get(g.id, []) != new_group.get(g.id, [])]
    old_routes = {r.vehicle: r for z in before.routing.zones for r in z.routes}
    new_routes = {r.vehicle: r for z in after.routing.zones for r in z.routes}
    couriers = {v for v in set(old_routes) | set(new_routes) if old_routes.get(v) != new_routes.get(v)}
    for route, vehicle, _ in _stand_ins(after) ^ _stand_ins(before):  # a stand-in that is new or dropped
        couriers |= {route, vehicle}
    order = [r.vehicle for z in after.routing.zones for r in z.routes]
    station = [v.id for v in s.station.vehicles]
    couriers_sorted = [v for v in order + station if v in couriers] + sorted(couriers - set(order) - set(station))
    return Changes(
        villages=villages, grid_slots={g: sorted(new_slots.get(g, []), key=lambda x: (x.start, x.unit)) for g in grids},
        units=units, groups=groups, couriers=list(dict.fromkeys(couriers_sorted)),
        shuttles=before.routing.shuttles.trips != after.routing.shuttles.trips,
        moves=_moves(grids, old_slots, new_slots, village_of),
        finish=(before.kpis.finish, after.kpis.finish),
        worst_age_min=(before.kpis.worst_sample_age_min, after.kpis.worst_sample_age_min))


def _stand_ins(plan: Plan) -> set[tuple[str, str, int]]:
    """(route, vehicle, departure) of every run a stand-in drives (none in a plan that is not a re-plan)."""
    record = getattr(plan, "replan", None)
    return {(x.route, x.vehicle, d) for x in record.substitutes for d in x.departs} if record is not None else set()


def _moves(grids, old_slots, new_slots, village_of) -> list[Move]:
    """For each changed grid, the people that left one unit for another (and new people that came)."""
    out = []
    for g in grids:
        was = Counter()
        now = Counter()
        for x in old_slots.get(g, []):
            was[x.unit] += x.people
        for x in new_slots.get(g, []):
            now[x.unit] += x.people
        lost = [(u, was[u] - now[u]) for u in was if was[u] > now[u]]
        gained = [(u, now[u] - was[u]) for u in now if now[u] > was[u]]
        for u_to, n in gained:
            while n > 0 and lost:
                u_from, m = lost[0]
                k = min(n, m)
                out.append(Move(g, village_of[g], u_from, u_to, k))
                n -= k
                lost[0] = (u_from, m - k)
                if lost[0][1] == 0:
                    lost.pop(0)
            if n > 0:
                out.append(Move(g, village_of[g], "", u_to, n))
    return out
