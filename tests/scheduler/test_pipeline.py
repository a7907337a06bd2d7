"""The whole pipeline: the independent checks hold, determinism, infeasibility in words (slots: test_slots.py)."""

import json

import pytest

from natplan.models.clock import format_clock
from natplan.models.loader import load_scenario
from natplan.cli import main
from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import verify
from tests.scheduler.conftest import tiny_with


def test_tiny_plan_passes_the_independent_checks(tiny):
    out = plan_round(tiny)
    assert out.problems == []
    plan = json.loads(plan_json(out.plan))
    assert verify(tiny.scenario, plan) == []
    assert plan["kpis"]["walk_in"] == 348 and plan["kpis"]["home_visits"] == 2
    # one group, one desk at each unit: everyone walks to U1, the group's home; a second unit would only add
    # a trip and a set-up (tests/scheduler/joint/test_optimum.py)
    visits = plan["staffing"]["visits"]
    assert [(v["group"], v["unit"]) for v in visits] == [("T1", "U1")]
    assert {p["unit"] for p in plan["assignment"]["parts"]} == {"U1"}


def test_xiagezhuang_plan_holds_every_rule(xiagezhuang):
    out = plan_round(xiagezhuang, time_limit=0.5)
    assert out.problems == []
    plan = json.loads(plan_json(out.plan))
    assert verify(xiagezhuang.scenario, plan) == []
    k = plan["kpis"]
    assert k["walk_in"] + k["home_visits"] == 33_438
    assert k["finish"] <= xiagezhuang.scenario.parameters.deadline
    assert k["finish_ratio"] >= 1.0


def test_same_seed_same_plan_bytes(tiny):
    assert plan_json(plan_round(tiny).plan) == plan_json(plan_round(tiny).plan)


def test_planted_violation_is_named(tiny):
    plan = json.loads(plan_json(plan_round(tiny).plan))
    plan["assignment"]["parts"][0]["people"] += 5
    problems = verify(tiny.scenario, plan)
    assert "grid G1: 105 people sent to units, but 100 walk in" in problems


def test_late_round_is_explained_in_words(tiny):
    s = tiny_with(tiny, parameters__deadline=11 * 60 + 30)
    from natplan.models.loader import LoadedScenario

    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    texts = [e.problem for e in out.problems]
    assert any("more desk-hours between" in t and "min late" in t for t in texts), texts


def test_cli_exit_2_and_no_half_written_output(tmp_path, capsys, data_dir):
    bad = tmp_path / "late.yaml"
    bad.write_text((data_dir / "tiny.yaml").read_text(encoding="utf-8").replace('deadline: "13:00"', 'deadline: "11:30"'),
                   encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(bad), "-o", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "more desk-hours between" in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
    # in Chinese by default, the same numbers
    assert main(["plan", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "U1 甲村东检测点 在 08:20 至 11:30 之间还差 0.3 个采样台·小时（检测组 T1 11:49 才采完，晚 19 分钟）" in err
    assert not out.exists()


def test_unit_with_no_one_is_a_warning(tiny):
    data = tiny.scenario.model_dump()
    data["units"].append({"id": "U3", "name": "空点", "location": {"lon": 120.05, "lat": 36.05}, "desks": 1})
    data["zones"][0]["units"].append("U3")
    from natplan.models.scenario import Scenario
    from natplan.models.loader import LoadedScenario

    s = Scenario.model_validate(data)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, None))
    assert out.plan is not None
    # U2 is closed too: the closed units are one line, listing them (one unit alone keeps its own sentence)
    assert "units U2 甲村西检测点, U3 空点 have no one assigned; they stay closed" in out.warnings
    assert not any(w.startswith("unit ") for w in out.warnings)


def test_a_group_of_one_sampler_pauses_its_unit_for_the_gown_change_and_says_so(tiny):
    """T1 with 采样员乙 gone: one sampler samples U1 08:20-12:04 (348 people at 100 an hour, 209 min of sampling
    plus the change) and must change gown once (over 180 min in one gown); nobody can cover the 15 minutes, so
    U1 pauses 09:54-10:09, the plan declares it, warns about it, and verify passes."""
    from natplan.models.loader import LoadedScenario
    from natplan.models.scenario import Scenario

    data = tiny.scenario.model_dump()
    data["groups"][0]["members"] = [m for m in data["groups"][0]["members"] if m["name"] != "采样员乙"]
    s = Scenario.model_validate(data)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.problems == []
    plan = json.loads(plan_json(out.plan))
    assert [(u["unit"], u.get("pauses")) for u in plan["units"]] == [("U1", [[594, 609]])]
    assert [(x["kind"], x["start"], x["end"]) for x in plan["staffing"]["shifts"] if x["role"] == "sampler"] == [
        ("setup", 480, 500), ("work", 500, 594), ("gear", 594, 609), ("work", 609, 724)]
    assert ("unit U1 stops sampling 09:54–10:09: every sampler there is on a break (gown change or meal) and none is "
            "free to cover it; one more sampler in T1 would keep it open") in out.warnings
    assert verify(s, plan) == []
