"""``natplan simulate``: the table's summary line is the worst unit of the simulation, the oldest samples' line,
the engines and workers, the line on stderr when not on a terminal, and bad input is one line."""

import json

import pytest

from natplan.cli import main
from natplan.models.clock import format_clock as hm
from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.replicate import simulate_round


@pytest.fixture(scope="module")
def plan_file(tiny, tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "plan.json"
    path.write_bytes(plan_json(plan_round(tiny).plan))
    return path


def test_summary_names_the_worst_unit(plan_file, tiny, data_dir, capsys):
    assert main(["simulate", str(plan_file), "--scenario", str(data_dir / "tiny.yaml"), "--runs", "4",
                 "--seed", "1"]) == 0
    out = capsys.readouterr().out
    sim = simulate_round(tiny.scenario, json.loads(plan_file.read_text(encoding="utf-8")), runs=4, seed=1, workers=1)
    rows = sim.units
    worst = max(rows, key=lambda r: (r.p_late, r.p_over_room, r.finish_p95))
    assert out.splitlines()[-1] == (
        f"summary: worst unit {worst.unit}: P95 finish {hm(worst.finish_p95)}, P95 peak queue {worst.peak_p95:.0f}, "
        f"P(late) {worst.p_late:.0%}, P(>room) {worst.p_over_room:.0%}")
    assert "4 runs, seed 1" in out  # the table's title
    for r in rows:
        assert any(line.strip(" │|").startswith(r.unit) for line in out.splitlines())


def test_no_runs_is_bad_input(plan_file, data_dir, capsys):
    assert main(["simulate", str(plan_file), "--scenario", str(data_dir / "tiny.yaml"), "--runs", "0"]) == 2
    assert capsys.readouterr().err == "--runs: must be at least 1\n"


def test_a_missing_plan_is_one_line(tmp_path, data_dir, capsys):
    assert main(["simulate", str(tmp_path / "plan.json"), "--scenario", str(data_dir / "tiny.yaml")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'plan.json'}: file not found\n"


def test_the_oldest_samples_line_and_the_age_columns(plan_file, tiny, data_dir, capsys):
    assert main(["simulate", str(plan_file), "--scenario", str(data_dir / "tiny.yaml"), "--runs", "6",
                 "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    sim = simulate_round(tiny.scenario, json.loads(plan_file.read_text(encoding="utf-8")), runs=6, workers=2)
    a = sim.worst_age()
    assert out.splitlines()[-2] == (f"sample age: oldest unit {a.unit}: P95 {a.age_p95:.0f} min "
                                    f"(plan {a.planned:.0f}), P(> 240 min) {a.p_over_limit:.0%}")
    assert "age P95" in out and "P(>age limit)" in out
    # not a terminal: no progress bar, one line on stderr
    assert err.startswith("natplan simulate: 6 runs, fast engine, 1 worker: done in ") and err.count("\n") == 1


def test_the_simpy_engine_is_selectable_and_agrees_with_the_library(plan_file, tiny, data_dir, capsys):
    assert main(["simulate", str(plan_file), "--scenario", str(data_dir / "tiny.yaml"), "--runs", "3",
                 "--engine", "simpy", "--workers", "2"]) == 0
    sim = simulate_round(tiny.scenario, json.loads(plan_file.read_text(encoding="utf-8")), runs=3, engine="simpy",
                         workers=1)
    worst = sim.worst_unit()
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"summary: worst unit {worst.unit}: P95 finish {hm(worst.finish_p95)}, P95 peak queue {worst.peak_p95:.0f}, "
        f"P(late) {worst.p_late:.0%}, P(>room) {worst.p_over_room:.0%}")


@pytest.mark.parametrize("flag, value, message", [
    ("--workers", "0", "--workers: must be at least 1\n"),
    ("--seed", "-1", "--seed: must be 0 or more\n"),
])
def test_bad_workers_or_seed_is_one_line(plan_file, data_dir, capsys, flag, value, message):
    assert main(["simulate", str(plan_file), "--scenario", str(data_dir / "tiny.yaml"), flag, value]) == 2
    assert capsys.readouterr().err == message
