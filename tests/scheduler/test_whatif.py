"""What-if: monotone in groups, the least staffing and the level below it (the simulation: test_simulate.py)."""

import json

import pytest

from natplan.models.loader import LoadedScenario
from natplan.cli import main
from natplan.planfile import plan_json
from natplan.scheduler.verify import verify
from natplan.scheduler.whatif import apply_variant, compare, minimize, parse_vary


def test_parse_vary():
    assert parse_vary("groups=12..14") == ("groups", [12, 13, 14])
    assert parse_vary("vehicles=8,4,6") == ("vehicles", [4, 6, 8])
    assert parse_vary("deadline=17:30") == ("deadline", [1050])
    with pytest.raises(ValueError, match=r"unknown key 'crews'"):
        parse_vary("crews=3")
    with pytest.raises(ValueError, match=r"'x' is not a count"):
        parse_vary("groups=x")


def test_apply_variant_clones_groups_and_keeps_the_scenario(tiny):
    s = apply_variant(tiny.scenario, {"groups": 3, "vehicles": 4, "samplers": 3})
    assert [g.id for g in s.groups] == ["T1", "T02R", "T03R"]
    assert all(g.count("sampler") == 3 for g in s.groups)
    assert len(s.station.vehicles) == 4
    assert len(tiny.scenario.groups) == 1  # the caller's scenario is untouched


def test_more_groups_never_finish_later_and_workers_do_not_matter(tiny):
    vary = [parse_vary("groups=1..3"), parse_vary("vehicles=1,2")]
    one = compare(tiny, vary, workers=1)
    two = compare(tiny, vary, workers=2)
    assert [r.variant for r in one] == [{"groups": g, "vehicles": v} for g in (1, 2, 3) for v in (1, 2)]
    assert [plan_json(r.plan) for r in one] == [plan_json(r.plan) for r in two]  # every variant is feasible
    for vehicles in (1, 2):
        finishes = [r.finish for r in one if r.variant["vehicles"] == vehicles]
        assert finishes == sorted(finishes, reverse=True)


def test_minimize_groups_on_a_small_town(tiny):
    # Two units with one desk each: one group must serve both in turn (12:14); the deadline 11:30
    # needs the two units at once, so two groups.
    data = tiny.scenario.model_dump()
    data["parameters"]["deadline"] = 11 * 60 + 30
    s = type(tiny.scenario).model_validate(data)
    loaded = LoadedScenario(s, tiny.path, tiny.digest, None)
    least = minimize(loaded, "groups")
    assert (least.resource, least.count, least.at.groups, least.below.groups) == ("groups", 2, 2, 1)
    plan = json.loads(plan_json(least.at.plan))
    assert verify(apply_variant(s, {"groups": 2}), plan) == []
    assert least.at.finish == plan["kpis"]["finish"] <= 11 * 60 + 30
    assert not least.below.feasible and least.below.plan is None and "min late" in least.below.why


def test_compare_cli_writes_table_and_charts(tmp_path, data_dir, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(data_dir / "tiny.yaml"), "--vary", "groups=1..2", "-o", str(out), "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".natplan-manifest.json", "base", "compare.html", "compare.pdf", "compare.xlsx",
                                                     "finish.png", "peak_queue.png"]
    assert sorted(p.name for p in (out / "base").iterdir()) == ["index.html", "notices", "plan.json", "plan.xlsx", "rosters.pdf"]
    from pypdf import PdfReader

    from natplan.models.clock import format_clock
    from natplan.models.loader import load_scenario
    from natplan.scheduler.pipeline import plan_round

    one_group = plan_round(load_scenario(data_dir / "tiny.yaml")).plan.kpis.finish
    text = PdfReader(out / "compare.pdf").pages[0].extract_text()
    assert "人员配置对比" in text and format_clock(one_group) in text


def test_compare_cli_bad_vary_is_one_line(tmp_path, data_dir, capsys):
    assert main(["compare", str(data_dir / "tiny.yaml"), "--vary", "crews=3", "-o", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip() == ("--vary: --vary 'crews=3': unknown key 'crews'; one of groups, units, "
                                               "samplers, vehicles, desks, slot, pooling, deadline, interval, "
                                               "max_walk_m")
    assert not (tmp_path / "x").exists()


def test_walking_limit_against_finish(tiny):
    # the tiny town is solved exactly.  G3 is 1.38 km from U2 and 1.48 km from U1 (after the detour factor):
    # within 1.4 km everyone can go to U2 only (the group comes from U1: open 08:25, done 11:54); within 1.5 km
    # they can all stay at U1, the group's home (open 08:20, done 11:49)
    assert parse_vary("max_walk_m=5000,1500,3000") == ("max_walk_m", [1500, 3000, 5000])
    assert apply_variant(tiny.scenario, {"max_walk_m": 1500}).parameters.max_walk_m == 1500
    rows = compare(tiny, [parse_vary("max_walk_m=1300,1400,1500,3000")], workers=1)
    assert [r.variant["max_walk_m"] for r in rows] == [1300, 1400, 1500, 3000]
    assert rows[0].why == "grid G3 is more than 1.3 km from any unit that may take them"
    assert [r.finish for r in rows[1:]] == [11 * 60 + 54, 11 * 60 + 49, 11 * 60 + 49]
    assert all(r.walk_max_m <= r.variant["max_walk_m"] for r in rows[1:])


def test_an_interval_variant_plans_strict_loops_with_the_vehicles_they_need(tiny):
    from natplan.scheduler.whatif import apply_variant

    s = apply_variant(tiny.scenario, {"interval": 45})
    assert {z.interval_min for z in s.zones} == {45}
    assert (s.fleet.longer_intervals, s.fleet.add_missing_vehicles) == ([], True)
    assert tiny.scenario.fleet.longer_intervals == [45, 60]  # the base scenario is not changed
