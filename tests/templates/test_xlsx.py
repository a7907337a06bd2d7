"""The xlsx writer read back by openpyxl (an independent reader) and parsed part by part as XML: typed cells,
formats, escaping, the print set-up, names Excel refuses, the same bytes for the same tables."""

import io
import zipfile
from datetime import datetime, timedelta
from xml.etree import ElementTree

import numpy as np
import pytest

openpyxl = pytest.importorskip("openpyxl")

from natplan.templates.xlsx import Styled, Workbook, column_letter, text_width  # noqa: E402

STAMP = datetime(2022, 3, 13)


def _book() -> Workbook:
    wb = Workbook("夏格庄镇 A&B <方案>", STAMP)
    wb.add_sheet("表一", ["单元", "开始", "人数", "说明"],
                 [["U1", 510 / 1440, 1234, "a & b < c > d"],
                  ["U2", None, np.int64(7), "  leading space"],
                  ["U3", Styled("—", "General"), Styled(2.5, "0.00"), "bell\x07gone"],
                  ["U4", 0.5, True, ""]],
                 number_formats={2: "[hh]:mm", 3: "#,##0"}, landscape=True, footer="第 &P 页 / 共 &N 页")
    wb.add_sheet("empty", ["only a header"], [])
    return wb


@pytest.fixture(scope="module")
def data() -> bytes:
    return _book().to_bytes()


def test_every_part_is_well_formed_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        for name in names:
            ElementTree.fromstring(z.read(name))  # raises on a broken part
    assert names[0] == "[Content_Types].xml"
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
            "docProps/core.xml", "_rels/.rels"} <= set(names)


def test_cells_read_back_typed_and_escaped(data):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["表一", "empty"]
    rows = list(wb["表一"].iter_rows(values_only=True))
    assert rows == [
        ("单元", "开始", "人数", "说明"),
        ("U1", timedelta(hours=8, minutes=30), 1234, "a & b < c > d"),
        ("U2", None, 7, "  leading space"),  # numpy's int is a number; the spaces are kept
        ("U3", "—", 2.5, "bellgone"),  # a control character XML cannot hold is dropped
        ("U4", timedelta(hours=12), True, None),  # "" is an empty cell, as in Excel
    ]
    ws = wb["表一"]
    assert [ws.cell(row=2, column=c).number_format for c in (2, 3)] == ["[hh]:mm", "#,##0"]
    assert [ws.cell(row=4, column=c).number_format for c in (2, 3)] == ["General", "0.00"]  # Styled wins
    assert ws.cell(row=1, column=1).font.b and ws.cell(row=1, column=1).fill.fgColor.rgb.endswith("E8E8E8")
    assert not ws.cell(row=2, column=1).font.b
    assert list(wb["empty"].iter_rows(values_only=True)) == [("only a header",)]


def test_print_set_up(data):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["表一"]
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1" and ws.auto_filter.ref == "A1:D5"
    assert (ws.page_setup.orientation, int(ws.page_setup.paperSize), ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_options.gridLines
    assert (ws.oddHeader.left.text, ws.oddHeader.right.text, ws.oddFooter.center.text) == (
        "夏格庄镇 A&&B <方案>", "&A", "第 &P 页 / 共 &N 页")  # & doubled: Excel's header codes
    assert wb["empty"].page_setup.orientation == "portrait" and wb["empty"].auto_filter.ref == "A1:A1"
    assert (wb.properties.title, wb.properties.creator, wb.properties.created) == ("夏格庄镇 A&B <方案>", "natplan", STAMP)


def test_column_widths_count_cjk_twice():
    assert (text_width("U1"), text_width("甲村东检测点"), text_width(None), text_width(1234)) == (2, 12, 0, 4)
    wb = openpyxl.load_workbook(io.BytesIO(_book().to_bytes()))
    ws = wb["表一"]
    # "U1" → at least 6; "开始" 4 + 2 → 6 (the times are fractions: "0.3541666666666667" is 18 + 2);
    # "  leading space" 15 + 2
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [6, 20, 6, 17]


def test_same_tables_same_bytes_dated_the_stamp(data):
    assert _book().to_bytes() == data
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(2022, 3, 13, 0, 0, 0)}


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "表一", "表一".upper()])
def test_names_excel_refuses(name):
    wb = Workbook("t", STAMP)
    wb.add_sheet("表一", ["a"], [])
    with pytest.raises(ValueError, match="not a sheet name Excel accepts"):
        wb.add_sheet(name, ["a"], [])


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
