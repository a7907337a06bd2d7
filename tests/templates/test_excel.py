"""plan.xlsx read back cell by cell: the tiny plan's tables as typed cells (times are Excel times, which
openpyxl reads back as timedeltas; counts are numbers), the print layout, the same bytes every time.

The tiny plan: see tests/templates/test_views.py.
"""

import io
import zipfile
from datetime import datetime, timedelta

import pytest

openpyxl = pytest.importorskip("openpyxl")

from natplan.templates.excel import add_sheet, new_workbook, plan_xlsx, sheet_names  # noqa: E402
from tests.templates.conftest import shown_widths  # noqa: E402

STAMP = datetime(2022, 3, 13)


def hm(text: str) -> timedelta:
    """A clock time as openpyxl reads an Excel time cell back."""
    h, m = text.split(":")
    return timedelta(hours=int(h), minutes=int(m))


@pytest.fixture(scope="module")
def plan(tiny_plan):
    return tiny_plan


@pytest.fixture(scope="module")
def xlsx(tiny, plan) -> bytes:
    return plan_xlsx(plan, tiny.scenario)


@pytest.fixture(scope="module")
def wb(xlsx):
    return openpyxl.load_workbook(io.BytesIO(xlsx))


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_sheet_names():
    assert sheet_names("zh") == ["网格分配", "到检时段", "检测单元", "人员排班", "收样路线", "转运", "上门采样",
                                 "关键指标", "提醒", "方案说明"]
    assert sheet_names("en") == ["Assignment", "Slots", "Units", "Rosters", "Routes", "Shuttles", "Home visits", "KPIs",
                                 "Warnings", "Notes"]


def test_assignment_sheet(wb):
    assert _rows(wb["网格分配"]) == [
        ("网格编号", "村/社区", "网格名称", "分段", "户号", "人数", "单元编号", "检测单元名称", "步行距离（米）"),
        ("G1", "甲村", "甲村1组", "1/1", "1–40", 100, "U1", "甲村东检测点", 145),  # 144.6 m
        ("G2", "甲村", "甲村2组", "1/1", "1–40", 100, "U2", "甲村西检测点", 145),
        ("G3", "甲村", "甲村3组", "1/1", "1–60", 148, "U2", "甲村西检测点", 1382),  # 150 less 2 home visits
    ]


def test_slots_sheet(wb):
    rows = _rows(wb["到检时段"])
    assert rows[0] == ("单元编号", "检测单元名称", "开始", "结束", "网格编号", "网格名称", "户号", "人数")
    assert rows[1:] == [
        ("U1", "甲村东检测点", hm("08:30"), hm("09:00"), "G1", "甲村1组", "1–30", 75),
        ("U1", "甲村东检测点", hm("09:00"), hm("09:30"), "G1", "甲村1组", "31–40", 25),
        ("U2", "甲村西检测点", hm("10:00"), hm("10:30"), "G2", "甲村2组", "1–30", 75),
        ("U2", "甲村西检测点", hm("10:30"), hm("11:00"), "G2", "甲村2组", "31–40", 25),
        ("U2", "甲村西检测点", hm("10:30"), hm("11:00"), "G3", "甲村3组", "1–10", 25),
        ("U2", "甲村西检测点", hm("11:00"), hm("11:30"), "G3", "甲村3组", "11–30", 50),
        ("U2", "甲村西检测点", hm("11:30"), hm("12:00"), "G3", "甲村3组", "31–50", 50),
        ("U2", "甲村西检测点", hm("12:00"), hm("12:30"), "G3", "甲村3组", "51–60", 23),
    ]
    ws = wb["到检时段"]
    assert [ws.cell(row=2, column=c).number_format for c in (3, 4, 8)] == ["[hh]:mm", "[hh]:mm", "#,##0"]


