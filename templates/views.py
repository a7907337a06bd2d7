"""Plain data for the printed plan: (Plan, Scenario) → dicts and lists.

Every lookup, sort, grouping and total happens here, so the templates only
format.  One function per document:

* :func:`overview_view`  — KPIs and the group → unit timetable (``overview.html``);
* :func:`roster_view`    — one roster per open unit (``roster.html``);
* :func:`route_view`     — one sheet per courier vehicle, and the shuttles (``route_sheet.html``);
* :func:`handover_view`  — handover lines per pickup, by vehicle (``handover.html``);
* :func:`notice_view`    — one notice per village (``notice.html``).

:func:`common_view` holds what every page needs (scenario name, round date,
print time, language).  Times stay minutes (the templates use ``hhmm``);
labels come from :func:`natplan.templates.i18n.t`.  Special-needs people appear by
id and category only — never by name.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import ROLE_ZH, Role, Scenario
from natplan.templates.i18n import t
from natplan.templates.render import hhmm

ROLE_EN = {
    Role.lead: "Lead",
    Role.sampler: "Sampler",
    Role.registrar: "Registrar",
    Role.order_keeper: "Order keeper",
    Role.disinfector: "Disinfector",
}


def role_label(role: str, lang: str) -> str:
    try:
        r = Role(role)
    except ValueError:
        return role
    return ROLE_EN[r] if lang == "en" else ROLE_ZH[r]


def span(a: float | None, b: float | None) -> str:
    """"08:00–08:30" (an en dash, the same in both languages)."""
    return f"{hhmm(a)}–{hhmm(b)}"


def nobreak(text: str) -> str:
    """Text that never breaks across lines: no-break spaces, and word joiners
    (U+2060, invisible, not extracted) between characters where Chinese would break."""
    out = []
    for ch in text.replace(" ", "\u00a0"):
        if out and (ord(ch) > 0x2E80 or ord(out[-1][-1]) > 0x2E80):
            out.append("\u2060")
        out.append(ch)
    return "".join(out)


def households_label(rng: tuple[int, int] | list[int], lang: str) -> str:
    return t("hh_fmt", lang).format(a=rng[0], b=rng[1])


@dataclass
class Index:
    """Lookups over a plan and its scenario, built once per render."""

    plan: Plan
    scenario: Scenario

    @cached_property
    def units(self):
        return {u.id: u for u in self.scenario.units}

    @cached_property
    def grids(self):
        return {g.id: g for v in self.scenario.villages for g in v.grids}

    @cached_property
    def village_of_grid(self):
        return {g.id: v for v in self.scenario.villages for g in v.grids}

    @cached_property
    def groups(self):
        return {g.id: g for g in self.scenario.groups}

    @cached_property
    def zone_of_unit(self):
        return {u: z for z in self.scenario.zones for u in z.units}

    @cached_property
    def zone_color(self) -> dict[str, str]:
        from natplan.templates.town_map import zone_colors

        return zone_colors([z.id for z in self.scenario.zones])

    @cached_property
    def unit_day(self):
        return {d.unit: d for d in self.plan.units}

    @cached_property
    def open_units(self) -> list[str]:
        """Open units in scenario order."""
        return [u.id for u in self.scenario.units if u.id in self.unit_day]

    @cached_property
    def main_unit_of_grid(self) -> dict[str, str]:
        """The unit of each grid (of its biggest part when a grid is split)."""
        best: dict[str, tuple[int, str]] = {}
        for p in self.plan.assignment.parts:
            if p.grid not in best or p.people > best[p.grid][0]:
                best[p.grid] = (p.people, p.unit)
        return {g: u for g, (_, u) in best.items()}

    @cached_property
    def slots_by_unit(self):
        out = defaultdict(list)
        for s in sorted(self.plan.slots, key=lambda s: (s.start, s.grid, s.households[0])):
            out[s.unit].append(s)
        return out

    @cached_property
    def pickups_by_unit(self):
        """unit → [(pickup, vehicle, loop number)] in time order."""
        out = defaultdict(list)
        for z in self.plan.routing.zones:
            for r in z.routes:
                for n, loop in enumerate(r.loops, 1):
                    for p in loop.stops:
                        out[p.unit].append((p, r.vehicle, n))
        for v in out.values():
            v.sort(key=lambda x: (x[0].time, x[1]))
        return out

    @cached_property
    def home_stop(self) -> dict[str, tuple[str, int]]:
        """special id → (team, clock minute)."""
        out = {}
        for team in self.plan.staffing.home_teams:
            for sid, minute in team.stops:
                out[sid] = (team.team, minute)
        return out

    @cached_property
    def vehicle_names(self) -> dict[str, str]:
        return {v.id: v.name for v in self.scenario.station.vehicles}


def scenario_title(s: Scenario, lang: str) -> str:
    if lang == "en" and s.region.name_en:
        return s.region.name_en
    return s.name


def common_view(plan: Plan, scenario: Scenario, lang: str, printed_at: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "html_lang": "en" if lang == "en" else "zh-CN",
        "scenario_name": scenario_title(scenario, lang),
        "round_date": scenario.parameters.date,
        "printed_at": printed_at,
        "printed_label": f"{t('printed_at', lang)} {printed_at}",
        "title": f"{scenario_title(scenario, lang)} {scenario.parameters.date} {t('doc_title', lang)}",
        "attribution": scenario.region.attribution or "© OpenStreetMap contributors",
    }


def _gap(stats, lang: str) -> str:
    if stats.optimal:
        return f"{stats.gap * 100:.2f}% ({t('optimal', lang)})"
    return f"{stats.gap * 100:.2f}%"


# ------------------------------------------------------------------ overview
def overview_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> dict[str, Any]:
    ix = ix or Index(plan, scenario)
    k, p, s = plan.kpis, scenario.parameters, scenario
    mins, metres = t("minutes", lang), t("metres", lang)
    available = sum(z.vehicles_available for z in plan.routing.zones)
    sh = plan.routing.shuttles
    late = k.finish > p.deadline
    rows = [
        (t("people", lang), f"{k.people:,}", ""),
        (t("walk_in", lang), f"{k.walk_in:,}", ""),
        (t("home_visits", lang), f"{k.home_visits:,}",
         t("home_teams_fmt", lang).format(n=len(plan.staffing.home_teams))),
        (t("units_open", lang), f"{k.units_open} / {len(s.units)}", ""),
        (t("groups_used", lang), f"{k.groups_used} / {len(s.groups)}", ""),
        (t("finish", lang), hhmm(k.finish),
         f"{t('deadline', lang)} {hhmm(p.deadline)}: {t('late' if late else 'on_time', lang)}"),
        (t("bound", lang), hhmm(k.bound), f"{t('finish_ratio', lang)} {k.finish_ratio:.2f}"),
        (t("peak_queue", lang), f"{k.peak_queue:.0f}",
         f"{t('waiting_room', lang)} ≤ {min(u.waiting_room for u in s.units)}"),
        (t("worst_age", lang),
         "" if k.worst_sample_age_min is None else f"{k.worst_sample_age_min:.0f} {mins}",
         f"{t('age_limit', lang)} {p.sample_age_limit_min} {mins}"),
        (t("courier_vehicles", lang), f"{k.courier_vehicles or 0} / {available}",
         f"{t('lower_bound', lang)} {plan.routing.stats.bound:.0f}"),
        (t("shuttle_vehicles", lang), f"{sh.vehicles_used} / {len(s.station.vehicles)}",
         t("every_min", lang).format(n=sh.cadence_min)),
        (t("walk_mean", lang), f"{k.walk_mean_m:,.0f} {metres}", ""),
        (t("walk_max", lang), f"{k.walk_max_m:,.0f} {metres}", f"≤ {p.max_walk_m:,} {metres}"),
        (t("gap_assign", lang), _gap(plan.assignment.stats, lang), plan.assignment.stats.method),
        (t("gap_staff", lang), _gap(plan.staffing.stats, lang), plan.staffing.stats.method),
        (t("gap_route", lang), _gap(plan.routing.stats, lang), plan.routing.stats.method),
    ]
    alerts = {t("finish", lang): late,
              t("courier_vehicles", lang): (k.courier_vehicles or 0) > available,
              t("worst_age", lang): (k.worst_sample_age_min or 0) > p.sample_age_limit_min}
    kpis = [{"label": a, "value": b, "note": c, "alert": alerts.get(a, False)} for a, b, c in rows]

    by_group = defaultdict(list)
    for v in plan.staffing.visits:
        by_group[v.group].append(v)
    timetable = []
    for g in s.groups:
        visits = sorted(by_group.get(g.id, []), key=lambda v: v.arrive)
        if not visits:
            continue
        timetable.append({
            "id": g.id,
            "name": g.name,
            "size": len(g.members),
            "stays": [{
                "unit": v.unit,
                "unit_name": ix.units[v.unit].name if v.unit in ix.units else v.unit,
                "arrive": v.arrive, "open": v.open, "close": v.close, "leave": v.leave,
            } for v in visits],
        })
    return {"kpis": kpis, "timetable": timetable, "warnings": list(plan.warnings)}


# ------------------------------------------------------------------ rosters
def _member_rows(group_id: str, unit: str, group, lang: str, shifts_by) -> list[dict]:
    """Members of a group at a unit, those with the same hours on one row (fewer table cells)."""
    rows: dict[tuple, dict] = {}
    for m in group.members:
        mine = [x for x in shifts_by.get((group_id, m.name), []) if x.unit == unit]
        if not mine:
            continue
        work = tuple((x.start, x.end) for x in mine if x.kind == "work")
        gear = tuple((x.start, x.end) for x in mine if x.kind == "gear")
        meal = tuple((x.start, x.end) for x in mine if x.kind == "meal")
        key = (work, gear, meal)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "people": [],
                "work": "  ".join(span(a, b) for a, b in work),
                "gear": "  ".join(span(a, b) for a, b in gear),
                "meal": "  ".join(span(a, b) for a, b in meal),
                "hours": f"{sum(b - a for a, b in work) / 60:.1f}",
            }
        row["people"].append(f"{role_label(m.role, lang)}\u00a0{m.name}")
    return list(rows.values())


def roster_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One roster per open unit, in scenario order."""
    ix = ix or Index(plan, scenario)
    shifts_by = defaultdict(list)
    for x in sorted(plan.staffing.shifts, key=lambda x: x.start):
        shifts_by[(x.group, x.member)].append(x)
    visits_by_unit = defaultdict(list)
    for v in sorted(plan.staffing.visits, key=lambda v: v.arrive):
        visits_by_unit[v.unit].append(v)
    specials_by_unit = defaultdict(list)
    for sp in scenario.special_needs:
        u = ix.main_unit_of_grid.get(sp.grid)
        if u is not None:
            specials_by_unit[u].append(sp)

    out = []
    for uid in ix.open_units:
        unit, day = ix.units[uid], ix.unit_day[uid]
        zone = ix.zone_of_unit.get(uid)
        groups = []
        for v in visits_by_unit.get(uid, []):
            g = ix.groups.get(v.group)
            groups.append({
                "id": v.group,
                "name": g.name if g else v.group,
                "arrive": v.arrive, "open": v.open, "close": v.close, "leave": v.leave,
                "members": _member_rows(v.group, uid, g, lang, shifts_by) if g else [],
            })
        slots = [{
            "time": span(x.start, x.end),
            "start": x.start,
            "where": f"{ix.grids[x.grid].name if x.grid in ix.grids else x.grid}\u00a0{households_label(x.households, lang)}",
            "grid": ix.grids[x.grid].name if x.grid in ix.grids else x.grid,
            "grid_id": x.grid,
            "households": households_label(x.households, lang),
            "people": x.people,
        } for x in ix.slots_by_unit.get(uid, [])]
        pickups = [{
            "time": p.time, "vehicle": vehicle, "loop": n, "people": p.people,
            "tubes": p.tubes, "boxes": p.boxes,
            "text": t("pickup_fmt", lang).format(time=hhmm(p.time), vehicle=vehicle, n=n, people=p.people,
                                                  tubes=p.tubes, boxes=p.boxes),
        } for p, vehicle, n in ix.pickups_by_unit.get(uid, [])]
        homes = []
        for sp in specials_by_unit.get(uid, []):
            team, minute = ix.home_stop.get(sp.id, ("", None))
            homes.append({
                "id": sp.id,
                "grid": ix.grids[sp.grid].name if sp.grid in ix.grids else sp.grid,
                "category": t("cat_" + str(sp.category.value), lang),
                "team": team,
                "time": minute,
            })
        homes.sort(key=lambda h: (h["time"] is None, h["time"] or 0, h["id"]))
        for h in homes:  # no-break spaces: a line breaks between people, never inside one
            h["text"] = nobreak(" ".join(x for x in (h["id"], h["category"], h["team"], hhmm(h["time"])) if x))
        slot_rows = (len(slots) + 1) // 2 if len(slots) > 10 else len(slots)
        height_mm = (18 + sum(14 + 8 * len(g["members"]) for g in groups) + 14 + 4.6 * slot_rows
                     + 9 + 4.6 * -(-len(pickups) // 3) + 9 + 4.2 * -(-len(homes) // 6) + 20)
        out.append({
            "id": uid,
            "name": unit.name,
            "dense": height_mm > 225,  # smaller type so that the roster stays on one page
            "desks": unit.desks,
            "zone": f"{zone.id} {zone.name}" if zone else "",
            "zone_color": ix.zone_color.get(zone.id, "#888") if zone else "#888",
            "people": day.people,
            "open": day.open,
            "close": day.close,
            "finish": day.finish,
            "rate": f"{day.rate_per_hour:.0f}",
            "peak_queue": f"{day.peak_queue:.0f}",
            "groups": groups,
            "slots": slots,
            "pickup_rows": [pickups[i:i + 3] for i in range(0, len(pickups), 3)],
            # long slot lists go side by side (two slots a row) so the roster stays on one page
            "slot_rows": ([slots[i:i + 2] for i in range(0, len(slots), 2)] if len(slots) > 10
                          else [[x] for x in slots]),
            "slot_cols": 2 if len(slots) > 10 else 1,
            "slot_people": sum(x["people"] for x in slots),
            "pickups": pickups,
            "pickup_tubes": sum(x["tubes"] for x in pickups),
            "pickup_boxes": sum(x["boxes"] for x in pickups),
            "homes": homes,
            "homes_text": ("; " if lang == "en" else "；").join(h["text"] for h in homes),
        })
    return out


# ------------------------------------------------------------------ route sheets
def route_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> dict[str, Any]:
    """One sheet per courier vehicle (loops × stops), then the shuttle timetable."""
    ix = ix or Index(plan, scenario)
    zones = {z.id: z for z in scenario.zones}
    sheets = []
    for zc in plan.routing.zones:
        zone = zones.get(zc.zone)
        for r in zc.routes:
            order = list(r.order)
            for loop in r.loops:  # a unit not in the order (should not happen): append it
                for p in loop.stops:
                    if p.unit not in order:
                        order.append(p.unit)
            loops = []
            for n, loop in enumerate(r.loops, 1):
                at = {p.unit: p for p in loop.stops}
                loops.append({
                    "n": n,
                    "depart": loop.depart,
                    "back": loop.back,
                    "cells": [at[u].time if u in at else None for u in order],
                    "tubes": sum(p.tubes for p in loop.stops),
                    "boxes": sum(p.boxes for p in loop.stops),
                })
            sheets.append({
                "zone": zc.zone,
                "zone_name": zone.name if zone else zc.zone,
                "zone_color": ix.zone_color.get(zc.zone, "#888"),
                "vehicle": r.vehicle,
                "interval": zc.interval_min,
                "loop_min": r.loop_min,
                "crew": t("crew_fmt", lang).format(c=zone.crew.cadres, m=zone.crew.medics, d=zone.crew.drivers)
                if zone else "",
                "stops": [{"id": u, "name": ix.units[u].name if u in ix.units else u} for u in order],
                "loops": loops,
                "tubes": sum(x["tubes"] for x in loops),
                "boxes": sum(x["boxes"] for x in loops),
                "note": zc.note,
            })
    sh = plan.routing.shuttles
    trips = [{
        "vehicle": x.vehicle,
        "vehicle_name": ix.vehicle_names.get(x.vehicle, x.vehicle),
        "depart": x.depart, "arrive": x.arrive, "back": x.back,
        "tubes": x.tubes, "boxes": x.boxes,
        "oldest_swab": x.oldest_swab, "age": f"{x.worst_age_min:.0f}",
        "late": x.worst_age_min > scenario.parameters.sample_age_limit_min,
    } for x in sorted(sh.trips, key=lambda x: (x.depart, x.vehicle))]
    return {
        "sheets": sheets,
        "station": scenario.station.name,
        "lab": scenario.lab.name,
        "lab_address": scenario.lab.address or "",
        "shuttles": {
            "cadence": sh.cadence_min,
            "round_trip": sh.round_trip_min,
            "vehicles_used": sh.vehicles_used,
            "fewest": sh.fewest_vehicles,
            "worst_age": f"{sh.worst_age_min:.0f}",
            "trips": trips,
            "tubes": sum(x["tubes"] for x in trips),
            "boxes": sum(x["boxes"] for x in trips),
        },
    }


# ------------------------------------------------------------------ handover
# Handover lines that fit on one A4 page with the heading, header row and total (rows are 7.5 mm).
HANDOVER_LINES_PER_PAGE = 25


def handover_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """Handover lines per pickup, by courier vehicle: one page (sheet) each, or several for a long list
    (``sheet`` of ``sheets``; the totals are the vehicle's, printed on its last sheet)."""
    ix = ix or Index(plan, scenario)
    out = []
    for zc in plan.routing.zones:
        for r in zc.routes:
            lines = []
            for n, loop in enumerate(r.loops, 1):
                for p in loop.stops:
                    lines.append({
                        "loop": n, "time": p.time,
                        "when": t("loop_fmt", lang).format(n=n, time=hhmm(p.time)),
                        "load": t("load_fmt", lang).format(tubes=p.tubes, boxes=p.boxes), "unit": p.unit,
                        "unit_name": ix.units[p.unit].name if p.unit in ix.units else p.unit,
                        "people": p.people, "tubes": p.tubes, "boxes": p.boxes,
                    })
            if not lines:
                continue
            # A long list goes on several sheets of equal length, each one page by construction, so
            # that the page count is known before layout (the PDF is numbered in parallel halves).
            sheets = -(-len(lines) // HANDOVER_LINES_PER_PAGE)
            size = -(-len(lines) // sheets)
            for k in range(sheets):
                out.append({"vehicle": r.vehicle, "zone": zc.zone,
                            "zone_color": ix.zone_color.get(zc.zone, "#888"),
                            "lines": lines[k * size:(k + 1) * size],
                            "sheet": k + 1, "sheets": sheets, "last": k == sheets - 1,
                            "tubes": sum(x["tubes"] for x in lines),
                            "boxes": sum(x["boxes"] for x in lines)})
    return out


# ------------------------------------------------------------------ notices
def notice_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One notice per village: for each of its grids (and unit), the times by household range."""
    ix = ix or Index(plan, scenario)
    slots_by_grid = defaultdict(list)
    for s in plan.slots:
        slots_by_grid[s.grid].append(s)
    out = []
    for v in scenario.villages:
        rows = []
        for g in v.grids:
            by_unit: dict[str, list] = {}
            for s in sorted(slots_by_grid.get(g.id, []), key=lambda s: (s.start, s.households[0])):
                by_unit.setdefault(s.unit, []).append(s)
            for unit, slots in by_unit.items():
                rows.append({
                    "grid": g.name,
                    "unit": ix.units[unit].name if unit in ix.units else unit,
                    "lines": [nobreak(f"{span(s.start, s.end)} {households_label(s.households, lang)}")
                              for s in slots],
                })
        n_lines = sum(len(r["lines"]) for r in rows)
        out.append({"id": v.id, "name": v.name, "grids": [g.name for g in v.grids], "rows": rows,
                    "size": "small" if n_lines > 16 else ("medium" if n_lines > 11 else "large")})
    return out


def all_views(plan: Plan, scenario: Scenario, lang: str, printed_at: str) -> dict[str, Any]:
    """Everything ``document.html`` needs."""
    ix = Index(plan, scenario)
    return {
        **common_view(plan, scenario, lang, printed_at),
        "overview": overview_view(plan, scenario, lang, ix),
        "rosters": roster_view(plan, scenario, lang, ix),
        "routes": route_view(plan, scenario, lang, ix),
        "handovers": handover_view(plan, scenario, lang, ix),
        "notices": notice_view(plan, scenario, lang, ix),
    }
