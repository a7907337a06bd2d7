"""verify's rules, planted violations: a good tiny plan, one thing changed, the rule and its exact words.

The tiny plan (tests/data/tiny_plan.json): T1 staffs U1 08:30-09:30 (100 people) and U2
10:00-12:30 (248 people), both at 100 an hour; slots of 30 min; one courier loop every 30 min;
home-visit team H01 visits S1 and S2 between 08:00 and 08:24; shuttles carry 1 + 15 + 20 tubes.
"""

import copy

import pytest

from natplan.models.scenario import Scenario
from natplan.scheduler.verify import (
    households_whole,
    people_exactly_once,
    queues_within_rooms,
    round_by_deadline,
    samples_within_age,
    tubes_carried,
    units_collected_every_interval,
    units_staffed,
    verify,
)
from tests.scheduler.conftest import tiny_with


@pytest.fixture(scope="module")
def good(data_dir) -> dict:
    """The tiny plan as plan.json data, kept as a file (tests/data/tiny_plan.json) so that these exact words do not
    move when the planner does; tests change a deep copy."""
    import json

    return json.loads((data_dir / "tiny_plan.json").read_text(encoding="utf-8"))


@pytest.fixture
def plan(good) -> dict:
    return copy.deepcopy(good)


def _loops(plan: dict) -> list[dict]:
    return plan["routing"]["zones"][0]["routes"][0]["loops"]


def test_the_good_plan_breaks_no_rule(tiny, good):
    s = tiny.scenario
    for rule in (people_exactly_once, households_whole, queues_within_rooms, units_staffed, round_by_deadline,
                 units_collected_every_interval, tubes_carried, samples_within_age):
        assert rule(s, good) == [], rule.__name__


def _set(path: str, value):
    """A change that sets one field of the plan, e.g. ``_set("staffing.visits.0.close", 560)``."""
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]

    def change(plan):
        here = plan
        for k in parents:
            here = here[k]
        here[last] = value
    return change


def _overlapping_g3(plan):
    g3 = plan["assignment"]["parts"][2]
    plan["assignment"]["parts"][2:] = [{**g3, "parts": 2, "households": [1, 30], "people": 74},
                                       {**g3, "part": 2, "parts": 2, "households": [25, 60], "people": 74}]


def _without_u1_pickups(plan):
    for loop in _loops(plan):
        loop["stops"] = [x for x in loop["stops"] if x["unit"] != "U1"]


def _without_second_sampler_at_u2(plan):
    plan["staffing"]["shifts"] = [x for x in plan["staffing"]["shifts"]
                                  if not (x["member"] == "采样员乙" and x["unit"] == "U2")]


def _pause_at_u2(start, end):
    """采样员乙 gone from U2 (the group's one sampler there) and a pause declared at U2 from ``start`` to ``end``."""
    def change(plan):
        _without_second_sampler_at_u2(plan)
        plan["units"][1]["pauses"] = [[start, end]]
    return change


def _pause_without_break(plan):
    """The declared pause of 11:15-11:30 holds, but 采样员甲 is simply gone then instead of changing gear."""
    _pause_at_u2(675, 690)(plan)
    plan["staffing"]["shifts"] = [x for x in plan["staffing"]["shifts"]
                                  if not (x["member"] == "采样员甲" and x["unit"] == "U2" and x["kind"] == "gear")]


def test_a_declared_pause_while_the_only_sampler_changes_gear_is_kept(tiny, plan):
    """A group of one sampler cannot cover its own gown change: the unit pauses 11:15-11:30, and the plan says so."""
    _pause_at_u2(675, 690)(plan)
    assert units_staffed(tiny.scenario, plan) == []


EXTRA_SHIFT = {"group": "T1", "member": "采样员甲", "role": "sampler", "unit": "U2", "start": 520, "end": 540,
               "kind": "work"}

