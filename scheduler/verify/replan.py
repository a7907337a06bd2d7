"""Verify a re-planned plan: the events are kept, no sample is lost, nobody is sampled twice or missed.

These rules apply when a plan carries its events (a ``replan`` section,
:class:`natplan.models.replan.ReplannedPlan`); the town's rules then check
it against the scenario as the events make it
(:func:`natplan.models.events.scenario_with_events`) — the queues at the
rates its rosters give, with the samplers who left gone from them.  Like
every rule these re-derive what they check from the scenario and the plan's
own lines (the lab's queue from the shuttles, a pool's people from the
unit's slots), and import nothing of the solvers.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.events import (
    Events, GroupShort, LabSlow, PositivePool, UnitClosed, VehicleOut, events_from_plan, scenario_with_events,
)
from natplan.models.scenario import Scenario


def _events(plan: dict) -> Events:
    return events_from_plan(plan)


def replanned_scenario(s: Scenario, plan: dict) -> Scenario:
    """The scenario as a re-planned plan's events make it (more people where a grid had more)."""
    return scenario_with_events(s, _events(plan))


def closed_units_call_nobody(s: Scenario, plan: dict) -> list[str]:
    """No slot of a closed unit runs while it is closed."""
    out = []
    for e in _events(plan).events:
        if isinstance(e, UnitClosed):
            end = math.inf if e.until is None else e.until
            for x in plan["slots"]:
                if x["unit"] == e.unit and x["start"] < end and x["end"] > e.at:
                    out.append(f"unit {e.unit} is closed from {hm(e.at)} but calls grid {x['grid']} "
                               f"{hm(x['start'])}–{hm(x['end'])}")
    return out


def _busy(plan: dict) -> dict[str, list[tuple[int, int]]]:
    """When each vehicle drives: courier loops (by their route, or their stand-in) and shuttle trips."""
    stand = {(sub["route"], d): sub["vehicle"] for sub in plan["replan"]["substitutes"] for d in sub["departs"]}
    out = defaultdict(list)
    for zc in plan["routing"]["zones"]:
        for r in zc["routes"]:
            for lp in r["loops"]:
                out[stand.get((r["vehicle"], lp["depart"]), r["vehicle"])].append((lp["depart"], lp["back"]))
    for t in plan["routing"]["shuttles"]["trips"]:
        out[t["vehicle"]].append((t["depart"], t["back"]))
    return out


def vehicles_out_stay_out(s: Scenario, plan: dict) -> list[str]:
    """A vehicle that is out drives nothing that starts while it is out; every vehicle drives one thing at a
    time, stand-ins included."""
    out = []
    busy = _busy(plan)
    for e in _events(plan).events:
        if isinstance(e, VehicleOut):
            end = math.inf if e.until is None else e.until
            for a, b in sorted(busy.get(e.vehicle, [])):
                if e.at <= a < end:
                    out.append(f"vehicle {e.vehicle} is out from {hm(e.at)} but drives {hm(a)}–{hm(b)}")
    stood_in = {sub["vehicle"] for sub in plan["replan"]["substitutes"]}
    for v in sorted(stood_in):
        spans = sorted(busy[v])
        for (a, b), (c, d) in zip(spans, spans[1:]):
            if c < b:
                out.append(f"vehicle {v} stands in for a courier but is driving {hm(a)}–{hm(b)} and {hm(c)}–{hm(d)}")
    return out


def members_who_left_do_not_work(s: Scenario, plan: dict) -> list[str]:
    """Members who left a group have no line after they left."""
    left = {(e.group, name): e.at for e in _events(plan).events if isinstance(e, GroupShort) for name in e.members}
    return [f"{sh['member']} ({sh['group']}) left at {hm(left[(sh['group'], sh['member'])])} but is on the roster "
            f"until {hm(sh['end'])}" for sh in plan["staffing"]["shifts"]
            if (sh["group"], sh["member"]) in left and sh["end"] > left[(sh["group"], sh["member"])]]


