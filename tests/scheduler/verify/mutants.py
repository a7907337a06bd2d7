"""Kinds of tampering with a good plan, each with the rule of ``natplan verify`` that must name it.

Used by tests/scheduler/verify/test_mutants.py and ``benchmarks/verify_mutants.py``
(:mod:`tests.scheduler.verify.tampering` applies them to good plans and
judges what verify says).  One concept, a table: 59 kinds, each a small
function, grouped by the rule family that must catch them.
A :class:`Tamper` changes a plan (plain data, as read from plan.json) in
place, the way a careless edit or a lying tool would, and says which rule
must report it.  Each works on any town's plan: it picks its target (the
first grid part, the busiest shuttle, a group with two visits…) from the
plan itself, and says so when the plan has nothing of the kind (a town
without special-needs people has no home visits to tamper with).

The ``survivor`` ones are the 20 tamperings that ``natplan verify`` passed
when issue #17 was filed.  Those marked ``pending`` are caught by rules
that other issues add (``labour``: issue #14, ``fleet``: issue #15): the
rules named, or any rule of that module, count; until that module has a rule
in :data:`~natplan.scheduler.verify.RULES` they are expected to survive.

"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m


@dataclass(frozen=True)
class Tamper:
    """One kind of tampering: its name, what it does in words, the rules that must name it, and the change.

    ``change(scenario, plan)`` edits ``plan`` in place and returns False when the plan has nothing to tamper
    with this way (then the plan is left as it was).
    """

    kind: str
    what: str
    rules: tuple[str, ...]
    change: Callable[[Scenario, dict], bool]
    survivor: bool = False
    pending: str | None = None  # the verify module (labour, fleet) whose rule must name it, not written yet

    @property
    def issue(self) -> str | None:
        """The issue whose rule catches it, for a pending tampering."""
        return {"labour": "#14", "fleet": "#15"}.get(self.pending or "")


# ------------------------------------------------------------------------------------------- helpers
def _metres(a, b) -> float:
    return float(haversine_m(a.lon, a.lat, b.lon, b.lat))


def _units(s: Scenario) -> dict:
    return {u.id: u.location for u in s.units}


def _routes(plan: dict) -> list[dict]:
    return [r for zc in plan["routing"]["zones"] for r in zc["routes"]]


def _trips(plan: dict) -> list[dict]:
    return sorted(plan["routing"]["shuttles"]["trips"], key=lambda t: t["depart"])


def _sampler_shifts(plan: dict) -> dict[tuple[str, str], list[dict]]:
    out = defaultdict(list)
    for sh in plan["staffing"]["shifts"]:
        if sh["role"] == "sampler":
            out[(sh["group"], sh["member"])].append(sh)
    return out


def _first(items, test):
    return next((x for x in items if test(x)), None)


# ------------------------------------------------------------------------------------------- references
def unknown_unit(s, plan):
    plan["assignment"]["parts"][0]["unit"] = "U99"
    return True


def unknown_group(s, plan):
    plan["staffing"]["visits"][0]["group"] = "T99"
    return True


def stranger_shift(s, plan):
    sh = dict(plan["staffing"]["shifts"][0], member="张三（不在任何组）")
    plan["staffing"]["shifts"].append(sh)
    return True


def sampler_as_lead(s, plan):
    group, member = next(iter(_sampler_shifts(plan)))
    for sh in plan["staffing"]["shifts"]:
        if (sh["group"], sh["member"]) == (group, member):
            sh["role"] = "lead"
    return True


def unknown_vehicle(s, plan):
    trips = plan["routing"]["shuttles"]["trips"]
    if not trips:
        return False
    trips[0]["vehicle"] = "V99"
    return True


def unknown_home(s, plan):
    team = _first(plan["staffing"]["home_teams"], lambda t: t["stops"])
    if team is None:
        return False
    team["stops"][0][0] = team["people"][0] = "S99999"
    return True


def courier_other_zone(s, plan):
    zones = plan["routing"]["zones"]
    if len(zones) < 2 or not zones[1]["routes"]:
        return False
    other = zones[1]["routes"][0]["order"][0]
    route = _first(_routes(plan)[:len(zones[0]["routes"])], lambda r: any(lp["stops"] for lp in r["loops"]))
    if route is None:
        return False
    lp = _first(route["loops"], lambda lp: lp["stops"])
    lp["stops"][0]["unit"] = other
    return True


def stop_not_listed(s, plan):
    team = _first(plan["staffing"]["home_teams"], lambda t: len(t["stops"]) > 1)
    if team is None:
        return False
    team["stops"].pop()
    return True


# ------------------------------------------------------------------------------------------- shape
def unit_finish_nan(s, plan):
    plan["units"][0]["finish"] = math.nan
    return True


def count_as_text(s, plan):
    plan["units"][0]["people"] = str(plan["units"][0]["people"])
    return True


def zero_length_slot(s, plan):
    plan["slots"][0]["end"] = plan["slots"][0]["start"]
    return True


# ------------------------------------------------------------------------------------------- people, queues
def person_twice(s, plan):
    plan["assignment"]["parts"][0]["people"] += 5
    return True


def grid_dropped(s, plan):
    part = plan["assignment"]["parts"].pop(0)
    plan["slots"] = [x for x in plan["slots"] if (x["grid"], x["part"]) != (part["grid"], part["part"])]
    return True


def special_twice(s, plan):
    team = _first(plan["staffing"]["home_teams"], lambda t: t["people"])
    if team is None:
        return False
    team["people"].append(team["people"][0])
    return True


def households_overlap(s, plan):
    parts = plan["assignment"]["parts"]
    k = next((k for k, x in enumerate(parts) if x["households"][1] - x["households"][0] >= 3 and x["people"] >= 2), None)
    if k is None:
        return False
    x = parts[k]
    lo, hi = x["households"]
    mid = (lo + hi) // 2
    half = x["people"] // 2
    parts[k:k + 1] = [dict(x, parts=x["parts"] + 1, households=[lo, mid + 1], people=half),
                      dict(x, part=x["part"] + 1, parts=x["parts"] + 1, households=[mid, hi], people=x["people"] - half)]
    return True


def households_uncalled(s, plan):
    """The last slot of a grid part calls households that are not the part's last ones."""
    x = max((x for x in plan["slots"] if x["households"][1] > x["households"][0]), key=lambda x: x["start"],
            default=None)
    if x is None:
        return False
    x["households"][1] -= 1
    return True


