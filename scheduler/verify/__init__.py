"""Check a plan against its scenario without the solvers' code.

Reads ``plan.json`` as plain JSON (not through the plan models' solvers)
and re-derives everything it checks from the scenario: who lives where, the
unit rates, the queue.  Each rule is one function returning violations in
words; ``natplan verify`` prints them and exits 1 if there are any.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from natplan.models.clock import format_clock as hm
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError
from natplan.models.scenario import Role, Scenario


def people_exactly_once(s: Scenario, plan: dict) -> list[str]:
    """Every walk-in person in exactly one unit, every special-needs person in exactly one home visit."""
    out = []
    special = Counter(p.grid for p in s.special_needs)
    sent = Counter()
    for part in plan["assignment"]["parts"]:
        sent[part["grid"]] += part["people"]
    for g in s.grids():
        want = g.people - special[g.id]
        if sent[g.id] != want:
            out.append(f"grid {g.id}: {sent[g.id]} people sent to units, but {want} walk in")
    known = {g.id for g in s.grids()}
    for gid in sent:
        if gid not in known:
            out.append(f"grid {gid} in the plan is not in the scenario")
    visited = Counter(pid for t in plan["staffing"]["home_teams"] for pid in t["people"])
    for sp in s.special_needs:
        if visited[sp.id] != 1:
            out.append(f"special-needs person {sp.id} is visited {visited[sp.id]} times")
    slotted = Counter()
    for x in plan["slots"]:
        slotted[(x["grid"], x["part"])] += x["people"]
    for part in plan["assignment"]["parts"]:
        if slotted[(part["grid"], part["part"])] != part["people"]:
            out.append(f"grid {part['grid']} part {part['part']}: {slotted[(part['grid'], part['part'])]} "
                       f"people have slots, {part['people']} were assigned")
    return out


def households_whole(s: Scenario, plan: dict) -> list[str]:
    """A grid is split only by household ranges that do not overlap and cover it."""
    out = []
    parts = defaultdict(list)
    for part in plan["assignment"]["parts"]:
        parts[part["grid"]].append(part)
    for gid, ps in parts.items():
        ps.sort(key=lambda x: x["part"])
        for a, b in zip(ps, ps[1:]):
            if b["households"][0] <= a["households"][1]:
                out.append(f"grid {gid}: households of parts {a['part']} and {b['part']} overlap")
    return out


def _rates(s: Scenario, plan: dict) -> dict[str, float]:
    """Unit rates re-derived from desks, the staffing group's samplers and breaks."""
    p = s.parameters
    length = p.deadline - p.start
    changes = max(0, -(-length // p.gear_change_interval_min) - 1)
    brk = min(0.5, (changes * p.gear_change_min + p.meal_break_min) / max(1, length))
    samplers = {g.id: g.count(Role.sampler) for g in s.groups}
    desks = {u.id: u.desks for u in s.units}
    rates = {}
    for v in plan["staffing"]["visits"]:
        active = min(desks[v["unit"]], samplers[v["group"]] * (1 - brk))
        rates[v["unit"]] = p.throughput_per_desk_per_hour * active
    return rates


def queues_within_rooms(s: Scenario, plan: dict) -> list[str]:
    """Replaying the slots minute by minute, no unit's queue passes its waiting room."""
    out = []
    rates = _rates(s, plan)
    room = {u.id: u.waiting_room for u in s.units}
    by_unit = defaultdict(list)
    for x in plan["slots"]:
        by_unit[x["unit"]].append(x)
    visit = {v["unit"]: v for v in plan["staffing"]["visits"]}
    for uid, xs in by_unit.items():
        if uid not in visit:
            out.append(f"unit {uid} has slots but no group")
            continue
        mu = rates[uid] / 60
        t0 = min(visit[uid]["open"], min(x["start"] for x in xs))
        q, t, done = 0.0, t0, 0.0
        total = sum(x["people"] for x in xs)
        while done < total - 1e-6 and t < t0 + 3 * 24 * 60:
            inflow = sum(x["people"] / (x["end"] - x["start"]) for x in xs if x["start"] <= t < x["end"])
            serve = min(mu, q + inflow) if t >= visit[uid]["open"] else 0.0
            q = q + inflow - serve
            done += serve
            t += 1
            if q > room[uid] + 0.5:
                out.append(f"unit {uid}: {q:.0f} people waiting at {hm(t)}, room for {room[uid]}")
                break
        if t > visit[uid]["close"] + 1:
            out.append(f"unit {uid}: last person sampled at {hm(t)}, after its group leaves at {hm(visit[uid]['close'])}")
        if t > s.parameters.deadline:
            out.append(f"unit {uid}: last person sampled at {hm(t)}, after the deadline {hm(s.parameters.deadline)}")
        if min(x["start"] for x in xs) < visit[uid]["open"]:
            out.append(f"unit {uid}: a slot starts before the unit opens at {hm(visit[uid]['open'])}")
    return out


def _overlaps(items: list[dict], owner: tuple[str, ...], start: str, end: str):
    """(owner, a, b) for each item b that starts before the previous item a of the same owner ends."""
    by_owner = defaultdict(list)
    for x in items:
        by_owner[tuple(x[k] for k in owner)].append(x)
    for who, xs in by_owner.items():
        xs.sort(key=lambda x: x[start])
        for a, b in zip(xs, xs[1:]):
            if b[start] < a[end]:
                yield who, a, b


def units_staffed(s: Scenario, plan: dict) -> list[str]:
    """Every open unit-minute has its group and a working sampler; nobody is in two places."""
    out = []
    for (group, member), a, b in _overlaps(plan["staffing"]["shifts"], ("group", "member"), "start", "end"):
        out.append(f"{member} ({group}) is in two places at {hm(b['start'])}")
    for (group,), a, b in _overlaps(plan["staffing"]["visits"], ("group",), "arrive", "leave"):
        out.append(f"group {group} is at {a['unit']} and {b['unit']} at once ({hm(b['arrive'])})")
    working = defaultdict(list)
    for sh in plan["staffing"]["shifts"]:
        if sh["kind"] == "work" and sh["role"] == "sampler":
            working[sh["unit"]].append((sh["start"], sh["end"]))
    for v in plan["staffing"]["visits"]:
        spans = sorted(working[v["unit"]])
        t = v["open"]
        for a, b in spans:
            if a > t:
                break
            t = max(t, b)
        if t < v["close"]:
            out.append(f"unit {v['unit']} has no sampler at work at {hm(t)} while open "
                       f"({hm(v['open'])}–{hm(v['close'])})")
    open_units = {x["unit"] for x in plan["slots"]}
    staffed = {v["unit"] for v in plan["staffing"]["visits"]}
    for uid in sorted(open_units - staffed):
        out.append(f"unit {uid} has people but no group")
    return out


def round_by_deadline(s: Scenario, plan: dict) -> list[str]:
    """Every unit and home-visit team is done by the deadline."""
    d = s.parameters.deadline
    out = [f"unit {x['unit']} finishes at {hm(x['finish'])}, after the deadline {hm(d)}"
           for x in plan["units"] if x["finish"] > d + 1e-6]
    out += [f"home-visit team {t['team']} returns at {hm(t['end'])}, after the deadline {hm(d)}"
            for t in plan["staffing"]["home_teams"] if t["end"] > d]
    return out


def units_collected_every_interval(s: Scenario, plan: dict) -> list[str]:
    """Every open unit is on every courier run of its zone from its opening until everything is taken."""
    out = []
    zone_of = {uid: z for z in s.zones for uid in z.units}
    unit_days = {d["unit"]: d for d in plan["units"]}
    runs = defaultdict(list)  # unit -> [(depart, pickup time)]
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                for st in lp["stops"]:
                    runs[st["unit"]].append((lp["depart"], st["time"]))
    for uid, d in unit_days.items():
        if d["people"] == 0:
            continue
        interval = zone_of[uid].interval_min
        got = sorted(runs.get(uid, []))
        if not got:
            out.append(f"unit {uid} is never collected")
            continue
        # the run leaving at d collects what was swabbed in [d - interval, d)
        if got[0][0] > d["open"] + interval:
            out.append(f"unit {uid} opens at {hm(d['open'])} but is first collected by the run of {hm(got[0][0])}")
        for (a, _), (b, _) in zip(got, got[1:]):
            if b - a != interval:
                out.append(f"unit {uid} is not collected between the runs of {hm(a)} and {hm(b)}")
        if got[-1][1] < d["finish"]:
            out.append(f"unit {uid}: last pickup at {hm(got[-1][1])} before its last swab at {hm(d['finish'])}")
    return out


def tubes_carried(s: Scenario, plan: dict) -> list[str]:
    """Tubes picked up at a unit add up to its people / pooling ratio; shuttles carry every tube."""
    pool = s.parameters.pooling_ratio
    out = []
    picked = Counter()
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                for st in lp["stops"]:
                    picked[st["unit"]] += st["tubes"]
    for d in plan["units"]:
        want = -(-d["people"] // pool)
        if picked[d["unit"]] != want:
            out.append(f"unit {d['unit']}: couriers carry {picked[d['unit']]} tubes, {want} were filled")
    home = sum(-(-sum(1 for _, t in team["stops"] if a <= t <= b) // pool)
               for team in plan["staffing"]["home_teams"] for a, b in team["trips"])
    shuttled = sum(t["tubes"] for t in plan["routing"]["shuttles"]["trips"])
    if shuttled != sum(picked.values()) + home:
        out.append(f"shuttles carry {shuttled} tubes, couriers and home teams bring {sum(picked.values()) + home}")
    return out


def samples_within_age(s: Scenario, plan: dict) -> list[str]:
    """Each box reaches the lab on the first shuttle after it reaches the station, within the age limit."""
    limit = s.parameters.sample_age_limit_min
    trips = sorted(plan["routing"]["shuttles"]["trips"], key=lambda t: t["depart"])
    out = []

    def lab_arrival(at_station):
        for t in trips:
            if t["depart"] >= at_station:
                return t["arrive"]
        return None

    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                for st in lp["stops"]:
                    if not st["tubes"]:
                        continue
                    arrive = lab_arrival(lp["back"])
                    if arrive is None:
                        out.append(f"unit {st['unit']}: the box picked up at {hm(st['time'])} has no shuttle to the lab")
                    elif arrive - st["earliest_swab"] > limit + 1e-6:
                        out.append(f"unit {st['unit']}: samples from {hm(st['earliest_swab'])} reach the lab at "
                                   f"{hm(arrive)}, {arrive - st['earliest_swab']:.0f} min, over the {limit}-min limit")
    for team in plan["staffing"]["home_teams"]:
        for a, b in team["trips"]:
            times = [t for _, t in team["stops"] if a <= t <= b]
            arrive = lab_arrival(b)
            if times and (arrive is None or arrive - min(times) > limit + 1e-6):
                out.append(f"home-visit team {team['team']}: samples from {hm(min(times))} are over the age limit")
    return out


RULES = (people_exactly_once, households_whole, queues_within_rooms, units_staffed, round_by_deadline,
         units_collected_every_interval, tubes_carried, samples_within_age)


def verify(s: Scenario, plan: dict) -> list[str]:
    """All violations of a plan (plain dict, as read from plan.json) against its scenario."""
    return [v for rule in RULES for v in rule(s, plan)]


def read_plan_json(path) -> dict:
    """A plan.json as data; a missing or broken file is an :class:`InputError` naming it."""
    display = str(path)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single(display, "file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError.single(display, f"not a plan.json ({e})") from None


def verify_main(args) -> int:
    """``natplan verify PLAN --scenario S``: print violations, exit 1 if any."""
    loaded = load_scenario(args.scenario)
    display = str(args.plan)
    plan = read_plan_json(args.plan)
    if plan.get("scenario_sha256") != loaded.digest:
        print(f"{display}: warning: made from a different version of {args.scenario}", file=sys.stderr)
    try:
        problems = verify(loaded.scenario, plan)
    except (KeyError, TypeError) as e:
        raise InputError.single(display, f"not a natplan plan (missing {e})") from None
    return report(display, problems, "every rule holds")


def report(display: str, problems: list[str], ok: str) -> int:
    """Print each violation (or that all is well); the exit code: 1 if any."""
    for p in problems:
        print(f"{display}: {p}")
    if not problems:
        print(f"{display}: ok — {ok}")
    return 1 if problems else 0
