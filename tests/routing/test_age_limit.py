"""A unit whose samples cannot reach the lab within the age limit is named, and `natplan plan` exits 2.

Same style as the broken-file tests in tests/models: a YAML in tests/data/broken/ and its exact
one-line message."""

from pathlib import Path

import yaml

from natplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
B = "tests/data/broken/"
NAME = "unit_too_far_for_age_limit.yaml"
MESSAGE = (f"{B}{NAME}:24: units[1].location: unit U2 (甲村西检测点) cannot get its samples to the lab within the "
           "240-min age limit: 30 min collection interval + 21 min to the station + 180 min to the lab + "
           "10 min handover = 241 min")


def test_plan_names_the_unit_that_cannot_reach_the_lab_in_time(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(["plan", B + NAME])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == [MESSAGE]


def test_validate_gives_the_same_message(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", B + NAME]) == 2
    assert capsys.readouterr().err.splitlines() == [MESSAGE]


def test_lab_too_far_for_every_unit_is_said_once_against_the_lab(capsys, monkeypatch, tmp_path):
    data = yaml.safe_load((ROOT / B / NAME).read_text(encoding="utf-8"))
    data["lab"]["travel_min"] = 205  # 30 + 205 + 10 = 245 > 240 even from the station
    path = tmp_path / "lab_far.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "lab_far.yaml"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("lab.travel_min: samples cannot reach the lab within the 240-min age limit even from "
                             "the station: 30 min collection interval + 205 min to the lab + 10 min handover = 245 min")
