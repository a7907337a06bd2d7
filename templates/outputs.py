"""Every printed output of a plan, as bytes, for the pipeline to write.

``files, warnings = render_outputs(plan, scenario, geometry, lang, printed_at)``
gives ``{"plan.xlsx", "rosters.pdf", "index.html"}`` (``plan.json`` is the
pipeline's).  The printed set is ONE HTML document (overview, rosters, route
sheets, handover sheets, notices); ``index.html`` is that HTML, standalone,
with the map embedded as a data URI.  For the PDF the document is cut into
two runs of whole sections, laid out at once in two processes (WeasyPrint
uses one core) and joined; each run numbers its own pages "N / total" with
CSS counters, from page counts known before layout (see :func:`render_pdf`).

Names the bundled font cannot print (rare hanzi) do not stop anything: they
are listed in ``warnings``.
"""
from __future__ import annotations

import base64
import io
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.excel import plan_xlsx
from natplan.templates.i18n import t
from natplan.templates.render import environment, missing_glyphs, pdf_bytes_and_pages, warm_up, write_pdf
from natplan.templates.town_map import town_map_png
from natplan.templates.views import all_views

CHINA = timezone(timedelta(hours=8))
# The document's parts in print order; each is a template that prints whole sections (pages).
PARTS = ["overview.html", "roster.html", "route_sheet.html", "shuttles.html", "handover.html",
         "shuttle_handover.html", "notice.html"]
# The list in the views that each part prints a section per item of (the others print fixed sections).
PART_ITEMS = {"roster.html": "rosters", "route_sheet.html": "routes.sheets", "handover.html": "handovers",
              "notice.html": "notices"}
# Layout cost of a section in ms of CPU (measured on Xiagezhuang), to cut the document into runs of equal work.
SECTION_COST = {"overview.html": 900, "roster.html": 135, "route_sheet.html": 110, "shuttles.html": 80,
                "handover.html": 105, "shuttle_handover.html": 80, "notice.html": 40}


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
                  map_png: bytes | None = None, parts: list[str] | None = None,
                  views: dict[str, Any] | None = None) -> str:
    """The whole printed plan as one HTML string.

    *parts* picks the templates (default all of :data:`PARTS`); *views* is
    :func:`natplan.templates.views.all_views`'s context if the caller has it (or a
    part of it, see :func:`document_runs`).
    """
    ctx: dict[str, Any] = dict(views) if views is not None else all_views(plan, scenario, lang,
                                                                          printed_at or now_printed_at())
    return _html(ctx, map_png, parts or PARTS, lang)


def _html(ctx: dict[str, Any], map_png: bytes | None, parts: list[str], lang: str) -> str:
    ctx = dict(ctx)
    ctx["map_src"] = ("data:image/png;base64," + base64.b64encode(map_png).decode()) if map_png else ""
    ctx["parts"] = parts
    ctx["t"] = t  # templates call t("key", lang)
    ctx["lang"] = lang
    return environment().get_template("document.html").render(**ctx)


def pdf_bytes(html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="natplan-pdf-") as tmp:
        path = write_pdf(html, Path(tmp) / "rosters.pdf")
        return path.read_bytes()


def _items(views: dict[str, Any], part: str) -> list | None:
    key = PART_ITEMS.get(part)
    if key is None:
        return None
    value: Any = views
    for k in key.split("."):
        value = value[k]
    return value


def _with_items(views: dict[str, Any], part: str, items: list) -> dict[str, Any]:
    head, *rest = PART_ITEMS[part].split(".")
    out = dict(views)
    if rest:
        out[head] = {**views[head], rest[0]: items}
    else:
        out[head] = items
    return out


# One section of the document: (part, index of the item it prints, or None for a fixed section).
Section = tuple[str, "int | None"]


def document_sections(views: dict[str, Any], parts: list[str] | None = None) -> list[Section]:
    """Every section of the printed document in order. Each section starts a page and is meant to fill one
    (rosters shrink their type, long handover lists are cut into sheets); the overview is two."""
    out: list[Section] = []
    for part in parts or PARTS:
        items = _items(views, part)
        if items is None:
            out.append((part, None))
        else:
            out += [(part, i) for i in range(len(items))]
    return out


def predicted_pages(section: Section) -> int:
    return 2 if section[0] == "overview.html" else 1


