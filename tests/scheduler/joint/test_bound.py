"""The joint lower bound worked out by hand on the tiny town (tests/data/tiny.yaml).

One desk a unit at 100 an hour, set-up 20 min, 348 walk-ins; T1's home is U1.
"""

import pytest

from natplan.models.scenario import Scenario
from natplan.scheduler.joint.bound import joint_bound, most_served
from natplan.scheduler.joint.data import joint_data
from tests.scheduler.conftest import tiny_with


def _bound(s: Scenario):
    data, problems = joint_data(s)
    assert problems == []
    return joint_bound(data)


def test_one_group_one_desk_at_a_time(tiny):
    # 08:00 + 20 min set-up + 348 / 100 h = 11:48.9: no plan is earlier than 11:49
    b = _bound(tiny.scenario)
    assert (b.finish, b.days) == (11 * 60 + 49, 1)
    assert round(b.loads.sum()) == 348


def test_a_second_group_opens_the_other_unit_two_minutes_later(tiny):
    # T1 swabs at U1 from 08:20, T2 comes from the station (2 min) and swabs at U2 from 08:22:
    # (T - 500) + (T - 502) minutes of one desk each sample 348 people at 100/60 a minute: T = 605.4, 10:06
    data = tiny.scenario.model_dump()
    data["groups"].append({**data["groups"][0], "id": "T2", "name": "第2组", "home": None})
    assert _bound(Scenario.model_validate(data)).finish == 606


def test_the_longest_day_sets_the_days(tiny):
    # 2 h of work a day from 08:00: 100 min of swabbing, 166.7 people a day; 348 need a third day, whose
    # 14.7 people take from 08:20 to 08:29 (08:28.8)
    data = tiny.scenario.model_dump()
    data["parameters"]["max_work_min"] = 120
    b = _bound(Scenario.model_validate(data))
    assert (b.days, b.finish) == (3, 2 * 24 * 60 + 8 * 60 + 29)


def test_a_second_group_at_a_unit_adds_only_the_free_desks(tiny):
    # two groups of two samplers, one unit of 3 desks: the first swabs at 2 desks, the second adds the free desk,
    # not two.  Groups alike are pooled with the earliest trip of any (T1's home is U1: none), so both from
    # 08:20: 300 (T - 500) = 347.5 x 60 (half a person's tolerance), T = 569.5
    data = tiny.scenario.model_dump()
    data["units"] = [{**data["units"][0], "desks": 3}]
    data["zones"][0]["units"] = ["U1"]
    data["groups"].append({**data["groups"][0], "id": "T2", "name": "第2组", "home": None})
    b = _bound(Scenario.model_validate(data))
    assert b.finish == 570  # with both groups' 4 samplers at once it would be 553


def test_most_served_in_a_day_is_what_the_labour_rules_leave(tiny):
    # tiny.yaml with a 2-h day: the group (home U1) sets up 08:00-08:20 and swabs 100 min at U1's one desk, 100 an
    # hour: 166.7 people a day, 333.3 in two, all 348 in three
    data, _ = joint_data(tiny_with(tiny, parameters__max_work_min=120))
    assert most_served(data, 1) == pytest.approx(100 / 60 * 100)
    assert most_served(data, 2) == pytest.approx(2 * 100 / 60 * 100)
    assert most_served(data, 3) == pytest.approx(348)
