"""A hundred random towns (tests/scheduler/random_towns.py): 1-60 units, 1-25 groups, villages placed at random inside
Xiagezhuang's real boundary, tight, loose and impossible deadlines.  Each is read, planned with the default budget and
checked as ``natplan plan`` and ``natplan verify`` would: it is refused with one line per problem, or not planned with
the reasons (both exit 2), or planned and every rule of verify holds.  A town whose deadline is before the least time
the round can take is never planned.

Hypothesis draws the towns derandomized, so every run checks the same hundred; ``benchmarks/fuzz.py --towns`` runs
1,000.  A failing town is printed whole (its ``RandomTown``): ``plan_and_check(town, folder)`` repeats it.
"""

import re

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings

from tests.scheduler.random_towns import GOOD, NO_PLAN, PLANNED, REFUSED, plan_and_check, towns


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("towns")


@settings(max_examples=100, derandomize=True, deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(town=towns())
def test_a_random_town_is_planned_and_verified_or_refused_with_reasons(town, folder):
    outcome = plan_and_check(town, folder)
    event(f"{town.deadline}: {outcome.kind}")
    assert outcome.kind in GOOD, "\n".join(outcome.lines)
    if outcome.kind in (REFUSED, NO_PLAN):
        path = re.escape(str(folder / f"{town.name}.yaml"))
        assert outcome.lines and all(re.match(rf"{path}:(\d+:)? \S", line) for line in outcome.lines), outcome.lines
    if town.deadline == "impossible":
        assert outcome.kind in (REFUSED, NO_PLAN)
    if outcome.kind == PLANNED:
        assert outcome.lines == ()
