"""Staffing: a group's rate at a unit, and the rosters of given visits, on the tiny town.

The tiny town (tests/data/tiny.yaml): one group T1 (lead, 2 samplers, registrar, order keeper,
disinfector), units U1 and U2 with one desk each, 100 people an hour at a desk; van trips of 2 min.
Which group works where, and when, is decided with the grids (tests/scheduler/joint/); here the
visits are given.
"""

import numpy as np
import pytest

from natplan.models.plan import Visit
from natplan.scheduler.staffing import group_rate, rosters
from natplan.scheduler.verify.labour import RULES as LABOUR
from tests.scheduler.conftest import tiny_with

TRAVEL = np.array([[0, 2, 2], [2, 0, 2], [2, 2, 0]])
PLACE = {"U1": 1, "U2": 2}
TWO_UNITS = [Visit(group="T1", unit="U1", arrive=490, open=510, close=570, leave=570),
             Visit(group="T1", unit="U2", arrive=580, open=600, close=750, leave=750)]


def _by_member(shifts):
    out = {}
    for x in shifts:
        out.setdefault(x.member, []).append((x.kind, x.unit, x.start, x.end))
    return out


def _plan(shifts) -> dict:
    return {"staffing": {"shifts": [x.model_dump() for x in shifts]}}


def test_group_rate_is_desks_or_samplers_less_their_breaks(tiny):
    # 08:00-13:00: one gear change (15 min) and a meal (30 min) in 300 min, 15 % of the day
    assert group_rate(tiny.scenario, 1, 2) == 100  # the desk is the limit
    assert group_rate(tiny.scenario, 3, 2) == pytest.approx(170.0)  # 2 samplers × 0.85 × 100
    # 06:00-18:00 style day of 600 min: 3 changes + a meal = 75 min, 12.5 %
    assert group_rate(tiny_with(tiny, parameters__deadline=18 * 60), 3, 2) == pytest.approx(175.0)


def test_two_units_one_after_the_other(tiny):
    # U1 (T1's home: no trip) 08:10-09:30, then U2 09:40-12:30: the day 08:10-12:30 (4.3 h) needs no meal;
    # the stay at U2 (170 min in one gown from 09:40) needs no gear change, the trip took the gown off
    by = _by_member(rosters(tiny.scenario, TWO_UNITS, TRAVEL, PLACE))
    assert len(by) == 6  # everyone of T1
    day = [("setup", "U1", 490, 510), ("work", "U1", 510, 570),
           ("travel", None, 578, 580), ("setup", "U2", 580, 600), ("work", "U2", 600, 750)]
    assert by["采样员甲"] == day and by["组长甲"] == day


def test_a_long_stay_gets_gear_changes_in_turn_and_a_meal_in_its_window(tiny):
    # one stay 08:00-16:20 (set-up till 08:20): 500 min, 470 of work with gear changes between gowns of at
    # most 180 min; the day spans more than 5 h, so a 30-min meal inside 11:00-13:30 (it renews the gown too).
    # The two samplers take their breaks one after the other, so the one desk always has a sampler
    visits = [Visit(group="T1", unit="U1", arrive=480, open=500, close=980, leave=980)]
    shifts = rosters(tiny.scenario, visits, TRAVEL, PLACE)
    s = tiny.scenario
    for rule in LABOUR:
        assert rule(s, _plan(shifts)) == [], rule.__name__
    breaks = {}
    for x in shifts:
        if x.role == "sampler" and x.kind in ("gear", "meal"):
            breaks.setdefault(x.member, []).append((x.kind, x.start, x.end))
    assert sorted(breaks) == ["采样员乙", "采样员甲"]
    for mine in breaks.values():
        assert [k for k, _, _ in mine].count("meal") == 1
        meal = next((a, b) for k, a, b in mine if k == "meal")
        assert 11 * 60 <= meal[0] and meal[1] <= 13 * 60 + 30
    a, b = breaks["采样员甲"], breaks["采样员乙"]
    assert all(x[2] <= y[1] or y[2] <= x[1] for x in a for y in b)  # never both away
    # each person's day is set-up then an unbroken cover of 08:20-16:20
    for member in ("组长甲", "采样员甲", "采样员乙"):
        mine = [x for x in shifts if x.member == member]
        assert mine[0].kind == "setup" and (mine[0].start, mine[0].end) == (480, 500)
        assert all(x.end == y.start for x, y in zip(mine, mine[1:]))
        assert mine[-1].end == 980


def test_a_day_that_ends_in_a_meal_window_ends_with_the_meal(tiny):
    # a stay from 06:00 (set-up till 06:20): to 10:50 the day spans 4.8 h, no meal; to 11:40 it spans 5.7 h
    # and work ends inside 11:00-13:30, so the meal closes the day (eat, then go home); to 13:10 a meal from
    # 13:10 would end after 13:30, so it is taken while the unit works, with a stint of 30 min after it
    def meals(close):
        shifts = rosters(tiny.scenario, [Visit(group="T1", unit="U1", arrive=360, open=380, close=close,
                                               leave=close)], TRAVEL, PLACE)
        return sorted((x.start, x.end) for x in shifts if x.member == "采样员甲" and x.kind == "meal")

    assert meals(650) == []
    assert meals(700) == [(700, 730)]
    (inside,) = meals(790)
    assert 660 <= inside[0] and inside[1] <= 790 - 30
