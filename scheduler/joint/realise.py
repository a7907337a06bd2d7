"""From a joint structure to the plan's visits, rosters, slots and unit days, minute by minute.

The search works with average rates; here every minute counts.  For a
:class:`~natplan.scheduler.joint.structure.Structure`:

1. each group's day becomes its rosters (:func:`natplan.scheduler.rosters.group_day`):
   travel from its home or its last unit, set-up, work, staggered breaks;
2. each unit samples ``throughput / 60`` people a minute at each desk with a
   sampler at work (all groups there), which gives its rate minute by minute;
3. the unit's people get slots against that rate
   (:func:`natplan.scheduler.slots.plan_slots_mu`), nearest grids first;
4. the last group at a unit stays until its last person is sampled: it
   closes then (earlier than planned when its breaks cost less than the
   average), or stays longer when people are left.

Steps 1-4 repeat until the closings stop moving (a closing changes the
breaks, which change the rate); where they do not settle within a few
rounds and people are left, closings then only move later, so nobody
assigned is ever left without a slot — but never past a unit's own closing
(``units[].close``, on each day of a round): people a unit cannot sample by
then are said (:attr:`Realised.shut`).  Minutes in which a unit is open but
every sampler there is on a break (a group of one sampler changing gown)
are the unit's declared pauses.  The result is deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from natplan.models.plan import Explanation, GridPart, Shift, Slot, UnitDay, Visit
from natplan.routing.couriers import UnitService
from natplan.scheduler.joint.data import JointData, desks_used
from natplan.scheduler.joint.structure import StayPlan, Structure, mark_up
from natplan.scheduler.labour import DAY
from natplan.scheduler.rosters import Stay, group_day, working_samplers
from natplan.scheduler.slots import (end_last_slot_when_ready, fluid_queue_mu, pauses_of, plan_slots_mu, sampled_curve,
                                    unit_day)

ROUNDS = 6  # closings are settled within a few rounds; the last consistent round is kept
EXTEND_ROUNDS = 12  # then, while people are left, rounds that only move closings later


@dataclass(frozen=True)
class Realised:
    """A joint plan, minute by minute."""

    parts: list[GridPart]
    visits: list[Visit]
    shifts: list[Shift]
    slots: list[Slot]
    days: list[UnitDay]
    service: dict[str, UnitService]
    finish: int  # the last person sampled (whole minutes, rounded)
    problems: list[Explanation] = field(default_factory=list)
    stays: tuple[StayPlan, ...] = ()
    unserved: int = 0  # people at units no stay can sample (a structure that does not cover its grids)
    notes: tuple[str, ...] = ()  # days worked in shifts (relief), in words
    shut: tuple[tuple[str, int, int], ...] = ()  # (unit, its own closing, people left): stopped by the closing


def grid_parts(data: JointData, unit_of: np.ndarray) -> list[GridPart]:
    """The jobs as plan grid parts at their units, with the metres walked."""
    metres = {(int(j), int(u)): float(m) for j, u, m in zip(data.arc_job, data.arc_unit, data.arc_m)}
    units = data.scenario.units
    return [GridPart(grid=j.grid, part=j.part, parts=j.parts, households=j.households, people=j.people,
                     unit=units[int(unit_of[k])].id, distance_m=round(metres[(k, int(unit_of[k]))], 1))
            for k, j in enumerate(data.jobs)]


def _desks(data: JointData, stays: list[StayPlan]) -> dict[int, int]:
    """Desks each stay's samplers work: side by side, a unit's desks go first to the earlier arrival."""
    uses = desks_used(data)
    out = {}
    by_unit = defaultdict(list)
    for i, st in enumerate(stays):
        by_unit[st.unit].append(i)
    for u, idx in by_unit.items():
        idx.sort(key=lambda i: (stays[i].arrive, stays[i].group))
        for i in idx:
            a = stays[i]
            taken = sum(out[j] for j in idx if j in out and stays[j].arrive + data.setup < a.close
                        and a.arrive + data.setup < stays[j].close)
            out[i] = max(1, min(int(uses[a.group, u]), int(data.desks[u]) - taken))
    return out


def _rosters(data: JointData, stays: list[StayPlan]) -> tuple[list[Shift], list[Explanation], list[str]]:
    """Every group's rosters for these stays, day by day, and the notes of days worked in shifts."""
    r = data.rules
    desks = _desks(data, stays)
    by_group_day = defaultdict(list)
    for i, st in enumerate(stays):
        by_group_day[(st.group, r.day_of(st.arrive))].append(i)
    shifts, problems, notes = [], [], []
    for (k, _day), idx in sorted(by_group_day.items()):
        idx.sort(key=lambda i: stays[i].arrive)
        place = int(data.home[k])
        day = []
        for i in idx:
            st = stays[i]
            travel = int(data.travel[place, st.unit + 1])
            day.append(Stay(unit=data.scenario.units[st.unit].id, arrive=st.arrive, open=st.arrive + data.setup,
                            close=st.close, desks=desks[i], travel=travel,
                            commute=int(data.travel[data.home[k], st.unit + 1])))
            place = st.unit + 1
        gd = group_day(r, data.scenario.groups[k], day)
        shifts += gd.shifts
        problems += [p for p in gd.problems if p not in problems]
        notes += gd.notes
    return shifts, problems, notes


