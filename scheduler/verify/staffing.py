"""Verify: every open unit-minute has its group and a working sampler; nobody is in two places."""

from __future__ import annotations

from collections import defaultdict

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario


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
