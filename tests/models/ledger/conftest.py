"""Fixtures of the ledger tests (tests/models/ledger/).

Hand-made ledgers live in tests/data/ledger/ (its README lists what each
holds and what it should give) and are checked against ``town.yaml`` there:
two villages, three grids.  The whole-town tests use scenarios/xiagezhuang.yaml.

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

- ``town``: tests/data/ledger/town.yaml, its scenario.
- ``xgz``: scenarios/xiagezhuang.yaml, loaded.
- ``xgz_ledger``: the synthetic ledger of Xiagezhuang, seed 0 (33,438 rows).
"""

import re
from pathlib import Path

import pytest

from natplan.models.ledger import synthesize_ledger
from natplan.models.loader import load_scenario

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "ledger"
XIAGEZHUANG = ROOT / "scenarios" / "xiagezhuang.yaml"
FULL_ID = re.compile(r"\d{17}[\dX]")
"""A full ID number: no report, message or written scenario may hold one."""


@pytest.fixture(scope="module")
def town():
    return load_scenario(DATA / "town.yaml").scenario


@pytest.fixture(scope="module")
def xgz():
    return load_scenario(XIAGEZHUANG)


@pytest.fixture(scope="module")
def xgz_ledger(xgz):
    return synthesize_ledger(xgz.scenario, seed=0)
