"""Scenario loading: the real scenarios load, broken files get their exact one-line messages."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from natplan.cli import main
from natplan.models.loader import _Loader, load_scenario
from natplan.models.problems import InputError
from natplan.models.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
B = "tests/data/broken/"

BROKEN = {
    "missing.yaml": [f"{B}missing.yaml: file not found"],
    "empty.yaml": [f"{B}empty.yaml: the file is empty"],
    "not_yaml.yaml": [f"{B}not_yaml.yaml:12: villages[0].name: not valid YAML or JSON: expected ',' or ']', but got ':'"],
    "not_json.json": [f"{B}not_json.json:1: region.name: not valid YAML or JSON: expected ',' or '}}', but got '<stream end>'".replace("}}", "}")],
    "top_level_list.yaml": [f"{B}top_level_list.yaml:1: the top level must be a mapping of fields (name:, region:, villages: …)"],
    "gb18030.yaml": [f"{B}gb18030.yaml:3: is not UTF-8 text (byte 0xb2 at offset 144); save it as UTF-8"],
    "wrong_type.yaml": [f"{B}wrong_type.yaml:14: villages[0].grids[0].people: Input should be a valid integer (got 'many')"],
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
    "zone_no_vehicle.yaml": [f"{B}zone_no_vehicle.yaml:35: zones[0].vehicles: zone Z1 has no vehicle and "
                             "fleet.lend_station_vehicles is false: give the zone a vehicle, or allow station vehicles "
                             "to be lent"],
    "vehicle_named_twice.yaml": [f"{B}vehicle_named_twice.yaml:34: zones[0].vans[0].id: duplicate vehicle id 'V1' "
                                 "(first used at station.vehicles[0].id)"],
    "window_closes_before_open.yaml": [f"{B}window_closes_before_open.yaml:22: units[1].close: unit U2 closes (09:00) before it opens (10:00)"],
    # issue 17: files that were accepted, crashed or lost their line before
    "duplicate_deadline.yaml": [
        f"{B}duplicate_deadline.yaml:49: parameters.deadline: 'deadline' is given twice in one mapping (first at line 47); delete one",
    ],
    "merged_vehicles.yaml": [
        f"{B}merged_vehicles.yaml:43: station.vehicles[0].name: 'name' is given twice in one mapping (first at line 41); delete one",
        f"{B}merged_vehicles.yaml:44: station.vehicles[0].capacity_boxes: 'capacity_boxes' is given twice in one mapping (first at line 42); delete one",
    ],
    "households_true.yaml": [
        f"{B}households_true.yaml:14: villages[0].grids[0].households: Input should be a valid integer (got true)",
    ],
    "households_zero.yaml": [
        f"{B}households_zero.yaml:16: villages[0].grids[2].households: grid G3 has 200 people but no households; give its households (户数)",
    ],
    "home_far_away.yaml": [
        f"{B}home_far_away.yaml:19: special_needs[1].location: the home of S2 at (87.60000, 43.80000) is more than 1 km outside the region boundary",
    ],
    "impossible_date.yaml": [
        f"{B}impossible_date.yaml:45: parameters.date: 2022-13-45 is not a date (month must be in 1..12)",
    ],
    "seed_too_big.yaml": [
        f"{B}seed_too_big.yaml:49: parameters.seed: at most 2,147,483,647 (2^31 - 1): the solvers take 32-bit seeds (got 18,446,744,073,709,551,616)",
    ],
    "huge_number.yaml": [
        f"{B}huge_number.yaml:21: units[0].waiting_room: a number of 401 digits; no value here has more than 30",
    ],
    "too_many_desks.yaml": [
        f"{B}too_many_desks.yaml:21: units[0].desks: at most 50 desks at one unit (got 400)",
    ],
    "float_and_number_ids.yaml": [
        f"{B}float_and_number_ids.yaml:22: units[1].id: Input should be a valid string (got 2)",
        f"{B}float_and_number_ids.yaml:22: units[1].desks: Input should be a valid integer (got 1.0)",
        f"{B}float_and_number_ids.yaml:40: station.vehicles[0].id: Input should be a valid string (got 1.5)",
    ],
    "alias_and_tag.yaml": [
        f"{B}alias_and_tag.yaml:49: parameters.slot_min: aliases (*rate) are not read; write the value out in full",
        f"{B}alias_and_tag.yaml:50: parameters.tubes_per_box: the tag !!python/object:os.system is not read; write the value without it",
    ],
    "control_character.yaml": [
        f"{B}control_character.yaml:11: villages[0].name: holds the character U+0007, which cannot be printed; remove it",
    ],
    "missing_boundary_file.yaml": [
        f"{B}missing_boundary_file.yaml:6: region.boundary: data/no_such_boundary.geojson: file not found",
    ],
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


def test_a_deadline_no_plan_can_meet_exits_1_with_the_reason(capsys, monkeypatch):
    # tiny: 348 walk-ins at 100 an hour (one group at a time, a 1-desk unit) need 3.5 h; 08:00-10:00 is 2 h
    monkeypatch.chdir(ROOT)
    assert main(["validate", B + "deadline_past_bound.yaml", "--json"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [(
        f"{B}deadline_past_bound.yaml:47: parameters.deadline: even at full staffed speed the round needs 3.5 h "
        "(the throughput bound), more than the 2.0 h from start to deadline: no plan can sample everyone in time; "
        "add groups, samplers or desks, or move the deadline")]
    checks = {c["key"]: (c["status"], c["severity"]) for c in json.loads(out)["checks"]}
    assert checks == {"people_per_unit": ("ok", "warning"), "people_per_desk": ("ok", "warning"),
                      "samplers_needed": ("ok", "warning"), "throughput_hours": ("high", "error")}
    assert main(["validate", "tests/data/tiny.yaml"]) == 0