def realise(data: JointData, structure: Structure) -> Realised:
    """The plan of a structure, minute by minute (see the module docstring).

    Parameters
    ----------
    data
        The instance.
    structure
        Stays and the unit of each job.

    Returns
    -------
    Realised
        Visits, shifts, slots, unit days, the couriers' swab curves and the finish.
    """
    s = data.scenario
    parts = grid_parts(data, structure.unit_of)
    parts_at = defaultdict(list)
    for part in parts:
        parts_at[part.unit].append(part)
    load = {u: sum(x.people for x in xs) for u, xs in parts_at.items()}
    stays = _within_hours(data, [st for st in structure.stays if load.get(s.units[st.unit].id, 0) > 0])
    stays, (shifts, said, per_unit) = _settle(data, stays, parts_at)
    # a stay nobody comes to (a last day its unit does not need) is not worked, unless people are then left
    idle = [st for st in stays if s.units[st.unit].id in per_unit and not any(
        st.arrive + data.setup <= x.start < st.close for x in per_unit[s.units[st.unit].id][2])]
    if idle:
        fewer, measured = _settle(data, [st for st in stays if st not in idle], parts_at)
        if _left(measured[2]) <= _left(per_unit):
            stays, (shifts, said, per_unit) = fewer, measured
    return _assemble(data, stays, shifts, said, parts, per_unit)


def _left(per_unit: dict) -> int:
    """People no stay samples, over all units."""
    return sum(v[4] for v in per_unit.values())


def _settle(data: JointData, stays: list[StayPlan], parts_at: dict[str, list[GridPart]]):
    """Stays whose closings have settled (or, when they do not within :data:`ROUNDS`, moved only later until
    nobody is left), with their rosters, what the rosters said and the per-unit measures."""
    for _ in range(ROUNDS):
        measured = _measure(data, stays, parts_at)
        if not measured[3]:
            return stays, measured[:3]
        stays = measured[3]
    measured = _measure(data, stays, parts_at)
    for _ in range(EXTEND_ROUNDS):
        if not _left(measured[2]):
            break
        later = _measure(data, stays, parts_at, extend_only=True)[3]
        if not later:
            break
        stays = later
        measured = _measure(data, stays, parts_at)
    return stays, measured[:3]


def _measure(data: JointData, stays: list[StayPlan], parts_at: dict[str, list[GridPart]], extend_only: bool = False):
    """Rosters, rates and slots of these stays; and the stays with their closings moved, or None when
    every last group closes as its last person is sampled.  ``extend_only``: closings only move later."""
    s = data.scenario
    p = s.parameters
    index = {u.id: i for i, u in enumerate(s.units)}
    shifts, problems, notes = _rosters(data, stays)
    new = list(stays)
    per_unit = {}
    for uid, xs in parts_at.items():
        u = index[uid]
        mine = [i for i, st in enumerate(stays) if st.unit == u]
        if not mine:
            per_unit[uid] = (0, np.zeros(0), [], None, sum(x.people for x in xs))
            continue
        t0 = min(stays[i].arrive for i in mine) + data.setup
        t1 = max(stays[i].close for i in mine)
        mu = data.tp / 60 * np.minimum(data.desks[u], working_samplers(shifts, uid, t0, t1))
        order = sorted(xs, key=lambda x: (x.distance_m, x.grid, x.part))
        slots, left = plan_slots_mu(uid, t0, mu, s.units[u].waiting_room, p.slot_min, order)
        last = [i for i in mine if stays[i].until_done]
        if last and not left:
            slots = end_last_slot_when_ready(slots, t0, mu)  # the last group leaves when its last person is done
        trace = fluid_queue_mu(t0, mu, [(x.start, x.end, x.people) for x in slots])
        if not math.isfinite(trace.finish):  # called, but still waiting when the last sampler stops
            left += max(1, math.ceil(float(trace.waiting[-1]) - 1e-6))
        per_unit[uid] = (t0, mu, slots, trace, left)
        if not last:
            continue
        if left > 0:
            # people left over: the last groups stay on at their rate until they are done
            rate = sum(data.tp / 60 * min(int(data.desks[u]), int(data.samplers[stays[i].group])) for i in last)
            extra = math.ceil(left / max(rate, 1e-9)) + 1
            for i in last:
                new[i] = replace(stays[i], close=stays[i].close + extra)
        elif math.isfinite(trace.finish) and not extend_only:
            done = math.ceil(trace.finish - 1e-9)
            for i in last:
                new[i] = replace(stays[i], close=max(done, stays[i].arrive + max(data.setup + 1, data.rules.min_stint)))
    new = _within_hours(data, _pushed(data, new))
    return shifts, (problems, notes), per_unit, (new if new != stays else None)


