"""Tests of models/ledger/report.py: the whole report, word for word, in both languages.

The ledger is good.csv without 张三 (G1: 3 → 2 people), with two more rows in
乙村1组: 吴十 (张三's ID number, now unused: good; G3: 2 → 3) and 郑一 (a bad
check digit: not counted).  Households: G1 1 and 2, G2 3 and 4, G3 1 and 2.
"""

import pytest

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.read import read_ledger
from natplan.models.ledger.write import write_ledger
from tests.models.ledger.conftest import DATA

EN = """\
short.csv: 8 rows, UTF-8: 7 good, 1 with problems
on the ledger: 7 people, 6 households in 3 of 3 grids; special needs 1 bedridden, 1 disabled, 1 elderly
against the scenario (scenario→ledger): 1 of 3 grids match
  more people on the ledger in 1 grids: G3 2→3 (+1)
  fewer people on the ledger in 1 grids (someone not registered?): G1 3→2 (-1)
1 problems:
short.csv: row 9: bad ID number 370285********1235: bad check digit"""

ZH = """\
short.csv：共 8 行，UTF-8，合格 7 行，有问题 1 行
台账：7 人，6 户，覆盖 3/3 个网格；特殊人群 卧床 1、残疾 1、高龄 1
与场景比对（场景→台账）：3 个网格中 1 个人数一致
  台账人数多于场景的网格 1 个：G3 2→3 (+1)
  台账人数少于场景的网格 1 个（有人未登记？）：G1 3→2 (-1)
问题 1 处：
short.csv: row 9: 身份证号有误 370285********1235：校验码错误"""


@pytest.fixture(scope="module")
def report(town, tmp_path_factory):
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("report") / "short.csv"
    path.write_text("\n".join(lines[:1] + lines[2:] + ["吴十,370285199003071234,乙村,乙村1组,2,,",
                                                       "郑一,370285199003071235,乙村,乙村1组,2,,"]), encoding="utf-8")
    return import_ledger(read_ledger(path), town, "short.csv")


def test_report_in_english(report):
    assert report.format("en") == EN


def test_report_in_chinese(report):
    assert report.format("zh") == ZH
    assert report.format() == ZH


def test_report_limits_the_grids_named(report):
    lines = report.format("en", limit=0).splitlines()
    assert lines[3:5] == ["  more people on the ledger in 1 grids: … 1 more",
                          "  fewer people on the ledger in 1 grids (someone not registered?): … 1 more"]
    assert report.format("zh", limit=0).splitlines()[3] == "  台账人数多于场景的网格 1 个：… 另 1 个"


def test_report_properties(report):
    assert report.bad_rows == [9] and not report.ok
    assert report.short["grid"].tolist() == ["G1"]
    assert report.totals == {
        "rows": 8, "good_rows": 7, "bad_rows": 1, "people": 7, "households": 6, "special": 3, "bedridden": 1,
        "disabled": 1, "elderly": 1, "grids": 3, "grids_on_ledger": 3, "grids_differing": 2, "grids_short": 1,
        "unknown_village_rows": 0,
    }


def test_report_of_a_workbook_for_the_wrong_town(tmp_path, xgz):
    write_ledger(read_ledger(DATA / "good.csv"), tmp_path / "l.xlsx")
    report = import_ledger(read_ledger(tmp_path / "l.xlsx"), xgz.scenario, "l.xlsx")
    en, zh = report.format("en").splitlines(), report.format("zh").splitlines()
    assert en[0] == "l.xlsx: 7 rows: 0 good, 7 with problems"  # no encoding for a workbook
    assert zh[0] == "l.xlsx：共 7 行，合格 0 行，有问题 7 行"
    assert "most rows name villages the scenario does not have: is --scenario the right town?" in en
    assert "多数行的村庄不在场景中：--scenario 是否选错了镇？" in zh
