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


def _sections(pdf) -> list[str]:
    """The sections of a PDF of the printed set, in order, each once: the name in each page's footer."""
    import re

    from pypdf import PdfReader

    names = [re.match(r"(.*?) ?Page \d+ of \d+", page.extract_text().splitlines()[-1]).group(1)
             for page in PdfReader(pdf).pages]
    return list(dict.fromkeys(names))


def test_changes_pdf_holds_the_change_list_and_only_the_sheets_that_changed(base, tmp_path, capsys):
    # U2 closes 11:00-11:30: G3 is called again from 11:30 (village V1's notice), U2's day ends 12:44 instead of
    # 12:30 (its roster, the overview's finish and the group timetable), Z1-1 picks up other tubes (its route and
    # handover sheets); U1, the shuttles and the home visits stay, and so do their sheets: not printed again.
    events = _events(tmp_path, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")
    out = tmp_path / "out"
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(out), "--lang", "en"]) == 0
    assert _sections(out / "changes.pdf") == ["Change list", "Overview", "Group timetable", "Unit roster U2",
                                              "Courier route sheet Z1-1", "Sample handover sheet Z1-1",
                                              "Nucleic-acid testing notice 甲村"]
    from pypdf import PdfReader

    first = PdfReader(out / "changes.pdf").pages[0].extract_text()
    assert "Events" in first and "11:00 unit U2 closes, reopens 11:30" in first


def test_changes_pdf_of_a_retest_alone_is_the_change_list(base, tmp_path, capsys):
    # a positive pool retested at home changes no slot, roster, loop or shuttle, nor the overview
    events = _events(tmp_path, "events: [{kind: positive_pool, unit: U2, tube: 3, at: '12:00'}]")
    out = tmp_path / "out"
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(events), "-o", str(out), "--lang", "en"]) == 0
    assert _sections(out / "changes.pdf") == ["Change list"]


def test_a_replanned_plan_is_replanned_again_from_its_latest_event(base, tmp_path, capsys):
    import hashlib

    first = _events(tmp_path, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")
    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(first), "-o", str(out1)]) == 0
    then = tmp_path / "then.yaml"
    then.write_text("events:\n- {kind: positive_pool, unit: U2, tube: 3, at: '12:00'}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["replan", str(out1 / "plan.json"), "--scenario", TINY, "--events", str(then), "-o", str(out2),
                 "--lang", "en"]) == 0
    lines = (out2 / "changes.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["小测试镇: re-planned from 12:00 (changed slots are announced at least 30 min ahead)",
                         "Events", "  12:00 tube 3 of U2 is positive"]  # only the new event
    assert "Villages that get a new notice (0)" in lines and "Unit rosters to print again (0): none" in lines
    plan = json.loads((out2 / "plan.json").read_text(encoding="utf-8"))
    r = plan["replan"]
    assert [e["kind"] for e in r["events"]] == ["unit_closed", "positive_pool"] and r["cut"] == 720
    assert r["base_plan_sha256"] == hashlib.sha256((out1 / "plan.json").read_bytes()).hexdigest()
    assert r["earlier"] == [{"base_plan_sha256": hashlib.sha256(base.read_bytes()).hexdigest(), "cut": 660,
                             "events": 1, "events_sha256": hashlib.sha256(first.read_bytes()).hexdigest()}]
    assert main(["verify", str(out2 / "plan.json"), "--scenario", TINY]) == 0


def test_an_event_before_those_of_the_replanned_plan_is_named_at_its_line(base, tmp_path, capsys):
    first = _events(tmp_path, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")
    out1 = tmp_path / "out1"
    assert main(["replan", str(base), "--scenario", TINY, "--events", str(first), "-o", str(out1)]) == 0
    then = tmp_path / "then.yaml"
    then.write_text("events:\n- {kind: positive_pool, unit: U2, tube: 3, at: '12:00'}\n"
                    "- {kind: lab_slow, tubes_per_hour: 50, at: '10:30'}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["replan", str(out1 / "plan.json"), "--scenario", TINY, "--events", str(then), "-o",
                 str(tmp_path / "out2")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{then}:3: events[1].at: 10:30 is before 11:00, the latest event the plan was re-planned for; a new re-plan "
        f"starts at or after it — fix: re-plan the original plan.json with all the events in one file")
    assert not (tmp_path / "out2").exists()
