"""Who staffs what: a group's rate at a unit, and each person's roster from a group's visits.

Which group works where and when is decided together with who goes where,
by the joint planner (:mod:`natplan.scheduler.joint`).  This module keeps
the two answers other stages ask for on their own: how fast a group samples
at a unit (:func:`group_rate`, the average over a day of the round's
length), and the rosters of a list of visits (:func:`rosters`, every person
within the labour rules: :mod:`natplan.scheduler.rosters`), which a re-plan
uses for the groups whose day changed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from natplan.models.plan import Shift, Visit
from natplan.models.scenario import Role, Scenario
from natplan.scheduler.assign import active_desks, break_fraction
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.rosters import Stay, group_day

OPEN_GRID_MIN = 5  # doors open on a 5-minute mark, so slots read 08:15–08:45, not 08:13–08:43


def group_rate(s: Scenario, unit_desks: int, samplers: int) -> float:
    """People per hour a group with ``samplers`` samples at a unit with ``unit_desks``, on average over a day
    of the round's length (spare samplers cover the breaks; without spares the breaks cost desk time)."""
    return s.parameters.throughput_per_desk_per_hour * active_desks(unit_desks, samplers, break_fraction(s))


def rosters(s: Scenario, visits: list[Visit], travel: np.ndarray, place: dict[str, int]) -> list[Shift]:
    """Each person's day for these visits: travel, set-up, work, with staggered gear changes and a meal.

    Parameters
    ----------
    s
        The scenario (its groups and labour rules).
    visits
        The visits, of any groups; a group's visits on one day must not overlap.
    travel
        Van minutes between places (0 the station, where a group without a home starts).
    place
        Each unit's index in ``travel``.

    Returns
    -------
    list[Shift]
        Every member's shifts (:func:`natplan.scheduler.rosters.group_day`).
    """
    r = LabourRules.of(s.parameters)
    home = {g.id: place.get(g.home, 0) if g.home else 0 for g in s.groups}
    by_day = defaultdict(list)
    for v in visits:
        by_day[(v.group, r.day_of(v.arrive))].append(v)
    groups = {g.id: g for g in s.groups}
    desks = {u.id: u.desks for u in s.units}
    out: list[Shift] = []
    for (gid, _), vs in sorted(by_day.items()):
        here = home[gid]
        stays = []
        for v in sorted(vs, key=lambda v: v.arrive):
            stays.append(Stay(unit=v.unit, arrive=v.arrive, open=v.open, close=v.close,
                              desks=v.desks if v.desks is not None else min(desks[v.unit], groups[gid].count(Role.sampler)),
                              travel=int(travel[here, place[v.unit]]), commute=int(travel[home[gid], place[v.unit]])))
            here = place[v.unit]
        out += group_day(r, groups[gid], stays).shifts
    return out
