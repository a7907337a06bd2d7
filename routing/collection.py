"""How the town's vehicles collect its units when strict loops do not fit: the least disruptive choice.

Every zone starts with its own interval for every unit (the town's rule:
every half hour), and the runs are given to real vehicles
(:mod:`natplan.routing.dispatch`): the zone's own, then station vehicles
the shuttles do not need.  Where a run finds no vehicle, the search uses,
in this order, and each only while some run is still short:

1. lending station vehicles (the dispatcher does it whenever allowed);
2. moving a unit to a neighbouring zone's loops (a move is kept when it
   leaves fewer runs short);
3. collecting some units every 45 or 60 minutes: in each zone that is
   short, the units open at the short times, those with the fewest people
   for the length of their own loop first (the cheapest to relax and the
   dearest to drive to), as few as leave fewer runs short;
4. relays: a zone's vans loop from a meeting point where a station vehicle
   takes their boxes on.

A unit no loop from the station can reach within its zone's interval is
given the shortest longer interval that reaches it, or a relay, before
anything else.  No step may drop a unit from every loop: a longer interval
leaves less of the age limit for the loop, so it can put a unit out of
reach, and a plan that loses a unit counts as worse than any run short.
At the end every step that is no longer needed is undone
(units back to their zone's interval, most people first).  The search is
deterministic: candidates are tried in a fixed order and ties go to the
first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from natplan.routing.dispatch import Dispatch, FleetVehicle, Task, dispatch
from natplan.routing.tours import EXACT_MAX
from natplan.routing.zoneruns import STATION, Network, RelayRun, Run, ZonePlan, ZoneRunner, ZoneRuns

RELAY_WORTH = 3
"""A relay is also used where it keeps at least this many more units at their zone's interval (a relay costs
a station vehicle and a meeting; three units collected half as often cost more samples' age)."""
MOVE_REACH = 1.5
"""A zone is a unit's neighbour when one of its units is at most this many times as far as the nearest unit
of the unit's own zone (plus two minutes)."""


@dataclass(frozen=True)
class Rules:
    """The scenario's fleet settings as the search reads them."""

    lend: bool
    move: bool
    longer: tuple[int, ...]
    relays: bool
    add_extra: bool


@dataclass(frozen=True)
class Fleet:
    """The vehicles the couriers may use: each zone's own, and the station's not kept for shuttles."""

    vans: dict[str, list[FleetVehicle]]
    station: list[FleetVehicle]


@dataclass(frozen=True)
class Move:
    unit: str
    origin: str
    to: str


@dataclass(frozen=True)
class Collection:
    """The chosen zone plans, their runs and who drives them."""

    plans: dict[str, ZonePlan]
    zone_runs: dict[str, ZoneRuns]
    dispatch: Dispatch
    runs: list[Run]
    relays: list[RelayRun]
    base_interval: dict[str, int]  # each zone's own interval
    moves: list[Move] = field(default_factory=list)
    far: dict[str, int] = field(default_factory=dict)  # unit -> seconds of its loop alone, when that forced a change
    unreachable: list[str] = field(default_factory=list)

    @property
    def short(self) -> int:
        return len(self.dispatch.short)

    def interval_of(self, unit: str) -> int:
        for p in self.plans.values():
            if unit in p.units:
                return p.interval_of(unit)
        raise KeyError(unit)

    def relaxed(self) -> list[str]:
        """Units collected less often than their zone's own interval."""
        return [u for z, p in self.plans.items() for u, c in zip(p.units, p.intervals) if c > self.base_interval[z]]


