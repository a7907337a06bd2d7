"""Fixtures of the verify tests (tests/scheduler/verify/).

- ``good_plans``: the plans the mutation suite tampers with, planned once per session with the default budget
  (tests/scheduler/verify/tampering.py :func:`good_plan`): Xiagezhuang, Qixia and a fuzzed small town, by name.
- ``tiny_plan``: the tiny scenario's plan as the planner makes it now, as plain data; tests change a deep copy
  (``plan``).
- ``frozen_plan``: a good plan of the tiny scenario kept as a file (tests/data/tiny_plan.json), so that the rules'
  own tests do not move when the planner does: T1 staffs U1 08:30-09:30 (G1, 100 people) and U2 10:00-12:30 (G2
  and G3, 248), both at 100 an hour; slots of 30 min; one courier loop every 30 min; home-visit team H01 visits S1
  and S2 between 08:00 and 08:24; shuttles leave at 08:29, 10:54 and 13:24 with 1, 15 and 20 tubes.  Every rule
  holds (test_the_frozen_tiny_plan_holds_every_rule).  Tests change a deep copy (``frozen``).
"""

import copy
import json

import pytest

from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round
from tests.scheduler.verify.tampering import TOWNS, good_plan


@pytest.fixture(scope="session")
def good_plans(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("good-plans")
    return {name: good_plan(name, folder) for name in TOWNS}


@pytest.fixture(scope="module")
def tiny_plan(tiny) -> dict:
    return json.loads(plan_json(plan_round(tiny).plan))


@pytest.fixture(scope="session")
def frozen_plan(data_dir) -> dict:
    return json.loads((data_dir / "tiny_plan.json").read_text(encoding="utf-8"))


@pytest.fixture
def frozen(frozen_plan) -> dict:
    return copy.deepcopy(frozen_plan)


@pytest.fixture
def plan(tiny_plan) -> dict:
    return copy.deepcopy(tiny_plan)
