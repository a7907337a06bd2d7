"""``natplan minimize`` and ``natplan compare --simulate``: the lines they print and the files they write."""

import json

import pytest
from openpyxl import load_workbook

from natplan.cli import main
from natplan.models.clock import format_clock as hm
from natplan.models.loader import load_scenario
from natplan.scheduler.verify import verify
from natplan.scheduler.whatif import apply_variant
from natplan.templates.i18n import t


@pytest.fixture
def late_tiny(tmp_path, data_dir):
    """The tiny town due at 11:30: one group cannot serve both units in turn by then, two can."""
    path = tmp_path / "late.yaml"
    path.write_text((data_dir / "tiny.yaml").read_text(encoding="utf-8").replace('deadline: "13:00"', 'deadline: "11:30"'),
                    encoding="utf-8")
    return path


def test_minimize_prints_the_least_groups_and_writes_that_plan(tmp_path, late_tiny, capsys):
    out = tmp_path / "least"
    assert main(["minimize", str(late_tiny), "--resource", "groups", "-o", str(out)]) == 0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    k = plan["kpis"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"{late_tiny}: least groups = 2: finish {hm(k['finish'])}, peak queue {k['peak_queue']:.0f}, "
                        f"worst sample age {k['worst_sample_age_min']:.0f} min")
    assert lines[1].startswith("  with 1: ") and "min late" in lines[1]
    assert verify(apply_variant(load_scenario(late_tiny).scenario, {"groups": 2}), plan) == []


def test_minimize_says_when_even_twice_is_not_enough(tmp_path, data_dir, capsys):
    path = tmp_path / "early.yaml"
    path.write_text((data_dir / "tiny.yaml").read_text(encoding="utf-8").replace('deadline: "13:00"', 'deadline: "08:45"'),
                    encoding="utf-8")
    assert main(["minimize", str(path), "--resource", "groups"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"{path}: even 2 groups do not meet the deadline: ")


def test_compare_with_simulation_prints_each_variant_and_adds_p95_columns(tmp_path, data_dir, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(data_dir / "tiny.yaml"), "--vary", "deadline=11:30,13:00", "--simulate", "2",
                 "--workers", "1", "-o", str(out)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line]  # less the progress bar's
    base = json.loads((out / "base" / "plan.json").read_text(encoding="utf-8"))["kpis"]  # the file's own 13:00
    assert lines[0].startswith("deadline=11:30: infeasible — ") and "min late" in lines[0]
    assert lines[1].startswith(f"deadline=13:00: finish {hm(base['finish'])} (ratio {base['finish_ratio']:.2f}), "
                               f"peak queue {base['peak_queue']:.0f}, worst age {base['worst_sample_age_min']:.0f} min")
    assert lines[2] == f"{out}: compare.xlsx, compare.html, compare.pdf, charts, and the base case's plan in base/"
    header = [c.value for c in next(load_workbook(out / "compare.xlsx").active.iter_rows(max_row=1))]
    assert header[-3:] == [t("cmp_peak_p95", "zh"), t("cmp_finish_p95", "zh"), t("cmp_why", "zh")]
