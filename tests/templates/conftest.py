"""Printed sets made once per session and shared by the tests of the set's faces.

- ``tiny_plan``: the tiny scenario's plan, frozen in ``tests/data/templates/tiny_plan.json`` (made by the
  solvers of November 2022; see tests/templates/test_views.py), so that the sheets' tests check the sheets
  and do not move when the solvers find another plan;
- ``tiny_set``: its printed set in Chinese, ``(files, warnings)`` of ``render_outputs``;
- ``xia_set``: Xiagezhuang planned with a short budget and printed in Chinese: ``(plan, files)``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from natplan.models.plan import Plan
from natplan.scheduler.pipeline import plan_round
from natplan.templates.outputs import render_outputs

PRINTED = "2022-03-12 21:30"


TINY_PLAN = Path(__file__).resolve().parents[1] / "data" / "templates" / "tiny_plan.json"


def shown_widths(ws) -> list[int]:
    """An openpyxl sheet's column widths as Excel shows them, column by column: the file stores a width with
    the cell's padding (10 → 10.7109375), and one ``<col>`` may cover several columns of the same width."""
    widths = {c: int(dim.width) for dim in ws.column_dimensions.values() for c in range(dim.min, dim.max + 1)}
    return [widths[c] for c in sorted(widths)]


def frozen_tiny_plan() -> Plan:
    return Plan.model_validate_json(TINY_PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tiny_plan(tiny):
    plan = frozen_tiny_plan()
    assert plan.scenario_sha256 == tiny.digest  # made from tests/data/tiny.yaml as it is
    return plan


@pytest.fixture(scope="session")
def tiny_set(tiny, tiny_plan):
    return render_outputs(tiny_plan, tiny.scenario, tiny.geometry, printed_at=PRINTED)


@pytest.fixture(scope="session")
def xia_set(xiagezhuang):
    outcome = plan_round(xiagezhuang, time_limit=0.5)
    assert outcome.plan is not None, outcome.problems
    files, warnings = render_outputs(outcome.plan, xiagezhuang.scenario, xiagezhuang.geometry, printed_at=PRINTED)
    assert warnings == []
    return outcome.plan, files
