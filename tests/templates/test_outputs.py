"""The printed outputs: rosters.pdf (one document), index.html, plan.xlsx.

PDFs are read with pypdf only. Pages are told apart by the running footer,
which names each page's section ("检测单元名册 U01", "收样路线单 Z1-1"...):
a roster that ran onto a second page would show its label twice.
"""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest

pypdf = pytest.importorskip("pypdf")
openpyxl = pytest.importorskip("openpyxl")

from natplan.models.scenario import Scenario  # noqa: E402
from natplan.scheduler.pipeline import plan_round  # noqa: E402
from natplan.templates.excel import sheet_names  # noqa: E402
from natplan.templates.outputs import glyph_warnings, render_outputs  # noqa: E402
from natplan.templates.render import hhmm  # noqa: E402
from tests.templates.test_render import _embedded, _fonts  # noqa: E402

PRINTED = "2022-03-12 21:30"
# the footer: section label and id, the page number, then the print time
SECTION = re.compile(r"(检测单元名册|收样路线单|样本交接单|核酸检测通知|Unit roster|Courier route sheet) (\S+) "
                     r"(?:第 \d+ 页 / 共 \d+ 页 |Page \d+ of \d+ )?(?:打印时间|Printed)")
PAGE_NUMBER = re.compile(r"第 (\d+) 页 / 共 (\d+) 页|Page (\d+) of (\d+)")


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _sections(texts: list[str]) -> list[tuple[str, str] | None]:
    out = []
    for text in texts:
        m = SECTION.search(text)
        out.append((m.group(1), m.group(2)) if m else None)
    return out


def _check_rosters(plan, scenario, texts):
    """One roster page per open unit, with the unit's name and its slot times."""
    sections = _sections(texts)
    roster_pages = {sec[1]: i for i, sec in enumerate(sections) if sec and sec[0] == "检测单元名册"}
    counts = Counter(sec[1] for sec in sections if sec and sec[0] == "检测单元名册")
    open_units = {d.unit for d in plan.units}
    assert set(counts) == open_units
    assert all(n == 1 for n in counts.values()), {u: n for u, n in counts.items() if n != 1}
    assert sum(counts.values()) == plan.kpis.units_open
    names = {u.id: u.name for u in scenario.units}
    for uid, i in roster_pages.items():
        page = texts[i]
        assert names[uid] in page, uid
        for slot in (s for s in plan.slots if s.unit == uid):
            assert hhmm(slot.start) in page and hhmm(slot.end) in page, (uid, slot)


def _check_route_sheets(plan, texts):
    vehicles = [r.vehicle for z in plan.routing.zones for r in z.routes]
    sheets = Counter(sec[1] for sec in _sections(texts) if sec and sec[0] == "收样路线单")
    assert sorted(sheets) == sorted(vehicles)
    assert all(n == 1 for n in sheets.values())


def _check_page_numbers(texts: list[str]):
    """Every page reads "page N / total", N = 1, 2, ... in order, the right total on every page."""
    numbers = []
    for text in texts:
        found = PAGE_NUMBER.findall(text)
        assert len(found) == 1, text[-200:]
        a, b, c, d = found[0]
        numbers.append((int(a or c), int(b or d)))
    assert numbers == [(n, len(texts)) for n in range(1, len(texts) + 1)]


