"""Verify: tubes and boxes — each pickup takes the tubes closed by then, boxes are counted right, and each shuttle
carries the boxes that were ready at the station before it left (whether they fit the van is
:func:`natplan.scheduler.verify.fleet.boxes_within_capacity`'s).

A tube closes when ``pooling_ratio`` swabs are in it; a courier takes the
closed tubes of a unit when it stops there, and the last pickup after the
unit's last swab also takes the last, partly filled tube.  Which tubes were
closed by a pickup follows from the unit's replayed swabs
(:func:`natplan.scheduler.verify.replay.replay_units`), not from the plan.
Pickup times are whole minutes rounded up, so a pickup at minute ``t`` may
take what was closed by ``t - 1`` up to what was closed by ``t``.
"""

from __future__ import annotations

import math
from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.scheduler.verify.queues import people_by_day, round_day
from natplan.scheduler.verify.replay import pickups, replay_units, shuttle_loads

AGE_TOLERANCE_MIN = 1.0
"""Swab times are whole minutes in the replay and rounded to 0.1 in the plan."""


def pickups_match_swabs(s: Scenario, plan: dict) -> list[str]:
    """Each pickup takes the tubes closed by its time, and its oldest swab is when the first of them was swabbed."""
    pool = s.parameters.pooling_ratio
    replays = replay_units(s, plan)
    by_unit = defaultdict(list)
    for route, lp, st in pickups(plan):
        by_unit[st["unit"]].append((st["time"], route["vehicle"], st))
    out = []
    by_day = people_by_day(s, plan)
    for uid, stops in sorted(by_unit.items()):
        r = replays.get(uid)
        if r is None:
            continue
        stops = _same_minute(stops)
        if len(by_day.get(uid, {})) > 1:  # a round of several days: each day's tubes on their own
            out += _pickups_by_day(s, uid, r, stops, by_day[uid], pool)
            continue
        every = math.ceil(r.people / pool - 1e-9)
        taken, last = 0, None
        for when, vehicle, st in sorted(stops, key=lambda x: x[0]):
            # the people swabbed since the last pickup (each time is a whole minute, rounded up)
            early = r.swabbed_by(when - 1) - (0.0 if last is None else r.swabbed_by(last))
            late = (r.people if when >= r.finish - 1e-6 else r.swabbed_by(when)) - (
                0.0 if last is None else r.swabbed_by(last - 1))
            if not early - 1 <= st["people"] <= late + 1:
                out.append(f"unit {uid}: the pickup at {hm(when)} ({vehicle}) says {st['people']} people were "
                           f"swabbed since the last, {max(0, round(early))}–{round(late)} were")
                break
            last = when
            low = every if when - 1 >= r.finish - 1e-6 else math.floor(r.swabbed_by(when - 1) / pool + 1e-6)
            high = every if when >= r.finish - 1e-6 else math.floor(r.swabbed_by(when) / pool + 1e-6)
            before, taken = taken, taken + st["tubes"]
            if taken > high:
                out.append(f"unit {uid}: by the pickup at {hm(when)} ({vehicle}) {taken} tubes are taken, "
                           f"only {high} were closed")
                break  # the unit's later pickups follow from this one
            if taken < low:
                out.append(f"unit {uid}: by the pickup at {hm(when)} ({vehicle}) {taken} tubes are taken, "
                           f"{low} were closed and waiting")
                break
            if st["tubes"]:
                oldest = r.swab_minute(before * pool + 1)
                if abs(st["earliest_swab"] - oldest) > AGE_TOLERANCE_MIN:
                    out.append(f"unit {uid}: the pickup at {hm(when)} ({vehicle}) gives its oldest swab as "
                               f"{hm(st['earliest_swab'])}, it was taken at {hm(oldest)}")
    return out


def _same_minute(stops: list) -> list:
    """Pickups of one unit in the same minute as one (vehicles joined by "+"): which of two vehicles there at once
    takes the tubes is not for the plan to order."""
    out: dict[int, tuple] = {}
    for when, vehicle, st in sorted(stops, key=lambda x: (x[0], x[1])):
        if when not in out:
            out[when] = (when, vehicle, dict(st))
            continue
        _, names, merged = out[when]
        if st["tubes"] and (not merged["tubes"] or st["earliest_swab"] < merged["earliest_swab"]):
            merged["earliest_swab"] = st["earliest_swab"]
        merged["people"] += st["people"]
        merged["tubes"] += st["tubes"]
        out[when] = (when, f"{names}+{vehicle}", merged)
    return [out[w] for w in sorted(out)]


