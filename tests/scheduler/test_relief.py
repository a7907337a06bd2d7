"""Relief: a day longer than one person may work, in shifts of the group's own members, or why it cannot be.

The day, worked out by hand: group T1 leaves home at 07:00, reaches U1 (2 desks) at 07:10, sets up till 07:30 and
works till 18:30: 11.5 h, over the 8 h (480 min) a person may.  Two shifts, the handover on a 10-minute mark:

- at 13:00 the early shift's day is 07:00-13:00 (360 min; its meal closes the day at 13:00-13:30, inside the
  11:00-13:30 window) and the late shift's 12:35-18:30 (355 min: 10 min from home, 15 min to put on its gear,
  its meal closing the day at 18:30-19:00): the longer is 360;
- at 13:10 the early shift's meal no longer fits after it (13:10-13:40 passes 13:30), so it eats inside the day:
  370 - 30 = 340 min of work; the late shift 12:45-18:30 is 345: the longer is 345, the least of any handover
  (13:20 gives 350 and 335).

Each role's members are dealt in their order: 组长1, 采样员1, 采样员2, 登记员1 work early, 组长2, 采样员3,
采样员4, 登记员2 late.  Each shift keeps two samplers for the two desks and one of every other role.
"""

from types import SimpleNamespace

import numpy as np

from natplan.cli.plan import explain
from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Group, Parameters
from natplan.scheduler.joint.data import joint_data
from natplan.scheduler.joint.realise import realise
from natplan.scheduler.joint.structure import StayPlan, Structure
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.relief import Relief, Shortfall, crew_work, plan_relief
from natplan.scheduler.rosters import Stay, group_day, working_samplers
from natplan.scheduler.verify.labour import RULES, days_within_max_work
from natplan.templates.messages import warning_code, warning_text
from natplan.templates.view_units import day_blocks
from tests.scheduler.conftest import tiny_with

P = Parameters(start=7 * 60, deadline=22 * 60)
R = LabourRules.of(P)
DAY = [Stay("U1", 430, 450, 1110, desks=2, travel=10, commute=10)]


def group(leads: int, samplers: int, registrars: int = 2) -> Group:
    return Group.model_validate({"id": "T1", "name": "第1组", "members": (
        [{"name": f"组长{k}", "role": "lead"} for k in range(1, leads + 1)]
        + [{"name": f"采样员{k}", "role": "sampler"} for k in range(1, samplers + 1)]
        + [{"name": f"登记员{k}", "role": "registrar"} for k in range(1, registrars + 1)])})


def _days(shifts):
    out = {}
    for x in shifts:
        a, b, w = out.get(x.member, (x.start, x.end, 0))
        out[x.member] = (min(a, x.start), max(b, x.end), w + (0 if x.kind == "meal" else x.end - x.start))
    return out


def test_the_longest_shift_is_the_least_and_each_role_is_dealt_in_order():
    relief = plan_relief(R, group(2, 4), DAY)
    assert isinstance(relief, Relief)
    assert relief.handovers == ((790, "U1"),)  # 13:10
    early, late = relief.crews
    assert [m.name for m in early.members] == ["组长1", "采样员1", "采样员2", "登记员1"]
    assert [m.name for m in late.members] == ["组长2", "采样员3", "采样员4", "登记员2"]
    assert early.stays == (Stay("U1", 430, 450, 790, desks=2, travel=10, commute=10),)
    assert late.stays == (Stay("U1", 775, 790, 1110, desks=2, travel=10, commute=10, relieve=True),)
    assert [crew_work(R, list(c.stays)) for c in relief.crews] == [340, 345]


def test_a_relieved_day_keeps_every_person_within_the_rules_and_the_unit_staffed():
    day = group_day(R, group(2, 4), DAY)
    assert day.problems == []
    when = _days(day.shifts)  # (first minute, last minute with a closing meal, minutes worked)
    for name in ("组长1", "采样员1", "采样员2", "登记员1"):
        assert when[name] == (420, 790, 340)
    for name in ("组长2", "采样员3", "采样员4", "登记员2"):
        assert when[name] == (765, 1140, 345)
    late = sorted((x for x in day.shifts if x.member == "采样员3"), key=lambda x: x.start)
    assert [(x.kind, x.start, x.end) for x in late[:3]] == [("travel", 765, 775), ("gear", 775, 790),
                                                           ("work", 790, late[2].end)]
    working = working_samplers(day.shifts, "U1", 450, 1110)
    assert working.min() >= 1 and working.max() == 2  # the unit never stops, not even at the handover
    assert working[790 - 450 - 1] == 2 and working[790 - 450] == 2
    plan = {"staffing": {"shifts": [x.model_dump() for x in day.shifts]}}
    scenario = SimpleNamespace(parameters=P)
    for rule in RULES:  # verify's rules, each person's day on its own
        assert rule(scenario, plan) == [], rule.__name__
    assert day.notes == ["group T1 第1组 is at work 07:00–18:30 (11.5 h), more than the 8 h a person may: its "
                         "members work in 2 shifts, handing over at U1 13:10"]


def test_each_persons_roster_prints_their_own_hours():
    day = group_day(R, group(2, 4), DAY)
    early = day_blocks([x for x in day.shifts if x.member == "采样员1"], "U1", "en")
    late = day_blocks([x for x in day.shifts if x.member == "采样员3"], "U1", "zh")
    assert early == (["07:00–07:10 travel", "07:10–07:30 set-up", "07:30–09:27 sampling", "09:27–09:42 gear change",
                      "09:42–12:00 sampling", "12:00–12:30 meal", "12:30–13:10 sampling"], 295)
    assert late == (["12:45–12:55 途中", "12:55–13:10 更换防护服", "13:10–15:35 采样", "15:35–15:50 更换防护服",
                     "15:50–18:30 采样", "18:30–19:00 用餐"], 305)


