"""Tests of models/ledger/check.py: every row rule, by spreadsheet row, and the counts per grid."""

import pandas as pd
import pytest

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.ids import mask_id
from natplan.models.ledger.read import read_ledger
from natplan.models.problems import InputError
from tests.models.ledger.conftest import DATA, FULL_ID

BAD_ROWS = [  # tests/data/ledger/bad_rows.csv: row, English, Chinese
    (3, "bad ID number 370285********1235: bad check digit", "身份证号有误 370285********1235：校验码错误"),
    (5, "duplicate of row 4 (370285********0048)", "与第 4 行重复（370285********0048）"),
    (6, "unknown village 丙村", "未知村庄 丙村"),
    (7, "unknown grid 甲村9组 in village 甲村 (V1); its grids: 甲村1组, 甲村2组",
     "村庄 甲村（V1）中没有网格 甲村9组；该村网格：甲村1组, 甲村2组"),
    (8, "empty cell 姓名 (name)", "姓名 为空"),
    (9, "unknown special category 孕妇; use 卧床, 残疾, 高龄 or leave it empty",
     "未知特殊人群类别 孕妇；可填 卧床、残疾、高龄 或留空"),
]


def test_good_ledger_counts(town):
    df = read_ledger(DATA / "good.csv")
    assert list(df.index) == [2, 3, 4, 5, 6, 7, 8]
    assert df.attrs["encoding"] == "UTF-8"
    report = import_ledger(df, town, "good.csv")
    assert report.problems == [] and report.ok
    g = report.grids.set_index("grid")
    assert g["ledger_people"].to_dict() == {"G1": 3, "G2": 2, "G3": 2}
    assert g["households"].to_dict() == {"G1": 2, "G2": 2, "G3": 1}
    assert g[["bedridden", "disabled", "elderly"]].sum().to_dict() == {"bedridden": 1, "disabled": 1, "elderly": 1}
    assert g.loc["G1", "elderly"] == 1 and g.loc["G2", "disabled"] == 1 and g.loc["G3", "bedridden"] == 1
    assert report.totals["people"] == 7 and report.totals["households"] == 5


def test_bad_rows_are_listed_by_row(town):
    report = import_ledger(read_ledger(DATA / "bad_rows.csv"), town, "bad_rows.csv")
    assert [(p.row, p.message) for p in report.problems] == [(row, en) for row, en, _ in BAD_ROWS]
    assert report.bad_rows == [3, 5, 6, 7, 8, 9]
    # rows 2, 4 and 11 (after a blank line; its lower-case x is accepted) are counted
    assert report.grids.set_index("grid")["ledger_people"].to_dict() == {"G1": 2, "G2": 0, "G3": 1}
    assert report.totals["rows"] == 9 and report.totals["good_rows"] == 3 and not report.ok
    en = report.format("en")
    assert "bad_rows.csv: row 5: duplicate of row 4 (370285********0048)" in en.splitlines()
    zh = report.format("zh")
    assert "bad_rows.csv: row 5: 与第 4 行重复（370285********0048）" in zh.splitlines()
    assert not FULL_ID.search(en) and not FULL_ID.search(zh)


def test_bad_rows_in_chinese(town):
    report = import_ledger(read_ledger(DATA / "bad_rows.csv"), town, "bad_rows.csv")
    assert [(p.row, p.message) for p in report.problems_zh] == [(row, zh) for row, _, zh in BAD_ROWS]


def _import_rows(path, town, *rows):
    """The report on a CSV ledger of ``rows`` under the five required headers."""
    path.write_text("\n".join(["姓名,身份证号,村/社区,网格,户号", *rows]) + "\n", encoding="utf-8")
    return import_ledger(read_ledger(path), town, path.name)


def test_a_close_village_is_suggested(tmp_path, town):
    report = _import_rows(tmp_path / "l.csv", town, "张三,370285199003071234,甲村村,甲村1组,1",
                          "李四,3702851985061500,甲村,甲村1组,1")
    assert [(p.row, p.message) for p in report.problems] == [
        (2, "unknown village 甲村村; did you mean 甲村?"),
        (3, "bad ID number 370285********1500: not 18 characters"),
    ]
    assert [p.message for p in report.problems_zh] == ["未知村庄 甲村村；是否为 甲村？",
                                                       "身份证号有误 370285********1500：不是18位"]


def test_excel_scientific_ids_and_no_header(tmp_path, town):
    path = tmp_path / "l.csv"
    report = _import_rows(path, town, "张三,3.70285E+17,甲村,甲村1组,1",
                          "李四,370285198506150028,370285199003071234,甲村1组,1")
    assert [(p.row, p.message) for p in report.problems] == [
        (2, "ID number saved as a number, its last digits lost; format the 身份证号 column as text and enter it again"),
        (3, "unknown village 370285********1234"),  # an ID number in the wrong column is masked too
    ]
    # a sheet without its header row: the first row is named as the columns found, masked
    path.write_text("张三,370285199003071234,甲村,甲村1组,1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_ledger(path, display="l.csv")
    assert str(e.value) == ("l.csv: missing columns 姓名 (name), 身份证号 (id_number), 村/社区 (village), 网格 (grid), "
                            "户号 (household); columns found: 张三, 370285********1234, 甲村, 甲村1组, 1")


def test_a_frame_without_a_required_column(town):
    with pytest.raises(InputError) as e:
        import_ledger(pd.DataFrame({"姓名": ["张三"], "网格": ["G1"]}), town, "frame")
    assert str(e.value) == ("frame: missing columns 身份证号 (id_number), 村/社区 (village), 户号 (household); "
                            "columns found: 姓名, 网格")


def test_planted_bad_rows_in_the_town(xgz, xgz_ledger):
    df = xgz_ledger.copy()
    ids = df["身份证号"]
    first17 = ids.iloc[9][:17]
    bad_check = first17 + ("0" if ids.iloc[9][17] != "0" else "1")
    df.iloc[9, 1] = bad_check                  # spreadsheet row 11
    df.iloc[99, 1] = ids.iloc[49]              # row 101 repeats row 51
    df.iloc[199, 2] = "夏格庄九十九村"          # row 201
    village = df.iloc[299, 2]
    df.iloc[299, 3] = "99组"                   # row 301
    df.iloc[399, 0] = ""                       # row 401
    report = import_ledger(df, xgz.scenario, "ledger.csv")
    v = next(v for v in xgz.scenario.villages if v.name == village)
    assert [(p.row, p.message) for p in report.problems] == [
        (11, f"bad ID number {mask_id(bad_check)}: bad check digit"),
        (101, f"duplicate of row 51 ({mask_id(ids.iloc[49])})"),
        (201, report.problems[2].message),
        (301, f"unknown grid 99组 in village {village} ({v.id}); its grids: {', '.join(g.name for g in v.grids)}"),
        (401, "empty cell 姓名 (name)"),
    ]
    assert report.problems[2].message.startswith("unknown village 夏格庄九十九村")
    assert report.totals["good_rows"] == len(df) - 5
    text = report.format("en") + report.format("zh")
    assert not FULL_ID.search(text)


def test_wrong_town_is_pointed_out(xgz):
    report = import_ledger(read_ledger(DATA / "good.csv"), xgz.scenario, "good.csv")
    assert report.totals["unknown_village_rows"] == 7 and not report.ok
    assert "most rows name villages the scenario does not have: is --scenario the right town?" in \
        report.format("en").splitlines()
