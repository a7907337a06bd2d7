"""Shared fixtures.

- ``data_dir``: ``tests/data``, the tiny and broken inputs.
- ``tiny``: the hand-checkable scenario ``tests/data/tiny.yaml``, loaded.
- ``xiagezhuang``: the default scenario, loaded once per session.
- ``frozen_tiny_plan``: the tiny scenario's plan as plain data, frozen in ``tests/data/templates/tiny_plan.json``
  (made by the solvers of November 2022), for tests of what reads a plan (simulation, sample age, sheets) that
  must not move when the planner finds another plan.
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


FROZEN_TINY_PLAN = DATA / "templates" / "tiny_plan.json"


@pytest.fixture(scope="session")
def frozen_tiny_plan(tiny) -> dict:
    import json

    plan = json.loads(FROZEN_TINY_PLAN.read_text(encoding="utf-8"))
    assert plan["scenario_sha256"] == tiny.digest  # made from tests/data/tiny.yaml as it is
    return plan
