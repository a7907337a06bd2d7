"""Tests of models/ledger/columns.py: headers to fields, ``--map``."""

import pytest

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.columns import ColumnMap, map_columns, parse_map, resolve_mapping
from natplan.models.ledger.read import read_ledger
from natplan.models.problems import InputError
from tests.models.ledger.conftest import DATA

ALL_FIELDS = "fields: name, id_number, village, grid, household, phone, special"


def test_parse_map():
    assert parse_map(["居民姓名=name", " 备注 = "]) == {"居民姓名": "name", "备注": None}
    assert parse_map(None) == {} and parse_map([]) == {}


@pytest.mark.parametrize("item, message", [
    ("姓名", "--map: '姓名' is not HEADER=FIELD (e.g. 居民姓名=name)"),
    ("=name", "--map: '=name' is not HEADER=FIELD (e.g. 居民姓名=name)"),
    ("姓名=nom", f"--map: '姓名=nom': unknown field 'nom'; {ALL_FIELDS}"),
])
def test_parse_map_refuses(item, message):
    with pytest.raises(InputError) as e:
        parse_map([item])
    assert str(e.value) == message


def test_resolve_mapping():
    table = resolve_mapping({"居民姓名": "name", "姓名": None})
    assert table["居民姓名"] == "name" and table["姓名"] is None  # added, and a default overridden
    assert table["身份证号码"] == "id_number" and table["village"] == "village"  # defaults and canonical names
    with pytest.raises(ValueError) as e:
        resolve_mapping({"姓名": "nom"})
    assert str(e.value) == f"unknown ledger field 'nom' for header '姓名'; {ALL_FIELDS}"


def test_map_columns_compares_loosely():
    headers = ["姓名*", " 身份证号码 ", "村居", "ＧＲＩＤ", "户号", "", "备注", "phone"]
    got = map_columns(headers, resolve_mapping({"phone": None}), "l.csv")
    # a trailing * (required), spaces, full-width letters and case do not matter;
    # an ignored column named like a field is renamed, a blank header named by position
    assert got == ColumnMap(
        names=["name", "id_number", "village", "grid", "household", "column 6", "备注", "phone_"],
        headers={"name": "姓名*", "id_number": " 身份证号码 ", "village": "村居", "grid": "ＧＲＩＤ", "household": "户号"})


def test_map_columns_refuses():
    table = resolve_mapping()
    with pytest.raises(InputError) as e:
        map_columns(["姓名", "身份证号", "证件号码", "村/社区", "网格", "户号"], table, "l.csv")
    assert str(e.value) == "l.csv: columns 身份证号 and 证件号码 both mean id_number; delete one or map one with --map"
    with pytest.raises(InputError) as e:
        map_columns([], table, "l.csv")
    assert str(e.value) == ("l.csv: missing columns 姓名 (name), 身份证号 (id_number), 村/社区 (village), 网格 (grid), "
                            "户号 (household); columns found: (none)")


def test_mapping_extends_the_headers(tmp_path, town):
    text = (DATA / "good.csv").read_text(encoding="utf-8").replace("姓名", "居民姓名", 1)
    (tmp_path / "l.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="missing column 姓名 \\(name\\)"):
        read_ledger(tmp_path / "l.csv")
    assert import_ledger(read_ledger(tmp_path / "l.csv", {"居民姓名": "name"}), town, "l.csv").ok
