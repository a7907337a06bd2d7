"""When: each grid part gets an arrival slot at its unit.

A fluid queue model: the people of a slot arrive evenly over it, the unit
samples at its rate while anyone waits.  Slots are filled in order, each up
to what keeps the queue within the waiting room and near a small target
(so the desks never run dry and nobody waits long); a grid part too big for
one slot is called in consecutive household ranges.  With the queue never
empty until the last slot, the unit finishes at ``open + people / rate``,
its own lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import GridPart, Slot, UnitDay


@dataclass(frozen=True)
class QueueTrace:
    """Waiting people at each minute from ``t0``; ``finish`` is when the last person is sampled."""

    t0: int
    waiting: np.ndarray
    finish: float
    peak: float


def fluid_queue(t0: int, rate_per_hour: float, arrivals: list[tuple[int, int, int]]) -> QueueTrace:
    """Queue over time when ``(start, end, people)`` arrive evenly and are sampled at a rate.

    >>> q = fluid_queue(0, 60, [(0, 30, 60)])   # 60 people in 30 min, 1 a minute sampled
    >>> round(q.peak), round(q.finish)
    (30, 60)
    """
    if not arrivals:
        return QueueTrace(t0, np.zeros(1), float(t0), 0.0)
    end = max(e for _, e, _ in arrivals)
    total = sum(n for _, _, n in arrivals)
    horizon = end - t0 + int(math.ceil(total / rate_per_hour * 60)) + 2
    inflow = np.zeros(horizon)
    for a, e, n in arrivals:
        inflow[a - t0:e - t0] += n / (e - a)
    mu = rate_per_hour / 60
    q = np.zeros(horizon + 1)
    finish = float(t0)
    served_total = 0.0
    for k in range(horizon):
        avail = q[k] + inflow[k]
        served = min(mu, avail)
        q[k + 1] = avail - served
        served_total += served
        if served > 1e-9:
            finish = t0 + k + (served / mu if q[k + 1] <= 1e-9 and served < mu else 1.0)
        if served_total >= total - 1e-6 and k >= end - t0:
            break
    peak = float(max(np.max(q[1:] + 0.0), 0.0))
    # the peak inside a minute is at its end when arrivals exceed service, so q[1:] holds it
    return QueueTrace(t0, q, finish, peak)


def plan_slots(unit: str, open_: int, rate_per_hour: float, room: int, slot_min: int,
               parts: list[GridPart], target_queue: int | None = None) -> list[Slot]:
    """Give the parts of one unit their slots, in the order given.

    Parameters
    ----------
    open_
        Minute the unit starts sampling.
    rate_per_hour
        People per hour it samples.
    room
        Waiting room: the queue may never exceed it.
    target_queue
        Queue to aim for at the end of each slot (default: a quarter of the
        room, at most 15 minutes of sampling).
    """
    per_slot = rate_per_hour * slot_min / 60
    if target_queue is None:
        target_queue = int(min(room / 4, rate_per_hour / 4))
    out: list[Slot] = []
    k, q, arrivals = 0, 0.0, 0.0  # slot index, queue at the slot's start, arrivals so far in it
    for part in parts:
        left = part.people
        hh_lo, hh_hi = part.households
        hh_total = hh_hi - hh_lo + 1
        first_hh = hh_lo
        while left > 0:
            # most this slot can still take: the queue at its end stays at the target,
            # and the peak (at the end when arrivals outpace sampling) within the room
            cap = math.floor(min(per_slot + target_queue, per_slot + room) - q - arrivals)
            if cap <= 0:
                q = max(0.0, q + arrivals - per_slot)
                k, arrivals = k + 1, 0.0
                continue
            take = min(left, cap)
            if take < left and take < min(20, part.people):  # avoid calling a handful; wait for the next slot
                q = max(0.0, q + arrivals - per_slot)
                k, arrivals = k + 1, 0.0
                continue
            hh_take = hh_total if take == left else max(1, round(hh_total * take / part.people))
            last_hh = min(hh_hi, first_hh + hh_take - 1) if take < left else hh_hi
            start = open_ + k * slot_min
            out.append(Slot(unit=unit, grid=part.grid, part=part.part, start=start, end=start + slot_min,
                            people=take, households=(first_hh, last_hh)))
            first_hh = min(hh_hi, last_hh + 1)
            left -= take
            arrivals += take
    return out


def unit_day(unit: str, group: str | None, open_: int, close: int, rate_per_hour: float,
             slots: list[Slot]) -> UnitDay:
    """Queue, peak and finish of one unit from its slots (fluid model)."""
    trace = fluid_queue(open_, rate_per_hour, [(x.start, x.end, x.people) for x in slots])
    bounds = sorted({x.start for x in slots} | {x.end for x in slots})
    queue = [(t, round(float(trace.waiting[min(len(trace.waiting) - 1, t - open_)]), 1)) for t in bounds]
    return UnitDay(
        unit=unit, people=sum(x.people for x in slots), open=open_, close=close, group=group,
        rate_per_hour=round(rate_per_hour, 3),
        first_slot=min((x.start for x in slots), default=None),
        last_slot=max((x.start for x in slots), default=None),
        peak_queue=round(trace.peak, 1), finish=round(trace.finish, 1), queue=queue,
    )


def sampled_curve(open_: int, rate_per_hour: float, slots: list[Slot]) -> tuple[int, np.ndarray]:
    """People swabbed by each minute from ``t0``: ``(t0, cumulative)``, ``cumulative[k]`` at ``t0 + k``."""
    trace = fluid_queue(open_, rate_per_hour, [(x.start, x.end, x.people) for x in slots])
    inflow = np.zeros(len(trace.waiting))
    for x in slots:
        inflow[x.start - open_ + 1:x.end - open_ + 1] += x.people / (x.end - x.start)
    arrived = np.cumsum(inflow)
    return open_, np.maximum(0.0, arrived - trace.waiting)
