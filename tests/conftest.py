"""Shared fixtures.

- ``data_dir``: ``tests/data``, the tiny and broken inputs.
- ``tiny``: the hand-checkable scenario ``tests/data/tiny.yaml``, loaded.
- ``xiagezhuang``: the default scenario, loaded once per session.
"""

from pathlib import Path

import pytest

from natplan.models.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny():
    return load_scenario(DATA / "tiny.yaml")


@pytest.fixture(scope="session")
def xiagezhuang():
    return load_scenario(ROOT / "scenarios" / "xiagezhuang.yaml")
