"""Rules that tie a scenario's fields together, one named function per rule.

Each rule returns a list of :class:`~models.problems.Problem` with the field
path it concerns; :func:`run_checks` runs them all so that a planner sees
every problem at once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from natplan.models.clock import format_clock as hm
from natplan.models.problems import Problem, format_loc
from natplan.models.scenario import Role, Scenario


def unique_ids(s: Scenario, _geometry=None) -> list[Problem]:
    """Ids are unique within villages+grids, units, groups, zones, vehicles and special needs."""
    problems = []
    families = {
        "village/grid": [(("villages", i, "id"), v.id) for i, v in enumerate(s.villages)]
        + [(("villages", i, "grids", j, "id"), g.id) for i, v in enumerate(s.villages) for j, g in enumerate(v.grids)],
        "unit": [(("units", i, "id"), u.id) for i, u in enumerate(s.units)],
        "group": [(("groups", i, "id"), g.id) for i, g in enumerate(s.groups)],
        "zone": [(("zones", i, "id"), z.id) for i, z in enumerate(s.zones)],
        "vehicle": [(("station", "vehicles", i, "id"), v.id) for i, v in enumerate(s.station.vehicles)],
        "special-needs": [(("special_needs", i, "id"), p.id) for i, p in enumerate(s.special_needs)],
    }
    for family, items in families.items():
        seen: dict[str, tuple] = {}
        for loc, ident in items:
            if ident in seen:
                problems.append(Problem(f"duplicate {family} id {ident!r} (first used at {format_loc(seen[ident])})", loc))
            else:
                seen[ident] = loc
    return problems


def known_references(s: Scenario, _geometry=None) -> list[Problem]:
    """Every id a field refers to exists."""
    grids = {g.id for g in s.grids()}
    units = {u.id for u in s.units}
    problems = []
    for i, v in enumerate(s.villages):
        for j, g in enumerate(v.grids):
            if g.pinned_unit is not None and g.pinned_unit not in units:
                problems.append(Problem(f"unknown unit {g.pinned_unit!r}", ("villages", i, "grids", j, "pinned_unit")))
    for i, u in enumerate(s.units):
        for k, gid in enumerate(u.allowed_grids or []):
            if gid not in grids:
                problems.append(Problem(f"unknown grid {gid!r}", ("units", i, "allowed_grids", k)))
    for i, z in enumerate(s.zones):
        for k, uid in enumerate(z.units):
            if uid not in units:
                problems.append(Problem(f"unknown unit {uid!r}", ("zones", i, "units", k)))
    for i, p in enumerate(s.special_needs):
        if p.grid not in grids:
            problems.append(Problem(f"unknown grid {p.grid!r}", ("special_needs", i, "grid")))
    for i, g in enumerate(s.groups):
        if g.home is not None and g.home not in units:
            problems.append(Problem(f"unknown unit {g.home!r}", ("groups", i, "home")))
    if s.roads is not None:
        nodes = {n.id for n in s.roads.nodes}
        for i, e in enumerate(s.roads.edges):
            for end in ("a", "b"):
                if getattr(e, end) not in nodes:
                    problems.append(Problem(f"unknown road node {getattr(e, end)!r}", ("roads", "edges", i, end)))
    return problems


def pinned_grids_allowed(s: Scenario, _geometry=None) -> list[Problem]:
    """A grid pinned to a unit must be among that unit's allowed grids, if it lists them."""
    allowed = {u.id: set(u.allowed_grids) for u in s.units if u.allowed_grids is not None}
    problems = []
    for i, v in enumerate(s.villages):
        for j, g in enumerate(v.grids):
            if g.pinned_unit in allowed and g.id not in allowed[g.pinned_unit]:
                problems.append(Problem(
                    f"grid {g.id} is pinned to unit {g.pinned_unit}, which does not allow it",
                    ("villages", i, "grids", j, "pinned_unit")))
    return problems


def zones_cover_units(s: Scenario, _geometry=None) -> list[Problem]:
    """Every zone has units; every unit is in exactly one zone."""
    problems = []
    where = defaultdict(list)
    for i, z in enumerate(s.zones):
        if not z.units:
            problems.append(Problem(f"zone {z.id} has no units", ("zones", i, "units")))
        for uid in z.units:
            where[uid].append(z.id)
    for i, u in enumerate(s.units):
        if not where[u.id]:
            problems.append(Problem(f"unit {u.id} is in no courier zone; add it to one zone's units", ("units", i, "id")))
        elif len(where[u.id]) > 1:
            problems.append(Problem(f"unit {u.id} is in more than one zone ({', '.join(where[u.id])})", ("units", i, "id")))
    return problems


def round_times(s: Scenario, _geometry=None) -> list[Problem]:
    """The deadline comes after the start; each unit's window lies inside the round and opens before it closes."""
    p = s.parameters
    problems = []
    if p.deadline <= p.start:
        problems.append(Problem(
            f"deadline {hm(p.deadline)} is not after the start {hm(p.start)} (write 30:00 for 06:00 the next day)",
            ("parameters", "deadline")))
        return problems
    for i, u in enumerate(s.units):
        lo, hi = s.unit_window(u)
        if hi <= lo:
            problems.append(Problem(f"unit {u.id} closes ({hm(hi)}) before it opens ({hm(lo)})", ("units", i, "close")))
        elif lo < p.start or hi > p.deadline:
            problems.append(Problem(
                f"unit {u.id} window {hm(lo)}–{hm(hi)} lies outside the round {hm(p.start)}–{hm(p.deadline)}; "
                "only the part inside is used", ("units", i, "open"), severity="warning"))
    return problems


