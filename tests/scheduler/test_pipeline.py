"""The whole pipeline: slots within rooms, staffed minutes, determinism, infeasibility in words."""

import json

import pytest

from natplan.models.clock import format_clock
from natplan.models.loader import load_scenario
from natplan.cli import main
from natplan.scheduler.pipeline import plan_json, plan_round
from natplan.scheduler.slots import fluid_queue, plan_slots
from natplan.scheduler.verify import verify
from natplan.models.plan import GridPart
from tests.scheduler.conftest import tiny_with


def test_fluid_queue_known_answer():
    # 90 people over 30 min at 120/h (2 a minute) against 1 a minute... here: 60/h = 1 per minute
    q = fluid_queue(0, 60, [(0, 30, 90)])
    assert round(q.peak) == 60  # 3 a minute in, 1 out, for 30 minutes
    assert round(q.finish) == 90


def test_slots_keep_the_queue_in_the_room():
    parts = [GridPart(grid=f"G{i}", households=(1, 100), people=250, unit="U1", distance_m=100.0) for i in range(6)]
    slots = plan_slots("U1", 480, 200.0, 200, 30, parts)
    assert sum(x.people for x in slots) == 1500
    q = fluid_queue(480, 200.0, [(x.start, x.end, x.people) for x in slots])
    assert q.peak <= 200
    # the desks never run dry: the unit finishes at its bound, open + 1500 / 200 h, within a slot
    assert q.finish <= 480 + 1500 / 200 * 60 + 30
    # grids bigger than a slot are called by household ranges that do not overlap
    g0 = [x for x in slots if x.grid == "G0"]
    assert all(a.households[1] < b.households[0] for a, b in zip(g0, g0[1:]))


def test_tiny_plan_passes_the_independent_checks(tiny):
    out = plan_round(tiny)
    assert out.problems == []
    plan = json.loads(plan_json(out.plan))
    assert verify(tiny.scenario, plan) == []
    assert plan["kpis"]["walk_in"] == 348 and plan["kpis"]["home_visits"] == 2
    # one group serves both units one after the other
    visits = plan["staffing"]["visits"]
    assert [v["group"] for v in visits] == ["T1", "T1"]
    assert visits[1]["arrive"] >= visits[0]["leave"]


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
    assert main(["plan", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "more desk-hours between" in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_unit_with_no_one_is_a_warning(tiny):
    data = tiny.scenario.model_dump()
    data["units"].append({"id": "U3", "name": "空点", "location": {"lon": 120.05, "lat": 36.05}, "desks": 1})
    data["zones"][0]["units"].append("U3")
    from natplan.models.scenario import Scenario
    from natplan.models.loader import LoadedScenario

    s = Scenario.model_validate(data)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, None))
    assert out.plan is not None
    assert "unit U3 空点 has no one assigned; it stays closed" in out.warnings
