"""Verify: every person's day keeps the labour rules of the scenario.

Worked out from the rosters (``staffing.shifts``) and the parameters alone:

- :func:`gowns_within_limit` — nobody wears one gown longer than
  ``gear_change_interval_min``: a gown is worn through set-up and work at one
  unit without a break; a gear change, a meal, a trip or time off ends it;
- :func:`meals_in_windows` — anyone whose day spans more than
  ``meal_after_min`` eats for ``meal_break_min`` inside a meal window, no
  later than the end of their work (a meal may close the day);
- :func:`stints_long_enough` — no stint in one gown is shorter than
  ``min_stint_min``;
- :func:`days_within_max_work` — nobody works more than ``max_work_min`` in a
  day (every shift but meals counts).

A day runs from the round's start to the same time the next day.  Each
violation names the person, their group, the unit and the minute.
"""

from __future__ import annotations

from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario

DAY = 24 * 60
GOWNED = ("setup", "work")


def _days(s: Scenario, plan: dict) -> dict[tuple[str, str, int], list[dict]]:
    """Each person's shifts of each day, in time order, by (group, member, day)."""
    start = s.parameters.start
    out: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for sh in plan["staffing"]["shifts"]:
        out[(sh["group"], sh["member"], max(0, (sh["start"] - start) // DAY))].append(sh)
    for xs in out.values():
        xs.sort(key=lambda x: (x["start"], x["end"]))
    return out


def _gowns(shifts: list[dict]) -> list[tuple[int, int, str]]:
    """Stretches in one gown: ``(start, end, unit)`` of consecutive set-up and work shifts at one unit."""
    out: list[list] = []
    for sh in shifts:
        if sh["kind"] not in GOWNED:
            continue
        if out and out[-1][1] == sh["start"] and out[-1][2] == sh["unit"]:
            out[-1][1] = sh["end"]
        else:
            out.append([sh["start"], sh["end"], sh["unit"]])
    return [(a, b, u) for a, b, u in out]


def _person(group: str, member: str) -> str:
    return f"{member} ({group})"


def _stretches(s: Scenario, plan: dict):
    """``(person, start, end, unit)`` of every stretch in one gown, person by person, day by day."""
    for (group, member, _), shifts in sorted(_days(s, plan).items()):
        for a, b, unit in _gowns(shifts):
            yield _person(group, member), a, b, unit


def gowns_within_limit(s: Scenario, plan: dict) -> list[str]:
    """Nobody wears one gown longer than ``gear_change_interval_min``."""
    limit = s.parameters.gear_change_interval_min
    return [f"{who} wears one gown {b - a} min at {unit} from {hm(a)} (to {hm(b)}), more than the {limit}-min limit"
            for who, a, b, unit in _stretches(s, plan) if b - a > limit]


def stints_long_enough(s: Scenario, plan: dict) -> list[str]:
    """No stint in one gown is shorter than ``min_stint_min``."""
    least = s.parameters.min_stint_min
    return [f"{who} works a stint of {b - a} min at {unit} from {hm(a)}, shorter than {least} min"
            for who, a, b, unit in _stretches(s, plan) if b - a < least]


def meals_in_windows(s: Scenario, plan: dict) -> list[str]:
    """Anyone whose day spans more than ``meal_after_min`` has a meal of ``meal_break_min`` inside a meal window,
    starting no later than their work ends."""
    p = s.parameters
    out = []
    for (group, member, day), shifts in sorted(_days(s, plan).items()):
        duty = [x for x in shifts if x["kind"] != "meal"]
        if not duty:
            continue
        first, last = duty[0]["start"], max(x["end"] for x in duty)
        if last - first <= p.meal_after_min:
            continue
        windows = [(w.start + DAY * k, w.end + DAY * k) for k in (day - 1, day, day + 1) for w in p.meal_windows]
        ok = any(x["kind"] == "meal" and x["end"] - x["start"] >= p.meal_break_min and x["start"] <= last
                 and any(a <= x["start"] and x["end"] <= b for a, b in windows) for x in shifts)
        if not ok:
            unit = next((x["unit"] for x in duty if x["unit"]), "-")
            out.append(f"{_person(group, member)} at {unit}: the day {hm(first)}–{hm(last)} spans "
                       f"{(last - first) / 60:.1f} h with no {p.meal_break_min}-min meal inside a meal window")
    return out


def days_within_max_work(s: Scenario, plan: dict) -> list[str]:
    """Nobody works more than ``max_work_min`` in a day (meals do not count)."""
    limit = s.parameters.max_work_min
    out = []
    for (group, member, _), shifts in sorted(_days(s, plan).items()):
        worked, over = 0, None
        for x in shifts:
            if x["kind"] == "meal":
                continue
            if worked + x["end"] - x["start"] > limit and over is None:
                over = (x["unit"] or "-", x["start"] + limit - worked)
            worked += x["end"] - x["start"]
        if over is not None:
            out.append(f"{_person(group, member)} works {worked / 60:.1f} h from {hm(shifts[0]['start'])}, more "
                       f"than the {limit / 60:g} h a day allowed: over it at {over[0]} from {hm(over[1])}")
    return out


RULES = (gowns_within_limit, meals_in_windows, stints_long_enough, days_within_max_work)
"""The labour rules, in the order verify reports them."""
