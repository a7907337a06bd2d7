"""Unit rosters: one per open unit — the staff's day in blocks, arrival slots, pickups, contacts.

Part of the printed set's view model (:mod:`natplan.templates.views`).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t
from natplan.templates.views import Index, duration, households_label, hm, role_label, span

KIND_LABEL = {"work": "block_work", "setup": "block_setup", "gear": "block_gear", "meal": "block_meal",
              "travel": "block_travel"}


def person_label(name: str, role: str, lang: str) -> str:
    """A person with their role, once: "组长 王伟", or the name alone when it already starts with the
    role's word (placeholder names such as "组长1（T17）")."""
    word = role_label(role, lang)
    return name if name.startswith(word) else f"{word} {name}"


def day_blocks(shifts, unit: str, lang: str) -> tuple[list[str], int]:
    """A person's day at *unit* as whole blocks "06:30–09:15 采样" in time order (the drive there
    included), and the minutes of sampling work."""
    mine = [x for x in shifts if x.unit == unit]
    if not mine:
        return [], 0
    starts = {x.start for x in mine}
    ends = {x.end for x in mine}
    blocks = [x for x in shifts if x.unit == unit or (x.kind == "travel" and (x.end in starts or x.start in ends))]
    text = [f"{span(x.start, x.end)} {t(KIND_LABEL.get(x.kind, x.kind), lang)}" for x in blocks]
    return text, sum(x.end - x.start for x in mine if x.kind == "work")


def _staff_rows(group, unit: str, lang: str, shifts_by) -> list[dict[str, Any]]:
    """The members of a group at a unit; people with the same day share a row."""
    rows: dict[tuple, dict] = {}
    for m in group.members:
        blocks, work = day_blocks(shifts_by.get((group.id, m.name), []), unit, lang)
        if not blocks:
            continue
        row = rows.get(tuple(blocks))
        if row is None:
            row = rows[tuple(blocks)] = {"people": [], "blocks": blocks, "hours": duration(work)}
        row["people"].append(person_label(m.name, m.role, lang))
    return list(rows.values())


def halves(rows: list, least: int = 12) -> list[list]:
    """*rows* as two columns that read down the page (the first half, then the second), or one column
    when there are at most *least*."""
    if len(rows) <= least:
        return [rows]
    cut = -(-len(rows) // 2)
    return [rows[:cut], rows[cut:]]


def roster_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One roster per open unit, in scenario order."""
    ix = ix or Index(plan, scenario)
    shifts_by = defaultdict(list)
    for x in sorted(plan.staffing.shifts, key=lambda x: (x.start, x.end)):
        shifts_by[(x.group, x.member)].append(x)
    visits_by_unit = defaultdict(list)
    for v in sorted(plan.staffing.visits, key=lambda v: v.arrive):
        visits_by_unit[v.unit].append(v)
    homes_by_unit: dict[str, list[str]] = defaultdict(list)
    for sp in scenario.special_needs:
        u = ix.main_unit_of_grid.get(sp.grid)
        if u is not None:
            homes_by_unit[u].append(ix.home_stop.get(sp.id, ("", None))[0])

    out = []
    for uid in ix.open_units:
        unit, day = ix.units[uid], ix.unit_day[uid]
        zone = ix.zone_of_unit.get(uid)
        groups = []
        for v in visits_by_unit.get(uid, []):
            g = ix.groups.get(v.group)
            groups.append({
                "id": v.group, "name": g.name if g else v.group,
                "arrive": hm(v.arrive), "open": hm(v.open), "close": hm(v.close), "leave": hm(v.leave),
                "rows": _staff_rows(g, uid, lang, shifts_by) if g else [],
            })
        slots = [{"time": span(x.start, x.end), "grid": ix.grid_name(x.grid),
                  "households": households_label(x.households, lang), "people": x.people}
                 for x in ix.slots_by_unit.get(uid, [])]
        pickups = [{"time": hm(p.time), "vehicle": vehicle, "loop": n, "tubes": p.tubes, "boxes": p.boxes,
                    "load": t("load_fmt", lang).format(tubes=p.tubes, boxes=p.boxes)}
                   for p, vehicle, n in ix.pickups_by_unit.get(uid, [])]
        teams = sorted({team for team in homes_by_unit.get(uid, []) if team})
        homes = len(homes_by_unit.get(uid, []))
        facts = [
            (t("zone", lang), f"{zone.id} {zone.name}" if zone else ""),
            (t("desks", lang), str(unit.desks)),
            (t("sampling", lang), span(day.open, day.close)),
            (t("expected_finish", lang), hm(day.finish)),
            (t("pauses", lang), ", ".join(span(x, y) for x, y in day.pauses)),
            (t("walk_in", lang), f"{day.people:,}"),
            (t("rate", lang), f"{day.rate_per_hour:.0f}"),
            (t("peak_queue", lang), f"{day.peak_queue:.0f}"),
        ]
        out.append({
            "id": uid, "name": unit.name, "address": unit.address or "",
            "zone_color": ix.zone_color.get(zone.id, "#888") if zone else "#888",
            "facts": [{"label": a, "value": b} for a, b in facts if b],
            "finish": hm(day.finish),
            "groups": groups,
            "slots": slots,
            "slot_columns": halves(slots),
            "slot_people": sum(x["people"] for x in slots),
            "pickups": pickups,
            "pickup_columns": halves(pickups, 6),
            "pickup_total": t("load_fmt", lang).format(tubes=sum(x["tubes"] for x in pickups),
                                                       boxes=sum(x["boxes"] for x in pickups)),
            "homes": t("homes_at_unit_fmt", lang).format(n=homes, teams="、".join(teams) if lang != "en"
                                                         else ", ".join(teams)) if homes else t("none", lang),
        })
    return out
