"""Rules that tie a scenario's fields together, one named function per rule.

Each rule returns a list of :class:`~models.problems.Problem` with the field
path it concerns; :func:`run_checks` runs them all so that a planner sees
every problem at once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Protocol

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from natplan.models.clock import format_clock as hm
from natplan.models.problems import Problem, format_loc
from natplan.models.scenario import MAX_TOWN_PEOPLE, Role, Scenario, age_limit_min, kept_for_queue_words


def unique_ids(s: Scenario, _geometry=None) -> list[Problem]:
    """Ids are unique within villages+grids, units, groups, zones, vehicles and special needs."""
    problems = []
    families = {
        "village/grid": [(("villages", i, "id"), v.id) for i, v in enumerate(s.villages)]
        + [(("villages", i, "grids", j, "id"), g.id) for i, v in enumerate(s.villages) for j, g in enumerate(v.grids)],
        "unit": [(("units", i, "id"), u.id) for i, u in enumerate(s.units)],
        "group": [(("groups", i, "id"), g.id) for i, g in enumerate(s.groups)],
        "zone": [(("zones", i, "id"), z.id) for i, z in enumerate(s.zones)],
        "vehicle": [(("station", "vehicles", i, "id"), v.id) for i, v in enumerate(s.station.vehicles)]
        + [(("zones", i, "vans", k, "id") if z.vans is not None else ("zones", i, "vehicles"), v.id)
           for i, z in enumerate(s.zones) for k, v in enumerate(z.fleet())],
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


def zones_have_vehicles(s: Scenario, _geometry=None) -> list[Problem]:
    """A zone's ``vans`` and ``vehicles`` agree; a zone without a vehicle needs station vehicles to be lent."""
    problems = []
    for i, z in enumerate(s.zones):
        if z.vans is not None and "vehicles" in z.model_fields_set and z.vehicles != len(z.vans):
            problems.append(Problem(f"zone {z.id} lists {len(z.vans)} vans but says vehicles: {z.vehicles}; "
                                    "give one of the two", ("zones", i, "vehicles")))
        elif not z.fleet() and not s.fleet.lend_station_vehicles:
            problems.append(Problem(f"zone {z.id} has no vehicle and fleet.lend_station_vehicles is false: give "
                                    "the zone a vehicle, or allow station vehicles to be lent",
                                    ("zones", i, "vans" if z.vans is not None else "vehicles")))
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
    """A grid has no more people than its ledger lists, at least one person per household, and at least one
    household when it has people (households are never split between units, so a grid of people in no
    household is a typing slip, not a fact)."""
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
            elif g.households == 0 and g.people > 0:
                problems.append(Problem(
                    f"grid {g.id} has {g.people} people but no households; give its households (户数)",
                    ("villages", i, "grids", j, "households")))
    return problems


def town_within_bounds(s: Scenario, _geometry=None) -> list[Problem]:
    """A town scenario holds at most :data:`~natplan.models.scenario.MAX_TOWN_PEOPLE` people."""
    if s.people > MAX_TOWN_PEOPLE:
        return [Problem(f"at most {MAX_TOWN_PEOPLE:,} people in a town scenario (got {s.people:,}); plan a larger "
                        "place as a city file, township by township", ("villages",))]
    return []


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


HOME_TOLERANCE_DEG = 0.01
"""How far a special-needs home may lie outside the region: about 1 km (a home is often placed by its address,
and a grid at the edge may have homes just across the line); farther is a wrong place, not a neighbour."""


def places_inside_region(s: Scenario, geometry: BaseGeometry | None = None) -> list[Problem]:
    """Units, grids, villages and the station lie inside the region's boundary (100 m tolerance), and
    special-needs homes within about 1 km of it (:data:`HOME_TOLERANCE_DEG`)."""
    if geometry is None:
        return []
    area = prep(geometry.buffer(0.001))  # ~100 m in degrees at these latitudes
    problems = []

    def check(pt, loc, what, inside=area, outside="outside the region boundary"):
        if not inside.contains(ShapelyPoint(pt.lon, pt.lat)):
            problems.append(Problem(f"{what} at ({pt.lon:.5f}, {pt.lat:.5f}) is {outside}", loc))

    for i, u in enumerate(s.units):
        check(u.location, ("units", i, "location"), f"unit {u.id}")
    for i, v in enumerate(s.villages):
        check(v.location, ("villages", i, "location"), f"village {v.id}")
        for j, g in enumerate(v.grids):
            check(g.location, ("villages", i, "grids", j, "location"), f"grid {g.id}")
    homes = [(i, p) for i, p in enumerate(s.special_needs) if p.location is not None]  # else the grid's
    if homes:
        near = prep(geometry.buffer(HOME_TOLERANCE_DEG))
        for i, p in homes:
            check(p.location, ("special_needs", i, "location"), f"the home of {p.id}", near,
                  "more than 1 km outside the region boundary")
    check(s.station.location, ("station", "location"), "the transfer station")
    return problems


