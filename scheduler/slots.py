"""When: each grid part gets an arrival slot at its unit.

A fluid queue model: the people of a slot arrive evenly over it, the unit
samples at its rate while anyone waits.  The rate may change minute by
minute (``mu``, people a minute): a unit samples ``throughput`` an hour at
each desk with a sampler at work, and breaks, relays of groups and closed
hours (a night between the days of a round) change that.  Slots are filled
in order, each up to what keeps the queue within the waiting room and near a
small target (so the desks never run dry and nobody waits long), and never
more than the unit can still sample before it closes; a grid part too big
for one slot is called in consecutive household ranges.  With the queue
never empty until the last slot, the unit finishes when its capacity has
sampled its people: its own lower bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
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
    return fluid_queue_mu(t0, np.full(horizon, rate_per_hour / 60), arrivals)


def fluid_queue_mu(t0: int, mu: np.ndarray, arrivals: list[tuple[int, int, int]]) -> QueueTrace:
    """The same queue when the unit samples ``mu[k]`` people in minute ``t0 + k`` (none after ``mu`` ends).

    People left when ``mu`` ends are never sampled: ``finish`` is then infinite.

    >>> q = fluid_queue_mu(0, np.array([1.0] * 10 + [0.0] * 10 + [1.0] * 20), [(0, 10, 20)])
    >>> round(q.peak), round(q.finish)   # 10 wait through the pause, then are sampled
    (10, 30)
    """
    if not arrivals:
        return QueueTrace(t0, np.zeros(1), float(t0), 0.0)
    end = max(e for _, e, _ in arrivals)
    total = sum(n for _, _, n in arrivals)
    horizon = max(len(mu), end - t0)
    inflow = np.zeros(horizon)
    for a, e, n in arrivals:
        inflow[a - t0:e - t0] += n / (e - a)
    rate = np.zeros(horizon)
    rate[:len(mu)] = mu[:horizon]
    # Lindley's recursion q[k+1] = max(0, q[k] + in[k] - rate[k]), at once: S - min(0, running minimum of S)
    walk = np.cumsum(inflow - rate)
    after = walk - np.minimum(0.0, np.minimum.accumulate(walk))
    q = np.concatenate([[0.0], after])
    served = q[:-1] + inflow - q[1:]
    done = np.cumsum(served)
    over = np.flatnonzero((done >= total - 1e-6) & (np.arange(horizon) >= end - t0))
    last = int(over[0]) if len(over) else horizon - 1
    q = q[:last + 2]
    busy = np.flatnonzero(served[:last + 1] > 1e-9)
    finish = float(t0)
    if len(busy):
        k = int(busy[-1])
        finish = t0 + k + (served[k] / rate[k] if q[k + 1] <= 1e-9 and served[k] < rate[k] else 1.0)
    if done[-1] < total - 1e-6:
        finish = math.inf
    peak = float(max(np.max(q[1:] + 0.0), 0.0))
    # the peak inside a minute is at its end when arrivals exceed service, so q[1:] holds it
    return QueueTrace(t0, q, finish, peak)


def plan_slots(unit: str, open_: int, rate_per_hour: float, room: int, slot_min: int,
               parts: list[GridPart], target_queue: int | None = None) -> list[Slot]:
    """Give the parts of one unit their slots, in the order given, at one rate from ``open_`` on.

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

    def grid() -> Iterator[tuple[int, int, float, float, int, float]]:
        k = 0
        while True:
            yield open_ + k * slot_min, open_ + (k + 1) * slot_min, per_slot, math.inf, 0, math.inf
            k += 1

    slots, _ = _fill(unit, grid(), room, slot_min, parts,
                     int(min(room / 4, rate_per_hour / 4)) if target_queue is None else target_queue)
    return slots


def open_periods(mu: np.ndarray, t0: int, min_gap: int) -> list[tuple[int, int]]:
    """Spans ``[a, b)`` (absolute minutes) in which the unit samples, joined across pauses shorter than
    ``min_gap``."""
    on = np.flatnonzero(mu > 1e-12)
    if len(on) == 0:
        return []
    out = []
    a = prev = int(on[0])
    for k in on[1:].tolist():
        if k - prev > min_gap:
            out.append((t0 + a, t0 + prev + 1))
            a = k
        prev = k
    out.append((t0 + a, t0 + prev + 1))
    return out


