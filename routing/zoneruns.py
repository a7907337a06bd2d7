"""The runs of one zone over the day: which loops leave at each collection time.

A unit collected every ``C`` minutes is on the run leaving at every
multiple of ``C`` (minutes since midnight) from the first after it opens to
the first at or after its last swab, so its pickups are exactly ``C``
apart, whichever vehicle makes them.  At each such time the zone's units of
that interval that are open are split into the fewest loops that fit
(:mod:`natplan.routing.cover`); the loops change as units open and close,
so a zone needs the vehicles of its busiest time, not one per loop of the
whole day.

A loop from the station takes at most ``C`` less the station handover
(the driver hands over and signs before the next run), and its samples
must still be tested within the age limit: ``C`` at the unit at most, the
loop, the handover, the wait for a shuttle, the drive to the lab and the
lab's queue (``Limits.budget_min`` is what is left of the limit for the
first two).  On a relay the van's loop starts and ends at a meeting point
(a unit of the zone); a station vehicle comes there each run, takes the
boxes and drives them to the station, so its trip there and back with two
handovers must fit in ``C`` as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np

from natplan.routing.cover import BIG, CoverTable, cover_bound, cover_table, heuristic_loops, loops_within
from natplan.routing.tours import EXACT_MAX, HANDOVER_S, Tours, subset_tours

STATION = "station"
LONGEST_LOOP_MIN = 120
"""No loop from the station is planned longer than two hours."""


@dataclass(frozen=True)
class UnitWindow:
    """What the runs need of an open unit: its first and last swab, and its people."""

    unit: str
    open: float
    finish: float
    people: int


@dataclass(frozen=True)
class Network:
    """Van seconds between the station (index 0) and the open units (``index``)."""

    index: dict[str, int]
    seconds: np.ndarray

    def minutes(self, a: str, b: str) -> int:
        """Whole minutes of driving from ``a`` to ``b`` (``"station"`` or a unit id)."""
        i = 0 if a == STATION else self.index[a]
        j = 0 if b == STATION else self.index[b]
        return math.ceil(self.seconds[i, j] / 60 - 1e-9)


@dataclass(frozen=True)
class Limits:
    """How long a loop may take, from the age limit and the handover."""

    handover_min: int
    budget_min: float  # swab to the station at most, so that the sample is tested within the limit

    def station_s(self, interval: int) -> float:
        """Longest loop from the station for units collected every ``interval`` minutes (seconds): what the age
        budget leaves (a loop longer than the interval is driven by vehicles taking turns), at most
        :data:`LONGEST_LOOP_MIN`."""
        return 60.0 * min(self.budget_min - interval, LONGEST_LOOP_MIN)

    def relay_fits(self, interval: int, to_m: int, from_m: int) -> bool:
        """A relay to a meeting point ``to_m`` minutes out fits the interval and the age budget."""
        return (to_m + from_m + 2 * self.handover_min <= interval
                and 2 * interval + from_m <= self.budget_min)


@dataclass(frozen=True)
class ZonePlan:
    """A zone's units with their intervals, and its meeting point when it relays."""

    zone: str
    units: tuple[str, ...]
    intervals: tuple[int, ...]
    relay: str | None = None

    def interval_of(self, unit: str) -> int:
        return self.intervals[self.units.index(unit)]


@dataclass(frozen=True)
class Run:
    """One loop of one run: it leaves ``base`` at ``depart`` and its vehicle is free again at ``end``."""

    zone: str
    interval: int
    depart: int
    base: str
    units: tuple[str, ...]  # in visiting order
    seconds: int
    end: int


@dataclass(frozen=True)
class RelayRun:
    """A station vehicle fetching the boxes of one run from the meeting point."""

    zone: str
    interval: int
    depart: int  # the run it serves
    meeting_point: str
    start: int  # leaves the station
    meet: int  # at the meeting point
    at_station: int
    end: int  # handed over at the station


@dataclass(frozen=True)
class MaskProfile:
    """Vehicles a run over each subset of a zone's units keeps at work: ``busy[k, S]`` loops still out
    ``k * tick`` minutes after it leaves, ``relay[S]`` 1 when it needs a relay, which is at work from
    ``relay_span[0]`` to ``relay_span[1]`` minutes after the run leaves."""

    busy: np.ndarray
    relay: np.ndarray
    relay_span: tuple[int, int] | None


