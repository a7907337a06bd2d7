"""Why a round ends after its deadline, in a planner's words, with what would fix it.

Two reasons, each an :class:`~natplan.models.plan.Explanation` with a
``code`` and ``params`` (so :mod:`natplan.templates.i18n` can say it in
Chinese):

- ``late_unit`` — units whose last person is sampled after the deadline:
  the desk-hours missing before it, and what would add them;
- ``days`` — the labour rules need more days than the round allows: no
  plan of these groups fits in ``round_days`` (the joint lower bound proves
  it), with the samplers that would make it fit.
"""

from __future__ import annotations

import math

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, UnitDay, Visit
from natplan.models.scenario import Scenario
from natplan.scheduler.joint.bound import JointBound
from natplan.scheduler.joint.data import JointData, duty_cap
from natplan.scheduler.labour import work_ceiling


def late_units(s: Scenario, days: list[UnitDay], visits: list[Visit]) -> list[Explanation]:
    """Each unit that finishes after the deadline, latest first, with the desk-hours it lacks.

    Parameters
    ----------
    s
        The scenario.
    days
        The units' days.
    visits
        The groups' visits (to name the group that closes each unit).
    """
    p = s.parameters
    deadline = p.last_deadline
    name = {u.id: u.name for u in s.units}
    out = []
    for d in sorted(days, key=lambda d: (-d.finish, d.unit)):
        if d.finish <= deadline + 1e-6:
            break
        last = max((v for v in visits if v.unit == d.unit), key=lambda v: (v.close, v.group))
        late = math.ceil(d.finish - deadline)
        people_late = late / 60 * d.rate_per_hour
        desk_hours = people_late / p.throughput_per_desk_per_hour
        desks = math.ceil(desk_hours / max(0.5, (deadline - d.open) / 60))
        params = {"unit": d.unit, "name": name[d.unit], "desk_hours": f"{desk_hours:.1f}", "open": hm(d.open),
                  "deadline": hm(deadline), "group": last.group, "close": hm(d.finish), "late": str(late),
                  "desks": str(desks)}
        out.append(Explanation(
            where=d.unit,
            problem=f"{d.unit} {name[d.unit]} needs {desk_hours:.1f} more desk-hours between {hm(d.open)} and "
                    f"{hm(deadline)} (group {last.group} finishes at {hm(d.finish)}, {late} min late)",
            fix=f"add a group, add {desks} desk(s) at {d.unit}, move some of its grids to a unit that closes "
                f"earlier, or open {late} min longer",
            code="late_unit", params=params))
    return out


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
    per_sampler = p.throughput_per_desk_per_hour * work_ceiling(r, data.setup, arrive,
                                                                arrive + duty_cap(r, arrive)) / 60
    per_day = int(per_sampler * samplers)
    need = max(1, math.ceil(people / max(1e-9, per_sampler * p.round_days)) - samplers)
    day = max(0, int((finish - p.start) // (24 * 60)))  # the day the plan finishes on
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
