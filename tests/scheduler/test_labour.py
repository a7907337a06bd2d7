"""The labour rules as numbers: gear changes, meal windows and meals that close a day, the most work by a minute.

Defaults (../shared/DOMAIN.md): gowns of at most 180 min, a gear change of 15 min, a 30-min meal for a day over
5 h inside 11:00-13:30 or 17:00-19:30, stints of at least 30 min, at most 8 h of work a day.
"""

import pytest

from natplan.models.scenario import Parameters
from natplan.scheduler.labour import LabourRules, gear_changes, work_ceiling

R = LabourRules.of(Parameters())


@pytest.mark.parametrize("length, changes", [(0, 0), (180, 0), (181, 1), (375, 1), (376, 2), (570, 2), (571, 3)])
def test_gear_changes_keep_every_gown_within_180_min(length, changes):
    # k changes leave length - 15 k minutes in k + 1 gowns of at most 180
    assert gear_changes(R, length) == changes


def test_meal_windows_repeat_every_day_and_a_meal_may_close_a_day():
    assert R.meal_windows(10 * 60, 12 * 60) == [(660, 810)]
    assert R.meal_windows(12 * 60, 18 * 60) == [(660, 810), (1020, 1170)]
    assert R.meal_windows(30 * 60, 36 * 60) == [(660 + 1440, 810 + 1440)]  # the next day's
    assert R.closing_meal(11 * 60) and R.closing_meal(13 * 60)  # 13:00-13:30 still fits
    assert not R.closing_meal(13 * 60 + 1) and not R.closing_meal(10 * 60 + 59)
    assert (R.day_start(1), R.day_of(29 * 60), R.day_of(30 * 60)) == (30 * 60, 0, 1)


def test_the_most_a_sampler_swabs_by_a_minute():
    # from 06:00 with 20 min of set-up: by 09:00 160 min (one gown); by 11:00 a gear change is due (300 - 20 - 15);
    # by 12:00 the day spans 6 h and the meal closes it (eat at noon): 360 - 20 - 15; by 14:00 no meal can close
    # the day: stop at 13:00 and eat (420 - 20 - two changes = 370), or work on with the meal inside, which
    # renews the gown too: 480 - 30 - 20 - one change = 415
    assert work_ceiling(R, 20, 360, 540) == 160
    assert work_ceiling(R, 20, 360, 660) == 265
    assert work_ceiling(R, 20, 360, 720) == 325
    assert work_ceiling(R, 20, 360, 840) == 415
    # the longest day: 8 h of work from arrival, set-up included
    assert work_ceiling(R, 20, 360, 24 * 60) == 480 - 20