def test_units_sheet(wb):
    assert _rows(wb["检测单元"])[1:] == [
        ("U1", "甲村东检测点", "T1", 100, hm("08:30"), hm("09:30"), 100, hm("08:30"), hm("09:00"), 25, hm("09:30")),
        ("U2", "甲村西检测点", "T1", 248, hm("10:00"), hm("12:30"), 100, hm("10:00"), hm("12:00"), 25,
         hm("12:30")),  # finish 749.5, to the minute
    ]


def test_rosters_sheet(wb):
    rows = _rows(wb["人员排班"])
    assert len(rows) == 1 + 6 * 8  # 6 people: travel, set-up, work; travel, set-up, work, gear, work
    assert rows[1:9] == [
        ("T1", "组长甲", "组长", None, None, hm("08:08"), hm("08:10"), "途中"),
        ("T1", "组长甲", "组长", "U1", "甲村东检测点", hm("08:10"), hm("08:30"), "布置"),
        ("T1", "组长甲", "组长", "U1", "甲村东检测点", hm("08:30"), hm("09:30"), "工作时段"),
        ("T1", "组长甲", "组长", None, None, hm("09:38"), hm("09:40"), "途中"),
        ("T1", "组长甲", "组长", "U2", "甲村西检测点", hm("09:40"), hm("10:00"), "布置"),
        ("T1", "组长甲", "组长", "U2", "甲村西检测点", hm("10:00"), hm("11:15"), "工作时段"),
        ("T1", "组长甲", "组长", "U2", "甲村西检测点", hm("11:15"), hm("11:30"), "更换防护服"),
        ("T1", "组长甲", "组长", "U2", "甲村西检测点", hm("11:30"), hm("12:30"), "工作时段"),
    ]


def test_routes_sheet_carries_every_tube(wb, plan):
    rows = _rows(wb["收样路线"])
    assert rows[0] == ("收样片区", "车辆", "趟次", "出发", "顺序", "单元编号", "检测单元名称", "时间", "人数",
                       "管数", "箱数", "最早采样", "回站")
    assert rows[1] == ("Z1", "Z1-1", 1, hm("09:00"), 1, "U1", "甲村东检测点", hm("09:02"), 52, 5, 1, hm("08:31"),
                       hm("09:05"))
    loops = len(plan.routing.zones[0].routes[0].loops)
    assert [r[2] for r in rows[1:]] == list(range(1, loops + 1))  # one stop on each run
    people, tubes = {}, {}
    for r in rows[1:]:
        people[r[5]] = people.get(r[5], 0) + r[8]
        tubes[r[5]] = tubes.get(r[5], 0) + r[9]
    assert (people, tubes) == ({"U1": 100, "U2": 248}, {"U1": 10, "U2": 25})


def test_shuttles_and_home_visits_sheets(wb):
    shuttles = _rows(wb["转运"])
    assert shuttles[0] == ("车辆", "出发", "到达实验室", "回站", "管数", "箱数", "最早采样", "样本时长")
    # the first shuttle takes the home visits' tube after H01 is back (08:24); the lab is 30 min away
    first = shuttles[1]
    assert (first[0], first[2] - first[1], first[4], first[6]) == ("V1", hm("00:30"), 1, hm("08:02"))
    assert first[1] >= hm("08:24")
    assert sum(r[4] for r in shuttles[1:]) == 36
    # the samples go to the station, by its name (never the internal id "station")
    assert _rows(wb["上门采样"]) == [
        ("上门小组", "时间", "编号", "类别", "网格编号", "网格名称", "单元编号", "样本送至"),
        ("H01", hm("08:02"), "S1", "卧床", "G3", "甲村3组", "U2", "测试中转站"),
        ("H01", hm("08:12"), "S2", "高龄", "G3", "甲村3组", "U2", "测试中转站"),
    ]


def test_kpi_sheet(wb):
    rows = _rows(wb["关键指标"])
    # the headline times as times, then the figures as numbers
    assert rows[:3] == [("指标", "数值", "说明"), ("到点采样完成", hm("12:30"), "截止时间 13:00"),
                        ("上门采样完成", hm("08:22"), "1 个上门小组")]
    assert rows[4] == ("全部出结果（按实验室检测能力排队）", "—", "情景文件未给出实验室检测能力，无法推算")
    assert rows[5:8] == [("人数", 350, None), ("到点采样人数", 348, None), ("上门采样人数", 2, "1 个上门小组")]
    ws = wb["关键指标"]
    assert [ws.cell(row=r, column=2).number_format for r in (2, 6)] == ["[hh]:mm", "#,##0"]