def shift_elsewhere(s, plan):
    """A roster line moved to a unit its group does not visit then."""
    units = [u.id for u in s.units]
    sh = next((sh for sh in plan["staffing"]["shifts"] if sh["unit"] is not None), None)
    other = next((u for u in units if u != sh["unit"]), None) if sh else None
    if other is None:
        return False
    sh["unit"] = other
    return True


def pickup_people_lie(s, plan):
    st = next(st for r in _routes(plan) for lp in r["loops"] for st in lp["stops"] if st["people"] >= 20)
    st["people"] //= 2
    return True


def queue_trace_lie(s, plan):
    d = _unit_day(plan, lambda d: any(n >= 5 for _, n in d["queue"]))
    if d is None:
        return False
    d["queue"] = [[t, 0.0] for t, _ in d["queue"]]
    return True


def slot_before_open(s, plan):
    x = plan["slots"][0]
    x["start"] -= 60
    x["end"] -= 60
    return True


def crowd(s, plan):
    """Everyone of the busiest unit called in its first slot, more than its waiting room holds."""
    busiest = max(plan["units"], key=lambda d: d["people"])
    room = {u.id: u.waiting_room for u in s.units}[busiest["unit"]]
    xs = [x for x in plan["slots"] if x["unit"] == busiest["unit"]]
    if len(xs) < 2 or busiest["people"] < 2 * room:
        return False
    first = min(xs, key=lambda x: x["start"])
    for x in xs:
        x["start"], x["end"] = first["start"], first["end"]
    return True


def visit_removed(s, plan):
    plan["staffing"]["visits"].pop(0)
    return True


def group_double_booked(s, plan):
    """The group of one unit also put at another unit at the same time."""
    visits = plan["staffing"]["visits"]
    pair = _first(((a, b) for a in visits for b in visits if a["group"] != b["group"]
                   and a["arrive"] < b["leave"] and b["arrive"] < a["leave"]), lambda ab: True)
    if pair is None:
        return False
    a, b = pair
    b["group"] = a["group"]
    return True


def unit_late(s, plan):
    plan["units"][0]["finish"] = s.parameters.deadline + 30
    return True


def home_team_late(s, plan):
    team = _first(plan["staffing"]["home_teams"], lambda t: True)
    if team is None:
        return False
    team["end"] = s.parameters.deadline + 60
    return True


