"""Why a round ends after its deadline: a labour rule the groups cannot keep, or units that finish late.

The tiny town (tests/data/tiny.yaml) with ``max_work_min: 120``: its one group may work 2 h a day, travel
and set-up included, so it swabs 100 minutes a day at its one desk (100 people an hour): 166 people a day of
348.  The joint bound proves the round needs 3 days.  The first two days are called with a person to spare
(nobody may wait through the night): 165 each; the third day's 18 are done at 08:31 (08:20 + 10.8 min).
"""

import json

from natplan.cli import main
from natplan.cli.plan import explain
from natplan.models.loader import LoadedScenario
from natplan.models.plan import UnitDay, Visit
from natplan.planfile import plan_json
from natplan.scheduler.explain import late_units, unused
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.verify import verify
from natplan.templates.messages import warning_text
from tests.scheduler.conftest import tiny_with


def test_a_day_too_short_for_the_round_is_explained_with_numbers(tiny):
    s = tiny_with(tiny, parameters__max_work_min=120)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    (e,) = out.problems
    assert (e.where, e.code) == ("town", "days")
    assert e.problem == ("under the labour rules the round needs 3 days, and 1 allowed: its 1 samplers at desks, at "
                         "most 2 h of work a day each, sample at most about 166 of its 348 walk-in people a day (the "
                         "plan finishes on day 3 at 08:31, the deadline is 13:00)")
    assert e.fix == ("add about 2 samplers with desks to work (more groups, or desks where groups have spare "
                     "samplers), allow 3 days (parameters.round_days: 3), or a longer day (parameters.max_work_min)")


