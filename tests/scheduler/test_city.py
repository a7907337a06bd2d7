"""City scale: the generator's facts, lab assignment with a known optimum, the lab queue, the same
plan from the process pool and from a local Dask cluster, verify on the joined plan, broken files; the labs'
queues shared by their townships: ages at test, a lab too slow (exit 2, the capacity it needs), townships sent
to another lab, a planted slow lab that verify names."""

from __future__ import annotations

import json
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


def city_with_labs(folder: Path, l1: int, l2: int) -> Path:
    """city_small.yaml with the labs' tubes an hour changed (L1 40, L2 200 in the file), written in ``folder``."""
    text = CITY.read_text(encoding="utf-8").replace("../../scenarios", str(Path(__file__).resolve().parents[2] /
                                                                          "scenarios"))
    text = text.replace("tubes_per_hour: 40}", f"tubes_per_hour: {l1}}}").replace(
        "lat: 36.112592}, tubes_per_hour: 200}", f"lat: 36.112592}}, tubes_per_hour: {l2}}}")
    path = folder / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fast(tmp_path_factory):
    """city_small with labs of 1,000 tubes an hour: all three townships go to the nearest, L1, and its one
    queue keeps every sample within the limit."""
    loaded = load_city(city_with_labs(tmp_path_factory.mktemp("fast"), 1000, 1000))
    return loaded, plan_city(loaded, workers=2, render=False, printed_at="2022-04-01 20:00")


def write_city(out, folder: Path) -> dict:
    from natplan.planfile import plan_json

    for name, data in out.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "plan.json").write_bytes(plan_json(out.plan))
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))


def test_pool_and_local_dask_give_the_same_plan(pooled):
    pytest.importorskip("dask.distributed")
    loaded, a = pooled
    b = plan_city(loaded, workers=2, dask="local", render=False, printed_at="2022-04-01 20:00")
    assert a.plan == b.plan
    assert a.files == b.files  # every township's plan.json and scenario.yaml, byte for byte
    assert a.plan.kpis.planned == 3


def test_joined_plan_passes_verify_and_kpis_are_the_townships(fast, tmp_path):
    loaded, out = fast
    plan = write_city(out, tmp_path)
    assert out.problems == [] and plan["problems"] == []
    assert verify_city(loaded.city, plan, tmp_path) == []
    # one lab, its queue shared by all three townships: the city's worst age is the worst at test there
    (l1, l2) = plan["labs"]
    assert l1["townships"] == ["370202004", "370202005", "370202007"] and l2["townships"] == []
    assert plan["kpis"]["worst_sample_age_min"] == l1["worst_age_at_test_min"] == max(
        r["worst_age_at_test_min"] for r in plan["townships"]) <= 240
    assert l2["worst_age_at_test_min"] is None and l1["tubes_per_hour_needed"] is None
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