PLANTED = [
    # people_exactly_once
    pytest.param(people_exactly_once, lambda p: p["staffing"]["home_teams"][0]["people"].append("S1"),
                 ["special-needs person S1 is visited 2 times"], id="visited-twice"),
    pytest.param(people_exactly_once, lambda p: p["staffing"]["home_teams"][0]["people"].remove("S2"),
                 ["special-needs person S2 is visited 0 times"], id="never-visited"),
    pytest.param(people_exactly_once, _set("slots.0.people", 74),  # G1's slots: 75 → 74, and 25
                 ["grid G1 part 1: 99 people have slots, 100 were assigned"], id="slots-short"),
    pytest.param(people_exactly_once,
                 lambda p: p["assignment"]["parts"].append({**p["assignment"]["parts"][0], "grid": "G9", "people": 0}),
                 ["grid G9 in the plan is not in the scenario"], id="unknown-grid"),
    # households_whole
    pytest.param(households_whole, _overlapping_g3, ["grid G3: households of parts 1 and 2 overlap"],
                 id="households-overlap"),
    # queues_within_rooms
    pytest.param(queues_within_rooms, _set("staffing.visits.0.close", 560),
                 ["unit U1: last person sampled at 09:30, after its group leaves at 09:20"], id="group-leaves-early"),
    pytest.param(queues_within_rooms, _set("slots.0.start", 500),
                 ["unit U1: a slot starts before the unit opens at 08:30"], id="slot-before-opening"),
    pytest.param(queues_within_rooms, lambda p: p["staffing"]["visits"].pop(0), ["unit U1 has slots but no group"],
                 id="slots-no-group"),
    # units_staffed
    pytest.param(units_staffed, _set("staffing.visits.1.arrive", 560),  # at U2 before it leaves U1 at 09:30
                 ["group T1 is at U1 and U2 at once (09:20)"], id="group-in-two-units"),
    pytest.param(units_staffed, lambda p: p["staffing"]["shifts"].append(EXTRA_SHIFT),
                 ["采样员甲 (T1) is in two places at 08:40"], id="person-in-two-places"),
    pytest.param(units_staffed, _without_second_sampler_at_u2,  # nobody swabs while 采样员甲 changes gear
                 ["unit U2 has no sampler at work at 11:15 while open (10:00–12:30)"], id="no-sampler"),
    pytest.param(units_staffed, lambda p: p["staffing"]["visits"].pop(0), ["unit U1 has people but no group"],
                 id="people-no-group"),
    pytest.param(units_staffed, _pause_at_u2(680, 690),  # the declared pause starts 5 minutes late
                 ["unit U2 has no sampler at work at 11:15 while open (10:00–12:30)"], id="pause-too-short"),
    pytest.param(units_staffed, _pause_without_break,  # a pause with nobody on a break: the sampler just left
                 ["unit U2 has no sampler at work at 11:15 while open (10:00–12:30)"], id="pause-without-break"),
    pytest.param(units_staffed, lambda p: p["units"][1].update(pauses=[[620, 640]]),  # both samplers at work then
                 ["unit U2 declares a pause 10:20–10:40, but a sampler works there at 10:20"], id="pause-untrue"),
    # round_by_deadline
    pytest.param(round_by_deadline, _set("staffing.home_teams.0.end", 800),
                 ["home-visit team H01 returns at 13:20, after the deadline 13:00"], id="home-team-late"),
    pytest.param(round_by_deadline, _set("units.1.finish", 790.2),
                 ["unit U2 finishes at 13:10, after the deadline 13:00"], id="unit-late"),
    # units_collected_every_interval
    pytest.param(units_collected_every_interval, lambda p: _loops(p).pop(0),  # the 09:00 run
                 ["unit U1 opens at 08:30 but is first collected by the run of 09:30"], id="first-run-missing"),
    pytest.param(units_collected_every_interval, _without_u1_pickups, ["unit U1 is never collected"],
                 id="never-collected"),
    # tubes_carried
    pytest.param(tubes_carried, _set("routing.zones.0.routes.0.loops.0.stops.0.tubes", 4),
                 ["unit U1: couriers carry 9 tubes, 10 were filled",
                  "shuttles carry 36 tubes, couriers and home teams bring 35"], id="tube-left-behind"),
    # samples_within_age: the 13:24 shuttle takes U2's boxes of 11:00-12:30, the oldest swabbed at 10:31
    pytest.param(samples_within_age, _set("routing.shuttles.trips.2.arrive", 900),
                 ["unit U2: samples from 10:31 reach the lab at 15:00, 269 min, over the 240-min limit"],
                 id="late-shuttle"),
    pytest.param(samples_within_age, lambda p: p["routing"]["shuttles"]["trips"].pop(),
                 [f"unit U2: the box picked up at {t} has no shuttle to the lab"
                  for t in ("11:02", "11:32", "12:02", "12:32")], id="no-shuttle"),
    pytest.param(samples_within_age, _set("routing.shuttles.trips.0.arrive", 800),
                 ["home-visit team H01: samples from 08:02 are over the 240-min limit"], id="home-samples-too-old"),
]


@pytest.mark.parametrize("rule, change, named", PLANTED)
def test_planted_violation_is_named_by_its_rule(tiny, plan, rule, change, named):
    change(plan)
    assert rule(tiny.scenario, plan) == named
    found = verify(tiny.scenario, plan)
    assert found[found.index(named[0]):][:len(named)] == named


# ------------------------------------------------------------------ rules that read the scenario
def test_queue_passes_a_small_waiting_room(tiny, plan):
    # 75 people come in 08:30-09:00 (2.5 a minute) and 1.67 a minute are sampled: the queue grows by
    # 0.83 a minute and passes 10 (+ 0.5) in the 13th minute
    data = tiny.scenario.model_dump()
    data["units"][0]["waiting_room"] = 10
    assert verify(Scenario.model_validate(data), plan) == ["unit U1: 11 people waiting at 08:43, room for 10"]


def test_last_person_after_the_deadline(tiny, plan):
    s = tiny_with(tiny, parameters__deadline=12 * 60)  # U2 samples until 12:30; the rates stay 100 an hour
    assert verify(s, plan) == ["unit U2: last person sampled at 12:30, after the deadline 12:00",
                               "unit U2 finishes at 12:30, after the deadline 12:00"]


# ------------------------------------------------------------------ verify
def test_violations_come_in_rule_order(tiny, plan):
    plan["staffing"]["home_teams"][0]["end"] = 800  # round_by_deadline
    plan["staffing"]["home_teams"][0]["people"].append("S1")  # people_exactly_once, the first rule
    assert verify(tiny.scenario, plan) == ["special-needs person S1 is visited 2 times",
                                           "home-visit team H01 returns at 13:20, after the deadline 13:00"]