# ------------------------------------------------------------------------------------------- walking
def far_unit(s, plan):
    """A grid part sent to the unit farthest from it, over the walking limit, its distance given truly."""
    units = _units(s)
    grids = {g.id: g.location for g in s.grids()}
    pinned = {g.id for g in s.grids() if g.pinned_unit}
    best = None
    for x in plan["assignment"]["parts"]:
        if x["grid"] in pinned:
            continue
        for uid, at in units.items():
            d = _metres(grids[x["grid"]], at) * s.parameters.detour_factor
            if best is None or d > best[0]:
                best = (d, x, uid)
    if best is None or best[0] <= s.parameters.max_walk_m:
        return False
    d, x, uid = best
    x["unit"], x["distance_m"] = uid, round(d, 1)
    return True


def walk_understated(s, plan):
    x = max(plan["assignment"]["parts"], key=lambda x: x["distance_m"])
    if x["distance_m"] < 10:
        return False
    x["distance_m"] = round(x["distance_m"] / 2, 1)
    return True


# ------------------------------------------------------------------------------------------- physics
def group_late_60(s, plan):
    v = plan["staffing"]["visits"][0]
    v["arrive"] = v["open"] + 60
    return True


def teleport_group(s, plan):
    """A group's move to its next unit made in 0 minutes."""
    by_group = defaultdict(list)
    for v in plan["staffing"]["visits"]:
        by_group[v["group"]].append(v)
    units = _units(s)
    for vs in by_group.values():
        vs.sort(key=lambda v: v["arrive"])
        for a, b in zip(vs, vs[1:]):
            if _metres(units[a["unit"]], units[b["unit"]]) > 100:
                b["arrive"] = a["leave"]
                return True
    return False


def teleport_courier(s, plan):
    units = _units(s)
    for route in _routes(plan):
        for lp in route["loops"]:
            st = lp["stops"]
            for a, b in zip(st, st[1:]):
                if _metres(units[a["unit"]], units[b["unit"]]) > 300:
                    b["time"] = a["time"]
                    return True
    return False


def teleport_home_team(s, plan):
    grid_at = {g.id: g.location for g in s.grids()}
    home = {p.id: p.location or grid_at[p.grid] for p in s.special_needs}
    for team in plan["staffing"]["home_teams"]:
        for a, b in zip(team["stops"], team["stops"][1:]):
            if _metres(home[a[0]], home[b[0]]) > 300:
                b[1] = a[1]
                return True
    return False


def shuttle_instant(s, plan):
    trips = plan["routing"]["shuttles"]["trips"]
    if not trips:
        return False
    for t in trips:
        t["arrive"] = t["depart"]
    return True


def shuttle_two_places(s, plan):
    """A shuttle trip given to the vehicle of the trip before, which is still on the road."""
    trips = _trips(plan)
    for a, b in zip(trips, trips[1:]):
        if b["depart"] < a["back"] and a["vehicle"] != b["vehicle"]:
            b["vehicle"] = a["vehicle"]
            return True
    return False


def courier_loop_90(s, plan):
    """A courier loop that takes 90 minutes while the vehicle leaves again every interval."""
    route = _first(_routes(plan), lambda r: len(r["loops"]) >= 2)
    if route is None:
        return False
    lp = route["loops"][0]
    lp["back"] = lp["depart"] + 90
    return True


# ------------------------------------------------------------------------------------------- labour (#14)
def sampler_shift_removed(s, plan):
    """One work shift deleted of a sampler the unit needs (no more samplers at work there than desks), so the unit
    swabs slower than its day says."""
    desks = {u.id: u.desks for u in s.units}
    work = [sh for sh in plan["staffing"]["shifts"] if sh["kind"] == "work" and sh["role"] == "sampler"]
    for sh in sorted(work, key=lambda x: (-(x["end"] - x["start"]), x["unit"], x["member"])):
        mid = (sh["start"] + sh["end"]) / 2
        at_work = sum(1 for x in work if x["unit"] == sh["unit"] and x["start"] <= mid < x["end"])
        if at_work <= desks[sh["unit"]]:
            plan["staffing"]["shifts"].remove(sh)
            return True
    return False


def no_breaks_long_day(s, plan):
    """The sampler with the longest day works it through: gear changes and meal made work."""
    shifts = _sampler_shifts(plan)
    if not shifts:
        return False
    longest = max(shifts.values(), key=lambda xs: max(x["end"] for x in xs) - min(x["start"] for x in xs))
    changed = False
    for sh in longest:
        if sh["kind"] in ("gear", "meal"):
            sh["kind"], changed = "work", True
    return changed


