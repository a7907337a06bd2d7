"""``natplan replan``: the new plan, the change list and the changed sheets written all at once, verified by
``natplan verify``; bad events at their line, a round that cannot be re-planned with its fix, exit 2."""

from __future__ import annotations

import json

import pytest

from natplan.cli.main import main
from natplan.planfile import plan_json
from tests.scheduler.replan.bases import load

TINY = "tests/data/tiny.yaml"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    (folder / "plan.json").write_bytes(plan_json(load("tiny")))  # tests/scheduler/replan/bases.py
    return folder / "plan.json"


def _events(tmp_path, text: str):
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_replan_writes_the_plan_the_changes_and_the_changed_sheets(base, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1647140000")
    events = _events(tmp_path, "events:\n- {kind: unit_closed, unit: U2, at: '11:00', until: '11:30', note: 停电}\n"
                               "- {kind: positive_pool, unit: U2, tube: 3, at: '12:00'}\n")
    out = tmp_path / "out"
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(out), "--lang", "en"]) == 0
    assert {p.name for p in out.iterdir()} == {".natplan-manifest.json", "plan.json", "plan.xlsx", "changes.txt",
                                                "changes.pdf", "notices"}
    assert {p.name for p in (out / "notices").iterdir()} == {"V1_甲村.txt", "V1_甲村.svg"}  # the one changed village
    text = (out / "changes.txt").read_text(encoding="utf-8")
    assert text == capsys.readouterr().out.split(f"{out}: ")[0]
    lines = text.splitlines()
    assert lines[:4] == ["小测试镇: re-planned from 11:00 (changed slots are announced at least 30 min ahead)",
                         "Events", "  11:00 unit U2 closes, reopens 11:30 (停电)", "  12:00 tube 3 of U2 is positive"]
    assert "Villages that get a new notice (1)" in lines
    assert "    G3 甲村3组: U2 10:30–11:00, households 1–10, 25 people; U2 11:30–12:00, households 11–30, 50 " \
           "people; U2 11:30–12:00, households 31–40, 25 people; U2 12:00–12:30, households 41–50, 25 people; " \
           "U2 12:00–12:30, households 51–60, 23 people" in lines
    assert "Unit rosters to print again (1): U2 甲村西检测点" in lines
    assert lines[-2] == ("retest of tube 3 of U2: 10 people one tube each (G2 households 9–12), at home, team R1 "
                         "leaves 12:00, at the lab 13:14")
    assert lines[-1] == "Sampling done: 12:30 → 12:44; oldest sample: 208 → 208 min"
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["replan"]["events_sha256"] and plan["replan"]["base_plan_sha256"]
    assert main(["verify", str(out / "plan.json"), "--scenario", TINY]) == 0


def test_the_change_list_is_in_chinese_by_default(base, tmp_path, capsys):
    events = _events(tmp_path, "events: [{kind: more_people, grid: G1, people: 20, at: '09:00'}]")
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "  09:00 网格 G1 多出 20 人（台账外）" in out
    assert "  G1 甲村1组：20 人 台账外 → U2" in out


def test_a_broken_events_file_is_named_at_its_line_and_nothing_is_written(base, tmp_path, capsys):
    events = _events(tmp_path, "events:\n- {kind: unit_closed, unit: U9, at: '11:00'}\n")
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == f"{events}:2: events[0].unit: unknown unit 'U9'"
    assert not (tmp_path / "o").exists()


def test_a_result_for_a_tube_the_lab_does_not_have_yet_is_refused(base, tmp_path, capsys):
    events = _events(tmp_path, "events:\n- {kind: positive_pool, unit: U2, tube: 3, at: '11:00'}\n")
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{events}:2: events[0].at: tube 3 of U2 reaches the lab at 11:44 in the plan (shuttle of 11:14); a result "
        f"at 11:00 cannot be for it")


def test_a_round_that_cannot_be_replanned_says_what_breaks_and_what_would_fix_it(base, tmp_path, capsys):
    events = _events(tmp_path, "events: [{kind: unit_closed, unit: U2, at: '11:00'}]")
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"{events}: U2: 123 people of grid(s) G3 (called to U2) have no unit within 3,000 m that can sample them by "
        "13:00 — fix: reopen U2 by 11:46, or move the deadline to 14:14, or send a group to open a unit within "
        "3,000 m of G3")
    assert not (tmp_path / "o").exists()


def test_a_plan_of_another_scenario_is_refused(base, tmp_path, capsys):
    other = tmp_path / "tiny.yaml"
    other.write_text(open(TINY, encoding="utf-8").read().replace("deadline: \"13:00\"", "deadline: \"13:30\""),
                     encoding="utf-8")
    events = _events(tmp_path, "events: [{kind: lab_slow, tubes_per_hour: 50, at: '10:00'}]")
    assert main(["replan", str(base), "--scenario", str(other), "--events", str(events), "-o",
                 str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{base}: made from a different version of {other}; re-plan with the scenario the plan was made from")
