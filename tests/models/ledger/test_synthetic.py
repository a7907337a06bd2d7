"""Tests of models/ledger/synthetic.py: made-up ledgers that match their scenario exactly."""

import datetime as dt
from collections import Counter

from natplan.models.ledger.ids import check_id_number
from natplan.models.ledger.synthetic import synthesize_ledger

# town.yaml, seed 0: 3 + 2 + 2 people in 2 + 2 + 1 households; S1 elderly in G1, S2 disabled in G2,
# S3 bedridden in G3; round date 2022-03-13, so the elderly man (born 1941-11-13) is 80, and only people
# 16 or older have a phone.
TOWN_SEED_0 = [
    ("于燕德", "37028520180622269X", "甲村", "甲村1组", "G1-001", "", ""),
    ("罗磊", "370285194111136493", "甲村", "甲村1组", "G1-001", "10008039964", "高龄"),
    ("曹德伟", "37028519480330913X", "甲村", "甲村1组", "G1-002", "10029971189", ""),
    ("袁文东", "370285201112284239", "甲村", "甲村2组", "G2-001", "", "残疾"),
    ("苏志", "370285201011240093", "甲村", "甲村2组", "G2-002", "", ""),
    ("冯艳涛", "370285195608031341", "乙村", "乙村1组", "G3-001", "10050441862", ""),
    ("郭海建", "370285194502233741", "乙村", "乙村1组", "G3-001", "10033791122", "卧床"),
]


def test_synthesize_the_small_town(town):
    df = synthesize_ledger(town, seed=0)
    assert list(df.itertuples(index=False, name=None)) == TOWN_SEED_0


def test_synthesize_is_valid(xgz, xgz_ledger):
    s = xgz.scenario
    assert len(xgz_ledger) == s.people
    ids = xgz_ledger["身份证号"]
    assert ids.is_unique and all(check_id_number(x) is None for x in ids) and ids.str.startswith("370285").all()
    assert list(xgz_ledger.columns) == ["姓名", "身份证号", "村/社区", "网格", "户号", "联系电话", "特殊人群"]


def test_synthesize_matches_every_grid(xgz, xgz_ledger):
    s = xgz.scenario
    by_grid = xgz_ledger.groupby("户号", sort=False).size()  # 户号 is GRID-NNN
    households = Counter(h.rsplit("-", 1)[0] for h in by_grid.index)
    assert households == Counter({g.id: g.households for g in s.grids() if g.people})
    people = Counter(h.rsplit("-", 1)[0] for h in xgz_ledger["户号"])
    assert people == Counter({g.id: g.people for g in s.grids() if g.people})
    zh = {"bedridden": "卧床", "disabled": "残疾", "elderly": "高龄"}
    flagged = xgz_ledger[xgz_ledger["特殊人群"] != ""]
    assert Counter(zip(flagged["户号"].str.rsplit("-", n=1).str[0], flagged["特殊人群"])) == \
        Counter((p.grid, zh[p.category.value]) for p in s.special_needs)


def test_synthesize_ages_and_phones(xgz, xgz_ledger):
    day = dt.date.fromisoformat(xgz.scenario.parameters.date)
    born = [dt.date(int(x[6:10]), int(x[10:12]), int(x[12:14])) for x in xgz_ledger["身份证号"]]
    age = [day.year - b.year - ((day.month, day.day) < (b.month, b.day)) for b in born]
    assert all(b <= day for b in born)  # a baby may be born on the day itself
    assert all(a >= 80 for a, c in zip(age, xgz_ledger["特殊人群"]) if c == "高龄")
    phones = xgz_ledger["联系电话"]
    assert all(p == "" or (len(p) == 11 and p.startswith("100") and p.isdigit()) for p in phones)
    assert all(p == "" for a, p in zip(age, phones) if a < 15)  # no phone under 16 (366-day years: 15 to be safe)


def test_synthesize_is_deterministic(town):
    a = synthesize_ledger(town, seed=0)
    assert a.equals(synthesize_ledger(town, seed=0))
    assert not a.equals(synthesize_ledger(town, seed=1))
    assert a["特殊人群"].tolist().count("卧床") == 1 and len(a) == 7
