"""Why a round ends after its deadline, in a planner's words, with what would fix it.

Two reasons, each an :class:`~natplan.models.plan.Explanation` with a
``code`` and ``params`` (so :mod:`natplan.templates.i18n` can say it in
Chinese):

- ``late_unit`` — units whose last person is sampled after the deadline:
  the desk-hours missing before it, and what would add them (desks only as
  many as the group's samplers could work: ``late_unit_groups`` otherwise;
  a unit that opens after the deadline is ``late_unit_opens``);
- ``days`` — the labour rules need more days than the round allows: no
  plan of these groups fits in ``round_days`` (the joint lower bound proves
  it), with the samplers that would make it fit;
- ``days_hours`` — the units' hours (the deadline), not the longest day,
  keep the round from one day: the earliest deadline that would hold it;
- ``round_short`` — no unit is open long enough for set-up and one stint.

:func:`unused` puts the units nobody is sent to, and the groups with no
unit, on one warning line each.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, UnitDay, Visit
from natplan.models.scenario import Role, Scenario
from natplan.scheduler.joint.bound import JointBound, joint_bound, most_served
from natplan.scheduler.joint.data import JointData, duty_cap
from natplan.scheduler.labour import DAY


def late_units(s: Scenario, days: list[UnitDay], visits: list[Visit]) -> list[Explanation]:
    """Each unit that finishes after the deadline, latest first, with the desk-hours it lacks.

    A fix is only offered where the scenario could make it: more desks at a unit only up to the samplers
    of the group that works there (a desk without a sampler swabs nobody); otherwise groups, grids elsewhere
    or the deadline.  A unit that opens after the deadline lacks no desk-hours before it: it is said so.

    Parameters
    ----------
    s
        The scenario.
    days
        The units' days.
    visits
        The groups' visits (to name the group that closes each unit).

    Returns
    -------
    list[Explanation]
        Codes ``late_unit`` (more desks would do), ``late_unit_groups`` (they would not) and
        ``late_unit_opens`` (the unit opens after the deadline).
    """
    p = s.parameters
    deadline = p.last_deadline
    name = {u.id: u.name for u in s.units}
    desks_at = {u.id: u.desks for u in s.units}
    samplers = {g.id: g.count(Role.sampler) for g in s.groups}
    out = []
    for d in sorted(days, key=lambda d: (-d.finish, d.unit)):
        if d.finish <= deadline + 1e-6:
            break
        mine = [v for v in visits if v.unit == d.unit]
        last = max(mine, key=lambda v: (v.close, v.group))
        late = math.ceil(d.finish - deadline)
        params = {"unit": d.unit, "name": name[d.unit], "open": hm(d.open), "deadline": hm(deadline),
                  "group": last.group, "close": hm(d.finish), "late": str(late)}
        if d.open >= deadline:
            out.append(Explanation(
                where=d.unit,
                problem=f"{d.unit} {name[d.unit]} opens at {hm(d.open)}, after the deadline {hm(deadline)} (group "
                        f"{last.group} gets there only then and finishes at {hm(d.finish)}, {late} min late)",
                fix=f"add a group that can reach {d.unit} earlier, move its grids to units open before "
                    f"{hm(deadline)}, or move the deadline {late} min later (parameters.deadline)",
                code="late_unit_opens", params=params))
            continue
        people_late = late / 60 * d.rate_per_hour
        desk_hours = people_late / p.throughput_per_desk_per_hour
        desks = math.ceil(desk_hours / max(0.5, (deadline - d.open) / 60))
        spare = max(samplers.get(v.group, 0) for v in mine) - desks_at[d.unit]  # samplers a new desk would get
        params.update({"desk_hours": f"{desk_hours:.1f}", "desks": str(desks)})
        problem = (f"{d.unit} {name[d.unit]} needs {desk_hours:.1f} more desk-hours between {hm(d.open)} and "
                   f"{hm(deadline)} (group {last.group} finishes at {hm(d.finish)}, {late} min late)")
        if desks <= spare:
            out.append(Explanation(
                where=d.unit, problem=problem,
                fix=f"add a group, add {desks} desk(s) at {d.unit}, move some of its grids to a unit that closes "
                    f"earlier, or move the deadline {late} min later (parameters.deadline)",
                code="late_unit", params=params))
        else:
            out.append(Explanation(
                where=d.unit, problem=problem,
                fix=f"add a group to work {d.unit} beside group {last.group}, move some of its grids to a unit "
                    f"that closes earlier, or move the deadline {late} min later (parameters.deadline)",
                code="late_unit_groups", params=params))
    return out


def unused(s: Scenario, open_units: set[str], used_groups: set[str]) -> list[str]:
    """The plan's warnings for units nobody is sent to and groups with no unit to staff: one line for each kind,
    listing them (``units U3 空点, U5 东坡 have no one assigned; they stay closed``; one alone as before).

    Parameters
    ----------
    s
        The scenario.
    open_units
        Ids of the units the plan opens.
    used_groups
        Ids of the groups the plan sends out.

    Returns
    -------
    list[str]
        English sentences (:mod:`natplan.templates.messages` says them in Chinese).
    """
    closed = [f"{u.id} {u.name}" for u in s.units if u.id not in open_units]
    idle = [f"{g.id} {g.name}" for g in s.groups if g.id not in used_groups]
    out = []
    if len(closed) == 1:
        out.append(f"unit {closed[0]} has no one assigned; it stays closed")
    elif closed:
        out.append(f"units {', '.join(closed)} have no one assigned; they stay closed")
    if len(idle) == 1:
        out.append(f"group {idle[0]} has no unit to staff")
    elif idle:
        out.append(f"groups {', '.join(idle)} have no unit to staff")
    return out


def round_too_short(s: Scenario) -> Explanation | None:
    """The round's hours too short for any stint: every unit's window is shorter than set-up and the shortest
    stint, so no group can work at all (one line, instead of one per group and day).

    Parameters
    ----------
    s
        The scenario.

    Returns
    -------
    Explanation | None
        Code ``round_short``, with the earliest deadline that would let a group set up and work one stint;
        None when some unit's window is long enough.
    """
    p = s.parameters
    need = p.setup_min + p.min_stint_min
    windows = [s.unit_window(u) for u in s.units]
    if not windows or any(b - a >= need for a, b in windows):
        return None
    a, b = min(windows, key=lambda w: (w[0] - w[1], w[0]))  # the longest window
    params = {"open": hm(a), "close": hm(b), "setup": str(p.setup_min), "stint": str(p.min_stint_min),
              "deadline": hm(a + need)}
    return Explanation(
        where="town",
        problem=f"no unit is open long enough to work: the longest window, {hm(a)}–{hm(b)}, is shorter than the "
                f"{p.setup_min}-min set-up and the shortest stint of {p.min_stint_min} min",
        fix=f"move the deadline to {hm(a + need)} or later (parameters.deadline), or open the units longer",
        code="round_short", params=params)


def round_needs_days(s: Scenario, data: JointData, bound: JointBound, finish: int) -> Explanation:
    """The labour rules need more days than ``round_days``: how many, why, and the samplers that would fit
    the round into the days it allows.

    Parameters
    ----------
    s
        The scenario.
    data
        The joint instance.
    bound
        The joint lower bound (it proves the days needed).
    finish
        The plan's finish (on its last day).
    """
    p = s.parameters
    r = data.rules
    # samplers who can swab at once: each group at most the desks of the largest unit
    samplers = int(sum(min(int(n), int(data.desks.max())) for n in data.samplers))
    people = int(data.people.sum())
    arrive = r.start + int(data.travel[:, 1:].min()) if data.n_units else r.start
    day = max(0, int((finish - p.start) // DAY))  # the day the plan finishes on
    if data.n_units and int(data.hi.max()) < arrive + duty_cap(r, arrive):
        # the units' hours end before the longest day would: a later deadline may hold the round in one day
        open_till = np.array([DAY + r.start if u.close is None else int(h) for u, h in zip(s.units, data.hi)])
        one = joint_bound(replace(data, hi=open_till))
        if one is not None and one.days == 1:
            params = {"days": str(bound.days), "allowed": str(p.round_days), "people": f"{people:,}",
                      "open": hm(p.start), "deadline": hm(p.last_deadline), "day": str(day + 1),
                      "finish_day": hm(finish - DAY * day), "needed": hm(one.finish)}
            return Explanation(
                where="town",
                problem=f"the units are open only {hm(p.start)}–{hm(p.last_deadline)}, and no plan of these groups "
                        f"samples its {people:,} walk-in people in those hours: it takes {bound.days} days, and "
                        f"{p.round_days} allowed (the plan finishes on day {day + 1} at {hm(finish - DAY * day)})",
                fix=f"move the deadline to {hm(one.finish)} or later (parameters.deadline; no plan of these groups "
                    f"finishes earlier), add groups, or allow {bound.days} days (parameters.round_days: "
                    f"{bound.days})",
                code="days_hours", params=params)
    # the most any plan samples in the days allowed (the joint bound's LP): fewer than the people, by the proof
    most = most_served(data, p.round_days)
    per_day = int(most / p.round_days)
    need = max(1, math.ceil(samplers * people / max(1e-9, most)) - samplers)
    params = {"days": str(bound.days), "allowed": str(p.round_days), "people": f"{people:,}",
              "samplers": str(samplers), "hours": f"{p.max_work_min / 60:g}", "per_day": f"{per_day:,}",
              "day": str(day + 1), "finish_day": hm(finish - 24 * 60 * day), "deadline": hm(p.last_deadline),
              "more": str(need)}
    return Explanation(
        where="town",
        problem=f"under the labour rules the round needs {bound.days} days, and {p.round_days} "
                f"allowed: its {samplers} samplers at desks, at most "
                f"{p.max_work_min / 60:g} h of work a day each, sample at most about {per_day:,} of its "
                f"{people:,} walk-in people a day (the plan finishes on day {day + 1} at "
                f"{hm(finish - 24 * 60 * day)}, the deadline is {hm(p.last_deadline)})",
        fix=f"add about {need} samplers with desks to work (more groups, or desks where groups have spare "
            f"samplers), allow {bound.days} days "
            f"(parameters.round_days: {bound.days}), or a longer day (parameters.max_work_min)",
        code="days", params=params)


def paused(days: list[UnitDay], visits: list[Visit]) -> list[str]:
    """One warning per unit that pauses (:attr:`UnitDay.pauses`): when, and which groups would need one more
    sampler to keep it open."""
    out = []
    for d in days:
        if not d.pauses:
            continue
        groups = sorted({v.group for v in visits if v.unit == d.unit and any(
            v.open < b and a < v.close for a, b in d.pauses)})
        spans = ", ".join(f"{hm(a)}–{hm(b)}" for a, b in d.pauses)
        out.append(f"unit {d.unit} stops sampling {spans}: every sampler there is on a break (gown change or meal) "
                   f"and none is free to cover it; one more sampler in {', '.join(groups)} would keep it open")
    return out
