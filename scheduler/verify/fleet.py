"""Verify: the courier fleet — real vehicles only, each in one place, every unit collected at its planned
interval, every tube carried, every box within its vehicle.

The vehicles are the scenario's: each zone's own (``zones[].vans``, or
``vehicles`` of them named ``Z1-1``, ``Z1-2`` …) and the station's.  A zone's
own vehicle drives only its zone's loops; a station vehicle drives zone
loops only when ``fleet.lend_station_vehicles`` allows it, relays only when
``fleet.relays`` does.  Only a what-if plan (``fleet.add_missing_vehicles``)
may name vehicles the town lacks, and it says so (``extra``).

A vehicle is busy, in one place, for each of: a courier loop from its
departure until it is back and has handed over at the station
(``fleet.station_handover_min``; on a relay, until the relay vehicle has
taken the boxes at the meeting point), an empty drive, a relay from leaving
the station until it has handed over there, a shuttle trip from leaving the
station until it is back.  A vehicle's next piece of work starts where the
last one ended.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.queues import opens_by_day, people_by_day, round_day

STATION = "station"


def _fleet(s: Scenario) -> tuple[dict[str, str | None], dict[str, int]]:
    """Every vehicle of the scenario: its zone (None for the station's), and its boxes."""
    zone = {v.id: z.id for z in s.zones for v in z.fleet()}
    zone.update({v.id: None for v in s.station.vehicles})
    capacity = {v.id: v.capacity_boxes for z in s.zones for v in z.fleet()}
    capacity.update({v.id: v.capacity_boxes for v in s.station.vehicles})
    return zone, capacity


def _routes(plan: dict):
    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            yield zc, route


def _relays(plan: dict) -> list[dict]:
    return plan["routing"].get("relays", [])


def vehicles_within_fleet(s: Scenario, plan: dict) -> list[str]:
    """Every vehicle is the scenario's, on work its rules allow, and no more vehicles are used than it has."""
    zone_of, _ = _fleet(s)
    f = s.fleet
    out = []
    used = set()
    for zc, route in _routes(plan):
        v = route["vehicle"]
        used.add(v)
        if route.get("extra"):
            if not f.add_missing_vehicles:
                out.append(f"zone {zc['zone']}'s loops are driven by {v}, a vehicle the town does not have")
            continue
        if v not in zone_of:
            out.append(f"zone {zc['zone']}'s loops are driven by {v}, which is not a vehicle of the scenario")
        elif zone_of[v] is None and not f.lend_station_vehicles:
            out.append(f"station vehicle {v} drives zone {zc['zone']}'s loops, but fleet.lend_station_vehicles is "
                       "false")
        elif zone_of[v] is not None and zone_of[v] != zc["zone"]:
            out.append(f"zone {zone_of[v]}'s vehicle {v} drives zone {zc['zone']}'s loops")
    for r in _relays(plan):
        used.add(r["vehicle"])
        if not f.relays:
            out.append(f"zone {r['zone']} hands its boxes over at {r['meeting_point']}, but fleet.relays is false")
        if zone_of.get(r["vehicle"], "") is not None and not (f.add_missing_vehicles and r["vehicle"].startswith("+")):
            out.append(f"the relay at {r['meeting_point']} of {hm(r['meet'])} is driven by {r['vehicle']}, "
                       "which is not a station vehicle")
    used |= {t["vehicle"] for t in plan["routing"]["shuttles"]["trips"]}
    extras = {route["vehicle"] for _, route in _routes(plan) if route.get("extra")} if f.add_missing_vehicles else set()
    counted = used - extras
    if len(counted) > len(zone_of):
        out.append(f"the plan uses {len(counted)} vehicles, the scenario has {len(zone_of)}")
    return out


def _busy(s: Scenario, plan: dict) -> dict[str, list[tuple[int, int, str, str, str]]]:
    """Each vehicle's work: (start, end, where it starts, where it ends, what) — see the module."""
    h = s.fleet.station_handover_min
    relay_meets = defaultdict(list)
    for r in _relays(plan):
        relay_meets[(r["zone"], r["meeting_point"])].append(r["meet"])
    work = defaultdict(list)
    for zc, route in _routes(plan):
        v = route["vehicle"]
        for lp in route["loops"]:
            base = lp.get("handover_at") or STATION
            end = lp["back"] + h
            if base != STATION:
                meets = [m for m in relay_meets[(zc["zone"], base)] if m >= lp["back"]]
                end = (min(meets) if meets else lp["back"]) + h
            work[v].append((lp["depart"], end, base, base, f"zone {zc['zone']}'s loop of {hm(lp['depart'])}"))
        for d in route.get("drives", []):
            work[v].append((d["leave"], d["arrive"], d["origin"], d["to"], f"the drive of {hm(d['leave'])}"))
    for r in _relays(plan):
        work[r["vehicle"]].append((r["leave"], r["at_station"] + h, STATION, STATION,
                                   f"the relay at {r['meeting_point']} of {hm(r['meet'])}"))
    for t in plan["routing"]["shuttles"]["trips"]:
        work[t["vehicle"]].append((t["depart"], t["back"], STATION, STATION, f"the shuttle of {hm(t['depart'])}"))
    return work


def no_vehicle_in_two_places(s: Scenario, plan: dict) -> list[str]:
    """A vehicle's loops, drives, relays and shuttle trips follow one another, each from where the last ended."""
    out = []
    for v, items in sorted(_busy(s, plan).items()):
        items.sort(key=lambda x: (x[0], x[1]))
        here = STATION
        last = None
        for start, end, origin, to, what in items:
            if last is not None and start < last[1]:
                out.append(f"vehicle {v} is in two places at {hm(start)}: {last[4]} and {what}")
            elif origin != here:
                out.append(f"vehicle {v} starts {what} at {origin}, but is at {here}")
            if last is None or end >= last[1]:
                last = (start, end, origin, to, what)
            here = to
    return out


def units_collected_every_interval(s: Scenario, plan: dict) -> list[str]:
    """Every open unit is on a run at every multiple of its planned interval from its opening until everything is
    taken; the interval is its zone's, or a longer one the scenario allows; a unit on another zone's loops only when
    moves are allowed."""
    out = []
    zone_of = {uid: z for z in s.zones for uid in z.units}
    zones = {z.id: z for z in s.zones}
    listed = defaultdict(list)
    for zc in plan["routing"]["zones"]:
        for uid in zc.get("units", []):
            listed[uid].append(zc["zone"])
    several_days = len({round_day(s, d[k]) for d in plan["units"] for k in ("open", "close", "finish")
                        if d.get(k) is not None}) > 1
    for uid, where in sorted(listed.items()):
        if len(where) > 1 and not several_days:  # a round of several days may move a unit on one day only
            out.append(f"unit {uid} is listed in zones {', '.join(where)}")
        elif len(where) == 1 and uid in zone_of and where[0] != zone_of[uid].id and not s.fleet.move_units:
            out.append(f"unit {uid} of zone {zone_of[uid].id} is listed in zone {where[0]}, but fleet.move_units "
                       "is false")
    unit_days = {d["unit"]: d for d in plan["units"]}
    runs = defaultdict(list)  # unit -> [(depart, pickup time, interval, zone)]
    for zc, route in _routes(plan):
        for lp in route["loops"]:
            interval = lp.get("interval_min") or zc["interval_min"]
            for st in lp["stops"]:
                runs[st["unit"]].append((lp["depart"], st["time"], interval, zc["zone"]))
    for uid, d in unit_days.items():
        if d["people"] == 0:
            continue
        got = sorted(runs.get(uid, []))
        if not got:
            out.append(f"unit {uid} is never collected")
            continue
        interval = got[0][2]
        zone = zones.get(got[0][3], zone_of[uid])
        allowed = {zone.interval_min} | {c for c in s.fleet.longer_intervals if c > zone.interval_min}
        if interval not in allowed:
            out.append(f"unit {uid} is collected every {interval} min; zone {zone.id} allows "
                       f"{', '.join(str(c) for c in sorted(allowed))}")
        for z in sorted({x[3] for x in got} - {zone_of[uid].id} if not s.fleet.move_units else set()):
            out.append(f"unit {uid} of zone {zone_of[uid].id} is collected by zone {z}, but fleet.move_units "
                       "is false")
        by_day = defaultdict(set)
        for x in got:
            by_day[round_day(s, x[0])].add(x[3])
        for day, zs in sorted(by_day.items()):
            if len(zs) > 1:
                out.append(f"unit {uid} is collected by zones {', '.join(sorted(zs))} on day {day + 1}")
        # the run leaving at d collects what was swabbed in [d - interval, d)
        if got[0][0] > d["open"] + interval:
            out.append(f"unit {uid} opens at {hm(d['open'])} but is first collected by the run of {hm(got[0][0])}")
        days = opens_by_day(s, plan).get(uid, {})
        for day, opened in sorted(days.items())[1:]:  # a round of several days: each morning, within an interval
            first = next((x[0] for x in got if round_day(s, x[0]) == day), None)
            if first is None or first > opened + interval:
                out.append(f"unit {uid} opens at {hm(opened)} but is first collected by the run of "
                           f"{hm(first) if first is not None else '—'}")
        for (a, _, ia, _), (b, _, ib, _) in zip(got, got[1:]):
            if round_day(s, a) != round_day(s, b) and len(days) > 1:
                continue  # closed for the night
            if ib != ia:
                out.append(f"unit {uid} is collected every {ia} min until {hm(a)} and every {ib} min after")
            elif b - a != ia:
                out.append(f"unit {uid} is not collected between the runs of {hm(a)} and {hm(b)}")
        if got[-1][1] < d["finish"]:
            out.append(f"unit {uid}: last pickup at {hm(got[-1][1])} before its last swab at {hm(d['finish'])}")
    return out


def tubes_carried(s: Scenario, plan: dict) -> list[str]:
    """Tubes picked up at a unit add up to its people / pooling ratio; a relay takes every tube its zone's runs
    hand over at the meeting point; shuttles carry every tube."""
    pool = s.parameters.pooling_ratio
    out = []
    picked = Counter()
    handed = Counter()
    for zc, route in _routes(plan):
        for lp in route["loops"]:
            tubes = sum(st["tubes"] for st in lp["stops"])
            for st in lp["stops"]:
                picked[st["unit"]] += st["tubes"]
            if lp.get("handover_at"):
                handed[(zc["zone"], lp["handover_at"], lp.get("at_station"))] += tubes
    by_day = people_by_day(s, plan)  # each day's last tube leaves that day, partly filled
    for d in plan["units"]:
        want = sum(-(-n // pool) for n in by_day.get(d["unit"], {}).values()) if d["unit"] in by_day \
            else -(-d["people"] // pool)
        if picked[d["unit"]] != want:
            out.append(f"unit {d['unit']}: couriers carry {picked[d['unit']]} tubes, {want} were filled")
    relayed = Counter()
    for r in _relays(plan):
        relayed[(r["zone"], r["meeting_point"], r["at_station"])] += r["tubes"]
    for key in sorted(set(handed) | set(relayed), key=str):
        if handed[key] != relayed[key]:
            zone, point, at = key
            out.append(f"zone {zone}'s vans hand {handed[key]} tubes over at {point} for the station at "
                       f"{hm(at) if at is not None else '—'}; the relay takes {relayed[key]}")
    home = sum(-(-sum(1 for _, t in team["stops"] if a <= t <= b) // pool)
               for team in plan["staffing"]["home_teams"] for a, b in team["trips"])
    shuttled = sum(t["tubes"] for t in plan["routing"]["shuttles"]["trips"])
    if shuttled != sum(picked.values()) + home:
        out.append(f"shuttles carry {shuttled} tubes, couriers and home teams bring {sum(picked.values()) + home}")
    return out


def boxes_within_capacity(s: Scenario, plan: dict) -> list[str]:
    """No courier loop, relay or shuttle carries more boxes than its vehicle holds."""
    _, capacity = _fleet(s)
    out = []
    for zc, route in _routes(plan):
        cap = capacity.get(route["vehicle"])
        if cap is None:
            continue
        for lp in route["loops"]:
            boxes = sum(st["boxes"] for st in lp["stops"])
            if boxes > cap:
                out.append(f"{route['vehicle']}'s loop of {hm(lp['depart'])} carries {boxes} boxes, it holds {cap}")
    for r in _relays(plan):
        cap = capacity.get(r["vehicle"])
        if cap is not None and r["boxes"] > cap:
            out.append(f"the relay of {hm(r['meet'])} at {r['meeting_point']} carries {r['boxes']} boxes, "
                       f"{r['vehicle']} holds {cap}")
    for t in plan["routing"]["shuttles"]["trips"]:
        cap = capacity.get(t["vehicle"])
        if cap is not None and t["boxes"] > cap:
            out.append(f"the shuttle of {hm(t['depart'])} carries {t['boxes']} boxes, {t['vehicle']} holds {cap}")
    return out