def test_with_the_days_allowed_the_round_is_planned_over_them(tiny):
    s = tiny_with(tiny, parameters__max_work_min=120, parameters__round_days=3)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.problems == []
    k = out.plan.kpis
    assert (k.days, k.finish) == (3, 2 * 24 * 60 + 8 * 60 + 31)
    # every day the group arrives at 08:00 and works at most 2 h; the people come on the day of their slot
    days = sorted({v.arrive // (24 * 60) for v in out.plan.staffing.visits})
    assert days == [0, 1, 2]
    assert all(v.close - v.arrive <= 120 for v in out.plan.staffing.visits)
    # and the plan keeps every rule: units closed for the night, each day's last tube taken that day
    assert verify(s, json.loads(plan_json(out.plan))) == []


def test_cli_says_which_rule_in_chinese_exits_2_and_writes_nothing(tmp_path, data_dir, capsys):
    bad = tmp_path / "short_day.yaml"
    text = (data_dir / "tiny.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("  throughput_per_desk_per_hour: 100", "  throughput_per_desk_per_hour: 100\n"
                                "  max_work_min: 120"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert ("按劳动规则本轮需要 3 天，只允许 1 天：1 名在岗采样员每人每天最多工作 2 小时，每天最多约采 166 人，"
            "到点采样共 348 人（方案第 3 天 08:31 采完，截止 13:00）") in err
    assert "允许 3 天（parameters.round_days: 3）" in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def _day(unit, open_, finish):
    return UnitDay(unit=unit, people=100, open=open_, close=int(finish), group="T1", rate_per_hour=100.0,
                   first_slot=open_, last_slot=int(finish) - 30, peak_queue=0.0, finish=finish, groups=["T1"])


def _visit(unit, open_, close):
    return Visit(group="T1", unit=unit, arrive=open_ - 20, open=open_, close=close, leave=close, desks=1)


def test_a_late_unit_gets_only_fixes_the_scenario_could_make(tiny):
    # U1 (1 desk; group T1 has 2 samplers, so one more desk would get a sampler) opens 08:20, the deadline is
    # 13:00: 30 min late at 100 an hour is 50 people, 0.5 desk-hours, 1 desk over the 4.7 h; 420 min late is
    # 7.0 desk-hours, 2 desks, more than the one spare sampler can work: no desks are offered, a group is.
    s = tiny.scenario
    (near,) = late_units(s, [_day("U1", 500, 810)], [_visit("U1", 500, 810)])
    assert (near.code, near.problem, near.fix) == (
        "late_unit",
        "U1 甲村东检测点 needs 0.5 more desk-hours between 08:20 and 13:00 (group T1 finishes at 13:30, 30 min late)",
        "add a group, add 1 desk(s) at U1, move some of its grids to a unit that closes earlier, or move the "
        "deadline 30 min later (parameters.deadline)")
    (far,) = late_units(s, [_day("U1", 500, 1200)], [_visit("U1", 500, 1200)])
    assert (far.code, far.fix) == (
        "late_unit_groups", "add a group to work U1 beside group T1, move some of its grids to a unit that closes "
                            "earlier, or move the deadline 420 min later (parameters.deadline)")
    assert explain("x.yaml", far, "zh") == (
        "x.yaml: U1: U1 甲村东检测点 在 08:20 至 13:00 之间还差 7.0 个采样台·小时（检测组 T1 20:00 才采完，晚 420 分钟） — "
        "建议: 增加检测组与检测组 T1 一起在 U1 采样、把部分网格调到较早结束的检测单元，或把截止时间推后 420 分钟"
        "（parameters.deadline）")


def test_a_unit_that_opens_after_the_deadline_is_not_given_a_backwards_time_range(tiny):
    (e,) = late_units(tiny.scenario, [_day("U2", 800, 840)], [_visit("U2", 800, 840)])
    assert (e.code, e.problem, e.fix) == (
        "late_unit_opens",
        "U2 甲村西检测点 opens at 13:20, after the deadline 13:00 (group T1 gets there only then and finishes at "
        "14:00, 60 min late)",
        "add a group that can reach U2 earlier, move its grids to units open before 13:00, or move the deadline "
        "60 min later (parameters.deadline)")
    assert explain("x.yaml", e, "zh") == (
        "x.yaml: U2: U2 甲村西检测点 到 13:20 才开始采样，已过截止时间 13:00（检测组 T1 这时才到，14:00 采完，晚 60 分钟） — "
        "建议: 增加能更早到达 U2 的检测组、把它的网格调到 13:00 前开放的检测单元，或把截止时间推后 60 分钟（parameters.deadline）")


def test_closed_units_and_idle_groups_are_one_line_each(tiny):
    s = tiny.scenario
    assert unused(s, {"U1"}, {"T1"}) == ["unit U2 甲村西检测点 has no one assigned; it stays closed"]
    lines = unused(s, set(), set())
    assert lines == ["units U1 甲村东检测点, U2 甲村西检测点 have no one assigned; they stay closed",
                     "group T1 第1检测组 has no unit to staff"]
    assert warning_text(lines[0], "zh") == "检测单元 U1 甲村东检测点、U2 甲村西检测点 没有分到居民，本轮不开放"
    assert warning_text("groups T1 第1组, T2 第2组 have no unit to staff", "zh") == \
        "检测组 T1 第1组、T2 第2组 没有分到检测单元，本轮待命"


def test_a_round_too_short_for_any_stint_is_one_line(tiny):
    # 08:00-08:40: set-up (20 min) and a stint (30 min) need 50
    s = tiny_with(tiny, parameters__deadline=8 * 60 + 40)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    [e] = out.problems
    assert (e.code, e.problem, e.fix) == (
        "round_short",
        "no unit is open long enough to work: the longest window, 08:00–08:40, is shorter than the 20-min set-up "
        "and the shortest stint of 30 min",
        "move the deadline to 08:50 or later (parameters.deadline), or open the units longer")
    assert explain("x.yaml", e, "zh") == (
        "x.yaml: town: 没有哪个检测单元开放得够长：最长的开放时间 08:00–08:40 短于 20 分钟的布置时间加最短连续工作时间 30 分钟 — "
        "建议: 把截止时间推后到 08:50 或更晚（parameters.deadline），或延长各检测单元的开放时间")


def test_a_deadline_too_early_names_the_deadline_that_would_do(tiny):
    # units open 08:00-09:00: 40 min of swabbing a day at 100 an hour is 66 of the 348 people; with the units open
    # all day the joint bound proves 11:49 (08:20 + 3.48 h), the planner's optimum (test_optimum)
    s = tiny_with(tiny, parameters__deadline=9 * 60)
    out = plan_round(LoadedScenario(s, tiny.path, tiny.digest, tiny.geometry))
    assert out.plan is None
    [e] = out.problems
    assert (e.code, e.problem, e.fix) == (
        "days_hours",
        "the units are open only 08:00–09:00, and no plan of these groups samples its 348 walk-in people in those "
        "hours: it takes 3 days, and 1 allowed (the plan finishes on day 3 at 10:31)",
        "move the deadline to 11:49 or later (parameters.deadline; no plan of these groups finishes earlier), add "
        "groups, or allow 3 days (parameters.round_days: 3)")
    assert explain("x.yaml", e, "zh") == (
        "x.yaml: town: 检测单元只在 08:00–09:00 开放，现有检测组在这段时间内采不完到点采样的 348 人：需要 3 天，只允许 1 天"
        "（方案第 3 天 10:31 采完） — 建议: 把截止时间推后到 11:49 或更晚（parameters.deadline；现有检测组不可能更早完成）、"
        "增加检测组，或允许 3 天（parameters.round_days: 3）")


def test_a_unit_that_pauses_is_one_warning_with_its_spans_and_the_group_to_strengthen():
    from natplan.models.plan import UnitDay, Visit
    from natplan.scheduler.explain import paused

    day = UnitDay(unit="U2", people=9, open=440, close=760, group="T2", rate_per_hour=60, first_slot=440,
                  last_slot=560, peak_queue=3, finish=600, pauses=[(529, 544), (700, 730)])
    visits = [Visit(group="T2", unit="U2", arrive=420, open=440, close=600, leave=600),
              Visit(group="T3", unit="U2", arrive=650, open=670, close=760, leave=760),
              Visit(group="T4", unit="U1", arrive=420, open=440, close=760, leave=760)]
    assert paused([day, day.model_copy(update={"unit": "U1", "pauses": []})], visits) == [
        "unit U2 stops sampling 08:49–09:04, 11:40–12:10: every sampler there is on a break (gown change or meal) "
        "and none is free to cover it; one more sampler in T2, T3 would keep it open"]
