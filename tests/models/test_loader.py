"""Scenario loading: the real scenarios load, broken files get their exact one-line messages."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from natplan.models.loader import _Loader, load_scenario
from natplan.models.problems import InputError
from natplan.models.scenario import Scenario
from natplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
B = "tests/data/broken/"

BROKEN = {
    "missing.yaml": [f"{B}missing.yaml: file not found"],
    "empty.yaml": [f"{B}empty.yaml: the file is empty"],
    "not_yaml.yaml": [f"{B}not_yaml.yaml:12: not valid YAML or JSON: expected ',' or ']', but got ':'"],
    "not_json.json": [f"{B}not_json.json:1: not valid YAML or JSON: expected ',' or '}}', but got '<stream end>'".replace("}}", "}")],
    "top_level_list.yaml": [f"{B}top_level_list.yaml:1: the top level must be a mapping of fields (name:, region:, villages: …)"],
    "gb18030.yaml": [f"{B}gb18030.yaml: is not UTF-8 text (byte 0xb2 at offset 144); save it as UTF-8"],
    "wrong_type.yaml": [f"{B}wrong_type.yaml:14: villages[0].grids[0].people: Input should be a valid integer, unable to parse string as an integer"],
    "negative_count.yaml": [f"{B}negative_count.yaml:16: villages[0].grids[2].people: Input should be greater than or equal to 0"],
    "unknown_field.yaml": [f"{B}unknown_field.yaml:21: units[0].desk: unknown field (check the spelling; `natplan schema` lists the fields)"],
    "bad_clock.yaml": [f"{B}bad_clock.yaml:46: parameters.start: expected a clock time like 08:00, got '8h'"],
    "deadline_before_start.yaml": [f"{B}deadline_before_start.yaml:47: parameters.deadline: deadline 07:00 is not after the start 08:00 (write 30:00 for 06:00 the next day)"],
    "duplicate_id.yaml": [f"{B}duplicate_id.yaml:17: villages[0].grids[3].id: duplicate village/grid id 'G1' (first used at villages[0].grids[0].id)"],
    "unknown_unit_in_zone.yaml": [
        f"{B}unknown_unit_in_zone.yaml:35: zones[0].units[1]: unknown unit 'U9'",
        f"{B}unknown_unit_in_zone.yaml:22: units[1].id: unit U2 is in no courier zone; add it to one zone's units",
    ],
    "unknown_grid_special.yaml": [f"{B}unknown_grid_special.yaml:19: special_needs[1].grid: unknown grid 'G7'"],
    "zone_no_units.yaml": [f"{B}zone_no_units.yaml:36: zones[1].units: zone Z2 has no units"],
    "unit_outside_region.yaml": [f"{B}unit_outside_region.yaml:22: units[1].location: unit U2 at (120.09000, 36.00600) is outside the region boundary"],
    "more_than_ledger.yaml": [f"{B}more_than_ledger.yaml:14: villages[0].grids[0].people: grid G1 has 100 people but its ledger lists 90"],
    "no_sampler.yaml": [f"{B}no_sampler.yaml:27: groups[0].members: group T1 has no sampler"],
    "zone_no_vehicle.yaml": [f"{B}zone_no_vehicle.yaml:35: zones[0].vehicles: Input should be greater than 0"],
    "window_closes_before_open.yaml": [f"{B}window_closes_before_open.yaml:22: units[1].close: unit U2 closes (09:00) before it opens (10:00)"],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gets_exact_message(name, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(["validate", B + name])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == BROKEN[name]
    assert out == ""


def test_broken_file_from_the_shell_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "natplan", "validate", B + "wrong_type.yaml"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == BROKEN["wrong_type.yaml"][0]


def test_default_scenario_has_the_reported_counts(xiagezhuang):
    s = xiagezhuang.scenario
    assert s.people == 33_438
    assert len(s.groups) == 17
    assert len(s.units) == 29
    assert len(s.zones) == 4
    assert s.vehicles == 6
    assert len(s.villages) == 54
    assert all(z.interval_min == 30 for z in s.zones)
    # 1-2 % special needs, households about 2.7 people
    assert 0.01 <= len(s.special_needs) / s.people <= 0.02
    assert 2.5 <= s.people / s.households <= 2.9


def test_validate_prints_the_counts(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "scenarios/xiagezhuang.yaml", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {k: summary["counts"][k] for k in ("people", "groups", "units", "zones", "vehicles")} == {
        "people": 33438, "groups": 17, "units": 29, "zones": 4, "vehicles": 6}


@pytest.mark.parametrize("path", ["scenarios/xiagezhuang.yaml", "scenarios/qixia.yaml", "tests/data/tiny.yaml"])
def test_scenario_files_validate_against_the_json_schema(path, capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    data = yaml.load((ROOT / path).read_text(encoding="utf-8"), Loader=_Loader)
    jsonschema.validate(data, schema)


def test_schema_rejects_what_the_loader_rejects(capsys):
    main(["schema"])
    schema = json.loads(capsys.readouterr().out)
    data = yaml.load((ROOT / B / "negative_count.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_json_scenario_loads_like_yaml(tmp_path, tiny):
    data = yaml.load((ROOT / "tests/data/tiny.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    f = tmp_path / "tiny.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_scenario(f).scenario == tiny.scenario


def test_yaml_keeps_clock_times_and_norway(tmp_path):
    assert yaml.load("a: 8:00\nb: no\nc: 1.5\nd: true", Loader=_Loader) == {"a": "8:00", "b": "no", "c": 1.5, "d": True}


def test_qixia_scenario_has_the_report_figures():
    s = load_scenario(ROOT / "scenarios" / "qixia.yaml").scenario
    assert s.people == 16_498
    assert len(s.zones) == 6
    communities = [v for v in s.villages if v.name.endswith("社区")]
    assert len(communities) == 14 and sum(g.people for v in communities for g in v.grids) == 5_276
    assert len(s.villages) - len(communities) == 34
    assert s.households == 7_718 + 2_015


def test_generator_is_deterministic():
    from natplan.models.generate import generate_town, scenario_to_yaml
    from natplan.models.presets import xiagezhuang

    committed = (ROOT / "scenarios" / "xiagezhuang.yaml").read_text(encoding="utf-8")
    s = generate_town(xiagezhuang())
    assert scenario_to_yaml(s, s.description) == committed


def test_inline_and_file_errors_raise_input_error():
    with pytest.raises(InputError) as e:
        load_scenario(ROOT / B / "zone_no_units.yaml", display="z.yaml")
    assert str(e.value) == "z.yaml:36: zones[1].units: zone Z2 has no units"
    assert isinstance(Scenario.model_json_schema(), dict)
