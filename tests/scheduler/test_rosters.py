"""Rosters within the labour rules: spares cover breaks, a unit never stops, and rules that cannot be kept.

A group of 1 lead and 4 samplers (a helper scenario), at a unit of 2 desks from 08:00 (set-up till 08:20) to
14:00: 360 min in one stretch, so each person changes gear once or twice, and the day (6 h) needs a meal in
11:00-13:30 (it cannot close the day at 14:00).
"""

import numpy as np

from natplan.models.scenario import Group, Parameters
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.rosters import Stay, group_day, working_samplers

R = LabourRules.of(Parameters(start=8 * 60, deadline=20 * 60))
GROUP = Group.model_validate({"id": "T1", "name": "第1组", "members": [{"name": "组长", "role": "lead"}] + [
    {"name": f"采样员{k}", "role": "sampler"} for k in range(1, 5)]})


def test_two_spare_samplers_cover_every_break_and_the_rules_hold():
    day = group_day(R, GROUP, [Stay("U1", 480, 500, 840, desks=2)])
    assert day.problems == []
    working = working_samplers(day.shifts, "U1", 500, 840)
    assert working.min() >= 2  # the two desks never stop: someone is free to cover each break
    for member in [m.name for m in GROUP.members]:
        mine = sorted((x for x in day.shifts if x.member == member), key=lambda x: x.start)
        assert mine[0].kind == "setup" and mine[-1].end == 840
        meals = [(x.start, x.end) for x in mine if x.kind == "meal"]
        assert len(meals) == 1 and 660 <= meals[0][0] and meals[0][1] <= 810
        gowns, start = [], mine[0].start
        for a, b in zip(mine, mine[1:] + [None]):
            if b is None or b.kind in ("gear", "meal") or a.kind in ("gear", "meal"):
                if a.kind not in ("gear", "meal"):
                    gowns.append(a.end - start)
                start = b.end if b is not None and b.kind in ("gear", "meal") else (b.start if b else 0)
        assert all(30 <= g <= 180 for g in gowns), (member, gowns)


def test_without_spares_the_breaks_take_turns_and_never_stop_the_unit():
    day = group_day(R, GROUP, [Stay("U1", 480, 500, 840, desks=4)])
    working = working_samplers(day.shifts, "U1", 500, 840)
    assert working.min() >= 1 and working.max() == 4
    # every break costs a desk: 4 samplers, each a meal and its gear changes
    lost = int((4 - working).sum())
    breaks = sum(x.end - x.start for x in day.shifts if x.role == "sampler" and x.kind in ("gear", "meal"))
    assert lost == breaks


def test_rules_that_cannot_be_kept_are_explained():
    # a stay of 20 min is shorter than a stint; a day 08:00-16:40 with its meal inside is 8.2 h of work
    short = group_day(R, GROUP, [Stay("U1", 480, 490, 500, desks=2)])
    assert [p.code for p in short.problems] == ["labour_stint"]
    assert short.problems[0].problem == ("group T1 would work only 20 min at U1, less than the shortest stint of "
                                         "30 min")
    long = group_day(R, GROUP, [Stay("U1", 480, 500, 1000, desks=2)])
    assert [p.code for p in long.problems] == ["labour_day"]
    # one lead cannot relieve herself: two shifts need two
    assert long.problems[0].params == {"group": "T1", "unit": "U1", "hours": "8.2", "limit": "8",
                                       "why": "2 shifts need 2 leads, it has 1 lead",
                                       "why_zh": "分 2 班需要 2 名组长，现有 1 名组长",
                                       "give": "give group T1 1 more lead, ", "give_zh": "为检测组 T1 增加 1 名组长，"}


def test_working_samplers_counts_every_group_at_a_unit():
    a = group_day(R, GROUP, [Stay("U1", 480, 500, 560, desks=2)]).shifts
    b = group_day(R, GROUP.model_copy(update={"id": "T2"}), [Stay("U1", 540, 560, 600, desks=2)]).shifts
    n = working_samplers(a + b, "U1", 500, 600)
    assert n.tolist() == [4] * 60 + [4] * 40  # T1's four till 09:20, T2's four from 09:20
    assert isinstance(n, np.ndarray)


def test_a_day_with_a_meal_window_but_no_room_for_the_meal_says_so():
    # 07:00-15:00 at three units; 11:00-13:30 falls inside the day, but U1 closes at 11:10, U2 works only 11:50-12:40
    # and U3 opens at 13:20: no stay leaves 30 min for a meal between two stints of 30 min inside the window
    stays = [Stay("U1", 420, 440, 670, desks=2), Stay("U2", 690, 710, 760, desks=2, travel=10),
             Stay("U3", 780, 800, 900, desks=2, travel=10)]
    day = group_day(R, GROUP, stays)
    [e] = day.problems
    assert (e.code, e.problem, e.fix) == (
        "labour_meal_room",
        "group T1's day 07:00–15:00 spans 8.0 h and needs a 30-min meal in 11:00–13:30, but none of its stays then "
        "leaves room for it between two stints of 30 min",
        "let the group stay 90 min or more at one unit inside a meal window, move or widen parameters.meal_windows, "
        "or shorten the day")
