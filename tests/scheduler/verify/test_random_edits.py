"""200 random edits of the tiny plan (tests/scheduler/verify/random_edits.py, seeded): verify either
names a rule, or finds nothing (the edit changed a figure no rule reads, say a solver's method name), or says the
file is not a plan (``KeyError``/``TypeError``: ``natplan verify`` exits 2 with one line); it never raises anything
else.  ``benchmarks/verify_mutants.py --random`` runs more, on the big plans."""

import copy
import random

import pytest

from natplan.scheduler.verify import violations
from tests.scheduler.verify.random_edits import random_edit

EDITS = 200


@pytest.mark.parametrize("seed", range(0, EDITS, 20))
def test_a_random_edit_is_named_or_not_a_plan_never_a_crash(tiny, tiny_plan, seed):
    for k in range(seed, seed + 20):
        plan = copy.deepcopy(tiny_plan)
        what = random_edit(plan, random.Random(k))
        try:
            found = violations(tiny.scenario, plan)
        except (KeyError, TypeError):
            continue
        assert all(v.rule and v.message and "\n" not in v.message for v in found), what


def test_the_edits_are_the_same_for_the_same_seed(tiny_plan):
    a, b = copy.deepcopy(tiny_plan), copy.deepcopy(tiny_plan)
    assert [random_edit(a, random.Random(k)) for k in range(20)] == [random_edit(b, random.Random(k)) for k in range(20)]
    assert a == b or a != tiny_plan
