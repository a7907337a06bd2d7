"""The city file: its rules with exact messages, and a township expanded into a town that passes every check.

tests/data/city_small.yaml: three Shinan subdistricts (6,000, 5,000 and 4,000 people), two labs of
40 and 200 tubes an hour, a round 06:00-20:00 with a 240-min age limit.  (Planning it is tested in
tests/scheduler/test_city.py.)
"""

import zlib
from pathlib import Path

import pytest
from shapely.geometry import shape

from natplan.models.checks import run_checks
from natplan.models.city import (
    is_city_document,
    lab_window_h,
    load_city,
    township_scenario,
    township_seed,
    tubes_of,
)
from natplan.models.problems import InputError
from natplan.routing.network import TRAVEL

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "tests" / "data" / "city_small.yaml"


@pytest.fixture(scope="module")
def city():
    return load_city(CITY)


def _problems(tmp_path, *changes: tuple[str, str]) -> list[str]:
    """The lines load_city reports for city_small.yaml with these text replacements (lines stay put)."""
    text = CITY.read_text(encoding="utf-8").replace("../../scenarios", str(ROOT / "scenarios"))
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_city(path, display="city.yaml")
    return str(e.value).splitlines()


def test_small_city_figures(city):
    c = city.city
    assert c.people == 15_000
    assert lab_window_h(c) == 18.0  # 06:00 to 20:00, plus the 4 h a sample may still take
    assert [tubes_of(t.people, c.parameters.pooling_ratio) for t in c.townships] == [600, 500, 400]
    assert tubes_of(4001, 10) == 401  # a partly filled tube is a tube
    assert set(city.township_geometry) == {"370202004", "370202005", "370202007"}


def test_a_city_document_lists_townships():
    assert is_city_document({"townships": []})
    assert not is_city_document({"villages": []})
    assert not is_city_document(["townships"])


def test_township_seed_is_the_city_seed_and_the_id(city):
    c = city.city
    seeds = [township_seed(c, t) for t in c.townships]
    assert seeds[0] == zlib.crc32(b"7:370202004") & 0x7FFFFFFF
    assert len(set(seeds)) == 3


def test_duplicate_ids(tmp_path):
    assert _problems(tmp_path, ("{id: '370202007'", "{id: '370202004'"), ("{id: L2", "{id: L1")) == [
        "city.yaml:24: townships[2].id: duplicate township id '370202004' (first used at townships[0])",
        "city.yaml:18: labs[1].id: duplicate lab id 'L1' (first used at labs[0])",
    ]


def test_resources_that_cannot_work(tmp_path):
    assert _problems(tmp_path, ("samplers: 8", "samplers: 2"), ("people: 5000, units: 2", "people: 1, units: 2"),
                     (", boundary: '16868579'", "")) == [
        "city.yaml:21: townships[0].samplers: 2 samplers cannot make 3 groups (at least one each)",
        "city.yaml:23: townships[1].units: 2 units for 1 people",
        "city.yaml:24: townships[2].boundary: a generated township needs a boundary (osm_id) or a scenario file",
    ]


def test_township_expands_into_a_town_that_passes_every_check(city):
    c = city.city
    t = c.townships[2]  # 江苏路街道: 4,000 people, 2 units, 2 groups, 5 samplers, 1 zone, 3 vehicles
    s = township_scenario(c, t, city.township_geometry[t.id], c.labs[1])
    assert (s.name, s.people, len(s.units), len(s.groups), len(s.zones), s.vehicles) == (
        "市南区江苏路街道", 4000, 2, 2, 1, 3)
    assert sum(g.count("sampler") for g in s.groups) == 5
    assert [z.vehicles for z in s.zones] == [t.zone_vehicles] == [2]
    assert (s.lab.id, s.lab.name, s.lab.location) == ("L2", "市北区检测实验室", c.labs[1].location)
    assert s.parameters.seed == township_seed(c, t)
    assert [v.name for v in s.villages] == ["江苏路1社区"]  # one community per 6,000 people, at least one
    assert run_checks(s, shape(s.region.boundary), TRAVEL) == []
    again = township_scenario(c, t, city.township_geometry[t.id], c.labs[1])
    assert again == s