def test_warnings_and_notes_sheets(tiny, plan):
    warned = plan.model_copy(update={"warnings": ["group T9 第9组 has no unit to staff"]})
    wb = openpyxl.load_workbook(io.BytesIO(plan_xlsx(warned, tiny.scenario)))
    assert _rows(wb["提醒"]) == [("#", "提醒"), (1, "检测组 T9 第9组没有分到检测单元，本轮待命")]
    notes = _rows(wb["方案说明"])
    assert notes[0] == ("指标", "数值", "求解方法") and notes[1][0] == "分配求解差距"


def test_every_cell_is_typed(wb):
    """No time or count is stored as text: a text cell never looks like "06:30" or "33,438"."""
    import re

    looks_typed = re.compile(r"^\d{1,2}:\d{2}$|^\d{1,3}(,\d{3})+$|^\d+$")
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2, values_only=True):
            for value in row:
                assert not (isinstance(value, str) and looks_typed.match(value)), (ws.title, value)


def test_print_layout(wb):
    for name in sheet_names("zh"):
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1", name
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.auto_filter.ref == ws.dimensions
    assert [wb[n].page_setup.orientation for n in sheet_names("zh")] == ["landscape"] * 5 + ["portrait"] * 5
    ws = wb["检测单元"]
    assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    assert (ws.oddHeader.left.text, ws.oddHeader.right.text) == ("小测试镇 2022-03-13 检测轮次执行方案", "&A")
    # columns as wide as their widest cell (a Chinese character counts two), plus 2, at least 6
    ws = wb["网格分配"]
    assert shown_widths(ws)[:5] == [10, 9, 10, 6, 6]  # "1–40": 4 + 2


def test_english_workbook(tiny, plan):
    wb = openpyxl.load_workbook(io.BytesIO(plan_xlsx(plan, tiny.scenario, "en")))
    assert wb.sheetnames == sheet_names("en")
    assert _rows(wb["Rosters"])[1] == ("T1", "组长甲", "Lead", None, None, hm("08:08"), hm("08:10"), "Travel")
    assert wb["Rosters"].oddFooter.center.text == "Page &P of &N"
    assert wb.properties.title == "小测试镇 2022-03-13 Testing round plan"


def test_same_plan_same_bytes_dated_the_round_day(tiny, plan, xlsx, wb):
    assert plan_xlsx(plan, tiny.scenario) == xlsx
    assert (wb.properties.created, wb.properties.modified, wb.properties.creator) == (STAMP, STAMP, "natplan")
    # every zip entry carries one fixed date (XlsxWriter's 1980-01-01), never the clock
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(xlsx)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _book():
    book = new_workbook("t", STAMP)
    assert book.sheetnames == []
    add_sheet(book, "s", ["a", "名称"], [["甲村东检测点", 1.5], [None, 2]], number_formats={2: "0.00"})
    add_sheet(book, "w", ["x" * 80], [], landscape=True)
    return book


def test_add_sheet_widths_and_number_formats():
    book = openpyxl.load_workbook(io.BytesIO(_book().to_bytes()))
    assert book.sheetnames == ["s", "w"]
    ws, wide = book["s"], book["w"]
    assert shown_widths(ws) == [14, 6]  # 6 Chinese characters: 12 + 2; "名称" 4 + 2
    assert [ws.cell(row=r, column=2).number_format for r in (2, 3)] == ["0.00", "0.00"]
    assert (ws.page_setup.orientation, wide.page_setup.orientation) == ("portrait", "landscape")
    assert shown_widths(wide) == [60]  # at most 60
    assert _book().to_bytes() == _book().to_bytes()
