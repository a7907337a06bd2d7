"""Verify: queues replayed minute by minute stay within each waiting room; units and home teams end by the deadline.

Unit rates are re-derived from the scenario and the rosters, not read from
the plan: in each minute a unit swabs ``throughput_per_desk_per_hour`` an
hour at each of ``min(desks, samplers at work there)`` desks, counting the
samplers of every group at the unit (:func:`rate_steps`).  A unit may have
several visits (groups one after another, side by side, or on several days):
it is open from its first visit's opening to its last visit's closing
(:func:`unit_spans`).
"""

from __future__ import annotations

from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Role, Scenario


def unit_spans(plan: dict) -> dict[str, dict]:
    """Each staffed unit's first opening, last closing and first group (``open``, ``close``, ``group``)."""
    out: dict[str, dict] = {}
    for v in sorted(plan["staffing"]["visits"], key=lambda v: (v["open"], v["group"])):
        span = out.setdefault(v["unit"], {"open": v["open"], "close": v["close"], "group": v["group"]})
        span["close"] = max(span["close"], v["close"])
    return out


def round_day(s: Scenario, minute: float) -> int:
    """The day of the round a minute falls in (0 the first; days run from ``start`` to ``start`` the next day)."""
    return max(0, int((minute - s.parameters.start) // (24 * 60)))


def people_by_day(s: Scenario, plan: dict) -> dict[str, dict[int, int]]:
    """People each unit's slots call, by round day (a round of several days closes its units for the night, and
    a unit's last tube of a day leaves that day, partly filled)."""
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for x in plan["slots"]:
        out[x["unit"]][round_day(s, x["start"])] += x["people"]
    return {u: dict(d) for u, d in out.items()}


def opens_by_day(s: Scenario, plan: dict) -> dict[str, dict[int, int]]:
    """Each unit's first opening on each round day."""
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for v in plan["staffing"]["visits"]:
        d = round_day(s, v["open"])
        out[v["unit"]][d] = min(out[v["unit"]].get(d, v["open"]), v["open"])
    return dict(out)


def rate_steps(s: Scenario, plan: dict) -> dict[str, list[tuple[int, float]]]:
    """Each unit's rate as a step function ``[(from minute, people an hour), …]`` from its samplers' work shifts:
    the throughput times ``min(desks, samplers at work)``, 0 where none works."""
    desks = {u.id: u.desks for u in s.units}
    tp = s.parameters.throughput_per_desk_per_hour
    events: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for sh in plan["staffing"]["shifts"]:
        if sh["kind"] == "work" and sh["role"] == Role.sampler.value and sh["unit"] in desks:
            events[sh["unit"]][sh["start"]] += 1
            events[sh["unit"]][sh["end"]] -= 1
    out = {}
    for uid, ev in events.items():
        working, steps = 0, []
        for t in sorted(ev):
            working += ev[t]
            rate = float(tp * min(desks[uid], working))
            if not steps or steps[-1][1] != rate:
                steps.append((t, rate))
        out[uid] = steps
    return out


def _rates(s: Scenario, plan: dict) -> dict[str, float]:
    """Each staffed unit's rate with the most desks its rosters work at once (the plan's ``rate_per_hour``)."""
    steps = rate_steps(s, plan)
    return {uid: max((r for _, r in steps.get(uid, [])), default=0.0) for uid in unit_spans(plan)}


def queues_within_rooms(s: Scenario, plan: dict) -> list[str]:
    """Replaying the slots minute by minute at the rosters' rate, no unit's queue passes its waiting room, and
    every unit samples its last person before its last group leaves and by the deadline."""
    out = []
    steps = rate_steps(s, plan)
    room = {u.id: u.waiting_room for u in s.units}
    by_unit = defaultdict(list)
    for x in plan["slots"]:
        by_unit[x["unit"]].append(x)
    span = unit_spans(plan)
    deadline = s.parameters.last_deadline
    for uid, xs in by_unit.items():
        if uid not in span:
            out.append(f"unit {uid} has slots but no group")
            continue
        rate = dict(steps.get(uid, []))
        mu = 0.0
        t0 = min(span[uid]["open"], min(x["start"] for x in xs))
        q, t, done = 0.0, t0, 0.0
        total = sum(x["people"] for x in xs)
        while done < total - 1e-6 and t < t0 + 3 * 24 * 60:
            mu = rate.get(t, mu * 60) / 60
            inflow = sum(x["people"] / (x["end"] - x["start"]) for x in xs if x["start"] <= t < x["end"])
            serve = min(mu, q + inflow)
            q = q + inflow - serve
            done += serve
            t += 1
            if q > room[uid] + 0.5:
                out.append(f"unit {uid}: {q:.0f} people waiting at {hm(t)}, room for {room[uid]}")
                break
        if t > span[uid]["close"] + 1:
            out.append(f"unit {uid}: last person sampled at {hm(t)}, after its group leaves at "
                       f"{hm(span[uid]['close'])}")
        if t > deadline:
            out.append(f"unit {uid}: last person sampled at {hm(t)}, after the deadline {hm(deadline)}")
        if min(x["start"] for x in xs) < span[uid]["open"]:
            out.append(f"unit {uid}: a slot starts before the unit opens at {hm(span[uid]['open'])}")
    return out


def round_by_deadline(s: Scenario, plan: dict) -> list[str]:
    """Every unit and home-visit team is done by the deadline (of the round's last day)."""
    d = s.parameters.last_deadline
    out = [f"unit {x['unit']} finishes at {hm(x['finish'])}, after the deadline {hm(d)}"
           for x in plan["units"] if x["finish"] > d + 1e-6]
    out += [f"home-visit team {t['team']} returns at {hm(t['end'])}, after the deadline {hm(d)}"
            for t in plan["staffing"]["home_teams"] if t["end"] > d]
    return out