def test_a_shared_lab_kept_by_a_later_start_and_a_lab_too_slow_is_a_problem_with_the_capacity_it_needs(pooled,
                                                                                                        tmp_path):
    """city_small as it is.  L2 (200 tubes an hour) is shared by 中山路街道 and 江苏路街道: planned on their own,
    their shuttles reach it a minute apart with 100-odd tubes each, and the queue made samples 280 min old at
    test.  中山路街道 starting an hour later (07:00: 错峰), and keeping 6 min of the age limit for the queue (what
    it was still over), the one queue keeps the limit.  L1 tests 40 tubes an hour for 云南路街道's 602: no later
    start (it is alone there), share or other lab keeps the limit, so the plan says so with the capacity that
    would."""
    from natplan.scheduler.city_queue import Batch, replay

    loaded, out = pooled
    plan = write_city(out, tmp_path)
    why = "the queue at lab L2 made {}samples older than 240 min when tested; planned again at lab L2 市北区检测实验室"
    assert out.plan.warnings[:2] == [
        (f"township 370202005 中山路街道: {why.format('')}, starting 60 min after the round's start (07:00 instead of "
         "06:00), so that its samples do not reach the lab with the others' (错峰)"),
        (f"township 370202005 中山路街道: {why.format('its ')}, keeping 6 min of the 240-min age limit for the lab's "
         "shared queue")]
    assert out.plan.warnings[2].startswith("township 370202004 云南路街道: the queue at lab L1 made its samples older "
                                           "than 240 min when tested; planned again at lab L1 its shuttles counting 40 "
                                           "of the lab's 40 tubes an hour, it could not be (the lab tests 40 tubes an hour")
    assert out.plan.warnings[2].endswith("): its plan is kept")
    text = (tmp_path / "townships" / "370202005" / "scenario.yaml").read_text()
    assert "  start: 07:00\n" in text and "  shared_queue_min: 6\n" in text
    row = plan["townships"][1]
    assert (row["start_delay_min"], row["shared_queue_min"], row["shared_queue_home_min"]) == (60, 6, None)
    # the township's own plan says why it starts later, in the set's language
    from natplan.templates.messages import warning_text

    said = json.loads((tmp_path / "townships" / "370202005" / "plan.json").read_text())["warnings"][-1]
    assert said == ("the city starts this township 60 min after its start (07:00 instead of 06:00), so that lab L2's "
                    "queue, shared with other townships, keeps the 240-min age limit")
    assert warning_text(said, "zh") == ("全市错峰：本镇街比全市晚 60 分钟开始（07:00，全市 06:00），使与其他镇街共用的实验室 L2 "
                                        "排队后，样本仍在 240 分钟时限内检测")
    # the two townships' first shuttles at L2, and the one queue by hand at 200 an hour (10 tubes in 3 min):
    # 9 at 07:05 -> 427.7; 11 at 08:06 -> 489.3; 100 at 09:30 -> 600.0 (swabbed from 06:01: 239 min);
    # 114 at 10:21 -> 655.2 (from 07:01: 234.2 min)
    trips = {tid: json.loads((tmp_path / "townships" / tid / "plan.json").read_text())["routing"]["shuttles"]["trips"]
             for tid in ("370202005", "370202007")}
    first = sorted(((tid, tr["arrive"], tr["tubes"], tr["oldest_swab"]) for tid in trips for tr in trips[tid][:2]),
                   key=lambda x: x[1])
    assert first == [("370202007", 425, 9, 381.0), ("370202005", 486, 11, 441.0),
                     ("370202007", 570, 100, 361.0), ("370202005", 621, 114, 421.0)]
    r = replay([Batch(*x) for x in first], 200)
    assert [round(t, 1) for t in r.tested] == [427.7, 489.3, 600.0, 655.2]
    assert [round(a, 1) for a in r.ages] == [46.7, 48.3, 239.0, 234.2]
    everything = [Batch(tid, tr["arrive"], tr["tubes"], tr["oldest_swab"]) for tid in ("370202005", "370202007")
                  for tr in trips[tid] if tr["tubes"]]
    l1, l2 = out.plan.labs
    assert l2.townships == ["370202005", "370202007"] and l2.tubes_per_hour_needed is None
    assert l2.worst_age_at_test_min == round(replay(everything, 200).worst, 1) <= 240
    # L1: the capacity it names is the fewest that keeps the limit
    assert (l1.worst_age_at_test_min, l1.worst_township, l1.tubes_per_hour_needed) == (657.5, "370202004", 304)
    mine = [Batch("370202004", tr["arrive"], tr["tubes"], tr["oldest_swab"]) for tr in json.loads(
        (tmp_path / "townships" / "370202004" / "plan.json").read_text())["routing"]["shuttles"]["trips"] if tr["tubes"]]
    assert replay(mine, 304).worst <= 240 < replay(mine, 303).worst
    ages = {r.id: r.worst_age_at_test_min for r in out.plan.townships}
    assert ages["370202004"] == 657.5 and max(ages["370202005"], ages["370202007"]) == l2.worst_age_at_test_min
    assert out.plan.kpis.worst_sample_age_min == out.plan.districts[0].worst_sample_age_min == 657.5
    # the problem in words: which lab, which townships, how old, by how much, what would fix it
    assert [(e.where, e.fix) for e in out.plan.problems] == [
        ("lab L1", "test at least 304 tubes an hour at lab L1 (264 more)")]
    assert out.plan.problems[0].problem == (
        "市南区检测实验室 tests 40 tubes an hour; with the shuttles of 1 township(s) in its queue, samples are tested "
        "up to 658 min after the swab, 418 min over the 240-min limit (the worst: township 370202004 云南路街道, "
        "samples from 11:00 on the shuttle at the lab at 14:19, tested at 21:58); over the limit: 370202004 "
        "云南路街道 (658 min)")
    assert out.problems == [*out.plan.problems]  # every township was planned; the lab is the problem
    # verify finds the same on its own, naming the lab, the township and the age
    found = verify_city(loaded.city, plan, tmp_path)
    assert ("lab L1 市南区检测实验室 at 40 tubes an hour, its queue shared by 1 township(s): township 370202004 "
            "云南路街道: its oldest sample is tested 658 min after the swab, 418 min over the 240-min limit") in found
    assert not any("370202005" in line or "370202007" in line for line in found)