def people_within_ledger(s: Scenario, _geometry=None) -> list[Problem]:
    """A grid has no more people than its ledger lists, and at least one person per household."""
    problems = []
    for i, v in enumerate(s.villages):
        for j, g in enumerate(v.grids):
            if g.ledger_people is not None and g.people > g.ledger_people:
                problems.append(Problem(
                    f"grid {g.id} has {g.people} people but its ledger lists {g.ledger_people}",
                    ("villages", i, "grids", j, "people")))
            if g.households > g.people:
                problems.append(Problem(
                    f"grid {g.id} has more households ({g.households}) than people ({g.people})",
                    ("villages", i, "grids", j, "households")))
    return problems


def special_needs_within_grids(s: Scenario, _geometry=None) -> list[Problem]:
    """A grid's special-needs people are counted in its people, so cannot outnumber them."""
    per_grid = Counter(p.grid for p in s.special_needs)
    problems = []
    for i, v in enumerate(s.villages):
        for j, g in enumerate(v.grids):
            if per_grid[g.id] > g.people:
                problems.append(Problem(
                    f"grid {g.id} lists {per_grid[g.id]} special-needs people but has only {g.people} people",
                    ("villages", i, "grids", j, "people")))
    return problems


def groups_have_roles(s: Scenario, _geometry=None) -> list[Problem]:
    """Each group has a lead and at least one sampler; the other roles are warned about."""
    problems = []
    for i, g in enumerate(s.groups):
        for role in (Role.lead, Role.sampler):
            if g.count(role) == 0:
                problems.append(Problem(f"group {g.id} has no {role.value}", ("groups", i, "members")))
        for role in (Role.registrar, Role.order_keeper, Role.disinfector):
            if g.count(role) == 0:
                problems.append(Problem(f"group {g.id} has no {role.value}; a unit it staffs will lack one",
                                        ("groups", i, "members"), severity="warning"))
    return problems


def places_inside_region(s: Scenario, geometry: BaseGeometry | None = None) -> list[Problem]:
    """Units, grids, villages and the station lie inside the region's boundary (100 m tolerance)."""
    if geometry is None:
        return []
    area = prep(geometry.buffer(0.001))  # ~100 m in degrees at these latitudes
    problems = []

    def check(pt, loc, what):
        if not area.contains(ShapelyPoint(pt.lon, pt.lat)):
            problems.append(Problem(f"{what} at ({pt.lon:.5f}, {pt.lat:.5f}) is outside the region boundary", loc))

    for i, u in enumerate(s.units):
        check(u.location, ("units", i, "location"), f"unit {u.id}")
    for i, v in enumerate(s.villages):
        check(v.location, ("villages", i, "location"), f"village {v.id}")
        for j, g in enumerate(v.grids):
            check(g.location, ("villages", i, "grids", j, "location"), f"grid {g.id}")
    check(s.station.location, ("station", "location"), "the transfer station")
    return problems


def lab_is_reachable(s: Scenario, _geometry=None) -> list[Problem]:
    """The lab has a location or a travel time."""
    if s.lab.location is None and s.lab.travel_min is None:
        return [Problem("give the lab a location or a travel_min from the station", ("lab",))]
    return []


def units_reach_lab_in_time(s: Scenario, _geometry=None) -> list[Problem]:
    """Each unit's samples can reach the lab within the age limit, at best.

    The best case for a unit's worst sample: swabbed just after a pickup, it
    waits one collection interval for the zone's courier, rides straight to
    the station, leaves on a shuttle at once and is handed over at the lab.
    When that is over the limit no plan can keep it, so the unit is named.
    When even a sample swabbed at the station would be late, the lab is
    named once instead.
    """
    if s.lab.location is None and s.lab.travel_min is None:
        return []  # lab_is_reachable says so
    # travel times live in routing (road graph or straight line); imported here so that models
    # does not need routing to load
    from natplan.routing.couriers import lab_minutes, minutes_to_station

    p = s.parameters
    limit = p.sample_age_limit_min
    lab = lab_minutes(s) + s.lab.handover_min
    zone_of = {uid: z for z in s.zones for uid in z.units}
    shortest = min((z.interval_min for z in s.zones), default=0)
    if shortest + lab > limit:
        return [Problem(
            f"samples cannot reach the lab within the {limit}-min age limit even from the station: "
            f"{shortest} min collection interval + {lab_minutes(s)} min to the lab + {s.lab.handover_min} min "
            f"handover = {shortest + lab} min", ("lab", "travel_min" if s.lab.travel_min is not None else "location"))]
    units = [(i, u) for i, u in enumerate(s.units) if u.id in zone_of]
    if not units:
        return []
    drive = minutes_to_station(s, [u.location.lon for _, u in units], [u.location.lat for _, u in units])
    problems = []
    for (i, u), d in zip(units, drive.tolist()):
        wait = zone_of[u.id].interval_min
        d = math.ceil(d - 1e-9)
        if wait + d + lab > limit:
            problems.append(Problem(
                f"unit {u.id} ({u.name}) cannot get its samples to the lab within the {limit}-min age limit: "
                f"{wait} min collection interval + {d} min to the station + {lab_minutes(s)} min to the lab + "
                f"{s.lab.handover_min} min handover = {wait + d + lab} min", ("units", i, "location")))
    return problems


RULES: tuple[Callable[..., list[Problem]], ...] = (
    unique_ids,
    known_references,
    pinned_grids_allowed,
    zones_cover_units,
    round_times,
    people_within_ledger,
    special_needs_within_grids,
    groups_have_roles,
    places_inside_region,
    lab_is_reachable,
    units_reach_lab_in_time,
)


def run_checks(s: Scenario, geometry: BaseGeometry | None = None) -> list[Problem]:
    """Run every rule; errors and warnings together, in rule order."""
    return [p for rule in RULES for p in rule(s, geometry)]
