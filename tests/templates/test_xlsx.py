"""The table workbook (XlsxWriter underneath) read back by openpyxl (an independent reader) and parsed part by
part as XML: typed cells, formats, escaping, the print set-up, widths, names Excel refuses, the same bytes for
the same tables."""

import doctest
import io
import zipfile
from datetime import datetime, timedelta
from xml.etree import ElementTree

import numpy as np
import pytest

openpyxl = pytest.importorskip("openpyxl")

from natplan.templates import xlsx  # noqa: E402
from natplan.templates.xlsx import Styled, Workbook  # noqa: E402
from tests.templates.conftest import shown_widths  # noqa: E402

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
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
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
    # fitToWidth is left out when it is 1, SpreadsheetML's default
    assert (ws.page_setup.orientation, int(ws.page_setup.paperSize), ws.page_setup.fitToWidth or 1,
            ws.page_setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_options.gridLines
    assert (ws.oddHeader.left.text, ws.oddHeader.right.text, ws.oddFooter.center.text) == (
        "夏格庄镇 A&&B <方案>", "&A", "第 &P 页 / 共 &N 页")  # & doubled: Excel's header codes
    assert wb["empty"].page_setup.orientation == "portrait" and wb["empty"].auto_filter.ref == "A1"
    assert (wb.properties.title, wb.properties.creator, wb.properties.created) == ("夏格庄镇 A&B <方案>", "natplan", STAMP)


def test_column_widths_count_cjk_twice():
    wb = Workbook("t", STAMP)
    wb.add_sheet("w", [None, "", "名称", "n"], [["U1", "甲村东检测点", "甲村东检测点 No. 12", 123456789]])
    # empty header, "U1": at least 6; 6 Chinese characters: 12 + 2; 6 + 1 + 6 ASCII: 19 + 2; 9 digits + 2
    assert shown_widths(openpyxl.load_workbook(io.BytesIO(wb.to_bytes()))["w"]) == [6, 14, 21, 11]
    ws = openpyxl.load_workbook(io.BytesIO(_book().to_bytes()))["表一"]
    # "U1" → at least 6; "开始" 4 + 2 → 6 (the times are fractions: "0.3541666666666667" is 18 + 2);
    # "  leading space" 15 + 2
    assert shown_widths(ws) == [6, 20, 6, 17]


def test_same_tables_same_bytes_dated_the_stamp(data):
    assert _book().to_bytes() == data
    # the document is dated the stamp, every zip entry XlsxWriter's fixed 1980-01-01: never the clock
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
    assert core.count("2022-03-13T00:00:00Z") == 2  # created and modified


def test_written_once():
    wb = _book()
    assert wb.to_bytes() == wb.to_bytes()  # the second call gives the same file
    with pytest.raises(ValueError, match="already written"):
        wb.add_sheet("late", ["a"], [])


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "表一", "表一".upper(), "'quoted'"])
def test_names_excel_refuses(name):
    wb = Workbook("t", STAMP)
    wb.add_sheet("表一", ["a"], [])
    with pytest.raises(ValueError, match="not a sheet name Excel accepts"):
        wb.add_sheet(name, ["a"], [])


@pytest.mark.parametrize("columns, ref", [(1, "A1:A3"), (26, "A1:Z3"), (27, "A1:AA3"), (52, "A1:AZ3"),
                                          (53, "A1:BA3"), (702, "A1:ZZ3"), (703, "A1:AAA3")])
def test_the_range_names_columns_past_z(columns, ref):
    wb = Workbook("t", STAMP)
    assert wb.add_sheet("s", [f"c{i}" for i in range(columns)], [list(range(columns)), ["x"]]) == ref
    ws = openpyxl.load_workbook(io.BytesIO(wb.to_bytes()))["s"]
    assert (ws.auto_filter.ref, ws.max_column, ws.cell(row=2, column=columns).value) == (ref, columns, columns - 1)


def test_a_row_longer_than_the_header_is_in_the_range():
    wb = Workbook("t", STAMP)
    assert wb.add_sheet("s", ["a"], [[1, "extra"]]) == "A1:B2"
    ws = openpyxl.load_workbook(io.BytesIO(wb.to_bytes()))["s"]
    assert list(ws.iter_rows(values_only=True)) == [("a", None), (1, "extra")] and shown_widths(ws) == [6, 7]


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text():
    wb = Workbook("t", STAMP)
    wb.add_sheet("s", ["a"], [["=1+1"], ["007"], ["https://example.org"], [float("nan")]])
    ws = openpyxl.load_workbook(io.BytesIO(wb.to_bytes()))["s"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["=1+1", "007", "https://example.org", "nan"]
    assert [ws.cell(row=r, column=1).data_type for r in (2, 3, 4, 5)] == ["s"] * 4 and not ws._hyperlinks


def test_module_examples():
    result = doctest.testmod(xlsx)
    assert result.failed == 0 and result.attempted > 0
