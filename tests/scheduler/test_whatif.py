"""What-if: monotone in groups, the least staffing and the level below it, simulation against theory."""

import json

import numpy as np
import pytest

from natplan.models.loader import LoadedScenario
from natplan.cli import main
from natplan.scheduler.simulate import erlang_c_wait, simulate_plan, simulate_queue
from natplan.scheduler.slots import fluid_queue
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
    assert [r["plan"] for r in one] == [r["plan"] for r in two]
    for vehicles in (1, 2):
        finishes = [r["finish"] for r in one if r["vary_vehicles"] == vehicles]
        assert finishes == sorted(finishes, reverse=True)


def test_minimize_groups_on_a_small_town(tiny):
    # Two units with one desk each: one group must serve both in turn (12:14); the deadline 11:30
    # needs the two units at once, so two groups.
    data = tiny.scenario.model_dump()
    data["parameters"]["deadline"] = 11 * 60 + 30
    s = type(tiny.scenario).model_validate(data)
    loaded = LoadedScenario(s, tiny.path, tiny.digest, None)
    count, at, below = minimize(loaded, "groups")
    assert count == 2
    plan = json.loads(at["plan"])
    assert verify(apply_variant(s, {"groups": 2}), plan) == []
    assert not below["feasible"] and "min late" in below["why"]


def test_simulation_of_steady_rates_matches_the_fluid_model():
    # 300 people evenly over an hour, 3 desks of 0.75 min a swab: 4 a minute against 5 arriving
    arrivals = np.linspace(0, 60, 300, endpoint=False)
    run = simulate_queue(arrivals, np.full(300, 0.75), [(0.0, 3)])
    fluid = fluid_queue(0, 240, [(0, 60, 300)])
    assert abs(run.peak_queue - fluid.peak) <= 2
    assert abs(run.finish - fluid.finish) <= 1


def test_mmc_queue_matches_erlang_c():
    rng = np.random.default_rng(0)
    lam, mu, c, n = 2.1, 1.0, 3, 60_000  # load 0.7: Erlang C gives a mean wait of 0.547 min
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    run = simulate_queue(arrivals, rng.exponential(1 / mu, n), [(0.0, c)])
    assert run.mean_wait == pytest.approx(erlang_c_wait(lam, mu, c), rel=0.10)


def test_plan_simulation_is_seeded(tiny):
    from natplan.scheduler.pipeline import plan_json, plan_round

    plan = json.loads(plan_json(plan_round(tiny).plan))
    a = simulate_plan(tiny.scenario, plan, runs=5, seed=3)
    b = simulate_plan(tiny.scenario, plan, runs=5, seed=3)
    assert a == b
    assert {r["unit"] for r in a} == {"U1", "U2"}
    assert all(0 <= r["p_late"] <= 1 for r in a)


def test_compare_cli_writes_table_and_charts(tmp_path, data_dir, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(data_dir / "tiny.yaml"), "--vary", "groups=1..2", "-o", str(out), "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".natplan-manifest.json", "base", "compare.html", "compare.pdf", "compare.xlsx",
                                                     "finish.png", "peak_queue.png"]
    assert sorted(p.name for p in (out / "base").iterdir()) == ["index.html", "plan.json", "plan.xlsx", "rosters.pdf"]
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
                                               "samplers, vehicles, desks, slot, pooling, deadline, interval")
    assert not (tmp_path / "x").exists()
