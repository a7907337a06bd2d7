"""A round of several days: each day's swabs and couriers on their own, joined into one routing.

The tiny town with ``max_work_min: 120`` and ``round_days: 3`` (tests/scheduler/test_explain.py): T1 works
U1 08:20-10:00 on the first two days and 08:20-08:31 on the third.
"""

import numpy as np
import pytest

from natplan.models.loader import LoadedScenario
from natplan.routing.couriers import UnitService
from natplan.scheduler.days import day_services
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.pipeline import plan_round
from tests.scheduler.conftest import tiny_with

DAY = 24 * 60


@pytest.fixture(scope="module")
def three_days(tiny):
    s = tiny_with(tiny, parameters__max_work_min=120, parameters__round_days=3)
    return s, plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry)).plan


def test_each_day_swabs_on_its_own(tiny):
    # a unit open 08:20-08:40 on day 1 (20 people) and 08:20-08:30 on day 2 (10 more)
    r = LabourRules.of(tiny.scenario.parameters)
    curve = np.concatenate([np.arange(21.0), np.full(DAY - 20, 20.0), 20.0 + np.arange(1.0, 11.0)])
    from natplan.models.plan import Visit

    visits = [Visit(group="T1", unit="U1", arrive=480, open=500, close=520, leave=520),
              Visit(group="T1", unit="U1", arrive=480 + DAY, open=500 + DAY, close=510 + DAY, leave=510 + DAY)]
    days = day_services(r, {"U1": UnitService("U1", 500, 500 + DAY + 10, 500, curve)}, visits)
    assert [(d["U1"].open, d["U1"].finish, float(d["U1"].sampled[-1])) for d in days] == [
        (500, 520.0, 20.0), (500 + DAY, 500 + DAY + 10.0, 10.0)]


def test_couriers_run_each_day_and_stop_for_the_night(three_days):
    s, plan = three_days
    loops = [lp for z in plan.routing.zones for r in z.routes for lp in r.loops]
    by_day = {}
    for lp in loops:
        by_day.setdefault((lp.depart - s.parameters.start) // DAY, []).append(lp)
    assert sorted(by_day) == [0, 1, 2]
    for d, lps in by_day.items():
        visits = [v for v in plan.staffing.visits if (v.open - s.parameters.start) // DAY == d]
        assert min(lp.depart for lp in lps) <= min(v.open for v in visits) + 30
        assert max(lp.depart for lp in lps) <= max(v.close for v in visits) + 30  # none at night
    tubes = sum(st.tubes for lp in loops for st in lp.stops)
    # each day's last tube leaves that day, partly filled: 165, 165 and 18 people make 17 + 17 + 2 tubes
    assert tubes == 36
    assert sum(t.tubes for t in plan.routing.shuttles.trips) == tubes + 1  # and the home visits' tube
    assert plan.routing.shuttles.worst_age_min <= s.parameters.sample_age_limit_min
