"""Realisation within each unit's own hours (``units[].open``/``close`` hold on every day of a round).

The tiny town (tests/data/tiny.yaml) with ``max_work_min: 120`` and ``round_days: 3``: one group of two
samplers, units U1 and U2 of one desk at 100 an hour, 348 walk-in people.
"""

import json

from natplan.models.loader import LoadedScenario
from natplan.models.scenario import Scenario
from natplan.planfile import plan_json
from natplan.scheduler.joint import plan_joint
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import violations

DAY = 24 * 60


def _three_days(tiny, close: int) -> Scenario:
    data = tiny.scenario.model_dump()
    data["parameters"].update(max_work_min=120, round_days=3)
    for u in data["units"]:
        u["close"] = close
    return Scenario.model_validate(data)


def test_units_open_till_10_hold_the_round_and_verify_passes(tiny):
    # 08:20-10:00 on each day: 100 min a day at 100 an hour is 166 people, 332 in two days, the rest on day 3
    s = _three_days(tiny, 10 * 60)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.problems == []
    visits = [(v.unit, v.open, v.close) for v in out.plan.staffing.visits]
    assert visits == [("U1", 500, 600), ("U1", 500 + DAY, 600 + DAY), ("U1", 500 + 2 * DAY, 511 + 2 * DAY)]
    assert violations(s, json.loads(plan_json(out.plan))) == []


def test_a_unit_is_never_worked_past_its_closing_and_the_people_left_are_said(tiny):
    # open till 09:20: 60 min of swabbing a day, 100 people a day, 300 in three days of the 348; the group used to
    # stay on at U1 till 09:50 on day 3 (a violation verify caught); now the plan stops at 09:20 and says so
    s = _three_days(tiny, 9 * 60 + 20)
    jr = plan_joint(s, time_limit=2.0, seed=0)
    for v in jr.realised.visits:
        day = (v.arrive - s.parameters.start) // DAY
        assert v.close <= 9 * 60 + 20 + DAY * day, v
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    [e] = out.problems
    assert (e.code, e.where, e.params["close"], e.params["day"]) == ("unit_closes", "U2", "09:20", "3")
    assert e.problem == (f"unit U2 closes at 09:20 on day 3 (its own hours), and {e.params['left']} of the people "
                         "sent there are not sampled by then")
