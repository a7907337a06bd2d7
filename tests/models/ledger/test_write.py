"""Tests of models/ledger/write.py: every cell text, read back cell for cell."""

import openpyxl
import pandas as pd
import pytest

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.read import read_ledger
from natplan.models.ledger.write import ledger_bytes, write_ledger
from tests.models.ledger.conftest import DATA, FULL_ID

SMALL = pd.DataFrame([("张三", "0012", "001", ""), ("李\x01四", "37028519550702007X", 2, None)],
                     columns=["姓名", "身份证号", "户号", "联系电话"])


def test_xlsx_cells_are_text(tmp_path):
    write_ledger(SMALL, tmp_path / "l.xlsx", sheet_name="甲村")
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    assert ws.title == "甲村" and ws.freeze_panes == "A2"
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["姓名", "身份证号", "户号", "联系电话"],
        ["张三", "0012", "001", None],                    # leading zeros kept; an empty cell is empty
        ["李四", "37028519550702007X", "2", None],        # a control character dropped; 2 written as "2"
    ]
    assert {c.number_format for row in ws.iter_rows() for c in row} == {"@"}  # every cell text, empty ones too
    # columns as wide as the widest text (a Chinese character counts 2) plus 2, text-formatted for new rows
    assert [ws.column_dimensions[x].width for x in "ABCD"] == [6, 20, 6, 10]
    assert {ws.column_dimensions[x].number_format for x in "ABCD"} == {"@"}


def test_long_sheet_names_are_cut(tmp_path):
    write_ledger(SMALL, tmp_path / "l.xlsx", sheet_name="夏格庄镇" * 10)
    assert openpyxl.load_workbook(tmp_path / "l.xlsx").sheetnames == [("夏格庄镇" * 10)[:31]]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_read_back_identically(tmp_path, suffix):
    df = read_ledger(DATA / "good.csv")
    write_ledger(df, tmp_path / f"l{suffix}")
    again = read_ledger(tmp_path / f"l{suffix}")
    pd.testing.assert_frame_equal(again, df)


def test_csv_bytes():
    df = pd.DataFrame([("张三", "0012", "甲村,1组")], columns=["姓名", "身份证号", "网格"])
    text = '姓名,身份证号,网格\r\n张三,0012,"甲村,1组"\r\n'
    assert ledger_bytes(df, "csv") == b"\xef\xbb\xbf" + text.encode("utf-8")
    assert ledger_bytes(df, "csv", encoding="utf-8") == text.encode("utf-8")
    assert ledger_bytes(df, "csv", encoding="GB18030") == text.encode("gb18030")


def test_refusals(tmp_path):
    with pytest.raises(ValueError) as e:
        write_ledger(SMALL, tmp_path / "l.txt")
    assert str(e.value) == "ledger file must end in .xlsx or .csv, not 'l.txt'"
    with pytest.raises(ValueError) as e:
        write_ledger(SMALL, tmp_path / "l.csv", encoding="latin-1")
    assert str(e.value) == "ledger CSV encoding must be utf-8, utf-8-sig or gb18030, not 'latin-1'"
    with pytest.raises(ValueError) as e:
        ledger_bytes(SMALL, "ods")
    assert str(e.value) == "ledger format must be xlsx or csv, not 'ods'"


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "l.csv"
    write_ledger(SMALL, path)
    before = path.read_bytes()
    with pytest.raises(UnicodeEncodeError):
        write_ledger(pd.DataFrame([["\ud800"]], columns=["姓名"]), path)  # a lone surrogate: not UTF-8
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["l.csv"]


@pytest.mark.parametrize("suffix, encoding", [(".xlsx", None), (".csv", "gb18030")])
def test_round_trip(tmp_path, xgz, xgz_ledger, suffix, encoding):
    s = xgz.scenario
    path = tmp_path / f"ledger{suffix}"
    write_ledger(xgz_ledger, path, **({"encoding": encoding} if encoding else {}))
    df = read_ledger(path)
    if encoding:
        assert df.attrs["encoding"] == "GB18030"
    report = import_ledger(df, s, path.name)
    assert report.problems == [] and report.ok
    g = report.grids
    assert len(g) == len(s.grids())  # 136 grids when the brief was written
    assert (g["ledger_people"] == g["scenario_people"]).all()
    assert (g["households"] == g["scenario_households"]).all()
    assert (g["special"] == g["scenario_special"]).all()
    assert report.totals["people"] == s.people
    assert not FULL_ID.search(report.format("zh") + report.format("en"))
