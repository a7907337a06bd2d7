"""The printed outputs: rosters.pdf (one document, laid out by Typst), index.html, plan.xlsx, notices/.

PDFs are read with pypdf only. Pages are told apart by the running footer,
which names each page's section ("检测单元名册 U01", "收样路线单 Z1-1"...):
a long section continues on the next page under the same label.
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
from natplan.models.clock import format_clock  # noqa: E402
from tests.templates.conftest import PRINTED  # noqa: E402
from tests.templates.pdfs import embedded_font_names  # noqa: E402

# the footer: section label and id, the page number, then the print time
SECTION = re.compile(r"(检测单元名册|收样路线单|样本交接单|核酸检测通知|上门采样单|Unit roster|Courier route sheet) (\S+) "
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
    """One roster per open unit, on consecutive pages, with the unit's name, its slot times and its
    expected finish."""
    sections = _sections(texts)
    pages: dict[str, list[int]] = {}
    for i, sec in enumerate(sections):
        if sec and sec[0] == "检测单元名册":
            pages.setdefault(sec[1], []).append(i)
    assert set(pages) == {d.unit for d in plan.units}
    assert all(p == list(range(p[0], p[0] + len(p))) for p in pages.values()), pages
    names = {u.id: u.name for u in scenario.units}
    finish = {d.unit: format_clock(d.finish) for d in plan.units}
    for uid, idx in pages.items():
        text = "\n".join(texts[i] for i in idx)
        assert names[uid] in text and f"预计完成 {finish[uid]}" in text, uid
        for slot in (s for s in plan.slots if s.unit == uid):
            assert f"{format_clock(slot.start)}–{format_clock(slot.end)}" in text, (uid, slot)


def _check_route_sheets(plan, texts):
    vehicles = {r.vehicle for z in plan.routing.zones for r in z.routes}  # a vehicle may serve two zones
    sheets = Counter(sec[1] for sec in _sections(texts) if sec and sec[0] == "收样路线单")
    assert sorted(sheets) == sorted(vehicles)


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
    names = embedded_font_names(pdf)
    assert names and all("natplanNotoSansSC" in n.replace("-", "") for n in names), names


# ------------------------------------------------------------------ tiny town
def test_files_and_no_warnings(tiny_set):
    files, warnings = tiny_set
    assert set(files) == {"plan.xlsx", "rosters.pdf", "index.html", "notices/V1_甲村.txt", "notices/V1_甲村.svg"}
    assert all(isinstance(b, bytes) and b for b in files.values())
    assert warnings == []


def test_pdf_rosters_routes_and_fonts(tiny, tiny_plan, tiny_set):
    files, _ = tiny_set
    texts = _pages(files["rosters.pdf"])
    _check_rosters(tiny_plan, tiny.scenario, texts)
    _check_route_sheets(tiny_plan, texts)
    _check_page_numbers(texts)
    _check_fonts(files["rosters.pdf"])
    joined = "\n".join(texts)
    for needle in ("小测试镇", "2022-03-13", f"打印时间 {PRINTED}", "第 1 页", f"共 {len(texts)} 页",
                   "核酸检测通知", "甲村", "样本交接单", "转运时刻表", "上门采样单 H01", "方案说明",
                   "到点采样完成", "上门采样完成", "最后一批样本送达实验室", "全部出结果"):
        assert needle in joined, needle
    # the print time is on every page
    assert all(PRINTED in t for t in texts)
    # one notice per village, named by the village (no internal code in its footer)
    notices = [s for s in _sections(texts) if s and s[0] == "核酸检测通知"]
    assert [s[1] for s in notices] == [v.name for v in tiny.scenario.villages]
    assert not any(re.search(r"核酸检测通知 V\d", t) for t in texts)
    # solver names and gaps only on the planner's last page
    assert all("求解" not in t for t in texts[:-1]) and "求解差距" in texts[-1]


def test_no_personal_names_on_notices(tiny, tiny_set):
    files, _ = tiny_set
    texts = _pages(files["rosters.pdf"])
    members = [m.name for g in tiny.scenario.groups for m in g.members]
    for text, sec in zip(texts, _sections(texts)):
        if sec and sec[0] == "核酸检测通知":
            assert not any(name in text for name in members)


def test_handover_sheets_name_both_signatures_and_have_a_total(tiny_plan, tiny_set):
    texts = _pages(tiny_set[0]["rosters.pdf"])
    (page,) = [t for t, s in zip(texts, _sections(texts)) if s and s[0] == "样本交接单"]
    stops = [p for z in tiny_plan.routing.zones for r in z.routes for loop in r.loops for p in loop.stops]
    total = f"合计 {sum(p.tubes for p in stops)}管 / {sum(p.boxes for p in stops)}箱"
    for needle in ("计划", "实收 管 / 箱", "封签号", "温度 ℃", "异常说明", "交样人签字", "接样人签字", total):
        assert needle in page, needle


def test_workbook(tiny_plan, tiny_set):
    files, _ = tiny_set
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


def test_deterministic(tiny, tiny_plan, tiny_set):
    files, _ = tiny_set
    again, _ = render_outputs(tiny_plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)
    assert again == files  # every file, byte for byte (the PDF too: Typst stamps no date)


def test_index_html_standalone(tiny_set):
    files, _ = tiny_set
    html = files["index.html"].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "file://" not in html and "/work/" not in html  # nothing on the machine that planned
    assert "src: url(data:font/otf;base64," in html  # the font, cut to the page's characters, embedded
    assert html.count("<svg") >= 4  # town map, loop map, team map, QR code
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
    assert "<b>x</b>" in "\n".join(_pages(files["rosters.pdf"]))  # Typst prints data as text, never as markup
    assert any("U1" in w and "𠀀" in w for w in warnings), warnings
    assert glyph_warnings(tiny.scenario) == []


def test_english(tiny, tiny_plan):
    files, _ = render_outputs(tiny_plan, tiny.scenario, tiny.geometry, lang="en", printed_at=PRINTED)
    texts = _pages(files["rosters.pdf"])
    assert "Page 1 of" in texts[0]
    _check_page_numbers(texts)
    joined = "\n".join(texts)
    for needle in ("Unit roster", "Courier route sheet", "Arrival slots", "Nucleic-acid testing notice",
                   "Home-visit sheet", "Notes for the planner", "Received by"):
        assert needle in joined, needle
    wb = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]))
    assert wb.sheetnames == sheet_names("en")
    assert 'lang="en"' in files["index.html"].decode()


def test_long_tables_continue_on_the_next_page_in_type_of_at_least_9_pt(tiny, tiny_plan):
    """A unit with many slots and a vehicle with many pickups: the tables run on, with their header row
    repeated, and the total on the last page; no text is set below 9 pt."""
    from natplan.templates.outputs import print_data
    from natplan.templates.typeset import typeset

    data = print_data(tiny_plan, tiny.scenario, tiny.geometry, "zh", PRINTED)
    u = data["rosters"][1]
    u["slots"] = u["slots"] * 40  # 240 slots, 120 a column: more than a page holds
    u["slot_columns"] = [u["slots"][:120], u["slots"][120:]]
    h = data["handovers"][0]
    h["lines"] = h["lines"] * 8
    texts = _pages(typeset(data))
    sections = _sections(texts)
    roster = [t for t, s in zip(texts, sections) if s == ("检测单元名册", "U2")]
    handover = [t for t, s in zip(texts, sections) if s == ("样本交接单", "Z1-1")]
    assert len(roster) >= 2 and len(handover) >= 2
    # the slot table runs over pages with its header row on each
    with_slots = [t for t in roster if re.search(r"甲村\d组 第\d+–\d+户", t)]
    assert len(with_slots) >= 2 and all("网格/村民小组 · 户号" in t for t in with_slots)
    assert all("交样人签字" in t for t in handover)
    assert ["合计" in t for t in handover] == [False] * (len(handover) - 1) + [True]
    sizes = set()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.add(round(size * tm[3] * cm[3], 2))

    for page in pypdf.PdfReader(io.BytesIO(typeset(data))).pages:
        page.extract_text(visitor_text=visit)
    assert min(sizes) >= 9, sorted(sizes)


# ------------------------------------------------------------------ Xiagezhuang
def test_xiagezhuang(xiagezhuang, xia_set):
    plan, files = xia_set
    texts = _pages(files["rosters.pdf"])
    _check_rosters(plan, xiagezhuang.scenario, texts)
    _check_route_sheets(plan, texts)
    _check_page_numbers(texts)
    _check_fonts(files["rosters.pdf"])
    teams = Counter(sec[1] for sec in _sections(texts) if sec and sec[0] == "上门采样单")
    assert sorted(teams) == [t.team for t in plan.staffing.home_teams]
    wb = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]), read_only=True)
    ws = wb[sheet_names("zh")[0]]
    rows = ws.iter_rows(values_only=True)
    col = list(next(rows)).index("人数")
    assert sum(r[col] for r in rows) == plan.kpis.walk_in


# ------------------------------------------------------------------ the typesetting process
def test_typst_errors_are_reported():
    from natplan.templates.typeset import typesetter

    with pytest.raises(RuntimeError, match="Typst could not lay the printed set out"):
        typesetter().submit({"lang": "zh"}).result(timeout=120)


def _render_in_child(tiny, plan):
    files, _ = render_outputs(plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)
    return files["rosters.pdf"]


def test_a_process_forked_after_printing_prints_too(tiny, tiny_plan, tiny_set):
    """Typst's threads do not survive a fork: natplan never runs Typst in its own processes, so a worker
    forked after this process printed lays out the same PDF (instead of waiting forever)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pdf = pool.submit(_render_in_child, tiny, tiny_plan).result(timeout=300)
    assert pdf == tiny_set[0]["rosters.pdf"]


def test_the_typesetter_ends_with_close():
    from natplan.templates.typeset import Typesetter

    ts = Typesetter()
    assert ts.alive()
    ts.close()
    assert not ts.alive()


# ------------------------------------------------------------------ natplan plan's processes
def test_second_candidate_on_a_pool_gives_the_same_plan(tiny):
    """natplan plan works the fair-share candidate out in another process: the plan must not change."""
    from concurrent.futures import ProcessPoolExecutor

    from natplan.planfile import plan_json

    alone = plan_json(plan_round(tiny).plan)
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert plan_json(plan_round(tiny, pool=pool).plan) == alone


@pytest.mark.parametrize("epoch", ["abc", "1.5e9", "-5", "99999999999999"])
def test_a_source_date_epoch_that_is_not_a_time_is_one_line_of_bad_input(epoch, monkeypatch):
    from natplan.models.problems import InputError
    from natplan.templates.outputs import now_printed_at

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(InputError) as e:
        now_printed_at()
    assert str(e.value) == f"SOURCE_DATE_EPOCH: must be a whole number of seconds since 1970-01-01 00:00 UTC, " \
                           f"got {epoch!r}"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1648800000")
    assert now_printed_at() == "2022-04-01 16:00"
