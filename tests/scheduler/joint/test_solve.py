"""The joint planner end to end on hand-checked towns, an incumbent, determinism, and Xiagezhuang's targets.

The tiny town (tests/data/tiny.yaml): one group T1 of two samplers, home U1; units U1 and U2 900 m apart,
one desk each at 100 people an hour; grids G1 (100, by U1), G2 (100, by U2), G3 (148 walk-ins); van trips
of 2 min; set-up 20 min; doors open on a 5-minute mark.
"""

import json

import pytest

from natplan.models.loader import LoadedScenario
from natplan.models.plan import Visit
from natplan.models.scenario import Scenario
from natplan.planfile import plan_json
from natplan.scheduler.joint import plan_joint
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import violations


def _plan(tiny, change):
    data = tiny.scenario.model_dump()
    change(data)
    return plan_round(LoadedScenario(Scenario.model_validate(data), tiny.path, tiny.digest, tiny.geometry)).plan


def _second_group(data):
    data["groups"].append({**data["groups"][0], "id": "T2", "name": "第2检测组", "home": None})


def _pins(data):
    data["villages"][0]["grids"][0]["pinned_unit"] = "U1"
    data["villages"][0]["grids"][1]["pinned_unit"] = "U2"


def test_two_groups_open_both_units_at_once(tiny):
    # T1 at home U1 08:20-10:20 with G1 + G2 (200 people); T2 from the station (08:02, doors 08:25) at U2 with
    # G3's 148 until 09:54. G3 at U1 instead would close U2 at 10:25.
    plan = _plan(tiny, _second_group)
    assert [(v.group, v.unit, v.open, v.close) for v in plan.staffing.visits] == [
        ("T1", "U1", 500, 620), ("T2", "U2", 505, 594)]
    assert plan.kpis.finish == 620


def test_one_group_opens_the_home_unit_first_when_both_must_open(tiny):
    # G1 is pinned to U1 and G2 to U2, so T1 works both: U1 first (its home, 100 people, 08:20-09:20), then
    # U2 from 09:45 (trip 2 min, doors on the mark) with G2 and G3, 248 people by 12:14. G3 at U1 instead
    # closes U1 at 10:49 and U2 at 12:15.
    plan = _plan(tiny, _pins)
    assert [(v.unit, v.arrive, v.open, v.close) for v in plan.staffing.visits] == [
        ("U1", 480, 500, 560), ("U2", 565, 585, 734)]
    assert {p.grid: p.unit for p in plan.assignment.parts} == {"G1": "U1", "G2": "U2", "G3": "U2"}


def test_an_incumbent_that_does_not_fit_is_ignored_and_one_that_does_is_kept(tiny):
    alone = plan_joint(tiny.scenario, 0.2, 0)
    too_short = [Visit(group="T1", unit="U1", arrive=490, open=510, close=540, leave=540)]
    assert plan_joint(tiny.scenario, 0.2, 0, incumbent=too_short).realised.visits == alone.realised.visits
    again = plan_joint(tiny.scenario, 0.2, 0, incumbent=alone.realised.visits)
    assert again.realised.visits == alone.realised.visits


def test_same_seed_same_plan_bytes_on_xiagezhuang(xiagezhuang):
    assert plan_json(plan_round(xiagezhuang).plan) == plan_json(plan_round(xiagezhuang).plan)


def test_xiagezhuang_meets_its_targets(xiagezhuang):
    # the floors: done by 12:30 from 06:00, within 10 % of the joint bound, no labour rule broken,
    # nobody walks further than max_walk_m
    plan = plan_round(xiagezhuang).plan
    k = plan.kpis
    assert k.finish <= 12 * 60 + 30 and k.finish_ratio <= 1.28
    assert k.joint_ratio <= 1.10 and k.joint_bound <= k.finish
    assert k.walk_max_m <= xiagezhuang.scenario.parameters.max_walk_m
    labour = {"gowns_within_limit", "meals_in_windows", "stints_long_enough", "days_within_max_work",
              "units_staffed", "queues_within_rooms"}
    found = violations(xiagezhuang.scenario, json.loads(plan_json(plan)))
    assert [v for v in found if v.rule in labour] == []


@pytest.mark.parametrize("days", [1, 2])
def test_the_bound_says_how_many_days_the_labour_rules_need(tiny, days):
    # 2 h a day at one desk: 166 people a day of 348, three days; 4 h a day: 366 a day, one day
    data = tiny.scenario.model_dump()
    data["parameters"]["max_work_min"] = {1: 240, 2: 120}[days]
    jr = plan_joint(Scenario.model_validate(data), 0.2, 0)
    assert jr.days == {1: 1, 2: 3}[days]