def _breaks_made_work(kind: str):
    def change(s, plan):
        hit = [sh for sh in plan["staffing"]["shifts"] if sh["kind"] == kind]
        for sh in hit:
            sh["kind"] = "work"
        return bool(hit)
    change.__name__ = f"all_{kind}_removed"
    return change


# ------------------------------------------------------------------------------------------- fleet (#15)
def extra_courier_van(s, plan):
    """A zone's loops shared with one more vehicle than the plan had."""
    for zc in plan["routing"]["zones"]:
        route = _first(zc["routes"], lambda r: len(r["loops"]) >= 2)
        if route is not None:
            extra = dict(route, vehicle=f"{route['vehicle']}-extra", loops=route["loops"][1::2])
            route["loops"] = route["loops"][0::2]
            zc["routes"].append(extra)
            zc["vehicles_needed"] += 1
            plan["kpis"]["courier_vehicles"] += 1
            return True
    return False


# ------------------------------------------------------------------------------------------- samples
def run_skipped(s, plan):
    route = _first(_routes(plan), lambda r: len(r["loops"]) >= 3)
    if route is None:
        return False
    route["loops"].pop(1)
    return True


def tube_left_behind(s, plan):
    _, lp, st = next((r, lp, st) for r in _routes(plan) for lp in r["loops"] for st in lp["stops"] if st["tubes"])
    st["tubes"] -= 1
    return True


def shuttle_dropped(s, plan):
    trips = plan["routing"]["shuttles"]["trips"]
    if not trips:
        return False
    trips.remove(_trips(plan)[-1])
    return True


def shuttle_late(s, plan):
    t = max(plan["routing"]["shuttles"]["trips"], key=lambda t: t["tubes"], default=None)
    if t is None:
        return False
    t["arrive"] += 300
    t["back"] += 300
    return True