class Search:
    """One search over zone plans for a fixed fleet and age budget (see the module)."""

    def __init__(self, runner: ZoneRunner, zones: list[tuple[str, int, list[str]]], people: dict[str, int],
                 fleet: Fleet, rules: Rules):
        self.runner, self.people, self.fleet, self.rules = runner, people, fleet, rules
        self.zone_order = [z for z, _, _ in zones]
        self.base = {z: c for z, c, _ in zones}
        self.home = {u: z for z, _, us in zones for u in us}
        self.rank = {u: k for k, (_, _, us) in enumerate(zones) for u in us}
        self.rank = {u: k for k, u in enumerate(sorted(self.home, key=lambda u: (self.rank[u], u)))}
        self.start = {z: ZonePlan(z, tuple(us), tuple(c for _ in us)) for z, c, us in zones}
        self.forced: set[str] = set()
        self.shortest: dict[str, int] = {}  # a unit's shortest interval a loop reaches it at
        self.far: dict[str, int] = {}
        self.unreachable: list[str] = []
        self.uncollected: frozenset[str] = frozenset()  # units no run collects once the far ones are settled
        self._evals: dict[tuple, tuple[Dispatch, list[Run], list[RelayRun]]] = {}

    # ------------------------------------------------------------------ evaluation
    def allowed(self, zone: str) -> list[int]:
        base = self.base[zone]
        return [base] + sorted(c for c in set(self.rules.longer) if c > base)

    def evaluate(self, plans: dict[str, ZonePlan]) -> tuple[Dispatch, list[Run], list[RelayRun]]:
        key = tuple(plans[z] for z in self.zone_order)
        if key not in self._evals:
            runs, relays = [], []
            for z in self.zone_order:
                zr = self.runner.runs(plans[z])
                runs += zr.runs
                relays += zr.relays
            tasks = [Task(k, r.zone, r.base, r.depart, r.end) for k, r in enumerate(runs)]
            tasks += [Task(len(runs) + k, r.zone, STATION, r.start, r.end, relay=True) for k, r in enumerate(relays)]
            net = self.runner.net
            d = dispatch(tasks, self.fleet.vans, self.fleet.station, lend=self.rules.lend, relays=self.rules.relays,
                         add_extra=self.rules.add_extra, travel=net.minutes)
            self._evals[key] = (d, runs, relays)
        return self._evals[key]

    def short_runs(self, plans: dict[str, ZonePlan]) -> dict[str, list[Task]]:
        """The runs (and relays) no vehicle takes, by zone."""
        out: dict[str, list[Task]] = {}
        for t in self.evaluate(plans)[0].short:
            out.setdefault(t.zone, []).append(t)
        return out

    def lost(self, plans: dict[str, ZonePlan]) -> list[str]:
        """Units no run of these plans collects that the first plans (the far units settled) did collect: a longer
        interval leaves a shorter loop within the age limit, and a moved unit takes its new zone's interval, so
        a change can drop a unit from every loop without leaving any run short."""
        return sorted(u for p in plans.values() for u in self.runner.runs(p).unreachable
                      if u not in self.uncollected)

    def score(self, plans: dict[str, ZonePlan]) -> tuple:
        """Units lost, runs short, their minutes, then the disruption: extra vehicles, units relaxed, relays,
        moves."""
        d, _, _ = self.evaluate(plans)
        relaxed = sum(self.allowed(z).index(c) for p in plans.values() for z in [p.zone] for c in p.intervals)
        relays = sum(p.relay is not None for p in plans.values())
        moved = sum(1 for p in plans.values() for u in p.units if self.home[u] != p.zone)
        extras = sum(1 for v in d.vehicles.values() if v.extra)
        return (len(self.lost(plans)), len(d.short), d.short_minutes, extras, relaxed, relays, moved)

    # ------------------------------------------------------------------ the search
    def run(self, full: bool = True) -> Collection:
        """The search; ``full=False`` stops after the units a loop cannot reach (a quick look, to compare fleets
        by: how many runs the vehicles leave short)."""
        plans = self._forced(dict(self.start))
        self.uncollected = frozenset(u for p in plans.values() for u in self.runner.runs(p).unreachable)
        if not full:
            return self._collection(plans)
        if self.score(plans)[:3] != (0, 0, 0) and self.rules.move:
            plans = self._moves(plans)
        if self.score(plans)[:3] != (0, 0, 0) and self.rules.longer:
            plans = self._intervals(plans)
        if self.score(plans)[:3] != (0, 0, 0) and self.rules.relays:
            plans = self._relays(plans)
            if self.score(plans)[:3] != (0, 0, 0) and self.rules.longer:
                plans = self._intervals(plans)
        plans = self._tighten(plans)
        if self.rules.relays and self.rules.longer and self.score(plans)[:4] == (0, 0, 0, 0):
            plans = self._relays_for_intervals(plans)
        return self._collection(plans)

    def _collection(self, plans: dict[str, ZonePlan]) -> Collection:
        d, runs, relays = self.evaluate(plans)
        moves = [Move(u, self.home[u], p.zone) for z in self.zone_order for p in [plans[z]] for u in p.units
                 if self.home[u] != z]
        zone_runs = {z: self.runner.runs(plans[z]) for z in self.zone_order}
        unreachable = list(self.unreachable) + self.lost(plans)
        unreachable += [u for z in self.zone_order for u in zone_runs[z].unreachable if u not in unreachable]
        return Collection(plans, zone_runs, d, runs, relays, dict(self.base), moves, dict(self.far), unreachable)

    def _forced(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Units a loop from the station cannot reach at their zone's interval: the shortest longer interval
        that reaches them, else a relay, else they are unreachable."""
        limits = self.runner.limits
        for z in self.zone_order:
            p = plans[z]
            intervals = list(p.intervals)
            need_relay = []
            for k, u in enumerate(p.units):
                alone = self.runner.alone_s(u)
                fits = [c for c in self.allowed(z) if alone <= limits.station_s(c)]
                if fits:
                    self.shortest[u] = fits[0]
                if fits and fits[0] == intervals[k]:
                    continue
                self.far[u] = alone
                self.forced.add(u)
                if fits:
                    intervals[k] = fits[0]
                else:
                    need_relay.append(k)
            relay = None
            if need_relay and self.rules.relays:
                relay, intervals = self._relay_for(p, intervals, need_relay)
            for k in need_relay:
                if relay is None:
                    self.unreachable.append(p.units[k])
            plans[z] = replace(p, intervals=tuple(intervals), relay=relay)
        return plans

    def _relay_for(self, p: ZonePlan, intervals: list[int], far: list[int]) -> tuple[str | None, list[int]]:
        """The meeting point that reaches the most of the far units (then the nearest the station)."""
        limits = self.runner.limits
        best = None
        for m in p.units:
            got = {}
            for k in far:
                for c in self.allowed(p.zone):
                    reach = 60 * (c - limits.handover_min)
                    if self.runner.relay_ok(c, m) and self.runner.alone_s(p.units[k], m) <= reach:
                        got[k] = c
                        break
            key = (-len(got), self.runner.net.minutes(STATION, m), self.rank[m])
            if got and (best is None or key < best[0]):
                best = (key, m, got)
        if best is None:
            return None, intervals
        out = list(intervals)
        for k, c in best[2].items():
            out[k] = c
            self.shortest[p.units[k]] = c
        return best[1], out

    def _climb(self, plans: dict[str, ZonePlan], trials, rounds: int) -> dict[str, ZonePlan]:
        """Take the best of ``trials(plans)`` while it leaves fewer runs short (at most ``rounds`` times)."""
        for _ in range(rounds):
            now = self.score(plans)
            if now[:3] == (0, 0, 0):
                break
            best = None
            for trial in trials(plans):
                s = self.score(trial)
                if s[:3] < now[:3] and (best is None or s < best[0]):
                    best = (s, trial)
            if best is None:
                break
            plans = best[1]
        return plans

    def _moves(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Move single units to a neighbouring zone while that leaves fewer runs short."""
        return self._climb(plans, self._move_trials, len(self.home))

    def _move_trials(self, plans: dict[str, ZonePlan]):
        """Every unit of a short zone, open when runs are short, moved to each neighbouring zone."""
        net = self.runner.net
        short = self.short_runs(plans)
        for z in [z for z in self.zone_order if z in short]:
            p = plans[z]
            for u in p.units:
                if u in self.forced or len(p.units) == 1 or not any(self._open_during(u, t) for t in short[z]):
                    continue
                own = min(net.minutes(u, v) for v in p.units if v != u)
                for b in self.zone_order:
                    q = plans[b]
                    if b == z or not q.units or len(q.units) >= EXACT_MAX:
                        continue
                    if min(net.minutes(u, v) for v in q.units) > MOVE_REACH * own + 2:
                        continue
                    k = p.units.index(u)
                    c = p.intervals[k] if p.intervals[k] in self.allowed(b) else self.base[b]
                    yield {**plans, z: replace(p, units=p.units[:k] + p.units[k + 1:],
                                               intervals=p.intervals[:k] + p.intervals[k + 1:],
                                               relay=None if p.relay == u else p.relay),
                           b: self._with_unit(q, u, c)}

    def _with_unit(self, q: ZonePlan, u: str, interval: int) -> ZonePlan:
        units = sorted([*q.units, u], key=self.rank.get)
        k = units.index(u)
        return replace(q, units=tuple(units), intervals=q.intervals[:k] + (interval,) + q.intervals[k:])

    def _exact(self, plans: dict[str, ZonePlan], start: dict[str, ZonePlan] | None = None
               ) -> tuple[dict[str, ZonePlan], int] | None:
        """The intervals CP-SAT chooses for these zones (:func:`natplan.routing.intervals.choose_intervals`),
        starting from ``start`` (or every unit at its zone's longest interval) when that fits."""
        from natplan.routing.intervals import choose_intervals

        if start is None:
            start = {z: replace(p, intervals=tuple(c if p.relay == u else self.allowed(z)[-1]
                                                   for u, c in zip(p.units, p.intervals)))
                     for z, p in plans.items()}
            start = start if self.score(start)[:3] == (0, 0, 0) else None
        return choose_intervals(self.runner, plans, {z: self.allowed(z) for z in self.zone_order}, self.shortest,
                                self.people, {z: len(v) for z, v in self.fleet.vans.items()}, len(self.fleet.station),
                                self.rules.lend, seed=self.runner.seed, start=start)

    def _intervals(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Units collected less often: the greedy choice, then CP-SAT's from it (when exact)."""
        greedy = self._tighten(self._relax(plans))
        got = self._exact(plans, greedy if self.score(greedy)[:3] == (0, 0, 0) else None)
        if got is not None and self.score(got[0]) < self.score(greedy):
            return got[0]
        return greedy

    def _relax(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Collect units of short zones less often, as few and as cheap as leave fewer runs short."""
        for _ in range(4 * len(self.home)):
            now = self.score(plans)
            if now[:3] == (0, 0, 0):
                break
            short_by_zone = self.short_runs(plans)
            best, fallback = None, None
            for z in sorted(short_by_zone, key=lambda z: (-sum(t.end - t.start for t in short_by_zone[z]),
                                                           self.zone_order.index(z))):
                p = plans[z]
                cands = [k for k, u in enumerate(p.units) if self._next(p, k) is not None
                         and any(self._open_during(u, t) for t in short_by_zone[z])]
                cands.sort(key=lambda k: (self.people[p.units[k]] / max(1, self.runner.alone_s(p.units[k])),
                                          self.rank[p.units[k]]))
                for n in range(1, len(cands) + 1):
                    intervals = list(p.intervals)
                    for k in cands[:n]:
                        intervals[k] = self._next(p, k)
                    trial = {**plans, z: replace(p, intervals=tuple(intervals))}
                    s = self.score(trial)
                    cost = sum(1 + self.people[p.units[k]] / max(1, sum(self.people.values()) / len(self.people))
                               for k in cands[:n])
                    if s[:3] < now[:3]:
                        gain = ((now[0] - s[0]) * 10**12 + (now[1] - s[1]) * 10**6 + (now[2] - s[2])) / cost
                        if best is None or gain > best[0]:
                            best = (gain, trial)
                        break
                    if fallback is None and n == len(cands):
                        fallback = trial
            if best is not None:
                plans = best[1]
            elif fallback is not None:
                plans = fallback  # no single step helps: relax the shortest zone's open units, undone later if idle
            else:
                break
        return plans

    def _next(self, p: ZonePlan, k: int) -> int | None:
        allowed = self.allowed(p.zone)
        c = p.intervals[k]
        i = allowed.index(c) if c in allowed else len(allowed)
        if i + 1 >= len(allowed):
            return None
        if p.relay is not None and p.relay == p.units[k]:
            return None
        return allowed[i + 1]

    def _open_during(self, unit: str, task: Task) -> bool:
        w = self.runner.windows[unit]
        return w.open < task.end and w.finish + 60 >= task.start

    def _relays(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Give short zones a meeting point while that leaves fewer runs short."""
        return self._climb(plans, self._relay_trials, len(self.zone_order))

    def _relay_trials(self, plans: dict[str, ZonePlan]):
        """Each short zone without a relay, with each of its units as the meeting point that fits."""
        for z in sorted(self.short_runs(plans), key=self.zone_order.index):
            p = plans[z]
            if p.relay is not None or len(p.units) > EXACT_MAX:
                continue
            for m in p.units:
                if any(self.runner.relay_ok(c, m) for c in set(p.intervals)):
                    yield {**plans, z: replace(p, relay=m)}

    def _relays_for_intervals(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """A meeting point for a zone where it keeps :data:`RELAY_WORTH` more units at the zone's interval:
        the zone's best meeting point (fewest vehicles for its own interval) is tried with CP-SAT's intervals."""
        for _ in range(len(self.zone_order)):
            best = None
            for z in self.zone_order:
                p = plans[z]
                relaxed = sum(c > self.base[z] for c in p.intervals)
                if p.relay is not None or len(p.units) > EXACT_MAX or relaxed < RELAY_WORTH:
                    continue
                m = self._best_meeting_point(p)
                if m is None:
                    continue
                got = self._exact({**plans, z: replace(p, relay=m)})
                if got is None:
                    continue
                s = self.score(got[0])
                if s[:4] != (0, 0, 0, 0):
                    continue
                gain = sum(self.allowed(q.zone).index(c) > 0 for q in plans.values() for c in q.intervals) - sum(
                    self.allowed(q.zone).index(c) > 0 for q in got[0].values() for c in q.intervals)
                if gain >= RELAY_WORTH and (best is None or (-gain, s) < best[0]):
                    best = ((-gain, s), got[0])
            if best is None:
                break
            plans = self._tighten(best[1])
        return plans

    def _best_meeting_point(self, p: ZonePlan) -> str | None:
        """The unit that, as a meeting point, lets the zone's own interval need the fewest vehicles at once."""
        base = self.base[p.zone]
        best = None
        for m in p.units:
            if not self.runner.relay_ok(base, m):
                continue
            trial = replace(p, relay=m, intervals=tuple(base for _ in p.units))
            zr = self.runner.runs(trial)
            key = (len(zr.unreachable), zr.bound, -self.runner.net.minutes(STATION, m), self.rank[m])
            if best is None or key < best[0]:
                best = (key, m)
        return None if best is None else best[1]

    def _tighten(self, plans: dict[str, ZonePlan]) -> dict[str, ZonePlan]:
        """Undo what is not needed: units back towards their zone's interval (most people first), units back
        to their own zone, relays no unit needs."""
        changed = True
        while changed:
            changed = False
            now = self.score(plans)
            for z in self.zone_order:
                p = plans[z]
                order = sorted(range(len(p.units)), key=lambda k: (-self.people[p.units[k]], self.rank[p.units[k]]))
                for k in order:
                    allowed = self.allowed(z)
                    c = p.intervals[k]
                    if c not in allowed or allowed.index(c) == 0:
                        continue
                    for shorter in allowed[:allowed.index(c)]:
                        intervals = list(p.intervals)
                        intervals[k] = shorter
                        trial = {**plans, z: replace(p, intervals=tuple(intervals))}
                        if self._fits(trial, p.units[k], shorter) and self.score(trial) <= now:
                            plans, now, p, changed = trial, self.score(trial), trial[z], True
                            break
            for z in self.zone_order:
                p = plans[z]
                if p.relay is not None and not any(u in self.forced for u in p.units):
                    trial = {**plans, z: replace(p, relay=None)}
                    if self.score(trial) <= now:
                        plans, now, changed = trial, self.score(trial), True
        return plans

    def _fits(self, plans: dict[str, ZonePlan], unit: str, interval: int) -> bool:
        """The unit is still collected at this interval (not left unreachable)."""
        for p in plans.values():
            if unit in p.units:
                return unit not in self.runner.runs(p).unreachable
        return False


def choose_collection(runner: ZoneRunner, zones: list[tuple[str, int, list[str]]], people: dict[str, int],
                      fleet: Fleet, rules: Rules, full: bool = True) -> Collection:
    """The least disruptive collection of every open unit with the given vehicles (see the module).

    Parameters
    ----------
    runner
        Builds a zone's runs (the network, the units' windows and the loop limits).
    zones
        ``(zone id, its interval, its open units)`` in the scenario's order.
    people
        People of each open unit (the cheapest units to collect less often are those with the fewest).
    fleet
        The zones' own vehicles and the station vehicles free for zone work.
    rules
        What the scenario allows.
    full
        The whole search; without it only the units a loop cannot reach are given longer intervals or relays
        (a quick look at how many runs the vehicles leave short).

    Returns
    -------
    Collection
        The zone plans, their runs and the dispatch; ``short`` > 0 when even every option leaves runs
        without a vehicle.
    """
    return Search(runner, zones, people, fleet, rules).run(full)


__all__ = ["Collection", "Fleet", "Move", "Network", "Rules", "choose_collection"]