def test_shares_of_a_slow_lab_keep_the_limit(tmp_path):
    """L1 (nearest to all) tests 200 tubes an hour for all three townships' 1,505 tubes: planned on their own their
    shuttles break the limit there.  Later starts (云南路街道 90 min, 中山路街道 180 min) bring the oldest sample at
    test down to 256 min; keeping what each was still over for the queue would make it 273, so those plans are
    not taken; each counting its share (80, 66, 53 an hour) they keep the limit, and stay at L1."""
    loaded = load_city(city_with_labs(tmp_path, 200, 2000))
    out = plan_city(loaded, workers=2, render=False, printed_at="2022-04-01 20:00")
    assert out.problems == [] and out.plan.problems == []
    assert [r.lab for r in out.plan.townships] == ["L1", "L1", "L1"]
    assert [r.start_delay_min for r in out.plan.townships] == [90, 180, 0]
    assert [w.split("planned again at lab L1 ")[1].split(",")[0] for w in out.plan.warnings[:2]] == [
        "市南区检测实验室", "市南区检测实验室"]
    assert ["starting 90 min" in out.plan.warnings[0], "starting 180 min" in out.plan.warnings[1]] == [True, True]
    assert [w.endswith("at lab L1 its samples would be tested up to 273 min after the swab, against 256 now: its plan "
                       "is kept") for w in out.plan.warnings[2:5]] == [True] * 3
    assert [w.split("counting ")[1] for w in out.plan.warnings[5:]] == [
        "80 of the lab's 200 tubes an hour", "66 of the lab's 200 tubes an hour", "53 of the lab's 200 tubes an hour"]
    assert out.plan.labs[0].worst_age_at_test_min <= 240
    assert verify_city(loaded.city, write_city(out, tmp_path), tmp_path) == []


def test_a_lab_no_share_keeps_sends_its_townships_to_another_within_reach(tmp_path):
    """L1 tests 100 tubes an hour (1,800 in the round, so the assignment sends all three townships there): later
    starts help a little, and then neither the minutes they would keep for the queue nor their shares (40, 33, 26
    an hour, less than their sampling sends) can be planned, so each keeps its plan; L2 tests 2,000 and is within
    reach: all three are planned again there, at the city's start."""
    loaded = load_city(city_with_labs(tmp_path, 100, 2000))
    out = plan_city(loaded, workers=2, render=False, printed_at="2022-04-01 20:00")
    assert out.problems == [] and out.plan.problems == []
    assert [r.lab for r in out.plan.townships] == ["L2", "L2", "L2"]
    assert [(r.start_delay_min, r.shared_queue_min) for r in out.plan.townships] == [(0, None)] * 3
    assert out.plan.labs[0].tubes == 0 and out.plan.labs[1].worst_age_at_test_min <= 240
    assert [w.endswith("its plan is kept") for w in out.plan.warnings] == [False] * 2 + [True] * 6 + [False] * 3
    assert out.plan.warnings[8] == (
        "township 370202004 云南路街道: the queue at lab L1 made its samples older than 240 min when tested, and lab "
        "L2 within reach keeps the limit with it (estimated); planned again at lab L2 市北区检测实验室, its shuttles "
        "counting 800 of the lab's 2,000 tubes an hour")
    plan = write_city(out, tmp_path)
    assert [r["lab"] for r in plan["townships"]] == ["L2", "L2", "L2"]
    assert verify_city(loaded.city, plan, tmp_path) == []


@pytest.mark.parametrize("delay, expected", [
    (30, "township 370202005 中山路街道: its scenario starts at 06:00, not 06:30 as the city plan says (the city's "
         "start, or later when it is staggered)"),
    (-30, "township 370202005 中山路街道: its scenario starts at 06:00, not — as the city plan says (the city's "
          "start, or later when it is staggered)"),
])
def test_a_planted_start_is_named_by_verify(fast, tmp_path, delay, expected):
    """A township's start is the city's, or later when the city staggers it (错峰); the plan's row says by how much."""
    loaded, out = fast
    plan = write_city(out, tmp_path)
    assert verify_city(loaded.city, plan, tmp_path) == []
    plan["townships"][1]["start_delay_min"] = delay
    assert verify_city(loaded.city, plan, tmp_path) == [expected]


def test_planted_minutes_kept_for_the_queue_are_named_by_verify(fast, tmp_path):
    """The minutes a township keeps for its lab's queue, as the city plan lists them, are its scenario's."""
    loaded, out = fast
    plan = write_city(out, tmp_path)
    plan["townships"][2]["shared_queue_home_min"] = 15
    assert verify_city(loaded.city, plan, tmp_path) == [
        "township 370202007 江苏路街道: its scenario keeps none for the lab's queue (lab.shared_queue_home_min), the "
        "city plan says 15 min"]


