"""verify.shape: planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py describes it), the exact words;
and the gate: a plan whose fields or names are broken gets only the gate's violations, never an exception."""

import math

import pytest

from natplan.scheduler.verify import GATE, RULES, verify, violations
from natplan.scheduler.verify.shape import numbers_finite, plan_well_formed


def test_the_good_plan_is_well_formed(tiny, frozen):
    assert plan_well_formed(tiny.scenario, frozen) == []
    assert numbers_finite(tiny.scenario, frozen) == []


def test_the_gate_comes_first():
    assert RULES[:len(GATE)] == GATE


@pytest.mark.parametrize("path, value, named", [
    ("units.0.people", "100", ["units.0.people: input should be a valid integer"]),
    ("units.0.colour", "red", ["units.0.colour: extra inputs are not permitted"]),
    ("slots.0.end", 510, ["slots.0: ends at 08:30, not after it starts at 08:30"]),
    ("assignment.parts.0.people", -5, ["assignment.parts.0.people: -5 is negative"]),
    ("staffing.visits.0.arrive", -10, ["staffing.visits.0.arrive is -10, a time before the round's first day"]),
    ("staffing.home_teams.0.stops.0.1", -1,
     ["staffing.home_teams.0.stops.0.1 is -1, a time before the round's first day"]),
    ("kpis.people", 3.5, ["kpis.people: input should be a valid integer"]),
])
def test_a_broken_field_is_named_at_its_path(tiny, frozen, path, value, named):
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    here = frozen
    for k in parents:
        here = here[k]
    here[last] = value
    assert plan_well_formed(tiny.scenario, frozen) == named


@pytest.mark.parametrize("value, words", [
    (math.nan, "is NaN, not a number"),
    (math.inf, "is infinite"),
    (-math.inf, "is -infinite"),
    (10**400, "is a 401-digit number, more than any plan holds (1,000,000,000,000,000)"),
    (-2e16, "is -2e+16, more than any plan holds (1,000,000,000,000,000)"),
])
def test_a_number_a_plan_cannot_hold_is_named(tiny, frozen, value, words):
    frozen["units"][0]["finish"] = value
    assert numbers_finite(tiny.scenario, frozen) == [f"units.0.finish {words}"]
    # and the other rules, which would compare it, are not run
    assert [v.rule for v in violations(tiny.scenario, frozen)] == ["numbers_finite"]


def test_a_missing_section_means_not_a_plan(tiny, frozen):
    del frozen["routing"]
    with pytest.raises(KeyError, match="routing"):
        verify(tiny.scenario, frozen)
    with pytest.raises(TypeError):
        verify(tiny.scenario, [frozen])


def test_a_zero_length_slot_is_reported_not_divided_by(tiny, frozen):
    frozen["slots"][3]["end"] = frozen["slots"][3]["start"]  # the queue replay divides by a slot's length
    assert verify(tiny.scenario, frozen) == ["slots.3: ends at 10:30, not after it starts at 10:30"]


def test_the_frozen_tiny_plan_holds_every_rule(tiny, frozen):
    assert violations(tiny.scenario, frozen) == []