@dataclass(frozen=True)
class ZoneRuns:
    runs: tuple[Run, ...]
    relays: tuple[RelayRun, ...]
    bound: int  # vehicles at work at the zone's busiest run time (fewest, proven, when ``exact``: see zone_bound)
    exact: bool
    unreachable: tuple[str, ...]  # units no allowed loop collects
    lower: tuple[tuple[int, int, bool], ...] = ()  # (run time, vehicles its runs then keep out, a relay then)


def first_run(open_: float, interval: int) -> int:
    """The first collection time after a unit opens (a multiple of the interval)."""
    return (math.floor(open_ / interval) + 1) * interval


def last_run(finish: float, interval: int) -> int:
    """The first collection time at or after a unit's last swab."""
    return math.ceil(finish / interval - 1e-9) * interval


class ZoneRunner:
    """Builds :class:`ZoneRuns` for zone plans, caching tours and covers (one per search)."""

    def __init__(self, net: Network, windows: dict[str, UnitWindow], limits: Limits, seed: int,
                 shared: dict | None = None):
        self.net, self.windows, self.limits, self.seed = net, windows, limits, seed
        shared = {} if shared is None else shared  # tours and covers, keyed by what they depend on: shareable
        self._tours: dict[tuple, Tours] = shared.setdefault("tours", {})
        self._covers: dict[tuple, CoverTable] = shared.setdefault("covers", {})
        self._heuristic: dict[tuple, list[list[int]]] = {}
        self._bounds: dict[tuple, int] = {}
        self._runs: dict[ZonePlan, ZoneRuns] = {}

    def tours(self, base: int, members: tuple[int, ...]) -> Tours:
        key = (base, members)
        if key not in self._tours:
            self._tours[key] = subset_tours(self.net.seconds, base, members)
        return self._tours[key]

    def alone_s(self, unit: str, base: str = STATION) -> int:
        """Seconds of a loop from ``base`` to ``unit`` alone (a meeting point's own unit: its handover)."""
        if unit == base:
            return HANDOVER_S
        i, u = (0 if base == STATION else self.net.index[base]), self.net.index[unit]
        return int(self.net.seconds[i, u] + HANDOVER_S + self.net.seconds[u, i])

    def relay_ok(self, interval: int, meeting_point: str) -> bool:
        return self.limits.relay_fits(interval, self.net.minutes(STATION, meeting_point),
                                      self.net.minutes(meeting_point, STATION))

    def runs(self, plan: ZonePlan) -> ZoneRuns:
        """The zone's runs over the day (cached)."""
        if plan not in self._runs:
            self._runs[plan] = self._build(plan)
        return self._runs[plan]

    # ------------------------------------------------------------------ building
    def _build(self, plan: ZonePlan) -> ZoneRuns:
        if len(plan.units) > EXACT_MAX:
            return self._build_large(plan)
        members = tuple(self.net.index[u] for u in plan.units)
        n = len(members)
        station = self.tours(0, members)
        runs, relays, unreachable, lower = [], [], set(), []
        for interval in sorted(set(plan.intervals)):
            cmask = sum(1 << k for k in range(n) if plan.intervals[k] == interval)
            plain, mixed, relay_tours, m_bit = self._tables(plan, interval, (1 << n) - 1)
            single = {k for k in range(n) if cmask >> k & 1
                      and plain.count(1 << k) is None and (mixed is None or mixed.count(1 << k) is None)}
            unreachable |= {plan.units[k] for k in single}
            reach = cmask & ~sum(1 << k for k in single)
            depth, last = 0, None  # runs in a row before this one over the same units (their loops, too)
            for d, active in self._grid(plan, interval, reach):
                depth = depth + 1 if last == (d - interval, active) else 0
                last = (d, active)
                table, relay_used = plain, False
                if mixed is not None and mixed.cost[active] + BIG < plain.cost[active]:
                    table, relay_used = mixed, True
                chosen = table.chosen(active)
                # a loop driven in turns by w vehicles has them all out once it has left w times in a row
                lower.append((d, sum(min(x[3], 1 + depth) for x in chosen), relay_used))
                for mask, seconds, relay, _ in chosen:
                    if relay:
                        order = self._relay_order(relay_tours, mask, m_bit, n)
                        runs.append(Run(plan.zone, interval, d, plan.relay, tuple(plan.units[k] for k in order),
                                        seconds, d + interval))
                    else:
                        order = station.order(mask)
                        runs.append(Run(plan.zone, interval, d, STATION, tuple(plan.units[k] for k in order),
                                        seconds, d + math.ceil(seconds / 60) + self.limits.handover_min))
                if relay_used:
                    relays.append(self._relay_run(plan, interval, d))
        return ZoneRuns(tuple(runs), tuple(relays), zone_bound(lower, relays), True, tuple(sorted(unreachable)),
                        tuple(lower))

    def _tables(self, plan: ZonePlan, interval: int, cmask: int):
        """The cover tables of the zone's units of one interval (``cmask``): from the station, and with the
        relay's loops when the zone relays (else None); the relay's tours and the meeting point's bit."""
        members = tuple(self.net.index[u] for u in plan.units)
        n = len(members)
        station = self.tours(0, members)
        loops = [x for x in loops_within(station.seconds, self.limits.station_s(interval), interval=interval,
                                         handover=self.limits.handover_min) if not x[0] & ~cmask]
        plain = self._cover(("s", members, self.limits.station_s(interval), interval, self.limits.handover_min,
                             cmask), n, loops)
        mixed, relay_tours, m_bit = None, None, None
        if plan.relay is not None and self.relay_ok(interval, plan.relay):
            m_bit = plan.units.index(plan.relay)
            others = tuple(x for k, x in enumerate(members) if k != m_bit)
            relay_tours = self.tours(self.net.index[plan.relay], others)
            relay_loops = self._relay_loops(relay_tours, n, m_bit, cmask, interval)
            mixed = self._cover(("m", members, self.limits.station_s(interval), interval, self.limits.handover_min,
                                 cmask, m_bit), n, loops + relay_loops)
        return plain, mixed, relay_tours, m_bit

    def profile(self, plan: ZonePlan, interval: int, tick: int) -> MaskProfile:
        """For every subset of the zone's units collected at ``interval``: the loops of its run still at
        work each ``tick`` minutes after it leaves, and whether it needs a relay (exact zones only)."""
        key = ("profile", plan.units, plan.relay, interval, tick, self.limits.station_s(interval),
               self.limits.handover_min, plan.relay is not None and self.relay_ok(interval, plan.relay))
        if key in self._covers:
            return self._covers[key]
        n = len(plan.units)
        plain, mixed, _, _ = self._tables(plan, interval, (1 << n) - 1)
        longest = max([interval] + [math.ceil(x[1] / 60) + self.limits.handover_min for x in plain.loops])
        steps = range(0, longest, tick)
        busy = np.zeros((len(steps), 1 << n), dtype=np.int64)
        relay = np.zeros(1 << n, dtype=np.int64)
        for mask in range(1, 1 << n):
            table, used = plain, False
            if mixed is not None and mixed.cost[mask] + BIG < plain.cost[mask]:
                table, used = mixed, True
            if not np.isfinite(table.cost[mask]):
                busy[:, mask] = 10**6  # a set no loop collects: never chosen
                continue
            for _, seconds, is_relay, _ in table.chosen(mask):
                length = interval if is_relay else math.ceil(seconds / 60) + self.limits.handover_min
                busy[:, mask] += [length > step for step in steps]
            relay[mask] = used
        span = None
        if plan.relay is not None:
            h = self.limits.handover_min
            to_m, from_m = self.net.minutes(STATION, plan.relay), self.net.minutes(plan.relay, STATION)
            span = (interval - h - to_m, interval + from_m + h)
        out = MaskProfile(busy, relay, span)
        self._covers[key] = out
        return out

    def _cover(self, key: tuple, n: int, loops: list) -> CoverTable:
        if key not in self._covers:
            self._covers[key] = cover_table(n, loops)
        return self._covers[key]

    def _relay_loops(self, tours: Tours, n: int, m_bit: int, cmask: int, interval: int) -> list:
        """Loops from the meeting point, as masks over the zone's units (the meeting point's own unit: a
        handover at the start)."""
        limit = 60.0 * (interval - self.limits.handover_min)
        out = []
        for sub, seconds in enumerate(tours.seconds.tolist()):
            zone_mask = self._zone_mask(sub, m_bit)
            for mask, s in ((zone_mask, seconds), (zone_mask | (1 << m_bit), seconds + HANDOVER_S)):
                if mask and not mask & ~cmask and s <= limit:
                    out.append((mask, int(s), True, 1))
        return sorted(set(out))

    @staticmethod
    def _zone_mask(sub: int, m_bit: int) -> int:
        """A mask over the zone's units but the meeting point, as a mask over all of them."""
        low = sub & ((1 << m_bit) - 1)
        return low | ((sub >> m_bit) << (m_bit + 1))

    @staticmethod
    def _relay_order(tours: Tours, mask: int, m_bit: int, n: int) -> list[int]:
        sub = (mask & ((1 << m_bit) - 1)) | ((mask >> (m_bit + 1)) << m_bit)
        order = [k if k < m_bit else k + 1 for k in tours.order(sub)]
        return ([m_bit] if mask >> m_bit & 1 else []) + order

    def _relay_run(self, plan: ZonePlan, interval: int, d: int) -> RelayRun:
        h = self.limits.handover_min
        to_m, from_m = self.net.minutes(STATION, plan.relay), self.net.minutes(plan.relay, STATION)
        meet = d + interval - h
        return RelayRun(plan.zone, interval, d, plan.relay, meet - to_m, meet, d + interval + from_m,
                        d + interval + from_m + h)

    def _grid(self, plan: ZonePlan, interval: int, mask: int):
        """(collection time, mask of the units on it) for every run of the interval with a unit on it."""
        spans = [(k, first_run(self.windows[u].open, interval), last_run(self.windows[u].finish, interval))
                 for k, u in enumerate(plan.units) if mask >> k & 1]
        if not spans:
            return
        lo, hi = min(s[1] for s in spans), max(s[2] for s in spans)
        for d in range(lo, hi + 1, interval):
            active = sum(1 << k for k, a, b in spans if a <= d <= b)
            if active:
                yield d, active

    def _build_large(self, plan: ZonePlan) -> ZoneRuns:
        """A zone too big to enumerate: the VRPTW engine's loops at each run time, and a bound.

        Loops fit the interval less the station handover; a unit only a longer loop reaches (within what the age
        budget leaves, as in an enumerated zone) is on loops of its own kind, driven by vehicles taking turns."""
        runs, lower = [], []
        unreachable = set()
        unit_of = {self.net.index[u]: u for u in plan.units}
        for interval in sorted(set(plan.intervals)):
            longest = self.limits.station_s(interval)
            limit = min(longest, 60.0 * (interval - self.limits.handover_min))
            units = [u for u, c in zip(plan.units, plan.intervals) if c == interval]
            far = {u for u in units if self.alone_s(u) > longest}
            turns = {u for u in units if u not in far and self.alone_s(u) > limit}
            unreachable |= far
            mask = sum(1 << k for k, u in enumerate(plan.units) if u in units and u not in far | turns)
            tmask = sum(1 << k for k, u in enumerate(plan.units) if u in turns)
            for d, active in self._grid(plan, interval, mask | tmask):
                bound = 0
                for part, cap in ((active & mask, limit), (active & tmask, longest)):
                    if not part:
                        continue
                    members = tuple(self.net.index[plan.units[k]] for k in range(len(plan.units)) if part >> k & 1)
                    key = (members, cap)
                    if key not in self._heuristic:
                        self._heuristic[key] = heuristic_loops(self.net.seconds, 0, list(members), int(cap), self.seed)
                        self._bounds[key] = cover_bound(self.net.seconds, 0, list(members), cap)
                    bound += self._bounds[key]
                    for loop in self._heuristic[key]:
                        path = [0, *loop, 0]
                        seconds = int(sum(self.net.seconds[a, b] for a, b in zip(path, path[1:])))
                        seconds += HANDOVER_S * len(loop)
                        runs.append(Run(plan.zone, interval, d, STATION, tuple(unit_of[x] for x in loop), seconds,
                                        d + math.ceil(seconds / 60) + self.limits.handover_min))
                lower.append((d, bound, False))
        return ZoneRuns(tuple(runs), (), zone_bound(lower, ()), False, tuple(sorted(unreachable)), tuple(lower))


def zone_bound(lower, relays) -> int:
    """Vehicles at work at the busiest run time: the vehicles of every run's loops out then, and the relays still
    bringing in the boxes of earlier runs.

    Where the loops are enumerated this is the fewest vehicles there can be in the model the planner uses
    (at each run time the units then open are split into loops of the fewest vehicles; a loop longer than its
    interval is driven by vehicles taking turns, all of them out once it has left as often in a row): the cover
    of every run time is optimal, and no vehicle serves two loops at once.
    """
    at: dict[int, int] = {}
    for d, loops, _ in lower:
        at[d] = at.get(d, 0) + loops
    for r in relays:
        for d in at:
            if r.start <= d < r.end:
                at[d] += 1
    return max(at.values(), default=0)


def busiest(runs: tuple[Run, ...], relays: tuple[RelayRun, ...]) -> int:
    """Most vehicles at work at once in these runs and relays."""
    events = sorted([(r.depart, 1) for r in runs] + [(r.end, -1) for r in runs]
                    + [(r.start, 1) for r in relays] + [(r.end, -1) for r in relays], key=lambda e: (e[0], e[1]))
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak

