"""The scenario's figures against the guidelines, worked out by hand for the tiny town."""

import pytest

from natplan.models.summary import Check, summarize


def test_tiny_town_counts(tiny):
    assert summarize(tiny.scenario).counts == {
        "people": 350, "households": 140, "villages": 1, "grids": 3, "special_needs": 2, "units": 2, "desks": 2,
        "groups": 1, "staff": 6, "samplers": 2, "zones": 1, "zone_vehicles": 1, "vehicles": 1}


def test_tiny_town_bound_and_checks(tiny):
    s = summarize(tiny.scenario)
    # one group works at one unit at a time: its 2 samplers at a 1-desk unit swab 100 an hour,
    # so the 348 walk-ins need 208.8 min at best
    assert s.throughput_bound_min == pytest.approx(208.8)
    assert s.round_min == 300
    assert [(c.key, c.value, c.low, c.high, c.status) for c in s.checks] == [
        ("people_per_unit", 175.0, None, 3000, "ok"),
        ("people_per_desk", 175.0, None, 800, "ok"),
        ("samplers_needed", 1, None, 2, "ok"),  # ceil(350 / 360) per day, for a round under a day
        ("throughput_hours", pytest.approx(3.48), None, 5.0, "ok"),
    ]


def test_bound_pairs_the_biggest_groups_with_the_biggest_units(tiny):
    data = tiny.scenario.model_dump()
    data["units"][0]["desks"] = 3
    data["groups"].append({**data["groups"][0], "id": "T2", "home": None,
                           "members": data["groups"][0]["members"] + [{"name": "采样员丙", "role": "sampler"}]})
    s = summarize(type(tiny.scenario).model_validate(data))
    # groups of 3 and 2 samplers, units of 3 and 1 desks: 3 + 1 desks swab at once, 400 an hour
    assert s.throughput_bound_min == pytest.approx(348 / 400 * 60)


def test_groups_side_by_side_count_in_the_bound(tiny):
    """Eight groups of 2 samplers, units of 4 and 1 desks: two groups side by side at the 4-desk unit and one
    at the other swab with 5 desks at once (500 an hour), though pairing one group with each unit gives 3."""
    data = tiny.scenario.model_dump()
    data["units"][0]["desks"] = 4
    data["groups"] += [{**data["groups"][0], "id": f"T{k}", "home": None} for k in range(2, 9)]
    s = summarize(type(tiny.scenario).model_validate(data))
    assert s.throughput_bound_min == pytest.approx(348 / 500 * 60)


def test_a_round_longer_than_a_day_needs_fewer_samplers_a_day(tiny):
    data = tiny.scenario.model_dump()
    data["villages"][0]["grids"][2]["people"] = 500  # 700 people: 2 samplers in a day (360 each)
    one_day = summarize(type(tiny.scenario).model_validate(data))
    data["parameters"].update(start="00:00", deadline="47:00")  # 47 h: 700 / 360 / 1.96 days, so 1
    two_days = summarize(type(tiny.scenario).model_validate(data))
    needed = [next(c.value for c in s.checks if c.key == "samplers_needed") for s in (one_day, two_days)]
    assert needed == [2, 1]


def test_check_status():
    assert Check("k", 5, 1, 10).status == "ok"
    assert Check("k", 0.5, 1, 10).status == "low"
    assert Check("k", 11, 1, 10).status == "high"
    assert Check("k", 11, None, None).status == "ok"
