"""Tests of models/ledger.py: the people ledger (人员登记台账) import.

Hand-made ledgers live in tests/data/ledger/ and are checked against
town.yaml there (two villages, three grids); the whole-town round trip uses
scenarios/xiagezhuang.yaml.

ID numbers in the hand-made files were computed by GB 11643-1999: weights
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17 digits, sum mod 11
indexes "10X98765432".  Two worked by hand:

    370285 19900307 123:  3·7 + 7·9 + 0·10 + 2·5 + 8·8 + 5·4 + 1·2 + 9·1 + 9·6
                          + 0·3 + 0·7 + 3·9 + 0·10 + 7·5 + 1·8 + 2·4 + 3·2
                        = 21+63+0+10+64+20+2+9+54+0+0+27+0+35+8+8+6 = 327;
                          327 mod 11 = 8 → "10X98765432"[8] = "4"
                          → 370285199003071234
    370285 19550702 007:  21+63+0+10+64+20+2+9+30+15+0+63+0+10+0+0+14 = 321;
                          321 mod 11 = 2 → "X" → 37028519550702007X
"""

from __future__ import annotations

import argparse
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from natplan.models.ledger import (
    UNREADABLE_ENCODING,
    apply_to_scenario,
    check_id_number,
    import_ledger,
    ledger_import_main,
    mask_id,
    read_ledger,
    synthesize_ledger,
    write_ledger,
)
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "ledger"
XIAGEZHUANG = ROOT / "scenarios" / "xiagezhuang.yaml"
FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture(scope="module")
def town():
    return load_scenario(DATA / "town.yaml").scenario


@pytest.fixture(scope="module")
def xgz():
    return load_scenario(XIAGEZHUANG)


@pytest.fixture(scope="module")
def xgz_ledger(xgz):
    return synthesize_ledger(xgz.scenario, seed=0)


def _args(**kw):
    base = dict(encoding=None, map=[], update=None, lang="en")
    return argparse.Namespace(**{**base, **kw})


# --- ID numbers -------------------------------------------------------------------


@pytest.mark.parametrize("s", [
    "370285199003071234",  # worked by hand above
    "37028519550702007X",  # worked by hand above
    "11010519491231002X",  # the example printed in GB 11643-1999
    "440524188001010014",  # the standard's other example, born 1880-01-01
])
def test_valid_id_numbers(s):
    assert check_id_number(s) is None


@pytest.mark.parametrize("s, reason", [
    ("370285199003071235", "bad check digit"),  # check is 4, not 5
    ("11010519491231002x", "not 17 digits and a check character"),  # lower-case x (import upper-cases it)
    ("110105194912310021", "bad check digit"),
    ("37028519900307123", "not 18 characters"),
    ("3702851990030712345", "not 18 characters"),
    ("37028519900230123X", "bad birth date"),  # 30 February
    ("370285187912310014", "bad birth date"),  # before 1880
    ("3702851990O3071234", "not 17 digits and a check character"),  # letter O for zero
    (370285199003071234, "not 18 characters"),  # not a string
])
def test_bad_id_numbers(s, reason):
    assert check_id_number(s) == reason


def test_mask_id():
    assert mask_id("370285199003071234") == "370285********1234"
    assert mask_id("37028519550702007X") == "370285********007X"
    assert mask_id("10012345678") == "10********78"  # a phone number in the ID column
    assert mask_id("") == "********"


# --- hand-made ledgers ------------------------------------------------------------


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


def test_gb18030_csv_is_detected(town):
    df = read_ledger(DATA / "good_gb18030.csv")
    assert df.attrs["encoding"] == "GB18030"
    assert df.loc[2, "name"] == "张三" and df.loc[6, "id_number"] == "37028519550702007X"
    assert import_ledger(df, town, "good_gb18030.csv").ok


def test_bad_rows_are_listed_by_row(town):
    report = import_ledger(read_ledger(DATA / "bad_rows.csv"), town, "bad_rows.csv")
    assert [(p.row, p.message) for p in report.problems] == [
        (3, "bad ID number 370285********1235: bad check digit"),
        (5, "duplicate of row 4 (370285********0048)"),
        (6, "unknown village 丙村"),
        (7, "unknown grid 甲村9组 in village 甲村 (V1); its grids: 甲村1组, 甲村2组"),
        (8, "empty cell 姓名 (name)"),
        (9, "unknown special category 孕妇; use 卧床, 残疾, 高龄 or leave it empty"),
    ]
    assert report.bad_rows == [3, 5, 6, 7, 8, 9]
    # rows 2, 4 and 11 (after a blank line; its lower-case x is accepted) are counted
    assert report.grids.set_index("grid")["ledger_people"].to_dict() == {"G1": 2, "G2": 0, "G3": 1}
    assert report.totals["rows"] == 9 and report.totals["good_rows"] == 3 and not report.ok
    en = report.format("en")
    assert "bad_rows.csv: row 5: duplicate of row 4 (370285********0048)" in en.splitlines()
    zh = report.format("zh")
    assert "bad_rows.csv: row 5: 与第 4 行重复（370285********0048）" in zh.splitlines()
    assert not FULL_ID.search(en) and not FULL_ID.search(zh)