def plan_slots_mu(unit: str, t0: int, mu: np.ndarray, room: int, slot_min: int, parts: list[GridPart],
                  target_queue: int | None = None) -> tuple[list[Slot], int]:
    """Give the parts of one unit their slots when it samples ``mu[k]`` people in minute ``t0 + k``.

    Slots run from the start of each span in which the unit samples
    (:func:`open_periods`), the last one cut short at the span's end; a slot
    takes no more than the unit can still sample before that span ends, so
    nobody waits through a closed hour.  The last slot before a closed hour
    also takes no more than arrive evenly without outpacing the unit in its
    last minutes (a sampler leaving a little before the others): its people
    are all sampled by the span's end, none wait for the next day.

    Returns
    -------
    tuple[list[Slot], int]
        The slots, and the people who found no room (0 when ``mu`` holds them all).
    """
    periods = open_periods(mu, t0, slot_min)
    cum = np.concatenate([[0.0], np.cumsum(mu)])

    def sampled(a: int, b: int) -> float:
        a, b = max(a, t0), min(b, t0 + len(mu))
        return float(cum[b - t0] - cum[a - t0]) if b > a else 0.0

    def evenly(a: int, b: int) -> float:
        # most people arriving evenly over [a, b) with none waiting at b: those arriving from each minute j on
        # are sampled by b (Lindley's recursion at b, past its first term, which ``rest`` bounds)
        return min((sampled(j, b) * (b - a) / (b - j) for j in range(a + 1, b)), default=math.inf)

    def grid() -> Iterator[tuple[int, int, float, float, int, float]]:
        for n, (a, b) in enumerate(periods):
            for start in range(a, b, slot_min):
                # before a closed hour, a person's margin: a desk that ran dry for a moment leaves nobody waiting
                closed = n < len(periods) - 1
                margin = 1.0 if closed else 0.0
                most = evenly(start, b) if closed and start + slot_min >= b else math.inf
                yield (start, min(start + slot_min, b), sampled(start, start + slot_min), sampled(start, b) - margin,
                       n, most)

    peak = max((sampled(s, s + slot_min) for a, b in periods for s in range(a, b, slot_min)), default=0.0)
    target = int(min(room / 4, peak * 60 / slot_min / 4)) if target_queue is None else target_queue
    return _fill(unit, grid(), room, slot_min, parts, target)


def end_last_slot_when_ready(slots: list[Slot], t0: int, mu: np.ndarray) -> list[Slot]:
    """The slots with the last one ending when the unit can have sampled everyone (``mu`` from ``t0``), so that
    its people come no later than they are needed (a unit that closes when its last person is sampled)."""
    if not slots:
        return slots
    ready = t0 + int(np.searchsorted(np.cumsum(mu), sum(x.people for x in slots) - 1e-9)) + 1
    last = slots[-1]
    if last.start < ready < last.end:
        return slots[:-1] + [last.model_copy(update={"end": ready})]
    return slots