def _check_fonts(pdf: bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources")):
            names.add(str(font.get("/BaseFont")))
            assert _embedded(font), font.get("/BaseFont")
    assert names and all("natplanNotoSansSC" in n.replace("-", "") for n in names), names


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def tiny_plan(tiny):
    outcome = plan_round(tiny)
    assert outcome.plan is not None, outcome.problems
    return outcome.plan


@pytest.fixture(scope="module")
def tiny_out(tiny, tiny_plan):
    return render_outputs(tiny_plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)


# ------------------------------------------------------------------ tiny town
def test_files_and_no_warnings(tiny_out):
    files, warnings = tiny_out
    assert set(files) == {"plan.xlsx", "rosters.pdf", "index.html"}
    assert all(isinstance(b, bytes) and b for b in files.values())
    assert warnings == []


def test_pdf_rosters_routes_and_fonts(tiny, tiny_plan, tiny_out):
    files, _ = tiny_out
    texts = _pages(files["rosters.pdf"])
    _check_rosters(tiny_plan, tiny.scenario, texts)
    _check_route_sheets(tiny_plan, texts)
    _check_page_numbers(texts)
    _check_fonts(files["rosters.pdf"])
    joined = "\n".join(texts)
    for needle in ("小测试镇", "2022-03-13", f"打印时间 {PRINTED}", "第 1 页", f"共 {len(texts)} 页",
                   "核酸检测通知", "甲村", "样本交接单", "转运时刻表"):
        assert needle in joined, needle
    # the print time is on every page
    assert all(PRINTED in t for t in texts)
    # one notice per village
    notices = [s for s in _sections(texts) if s and s[0] == "核酸检测通知"]
    assert [s[1] for s in notices] == [v.id for v in tiny.scenario.villages]


def test_no_personal_names_on_notices(tiny, tiny_out):
    files, _ = tiny_out
    texts = _pages(files["rosters.pdf"])
    members = [m.name for g in tiny.scenario.groups for m in g.members]
    for text, sec in zip(texts, _sections(texts)):
        if sec and sec[0] == "核酸检测通知":
            assert not any(name in text for name in members)


def test_workbook(tiny_plan, tiny_out):
    files, _ = tiny_out
    wb = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]))
    assert wb.sheetnames == sheet_names("zh")
    ws = wb[sheet_names("zh")[0]]
    header = [c.value for c in ws[1]]
    col = header.index("人数")
    people = sum(row[col] for row in ws.iter_rows(min_row=2, values_only=True))
    assert people == tiny_plan.kpis.walk_in
    assert ws.freeze_panes == "A2"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$1:$1"
    assert all(c.font.b for c in ws[1])
    routes = wb[sheet_names("zh")[4]]
    pickups = sum(len(loop.stops) for z in tiny_plan.routing.zones for r in z.routes for loop in r.loops)
    assert routes.max_row - 1 == pickups


def test_deterministic(tiny, tiny_plan, tiny_out):
    files, _ = tiny_out
    again, _ = render_outputs(tiny_plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)
    assert again["plan.xlsx"] == files["plan.xlsx"]
    assert again["index.html"] == files["index.html"]
    assert _pages(again["rosters.pdf"]) == _pages(files["rosters.pdf"])


def test_index_html_standalone(tiny_out):
    files, _ = tiny_out
    html = files["index.html"].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in html
    assert "检测单元名册" in html and PRINTED in html


def _renamed(tiny, **names) -> Scenario:
    data = tiny.scenario.model_dump()
    if "grid" in names:
        data["villages"][0]["grids"][0]["name"] = names["grid"]
    if "unit" in names:
        data["units"][0]["name"] = names["unit"]
    return Scenario.model_validate(data)


def test_autoescape_and_rare_glyphs(tiny, tiny_plan):
    scenario = _renamed(tiny, grid="<b>x</b>", unit="甲村𠀀检测点")
    files, warnings = render_outputs(tiny_plan, scenario, tiny.geometry, printed_at=PRINTED)
    html = files["index.html"].decode("utf-8")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
    assert any("U1" in w and "𠀀" in w for w in warnings), warnings
    assert glyph_warnings(tiny.scenario) == []


def test_english(tiny, tiny_plan):
    files, _ = render_outputs(tiny_plan, tiny.scenario, tiny.geometry, lang="en", printed_at=PRINTED)
    texts = _pages(files["rosters.pdf"])
    assert "Page 1 of" in texts[0]
    _check_page_numbers(texts)
    joined = "\n".join(texts)
    for needle in ("Unit roster", "Courier route sheet", "Arrival slots", "Nucleic-acid testing notice"):
        assert needle in joined, needle
    wb = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]))
    assert wb.sheetnames == sheet_names("en")