def test_a_planted_slow_lab_is_named_by_verify(fast, tmp_path):
    """The plan made for labs of 1,000 tubes an hour, checked against a city file whose L1 tests 300: L1's queue
    (1,505 tubes from 3 townships) pushes samples over the limit, and verify names the lab, townships and ages."""
    from natplan.scheduler.city_queue import Batch, replay

    loaded, out = fast
    plan = write_city(out, tmp_path)
    slow = loaded.city.model_copy(update={"labs": [loaded.city.labs[0].model_copy(update={"tubes_per_hour": 300}),
                                                   loaded.city.labs[1]]})
    found = verify_city(slow, plan, tmp_path)
    batches = [Batch(r["id"], tr["arrive"], tr["tubes"], tr["oldest_swab"]) for r in plan["townships"]
               for tr in json.loads((tmp_path / r["folder"] / "plan.json").read_text())["routing"]["shuttles"]["trips"]
               if tr["tubes"]]
    worst = replay(batches, 300).worst_by_township
    head = "lab L1 市南区检测实验室 at 300 tubes an hour, its queue shared by 3 township(s): "
    names = {t.id: t.name for t in loaded.city.townships}
    for tid, age in worst.items():
        line = (f"{head}township {tid} {names[tid]}: its oldest sample is tested {age:.0f} min after the swab, "
                f"{age - 240:.0f} min over the 240-min limit")
        assert (line in found) == (age > 240)
    assert max(worst.values()) > 240
    assert any(line.startswith(head) and ": unit " in line and "are tested at" in line for line in found)
    assert (f"lab L1 市南区检测实验室: the city plan gives its worst sample age at test as "
            f"{plan['labs'][0]['worst_age_at_test_min']}, its queue gives {max(worst.values()):.1f} min") in found


def test_cli_exits_2_when_a_labs_queue_breaks_the_limit_and_writes_the_plan(tmp_path, capsys):
    path = city_with_labs(tmp_path, 40, 200)  # the file as it is
    assert main(["plan", str(path), "-o", str(tmp_path / "out"), "--no-township-print", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: lab L1: 市南区检测实验室 tests 40 tubes an hour" in err
    assert "— fix: test at least 304 tubes an hour at lab L1 (264 more)" in err
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert [e["where"] for e in plan["problems"]] == ["lab L1"]
    assert main(["verify", str(tmp_path / "out" / "plan.json"), "--scenario", str(path)]) == 1


def test_cli_plans_prints_and_verifies_a_city(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1648800000")
    city = tmp_path / "city"
    city_with_labs(tmp_path, 1000, 1000)  # labs that keep up with the townships' shuttles
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



def test_a_township_planned_again_reuses_its_joint_stage_and_gives_the_same_files(tmp_path):
    """The second pass (another lab capacity) takes the joint stage kept by the first from the folder, and its
    files are byte for byte those of the same job planned from scratch; a stage kept under another key (another
    scenario or budget) is not taken."""
    import pickle
    from dataclasses import replace

    from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT
    from natplan.scheduler.city import TownshipJob, township_job

    loaded = load_city(CITY)
    city, tid = loaded.city, "370202005"
    job = TownshipJob(city=city, township=tid, lab=city.labs[1], wkb=loaded.township_geometry[tid].wkb,
                      base=CITY.parent, time_limit=CITY_TOWNSHIP_TIME_LIMIT, render=False, lang="zh",
                      printed_at="2022-04-01 20:00", joint_cache=str(tmp_path))
    first = township_job(job)
    assert [p.name for p in tmp_path.iterdir()] == [f"{tid}.joint"]
    again = township_job(replace(job, tubes_per_hour=110))
    fresh = township_job(replace(job, tubes_per_hour=110, joint_cache=None))
    assert again.problems == fresh.problems == [] and again.kpis is not None
    assert again.files == fresh.files and again.plan_sha256 == fresh.plan_sha256 != first.plan_sha256
    assert "  tubes_per_hour: 110\n" in again.files["scenario.yaml"].decode()
    # a stage kept under another key would break the plan if it were taken: it is not
    (tmp_path / f"{tid}.joint").write_bytes(pickle.dumps(("another key", "not a joint stage")))
    assert township_job(replace(job, tubes_per_hour=110)).files == fresh.files
    # a folder that is not there keeps nothing and takes nothing
    assert township_job(replace(job, tubes_per_hour=110, joint_cache=str(tmp_path / "none"))).files == fresh.files