def test_the_relief_note_is_said_in_both_languages():
    note = group_day(R, group(2, 4), DAY).notes[0]
    assert warning_code(note)[0] == "relief"
    assert warning_text(note, "en") == note
    assert warning_text(note, "zh") == ("检测组 T1 第1组工作时间 07:00–18:30（11.5 小时），超过每人每天最多 8 小时：组员分 2 "
                                        "班轮换，交接时间 U1 13:10")


def test_a_planted_long_day_in_a_relieved_roster_is_caught_by_verify():
    day = group_day(R, group(2, 4), DAY)
    plan = {"staffing": {"shifts": [x.model_dump() for x in day.shifts]}}
    # 采样员3 of the late shift also works the early shift's morning (a roster printed wrong): 07:00-12:00 is 300 min,
    # her own day 345 more (10.75 h); the 480th minute falls 180 min into her own day: travel 10, gear on 15,
    # work 13:10-15:20, gear 15:20-15:35, then 10 min of work: 15:45
    morning = [x.model_dump() | {"member": "采样员3"} for x in day.shifts if x.member == "采样员1" and x.end <= 720]
    plan["staffing"]["shifts"] += morning
    assert days_within_max_work(SimpleNamespace(parameters=P), plan) == [
        "采样员3 (T1) works 10.8 h from 07:00, more than the 8 h a day allowed: over it at U1 from 15:45"]


def test_too_few_members_to_relieve_is_explained_with_what_is_missing():
    one_lead = group(1, 3)
    short = plan_relief(R, one_lead, DAY)
    assert short == Shortfall(2, {"lead": 1, "sampler": 1})
    day = group_day(R, one_lead, DAY)
    [why] = day.problems
    assert why.code == "labour_day"
    assert why.problem == ("group T1 would work 11.5 h in a day, more than the 8 h a person may, and its members "
                           "cannot relieve one another: 2 shifts need 2 leads and 4 samplers, it has 1 lead and "
                           "3 samplers")
    assert why.fix == ("give group T1 1 more lead and 1 more sampler, add groups or samplers, allow more days "
                       "(parameters.round_days), or a longer day (parameters.max_work_min)")
    assert explain("town.yaml", why, "zh") == (
        "town.yaml: T1: 检测组 T1 一天要工作 11.5 小时，超过每人每天最多 8 小时，且组员无法轮班替换：分 2 班需要 2 名组长、"
        "4 名采样员，现有 1 名组长、3 名采样员 — 建议: 为检测组 T1 增加 1 名组长、1 名采样员，增加检测组或采样员、"
        "允许多天完成（parameters.round_days），或延长工作日（parameters.max_work_min）")
    assert day.notes == []


def test_a_day_no_split_can_hold_is_explained():
    # 07:00 to 03:30 the next day: 20.5 h, and stays of 40 min leave no room to hand over
    stays = [Stay(f"U{k}", 430 + 60 * k, 450 + 60 * k, 470 + 60 * k, desks=1, travel=20, commute=20)
             for k in range(20)]
    assert plan_relief(R, group(4, 4), stays) == Shortfall(5, {})
    [why] = [p for p in group_day(R, group(4, 4), stays).problems if p.code == "labour_day"]
    assert why.params["why"] == "no split into 2 to 4 shifts keeps each person's day within it"


def test_a_tiny_town_whose_day_runs_long_is_relieved_when_realised(tiny):
    """tests/data/tiny.yaml at 30 people an hour a desk, every grid at U1 (one desk), its group doubled (each
    member has a second, "…2"): the one group stays at U1 until its 348 people are sampled, far past 8 h.  The
    originals work the early shift from 08:00, the copies the late one; nobody works over 8 h, every rule of
    verify holds, and a sampler is at the desk every minute from 08:20 to the last person."""
    g = tiny.scenario.groups[0]
    members = [m.model_dump() for m in g.members] + [{**m.model_dump(), "name": m.name + "2"} for m in g.members]
    s = tiny_with(tiny, parameters__throughput_per_desk_per_hour=30, parameters__deadline=24 * 60,
                  groups=[{**g.model_dump(), "members": members}])
    data, _ = joint_data(s)
    done = realise(data, Structure((StayPlan(0, 0, 480, 480 + 20 + 696),), np.zeros(len(data.jobs), dtype=np.int64)))
    assert done.problems == [] and done.unserved == 0
    [visit] = done.visits
    assert (visit.arrive, visit.open) == (480, 500) and visit.close - visit.arrive > s.parameters.max_work_min
    # 348 people at half a person a minute from 08:20: 696 min, the desk never idle (slots every half hour), and
    # the longest shift as short as it can be: hand over at 14:10 (an early day of 6.2 h, a late one of 6 h)
    assert visit.close == 500 + 696
    assert done.notes == (f"group T1 第1检测组 is at work 08:00–{hm(visit.close)} ({(visit.close - 480) / 60:.1f} h), "
                          f"more than the 8 h a person may: its members work in 2 shifts, handing over at U1 14:10",)
    when = _days(done.shifts)
    assert {m for m, (a, _, _) in when.items() if a == 480} == {m.name for m in g.members}
    assert {m for m, (a, _, _) in when.items() if a == 14 * 60 + 10 - 15} == {m["name"] + "2" for m in members[:6]}
    assert max(w for _, _, w in when.values()) <= 480
    plan = {"staffing": {"shifts": [x.model_dump() for x in done.shifts]}}
    for rule in RULES:
        assert rule(s, plan) == [], rule.__name__
    assert working_samplers(done.shifts, "U1", 500, visit.close).min() == 1
