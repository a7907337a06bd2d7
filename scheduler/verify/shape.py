"""Verify: the plan is shaped like a plan — every field of the type the plan models give it, every number finite.

These rules run first (see :data:`natplan.scheduler.verify.GATE`): the other
rules read the plan's fields as the plan models (:mod:`natplan.models.plan`)
define them, and would crash or be misled by a count given as text, a slot
that ends when it starts, or a finish of NaN (which compares false with
everything, so a rule that tests ``finish > deadline`` would pass it).

A plan without one of its main sections (``assignment``, ``slots``,
``units``, ``staffing``, ``routing``) is not a plan at all: reading it
raises ``KeyError`` (``natplan verify`` then says ``not a natplan plan
(missing 'routing')`` and exits 2).  The ``kpis`` section is checked by
:func:`natplan.scheduler.verify.kpis.kpis_true`.
"""

from __future__ import annotations

import json
import math

from pydantic import TypeAdapter, ValidationError

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Assignment, Kpis, Routing, Slot, Staffing, UnitDay
from natplan.models.scenario import Scenario

SECTIONS = {"assignment": TypeAdapter(Assignment), "slots": TypeAdapter(list[Slot]),
            "units": TypeAdapter(list[UnitDay]), "staffing": TypeAdapter(Staffing),
            "routing": TypeAdapter(Routing)}
"""The main sections of a plan and the model each must match."""
KPIS = TypeAdapter(Kpis)
HEADER = {"scenario": TypeAdapter(str), "scenario_sha256": TypeAdapter(str), "seed": TypeAdapter(int),
          "natplan_version": TypeAdapter(str), "warnings": TypeAdapter(list[str])}
"""The plan's own fields beside its sections, checked when present."""
MAX_PER_SECTION = 10
"""Type errors reported per section; the rest are counted."""
MAX_NUMBER = 10**15
"""No figure of a round comes near this: counts and times are far below, seeds below 2^31, and a solver's objective
(people × metres walked) below 10^11."""
TIMES = {"start", "end", "open", "close", "finish", "first_slot", "last_slot", "arrive", "leave", "depart", "back",
         "time", "earliest_swab", "oldest_swab"}
"""Fields that are clock times: minutes since midnight of the round's first day, never negative."""
PAIRS = {"stops": ("staffing.home_teams", (1,)), "trips": ("staffing.home_teams", (0, 1)), "queue": ("units", (0,))}
"""Lists of pairs that hold clock times: the section they are in, and the places of the times in a pair."""


def _type_errors(name: str, adapter: TypeAdapter, data) -> list[str]:
    try:
        adapter.validate_json(json.dumps(data, allow_nan=True), strict=True)
    except ValidationError as e:
        errors = e.errors()
        out = [f"{'.'.join(str(k) for k in (name, *err['loc']))}: {err['msg'].lower()}"
               for err in errors[:MAX_PER_SECTION]]
        if len(errors) > MAX_PER_SECTION:
            out.append(f"{name}: {len(errors) - MAX_PER_SECTION} more fields of the wrong type")
        return out
    return []


def plan_well_formed(s: Scenario, plan: dict) -> list[str]:
    """Every section has the fields and types of the plan models; slots end after they start; counts are not negative.

    Raises
    ------
    KeyError
        When a main section is missing (the file is not a plan).
    TypeError
        When the plan is not a mapping.
    """
    if not isinstance(plan, dict):
        raise TypeError("a plan is a mapping of sections")
    out = []
    for name, adapter in SECTIONS.items():
        out += _type_errors(name, adapter, plan[name])
    for name, adapter in {"kpis": KPIS, **HEADER}.items():
        if name in plan:
            out += _type_errors(name, adapter, plan[name])
    if out:
        return out
    out += [f"{path} is {value}, a time before the round's first day" for path, value in _times(plan)
            if -MAX_NUMBER <= value < 0]
    if out:
        return out  # the checks below print these times as clock times
    for k, x in enumerate(plan["slots"]):
        if x["end"] <= x["start"]:
            out.append(f"slots.{k}: ends at {hm(x['end'])}, not after it starts at {hm(x['start'])}")
    for where, rows, fields in (("assignment.parts", plan["assignment"]["parts"], ("people",)),
                                ("slots", plan["slots"], ("people",)), ("units", plan["units"], ("people",)),
                                ("routing.shuttles.trips", plan["routing"]["shuttles"]["trips"], ("tubes", "boxes"))):
        for k, x in enumerate(rows):
            out += [f"{where}.{k}.{f}: {x[f]} is negative" for f in fields if x[f] < 0]
    for z, zc in enumerate(plan["routing"]["zones"]):
        for r, route in enumerate(zc["routes"]):
            for j, lp in enumerate(route["loops"]):
                for i, st in enumerate(lp["stops"]):
                    where = f"routing.zones.{z}.routes.{r}.loops.{j}.stops.{i}"
                    out += [f"{where}.{f}: {st[f]} is negative" for f in ("people", "tubes", "boxes") if st[f] < 0]
    return out


def _times(plan: dict):
    """(path, value) of every clock time in the plan's sections."""
    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                if k in TIMES and isinstance(v, (int, float)):
                    yield f"{path}.{k}", v
                elif k in PAIRS and path.startswith(PAIRS[k][0]):  # (time, …) pairs
                    for j, pair in enumerate(v):
                        for i in PAIRS[k][1]:
                            yield f"{path}.{k}.{j}.{i}", pair[i]
                else:
                    yield from walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for k, v in enumerate(value):
                yield from walk(v, f"{path}.{k}")
    for name in (*SECTIONS, "kpis"):
        if name in plan:
            yield from walk(plan[name], name)


def _not_finite(value, path: str):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            yield f"{path} is NaN, not a number"
        elif isinstance(value, float) and math.isinf(value):
            yield f"{path} is {'-' if value < 0 else ''}infinite"
        elif abs(value) > MAX_NUMBER:
            shown = f"a {len(str(abs(value)))}-digit number" if isinstance(value, int) else f"{value:.3g}"
            yield f"{path} is {shown}, more than any plan holds ({MAX_NUMBER:,})"
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _not_finite(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _not_finite(v, f"{path}.{k}")


def numbers_finite(s: Scenario, plan: dict) -> list[str]:
    """No number in the plan is NaN, infinite (JSON readers take ``NaN`` and ``Infinity``) or beyond
    :data:`MAX_NUMBER`."""
    return list(_not_finite(plan, ""))
