"""The plan as a workbook: one sheet per table, ready to print.

:func:`plan_xlsx` returns the bytes of ``plan.xlsx``.  Cells are typed:
clock times are Excel times (a fraction of a day, shown ``[hh]:mm`` so that
a round past midnight reads 25:30), counts and metres are numbers with
their formats; household ranges stay text.  Every sheet prints on A4 with
the plan's title in the header and "page N of M" in the footer, in the
workbook's language.  The same plan gives the same bytes: the document's
created/modified times are the round date (and XlsxWriter dates every zip
entry 1980-01-01).  The file is written by :mod:`natplan.templates.xlsx`
(XlsxWriter underneath).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t
from natplan.templates.views import Index, role_label, scenario_title
from natplan.templates.xlsx import Styled, Workbook

SHEETS = ["sheet_assignment", "sheet_slots", "sheet_units", "sheet_rosters", "sheet_routes",
          "sheet_shuttles", "sheet_home", "sheet_kpis", "sheet_warnings", "sheet_notes"]
TIME = "[hh]:mm"  # a clock time (Excel: fraction of a day); [hh] keeps 25:30 for a round past midnight
COUNT = "#,##0"
ONE = "0.0"


def clock(minute: float | None) -> float | None:
    """Minutes since midnight as an Excel time (a fraction of a day, rounded to the minute)."""
    return None if minute is None else round(minute) / 1440


def sheet_names(lang: str = "zh") -> list[str]:
    return [t(k, lang) for k in SHEETS]


def add_sheet(wb: Workbook, title: str, header: list[str], rows: Iterable[list[Any]], *, landscape: bool = False,
              number_formats: dict[int, str] | None = None, lang: str = "zh") -> str:
    """A sheet of *rows* under a bold *header*, set up to print on A4 (:meth:`Workbook.add_sheet`), with
    "page N of M" in the footer in *lang*. *number_formats* maps 1-based columns to Excel formats.

    Returns
    -------
    str
        The table's range, as ``"A1:I367"``.
    """
    footer = "Page &P of &N" if lang == "en" else "第 &P 页 / 共 &N 页"
    return wb.add_sheet(title, header, rows, landscape=landscape, number_formats=number_formats, footer=footer)


def new_workbook(title: str, stamp: datetime) -> Workbook:
    """An empty workbook (no sheets) by natplan, titled, dated ``stamp`` (so the bytes repeat)."""
    return Workbook(title, stamp)


def plan_xlsx(plan: Plan, scenario: Scenario, lang: str = "zh", views: dict[str, Any] | None = None) -> bytes:
    """The workbook's bytes: assignment, slots, units, rosters, routes, shuttles, home visits, KPIs,
    warnings and the planner's notes (*views*: :func:`natplan.templates.views.all_views`' model, if the
    caller has it, for the texts the printed set shows)."""
    from natplan.templates.views import all_views

    ix = Index(plan, scenario)
    s = scenario
    L = lambda k: t(k, lang)  # noqa: E731
    names = sheet_names(lang)
    stamp = datetime.strptime(s.parameters.date, "%Y-%m-%d")
    views = views or all_views(plan, scenario, lang, "")
    wb = new_workbook(f"{scenario_title(s, lang)} {s.parameters.date} {L('doc_title')}", stamp)

    def vname(gid):
        v = ix.village_of_grid.get(gid)
        return v.name if v else ""

    def sheet(k, header, rows, formats=None, landscape=False):
        add_sheet(wb, names[k], header, rows, landscape=landscape, number_formats=formats, lang=lang)

    parts = sorted(plan.assignment.parts, key=lambda p: (p.grid, p.part))
    sheet(0, [L("grid_id"), L("village"), L("grid_name"), L("part"), L("household_range"), L("people"),
              L("unit_code"), L("unit_name"), L("distance_m")],
          ([p.grid, vname(p.grid), ix.grid_name(p.grid), f"{p.part}/{p.parts}", f"{p.households[0]}–{p.households[1]}",
            p.people, p.unit, ix.unit_name(p.unit), round(p.distance_m)] for p in parts),
          {6: COUNT, 9: COUNT}, landscape=True)

    slots = sorted(plan.slots, key=lambda x: (x.unit, x.start, x.grid, x.households[0]))
    sheet(1, [L("unit_code"), L("unit_name"), L("start"), L("end"), L("grid_id"), L("grid_name"),
              L("household_range"), L("people")],
          ([x.unit, ix.unit_name(x.unit), clock(x.start), clock(x.end), x.grid, ix.grid_name(x.grid),
            f"{x.households[0]}–{x.households[1]}", x.people] for x in slots),
          {3: TIME, 4: TIME, 8: COUNT}, landscape=True)

    sheet(2, [L("unit_code"), L("unit_name"), L("group"), L("people"), L("open"), L("close"), L("rate"),
              L("first_slot"), L("last_slot"), L("peak_queue"), L("expected_finish")],
          ([d.unit, ix.unit_name(d.unit), d.group or "", d.people, clock(d.open), clock(d.close),
            round(d.rate_per_hour, 1), clock(d.first_slot), clock(d.last_slot), round(d.peak_queue, 1), clock(d.finish)]
           for d in sorted(plan.units, key=lambda d: d.unit)),
          {4: COUNT, 5: TIME, 6: TIME, 7: ONE, 8: TIME, 9: TIME, 10: ONE, 11: TIME}, landscape=True)

    kinds = {"work": L("work"), "travel": L("travel"), "setup": L("setup"), "gear": L("gear"), "meal": L("meal")}
    sheet(3, [L("group"), L("member"), L("role"), L("unit_code"), L("unit_name"), L("start"), L("end"), L("kind")],
          ([x.group, x.member, role_label(x.role, lang), x.unit or "", ix.unit_name(x.unit) if x.unit else "",
            clock(x.start), clock(x.end), kinds.get(x.kind, x.kind)] for x in plan.staffing.shifts),
          {6: TIME, 7: TIME}, landscape=True)

    route_rows = [[zc.zone, r.vehicle, n, clock(loop.depart), k, p.unit, ix.unit_name(p.unit), clock(p.time), p.people,
                   p.tubes, p.boxes, clock(p.earliest_swab), clock(loop.back)]
                  for zc in plan.routing.zones for r in zc.routes for n, loop in enumerate(r.loops, 1)
                  for k, p in enumerate(loop.stops, 1)]
    sheet(4, [L("zone"), L("vehicle"), L("loop"), L("depart"), L("order"), L("unit_code"), L("unit_name"), L("time"),
              L("people"), L("tubes"), L("boxes"), L("earliest_swab"), L("back")],
          route_rows, {4: TIME, 8: TIME, 9: COUNT, 10: COUNT, 11: COUNT, 12: TIME, 13: TIME}, landscape=True)

    sheet(5, [L("vehicle"), L("depart"), L("arrive_lab"), L("back"), L("tubes"), L("boxes"), L("oldest_swab"),
              L("age")],
          ([x.vehicle, clock(x.depart), clock(x.arrive), clock(x.back), x.tubes, x.boxes, clock(x.oldest_swab),
            round(x.worst_age_min, 1)] for x in sorted(plan.routing.shuttles.trips, key=lambda x: x.depart)),
          {2: TIME, 3: TIME, 4: TIME, 5: COUNT, 6: COUNT, 7: TIME, 8: ONE})

    home_rows = []
    for team in plan.staffing.home_teams:
        for sid, minute in team.stops:
            sp = ix.specials.get(sid)
            gid = sp.grid if sp else ""
            home_rows.append([team.team, clock(minute), sid, L("cat_" + sp.category.value) if sp else "", gid,
                              ix.grid_name(gid), ix.main_unit_of_grid.get(gid, ""), ix.place_name(team.returns_to)])
    sheet(6, [L("team"), L("time"), L("special_id"), L("category"), L("grid_id"), L("grid_name"), L("unit_code"),
              L("returns_to")], home_rows, {2: TIME})

    kpis = kpi_rows(plan, scenario, lang, views)  # each KPI has its own kind of value
    sheet(7, [L("kpi"), L("value"), L("note")], ([label, Styled(value, fmt), note] for label, value, fmt, note in kpis))
    sheet(8, ["#", L("sheet_warnings")], ([i, w] for i, w in enumerate(views["overview"]["warnings"], 1)))
    notes = [(r["label"], *typed(r["value"]), r["note"]) for r in views["notes"]["rows"]]
    sheet(9, [L("kpi"), L("value"), L("method")], ([label, Styled(value, fmt), note] for label, value, fmt, note in notes))
    return wb.to_bytes()


def typed(text: str) -> tuple[Any, str]:
    """A figure of the printed set as a cell value and its format: "14:20" an Excel time, "7" a count,
    anything else (a percentage with its words, "—") text."""
    if len(text) == 5 and text[2] == ":" and text.replace(":", "").isdigit():
        return clock(int(text[:2]) * 60 + int(text[3:])), TIME
    if text.isdigit():
        return int(text), COUNT
    return text, "General"


def kpi_rows(plan: Plan, scenario: Scenario, lang: str, views: dict[str, Any]) -> list[tuple[str, Any, str, str]]:
    """The KPI sheet's rows ``(label, value, number format, note)``: the headline times as Excel times (a
    time the plan cannot give as its text), then the figures as numbers."""
    k, p, sh = plan.kpis, scenario.parameters, plan.routing.shuttles
    L = lambda key: t(key, lang)  # noqa: E731
    rows: list[tuple[str, Any, str, str]] = []
    for h in views["overview"]["headline"]:
        rows.append((h["label"], *typed(h["value"]), h["note"]))
    mins = L("minutes")
    rows += [
        (L("people"), k.people, COUNT, ""), (L("walk_in"), k.walk_in, COUNT, ""),
        (L("home_visits"), k.home_visits, COUNT, t("home_teams_fmt", lang).format(n=len(plan.staffing.home_teams))),
        (L("units_open"), k.units_open, COUNT, f"/ {len(scenario.units)}"),
        (L("groups_used"), k.groups_used, COUNT, f"/ {len(scenario.groups)}"),
        (L("peak_queue"), round(k.peak_queue, 1), ONE, f"{L('waiting_room')} ≤ {min(u.waiting_room for u in scenario.units)}"),
        (L("worst_age"), k.worst_sample_age_min, ONE, f"{mins}; {L('age_limit')} {p.sample_age_limit_min} {mins}"),
        (L("courier_vehicles"), k.courier_vehicles or 0, COUNT, f"/ {sum(z.vehicles_available for z in plan.routing.zones)}"),
        (L("shuttle_vehicles"), sh.vehicles_used, COUNT, f"/ {len(scenario.station.vehicles)}"),
        (L("walk_mean"), round(k.walk_mean_m), COUNT, L("metres")),
        (L("walk_max"), round(k.walk_max_m), COUNT, f"{L('metres')}; ≤ {p.max_walk_m:,}"),
    ]
    return rows