def sampled_once(s: Scenario, plan: dict) -> list[str]:
    """Every household of every grid has a slot, and no household is called by two parts (nobody is sampled
    twice or missed; a positive pool's retest is apart, in ``replan.retests``)."""
    out = []
    special = defaultdict(int)
    for sp in s.special_needs:
        special[sp.grid] += 1
    by_grid = defaultdict(list)
    for x in plan["slots"]:
        by_grid[x["grid"]].append(x)
    for g in s.grids():
        xs = sorted(by_grid.get(g.id, []), key=lambda x: tuple(x["households"]))
        if g.people - special[g.id] <= 0:
            continue
        covered = 0
        for x in xs:
            a, b = x["households"]
            if a > covered + 1:
                out.append(f"grid {g.id}: households {covered + 1}–{a - 1} have no slot")
            covered = max(covered, b)
        if covered < g.households:
            out.append(f"grid {g.id}: households {covered + 1}–{g.households} have no slot")
        parts = defaultdict(lambda: [math.inf, -math.inf])
        for x in xs:
            span = parts[x["part"]]
            span[0], span[1] = min(span[0], x["households"][0]), max(span[1], x["households"][1])
        spans = sorted((lo, hi, k) for k, (lo, hi) in parts.items())
        for (a, b, k), (c, d, m) in zip(spans, spans[1:]):
            if c <= b:
                out.append(f"grid {g.id}: parts {k} and {m} both call households {c}–{min(b, d)}")
    return out


