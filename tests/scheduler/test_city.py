"""City scale: the generator's facts, lab assignment with a known optimum, the lab queue, the same
plan from the process pool and from a local Dask cluster, verify on the joined plan, broken files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from natplan.models.city import load_city
from natplan.models.city_generate import QINGDAO_PEOPLE, generate_city
from natplan.models.problems import InputError
from natplan.scheduler.city import assign_labs, lab_queue, plan_city, township_origin
from natplan.scheduler.city_verify import verify_city
from natplan.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
CITY = DATA / "city_small.yaml"


@pytest.fixture(scope="module")
def qingdao():
    return generate_city()


def test_qingdao_has_the_census_people_and_the_october_2020_resources(qingdao):
    assert qingdao.people == QINGDAO_PEOPLE == 10_071_722
    assert len(qingdao.townships) == 135
    assert sum(t.units for t in qingdao.townships) == 4090
    assert sum(t.samplers for t in qingdao.townships) == 10_000
    by_district = {}
    for t in qingdao.townships:
        by_district[t.district] = by_district.get(t.district, 0) + t.people
    # the district totals OSM carries are kept exactly
    assert by_district["市南区"] == 486_643
    assert by_district["市北区"] == 1_096_879
    assert by_district["青岛西海岸新区（黄岛区）"] == 1_903_595
    assert all(t.samplers >= 2 * t.groups for t in qingdao.townships)


def test_generator_is_deterministic_and_partial_cities_are_exact():
    assert generate_city(target_people=1_000_000) == generate_city(target_people=1_000_000)
    part = generate_city(target_people=1_000_000)
    assert part.people == 1_000_000
    assert generate_city(seed=1).parameters.seed == 1


def test_committed_qingdao_file_is_what_the_generator_makes():
    from natplan.models.city_generate import city_to_yaml

    path = Path(__file__).resolve().parents[2] / "scenarios" / "qingdao.yaml"
    assert path.read_text(encoding="utf-8") == city_to_yaml(generate_city(), path.parent)


def test_lab_queue_known_answer():
    # 100 tubes at 10:00 at 120/h are done at 10:50; 100 more at 11:00 are done at 11:50
    assert lab_queue([(600, 100), (660, 100)], 120) == (710, 100)
    # arrivals faster than the lab: the backlog builds up
    assert lab_queue([(600, 120), (630, 120)], 120) == (720, 180)
    assert lab_queue([], 50) == (None, 0)


def test_labs_assigned_to_the_known_optimum():
    loaded = load_city(CITY)
    origins = {t.id: township_origin(loaded.township_geometry[t.id]) for t in loaded.city.townships}
    choice = assign_labs(loaded.city, origins)
    assert choice.problems == []
    # L1 (nearest to all) takes 720 tubes in the round: only the biggest township (600) fits
    assert choice.lab == {"370202004": "L1", "370202005": "L2", "370202007": "L2"}


def test_labs_too_small_are_reported(tmp_path):
    text = CITY.read_text(encoding="utf-8").replace("tubes_per_hour: 200", "tubes_per_hour: 20")
    text = text.replace("../../scenarios", str(Path(__file__).resolve().parents[2] / "scenarios"))
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_city(path)
    assert [p.format(err.value.file) for p in err.value.problems] == [
        f"{path}:16: labs: the labs test 1,080 tubes between the start and the deadline plus the sample age limit, "
        "the city needs 1,500 tubes"]


def test_unknown_boundary_message(tmp_path, capsys):
    text = CITY.read_text(encoding="utf-8").replace("boundary: '16846887'", "boundary: '999'")
    text = text.replace("../../scenarios", str(Path(__file__).resolve().parents[2] / "scenarios"))
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["plan", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{path}:22: townships[1].boundary: no feature with osm_id '999' in the region boundary file"]
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def pooled():
    loaded = load_city(CITY)
    return loaded, plan_city(loaded, workers=2, render=False, printed_at="2022-04-01 20:00")


def test_pool_and_local_dask_give_the_same_plan(pooled):
    pytest.importorskip("dask.distributed")
    loaded, a = pooled
    b = plan_city(loaded, workers=2, dask="local", render=False, printed_at="2022-04-01 20:00")
    assert a.plan == b.plan
    assert a.files == b.files  # every township's plan.json and scenario.yaml, byte for byte
    assert a.plan.kpis.planned == 3


def test_joined_plan_passes_verify_and_kpis_are_the_townships(pooled, tmp_path):
    loaded, out = pooled
    from natplan.planfile import plan_json

    for name, data in out.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "plan.json").write_bytes(plan_json(out.plan))
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert verify_city(loaded.city, plan, tmp_path) == []
    finishes = [json.loads((tmp_path / r["folder"] / "plan.json").read_text())["kpis"]["finish"]
                for r in plan["townships"]]
    assert plan["kpis"]["finish"] == max(finishes)
    assert plan["kpis"]["people"] == 15_000
    # a planted violation in one township plan is named
    tp = tmp_path / "townships" / "370202005" / "plan.json"
    doc = json.loads(tp.read_text())
    doc["kpis"]["finish"] = 23 * 60
    tp.write_text(json.dumps(doc))
    problems = verify_city(loaded.city, plan, tmp_path)
    assert "township 370202005 中山路街道: plan.json is not the one the city plan names (digest differs)" in problems


def test_cli_plans_prints_and_verifies_a_city(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1648800000")
    city = tmp_path / "city"
    shutil.copy(CITY, tmp_path / "city.yaml")
    text = (tmp_path / "city.yaml").read_text(encoding="utf-8")
    (tmp_path / "city.yaml").write_text(
        text.replace("../../scenarios", str(Path(__file__).resolve().parents[2] / "scenarios")), encoding="utf-8")
    assert main(["plan", str(tmp_path / "city.yaml"), "-o", str(city), "--workers", "2"]) == 0
    assert {p.name for p in city.iterdir()} == {".natplan-manifest.json", "plan.json", "city.pdf", "city.xlsx", "index.html", "townships"}
    for tid in ("370202004", "370202005", "370202007"):
        assert {p.name for p in (city / "townships" / tid).iterdir()} == {
            "boundary.geojson", "scenario.yaml", "plan.json", "plan.xlsx", "rosters.pdf", "index.html", "notices"}
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(city / "city.pdf").pages)
    for name in ("云南路街道", "中山路街道", "江苏路街道", "市南区检测实验室"):
        assert name in text
    capsys.readouterr()
    assert main(["verify", str(city / "plan.json"), "--scenario", str(tmp_path / "city.yaml")]) == 0
    assert "every rule holds in all 3 townships" in capsys.readouterr().out
    # and it does so without loading any solver
    from tests.cli.test_verify import solvers_loaded_by

    assert solvers_loaded_by(["verify", str(city / "plan.json"), "--scenario", str(tmp_path / "city.yaml")]) == "0 []"
    # a township's set printed again later from its folder reads the same, page for page
    town = city / "townships" / "370202005"
    before = [page.extract_text() for page in PdfReader(town / "rosters.pdf").pages]
    (town / "rosters.pdf").unlink()
    assert main(["print", str(town)]) == 0
    assert [page.extract_text() for page in PdfReader(town / "rosters.pdf").pages] == before
    assert main(["print", str(city)]) == 2
    assert capsys.readouterr().err.strip().endswith("a city plan: print one of its townships/<id> folders")


def test_a_township_with_its_own_scenario_file_is_planned_from_it(tmp_path):
    """夏格庄镇 is a township of Qingdao: a city file may name the real town scenario instead of generating."""
    import yaml

    import hashlib
    import pickle

    from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT
    from natplan.scheduler.city import TownshipJob, township_job

    repo = Path(__file__).resolve().parents[2]
    doc = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    doc["region"]["boundary"] = str(repo / "scenarios" / "data" / "qingdao_admin_boundaries.geojson")
    # the town's samples go to a city lab in Laixi: the 市北 lab, 70 km away, is too far for the town's eastern
    # units within the 240-min age limit once the station handover is counted (the plan says so, per unit)
    doc["labs"].append({"id": "L3", "name": "莱西市检测实验室", "location": {"lon": 120.5171, "lat": 36.8653},
                        "tubes_per_hour": 2000})
    doc["townships"].append({"id": "370285104", "name": "夏格庄镇", "district": "莱西市", "kind": "town",
                             "people": 33438, "units": 29, "groups": 17, "samplers": 102, "zones": 4,
                             "vehicles": 6, "scenario": str(repo / "scenarios" / "xiagezhuang.yaml")})
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    loaded = load_city(path)
    lab = loaded.city.labs[2]
    job = TownshipJob(city=loaded.city, township="370285104", lab=lab, wkb=None, base=tmp_path,
                      time_limit=CITY_TOWNSHIP_TIME_LIMIT, render=False, lang="zh", printed_at="2022-03-13 05:00")
    assert pickle.loads(pickle.dumps(job)) == job  # it crosses process and Dask boundaries as it is
    res = township_job(job)
    assert res.id == "370285104" and res.problems == []
    assert res.kpis.people == 33_438 and 0 < res.kpis.units_open <= 29  # the joint planner may close units
    assert pickle.loads(pickle.dumps(res)) == res
    written = yaml.safe_load(res.files["scenario.yaml"])
    assert written["lab"]["id"] == "L3" and written["lab"]["name"] == "莱西市检测实验室"  # the city's lab, not its own
    assert written["region"]["boundary"] == "boundary.geojson"
    assert res.files["boundary.geojson"] == (repo / "scenarios" / "data" / "xiagezhuang_boundary.geojson").read_bytes()
    assert hashlib.sha256(res.files["plan.json"]).hexdigest() == res.plan_sha256
    trips = json.loads(res.files["plan.json"])["routing"]["shuttles"]["trips"]
    assert res.arrivals == [(tr["arrive"], tr["tubes"]) for tr in trips if tr["tubes"]]


def test_a_township_whose_own_file_is_missing_comes_back_with_the_reason(tmp_path):
    import yaml

    from natplan.scheduler.city import TownshipJob, township_job

    doc = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    doc["region"]["boundary"] = str(Path(__file__).resolve().parents[2] / "scenarios" / "data" /
                                    "qingdao_admin_boundaries.geojson")
    doc["townships"][0]["scenario"] = "nowhere.yaml"
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    loaded = load_city(path)
    res = township_job(TownshipJob(city=loaded.city, township="370202004", lab=loaded.city.labs[0], wkb=None,
                                   base=tmp_path, time_limit=0.05, render=False, lang="zh", printed_at=""))
    assert res.kpis is None and res.plan_sha256 is None and res.files == {}
    assert [(p.where, p.problem) for p in res.problems] == [("370202004", f"{tmp_path / 'nowhere.yaml'}: file not found")]


def test_validate_summarises_a_city_file(capsys):
    assert main(["validate", str(CITY), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == {"people": 15_000, "townships": 3, "districts": 1, "units": 7, "groups": 7, "samplers": 19,
                      "labs": 2, "tubes": 1_500, "lab_tubes_in_round": (40 + 200) * 18}