def _fill(unit: str, grid: Iterator[tuple[int, int, float, float, int, float]], room: int, slot_min: int,
          parts: list[GridPart], target_queue: int) -> tuple[list[Slot], int]:
    """Fill slots ``(start, end, people it samples, people its span can still sample from its start, span, most
    people it may take)`` in order."""
    out: list[Slot] = []
    slot = next(grid, None)
    q, arrivals = 0.0, 0.0  # queue at the slot's start, arrivals so far in it
    for n, part in enumerate(parts):
        left = part.people
        hh_lo, hh_hi = part.households
        hh_total = hh_hi - hh_lo + 1
        first_hh = hh_lo
        while left > 0:
            if slot is None:
                return out, left + sum(p.people for p in parts[n + 1:])
            start, end, per_slot, rest, span, most = slot
            # most this slot can still take: the queue at its end stays at the target, the peak (at the end
            # when arrivals outpace sampling) within the room, and everyone is sampled before the span ends
            cap = math.floor(min(min(per_slot + target_queue, per_slot + room, rest) - q, most) - arrivals + 1e-9)
            if cap <= 0 or (left > cap and cap < min(20, part.people, per_slot / 2)):
                # full, or room for only a handful (of a slow unit's slot, under half of it): the next slot; the
                # queue carries over within a span
                q = max(0.0, q + arrivals - per_slot)
                arrivals = 0.0
                slot = next(grid, None)
                if slot is not None and slot[4] != span:
                    q = 0.0  # a new span: the last one ended with everyone sampled
                continue
            take = min(left, cap)
            hh_take = hh_total if take == left else max(1, round(hh_total * take / part.people))
            last_hh = min(hh_hi, first_hh + hh_take - 1) if take < left else hh_hi
            out.append(Slot(unit=unit, grid=part.grid, part=part.part, start=start, end=end,
                            people=take, households=(first_hh, last_hh)))
            first_hh = min(hh_hi, last_hh + 1)
            left -= take
            arrivals += take
    return out, 0


def unit_day(unit: str, group: str | None, open_: int, close: int, rate_per_hour: float,
             slots: list[Slot], mu: np.ndarray | None = None, t0: int | None = None,
             groups: list[str] | None = None, pauses: list[tuple[int, int]] | None = None) -> UnitDay:
    """Queue, peak and finish of one unit from its slots (fluid model), at one rate or at ``mu`` from ``t0``;
    ``pauses`` are the spans in which it is open with no sampler at work (see :func:`pauses_of`)."""
    trace = _trace(open_, rate_per_hour, slots, mu, t0)
    bounds = sorted({x.start for x in slots} | {x.end for x in slots})
    queue = [(t, round(float(trace.waiting[min(len(trace.waiting) - 1, max(0, t - trace.t0))]), 1)) for t in bounds]
    return UnitDay(
        unit=unit, people=sum(x.people for x in slots), open=open_, close=close, group=group,
        rate_per_hour=round(rate_per_hour, 3),
        first_slot=min((x.start for x in slots), default=None),
        last_slot=max((x.start for x in slots), default=None),
        peak_queue=round(trace.peak, 1), finish=round(trace.finish, 1), queue=queue,
        groups=list(groups or []), pauses=list(pauses or []),
    )


def pauses_of(open_spans: list[tuple[int, int]], mu: np.ndarray, t0: int) -> list[tuple[int, int]]:
    """Spans ``[a, b)`` inside the unit's open spans in which it samples nobody (``mu`` is 0 from ``t0``).

    >>> pauses_of([(10, 20)], np.array([1.0] * 3 + [0.0] * 4 + [1.0] * 3), 10)
    [(13, 17)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(open_spans):
        for t in range(max(a, t0), b):
            k = t - t0
            if k < len(mu) and mu[k] > 1e-12:
                continue
            if out and out[-1][1] == t:
                out[-1] = (out[-1][0], t + 1)
            elif not out or out[-1][1] < t:
                out.append((t, t + 1))
    return out


def _trace(open_: int, rate_per_hour: float, slots: list[Slot], mu: np.ndarray | None, t0: int | None) -> QueueTrace:
    arrivals = [(x.start, x.end, x.people) for x in slots]
    if mu is None:
        return fluid_queue(open_, rate_per_hour, arrivals)
    return fluid_queue_mu(t0, mu, arrivals)


def sampled_curve(open_: int, rate_per_hour: float, slots: list[Slot], mu: np.ndarray | None = None,
                  t0: int | None = None) -> tuple[int, np.ndarray]:
    """People swabbed by each minute from ``t0``: ``(t0, cumulative)``, ``cumulative[k]`` at ``t0 + k``."""
    trace = _trace(open_, rate_per_hour, slots, mu, t0)
    start = trace.t0
    inflow = np.zeros(len(trace.waiting))
    for x in slots:
        inflow[x.start - start + 1:x.end - start + 1] += x.people / (x.end - x.start)
    arrived = np.cumsum(inflow)
    return start, np.maximum(0.0, arrived - trace.waiting)