def _lab_arrivals(s: Scenario, plan: dict) -> list[tuple[float, int, float]]:
    """Tubes reaching the lab: (minute, tubes, oldest swab) per pickup, home-visit trip and retest."""
    trips = sorted(plan["routing"]["shuttles"]["trips"], key=lambda t: t["depart"])
    out = []

    def ride(at):
        return next((t["arrive"] for t in trips if t["depart"] >= at), None)

    for zc in plan["routing"]["zones"]:
        for r in zc["routes"]:
            for lp in r["loops"]:
                for st in lp["stops"]:
                    if st["tubes"]:
                        out.append((ride(lp["back"]), st["tubes"], st["earliest_swab"]))
    for team in plan["staffing"]["home_teams"]:
        for a, b in team["trips"]:
            times = [t for _, t in team["stops"] if a <= t <= b]
            if times:
                out.append((ride(b), -(-len(times) // s.parameters.pooling_ratio), min(times)))
    out += [(r["lab_arrive"], r["people"], r["first_swab"]) for r in plan["replan"]["retests"]]
    return sorted(x for x in out if x[0] is not None)


def _tested(s: Scenario, e: LabSlow, arrivals) -> list[tuple[float, float]]:
    """(oldest swab, test of the last tube) of each arrival at a lab slowed by ``e``, in order of arrival: tubes
    are tested one at a time, every ``60 / tubes_per_hour`` min while it is slow, at its own rate (or at once)
    otherwise."""
    normal = s.lab.tubes_per_hour
    end = math.inf if e.until is None else e.until
    out, free = [], -math.inf
    for arrive, tubes, oldest in arrivals:
        starts = []
        t = max(arrive, free)
        while len(starts) < tubes:
            starts.append(t)
            speed = e.tubes_per_hour if e.at <= t < end else normal
            t = t + 60 / speed if speed else t
        free = t
        out.append((oldest, starts[-1]))
    return out


def lab_queue_within_age(s: Scenario, plan: dict) -> list[str]:
    """While the lab is slow its tubes are tested in order of arrival; each is tested within the age limit."""
    limit = s.parameters.sample_age_limit_min
    out = []
    arrivals = _lab_arrivals(s, plan)
    for e in _events(plan).events:
        if isinstance(e, LabSlow):
            worst = max((test - oldest for oldest, test in _tested(s, e, arrivals)), default=0.0)
            if worst > limit + 1e-6:
                out.append(f"the lab at {e.tubes_per_hour} tubes an hour from {hm(e.at)} tests tubes {worst:.0f} min "
                           f"after the swab, over the {limit}-min limit")
    return out


def pre_event_tubes_within_age(s: Scenario, plan: dict) -> list[str]:
    """Every tube swabbed before the cut reaches the lab (and is tested, if the lab is slow) within the limit."""
    limit = s.parameters.sample_age_limit_min
    cut = plan["replan"]["cut"]
    slow = [e for e in _events(plan).events if isinstance(e, LabSlow)]
    arrivals = _lab_arrivals(s, plan)
    out = []
    missing = _unshipped(plan, cut)
    if missing:
        out.append(f"{missing} tubes swabbed before {hm(cut)} have no shuttle to the lab")
    for arrive, tubes, oldest in arrivals:
        if oldest < cut and arrive - oldest > limit + 1e-6:
            out.append(f"tubes swabbed from {hm(oldest)}, before {hm(cut)}, reach the lab at {hm(arrive)}, "
                       f"{arrive - oldest:.0f} min later")
    for e in slow:
        for oldest, test in _tested(s, e, arrivals):
            if oldest < cut and test - oldest > limit + 1e-6:
                out.append(f"tubes swabbed from {hm(oldest)}, before {hm(cut)}, are tested at {hm(test)}, "
                           f"{test - oldest:.0f} min later")
    return out


def _unshipped(plan: dict, cut: int) -> int:
    """Tubes swabbed before the cut whose box reaches the station after the last shuttle."""
    last = max((t["depart"] for t in plan["routing"]["shuttles"]["trips"]), default=-1)
    return sum(st["tubes"] for zc in plan["routing"]["zones"] for r in zc["routes"] for lp in r["loops"]
               for st in lp["stops"] if st["earliest_swab"] < cut and lp["back"] > last)


def pools_retested(s: Scenario, plan: dict) -> list[str]:
    """Each positive pool has one retest of all its members, one tube each, after the result, reaching the lab
    within the age limit; a retest at a unit is while the unit is open."""
    p = s.parameters
    out = []
    retests = defaultdict(list)
    for r in plan["replan"]["retests"]:
        retests[r["event"]].append(r)
    visit = {v["unit"]: v for v in plan["staffing"]["visits"]}
    for i, e in enumerate(_events(plan).events):
        if not isinstance(e, PositivePool):
            continue
        got = retests.pop(i, [])
        if len(got) != 1:
            out.append(f"tube {e.tube} of {e.unit} is positive but has {len(got)} retests")
            continue
        r = got[0]
        xs = sorted((x for x in plan["slots"] if x["unit"] == e.unit), key=lambda x: x["start"])
        total = sum(x["people"] for x in xs)
        size = max(0, min(p.pooling_ratio, total - (e.tube - 1) * p.pooling_ratio))
        if r["people"] != size or sum(m["people"] for m in r["members"]) != size:
            out.append(f"tube {e.tube} of {e.unit} holds {size} people; its retest lists {r['people']}")
        if r["leave"] < e.at or r["first_swab"] < e.at:
            out.append(f"tube {e.tube} of {e.unit}: the retest starts at {hm(r['first_swab'])}, before the result "
                       f"at {hm(e.at)}")
        if r["lab_arrive"] - r["first_swab"] > p.sample_age_limit_min:
            out.append(f"tube {e.tube} of {e.unit}: the retest tubes reach the lab "
                       f"{r['lab_arrive'] - r['first_swab']} min after the swab")
        if r["mode"] == "unit":
            v = visit.get(r["place"])
            if v is None or not v["open"] <= r["first_swab"] <= r["last_swab"] <= v["close"]:
                out.append(f"tube {e.tube} of {e.unit}: the retest slot at {r['place']} is not while it is open")
    out += [f"a retest names event {i}, which is not a positive pool" for i in retests]
    return out


def excused(plan: dict, found: list) -> list:
    """``found`` (:class:`~natplan.scheduler.verify.Violation`) without the short stints that members who left
    were in when they left: leaving mid-stint is an event, not a roster that breaks the rule."""
    left = {(e.group, name): e.at for e in _events(plan).events if isinstance(e, GroupShort) for name in e.members}
    out = []
    for v in found:
        m = re.match(r"(.+) \((.+)\) works a stint of (\d+) min at \S+ from (\d+):(\d+),", v.message)
        if v.rule == "stints_long_enough" and m:
            member, group, minutes, hh, mm = m.groups()
            if left.get((group, member)) == int(hh) * 60 + int(mm) + int(minutes):
                continue
        out.append(v)
    return out


REPLAN_RULES = (closed_units_call_nobody, vehicles_out_stay_out, members_who_left_do_not_work, sampled_once,
                pre_event_tubes_within_age, lab_queue_within_age, pools_retested)
"""The rules a re-planned plan must keep besides the town's (see :data:`natplan.scheduler.verify.RULES`)."""
