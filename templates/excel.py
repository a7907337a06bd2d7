"""The plan as a workbook: one sheet per table, ready to print.

:func:`plan_xlsx` returns the bytes of ``plan.xlsx``.  The same plan gives
the same bytes: the document's created/modified times are the round date,
and every zip entry carries that date too (openpyxl would stamp "now").
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any, Iterable

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t
from natplan.templates.render import hhmm
from natplan.templates.views import Index, role_label, scenario_title

SHEETS = ["sheet_assignment", "sheet_slots", "sheet_units", "sheet_rosters", "sheet_routes",
          "sheet_shuttles", "sheet_home", "sheet_kpis"]


def sheet_names(lang: str = "zh") -> list[str]:
    return [t(k, lang) for k in SHEETS]


def _width(value: Any) -> float:
    s = "" if value is None else str(value)
    # CJK characters are about two columns wide
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def add_sheet(wb, title: str, header: list[str], rows: Iterable[list[Any]], *, landscape: bool = False,
           number_formats: dict[int, str] | None = None) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = wb.create_sheet(title)
    ws.append(header)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [_width(h) for h in header]
    for row in rows:
        ws.append(row)
        for i, v in enumerate(row):
            widths[i] = max(widths[i], _width(v))
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(6, w + 2))
    for col, fmt in (number_formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    return ws


def new_workbook(title: str, stamp: datetime):
    """An empty workbook (no sheets) by natplan, titled, dated ``stamp`` (so the bytes repeat)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "natplan"
    wb.properties.lastModifiedBy = "natplan"
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb


def workbook_bytes(wb, stamp: datetime) -> bytes:
    """The xlsx bytes of ``wb``, every date in them set to ``stamp``: the same workbook, the same bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), stamp)


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the xlsx zip with fixed dates (core.xml and every entry)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              lambda m: m.group(1) + iso.encode() + m.group(3), body)
            zi = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def plan_xlsx(plan: Plan, scenario: Scenario, lang: str = "zh") -> bytes:
    """The workbook's bytes: assignment, slots, units, rosters, routes, shuttles, home visits, KPIs."""
    ix = Index(plan, scenario)
    s = scenario
    L = lambda k: t(k, lang)  # noqa: E731
    names = sheet_names(lang)
    stamp = datetime.strptime(s.parameters.date, "%Y-%m-%d")

    wb = new_workbook(f"{scenario_title(s, lang)} {s.parameters.date} {L('doc_title')}", stamp)

    def vname(gid):
        v = ix.village_of_grid.get(gid)
        return v.name if v else ""

    def gname(gid):
        g = ix.grids.get(gid)
        return g.name if g else gid

    def uname(uid):
        u = ix.units.get(uid)
        return u.name if u else (uid or "")

    parts = sorted(plan.assignment.parts, key=lambda p: (p.grid, p.part))
    add_sheet(wb, names[0],
           [L("grid_id"), L("village"), L("grid_name"), L("part"), L("household_range"), L("people"),
            L("unit_code"), L("unit_name"), L("distance_m")],
           ([p.grid, vname(p.grid), gname(p.grid), f"{p.part}/{p.parts}", f"{p.households[0]}–{p.households[1]}",
             p.people, p.unit, uname(p.unit), round(p.distance_m)] for p in parts),
           landscape=True)

    slots = sorted(plan.slots, key=lambda x: (x.unit, x.start, x.grid, x.households[0]))
    add_sheet(wb, names[1],
           [L("unit_code"), L("unit_name"), L("start"), L("end"), L("grid_id"), L("grid_name"),
            L("household_range"), L("people")],
           ([x.unit, uname(x.unit), hhmm(x.start), hhmm(x.end), x.grid, gname(x.grid),
             f"{x.households[0]}–{x.households[1]}", x.people] for x in slots),
           landscape=True)

    add_sheet(wb, names[2],
           [L("unit_code"), L("unit_name"), L("group"), L("people"), L("open"), L("close"), L("rate"),
            L("first_slot"), L("last_slot"), L("peak_queue"), L("finish")],
           ([d.unit, uname(d.unit), d.group or "", d.people, hhmm(d.open), hhmm(d.close),
             round(d.rate_per_hour, 1), hhmm(d.first_slot), hhmm(d.last_slot), round(d.peak_queue, 1),
             hhmm(d.finish)] for d in sorted(plan.units, key=lambda d: d.unit)),
           landscape=True)

    kinds = {"work": L("work"), "travel": L("travel"), "setup": L("setup"), "gear": L("gear"), "meal": L("meal")}
    add_sheet(wb, names[3],
           [L("group"), L("member"), L("role"), L("unit_code"), L("unit_name"), L("start"), L("end"), L("kind")],
           ([x.group, x.member, role_label(x.role, lang), x.unit or "", uname(x.unit) if x.unit else "",
             hhmm(x.start), hhmm(x.end), kinds.get(x.kind, x.kind)] for x in plan.staffing.shifts),
           landscape=True)

    route_rows = []
    for zc in plan.routing.zones:
        for r in zc.routes:
            for n, loop in enumerate(r.loops, 1):
                for k, p in enumerate(loop.stops, 1):
                    route_rows.append([zc.zone, r.vehicle, n, hhmm(loop.depart), k, p.unit, uname(p.unit),
                                       hhmm(p.time), p.people, p.tubes, p.boxes, hhmm(p.earliest_swab),
                                       hhmm(loop.back)])
    add_sheet(wb, names[4],
           [L("zone"), L("vehicle"), L("loop"), L("depart"), L("order"), L("unit_code"), L("unit_name"), L("time"),
            L("people"), L("tubes"), L("boxes"), L("earliest_swab"), L("back")],
           route_rows, landscape=True)

    add_sheet(wb, names[5],
           [L("vehicle"), L("depart"), L("arrive_lab"), L("back"), L("tubes"), L("boxes"), L("oldest_swab"),
            L("age")],
           ([x.vehicle, hhmm(x.depart), hhmm(x.arrive), hhmm(x.back), x.tubes, x.boxes, hhmm(x.oldest_swab),
             round(x.worst_age_min, 1)] for x in sorted(plan.routing.shuttles.trips, key=lambda x: x.depart)))

    specials = {sp.id: sp for sp in s.special_needs}
    home_rows = []
    for team in plan.staffing.home_teams:
        for sid, minute in team.stops:
            sp = specials.get(sid)
            gid = sp.grid if sp else ""
            home_rows.append([team.team, hhmm(minute), sid, L("cat_" + sp.category.value) if sp else "", gid,
                              gname(gid), ix.main_unit_of_grid.get(gid, ""), team.returns_to])
    add_sheet(wb, names[6],
           [L("team"), L("time"), L("special_id"), L("category"), L("grid_id"), L("grid_name"), L("unit_code"),
            L("returns_to")],
           home_rows)

    from natplan.templates.views import overview_view
    ov = overview_view(plan, scenario, lang, ix)
    add_sheet(wb, names[7], [L("kpi"), L("value"), L("note")],
           ([k["label"], k["value"], k["note"]] for k in ov["kpis"]))

    return workbook_bytes(wb, stamp)
