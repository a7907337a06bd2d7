"""The town generator and its presets: exact splits, a generated town that validates, same seed same bytes.

(The committed Xiagezhuang file is compared with the generator in test_loader.py; the city generator's
people and resources in tests/scheduler/test_city.py.)
"""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from shapely.geometry import box, mapping

from natplan.models.city_generate import BOUNDARY_FILE, SCENARIOS, city_to_yaml, generate_city, township_weight
from natplan.models.generate import TownSpec, VillageSpec, generate_town, scenario_to_yaml, split_integer
from natplan.models.loader import _Loader, load_scenario
from natplan.models.presets import PRESETS, qixia, xiagezhuang
from natplan.models.scenario import Lab, Role, Scenario
from natplan.routing.network import TRAVEL

ROOT = Path(__file__).resolve().parents[2]
SQUARE = box(120.0, 36.0, 120.06, 36.05)  # about 5.4 × 5.6 km


def _spec(seed: int = 5) -> TownSpec:
    """A small town: a seat village of known size, one of unknown size, one with a community."""
    return TownSpec(
        name="方镇", geometry=SQUARE, boundary_ref="boundary.geojson",
        villages=(VillageSpec("甲村", people=600, households=200, seat=True), VillageSpec("乙村"),
                  VillageSpec("丙村", community="丙社区")),
        total_people=1500, units=2, groups=2, zones=1, vehicles=2, station_name="方镇中转站",
        lab=Lab(name="实验室", travel_min=30), seed=seed,
    )


@pytest.mark.parametrize("total, weights, parts", [
    (10, [1, 1, 2], [3, 2, 5]),  # 2.5, 2.5, 5: the first remainder in order gets the spare one
    (7, [1, 1, 1], [3, 2, 2]),
    (0, [1, 3], [0, 0]),
    (100, [0.2, 0.3, 0.5], [20, 30, 50]),
    (5, [1e-9, 1], [0, 5]),
])
def test_split_integer_by_largest_remainder(total, weights, parts):
    assert split_integer(total, np.array(weights, dtype=float)).tolist() == parts


def test_generated_town_keeps_what_it_was_told(tmp_path):
    s = generate_town(_spec())
    assert s.people == 1500
    by_village = {v.name: v for v in s.villages}
    assert sum(g.people for g in by_village["甲村"].grids) == 600
    assert sum(g.households for g in by_village["甲村"].grids) == 200
    assert by_village["丙村"].community == "丙社区"
    assert all(v.synthetic for v in s.villages)
    assert (len(s.units), len(s.groups), len(s.zones), s.vehicles) == (2, 2, 1, 2)
    assert [v.name for v in s.station.vehicles] == ["应急车1", "应急车2"]
    # a group: a lead, 5 samplers, 2 registrars, 2 order keepers, a disinfector; homes at the units in turn
    assert [[g.count(r) for r in Role] for g in s.groups] == [[1, 5, 2, 2, 1]] * 2
    assert [g.home for g in s.groups] == ["U01", "U02"]
    assert sorted(u for z in s.zones for u in z.units) == ["U01", "U02"]
    assert all(2 <= u.desks <= 6 for u in s.units)
    grid_ids = {g.id for g in s.grids()}
    assert {p.grid for p in s.special_needs} <= grid_ids


def test_generated_town_file_loads_and_passes_every_check(tmp_path):
    s = generate_town(_spec())
    (tmp_path / "boundary.geojson").write_text(json.dumps({"type": "Feature", "geometry": mapping(SQUARE)}),
                                               encoding="utf-8")
    path = tmp_path / "town.yaml"
    path.write_text(scenario_to_yaml(s, "方镇, generated for a test."), encoding="utf-8")
    loaded = load_scenario(path, travel=TRAVEL)
    assert loaded.scenario == s
    assert loaded.warnings == ()
    assert loaded.geometry.equals(SQUARE)


def test_same_seed_same_bytes_other_seed_other_town():
    a = scenario_to_yaml(generate_town(_spec(seed=5)))
    assert scenario_to_yaml(generate_town(_spec(seed=5))) == a
    other = generate_town(_spec(seed=6))
    assert scenario_to_yaml(other) != a
    assert other.people == 1500  # the given figures hold for any seed


def test_yaml_round_trip_with_a_header(tiny):
    text = scenario_to_yaml(tiny.scenario, "First line.\n\nAfter a blank line.")
    assert text.startswith("# First line.\n#\n# After a blank line.\nname: 小测试镇\n")
    assert "甲村东检测点" in text  # Chinese stays readable, not \u escapes
    assert "location: {lon: 120.005, lat: 36.006}" in text  # points on one line
    assert Scenario.model_validate(yaml.load(text, Loader=_Loader)) == tiny.scenario
    assert Scenario.model_validate(yaml.load(scenario_to_yaml(tiny.scenario, fast=True), Loader=_Loader)) == \
        tiny.scenario


def test_presets_carry_the_published_figures():
    x = xiagezhuang()
    assert (x.total_people, x.units, x.groups, x.zones, x.vehicles, x.samplers_per_group) == (33_438, 29, 17, 4, 6, 6)
    assert len(x.villages) == 54 and sum(v.synthetic_name for v in x.villages) == 15
    assert [v.name for v in x.villages if v.seat] == [f"夏格庄{n}村" for n in "一二三四五六七"]
    assert (x.parameters.start, x.parameters.deadline, x.seed) == (360, 1080, 2022)
    q = qixia()
    assert (q.total_people, q.units, q.groups, q.zones, q.vehicles) == (16_498, 9, 8, 6, 3)
    assert len(q.villages) == 48 and sum(v.people for v in q.villages) == 16_498
    assert sum(v.households for v in q.villages) == 7_718 + 2_015
    assert set(PRESETS) == {"xiagezhuang", "qixia"}


def test_committed_qixia_file_is_what_the_generator_makes():
    s = generate_town(qixia())
    assert scenario_to_yaml(s, s.description) == (ROOT / "scenarios" / "qixia.yaml").read_text(encoding="utf-8")


def test_township_weight_density_rule():
    assert township_weight("town", 20.0) == 20.0  # rural: by area
    assert township_weight("subdistrict", 10.0) == 210.0  # 20 × 10 km² of city + 10 km²
    assert township_weight("subdistrict", 40.0) == 340.0  # the core is at most 15 km²: 20 × 15 + 40


def test_city_file_names_its_boundary_relative_to_its_folder(tmp_path):
    city = generate_city(target_people=50_000)
    text = city_to_yaml(city, tmp_path)
    written = yaml.load(text, Loader=_Loader)["region"]["boundary"]
    assert (tmp_path / written).resolve() == (SCENARIOS / BOUNDARY_FILE).resolve()
    assert yaml.load(city_to_yaml(city), Loader=_Loader)["region"]["boundary"] == BOUNDARY_FILE
