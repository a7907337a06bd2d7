"""Verify: every open unit-minute has its group and a working sampler (or is in a declared pause while its samplers
are on a forced break); nobody is in two places."""

from __future__ import annotations

from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario


BREAKS = ("gear", "meal")
"""Shift kinds that are a break the labour rules force: a unit with no sampler free to cover one pauses."""


def _uncovered(spans: list[tuple[int, int]], t0: int, t1: int) -> list[tuple[int, int]]:
    """The parts of ``[t0, t1)`` that no span covers."""
    out, t = [], t0
    for a, b in sorted(spans):
        if a > t:
            out.append((t, min(a, t1)))
        t = max(t, b)
        if t >= t1:
            break
    if t < t1:
        out.append((t, t1))
    return [(a, b) for a, b in out if b > a]


def _first_outside(a: int, b: int, pauses: list[tuple[int, int]], breaks: list[tuple[int, int]]) -> int | None:
    """The first minute of ``[a, b)`` that is not inside a declared pause with a sampler on a break, if any."""
    for t in range(a, b):
        if not (any(p <= t < q for p, q in pauses) and any(p <= t < q for p, q in breaks)):
            return t
    return None


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
    """Every open unit-minute has its group and a working sampler, or is inside a pause the plan declares while its
    samplers are on a break the rules force; a declared pause is true; nobody is in two places."""
    out = []
    for (group, member), a, b in _overlaps(plan["staffing"]["shifts"], ("group", "member"), "start", "end"):
        out.append(f"{member} ({group}) is in two places at {hm(b['start'])}")
    for (group,), a, b in _overlaps(plan["staffing"]["visits"], ("group",), "arrive", "leave"):
        out.append(f"group {group} is at {a['unit']} and {b['unit']} at once ({hm(b['arrive'])})")
    working, away = defaultdict(list), defaultdict(list)
    for sh in plan["staffing"]["shifts"]:
        if sh["role"] == "sampler" and sh["kind"] == "work":
            working[sh["unit"]].append((sh["start"], sh["end"]))
        elif sh["role"] == "sampler" and sh["kind"] in BREAKS:
            away[sh["unit"]].append((sh["start"], sh["end"]))
    pauses = {d["unit"]: [tuple(x) for x in d.get("pauses", [])] for d in plan.get("units", [])}
    for v in plan["staffing"]["visits"]:
        for a, b in _uncovered(working[v["unit"]], v["open"], v["close"]):
            t = _first_outside(a, b, pauses.get(v["unit"], []), away[v["unit"]])
            if t is not None:
                out.append(f"unit {v['unit']} has no sampler at work at {hm(t)} while open "
                           f"({hm(v['open'])}–{hm(v['close'])})")
    for unit, spans in pauses.items():
        for a, b in spans:
            busy = [x for x in working[unit] if x[0] < b and a < x[1]]
            if busy:
                out.append(f"unit {unit} declares a pause {hm(a)}–{hm(b)}, but a sampler works there at "
                           f"{hm(max(a, min(x[0] for x in busy)))}")
    open_units = {x["unit"] for x in plan["slots"]}
    staffed = {v["unit"] for v in plan["staffing"]["visits"]}
    for uid in sorted(open_units - staffed):
        out.append(f"unit {uid} has people but no group")
    return out
