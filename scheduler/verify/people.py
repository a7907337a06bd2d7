"""Verify: everyone is sampled exactly once, and households stay whole and are all called."""

from __future__ import annotations

from collections import Counter, defaultdict

from natplan.models.scenario import Scenario


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


def households_called(s: Scenario, plan: dict) -> list[str]:
    """Each grid part's households lie within the grid's, and its slots call all of them, in order, and no other."""
    households = {g.id: g.households for g in s.grids()}
    slots = defaultdict(list)
    for x in plan["slots"]:
        slots[(x["grid"], x["part"])].append(x)
    out = []
    for part in plan["assignment"]["parts"]:
        gid, lo, hi = part["grid"], *part["households"]
        where = f"grid {gid} part {part['part']}"
        top = max(1, households.get(gid, hi))
        if not 1 <= lo <= hi <= top:
            out.append(f"{where}: households {lo}–{hi}, the grid has 1–{top}")
            continue
        called = sorted((x["start"], *x["households"]) for x in slots[(gid, part["part"])])
        expect = lo
        for _, a, b in called:
            if a > b or a < lo or b > hi or a > expect:
                out.append(f"{where}: a slot calls households {a}–{b}, "
                           + (f"but {expect}–{a - 1} are not called before it" if a > expect and lo <= a <= b <= hi
                              else f"outside the part's {lo}–{hi}"))
                break
            expect = max(expect, b + 1)
        else:
            if called and expect <= hi:
                out.append(f"{where}: households {expect}–{hi} are never called")
    return out