def test_missing_column(town):
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "missing_id.csv", display="ledger.csv")
    assert str(e.value) == "ledger.csv: missing column 身份证号 (id_number); columns found: 姓名, 村/社区, 网格, 户号"


def test_unsupported_encoding():
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "utf16.csv", display="ledger.csv")
    assert str(e.value) == f"ledger.csv: {UNREADABLE_ENCODING}"
    assert UNREADABLE_ENCODING == "not UTF-8 or GB18030 text; save the ledger as UTF-8 or GB18030 CSV, or as .xlsx"


def test_encoding_override(town):
    with pytest.raises(InputError) as e:
        read_ledger(DATA / "good_gb18030.csv", encoding="utf-8", display="ledger.csv")
    # 姓 is D0 D5 in GB18030: not UTF-8 at the first byte
    assert str(e.value) == "ledger.csv: not utf-8 text (byte 0xd0 at offset 0); check --encoding or leave it out to detect"
    assert import_ledger(read_ledger(DATA / "good_gb18030.csv", encoding="gb18030"), town, "l.csv").ok


def test_excel_scientific_ids_and_no_header(tmp_path, town):
    path = tmp_path / "l.csv"
    path.write_text("姓名,身份证号,村/社区,网格,户号\n张三,3.70285E+17,甲村,甲村1组,1\n"
                    "李四,370285198506150028,370285199003071234,甲村1组,1\n", encoding="utf-8")
    report = import_ledger(read_ledger(path), town, "l.csv")
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


