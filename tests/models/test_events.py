"""Events files (natplan.models.events): read like scenario files, every problem at its line, checked against
the scenario and the plan they change; the facts that change the scenario (more people) applied to it."""

from __future__ import annotations

import pytest

from natplan.models.events import (
    Events,
    load_events,
    new_households,
    remaining_samplers,
    scenario_with_events,
)
from natplan.models.problems import InputError
from tests.scheduler.replan.bases import load


@pytest.fixture(scope="module")
def tiny_plan():
    return load("tiny")


def _errors(tmp_path, tiny, plan, text: str) -> list[str]:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_events(path, tiny.scenario, plan)
    return [p.format("events.yaml") for p in err.value.problems]


def test_a_good_file_is_read_with_its_defaults(tmp_path, tiny, tiny_plan):
    path = tmp_path / "events.yaml"
    path.write_text("events:\n- {kind: unit_closed, unit: U2, at: '11:00', until: '11:30', note: 停电}\n"
                    "- {kind: positive_pool, unit: U2, tube: 3, at: '12:00'}\n", encoding="utf-8")
    loaded = load_events(path, tiny.scenario, tiny_plan)
    e = loaded.events
    assert (e.notice_min, e.cut) == (30, 660)
    assert [(x.kind, x.at) for x in e.events] == [("unit_closed", 660), ("positive_pool", 720)]
    assert e.events[1].retest == "home"
    assert len(loaded.digest) == 64


def test_every_problem_is_named_at_its_line(tmp_path, tiny, tiny_plan):
    text = """events:
- {kind: unit_closed, unit: U9, at: '11:00'}
- {kind: vehicle_out, vehicle: V9, at: '10:00', until: '09:00'}
- {kind: group_short, group: T1, members: [采样员甲, 无名氏], at: '10:00'}
- {kind: more_people, grid: G9, people: 20, at: '10:00'}
- {kind: positive_pool, unit: U2, tube: 99, at: '12:00'}
- {kind: lab_slow, tubes_per_hour: 10, at: '14:00'}
"""
    assert _errors(tmp_path, tiny, tiny_plan, text) == [
        "events.yaml:2: events[0].unit: unknown unit 'U9'",
        "events.yaml:3: events[1].until: 09:00 is not after at (10:00)",
        "events.yaml:3: events[1].vehicle: unknown vehicle 'V9' (station vehicles: V1; couriers: Z1-1)",
        "events.yaml:4: events[2].members[1]: 无名氏 is not a member of group T1",
        "events.yaml:5: events[3].grid: unknown grid 'G9'",
        "events.yaml:6: events[4].tube: unit U2 fills 25 tubes in the plan; there is no tube 99",
        "events.yaml:7: events[5].at: 14:00 is outside the round (08:00–13:00)",
    ]


def test_fields_are_strict_like_a_scenarios(tmp_path, tiny, tiny_plan):
    text = """notice_min: 30
events:
- {kind: lab_slow, tubes_per_hour: true, at: '10:00'}
- {kind: unit_opened, unit: U1, at: '10:00'}
- {kind: more_people, grid: G1, people: 0, at: '10:00'}
notice_min: 10
"""
    assert _errors(tmp_path, tiny, tiny_plan, text) == [
        "events.yaml:6: notice_min: 'notice_min' is given twice in one mapping (first at line 1); delete one"]
    text = text.replace("notice_min: 10\n", "")
    assert _errors(tmp_path, tiny, tiny_plan, text) == [
        "events.yaml:3: events[0].tubes_per_hour: Input should be a valid integer (got true)",
        "events.yaml:4: events[1]: Input tag 'unit_opened' found using 'kind' does not match any of the expected "
        "tags: 'unit_closed', 'vehicle_out', 'group_short', 'lab_slow', 'more_people', 'positive_pool'",
        "events.yaml:5: events[2].people: Input should be greater than or equal to 1",
    ]


def test_more_people_are_added_to_the_scenario_in_new_households(tiny):
    events = Events.model_validate({"events": [
        {"kind": "more_people", "grid": "G1", "people": 20, "at": "09:00"},
        {"kind": "more_people", "grid": "G1", "people": 5, "households": 1, "at": "10:00"},
        {"kind": "lab_slow", "tubes_per_hour": 10, "at": "10:00"}]})
    # G1: 100 people in 40 households, 2.5 a household: 20 more live in 8 new households (41-48), then 1 (49)
    assert new_households(tiny.scenario, events) == {0: (41, 48), 1: (49, 49)}
    s = scenario_with_events(tiny.scenario, events)
    g1 = next(g for g in s.grids() if g.id == "G1")
    assert (g1.people, g1.households, s.people) == (125, 49, 375)
    assert scenario_with_events(tiny.scenario, Events.model_validate(
        {"events": [{"kind": "lab_slow", "tubes_per_hour": 10, "at": "10:00"}]})) is tiny.scenario


def test_samplers_left_after_members_leave(tiny):
    events = Events.model_validate({"events": [
        {"kind": "group_short", "group": "T1", "members": ["采样员乙", "登记员甲"], "at": "10:00"}]})
    assert remaining_samplers(tiny.scenario, events) == {"T1": 1}
