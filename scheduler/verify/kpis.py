"""Verify: the figures a plan states about itself are true — each unit's day and the town's KPIs.

Every figure is worked out again: a unit's finish and peak queue from its
replayed day (:mod:`natplan.scheduler.verify.replay`), walks by the
planner's distance rule (:mod:`natplan.scheduler.verify.walking`), the
oldest sample from the boxes each shuttle should carry, the least possible
finish from the scenario (:func:`natplan.models.summary.summarize`), counts
from the scenario and the plan's own lists.  A command post reads the KPIs
first; a plan whose KPIs say 11:40 when its units finish at 14:20 is wrong
even if every other line is right.
"""

from __future__ import annotations

import math
from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.summary import summarize
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.queues import _rates, unit_spans
from natplan.scheduler.verify.samples import tested_at
from natplan.scheduler.verify.replay import replay_units, shuttle_loads
from natplan.scheduler.verify.walking import walk_metres

MINUTE = 1.0
"""Tolerance of a time (the plan rounds finishes to 0.1 min and KPIs to the minute)."""
PERSON = 1.0
"""Tolerance of a queue length (the plan rounds to 0.1)."""
METRE = 1.0
"""Tolerance of a walk (the plan rounds to 0.1 m)."""


def unit_days_true(s: Scenario, plan: dict) -> list[str]:
    """Each unit's day — people, hours, group, rate, first and last slot, finish, peak queue — as replayed."""
    replays = replay_units(s, plan)
    rates = _rates(s, plan)
    visit = unit_spans(plan)  # a unit may have several visits: its first opening, last closing, first group
    slots = defaultdict(list)
    for x in plan["slots"]:
        slots[x["unit"]].append(x)
    out = []
    days = {d["unit"]: d for d in plan["units"]}
    for uid in sorted(set(slots) - set(days)):
        out.append(f"unit {uid} has slots but no line in the plan's units")
    for uid, d in days.items():
        v, xs = visit.get(uid), slots.get(uid, [])
        where = f"unit {uid}"
        if v is None:
            out.append(f"{where} has a day in the plan but no group visits it")
            continue
        stated = [("people", d["people"], sum(x["people"] for x in xs)), ("open", d["open"], v["open"]),
                  ("close", d["close"], v["close"]), ("group", d["group"], v["group"]),
                  ("first slot", d["first_slot"], min((x["start"] for x in xs), default=None)),
                  ("last slot", d["last_slot"], max((x["start"] for x in xs), default=None))]
        out += [f"{where}: the plan gives its {name} as {have}, its slots and visit say {want}"
                for name, have, want in stated if have != want]
        if abs(d["rate_per_hour"] - rates[uid]) > 0.01:
            out.append(f"{where}: the plan gives its rate as {d['rate_per_hour']:.1f} an hour, its desks and "
                       f"group's samplers give {rates[uid]:.1f}")
        r = replays.get(uid)
        if r is None:
            continue
        if not math.isfinite(r.finish):
            out.append(f"{where}: the plan says it finishes at {hm(d['finish'])}, but its samplers at work never "
                       f"swab everyone its slots call")
        elif abs(d["finish"] - r.finish) > MINUTE:
            out.append(f"{where}: the plan says it finishes at {hm(d['finish'])}, its slots finish at "
                       f"{hm(round(r.finish, 1))}")
        if abs(d["peak_queue"] - r.peak) > PERSON:
            out.append(f"{where}: the plan gives its peak queue as {d['peak_queue']:.0f}, its slots give {r.peak:.0f}")
        wrong = [(t, n) for t, n in d["queue"] if abs(n - r.waiting_at(t)) > PERSON]
        if wrong:
            t, n = wrong[0]
            out.append(f"{where}: the plan says {n:.0f} people wait at {hm(t)}, its slots give {r.waiting_at(t):.0f}"
                       + (f" (and {len(wrong) - 1} more such times)" if len(wrong) > 1 else ""))
    return out


def kpis_true(s: Scenario, plan: dict) -> list[str]:
    """The plan's KPIs are there and each is the figure worked out again from the scenario and the plan."""
    k = plan.get("kpis")
    if not isinstance(k, dict):
        return ["the plan has no kpis section: its figures cannot be read or checked"]
    p = s.parameters
    replays = replay_units(s, plan)
    parts = plan["assignment"]["parts"]
    walks = [(d, x["people"]) for x, d in zip(parts, walk_metres(s, parts)) if d is not None]
    walk_in = sum(x["people"] for x in parts)
    loads, stranded = shuttle_loads(s, plan)
    trips = plan["routing"]["shuttles"]["trips"]
    tested = tested_at(trips, s.lab.tubes_per_hour)  # a sample's age runs to its test: the lab's queue counted
    ages = [tested[k] - load.oldest_swab for k, load in enumerate(loads) if load.oldest_swab is not None]
    # rounded as the plan rounds: a unit's finish to 0.1 min, then the town's to the minute
    finish = max((round(round(r.finish, 1)) for r in replays.values() if math.isfinite(r.finish)), default=None)
    exact = [
        ("people", k["people"], s.people),
        ("walk-in people", k["walk_in"], walk_in),
        ("home visits", k["home_visits"], len(s.special_needs)),
        ("units open", k["units_open"], len(plan["units"])),
        ("groups used", k["groups_used"], len({v["group"] for v in plan["staffing"]["visits"]})),
        ("courier vehicles", k["courier_vehicles"],  # each zone's own count: the fleet rules check those
         sum(zc["vehicles_needed"] for zc in plan["routing"]["zones"])),
    ]
    out = [f"KPIs: {name} {have}, the plan has {want}" for name, have, want in exact if have != want]
    bound = p.start + summarize(s).throughput_bound_min
    near = [
        ("finish", k["finish"], finish, MINUTE, hm),
        ("least possible finish", k["bound"], bound, 0.1, hm),
        ("peak queue", k["peak_queue"], max((r.peak for r in replays.values()), default=0.0), PERSON, "{:.0f}".format),
        ("mean walk", k["walk_mean_m"], sum(d * n for d, n in walks) / max(1, walk_in), METRE, "{:,.0f} m".format),
        ("longest walk", k["walk_max_m"], max((d for d, _ in walks), default=0.0), METRE, "{:,.0f} m".format),
        ("oldest sample", k["worst_sample_age_min"], None if stranded else max(ages, default=0.0), MINUTE,
         "{:.0f} min".format),  # boxes no shuttle takes never arrive: samples_within_age says so
    ]
    for name, have, want, tolerance, show in near:
        if want is not None and (have is None or abs(have - want) > tolerance):
            out.append(f"KPIs: {name} {'none' if have is None else show(have)}, it is {show(want)}")
    if bound > p.start and finish is not None:
        ratio = (finish - p.start) / (bound - p.start)
        if abs(k["finish_ratio"] - ratio) > 0.0015 + MINUTE / (bound - p.start):
            out.append(f"KPIs: finish ratio {k['finish_ratio']:.3f}, its finish and the least possible finish "
                       f"give {ratio:.3f}")
    return out
