"""Verify's labour rules: each with a planted violation in the tiny plan, named with person, unit and minute.

The tiny plan (tests/data/tiny.yaml): group T1 works U1 from 08:00 (set-up till 08:20) to 11:49; each
person changes gear once, the samplers one after the other (采样员乙 09:32–09:47, 采样员甲 09:47–10:02), so
that the one desk always has a sampler.  A day of 3.8 h needs no meal.  Xiagezhuang's plan keeps every rule.
"""

import pytest

from natplan.scheduler.verify import verify
from natplan.scheduler.verify.labour import (
    days_within_max_work,
    gowns_within_limit,
    meals_in_windows,
    stints_long_enough,
)

RULES = (gowns_within_limit, meals_in_windows, stints_long_enough, days_within_max_work)


def _mine(plan: dict, member: str = "采样员甲") -> list[dict]:
    return [x for x in plan["staffing"]["shifts"] if x["member"] == member]


def _without_gear(plan):
    """采样员甲 works 08:20–11:49 in the gown of her set-up."""
    keep = [x for x in plan["staffing"]["shifts"] if x["member"] != "采样员甲" or x["kind"] == "setup"]
    setup = next(x for x in _mine(plan) if x["kind"] == "setup")
    plan["staffing"]["shifts"] = keep + [{**setup, "kind": "work", "start": 500, "end": 709}]


def _late_gear(plan):
    """采样员甲 changes gear at 11:30: a 4-minute stint is left."""
    for x in _mine(plan):
        if x["kind"] == "gear":
            x["start"], x["end"] = 690, 705
        elif x["kind"] == "work" and x["start"] == 602:
            x["start"] = 705
        elif x["kind"] == "work":
            x["end"] = 690


def _longer_day(end):
    def change(plan):
        last = max(_mine(plan), key=lambda x: x["end"])
        last["end"] = end
    return change


PLANTED = [
    pytest.param(gowns_within_limit, _without_gear,
                 ["采样员甲 (T1) wears one gown 229 min at U1 from 08:00 (to 11:49), more than the 180-min limit"],
                 id="gown-too-long"),
    pytest.param(stints_long_enough, _late_gear,
                 ["采样员甲 (T1) works a stint of 4 min at U1 from 11:45, shorter than 30 min"], id="stint-too-short"),
    pytest.param(meals_in_windows, _longer_day(13 * 60 + 10),
                 ["采样员甲 (T1) at U1: the day 08:00–13:10 spans 5.2 h with no 30-min meal inside a meal window"],
                 id="no-meal"),
    pytest.param(days_within_max_work, _longer_day(16 * 60 + 30),
                 ["采样员甲 (T1) works 8.5 h from 08:00, more than the 8 h a day allowed: over it at U1 from 16:00"],
                 id="day-too-long"),
]


def test_the_tiny_plan_keeps_every_labour_rule(tiny, tiny_plan):
    for rule in RULES:
        assert rule(tiny.scenario, tiny_plan) == [], rule.__name__


@pytest.mark.parametrize("rule, change, named", PLANTED)
def test_planted_labour_violation_is_named(tiny, plan, rule, change, named):
    change(plan)
    assert rule(tiny.scenario, plan) == named
    assert set(named) <= set(verify(tiny.scenario, plan))


def test_a_meal_in_a_window_keeps_the_meal_rule(tiny, plan):
    # the day to 13:10 with a meal 12:00–12:30 at U1: the rule holds; at 13:15–13:45 it is outside the window
    _longer_day(13 * 60 + 10)(plan)
    meal = {**_mine(plan)[0], "kind": "meal", "start": 12 * 60, "end": 12 * 60 + 30}
    plan["staffing"]["shifts"].append(meal)
    assert meals_in_windows(tiny.scenario, plan) == []
    meal["start"], meal["end"] = 13 * 60 + 15, 13 * 60 + 45
    assert len(meals_in_windows(tiny.scenario, plan)) == 1


def test_xiagezhuang_plan_keeps_every_labour_rule(good_plans):
    good = good_plans["xiagezhuang"]
    for rule in RULES:
        assert rule(good.scenario, good.plan) == [], rule.__name__
