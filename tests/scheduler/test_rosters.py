"""Rosters within the labour rules: spares cover breaks, a unit never stops, and rules that cannot be kept.

A group of 1 lead and 4 samplers (a helper scenario), at a unit of 2 desks from 08:00 (set-up till 08:20) to
14:00: 360 min in one stretch, so each person changes gear once or twice, and the day (6 h) needs a meal in
11:00-13:30 (it cannot close the day at 14:00).
"""

import numpy as np
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from natplan.models.scenario import Group, Parameters
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.rosters import Stay, group_day, working_samplers
from natplan.scheduler.slots import pauses_of

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


def _samplers(n: int, group: str = "T1") -> Group:
    return Group.model_validate({"id": group, "name": "组", "members": [{"name": "组长", "role": "lead"}] + [
        {"name": f"采样员{k}", "role": "sampler"} for k in range(1, n + 1)]})


def _pauses(day, stay: Stay) -> list[tuple[int, int]]:
    working = working_samplers(day.shifts, stay.unit, stay.open, stay.close)
    return pauses_of([(stay.open, stay.close)], working.astype(float), stay.open)


def _u08(arrive: int) -> list[Stay]:
    """Group T02's day in the random town 267797292: four stays, the last at U08 from ``arrive`` (set-up 20 min)
    to 14:16, the only one with room for a meal in 11:00-13:30."""
    return [Stay("U04", 435, 455, 568, 2, travel=13), Stay("U01", 580, 600, 651, 2, travel=9),
            Stay("U06", 660, 680, arrive - 12, 2, travel=6), Stay("U08", arrive, arrive + 20, 856, 2, travel=7)]


def test_three_samplers_at_two_desks_eat_in_turns_and_the_unit_never_stops():
    # at U08 from 11:55 (set-up till 12:15) a meal may start 12:25 (a stint of 30 min after set-up) to 13:00 (it
    # ends by 13:30): two samplers eat one after the other, the third beside one of them while the other works
    r = LabourRules.of(Parameters(start=7 * 60, deadline=20 * 60))
    day = group_day(r, _samplers(3, "T02"), _u08(715))
    assert day.problems == []
    working = working_samplers(day.shifts, "U08", 735, 856)
    assert working.min() >= 1
    # the fewest desk-minutes lost: 3 meals of 30 min inside 12:25-13:30 (65 min) keep 2 away for at least 25 min
    assert int(np.maximum(0, 2 - working).sum()) == 25


def test_a_pause_only_where_every_meal_must_overlap():
    # the same day at U08 from 12:05 as planned: each meal starts between 12:35 and 13:00, so every one of them
    # covers 13:00-13:05, and the unit declares that pause and no other; the least desk-minutes lost (35)
    r = LabourRules.of(Parameters(start=7 * 60, deadline=20 * 60))
    stays = _u08(725)
    day = group_day(r, _samplers(3, "T02"), stays)
    assert day.problems == []
    assert _pauses(day, stays[-1]) == [(780, 785)]
    assert int(np.maximum(0, 2 - working_samplers(day.shifts, "U08", 745, 856)).sum()) == 35


def test_two_samplers_eat_one_after_the_other_in_a_tight_meal_window():
    # one desk, 11:05-13:05 (set-up till 11:25), a day from 07:55: meals may start 11:35-12:05, so the two fit
    # back to back (11:35-12:05, 12:05-12:35); the first placed in the middle of its range would leave none
    r = LabourRules.of(Parameters(start=7 * 60, deadline=20 * 60))
    stay = Stay("U1", 665, 685, 785, desks=1, travel=190)
    day = group_day(r, _samplers(2), [stay])
    assert day.problems == []
    assert working_samplers(day.shifts, "U1", 685, 785).min() == 1
    assert sorted((x.start, x.end) for x in day.shifts if x.kind == "meal" and x.role == "sampler") == [
        (695, 725), (725, 755)]


