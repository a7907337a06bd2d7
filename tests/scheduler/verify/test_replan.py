"""The re-plan rules (natplan.scheduler.verify.replan): each catches its planted violation in a re-planned tiny
town (the plans of tests/scheduler/replan/bases.py), by name; a good re-plan passes every rule against the
scenario as its events make it."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from natplan.models.events import Events
from natplan.planfile import plan_json
from natplan.scheduler.replan import replan
from natplan.scheduler.verify import verify, violations
from natplan.scheduler.verify.replan import (
    closed_units_call_nobody,
    lab_queue_within_age,
    members_who_left_do_not_work,
    pools_retested,
    pre_event_tubes_within_age,
    replanned_scenario,
    sampled_once,
    vehicles_out_stay_out,
)
from tests.scheduler.replan.bases import load, scenario_of


@pytest.fixture(scope="module")
def bases(tiny):
    return {"tiny": (tiny, load("tiny")), "three": (scenario_of("three_samplers", tiny), load("three_samplers"))}


def _replanned(bases, which: str, text: str):
    loaded, plan = bases[which]
    out = replan(loaded.scenario, plan, Events.model_validate(yaml.safe_load(text)))
    assert out.problems == []
    data = json.loads(plan_json(out.plan))
    return replanned_scenario(loaded.scenario, data), data, loaded.scenario


@pytest.fixture(scope="module")
def closed(bases):
    return _replanned(bases, "tiny", "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")


@pytest.fixture(scope="module")
def short(bases):
    return _replanned(bases, "three", "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}]")


@pytest.fixture(scope="module")
def courier_out(bases):
    return _replanned(bases, "tiny", "events: [{kind: vehicle_out, vehicle: Z1-1, at: '10:00', until: '11:00'}]")


@pytest.fixture(scope="module")
def pool_and_lab(bases):
    return _replanned(bases, "tiny", "events: [{kind: positive_pool, unit: U2, tube: 3, at: '12:00'}, "
                                     "{kind: lab_slow, tubes_per_hour: 12, at: '10:00'}]")


@pytest.fixture(scope="module")
def more(bases):
    return _replanned(bases, "tiny", "events: [{kind: more_people, grid: G1, people: 20, at: '09:00'}]")


def test_good_replans_hold_every_rule(closed, short, courier_out, pool_and_lab, more):
    for _, data, scenario in (closed, short, courier_out, pool_and_lab, more):
        assert violations(scenario, data) == []


def test_a_plan_with_more_people_is_checked_against_the_scenario_with_them(more, tiny):
    _, data, _ = more
    assert verify(tiny.scenario, data) == []
    bare = {k: v for k, v in data.items() if k != "replan"}
    assert "grid G1: 120 people sent to units, but 100 walk in" in verify(tiny.scenario, bare)


def test_a_closed_unit_that_calls_people_is_caught(closed):
    s, data, _ = copy.deepcopy(closed)
    data["slots"].append({"unit": "U2", "grid": "G3", "part": 1, "start": 660, "end": 690, "people": 0,
                          "households": [60, 60]})
    assert closed_units_call_nobody(s, data) == ["unit U2 is closed from 11:00 but calls grid G3 11:00–11:30"]


def test_a_courier_out_that_drives_is_caught(courier_out):
    s, data, _ = copy.deepcopy(courier_out)
    assert vehicles_out_stay_out(s, data) == []
    data["replan"]["substitutes"] = []
    assert vehicles_out_stay_out(s, data) == ["vehicle Z1-1 is out from 10:00 but drives 10:30–10:35"]


def test_a_stand_in_that_is_busy_is_caught(courier_out):
    s, data, _ = copy.deepcopy(courier_out)
    data["replan"]["substitutes"][0]["departs"].append(540)  # V1 is on the shuttle of 08:29-09:19 then
    assert vehicles_out_stay_out(s, data)[-1].startswith("vehicle V1 stands in for a courier but is driving")


def test_a_member_who_left_and_still_works_is_caught(short):
    s, data, _ = copy.deepcopy(short)
    line = next(sh for sh in data["staffing"]["shifts"] if sh["member"] == "采样员乙" and sh["end"] == 600)
    line["end"] = 630
    assert members_who_left_do_not_work(s, data) == ["采样员乙 (T1) left at 10:00 but is on the roster until 10:30"]


def test_the_queue_is_replayed_at_the_rate_the_samplers_left_give(short):
    # the town's rules replay each unit at its rosters' rate: U2 at 200 an hour once the sampler left at 10:00
    from natplan.scheduler.verify.replay import replay_units

    s, data, _ = short
    assert round(replay_units(s, data)["U2"].finish, 1) == 674.4


def test_a_household_called_twice_or_never_is_caught(more):
    s, data, _ = copy.deepcopy(more)
    assert sampled_once(s, data) == []
    data["slots"] = [x for x in data["slots"] if not (x["grid"] == "G3" and x["start"] == 690)]
    assert sampled_once(s, data) == ["grid G3: households 31–50 have no slot"]
    s, data, _ = copy.deepcopy(more)
    data["slots"][-1]["households"] = [38, 48]  # G1's new part calls households of its first part
    assert sampled_once(s, data) == ["grid G1: parts 1 and 2 both call households 38–40"]


def test_a_tube_swabbed_before_the_cut_that_reaches_the_lab_too_late_is_caught(closed):
    s, data, _ = copy.deepcopy(closed)
    assert pre_event_tubes_within_age(s, data) == []
    trip = data["routing"]["shuttles"]["trips"][1]  # 11:14: the tubes swabbed from 08:31
    trip["arrive"] += 60
    assert pre_event_tubes_within_age(s, data)[0] == (
        "tubes swabbed from 08:31, before 11:00, reach the lab at 12:44, 253 min later")


def test_a_slow_lab_that_ages_tubes_past_the_limit_is_caught(pool_and_lab):
    s, data, _ = copy.deepcopy(pool_and_lab)
    assert lab_queue_within_age(s, data) == []
    data["replan"]["events"][1]["tubes_per_hour"] = 8
    assert lab_queue_within_age(s, data) == [
        "the lab at 8 tubes an hour from 10:00 tests tubes 313 min after the swab, over the 240-min limit"]


def test_a_positive_pool_retested_wrongly_is_caught(pool_and_lab):
    s, data, _ = copy.deepcopy(pool_and_lab)
    assert pools_retested(s, data) == []
    retest = data["replan"]["retests"][0]
    retest["people"] = 9
    retest["first_swab"] = 700
    assert pools_retested(s, data) == ["tube 3 of U2 holds 10 people; its retest lists 9",
                                       "tube 3 of U2: the retest starts at 11:40, before the result at 12:00"]
    data["replan"]["retests"] = []
    assert pools_retested(s, data) == ["tube 3 of U2 is positive but has 0 retests"]