def document_runs(sections: list[Section], runs: int) -> list[list[Section]]:
    """Cut the sections into *runs* consecutive runs of about equal layout work."""
    runs = max(1, min(runs, len(sections)))
    cost = [SECTION_COST.get(part, 100) for part, _ in sections]
    total = sum(cost)
    cuts, acc, k = [], 0, 1
    for i, c in enumerate(cost):
        if k < runs and acc + c / 2 > total * k / runs and i > (cuts[-1] if cuts else 0):
            cuts.append(i)
            k += 1
        acc += c
    bounds = [0] + cuts + [len(sections)]
    return [sections[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def run_html(views: dict[str, Any], run: list[Section], map_png: bytes | None, lang: str,
             first_page: int | None = None, total_pages: int | None = None) -> str:
    """The HTML of a run of sections; with *first_page* and *total_pages* its pages are numbered from
    *first_page* "of *total_pages*" (without them, from 1 of the run's own count)."""
    parts: list[str] = []
    ctx = dict(views)
    for part, _ in run:
        if part not in parts:
            parts.append(part)
    for part in parts:
        if part in PART_ITEMS:
            items = _items(views, part)
            ctx = _with_items(ctx, part, [items[i] for p, i in run if p == part])
    html = _html(ctx, map_png, parts, lang)
    if first_page is not None:
        html = html.replace("</head>", numbering_css(first_page, total_pages) + "</head>", 1)
    return html


def numbering_css(first_page: int, total_pages: int) -> str:
    """Page numbers from *first_page* of *total_pages*, in place of print.css's counter(pages)."""
    return ("<style>/* page numbers of a run */ @page :first { counter-reset: page %d }"
            ' @page { @bottom-center { content: "第 " counter(page) " 页 / 共 %d 页" } }'
            ' @page en { @bottom-center { content: "Page " counter(page) " of %d" } }</style>'
            % (first_page, total_pages, total_pages))


def _layout_run(job: dict[str, Any]) -> tuple[bytes, int, bytes | None]:
    """In a worker: (draw the map if asked,) lay one run out; returns (pdf, pages, map png)."""
    png = job["map_png"]
    if job.get("map") is not None:
        plan, scenario, geometry = job["map"]
        png = town_map_png(plan, scenario, geometry, job["lang"])
    html = run_html(job["views"], job["run"], png, job["lang"], job["first_page"], job["total_pages"])
    pdf, pages = pdf_bytes_and_pages(html)
    return pdf, pages, png


def warm_worker() -> None:
    """Initializer for a rendering pool started before the plan is ready (see :func:`render_pool`)."""
    warm_up()


def render_pool(workers: int | None = None):
    """A process pool for :func:`render_outputs` whose workers import WeasyPrint and matplotlib as they
    start: create it early (before solving) and the imports run beside the solver. Its workers die with
    this process (:func:`natplan.processes.worker_pool`)."""
    from natplan.processes import worker_pool

    return worker_pool(max_workers=workers or min(2, os.cpu_count() or 1), initializer=warm_worker)


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF of the pages of *pdfs*, in order (shared objects such as fonts' ICC data stored once)."""
    from pypdf import PdfReader, PdfWriter

    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter(clone_from=io.BytesIO(pdfs[0]))
    for extra in pdfs[1:]:
        writer.append(PdfReader(io.BytesIO(extra)))
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_pdf(plan: Plan, scenario: Scenario, geometry, lang: str, views: dict[str, Any], pool,
               runs: int, map_png: bytes | None = None, before_join=None) -> tuple[bytes, bytes]:
    """rosters.pdf laid out in *runs* runs on *pool*; returns (pdf, map png).

    Page numbers "N / total" need each run's first page and the total before layout. They are predicted
    (a page per section, two for the overview); a run that comes out with another page count is laid out
    again with the counts now known, so the numbers are right either way and the pages the same.
    *before_join* is called while the runs lay out (the caller's own work in the meantime).
    """
    sections = document_sections(views)
    cut = document_runs(sections, runs)
    counts = [sum(predicted_pages(sec) for sec in run) for run in cut]
    numbered = len(cut) > 1  # one run numbers itself: print.css's counter(page) / counter(pages)
    for attempt in range(2):
        firsts = [1 + sum(counts[:k]) for k in range(len(cut))]
        futures = []
        for k, run in enumerate(cut):
            draw_map = map_png is None and any(part == "overview.html" for part, _ in run)
            futures.append(pool.submit(_layout_run, {
                "views": views, "run": run, "lang": lang, "map_png": map_png,
                "map": (plan, scenario, geometry) if draw_map else None,
                "first_page": firsts[k] if numbered else None, "total_pages": sum(counts)}))
        if before_join is not None:
            before_join, extra = None, before_join
            extra()
        results = [f.result() for f in futures]
        for _, _, png in results:
            map_png = map_png or png
        actual = [pages for _, pages, _ in results]
        if actual == counts or not numbered:
            break
        counts = actual  # laid out again below with the right numbers (the layout does not change)
    else:
        raise AssertionError(f"page counts changed between two layouts: {counts}")
    return join_pdfs([pdf for pdf, _, _ in results]), map_png


def render_outputs(plan: Plan, scenario: Scenario, geometry=None, lang: str = "zh",
                   printed_at: str | None = None, *, pool=None) -> tuple[dict[str, bytes], list[str]]:
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
    pool
        A process pool to lay the PDF out on (:func:`render_pool`, started early
        so that its imports are done); default a new one, one process per core (at most 2).

    Returns
    -------
    (files, warnings)
        ``files`` maps file names to bytes; ``warnings`` lists names the
        bundled font cannot print.
    """
    printed_at = printed_at or now_printed_at()
    warnings = glyph_warnings(scenario)
    views = all_views(plan, scenario, lang, printed_at)
    own = pool is None
    if own:
        from natplan.processes import worker_pool

        pool = worker_pool(max_workers=min(2, os.cpu_count() or 1))
    try:
        runs = min(2, os.cpu_count() or 1)
        xlsx: list[bytes] = []
        pdf, png = render_pdf(plan, scenario, geometry, lang, views, pool, runs,
                              before_join=lambda: xlsx.append(plan_xlsx(plan, scenario, lang)))
    finally:
        if own:
            from natplan.processes import stop_pool

            stop_pool(pool)
    files = {
        "plan.xlsx": xlsx[0],
        "rosters.pdf": pdf,
        "index.html": document_html(plan, scenario, lang, printed_at, png, views=views).encode("utf-8"),
    }
    return files, warnings