def _avoidable(r: LabourRules, n: int, stay: Stay, most_gears: int = 4) -> bool:
    """Whether ``n`` samplers can work ``stay`` within the rules with one of them at work every open minute.

    An exact check apart from the planner (CP-SAT): each sampler picks a sequence of breaks — ``kb`` gear changes,
    the meal in one window if the day needs one (and it does not close the day), ``ka`` changes — whose starts
    leave every gown (from set-up or the end of the last break to the next break or the closing) between
    ``min_stint`` and ``gown_max``, every break inside the work and a meal inside its window; the breaks of all
    samplers, as intervals, never number ``n`` at once (a cumulative of capacity ``n - 1``).
    """
    span = stay.close - stay.arrive + stay.travel
    meal = span > r.meal_after and r.meal > 0 and not r.closing_meal(stay.close)
    windows = r.meal_windows(stay.open, stay.close) if meal else [None]
    m = cp_model.CpModel()
    breaks = []
    for _ in range(n):
        choices = []
        for kb in range(most_gears + 1):
            for w in windows:
                for ka in range(most_gears + 1 if meal else 1):
                    chosen = m.new_bool_var("")
                    choices.append(chosen)
                    gown_from = stay.arrive
                    for kind in ["gear"] * kb + (["meal"] if meal else []) + ["gear"] * ka:
                        length = r.meal if kind == "meal" else r.gear
                        t = m.new_int_var(stay.open, stay.close, "")
                        breaks.append(m.new_optional_fixed_size_interval_var(t, length, chosen, ""))
                        m.add(t - gown_from >= r.min_stint).only_enforce_if(chosen)
                        m.add(t - gown_from <= r.gown_max).only_enforce_if(chosen)
                        if kind == "meal":
                            m.add(t >= w[0]).only_enforce_if(chosen)
                            m.add(t + length <= w[1]).only_enforce_if(chosen)
                        gown_from = t + length
                    m.add(stay.close - gown_from >= r.min_stint).only_enforce_if(chosen)
                    m.add(stay.close - gown_from <= r.gown_max).only_enforce_if(chosen)
        m.add_exactly_one(choices)
    m.add_cumulative(breaks, [1] * len(breaks), n - 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


@settings(max_examples=50, derandomize=True, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate))
@given(samplers=st.integers(1, 4), desks=st.integers(1, 3), early=st.integers(0, 120), length=st.integers(60, 600),
       travel=st.sampled_from([0, 10, 90, 240]), window_length=st.integers(30, 90))
def test_a_unit_with_two_samplers_or_more_pauses_only_when_no_turns_avoid_it(samplers, desks, early, length, travel,
                                                                             window_length):
    # a stay arriving ``early`` minutes before a meal window 12:00 + ``window_length`` (a day up to 12 h long)
    r = LabourRules.of(Parameters(start=6 * 60, deadline=23 * 60, max_work_min=720,
                                  meal_windows=[{"start": 12 * 60, "end": 12 * 60 + window_length}]))
    arrive = 12 * 60 - early
    stay = Stay("U1", arrive, arrive + 20, arrive + length, desks=desks, travel=travel)
    day = group_day(r, _samplers(samplers), [stay])
    assume(not day.problems)  # no meal fits, or a gown cannot be changed in time: explained, not a question of turns
    pauses = _pauses(day, stay)
    if samplers == 1:  # one sampler pauses the unit for each of her breaks, and only then
        assert sum(b - a for a, b in pauses) == sum(x.end - x.start for x in day.shifts if x.role == "sampler"
                                                    and x.kind in ("gear", "meal") and x.start < stay.close)
    elif pauses:
        assert not _avoidable(r, samplers, stay), (stay, pauses)


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(leads=st.integers(1, 3), samplers=st.integers(2, 6), desks=st.integers(1, 2), arrive=st.integers(6 * 60, 9 * 60),
       length=st.integers(240, 900), max_work=st.integers(240, 600))
def test_a_day_longer_than_the_longest_work_day_is_relieved_or_refused_never_silent(leads, samplers, desks, arrive,
                                                                                    length, max_work):
    # the day realise hands over may be longer than the joint search planned: each member then works at most
    # max_work_min (a relieved day, said in a note), or the day is refused with the labour_day explanation
    r = LabourRules.of(Parameters(start=6 * 60, deadline=30 * 60, max_work_min=max_work))
    group = Group.model_validate({"id": "T1", "name": "组", "members": [
        {"name": f"组长{k}", "role": "lead"} for k in range(leads)] + [
        {"name": f"采样员{k}", "role": "sampler"} for k in range(samplers)]})
    day = group_day(r, group, [Stay("U1", arrive, arrive + 20, arrive + length, desks=desks, travel=10)])
    worked = {}
    for x in day.shifts:
        worked[x.member] = worked.get(x.member, 0) + (0 if x.kind == "meal" else x.end - x.start)
    codes = [p.code for p in day.problems]
    assert max(worked.values()) <= max_work or "labour_day" in codes, (worked, codes)
    if day.notes:  # a relieved day keeps everyone within the day and is not refused
        assert max(worked.values()) <= max_work and "labour_day" not in codes
