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
import io
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from models.plan import Plan
from models.scenario import Scenario
from templates.excel import plan_xlsx
from templates.i18n import t
from templates.render import environment, font_face_css, missing_glyphs, write_pdf
from templates.town_map import town_map_png
from templates.views import all_views

CHINA = timezone(timedelta(hours=8))
PARTS = ["overview.html", "roster.html", "route_sheet.html", "handover.html", "notice.html"]


def now_printed_at() -> str:
    """The print time shown on every page, China time to the minute: now, or SOURCE_DATE_EPOCH when set
    (so that a rerun gives the same pages)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), CHINA) if epoch else datetime.now(CHINA)
    return when.strftime("%Y-%m-%d %H:%M")


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
    halves = [document_html(plan, scenario, lang, printed_at, png, parts=half).replace("</head>", _NO_NUMBERS)
              for half in SPLIT]
    with ProcessPoolExecutor(max_workers=min(len(halves), os.cpu_count() or 1)) as pool:
        pdfs = pool.map(pdf_bytes, halves)  # the halves lay out at once, one per core
        xlsx = plan_xlsx(plan, scenario, lang)
        pdfs = list(pdfs)
    files = {
        "plan.xlsx": xlsx,
        "rosters.pdf": number_pages(pdfs, lang),
        "index.html": html.encode("utf-8"),
    }
    return files, warnings


# The PDF is laid out in two halves on two cores (WeasyPrint uses one), then joined; page numbers,
# which need the total, are stamped on afterwards from a document of empty numbered pages.
SPLIT = (["overview.html", "roster.html"], ["route_sheet.html", "handover.html", "notice.html"])
_NO_NUMBERS = "<style>@page { @bottom-center { content: none } } @page en { @bottom-center { content: none } }</style></head>"


def number_pages(pdfs: list[bytes], lang: str) -> bytes:
    """Join PDFs and stamp "第 X 页 / 共 Y 页" (or "Page X of Y") on every page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdfs[0]))
    for extra in pdfs[1:]:
        writer.append(PdfReader(io.BytesIO(extra)))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    total = len(sizes)
    label = ('"Page " counter(page) " of {n}"' if lang == "en" else '"第 " counter(page) " 页 / 共 {n} 页"').format(n=total)
    pages = "".join('<div class="land"></div>' if w > h else "<div></div>" for w, h in sizes)
    overlay_html = (
        '<html><head><meta charset="utf-8"><style>' + str(font_face_css()) +
        "@page { size: A4; margin: 16mm 13mm 15mm 13mm; @bottom-center { content: " + label +
        '; font-family: "natplan Noto Sans SC"; font-size: 9pt; color: #444; } }'
        "@page land { size: A4 landscape; } .land { page: land; }"
        "div { break-after: page; } div:last-child { break-after: auto; }"
        "/* natplan print.css */</style></head><body>" + pages + "</body></html>"
    )
    overlay = PdfReader(io.BytesIO(pdf_bytes(overlay_html)))
    for page, stamp in zip(writer.pages, overlay.pages):
        page.merge_page(stamp)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
