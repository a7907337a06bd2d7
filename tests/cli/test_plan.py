"""``natplan plan``: the budget it plans with, and the summary it prints (checked against the plan.json it wrote)."""

import json

import pytest

import natplan.scheduler.city as city
import natplan.scheduler.pipeline as pipeline
from natplan.cli import main
from natplan.models.clock import format_clock
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT, DEFAULT_TIME_LIMIT


class Reached(Exception):
    """Raised by a stand-in solver, with the budget it was given."""


@pytest.fixture
def budget_seen(monkeypatch):
    """Stand-ins for the town's and the city's planner that stop at once and say which budget they got."""
    def town(loaded, seed=None, time_limit=None, **_):
        raise Reached("town", time_limit)

    def whole_city(loaded, *, time_limit=None, **_):
        raise Reached("city", time_limit)

    monkeypatch.setattr(pipeline, "plan_round", town)
    monkeypatch.setattr(city, "plan_city", whole_city)


@pytest.mark.parametrize("file, extra, want", [
    ("tiny.yaml", [], ("town", DEFAULT_TIME_LIMIT)),
    ("tiny.yaml", ["--time-limit", "0.7"], ("town", 0.7)),
    ("city_small.yaml", [], ("city", CITY_TOWNSHIP_TIME_LIMIT)),
    ("city_small.yaml", ["--time-limit", "0.7"], ("city", 0.7)),
])
def test_plan_uses_the_budget_of_a_town_or_a_city(tmp_path, data_dir, budget_seen, file, extra, want):
    with pytest.raises(Reached) as seen:
        main(["plan", str(data_dir / file), "-o", str(tmp_path / "out"), *extra])
    assert seen.value.args == want


def test_town_summary_is_the_plan_written(tmp_path, data_dir, capsys):
    out = tmp_path / "out"
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(out)]) == 0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    k, sh = plan["kpis"], plan["routing"]["shuttles"]
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[:3] == [
        f"{out}: plan.json, plan.xlsx, rosters.pdf, index.html, notices/ — {plan['scenario']}",
        "  people 350 (walk-in 348, home visits 2), units open 1, groups used 1",
        f"  finish {format_clock(k['finish'])}  bound {format_clock(k['bound'])}  ratio {k['finish_ratio']:.2f}  "
        f"joint bound {format_clock(k['joint_bound'])}  ratio {k['joint_ratio']:.2f}  peak queue {k['peak_queue']:.0f}",
    ]
    assert lines[3].startswith(f"  courier vehicles {k['courier_vehicles']} (lower bound ")
    assert lines[3].endswith(f"shuttles every {sh['cadence_min']} min on {sh['vehicles_used']} vehicles "
                             f"(fewest {sh['fewest_vehicles']}), worst sample age {k['worst_sample_age_min']:.0f} min")
    f = plan["routing"]["fleet"]
    assert f"  fleet {f['used'] + f['extra']} / {f['available']} vehicles, units " in "\n".join(lines)
    assert any(x.startswith("  fleet ") and x.endswith(f"strict loops need {f['strict_needed']} (proven fewest "
                                                         f"{f['strict_minimum']})") for x in lines)
    assert any("courier loops" in x for x in lines[4:8])  # the table (rich wraps lines longer than 120 characters)
    route = plan["routing"]["zones"][0]["routes"][0]
    assert any(" → ".join(route["order"]) in line for line in lines[6:])
    assert " ".join(text.split()).endswith(f"shuttles: every {sh['cadence_min']} min, round trip {sh['round_trip_min']} min, "
                         f"{len(sh['trips'])} trips on {sh['vehicles_used']} vehicles (fewest that meet the age "
                         f"limit: {sh['fewest_vehicles']}), worst sample age {sh['worst_age_min']:.0f} min")
