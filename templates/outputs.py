"""Every printed output of a plan, as bytes, for the pipeline to write.

``files, warnings = render_outputs(plan, scenario, geometry, lang, printed_at)``
gives ``{"plan.xlsx", "rosters.pdf", "index.html"}`` (``plan.json`` is the
pipeline's).  The PDF is ONE HTML document (overview, rosters, route sheets,
handover sheets, notices) laid out by ONE WeasyPrint call; ``index.html`` is
the same HTML, standalone, with the map embedded as a data URI.

Names the bundled font cannot print (rare hanzi) do not stop anything: they
are listed in ``warnings``.
"""
from __future__ import annotations

import base64
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from models.plan import Plan
from models.scenario import Scenario
from templates.excel import plan_xlsx
from templates.i18n import t
from templates.render import environment, missing_glyphs, write_pdf
from templates.town_map import town_map_png
from templates.views import all_views

CHINA = timezone(timedelta(hours=8))
PARTS = ["overview.html", "roster.html", "route_sheet.html", "handover.html", "notice.html"]


def now_printed_at() -> str:
    """The print time as shown on every page (China time, to the minute)."""
    return datetime.now(CHINA).strftime("%Y-%m-%d %H:%M")


def glyph_warnings(scenario: Scenario) -> list[str]:
    """One warning per printed name with characters the bundled font lacks."""
    s = scenario
    named = [("town", s.name, s.name), ("station", s.station.id, s.station.name), ("lab", s.lab.id, s.lab.name)]
    named += [("village", v.id, v.name) for v in s.villages]
    named += [("grid", g.id, g.name) for v in s.villages for g in v.grids]
    named += [("unit", u.id, u.name) for u in s.units]
    named += [("group", g.id, g.name) for g in s.groups]
    named += [("member", g.id, m.name) for g in s.groups for m in g.members]
    named += [("zone", z.id, z.name) for z in s.zones]
    named += [("vehicle", v.id, v.name) for v in s.station.vehicles]
    out = []
    for kind, ident, text in named:
        missing = missing_glyphs(text)
        if missing:
            chars = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(missing))
            out.append(f"{kind} {ident} {text}: the bundled font cannot print {chars}; it shows as a blank box")
    return out


def document_html(plan: Plan, scenario: Scenario, lang: str = "zh", printed_at: str | None = None,
                  map_png: bytes | None = None, parts: list[str] | None = None) -> str:
    """The whole printed plan as one HTML string."""
    ctx: dict[str, Any] = all_views(plan, scenario, lang, printed_at or now_printed_at())
    ctx["map_src"] = ("data:image/png;base64," + base64.b64encode(map_png).decode()) if map_png else ""
    ctx["parts"] = parts or PARTS
    ctx["t"] = t  # templates call t("key", lang)
    ctx["lang"] = lang
    return environment().get_template("document.html").render(**ctx)


def pdf_bytes(html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="natplan-pdf-") as tmp:
        path = write_pdf(html, Path(tmp) / "rosters.pdf")
        return path.read_bytes()


def render_outputs(plan: Plan, scenario: Scenario, geometry=None, lang: str = "zh",
                   printed_at: str | None = None) -> tuple[dict[str, bytes], list[str]]:
    """Render plan.xlsx, rosters.pdf and index.html.

    Parameters
    ----------
    plan, scenario
        The plan and the scenario it was made from.
    geometry
        The town boundary (``LoadedScenario.geometry``) for the map, or None.
    lang
        "zh" (default) or "en" for labels; names stay as in the scenario.
    printed_at
        The print time shown on every page; default now (China time).
        Pass a fixed string for repeatable output.

    Returns
    -------
    (files, warnings)
        ``files`` maps file names to bytes; ``warnings`` lists names the
        bundled font cannot print.
    """
    printed_at = printed_at or now_printed_at()
    warnings = glyph_warnings(scenario)
    png = town_map_png(plan, scenario, geometry, lang)
    html = document_html(plan, scenario, lang, printed_at, png)
    files = {
        "plan.xlsx": plan_xlsx(plan, scenario, lang),
        "rosters.pdf": pdf_bytes(html),
        "index.html": html.encode("utf-8"),
    }
    return files, warnings