def _closing(data: JointData, st: StayPlan) -> float:
    """The unit's own closing on the stay's day (``close`` holds every day of a round); none when not given."""
    if data.scenario.units[st.unit].close is None:
        return math.inf
    return int(data.hi[st.unit]) + DAY * data.rules.day_of(st.arrive)


def _within_hours(data: JointData, stays: list[StayPlan]) -> list[StayPlan]:
    """The stays closing no later than their unit's own closing that day: whole grids or a longer stay may ask
    for more, and the people then left are said (:attr:`Realised.shut`), never sampled after hours."""
    least = max(data.setup + 1, data.rules.min_stint)  # a stay shorter than a stint is not worked at all
    return [st if st.close <= _closing(data, st) else replace(st, close=int(_closing(data, st)))
            for st in stays if st.arrive + least <= _closing(data, st)]


def _pushed(data: JointData, stays: list[StayPlan]) -> list[StayPlan]:
    """Each group's later stays moved after its earlier ones close (and the trip), doors on the mark."""
    out = list(stays)
    by_group = defaultdict(list)
    for i, st in enumerate(stays):
        by_group[st.group].append(i)
    for idx in by_group.values():
        idx.sort(key=lambda i: stays[i].arrive)
        for i, j in zip(idx, idx[1:]):
            a, b = out[i], out[j]
            if data.rules.day_of(a.arrive) != data.rules.day_of(b.arrive):
                continue
            ready = mark_up(a.close + int(data.travel[a.unit + 1, b.unit + 1]), data.setup)
            if b.arrive < ready:
                out[j] = replace(b, arrive=ready, close=max(b.close, ready + max(data.setup + 1, data.rules.min_stint)))
    return out


def _assemble(data: JointData, stays: list[StayPlan], shifts: list[Shift],
              said: tuple[list[Explanation], list[str]], parts: list[GridPart], per_unit: dict) -> Realised:
    """The realised plan; ``said`` holds the rosters' problems and notes."""
    s = data.scenario
    desks = _desks(data, stays)
    groups = s.groups
    visits = sorted((Visit(group=groups[st.group].id, unit=s.units[st.unit].id, arrive=st.arrive,
                           open=st.arrive + data.setup, close=st.close, leave=st.close, desks=desks[i])
                     for i, st in enumerate(stays)), key=lambda v: (v.group, v.arrive))
    slots, days, service = [], [], {}
    finish = 0.0
    unserved = 0
    shut = []
    for u in s.units:
        if u.id not in per_unit:
            continue
        t0, mu, us, trace, left = per_unit[u.id]
        unserved += left
        stopped = [c for st in stays if s.units[st.unit].id == u.id and st.until_done
                   for c in [_closing(data, st)] if st.close >= c]
        if left and stopped:  # its last groups stayed till the unit's own closing, and people are left
            shut.append((u.id, int(max(stopped)), left))
        if not us:
            continue
        mine = sorted((v for v in visits if v.unit == u.id), key=lambda v: (v.open, v.group))
        peak = data.tp * int(np.max(np.round(mu * 60 / data.tp))) if len(mu) else 0.0
        day = unit_day(u.id, mine[0].group, mine[0].open, max(v.close for v in mine), peak, us, mu=mu, t0=t0,
                       groups=list(dict.fromkeys(v.group for v in mine)),
                       pauses=pauses_of([(v.open, v.close) for v in mine], mu, t0))
        slots += us
        days.append(day)
        start, curve = sampled_curve(mine[0].open, peak, us, mu=mu, t0=t0)
        service[u.id] = UnitService(u.id, mine[0].open, day.finish, start, curve)
        finish = max(finish, day.finish)
    if not math.isfinite(finish):
        finish = max((v.close for v in visits), default=0)
    problems, notes = said
    return Realised(parts, visits, sorted(shifts, key=lambda x: (x.group, x.member, x.start)), slots, days,
                    service, int(round(finish)), problems, tuple(stays), unserved, tuple(notes), tuple(shut))