def test_mapping_extends_the_headers(tmp_path, town):
    text = (DATA / "good.csv").read_text(encoding="utf-8").replace("姓名", "居民姓名", 1)
    (tmp_path / "l.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="missing column 姓名 \\(name\\)"):
        read_ledger(tmp_path / "l.csv")
    assert import_ledger(read_ledger(tmp_path / "l.csv", {"居民姓名": "name"}), town, "l.csv").ok


def test_xlsx_title_row_and_numeric_ids(tmp_path, town):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["甲村人员登记台账"])  # a title row above the header
    ws.append(["姓名", "身份证号", "村/社区", "网格", "户号"])
    ws.append(["张三", "370285199003071234", "甲村", "甲村1组", 1])  # made a number cell below
    ws.append(["钱七", "37028519550702007X", "甲村", "甲村2组", 4.0])  # X check, household as 4.0
    ws.append(["李四", 370285198506150028, "甲村", "甲村1组", 1])  # saved as a double: digits lost
    wb.save(tmp_path / "l.xlsx")
    # a number cell holding all 18 digits, as some exporters write it
    with zipfile.ZipFile(tmp_path / "l.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    text = parts[sheet].decode("utf-8")
    cell = '<c r="B3" t="inlineStr"><is><t>370285199003071234</t></is></c>'
    assert cell in text
    parts[sheet] = text.replace(cell, '<c r="B3" t="n"><v>370285199003071234</v></c>').encode("utf-8")
    with zipfile.ZipFile(tmp_path / "l.xlsx", "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    df = read_ledger(tmp_path / "l.xlsx")
    assert df.attrs["sheet"] == "Sheet"
    assert list(df.index) == [3, 4, 5]
    assert df.loc[3, "id_number"] == "370285199003071234"
    assert df.loc[4, "id_number"] == "37028519550702007X" and df.loc[4, "household"] == "4"
    report = import_ledger(df, town, "l.xlsx")
    assert [(p.row, p.message) for p in report.problems] == [
        (5, "ID number saved as a number, its last digits lost; format the 身份证号 column as text and enter it again"),
    ]
    assert report.grids.set_index("grid")["ledger_people"].to_dict() == {"G1": 1, "G2": 1, "G3": 0}


# --- the whole town -----------------------------------------------------------------


def test_synthesize_is_valid(xgz, xgz_ledger):
    s = xgz.scenario
    assert len(xgz_ledger) == s.people
    ids = xgz_ledger["身份证号"]
    assert ids.is_unique and all(check_id_number(x) is None for x in ids) and ids.str.startswith("370285").all()
    assert list(xgz_ledger.columns) == ["姓名", "身份证号", "村/社区", "网格", "户号", "联系电话", "特殊人群"]


def test_synthesize_is_deterministic(town):
    a = synthesize_ledger(town, seed=0)
    assert a.equals(synthesize_ledger(town, seed=0))
    assert not a.equals(synthesize_ledger(town, seed=1))
    assert a["特殊人群"].tolist().count("卧床") == 1 and len(a) == 7


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


# --- apply and the command ------------------------------------------------------------


def test_apply_to_scenario(town):
    report = import_ledger(read_ledger(DATA / "bad_rows.csv"), town, "bad_rows.csv")
    new = apply_to_scenario(report, town)
    assert [g.ledger_people for g in new.grids()] == [2, 0, 1]
    assert [g.people for g in new.grids()] == [3, 2, 2]  # not filled
    filled = apply_to_scenario(report, town, fill=True)
    assert [(g.people, g.households) for g in filled.grids()] == [(2, 2), (0, 0), (1, 1)]
    assert [g.ledger_people for g in town.grids()] == [None, None, None]  # input untouched


def test_main_exit_codes_and_update(tmp_path, capsys):
    scenario = DATA / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "bad_rows.csv", scenario=scenario)) == 1
    out = capsys.readouterr().out
    assert f"{DATA / 'bad_rows.csv'}: row 3: bad ID number 370285********1235: bad check digit" in out
    # a clean ledger: exit 0 and the scenario written with ledger_people
    target = tmp_path / "out" / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "good.csv", scenario=scenario, update=target)) == 0
    assert [g.ledger_people for g in load_scenario(target).scenario.grids()] == [3, 2, 2]
    # bad rows: nothing written
    other = tmp_path / "other.yaml"
    assert ledger_import_main(_args(file=DATA / "bad_rows.csv", scenario=scenario, update=other)) == 1
    assert not other.exists()
    # a ledger one person short in G1: exit 1, not written unless filled from the ledger
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "short.csv").write_text("\n".join(lines[:1] + lines[2:]), encoding="utf-8")
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario)) == 1
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario, update=other)) == 1
    assert not other.exists()
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario, update=other, fill=True)) == 0
    assert [(g.people, g.ledger_people) for g in load_scenario(other).scenario.grids()] == [(2, 2), (2, 2), (2, 2)]
    # unreadable input propagates as InputError (the CLI exits 2)
    with pytest.raises(InputError):
        ledger_import_main(_args(file=DATA / "utf16.csv", scenario=scenario))
    with pytest.raises(InputError, match="--map"):
        ledger_import_main(_args(file=DATA / "good.csv", scenario=scenario, map=["姓名"]))


def test_main_update_elsewhere_keeps_the_boundary_file(tmp_path, capsys):
    # the scenario refers to its boundary by a relative path; the update is written to another folder
    src = tmp_path / "in"
    src.mkdir()
    text = (DATA / "town.yaml").read_text(encoding="utf-8")
    boundary = re.search(r"  boundary:\n    type: Polygon\n    coordinates: (.*)\n", text)
    (src / "town.geojson").write_text(f'{{"type": "Polygon", "coordinates": {boundary.group(1)}}}', encoding="utf-8")
    (src / "town.yaml").write_text(text.replace(boundary.group(0), "  boundary: town.geojson\n"), encoding="utf-8")
    target = tmp_path / "out" / "deeper" / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "good.csv", scenario=src / "town.yaml", update=target, lang="zh")) == 0
    assert "boundary: ../../in/town.geojson" in target.read_text(encoding="utf-8")
    updated = load_scenario(target)
    assert updated.geometry is not None and [g.ledger_people for g in updated.scenario.grids()] == [3, 2, 2]
    out = capsys.readouterr().out
    assert "与场景比对（场景→台账）：3 个网格中 3 个人数一致" in out
    assert not FULL_ID.search(out + target.read_text(encoding="utf-8"))


def test_wrong_town_is_pointed_out(xgz):
    report = import_ledger(read_ledger(DATA / "good.csv"), xgz.scenario, "good.csv")
    assert report.totals["unknown_village_rows"] == 7 and not report.ok
    assert "most rows name villages the scenario does not have: is --scenario the right town?" in \
        report.format("en").splitlines()
