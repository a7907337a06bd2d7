"""Verify: everything the plan names exists in the scenario — units, groups and their members, vehicles, homes.

The ``…_known`` rules run right after the shape rules (see
:data:`natplan.scheduler.verify.GATE`): the rules after them look units,
groups and vehicles up in the scenario, so a plan that sends people to a
unit ``U99`` is reported here, as such, rather than breaking them.  Grids
are checked by :func:`natplan.scheduler.verify.people.people_exactly_once`.
:func:`home_stops_match_lists` and :func:`shifts_within_visits` run with the
other rules: a home-visit team stops where it says, a person works where
their group is.

That the plan was made from this very scenario file (its SHA-256) is
checked by ``natplan verify`` itself (:func:`natplan.cli.verify.changed_scenario`):
a :class:`~natplan.models.scenario.Scenario` does not carry its file's digest.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.replay import pickups


def _named_units(plan: dict):
    """(where in words, unit id) for every place the plan names a unit."""
    for x in plan["assignment"]["parts"]:
        yield f"grid {x['grid']} part {x['part']} is sent to", x["unit"]
    for x in plan["slots"]:
        yield f"a slot of grid {x['grid']} is at", x["unit"]
    for x in plan["units"]:
        yield "the day of", x["unit"]
    for x in plan["staffing"]["visits"]:
        yield f"group {x['group']} visits", x["unit"]
    for x in plan["staffing"]["shifts"]:
        if x["unit"] is not None:
            yield f"{x['member']} ({x['group']}) works at", x["unit"]
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for uid in route["order"]:
                yield f"courier {route['vehicle']} has in its order", uid
    for route, _, st in pickups(plan):
        yield f"courier {route['vehicle']} picks up at", st["unit"]


def units_known(s: Scenario, plan: dict) -> list[str]:
    """Every unit the plan names is a unit of the scenario, and each courier collects only its own zone's units."""
    known = {u.id for u in s.units}
    out = []
    seen = set()
    for where, uid in _named_units(plan):
        if uid not in known and (where, uid) not in seen:
            seen.add((where, uid))
            out.append(f"{where} unit {uid}, which the scenario does not have")
    zone_units = {z.id: set(z.units) for z in s.zones}
    if s.fleet.move_units:  # a unit moved to a neighbouring zone's loops: the zones' units as the plan lists them
        zone_units.update({zc["zone"]: set(zc["units"]) for zc in plan["routing"]["zones"] if zc.get("units")})
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            mine = zone_units.get(route["zone"], set())
            stray = sorted({uid for uid in route["order"] if uid in known and uid not in mine}
                           | {st["unit"] for lp in route["loops"] for st in lp["stops"]
                              if st["unit"] in known and st["unit"] not in mine})
            for uid in stray:
                out.append(f"courier {route['vehicle']} of zone {route['zone']} collects unit {uid}, "
                           f"which is not in that zone")
    return out


def groups_and_members_known(s: Scenario, plan: dict) -> list[str]:
    """Every group the plan names exists, and every roster line is for a member of that group in their role."""
    groups = {g.id: g for g in s.groups}
    out = []
    for v in plan["staffing"]["visits"]:
        if v["group"] not in groups:
            out.append(f"group {v['group']} visits {v['unit']}, but the scenario has no group {v['group']}")
    for d in plan["units"]:
        if d["group"] is not None and d["group"] not in groups:
            out.append(f"unit {d['unit']} is staffed by group {d['group']}, which the scenario does not have")
    reported = set()
    for sh in plan["staffing"]["shifts"]:
        key = (sh["group"], sh["member"], sh["role"])
        if key in reported:
            continue
        g = groups.get(sh["group"])
        if g is None:
            reported.add(key)
            out.append(f"{sh['member']} has a roster in group {sh['group']}, which the scenario does not have")
            continue
        roles = {m.role.value for m in g.members if m.name == sh["member"]}
        if not roles:
            reported.add(key)
            out.append(f"{sh['member']} has a roster in group {sh['group']} but is not one of its members")
        elif sh["role"] not in roles:
            reported.add(key)
            out.append(f"{sh['member']} ({sh['group']}) is rostered as {sh['role']} but is {', '.join(sorted(roles))}")
    return out


def vehicles_known(s: Scenario, plan: dict) -> list[str]:
    """Shuttles are the station's vehicles; courier routes belong to zones of the scenario."""
    fleet = {v.id for v in s.station.vehicles}
    zones = {z.id for z in s.zones}
    out = sorted({f"a shuttle is driven by vehicle {t['vehicle']}, which the station does not have"
                  for t in plan["routing"]["shuttles"]["trips"] if t["vehicle"] not in fleet})
    for zc in plan["routing"]["zones"]:
        if zc["zone"] not in zones:
            out.append(f"courier zone {zc['zone']} is not a zone of the scenario")
        for route in zc["routes"]:
            if route["zone"] != zc["zone"]:
                out.append(f"courier {route['vehicle']} is listed under zone {zc['zone']} but says zone {route['zone']}")
    vehicles = [(zc["zone"], route["vehicle"]) for zc in plan["routing"]["zones"] for route in zc["routes"]]
    for z, v in sorted({x for x in vehicles if vehicles.count(x) > 1}):  # a lent vehicle has a route in each zone
        out.append(f"courier vehicle {v} has more than one route in zone {z}")
    return out


def special_needs_known(s: Scenario, plan: dict) -> list[str]:
    """Home-visit teams list and stop at only people on the special-needs list."""
    known = {p.id for p in s.special_needs}
    out = []
    for team in plan["staffing"]["home_teams"]:
        named = set(team["people"]) | {pid for pid, _ in team["stops"]}
        out += [f"home-visit team {team['team']} visits {pid}, who is not on the special-needs list"
                for pid in sorted(named - known)]
    return out


def home_stops_match_lists(s: Scenario, plan: dict) -> list[str]:
    """Each home-visit team stops at every home it lists, and at no home more often than it lists it.

    (How often each person is listed is :func:`natplan.scheduler.verify.people.people_exactly_once`'s.)
    """
    out = []
    for team in plan["staffing"]["home_teams"]:
        named = Counter(team["people"])
        stops = Counter(pid for pid, _ in team["stops"])
        for pid in sorted(set(named) - set(stops)):
            out.append(f"home-visit team {team['team']} lists {pid} but never stops there")
        for pid, n in sorted((stops - named).items()):
            out.append(f"home-visit team {team['team']} stops at {pid} {'once' if n == 1 else f'{n} times'} "
                       f"more than it lists them")
    return out


def shifts_within_visits(s: Scenario, plan: dict) -> list[str]:
    """Every set-up and work line of a roster lies within a visit of the person's group to that unit (a break may
    close a day, after the visit)."""
    stays = defaultdict(list)
    for v in plan["staffing"]["visits"]:
        stays[(v["group"], v["unit"])].append((v["arrive"], v["leave"]))
    out = []
    for sh in plan["staffing"]["shifts"]:
        if sh["unit"] is None or sh["kind"] not in ("setup", "work"):
            continue
        if not any(a <= sh["start"] and sh["end"] <= b for a, b in stays[(sh["group"], sh["unit"])]):
            out.append(f"{sh['member']} ({sh['group']}) is rostered at {sh['unit']} {hm(sh['start'])}–{hm(sh['end'])}, "
                       f"when group {sh['group']} is not there")
    return out