# ------------------------------------------------------------------------------------------- boxes
def tubes_moved(s, plan):
    """Tubes of a unit's second pickup moved to its first (the unit's total kept)."""
    by_unit = defaultdict(list)
    for r in _routes(plan):
        for lp in r["loops"]:
            for st in lp["stops"]:
                if st["tubes"]:
                    by_unit[st["unit"]].append(st)
    for stops in by_unit.values():
        if len(stops) >= 2:
            stops.sort(key=lambda st: st["time"])
            n = max(1, stops[1]["tubes"] // 2)
            stops[1]["tubes"] -= n
            stops[0]["tubes"] += n
            return True
    return False


def overloaded_van(s, plan):
    """About 70 boxes on one shuttle vehicle."""
    t = max(plan["routing"]["shuttles"]["trips"], key=lambda t: t["tubes"], default=None)
    if t is None:
        return False
    t["boxes"] = 70
    t["tubes"] = 70 * s.parameters.tubes_per_box
    return True


def earliest_swab_lie(s, plan):
    st = next(st for r in _routes(plan) for lp in r["loops"] for st in lp["stops"] if st["tubes"])
    st["earliest_swab"] += 60
    return True


def boxes_undercounted(s, plan):
    st = next(st for r in _routes(plan) for lp in r["loops"] for st in lp["stops"] if st["tubes"])
    st["boxes"] = 0
    return True


def shuttle_tubes_shuffled(s, plan):
    trips = _trips(plan)
    if len(trips) < 2:
        return False
    a, b = max(zip(trips, trips[1:]), key=lambda ab: ab[0]["tubes"])
    n = max(1, a["tubes"] // 2)
    a["tubes"] -= n
    b["tubes"] += n
    return True


# ------------------------------------------------------------------------------------------- figures
def _unit_day(plan, test=lambda d: True):
    return _first(sorted(plan["units"], key=lambda d: -d["people"]), test)


def unit_finish_lie(s, plan):
    _unit_day(plan)["finish"] -= 60
    return True


def unit_queue_lie(s, plan):
    d = _unit_day(plan, lambda d: d["peak_queue"] >= 5)
    if d is None:
        return False
    d["peak_queue"] = 0.0
    return True


def unit_rate_lie(s, plan):
    _unit_day(plan)["rate_per_hour"] *= 2
    return True


def _kpi(name: str, value: Callable[[Scenario, dict], float]):
    def change(s, plan):
        plan["kpis"][name] = value(s, plan)
        return True
    change.__name__ = f"kpi_{name}_lie"
    return change


def kpis_deleted(s, plan):
    del plan["kpis"]
    return True


def digest_changed(s, plan):
    plan["scenario_sha256"] = "0" * 64
    return True


TAMPERS: tuple[Tamper, ...] = (
    # the 20 that natplan verify passed when issue #17 was filed
    Tamper("unknown-unit", "a grid part assigned to unit U99, which does not exist", ("units_known",),
           unknown_unit, survivor=True),
    Tamper("far-unit", "a grid part sent to the farthest unit, beyond max_walk_m (its distance stated truly)",
           ("walks_within_limit",), far_unit, survivor=True),
    Tamper("sampler-shift-removed", "a work shift deleted of a sampler the unit needs",
           ("unit_days_true", "queues_within_rooms", "units_staffed"), sampler_shift_removed, survivor=True),
    Tamper("stranger-shift", "a roster line for someone in no group", ("groups_and_members_known",),
           stranger_shift, survivor=True),
    Tamper("group-arrives-late", "a group arriving 60 min after its unit opens", ("visits_in_order",),
           group_late_60, survivor=True),
    Tamper("no-breaks-long-day", "the sampler with the longest day working it without gear change or meal", (),
           no_breaks_long_day, survivor=True, pending="labour"),
    Tamper("meals-removed", "every meal break made work", (), _breaks_made_work("meal"), survivor=True,
           pending="labour"),
    Tamper("gear-changes-removed", "every gear change made work", (), _breaks_made_work("gear"), survivor=True,
           pending="labour"),
    Tamper("tubes-moved", "tubes of a unit's second pickup moved to its first", ("pickups_match_swabs",),
           tubes_moved, survivor=True),
    Tamper("overloaded-van", "about 70 boxes on one 20-box shuttle", ("boxes_within_capacity",),
           overloaded_van, survivor=True, pending="fleet"),
    Tamper("shuttle-in-two-places", "a shuttle trip given to the vehicle still on the road from the trip before",
           ("no_vehicle_in_two_places",), shuttle_two_places, survivor=True, pending="fleet"),
    Tamper("shuttle-instant", "every shuttle arriving at the lab when it leaves the station",
           ("shuttle_moves_possible",), shuttle_instant, survivor=True),
    Tamper("courier-loop-90", "a 90-minute courier loop while the vehicle leaves again every interval",
           ("no_vehicle_in_two_places",), courier_loop_90, survivor=True, pending="fleet"),
    Tamper("group-teleports", "a group moving to its next unit in 0 minutes", ("group_moves_possible",),
           teleport_group, survivor=True),
    Tamper("kpi-finish-lie", "the KPIs' finish 160 min earlier than the units finish",
           ("kpis_true",), _kpi("finish", lambda s, p: p["kpis"]["finish"] - 160), survivor=True),
    Tamper("kpi-age-lie", "the KPIs' worst sample age halved", ("kpis_true",),
           _kpi("worst_sample_age_min", lambda s, p: round(p["kpis"]["worst_sample_age_min"] / 2, 1)), survivor=True),
    Tamper("kpi-queue-lie", "the KPIs' peak queue understated", ("kpis_true",),
           _kpi("peak_queue", lambda s, p: max(0.0, p["kpis"]["peak_queue"] - 25)), survivor=True),
    Tamper("kpi-people-lie", "the KPIs' people overstated by 1,000", ("kpis_true",),
           _kpi("people", lambda s, p: p["kpis"]["people"] + 1000), survivor=True),
    Tamper("kpis-deleted", "the kpis section deleted", ("kpis_true",), kpis_deleted, survivor=True),
    Tamper("unit-finish-nan", "a unit's finish NaN", ("numbers_finite",), unit_finish_nan, survivor=True),
    Tamper("digest-changed", "the scenario's sha256 in the plan changed", ("changed_scenario",), digest_changed,
           survivor=True),
    Tamper("extra-courier-van", "a zone's loops shared with one vehicle more", ("vehicles_within_fleet",),
           extra_courier_van, survivor=True, pending="fleet"),
    # caught before issue #17, and more of the same kinds
    Tamper("person-twice", "5 people more sent from a grid than live there", ("people_exactly_once",), person_twice),
    Tamper("grid-dropped", "a grid part and its slots deleted", ("people_exactly_once",), grid_dropped),
    Tamper("special-visited-twice", "a special-needs person listed twice", ("people_exactly_once",), special_twice),
    Tamper("households-overlap", "a grid part split in two with a household in both", ("households_whole",),
           households_overlap),
    Tamper("households-uncalled", "a part's last household left out of its last slot", ("households_called",),
           households_uncalled),
    Tamper("shift-elsewhere", "a roster line at a unit its group does not visit then", ("shifts_within_visits",),
           shift_elsewhere),
    Tamper("pickup-people-lie", "a pickup's swabbed people halved on the handover sheet", ("pickups_match_swabs",),
           pickup_people_lie),
    Tamper("queue-trace-lie", "a unit's queue over the day stated as empty", ("unit_days_true",), queue_trace_lie),
    Tamper("slot-before-open", "a slot an hour before its unit opens", ("queues_within_rooms",), slot_before_open),
    Tamper("crowd", "everyone of the busiest unit called in its first slot", ("queues_within_rooms",), crowd),
    Tamper("visit-removed", "a group's visit deleted", ("units_staffed", "queues_within_rooms"), visit_removed),
    Tamper("group-double-booked", "a group put at a second unit at the same time", ("units_staffed",),
           group_double_booked),
    Tamper("unit-late", "a unit finishing 30 min after the deadline", ("round_by_deadline",), unit_late),
    Tamper("home-team-late", "a home-visit team back an hour after the deadline", ("round_by_deadline",),
           home_team_late),
    Tamper("run-skipped", "a courier run left out", ("units_collected_every_interval",), run_skipped),
    Tamper("tube-left-behind", "a pickup one tube short", ("tubes_carried",), tube_left_behind),
    Tamper("shuttle-dropped", "the last shuttle deleted", ("samples_within_age", "shuttles_carry_arrived_boxes"),
           shuttle_dropped),
    Tamper("shuttle-late", "the busiest shuttle 5 hours late", ("samples_within_age",), shuttle_late),
    Tamper("unknown-group", "a visit by group T99, which does not exist", ("groups_and_members_known",),
           unknown_group),
    Tamper("sampler-as-lead", "a sampler's roster given the lead's role", ("groups_and_members_known",),
           sampler_as_lead),
    Tamper("unknown-vehicle", "a shuttle driven by vehicle V99, which does not exist", ("vehicles_known",),
           unknown_vehicle),
    Tamper("unknown-home", "a home visit to S99999, who is not on the list", ("special_needs_known",), unknown_home),
    Tamper("courier-other-zone", "a courier picking up at a unit of another zone", ("units_known",),
           courier_other_zone),
    Tamper("home-stop-missing", "a home-visit team's last stop deleted, the person still listed",
           ("home_stops_match_lists",), stop_not_listed),
    Tamper("count-as-text", "a unit's people written as text", ("plan_well_formed",), count_as_text),
    Tamper("zero-length-slot", "a slot that ends when it starts", ("plan_well_formed",), zero_length_slot),
    Tamper("walk-understated", "the longest walk stated as half of it", ("walk_distances_true",), walk_understated),
    Tamper("courier-teleports", "a courier reaching its next unit in 0 minutes", ("courier_moves_possible",),
           teleport_courier),
    Tamper("home-team-teleports", "a home-visit team at the next home in 0 minutes",
           ("home_visit_moves_possible",), teleport_home_team),
    Tamper("earliest-swab-lie", "a pickup's oldest swab stated an hour younger", ("pickups_match_swabs",),
           earliest_swab_lie),
    Tamper("boxes-undercounted", "a pickup with tubes and no box", ("boxes_counted",), boxes_undercounted),
    Tamper("shuttle-tubes-shuffled", "half the tubes of the busiest shuttle moved to the next one",
           ("shuttles_carry_arrived_boxes",), shuttle_tubes_shuffled),
    Tamper("unit-finish-lie", "the busiest unit's finish an hour early", ("unit_days_true",), unit_finish_lie),
    Tamper("unit-queue-lie", "a unit's peak queue stated as 0", ("unit_days_true",), unit_queue_lie),
    Tamper("unit-rate-lie", "the busiest unit's rate doubled", ("unit_days_true",), unit_rate_lie),
    Tamper("kpi-walk-lie", "the KPIs' longest walk halved", ("kpis_true",),
           _kpi("walk_max_m", lambda s, p: round(p["kpis"]["walk_max_m"] / 2, 1))),
    Tamper("kpi-bound-lie", "the KPIs' least possible finish an hour later", ("kpis_true",),
           _kpi("bound", lambda s, p: p["kpis"]["bound"] + 60)),
)
"""Every kind of tampering, the 20 survivors of issue #17 first."""