# ------------------------------------------------------------------ Xiagezhuang
def test_xiagezhuang(xiagezhuang):
    outcome = plan_round(xiagezhuang, time_limit=0.5)
    assert outcome.plan is not None, outcome.problems
    plan = outcome.plan
    files, warnings = render_outputs(plan, xiagezhuang.scenario, xiagezhuang.geometry, printed_at=PRINTED)
    assert warnings == []
    texts = _pages(files["rosters.pdf"])
    _check_rosters(plan, xiagezhuang.scenario, texts)
    _check_route_sheets(plan, texts)
    _check_page_numbers(texts)
    _check_fonts(files["rosters.pdf"])
    wb = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]), read_only=True)
    ws = wb[sheet_names("zh")[0]]
    rows = ws.iter_rows(values_only=True)
    col = list(next(rows)).index("人数")
    assert sum(r[col] for r in rows) == plan.kpis.walk_in


# ------------------------------------------------------------------ the PDF in runs
def _render_pdf(tiny, plan, runs: int, **kw) -> list[str]:
    from concurrent.futures import ProcessPoolExecutor

    from natplan.templates.outputs import render_pdf
    from natplan.templates.views import all_views

    views = all_views(plan, tiny.scenario, "zh", PRINTED)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pdf, png = render_pdf(plan, tiny.scenario, tiny.geometry, "zh", views, pool, runs, **kw)
    assert png.startswith(b"\x89PNG")
    return _pages(pdf)


def test_runs_number_pages_like_one_pass(tiny, tiny_plan, tiny_out):
    """Two runs laid out apart and joined read exactly like one pass (which counts its own pages)."""
    one = _render_pdf(tiny, tiny_plan, 1)
    assert one == _pages(tiny_out[0]["rosters.pdf"])
    _check_page_numbers(one)
    three = _render_pdf(tiny, tiny_plan, 3)
    assert three == one


def test_wrong_page_prediction_is_laid_out_again(tiny, tiny_plan, tiny_out, monkeypatch):
    """A run that comes out longer or shorter than predicted is laid out again with the real counts."""
    from natplan.templates import outputs

    monkeypatch.setattr(outputs, "predicted_pages", lambda section: 3)
    texts = _render_pdf(tiny, tiny_plan, 2)
    _check_page_numbers(texts)
    assert texts == _pages(tiny_out[0]["rosters.pdf"])


def test_document_runs_cover_every_section_once(tiny, tiny_plan):
    from natplan.templates.outputs import document_runs, document_sections
    from natplan.templates.views import all_views

    sections = document_sections(all_views(tiny_plan, tiny.scenario, "zh", PRINTED))
    for runs in (1, 2, 3, len(sections), len(sections) + 5):
        cut = document_runs(sections, runs)
        assert [s for run in cut for s in run] == sections
        assert len(cut) == min(runs, len(sections)) and all(cut)


def test_long_handover_list_on_several_sheets(tiny, tiny_plan, monkeypatch):
    """A vehicle's handover lines go on sheets of at most HANDOVER_LINES_PER_PAGE, the total on the last."""
    from natplan.templates import views

    whole = views.handover_view(tiny_plan, tiny.scenario, "zh")
    monkeypatch.setattr(views, "HANDOVER_LINES_PER_PAGE", 2)
    cut = views.handover_view(tiny_plan, tiny.scenario, "zh")
    assert len(cut) > len(whole)
    for h in whole:
        sheets = [c for c in cut if c["vehicle"] == h["vehicle"]]
        assert [x for c in sheets for x in c["lines"]] == h["lines"]
        assert all(len(c["lines"]) <= 2 for c in sheets)
        assert [c["sheet"] for c in sheets] == list(range(1, len(sheets) + 1))
        assert [c["last"] for c in sheets] == [False] * (len(sheets) - 1) + [True]
        assert all((c["tubes"], c["boxes"]) == (h["tubes"], h["boxes"]) for c in sheets)


# ------------------------------------------------------------------ natplan plan's processes
def test_second_candidate_on_a_pool_gives_the_same_plan(tiny):
    """natplan plan works the fair-share candidate out in another process: the plan must not change."""
    from concurrent.futures import ProcessPoolExecutor

    from natplan.scheduler.pipeline import plan_json

    alone = plan_json(plan_round(tiny).plan)
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert plan_json(plan_round(tiny, pool=pool).plan) == alone