def lab_is_reachable(s: Scenario, _geometry=None) -> list[Problem]:
    """The lab has a location or a travel time."""
    if s.lab.location is None and s.lab.travel_min is None:
        return [Problem("give the lab a location or a travel_min from the station", ("lab",))]
    return []


def shared_queue_leaves_time(s: Scenario, _geometry=None) -> list[Problem]:
    """Minutes kept for a shared lab's queue leave some of the age limit."""
    limit = s.parameters.sample_age_limit_min
    out = []
    for field in ("shared_queue_min", "shared_queue_home_min"):
        kept = getattr(s.lab, field)
        if kept is not None and kept >= limit:
            out.append(Problem(f"{kept} min kept for the lab's queue leave none of the {limit}-min sample age limit "
                               "(parameters.sample_age_limit_min): keep fewer", ("lab", field)))
    return out


class TravelTimes(Protocol):
    """Van travel times, handed in by the caller (natplan.routing.network.TRAVEL): models import nothing of the
    routing package, yet the age-limit rule needs the times the planner will use."""

    def lab_minutes(self, s: Scenario) -> int:
        """Van minutes from the transfer station to the lab."""

    def minutes_to_station(self, s: Scenario, lon, lat):
        """Van minutes from each place (``lon``, ``lat`` sequences) to the transfer station, as an array."""


def units_reach_lab_in_time(s: Scenario, _geometry=None, travel: TravelTimes | None = None) -> list[Problem]:
    """Each unit's samples can reach the lab within the age limit, at best.

    Needs the travel times (*travel*); without them the rule is not checked
    (natplan's readers and commands always hand them in).

    The best case for a unit's worst sample: swabbed just after a pickup, it
    waits one collection interval for the zone's courier, rides straight to
    the station, leaves on a shuttle at once and is handed over at the lab.
    When that is over the limit no plan can keep it, so the unit is named.
    When even a sample swabbed at the station would be late, the lab is
    named once instead.
    """
    if travel is None or (s.lab.location is None and s.lab.travel_min is None):
        return []  # no times to check with, or lab_is_reachable says so
    lab_minutes, minutes_to_station = travel.lab_minutes, travel.minutes_to_station
    limit = age_limit_min(s)
    if limit <= 0:
        return []  # shared_queue_leaves_time says so
    words = f"{limit}-min age limit" + kept_for_queue_words(s, limit)
    lab = lab_minutes(s) + s.lab.handover_min
    zone_of = {uid: z for z in s.zones for uid in z.units}
    shortest = min((z.interval_min for z in s.zones), default=0)
    if shortest + lab > limit:
        return [Problem(
            f"samples cannot reach the lab within the {words} even from the station: "
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
                f"unit {u.id} ({u.name}) cannot get its samples to the lab within the {words}: "
                f"{wait} min collection interval + {d} min to the station + {lab_minutes(s)} min to the lab + "
                f"{s.lab.handover_min} min handover = {wait + d + lab} min", ("units", i, "location")))
    return problems


RULES: tuple[Callable[..., list[Problem]], ...] = (
    unique_ids,
    known_references,
    pinned_grids_allowed,
    zones_cover_units,
    zones_have_vehicles,
    round_times,
    people_within_ledger,
    town_within_bounds,
    special_needs_within_grids,
    groups_have_roles,
    places_inside_region,
    lab_is_reachable,
    shared_queue_leaves_time,
    units_reach_lab_in_time,
)


TRAVEL_RULES: tuple[Callable[..., list[Problem]], ...] = (units_reach_lab_in_time,)
"""The rules that need travel times (called with ``travel=``)."""


def run_checks(s: Scenario, geometry: BaseGeometry | None = None,
               travel: TravelTimes | None = None) -> list[Problem]:
    """Run every rule; errors and warnings together, in rule order.

    Parameters
    ----------
    s
        The validated scenario.
    geometry
        The region's boundary, for the rule that places lie inside it.
    travel
        Van travel times (:data:`natplan.routing.network.TRAVEL`) for the rules in
        :data:`TRAVEL_RULES`; without them those rules are not checked.
    """
    return [p for rule in RULES
            for p in (rule(s, geometry, travel) if rule in TRAVEL_RULES else rule(s, geometry))]
