"""One unit's day while it is re-planned: its stays, its slots, and its rate from its samplers' rosters.

As in the pipeline (:mod:`natplan.scheduler.joint.realise`), a unit swabs
``throughput / 60`` people a minute at each desk with a sampler at work
(:func:`natplan.scheduler.rosters.working_samplers`), from its first opening
to its last closing.  While the re-plan decides where people go, a unit's
group may be asked to stay longer than its rosters say: after its closing
the unit is taken to swab at its groups' steady rate (their samplers at its
desks), until the rosters are made for the new closing and the day is worked
out again from them.

New slots continue a unit's day (:func:`extend`): from a slot boundary on,
with the people already waiting or called into that slot put first, by the
pipeline's slot planner at the unit's rate minute by minute
(:func:`natplan.scheduler.slots.plan_slots_mu`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from natplan.models.plan import GridPart, Shift, Slot, UnitDay, Visit
from natplan.models.scenario import Unit
from natplan.scheduler.rosters import working_samplers
from natplan.scheduler.slots import QueueTrace, fluid_queue_mu, pauses_of, plan_slots_mu, sampled_curve, unit_day


@dataclass
class UnitWork:
    """A unit's day while it is re-planned: its groups' stays (in order of opening), its slots, its closures."""

    unit: Unit
    visits: list[Visit]
    slots: list[Slot]
    steady: float  # people a minute its groups swab at its desks, with every sampler at work
    changed: bool = False
    closed: list[tuple[int, int | None]] = field(default_factory=list)  # closures: (from, reopens or None)
    kept: list[Slot] | None = None  # its slots before the re-plan gave it more
    batches: list[tuple[list, int]] = field(default_factory=list)  # (parts, not before) it was given, in order

    def give(self, parts: list, not_before: int, slots: list[Slot]) -> None:
        """Take ``slots`` for ``parts`` (remembered, to be planned again on the rosters made for them)."""
        if self.kept is None:
            self.kept = list(self.slots)
        self.batches.append((parts, not_before))
        self.slots = self.slots + slots

    @property
    def open(self) -> int:
        return min(v.open for v in self.visits)

    @property
    def close(self) -> int:
        return max(v.close for v in self.visits)

    def last(self) -> list[Visit]:
        """The stays that end the unit's day (the groups that stay until its last person is sampled)."""
        return [v for v in self.visits if v.close == self.close]

    def close_at(self, minute: int) -> None:
        """The unit's day ends at ``minute``: its last stays close then."""
        end = self.close
        self.visits = [v.model_copy(update={"close": minute, "leave": minute}) if v.close == end else v
                       for v in self.visits]


def day_start(work: UnitWork, setup: int) -> int:
    """The first minute the unit swabs (the pipeline's ``t0``: its first group's arrival plus the set-up)."""
    return min(v.arrive for v in work.visits) + setup


def rate(work: UnitWork, shifts: list[Shift], tp: float, setup: int,
         until: int | None = None) -> tuple[int, np.ndarray]:
    """``(t0, mu)``: people the unit swabs in each minute from ``t0``: as its rosters say while they have its
    samplers there, at its groups' steady rate from then until its closing (a stay the rosters do not yet
    cover), and until ``until`` (when given: its groups staying on)."""
    t0 = day_start(work, setup)
    rostered = max([t0] + [x.end for x in shifts if x.unit == work.unit.id and x.kind == "work"])
    end = min(work.close, rostered)
    mu = tp / 60 * np.minimum(work.unit.desks, working_samplers(shifts, work.unit.id, t0, end)).astype(float)
    last = max(work.close, until or 0)
    if last > end:
        mu = np.concatenate([mu, np.full(last - end, work.steady)])
    return t0, mu


def horizon(work: UnitWork, people: float) -> int:
    """A minute by which the unit has swabbed ``people`` more after its slots, at its steady rate."""
    last = max([work.close] + [x.end for x in work.slots])
    return last + int(math.ceil(people / max(work.steady, 1e-9))) + 2


def trace(work: UnitWork, shifts: list[Shift], tp: float, setup: int, projected: bool = True) -> QueueTrace:
    """The unit's queue from its slots; ``projected``: its groups stay on after their closing until it is done."""
    total = sum(x.people for x in work.slots)
    t0, mu = rate(work, shifts, tp, setup, horizon(work, total) if projected else None)
    return fluid_queue_mu(t0, mu, [(x.start, x.end, x.people) for x in work.slots])


def slot_boundary(open_: int, slot_min: int, minute: int) -> int:
    """The first slot boundary of a unit opening at ``open_`` at or after ``minute``."""
    if minute <= open_:
        return open_
    return open_ + slot_min * math.ceil((minute - open_) / slot_min)


def extend(work: UnitWork, parts: list[GridPart], not_before: int, slot_min: int, shifts: list[Shift], tp: float,
           setup: int) -> list[Slot]:
    """Slots for ``parts`` at ``work``'s unit, after its own slots and from ``not_before`` on.

    The first new slot is the later of the first slot boundary at or after ``not_before`` and the start of the
    unit's last slot; the people already waiting then, and those already called into that slot, go first.

    Returns
    -------
    list[Slot]
        The new slots only, in order.
    """
    first = slot_boundary(work.open, slot_min, not_before)
    last = max((x.start for x in work.slots), default=None)
    if last is not None and last > first:
        first = last
    tr = trace(work, shifts, tp, setup)
    k = first - tr.t0
    waiting = float(tr.waiting[k]) if 0 <= k < len(tr.waiting) else 0.0
    backlog = waiting + sum(x.people for x in work.slots if x.start >= first)
    people = backlog + sum(p.people for p in parts)
    t0, mu = rate(work, shifts, tp, setup, horizon(work, people) + (first - work.close if first > work.close else 0))
    ahead = GridPart(grid="", part=0, parts=1, households=(1, 1), people=int(math.ceil(backlog - 1e-9)),
                     unit=work.unit.id, distance_m=0.0)
    for target in (None, 0):  # the slot planner's queue target; none when that overfills the waiting room
        slots, _ = plan_slots_mu(work.unit.id, first, mu[max(0, first - t0):], work.unit.waiting_room, slot_min,
                                 [ahead, *parts], target_queue=target)
        new = [x for x in slots if x.grid != ""]
        if trace(replace(work, slots=work.slots + new), shifts, tp, setup).peak <= work.unit.waiting_room:
            break
    return new


@dataclass(frozen=True)
class Day:
    """A unit's day as the plan states it, and the couriers' swab curve."""

    day: UnitDay
    t0: int
    curve: np.ndarray


def unit_day_of(work: UnitWork, shifts: list[Shift], tp: float, setup: int) -> Day:
    """The :class:`UnitDay` and swab curve of a unit from its slots and rosters, as the pipeline states them.

    The day declares its pauses (:func:`natplan.scheduler.slots.pauses_of`): the open minutes in which no sampler
    of the unit is at work, as when the one sampler a group has left changes gown.
    """
    t0, mu = rate(work, shifts, tp, setup)
    peak = tp * int(np.max(np.round(mu * 60 / tp))) if len(mu) else 0.0
    mine = sorted(work.visits, key=lambda v: (v.open, v.group))
    day = unit_day(work.unit.id, mine[0].group, mine[0].open, work.close, peak, work.slots, mu=mu, t0=t0,
                   groups=list(dict.fromkeys(v.group for v in mine)),
                   pauses=pauses_of([(v.open, v.close) for v in mine], mu, t0))
    start, curve = sampled_curve(mine[0].open, peak, work.slots, mu=mu, t0=t0)
    return Day(day, start, curve)
