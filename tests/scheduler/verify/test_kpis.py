"""verify.kpis: planted lies on the frozen tiny plan (tests/scheduler/verify/conftest.py), the exact words.

The frozen tiny plan (tests/scheduler/verify/conftest.py): 350 people, 348 walk in, 2 home visits; U1 finishes at 09:30 and U2 at
12:29.5 (its last slot brings 23 people in 12:00-12:30, 0.77 a minute, while 25 still wait), both with a peak queue
of 25; one group; walks of 144.6, 144.6 and 1,382.5 m (mean (100 × 144.6 + 100 × 144.6 + 148 × 1,382.5) / 348 =
671.1 m).  The least possible finish: the one group swabs at one unit at a time, with one desk, 100 an hour, so
348 people take 208.8 min from 08:00: 11:28.8.
"""

import pytest

from natplan.scheduler.verify.kpis import kpis_true, unit_days_true


def test_the_good_plan_states_its_figures_truly(tiny, frozen):
    assert unit_days_true(tiny.scenario, frozen) == []
    assert kpis_true(tiny.scenario, frozen) == []
    k = frozen["kpis"]
    assert (k["people"], k["walk_in"], k["finish"], k["bound"], k["walk_mean_m"]) == (350, 348, 750, 688.8, 671.1)


@pytest.mark.parametrize("name, value, named", [
    ("finish", 700, "KPIs: finish 11:40, it is 12:30"),
    ("people", 1350, "KPIs: people 1350, the plan has 350"),
    ("peak_queue", 5.0, "KPIs: peak queue 5, it is 25"),
    ("walk_max_m", 500.0, "KPIs: longest walk 500 m, it is 1,383 m"),
    ("walk_mean_m", 200.0, "KPIs: mean walk 200 m, it is 671 m"),
    ("bound", 700.0, "KPIs: least possible finish 11:40, it is 11:29"),
    ("groups_used", 2, "KPIs: groups used 2, the plan has 1"),
    ("finish_ratio", 1.0, "KPIs: finish ratio 1.000, its finish and the least possible finish give 1.293"),
])
def test_a_lie_in_the_kpis(tiny, frozen, name, value, named):
    frozen["kpis"][name] = value
    assert kpis_true(tiny.scenario, frozen) == [named]


def test_the_oldest_sample_is_worked_out_from_the_shuttles(tiny, frozen):
    trips = frozen["routing"]["shuttles"]["trips"]
    worst = max(t["arrive"] - t["oldest_swab"] for t in trips)
    frozen["kpis"]["worst_sample_age_min"] = worst - 60
    assert kpis_true(tiny.scenario, frozen) == [f"KPIs: oldest sample {worst - 60:.0f} min, it is {worst:.0f} min"]


def test_a_plan_without_kpis(tiny, frozen):
    del frozen["kpis"]
    assert kpis_true(tiny.scenario, frozen) == ["the plan has no kpis section: its figures cannot be read or checked"]


@pytest.mark.parametrize("field, value, named", [
    ("finish", 700.0, "unit U2: the plan says it finishes at 11:40, its slots finish at 12:30"),
    ("peak_queue", 0.0, "unit U2: the plan gives its peak queue as 0, its slots give 25"),
    ("rate_per_hour", 200.0, "unit U2: the plan gives its rate as 200.0 an hour, its desks and group's samplers "
                             "give 100.0"),
    ("people", 200, "unit U2: the plan gives its people as 200, its slots and visit say 248"),
    ("open", 610, "unit U2: the plan gives its open as 610, its slots and visit say 600"),
    ("first_slot", 630, "unit U2: the plan gives its first slot as 630, its slots and visit say 600"),
])
def test_a_lie_in_a_units_day(tiny, frozen, field, value, named):
    frozen["units"][1][field] = value
    assert unit_days_true(tiny.scenario, frozen) == [named]


def test_a_unit_day_without_its_slots_or_visit(tiny, frozen):
    frozen["staffing"]["visits"].pop(0)
    day = frozen["units"].pop(1)
    assert unit_days_true(tiny.scenario, frozen) == ["unit U2 has slots but no line in the plan's units",
                                                   "unit U1 has a day in the plan but no group visits it"]
    frozen["units"].append(day)


def test_a_lie_in_a_units_queue_over_the_day(tiny, frozen):
    frozen["units"][1]["queue"] = [[t, 0.0] for t, _ in frozen["units"][1]["queue"]]
    assert unit_days_true(tiny.scenario, frozen) == [
        "unit U2: the plan says 0 people wait at 10:30, its slots give 25 (and 3 more such times)"]
