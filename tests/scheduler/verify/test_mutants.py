"""The mutation suite: every kind of tampering (tests/scheduler/verify/mutants.py) applied to three good plans —
Xiagezhuang, Qixia and a fuzzed small town, each planned once per session with the default budget — must be named
by its rule.

A tampering whose rule another issue adds (labour: #14, fleet: #15) is an expected failure until that rule is
registered in :data:`natplan.scheduler.verify.RULES`; then it must be caught like the rest.
``benchmarks/verify_mutants.py`` prints the kill rate of the same suite.
"""

import pytest

from natplan.scheduler.verify import violations
from tests.scheduler.verify.mutants import TAMPERS
from tests.scheduler.verify.tampering import TOWNS, caught, good_violations, kills, pending_rule_exists

SURVIVORS = {"unknown-unit", "far-unit", "sampler-shift-removed", "stranger-shift", "group-arrives-late",
             "no-breaks-long-day", "meals-removed", "gear-changes-removed", "tubes-moved", "overloaded-van",
             "shuttle-in-two-places", "shuttle-instant", "courier-loop-90", "group-teleports", "kpi-finish-lie",
             "kpi-age-lie", "kpi-queue-lie", "kpi-people-lie", "kpis-deleted", "unit-finish-nan", "digest-changed",
             "extra-courier-van"}
"""What natplan verify passed when issue #17 was filed (its list, one kind per item)."""


def _marks(tamper):
    if pending_rule_exists(tamper):
        return ()
    return (pytest.mark.xfail(reason=f"rule of issue {tamper.issue}", strict=False),)


CASES = [pytest.param(t, town, id=f"{t.kind}@{town}", marks=_marks(t)) for t in TAMPERS for town in TOWNS]


@pytest.fixture(scope="session")
def before(good_plans) -> dict:
    return {name: good_violations(g) for name, g in good_plans.items()}


def test_every_survivor_of_issue_17_is_in_the_suite():
    assert {t.kind for t in TAMPERS if t.survivor} == SURVIVORS
    assert len({t.kind for t in TAMPERS}) == len(TAMPERS)


@pytest.mark.parametrize("town", TOWNS)
def test_the_good_plans_break_no_rule(good_plans, town):
    g = good_plans[town]
    assert violations(g.scenario, g.plan) == []


def test_every_tampering_applies_to_a_good_plan(good_plans):
    for t in TAMPERS:
        assert any(caught(t, g) is not None for g in good_plans.values()), t.kind


@pytest.mark.parametrize("tamper, town", CASES)
def test_tampering_is_named_by_its_rule(tamper, town, good_plans, before):
    named = caught(tamper, good_plans[town], before[town])
    if named is None:
        pytest.skip(f"the {town} plan has nothing to tamper with this way")
    assert kills(tamper, named), f"{tamper.what}: named only by {sorted(named) or 'no rule'}"
