"""One language per set: the Chinese set (PDF, HTML, workbook) has no English word outside an allow-list
(ids, the map credit's OpenStreetMap and its ODbL licence, the planner's page naming plan.json and the
program), warnings included; the English set has its labels in English."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

pypdf = pytest.importorskip("pypdf")
openpyxl = pytest.importorskip("openpyxl")

from natplan.templates.outputs import render_outputs  # noqa: E402
from tests.templates.conftest import PRINTED  # noqa: E402

ALLOWED = {"OpenStreetMap", "ODbL", "natplan", "SHA", "plan", "json", "warnings"}  # ODbL: the map data's licence, a name
ID = re.compile(r"\b[A-Z]{1,3}\d[\w-]*|\b[0-9a-f]{12}\b")  # U01, G001, Z1-1, S0053, T01, H01, V3; a digest
WORD = re.compile(r"[A-Za-z]{2,}")
# every warning the library writes today, to see them said in Chinese
WARNINGS = [
    "zone Z1 西南片 needs 3 vehicles for 30-min loops but has 1: add 2, or split the zone",
    "zone Z9 空片 has no open unit; no courier loop",
    "unit U2 甲村西检测点 has no one assigned; it stays closed",
    "group T1 第1检测组 has no unit to staff",
    "a warning natplan does not know yet",
]


def english_words(text: str) -> set[str]:
    """Latin words of two letters or more in *text*, ids and the allow-list left out."""
    return set(WORD.findall(ID.sub(" ", text))) - ALLOWED


class _Text(HTMLParser):
    """The text a reader sees on the page, and the labels of table cells (shown on a phone)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("data-label", "aria-label", "title", "alt") and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    return "\n".join(wb.sheetnames + cells + [wb.properties.title or ""])


@pytest.fixture(scope="module")
def warned_set(tiny, tiny_plan):
    plan = tiny_plan.model_copy(update={"warnings": WARNINGS})
    files, _ = render_outputs(plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)
    return files


def _check_chinese(files):
    for name, text in (("rosters.pdf", pdf_text(files["rosters.pdf"])),
                       ("index.html", html_text(files["index.html"].decode())),
                       ("plan.xlsx", xlsx_text(files["plan.xlsx"]))):
        assert english_words(text) == set(), name
    for name, data in files.items():
        if name.endswith(".txt"):
            assert english_words(data.decode()) == set(), name


def test_the_scan_finds_english():
    assert english_words("U01 检测 Finish 14:20 OpenStreetMap Z1-1 the gap 4c88f0dbecea") == {"Finish", "the", "gap"}


def test_the_chinese_set_has_no_english_word(tiny_set):
    _check_chinese(tiny_set[0])


def test_warnings_are_said_in_chinese(warned_set):
    _check_chinese(warned_set)
    text = pdf_text(warned_set["rosters.pdf"])
    assert "收样片区 Z1 西南片按每 30 分钟一圈需要 3 辆车" in text
    assert "检测组 T1 第1检测组没有分到检测单元，本轮待命" in text
    assert "第 5 条提醒（见 plan.json 的 warnings[4]）" in text
    xlsx = xlsx_text(warned_set["plan.xlsx"])
    assert "检测单元 U2 甲村西检测点没有分到居民，本轮不开放" in xlsx


def test_xiagezhuang_in_chinese_has_no_english_word(xia_set):
    _check_chinese(xia_set[1])


def test_the_english_set_speaks_english(tiny, tiny_plan):
    files, _ = render_outputs(tiny_plan, tiny.scenario, tiny.geometry, lang="en", printed_at=PRINTED)
    text = pdf_text(files["rosters.pdf"])
    for needle in ("Walk-in sampling done", "Handed over by", "Before you come", "Notes for the planner"):
        assert needle in text, needle
    assert "检测单元名册" not in text and "方案说明" not in text  # labels: English; names stay as written
