"""How samples move: courier loops with the vehicles the town has, shuttles from the station to the lab.

The vehicles are the scenario's: each zone's own (``zones[].vans``, or
``vehicles`` of them), and the station's.  The shuttles keep the first
station vehicles they need; the rest may run zone loops (lending) or fetch
a zone's boxes from a meeting point (relays).  Route sheets exist only for
these vehicles; a what-if plan (``fleet.add_missing_vehicles``) may add
vehicles the town lacks, and says how many.

For each number of vehicles the shuttles could keep, from the most that
help to one, :func:`natplan.routing.collection.choose_collection` finds the
least disruptive way to collect every unit with the rest (lending, moves,
longer intervals, relays, in that order), with loops short enough that
every sample is still tested within the age limit with that many shuttles
(the shuttle's cadence and the lab's queue counted).  The best is kept:
fewest runs short, then least disruption, then the most shuttles.  Then
the runs are timed (:func:`timetable`): a pickup takes the closed tubes
(the last one also the last, partly filled tube), a box reaches the
station when its loop (or the relay) is back, and is ready to leave when
it is handed over and signed (``fleet.station_handover_min``); the
shuttles (:mod:`natplan.routing.shuttles`) take it on.  When the lab's
queue makes samples older than the loops assumed, the choice is made again
with the queue counted.

Beside the plan: the vehicles strict loops everywhere need (every unit at
its zone's own interval, with vehicles added where the town lacks them),
and their proven minimum, for the sentence "Strict 30-minute loops
everywhere need N vehicles: M more than you have".
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import (
    Explanation,
    FleetChoice,
    FleetUse,
    Routing,
    SolverStats,
    ZoneCouriers,
)
from natplan.models.scenario import Scenario, age_limit_min
from natplan.routing.collection import Collection, Fleet, Rules, choose_collection
from natplan.routing.dispatch import FleetVehicle
from natplan.routing.network import lab_minutes, van_minutes
from natplan.routing.shuttles import AGE_MARGIN_MIN, ShuttleResult, plan_shuttles, shortest_cadence
from natplan.routing.tours import HANDOVER_S
from natplan.routing.timetable import UnitService, station_arrivals, vehicle_routes, timetable
from natplan.routing.zoneruns import Limits, Network, UnitWindow, ZoneRunner, zone_bound

__all__ = ["AGE_MARGIN_MIN", "HANDOVER_S", "CourierResult", "ShuttleResult", "UnitService", "plan_couriers",
           "plan_shuttles", "zone_loops"]

METHOD = "exact loops of every zone (subsets enumerated), runs timed by the units' days, greedy dispatch"
QUEUE_ROUNDS = 3  # the choice is made again at most this often with the lab's queue counted


@dataclass(frozen=True)
class CourierResult:
    """The courier loops and shuttles of a round (:func:`plan_couriers`)."""

    routing: Routing
    problems: list[Explanation]  # rules the plan cannot keep (a unit out of reach, too few vehicles, age)
    warnings: list[str]  # zones with no open unit


def zone_loops(s: Scenario, zone_units: list, interval_min: int, seed: int = 0,
               engine: str = "auto") -> tuple[list[list[int]], np.ndarray, int]:
    """Fewest loops each within ``interval_min`` (no handover slack): orders, the seconds matrix, a lower bound.

    Exact for up to 12 units (:mod:`natplan.routing.cover`); larger zones by the VRPTW engine.  Orders are
    indices into ``zone_units``; a unit no loop reaches gets a loop of its own.
    """
    from natplan.routing.cover import cover_bound, cover_table, heuristic_loops, loops_within
    from natplan.routing.tours import EXACT_MAX, subset_tours

    lon = [s.station.location.lon] + [u.location.lon for u in zone_units]
    lat = [s.station.location.lat] + [u.location.lat for u in zone_units]
    t = np.ceil(van_minutes(s, lon, lat) * 60).astype(np.int64)
    n = len(zone_units)
    limit = interval_min * 60
    members = list(range(1, n + 1))
    lower = cover_bound(t, 0, members, limit)
    if n > EXACT_MAX:
        return [[x - 1 for x in loop] for loop in heuristic_loops(t, 0, members, limit, seed)], t, lower
    tours = subset_tours(t, 0, members)
    loops = loops_within(tours.seconds, limit)
    reach = sum(m for m, *_ in loops if m & (m - 1) == 0)
    table = cover_table(n, loops)
    orders = [tours.order(m) for m, *_ in table.chosen(reach)]
    orders += [[k] for k in range(n) if not reach >> k & 1]
    return sorted(orders, key=lambda o: min(o)), t, max(lower, len(orders))


# ------------------------------------------------------------------------------------------ the plan
def plan_couriers(s: Scenario, service: dict[str, UnitService], seed: int | None = None,
                  home_batches: list[tuple[float, int, float]] = ()) -> CourierResult:
    """Courier loops with the town's vehicles, relays and the shuttles to the lab.

    Parameters
    ----------
    s
        The scenario.
    service
        Each open unit's day (opening, finish and swabs by minute), by unit id.
    seed
        Seed of the loop search for zones too big to enumerate (default: the scenario's).
    home_batches
        Home-visit samples reaching the station: ``(minute back, tubes, first swab)``.

    Returns
    -------
    CourierResult
        The routing, the rules it cannot keep and the warnings.
    """
    seed = s.parameters.seed if seed is None else seed
    ctx = _Context(s, service, seed, list(home_batches))
    warnings = [f"zone {z.id} {z.name} has no open unit; no courier loop" for z in s.zones
                if not any(u in service for u in z.units)]
    best = ctx.best(ctx.rules)
    strict = ctx.strict()
    routing, problems = ctx.routing(best, strict, list(home_batches))
    return CourierResult(routing, problems, warnings)


@dataclass(frozen=True)
class _Choice:
    collection: Collection
    kept: int  # station vehicles kept for shuttles
    queue_min: float


class _Context:
    """Everything one call of :func:`plan_couriers` shares: the network, the windows, the fleet."""

    def __init__(self, s: Scenario, service: dict[str, UnitService], seed: int, home: list | None = None):
        self.s, self.service, self.seed, self.home = s, service, seed, home or []
        f = s.fleet
        self.h = f.station_handover_min
        self.rules = Rules(lend=f.lend_station_vehicles, move=f.move_units, longer=tuple(f.longer_intervals),
                           relays=f.relays, add_extra=f.add_missing_vehicles)
        units = {u.id: u for u in s.units}
        self.open_units = [u.id for u in s.units if u.id in service]
        lon = [s.station.location.lon] + [units[u].location.lon for u in self.open_units]
        lat = [s.station.location.lat] + [units[u].location.lat for u in self.open_units]
        seconds = np.ceil(van_minutes(s, lon, lat) * 60).astype(np.int64) if self.open_units else np.zeros((1, 1), int)
        self.net = Network({u: k + 1 for k, u in enumerate(self.open_units)}, seconds)
        self.windows = {u: UnitWindow(u, float(service[u].open), float(service[u].finish),
                                      int(round(float(service[u].sampled[-1])))) for u in self.open_units}
        self.people = {u: w.people for u, w in self.windows.items()}
        self.zones = [(z.id, z.interval_min, [u for u in z.units if u in service]) for z in s.zones]
        self.zones = [z for z in self.zones if z[2]]
        self.vans = {z.id: [FleetVehicle(v.id, v.name, v.capacity_boxes, z.id) for v in z.fleet()] for z in s.zones}
        self.station = [FleetVehicle(v.id, v.name, v.capacity_boxes, None) for v in s.station.vehicles]
        self.travel = lab_minutes(s)
        self.trip = self.travel + s.lab.handover_min
        self.round_trip = 2 * self.travel + s.lab.handover_min
        self._shared: dict = {}  # tours and cover tables, shared by every search of this call

    def limits(self, kept: int, queue_min: float) -> Limits:
        wait = shortest_cadence(self.round_trip, kept, self.s)
        return Limits(self.h, age_limit_min(self.s) - self.h - wait - self.trip - queue_min)

    def collect(self, rules: Rules, kept: int, queue_min: float, zones=None, full: bool = True) -> Collection:
        runner = ZoneRunner(self.net, self.windows, self.limits(kept, queue_min), self.seed, self._shared)
        fleet = Fleet(self.vans, self.station[kept:])
        return choose_collection(runner, zones or self.zones, self.people, fleet, rules, full)

    def best(self, rules: Rules) -> _Choice:
        """The best choice over the number of vehicles kept for shuttles (see the module), the queue counted."""
        most = self.most_kept()
        queue = 0.0
        seen: list[tuple[tuple, _Choice]] = []
        for _ in range(QUEUE_ROUNDS):
            # a quick look for each number of shuttle vehicles: can the shuttles keep up, and how many runs do the
            # rest of the vehicles leave short; the full search for the best, or the next if its shuttles fail
            looks = []
            for kept in range(most, 0, -1):
                c = self.collect(rules, kept, queue, full=False)
                looks.append(((len(self._shuttles(c, kept).problems) > 0, *_disruption(c), -kept), kept, c))
                if looks[-1][0][:-1] == (False, 0, 0, 0, 0, 0, 0, 0):
                    break
            looks.sort(key=lambda x: x[0])
            # in that order, the first whose shuttles keep the age limit and whose runs all have a vehicle; else
            # the one in time with the fewest units lost and runs short (a full search may do better for a
            # number of shuttle vehicles that looked worse)
            chosen = None
            for key, kept, c in looks:
                if key[1:-1] != (0, 0, 0, 0, 0, 0, 0):
                    c = self.collect(rules, kept, queue)
                shuttled = self._shuttles(c, kept)
                rank = (bool(shuttled.problems), *_disruption(c)[:3])
                if chosen is None or rank < chosen[0]:
                    chosen = (rank, _Choice(c, kept, queue), shuttled.shuttles.lab_wait_min)
                if rank == (False, 0, 0, 0):
                    break
            (late, *_), choice, wait = chosen
            seen.append(((len(choice.collection.unreachable), late, choice.collection.short, len(seen)), choice))
            # shuttles that test every sample in time, each trip's own wait in the lab's queue counted, are a plan;
            # else the loops are chosen again leaving the worst wait to every sample
            if not late or wait <= queue + 1e-9 or self.s.lab.tubes_per_hour is None:
                break
            queue = wait
        # the round that collects the most units (a round counting a long queue may reach fewer: then the plan
        # is late and says it is the lab's queue), then in time, then with the fewest runs short
        return min(seen, key=lambda x: x[0])[1]

    def _shuttles(self, c: Collection, kept: int) -> ShuttleResult:
        """The shuttles this collection's boxes would need with ``kept`` vehicles (home visits aside)."""
        loops, relays, _ = timetable(self.s, self.service, self.net, c)
        return plan_shuttles(self.s, station_arrivals(loops, relays, self.home), self.s.station.vehicles[:kept], self.h)

    def most_kept(self) -> int:
        """The most station vehicles shuttles can use: one leaving every (shortest) collection interval."""
        shortest = min((c for _, c, _ in self.zones), default=30)
        return max(1, min(len(self.station), math.ceil(self.round_trip / shortest)))

    def requirement(self, rules: Rules, zones=None, queue_min: float = 0.0) -> tuple[Collection, int]:
        """With vehicles added where the town lacks them: the collection with the fewest vehicles in all (its
        couriers and relays, and the station vehicles kept for shuttles, as many as the samples' age needs), and
        how many are kept; ``queue_min`` is the wait in the lab's queue that the samples' age counts."""
        best = None
        for kept in range(self.most_kept(), 0, -1):
            c = self.collect(rules, kept, queue_min, zones)
            late = bool(self._shuttles(c, kept).problems)
            key = (len(c.unreachable), late, len({v for v in c.dispatch.vehicle.values() if v is not None}) + kept,
                   -kept)
            if best is None or key < best[0]:
                best = (key, c, kept)
        return best[1], best[2]

    def strict(self) -> tuple[Collection, int]:
        """Every unit at its zone's own interval, station vehicles lent, vehicles added where the town lacks them."""
        return self.requirement(Rules(lend=True, move=self.rules.move, longer=(), relays=self.rules.relays,
                                      add_extra=True))

    def lacking(self, interval: int, queue_min: float = 0.0) -> int:
        """Vehicles the town lacks to collect every unit every ``interval`` minutes (or its zone's, if longer)
        with the options the scenario allows, the samples waiting ``queue_min`` in the lab's queue (as the chosen
        plan counts them: without it, loops that fit only without the queue would hide the vehicles lacking)."""
        rules = Rules(lend=self.rules.lend, move=self.rules.move, longer=(), relays=self.rules.relays, add_extra=True)
        c, _ = self.requirement(rules, [(z, max(c, interval), us) for z, c, us in self.zones], queue_min)
        if c.unreachable:  # a longer interval leaves shorter loops within the age limit: some unit only its own reaches
            own, _ = self.requirement(rules, queue_min=queue_min)
            if len(own.unreachable) < len(c.unreachable):
                c = own
        return sum(1 for v in c.dispatch.vehicles.values() if v.extra)

    # ------------------------------------------------------------------ the routing
    def routing(self, best: _Choice, strict: tuple[Collection, int] | None,
                home_batches: list) -> tuple[Routing, list[Explanation]]:
        s, c = self.s, best.collection
        loops, relays, per_vehicle = timetable(self.s, self.service, self.net, c)
        shuttled = plan_shuttles(s, station_arrivals(loops, relays, home_batches), s.station.vehicles[:best.kept],
                                 self.h)
        problems = self._problems(best)
        wait = [int(e.params["add"]) for e in problems if e.code == "shuttles_too_rare"]
        problems += [e for e in shuttled.problems if not (wait and e.code == "shuttles_short"
                                                          and int(e.params["add"]) <= wait[0])]
        problems += self._capacity_problems(c, loops)
        routes = vehicle_routes(c, loops, per_vehicle)
        zones = []
        for zid, base, _ in self.zones:
            zr = c.zone_runs[zid]
            mine = [r for r in routes if r.zone == zid]
            zones.append(ZoneCouriers(
                zone=zid, interval_min=base,
                vehicles_needed=_zone_peak(c, zid),
                vehicles_available=len(self.vans[zid]), vehicles_lower_bound=zr.bound, routes=mine,
                minimum_proven=zr.exact, strict_minimum=None if strict is None else strict[0].zone_runs[zid].bound,
                units=list(c.plans[zid].units)))
        used = sorted({v for v in per_vehicle.values() if v is not None}, key=str)
        objective = len(used)
        bound = _bound(c)
        stats = SolverStats(objective=float(objective), bound=float(bound),
                            gap=(objective - bound) / max(1, objective), method=METHOD, optimal=objective == bound)
        fleet = self._fleet_use(c, strict, shuttled, used, best.kept)
        return (Routing(zones=zones, shuttles=shuttled.shuttles, stats=stats, relays=relays, fleet=fleet), problems)

    def _fleet_use(self, c: Collection, strict: tuple[Collection, int] | None, shuttled: ShuttleResult,
                   used: list[str],
                   kept: int) -> FleetUse:
        shuttle_vehicles = sorted({t.vehicle for t in shuttled.shuttles.trips}, key=self._order)
        station_ids = {v.id for v in self.station}
        real = [v for v in used if not c.dispatch.vehicles[v].extra]
        by_interval: dict[str, int] = defaultdict(int)
        for p in c.plans.values():
            for iv in p.intervals:
                by_interval[str(iv)] += 1
        strict_needed = strict_min = None
        if strict is not None:  # couriers, relays and the vehicles kept for shuttles
            c_strict, kept_strict = strict
            strict_needed = len({v for v in c_strict.dispatch.vehicle.values() if v is not None}) + kept_strict
            strict_min = _bound(c_strict) + kept_strict
        return FleetUse(
            available=sum(len(v) for v in self.vans.values()) + len(self.station), handover_min=self.h,
            used=len(set(real) | set(shuttle_vehicles)), extra=len(used) - len(real),
            shuttle_vehicles=shuttle_vehicles, lent=sorted((v for v in real if v in station_ids), key=self._order),
            units_by_interval=dict(sorted(by_interval.items(), key=lambda kv: int(kv[0]))),
            longest_interval_min=max((int(k) for k in by_interval), default=None),
            strict_needed=strict_needed, strict_minimum=strict_min,
            choices=choices(self, c, None if strict is None else strict[0]))

    def _order(self, vid: str) -> tuple:
        ids = [v.id for z in self.vans.values() for v in z] + [v.id for v in self.station]
        return (ids.index(vid), "") if vid in ids else (len(ids), vid)

    def _problems(self, best: _Choice) -> list[Explanation]:
        """Units out of reach, and a fleet too small even with every option."""
        c, s = best.collection, self.s
        limit = age_limit_min(s)
        longest = max([z.interval_min for z in s.zones] + list(s.fleet.longer_intervals))
        out = []
        names = {u.id: u.name for u in s.units}
        waiting, wait_problem = self._shuttle_wait(best)
        if wait_problem is not None:
            out.append(wait_problem)
        for u in c.unreachable:
            if u in waiting:
                continue
            alone = math.ceil(c.far.get(u, self._alone_s(u)) / 60)
            out.append(Explanation(
                where=u, problem=f"unit {u} {names[u]} cannot be collected within the {limit}-min age limit by any "
                                 f"option: a loop to it alone takes {alone} min, and no interval up to {longest} min "
                                 f"or relay gets its samples to the lab in time",
                fix="give its zone a vehicle based nearer (a meeting point for a relay), a nearer lab or transfer "
                    "point, or a shorter interval with more shuttles",
                code="unit_unreachable", params={"unit": u, "name": names[u], "limit": str(limit),
                                                 "alone": str(alone), "longest": str(longest)}))
        if c.short:
            cadence = max([60] if 60 in s.fleet.longer_intervals else
                          [z.interval_min for z in s.zones] + list(s.fleet.longer_intervals))
            lack = self.lacking(cadence, best.queue_min)
            first = min(c.dispatch.short, key=lambda t: (t.start, t.zone))
            out.append(fleet_short(lack, c.short, first.zone, cadence))
        return out

    def _alone_s(self, unit: str) -> int:
        i = self.net.index[unit]
        return int(self.net.seconds[0, i] + HANDOVER_S + self.net.seconds[i, 0])

    def _shuttle_wait(self, best: _Choice) -> tuple[list[str], Explanation | None]:
        """Units out of reach only because the shuttles leave too rarely: more station vehicles would bring
        them in (a loop to each alone at its zone's interval then fits what the age limit leaves), and the
        station's line that says so, with the numbers; ``([], None)`` when there are none."""
        c, s = best.collection, self.s
        limit, h = age_limit_min(s), self.h
        zone_of = {u: z for z, p in c.plans.items() for u in p.units}
        floor = min((z.interval_min for z in s.zones), default=30)

        def left(kept: int) -> float:  # minutes from swab to station that the age limit leaves
            return limit - h - shortest_cadence(self.round_trip, kept, s) - self.trip - best.queue_min

        def fits(u: str, kept: int) -> bool:
            return self._alone_s(u) <= Limits(h, left(kept)).station_s(c.base_interval[zone_of[u]])

        most = max(best.kept, math.ceil(self.round_trip / floor))  # more shuttles than this leave no sooner
        units = sorted(u for u in c.unreachable if u in zone_of and not fits(u, best.kept) and fits(u, most))
        if not units:
            return [], None
        need = min(k for k in range(best.kept + 1, most + 1) if all(fits(u, k) for u in units))
        nearest = min(units, key=lambda u: (c.base_interval[zone_of[u]] * 60 + self._alone_s(u), u))
        interval, alone = c.base_interval[zone_of[nearest]], math.ceil(self._alone_s(nearest) / 60)
        cadence, cadence2 = (shortest_cadence(self.round_trip, k, s) for k in (best.kept, need))
        queue = round(best.queue_min)
        params = {"n": str(len(units)), "units": ", ".join(units), "limit": str(limit), "kept": str(best.kept),
                  "round_trip": str(self.round_trip), "cadence": str(cadence), "handover": str(h),
                  "trip": str(self.trip), "queue_en": f" and {queue} min in the lab's queue" if queue else "",
                  "queue_zh": f"、实验室排队 {queue} 分钟" if queue else "",
                  "left": str(max(0, math.floor(left(best.kept)))),
                  "need": str(interval + alone), "interval": str(interval), "alone": str(alone),
                  "add": str(need - best.kept), "vehicles": str(need), "cadence2": str(cadence2),
                  "left2": str(math.floor(left(need)))}
        return units, Explanation(
            where="station",
            problem=f"{len(units)} unit(s) ({params['units']}) cannot be collected within the {limit}-min age limit "
                    f"because the shuttles leave too rarely: the station keeps {best.kept} vehicle(s) for them and a "
                    f"round trip to the lab takes {self.round_trip} min, so a shuttle leaves every {cadence} min; the "
                    f"{h}-min station handover, that wait and {self.trip} min to the lab with its handover"
                    f"{params['queue_en']} leave {params['left']} min from swab to "
                    f"station, and the nearest of these units needs {interval + alone} min (a {interval}-min interval "
                    f"and a {alone}-min loop)",
            fix=f"give the station {need - best.kept} more vehicle(s): {need} shuttles leave every {cadence2} min, "
                f"which leaves {params['left2']} min; or a nearer lab or transfer point",
            code="shuttles_too_rare", params=params)

    def _capacity_problems(self, c: Collection, loops: list) -> list[Explanation]:
        out = []
        for run, vehicle, lp in loops:
            if vehicle is None:
                continue
            cap = c.dispatch.vehicles[vehicle].capacity_boxes
            boxes = sum(st.boxes for st in lp.stops)
            if boxes > cap:
                out.append(Explanation(where=vehicle, problem=f"{vehicle}'s loop of {lp.depart // 60:02d}:"
                                       f"{lp.depart % 60:02d} carries {boxes} boxes, it holds {cap}",
                                       fix="give the zone a bigger vehicle, or collect more often"))
        return out


def fleet_short(lack: int, runs: int, zone: str, cadence: int) -> Explanation:
    """The town lacks ``lack`` vehicles for a ``cadence``-minute cadence: ``runs`` runs have none, the first in
    ``zone``."""
    return Explanation(
        where="town", problem=f"the town lacks {lack} vehicle(s) for a {cadence}-minute cadence: with lending, "
                              f"moves, longer intervals and relays as the scenario allows, {runs} run(s) "
                              f"still have no vehicle (the first in zone {zone})",
        fix=f"add {lack} vehicle(s) to the station or the zones, or allow more of fleet's options",
        code="fleet_short", params={"lack": str(lack), "runs": str(runs), "zone": zone, "cadence": str(cadence)})


def merge_days(problems: list[Explanation]) -> list[Explanation]:
    """The couriers' problems of a round planned day by day, each said once: the same explanation on several days
    once, and the vehicles the town lacks once, as many as its worst day lacks, with every day's runs counted
    (the first day's zone and cadence named).

    >>> merge_days([fleet_short(2, 8, "Z1", 60), fleet_short(1, 4, "Z2", 60)])[0].problem[:48]
    'the town lacks 2 vehicle(s) for a 60-minute cade'
    >>> merge_days([fleet_short(2, 8, "Z1", 60), fleet_short(1, 4, "Z2", 60)])[0].params["runs"]
    '12'
    """
    out: list[Explanation] = []
    short = [e for e in problems if e.code == "fleet_short"]
    for e in problems:
        if e.code == "fleet_short":
            if e is short[0]:
                out.append(fleet_short(max(int(x.params["lack"]) for x in short),
                                       sum(int(x.params["runs"]) for x in short), e.params["zone"],
                                       int(e.params["cadence"])))
        elif e not in out:
            out.append(e)
    return out


def _disruption(c: Collection) -> tuple:
    """Units out of reach, runs short, their minutes, extra vehicles, relaxed interval steps, relays, moves:
    smaller is better."""
    steps = 0
    for p in c.plans.values():
        base = c.base_interval[p.zone]
        steps += sum(1 for iv in p.intervals if iv > base) + sum(1 for iv in p.intervals if iv > base + 15)
    extras = sum(1 for v in c.dispatch.vehicles.values() if v.extra)
    return (len(c.unreachable), c.short, c.dispatch.short_minutes, extras, steps,
            sum(p.relay is not None for p in c.plans.values()), len(c.moves))


def _zone_peak(c: Collection, zone: str) -> int:
    from natplan.routing.zoneruns import busiest

    zr = c.zone_runs[zone]
    return busiest(zr.runs, zr.relays)


def _bound(c: Collection) -> int:
    """A lower bound on the courier and relay vehicles: at each run time ``d``, every zone's fewest loops
    leaving then, and the relay still bringing in the boxes of the run before (proven where every zone was
    enumerated; otherwise the zones' own bounds)."""
    lower = [x for zr in c.zone_runs.values() for x in zr.lower]
    return zone_bound(lower, [r for zr in c.zone_runs.values() for r in zr.relays])


# ------------------------------------------------------------------------------------------ why
def choices(ctx: _Context, c: Collection, strict: Collection | None) -> list[FleetChoice]:
    """What the plan does because strict loops do not fit, and why (see :class:`~natplan.models.plan.FleetChoice`)."""
    out: list[FleetChoice] = []
    station_ids = {v.id for v in ctx.station}
    for zid, base, _ in ctx.zones:
        zr = c.zone_runs[zid]
        lent = sorted({c.dispatch.vehicle[k] for k, r in enumerate(c.runs)
                       if r.zone == zid and c.dispatch.vehicle.get(k) in station_ids}, key=ctx._order)
        peak_at, peak = _zone_busiest(zr)
        if lent:
            out.append(FleetChoice(kind="lend", zone=zid, vehicles=lent, at=peak_at, needed=peak,
                                   have=len(ctx.vans[zid])))
        for m in [mv for mv in c.moves if mv.origin == zid]:
            out.append(FleetChoice(kind="move", zone=zid, units=[m.unit], to_zone=m.to))
        p = c.plans[zid]
        groups: dict[tuple, list[str]] = defaultdict(list)
        for u, iv in zip(p.units, p.intervals):
            if iv > c.base_interval[zid]:
                groups[(iv, "far" if u in c.far else "short")].append(u)
        need = None if strict is None or zid not in strict.zone_runs else strict.zone_runs[zid].bound
        for (iv, why), units in sorted(groups.items()):
            loop = max(math.ceil(c.far.get(u, 0) / 60) for u in units) if why == "far" else None
            out.append(FleetChoice(kind="interval", zone=zid, reason=why, units=units, interval_min=iv,
                                   loop_min=loop, needed=None if why == "far" else need,
                                   have=None if why == "far" else _zone_peak(c, zid)))
        if p.relay is not None:
            vs = sorted({c.dispatch.vehicle.get(len(c.runs) + j) for j, r in enumerate(c.relays) if r.zone == zid}
                        - {None}, key=ctx._order)
            far = [u for u in p.units if u in c.far]
            out.append(FleetChoice(kind="relay", zone=zid, reason="far" if far else "short", units=far,
                                   vehicles=vs, meeting_point=p.relay, interval_min=base,
                                   loop_min=max((math.ceil(c.far[u] / 60) for u in far), default=None)))
    return out


def _zone_busiest(zr) -> tuple[int | None, int]:
    """When the zone first has the most vehicles at work (its runs and relays), and how many."""
    events = sorted([(r.depart, 1) for r in zr.runs] + [(r.end, -1) for r in zr.runs]
                    + [(r.start, 1) for r in zr.relays] + [(r.end, -1) for r in zr.relays], key=lambda e: (e[0], e[1]))
    now, best = 0, (None, 0)
    for t, step in events:
        now += step
        if now > best[1]:
            best = (t, now)
    return best