def _pickups_by_day(s: Scenario, uid: str, r, stops: list, people: dict[int, int], pool: int) -> list[str]:
    """:func:`pickups_match_swabs` for a unit open on several days: the unit closes for the night, and the last
    pickup of a day takes that day's last, partly filled tube."""
    out = []
    done = 0  # people swabbed on the days before
    for day in sorted(people):
        swabbed = lambda t: min(people[day], max(0.0, r.swabbed_by(t) - done))  # noqa: E731
        end = r.swab_minute(done + people[day])
        every = math.ceil(people[day] / pool - 1e-9)
        taken = 0
        for when, vehicle, st in sorted((x for x in stops if round_day(s, x[0]) == day), key=lambda x: x[0]):
            # the day's last swab is in the minute ending at ``end``: a pickup in that minute may take it all
            low = every if when - 1 >= end - 1e-6 else math.floor(swabbed(when - 1) / pool + 1e-6)
            high = every if when >= end - 1 - 1e-6 else math.floor(swabbed(when) / pool + 1e-6)
            before, taken = taken, taken + st["tubes"]
            if not low <= taken <= high:
                out.append(f"unit {uid}: by the pickup at {hm(when)} ({vehicle}) {taken} tubes of the day are taken, "
                           f"{low}–{high} were closed")
                break
            if st["tubes"]:
                oldest = r.swab_minute(done + before * pool + 1)
                if abs(st["earliest_swab"] - oldest) > AGE_TOLERANCE_MIN:
                    out.append(f"unit {uid}: the pickup at {hm(when)} ({vehicle}) gives its oldest swab as "
                               f"{hm(st['earliest_swab'])}, it was taken at {hm(oldest)}")
        if taken != every:
            out.append(f"unit {uid}: its {every} tubes of day {day + 1} are not all taken that day ({taken})")
        done += people[day]
    return out


def boxes_counted(s: Scenario, plan: dict) -> list[str]:
    """Every pickup and every shuttle has as many boxes as its tubes fill (``tubes_per_box`` to a box)."""
    per_box = s.parameters.tubes_per_box
    out = []
    for route, _, st in pickups(plan):
        if st["boxes"] != -(-st["tubes"] // per_box):
            out.append(f"unit {st['unit']}: the pickup at {hm(st['time'])} ({route['vehicle']}) has {st['boxes']} "
                       f"boxes for {st['tubes']} tubes")
    for t in plan["routing"]["shuttles"]["trips"]:
        if t["boxes"] != -(-t["tubes"] // per_box):
            out.append(f"the shuttle of {hm(t['depart'])} ({t['vehicle']}) has {t['boxes']} boxes for {t['tubes']} tubes")
    return out


def shuttles_carry_arrived_boxes(s: Scenario, plan: dict) -> list[str]:
    """Each shuttle carries the tubes that reached the station since the one before, and states their age truly."""
    loads, stranded = shuttle_loads(s, plan)
    out = [f"{a.source} is handed over at the station at {hm(a.minute)}, after the last shuttle" for a in stranded]
    worst = None
    for t, load in zip(plan["routing"]["shuttles"]["trips"], loads):
        where = f"the shuttle of {hm(t['depart'])} ({t['vehicle']})"
        if load.oldest_swab is None:
            age = None
        else:  # to the test when the lab's queue is counted (the trip's ``tested``), else to the lab
            age = (t["arrive"] if t.get("tested") is None else t["tested"]) - load.oldest_swab
            worst = age if worst is None else max(worst, age)
        if t["tubes"] != load.tubes:
            out.append(f"{where} carries {t['tubes']} tubes, {load.tubes} reached the station for it")
            continue
        if age is None:
            continue
        if abs(t["oldest_swab"] - load.oldest_swab) > AGE_TOLERANCE_MIN:
            out.append(f"{where} gives its oldest swab as {hm(t['oldest_swab'])}, it is {hm(load.oldest_swab)}")
        if abs(t["worst_age_min"] - age) > AGE_TOLERANCE_MIN:
            out.append(f"{where} gives its oldest sample's age as {t['worst_age_min']:.0f} min, it is {age:.0f}")
    stated = plan["routing"]["shuttles"]["worst_age_min"]
    if not stranded and worst is not None and abs(stated - worst) > AGE_TOLERANCE_MIN:
        out.append(f"the shuttles give the oldest sample's age as {stated:.0f} min, it is {worst:.0f}")
    return out
