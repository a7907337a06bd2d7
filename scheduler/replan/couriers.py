"""Courier loops after a re-plan: the same vehicles on the same runs, their pickups worked out again.

The plan's fleet choice stays: every route keeps its vehicle, its order
and its runs, so nothing a courier has done changes and no driver gets a
new loop he need not.  What changes is what each run picks up after the
cut: the tubes closed since its last pickup on the unit's new day (a unit
closed picks up nothing more; a unit that samples longer, or took people
from another, is collected on more runs at the interval of the run that
collected it last, until the run after its last swab: by that run's vehicle
when it is free, else by another of the zone's, else by any courier free
then).

A courier that is out has its runs driven by a stand-in: another courier
free for the whole run (its zone first), else a station vehicle that is not
on a shuttle or lent to a zone then (the shuttles are then planned around
it, :mod:`natplan.scheduler.replan.transport`).  The runs do not change; the
record says who drives them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.clock import format_clock as hm
from natplan.models.events import VehicleOut
from natplan.models.plan import Explanation, Loop, Pickup, Plan, Routing
from natplan.models.replan import Substitute
from natplan.models.scenario import Scenario
from natplan.routing.couriers import HANDOVER_S, UnitService
from natplan.routing.network import van_minutes

Window = tuple[float, float]  # [start, end) in minutes; end may be math.inf


def overlaps(a: Window, b: Window) -> bool:
    """Two time spans overlap."""
    return a[0] < b[1] and b[0] < a[1]


def swabbed(sv: UnitService, minute: float) -> float:
    """People swabbed at a unit by ``minute``."""
    k = int(math.floor(minute)) - sv.t0
    return 0.0 if k < 0 else float(sv.sampled[min(k, len(sv.sampled) - 1)])


def swab_time(sv: UnitService, person: float) -> float:
    """The minute by which the ``person``-th person was swabbed."""
    k = int(np.searchsorted(sv.sampled, person - 1e-9, side="left"))
    return float(sv.t0 + min(k, len(sv.sampled) - 1))


@dataclass(frozen=True)
class Couriers:
    """The loops after the re-plan and the stand-ins for couriers that are out."""

    routing: Routing
    substitutes: list[Substitute]
    reserved: dict[str, list[Window]]  # station vehicles standing in for couriers, and when
    problems: list[Explanation]


class _Timetable:
    """The plan's loops as mutable lists, with the travel seconds between the station and the units."""

    def __init__(self, s: Scenario, routing: Routing, busy: dict[str, list[Window]]):
        self.busy = busy  # vehicles' shuttle trips that cannot move
        self.zones = routing.zones
        self.loops = {(zi, ri): list(r.loops) for zi, z in enumerate(routing.zones) for ri, r in enumerate(z.routes)}
        self.node = {u.id: k + 1 for k, u in enumerate(s.units)}
        lon = [s.station.location.lon] + [u.location.lon for u in s.units]
        lat = [s.station.location.lat] + [u.location.lat for u in s.units]
        self.seconds = np.ceil(van_minutes(s, lon, lat) * 60).astype(np.int64)

    def pickups(self, unit: str) -> list[tuple[int, tuple[int, int], int, int]]:
        """(time, route, loop index, stop index) of every pickup at ``unit``, in time order."""
        return sorted((st.time, key, li, si) for key, loops in self.loops.items() for li, lp in enumerate(loops)
                      for si, st in enumerate(lp.stops) if st.unit == unit)

    def vehicle(self, key: tuple[int, int]) -> str:
        return self.zones[key[0]].routes[key[1]].vehicle

    def free(self, key: tuple[int, int], lp: Loop, instead: Loop | None = None) -> bool:
        """The route's vehicle can drive ``lp`` (in place of ``instead``): no other run or shuttle of it overlaps."""
        v = self.vehicle(key)
        spans = [(x.depart, x.back) for k, loops in self.loops.items() if self.vehicle(k) == v
                 for x in loops if x is not instead] + self.busy.get(v, [])
        return not any(overlaps((lp.depart, lp.back), w) for w in spans)

    def extend(self, unit: str, until: float) -> list[Explanation]:
        """More runs collecting ``unit``, at the interval of the run that collected it last, until one is after
        ``until``: on that route if its vehicle is free for it, else on another route of the zone, else any."""
        picks = self.pickups(unit)
        if not picks:
            return [Explanation(where=unit, problem=f"unit {unit} has no courier run", fix="add it to a zone")]
        t, key, li, _ = picks[-1]
        last = self.loops[key][li]
        interval = last.interval_min or self.zones[key[0]].interval_min
        routes = sorted(self.loops, key=lambda k: (k != key, k[0] != key[0], k))
        depart = last.depart
        while t < until:
            depart += interval
            placed = None
            for k in routes:
                loops = self.loops[k]
                at = next((i for i, lp in enumerate(loops) if lp.depart == depart), None)
                run = loops[at] if at is not None else Loop(depart=depart, back=depart, stops=[],
                                                            interval_min=last.interval_min)
                new = self._with_stop(run, unit)
                if not self.free(k, new, loops[at] if at is not None else None):
                    continue
                if at is None:
                    loops.append(new)
                    loops.sort(key=lambda x: x.depart)
                else:
                    loops[at] = new
                placed = new
                break
            if placed is None:
                return [Explanation(where=unit, problem=f"no courier is free to collect {unit} on the run of "
                                    f"{hm(depart)}", fix=f"lend zone {self.zones[key[0]].zone} a vehicle from "
                                                          f"{hm(depart)}")]
            t = next(st.time for st in placed.stops if st.unit == unit)
        return []

    def _with_stop(self, lp: Loop, unit: str) -> Loop:
        """A run with ``unit`` added after its last stop (its time and the return worked out from the roads)."""
        base = 0 if not lp.handover_at else self.node[lp.handover_at]
        here = self.node[lp.stops[-1].unit] if lp.stops else base
        clock = (lp.stops[-1].time * 60 + HANDOVER_S) if lp.stops else lp.depart * 60
        clock += int(self.seconds[here, self.node[unit]])
        stop = Pickup(unit=unit, time=math.ceil(clock / 60), people=0, tubes=0, boxes=0,
                      earliest_swab=float(math.ceil(clock / 60)))
        back = math.ceil((clock + HANDOVER_S + int(self.seconds[self.node[unit], base])) / 60)
        return lp.model_copy(update={"stops": [*lp.stops, stop], "back": max(lp.back, back)})

    def retake(self, unit: str, sv: UnitService, cut: int, pooling: int, per_box: int) -> None:
        """Every pickup at ``unit`` from the cut on takes the tubes closed since the one before."""
        taken, before = 0, None
        total = float(sv.sampled[-1])
        every = math.ceil(total / pooling - 1e-9)
        for time, key, li, si in self.pickups(unit):
            lp = self.loops[key][li]
            st = lp.stops[si]
            if time < cut:  # done
                taken += st.tubes
                before = time
                continue
            done = time >= sv.finish
            now = total if done else swabbed(sv, time)
            closed = every if done else math.floor(now / pooling + 1e-9)
            tubes = max(0, closed - taken)
            earlier = 0.0 if before is None else swabbed(sv, before)
            oldest = swab_time(sv, taken * pooling + 1) if tubes else float(time)
            stop = st.model_copy(update={"people": int(round(now - earlier)), "tubes": tubes,
                                         "boxes": math.ceil(tubes / per_box), "earliest_swab": round(oldest, 1)})
            self.loops[key][li] = lp.model_copy(update={"stops": [*lp.stops[:si], stop, *lp.stops[si + 1:]]})
            taken += tubes
            before = time

    def routing(self, old: Routing) -> Routing:
        zones = [z.model_copy(update={"routes": [r.model_copy(update={"loops": self.loops[(zi, ri)]})
                                                 for ri, r in enumerate(z.routes)]})
                 for zi, z in enumerate(old.zones)]
        relays = []
        for relay in old.relays:  # a relay carries the boxes its zone's runs hand over at its meeting point
            runs = [lp for loops in self.loops.values() for lp in loops
                    if lp.handover_at == relay.meeting_point and lp.at_station == relay.at_station]
            tubes = sum(st.tubes for lp in runs for st in lp.stops)
            relays.append(relay.model_copy(update={"tubes": tubes,
                                                   "boxes": sum(st.boxes for lp in runs for st in lp.stops)}))
        return old.model_copy(update={"zones": zones, "relays": relays})


def retime_couriers(s: Scenario, plan: Plan, service: dict[str, UnitService], changed: set[str], cut: int,
                    outs: list[VehicleOut], kept: list[Substitute] = ()) -> Couriers:
    """The plan's courier runs with their pickups on the units' new days, and stand-ins for couriers that are out.

    Parameters
    ----------
    s
        The scenario as the events make it.
    plan
        The plan being changed.
    service
        Every unit's day (:func:`natplan.scheduler.replan.transport.services`).
    changed
        The units whose day changed (only their pickups are worked out again).
    cut
        The re-plan's time.
    outs
        The ``vehicle_out`` events (of an earlier re-plan too: a vehicle may still be out).
    kept
        The stand-ins of the earlier re-plans (a re-plan of a re-planned plan): those of runs before the cut
        were driven and stay; the later runs get theirs again (the same vehicle where it is still free).

    Returns
    -------
    Couriers
    """
    p = s.parameters
    shuttling: dict[str, list[Window]] = {}
    for trip in plan.routing.shuttles.trips:
        if trip.depart < cut:
            shuttling.setdefault(trip.vehicle, []).append((trip.depart, trip.back))
    table = _Timetable(s, plan.routing, shuttling)
    problems = []
    for unit in sorted(changed):
        sv = service[unit]
        problems += table.extend(unit, sv.finish)
        table.retake(unit, sv, cut, p.pooling_ratio, p.tubes_per_box)
    routing = table.routing(plan.routing)
    subs, reserved, stand_problems = stand_ins(s, plan, routing, outs, cut, kept)
    return Couriers(routing, subs, reserved, problems + stand_problems + _clashes(routing, plan, cut))


def _clashes(routing: Routing, plan: Plan, cut: int) -> list[Explanation]:
    """Runs added after the cut that a vehicle would drive while it drives another run or a shuttle."""
    spans: dict[str, list[tuple[float, float, str]]] = {}
    for z in routing.zones:
        for r in z.routes:
            spans.setdefault(r.vehicle, []).extend((lp.depart, lp.back, z.zone) for lp in r.loops)
    for t in plan.routing.shuttles.trips:
        if t.depart < cut:  # the later shuttles are planned around the runs
            spans.setdefault(t.vehicle, []).append((t.depart, t.back, "shuttle"))
    out = []
    for v, xs in spans.items():
        xs.sort()
        for (a, b, what), (c, d, other) in zip(xs, xs[1:]):
            if c < b and c >= cut:
                out.append(Explanation(where=v, problem=f"vehicle {v} would collect {other} from {hm(c)} while still "
                                                        f"on its {what} run till {hm(b)}",
                                       fix=f"lend zone {other} a vehicle from {hm(c)}"))
    return out


def out_windows(outs: list[VehicleOut]) -> dict[str, list[Window]]:
    """When each vehicle named by a ``vehicle_out`` event is out."""
    out: dict[str, list[Window]] = {}
    for e in outs:
        out.setdefault(e.vehicle, []).append((e.at, math.inf if e.until is None else e.until))
    return out


def stand_ins(s: Scenario, plan: Plan, routing: Routing, outs: list[VehicleOut], cut: int,
              kept: list[Substitute] = ()) -> tuple[list[Substitute], dict[str, list[Window]], list[Explanation]]:
    """A stand-in for each run from the cut on that a courier that is out would have driven: another courier
    whose own runs leave it free for the whole run (its zone first), else a station vehicle not on a shuttle or
    a zone's run then.  ``kept``: the stand-ins of earlier re-plans; those of runs before the cut stay (they were
    driven), a later run keeps its stand-in when it is still free."""
    away = out_windows(outs)
    routes = [(z.zone, r) for z in routing.zones for r in z.routes]
    busy: dict[str, list[Window]] = {}
    for _, r in routes:
        busy.setdefault(r.vehicle, []).extend((lp.depart, lp.back) for lp in r.loops)
    for t in plan.routing.shuttles.trips:
        if t.depart < cut:  # shuttles that have left; the others are planned around the stand-ins
            busy.setdefault(t.vehicle, []).append((t.depart, t.back))
    subs, reserved, problems = [], {}, []
    station = [v.id for v in s.station.vehicles]
    shuttling = set(plan.routing.shuttles.vehicles)
    spans = {(r.vehicle, lp.depart): (lp.depart, lp.back) for _, r in routes for lp in r.loops}
    before = {(x.route, d): x.vehicle for x in kept for d in x.departs}
    driven: dict[tuple[str, str], list[int]] = {}
    for (route, depart), v in before.items():
        if depart < cut:  # driven already
            driven.setdefault((route, v), []).append(depart)
            busy.setdefault(v, []).append(spans[(route, depart)])
            if v in station:
                reserved.setdefault(v, []).append(spans[(route, depart)])
    subs += [Substitute(route=route, vehicle=v, departs=sorted(d)) for (route, v), d in driven.items()]
    merge = {key: k for k, key in enumerate(driven)}  # a stand-in that drives on: one record
    done: set[tuple[str, int]] = set()  # runs given a stand-in (a courier out twice over: once)
    for zone, r in routes:
        for at, until in away.get(r.vehicle, []):
            chosen: dict[str, list[int]] = {}
            for lp in (lp for lp in r.loops if max(at, cut) <= lp.depart < until):
                if (r.vehicle, lp.depart) in done:
                    continue
                done.add((r.vehicle, lp.depart))
                span = (lp.depart, lp.back)
                couriers = [x.vehicle for z2, x in routes if z2 == zone] + [x.vehicle for z2, x in routes if z2 != zone]
                # station vehicles lent to zones first: those kept for shuttles are needed for them
                spare = sorted(station, key=lambda v: (v in shuttling, station.index(v)))
                was = [before[(r.vehicle, lp.depart)]] if (r.vehicle, lp.depart) in before else []
                for v in dict.fromkeys([*was, *couriers, *spare]):
                    if v == r.vehicle or any(overlaps(span, w) for w in busy.get(v, []) + away.get(v, [])):
                        continue
                    busy.setdefault(v, []).append(span)
                    chosen.setdefault(v, []).append(lp.depart)
                    if v in station:
                        reserved.setdefault(v, []).append(span)
                    break
                else:
                    problems.append(Explanation(
                        where=r.vehicle, problem=f"courier {r.vehicle} is out; no vehicle is free for its run of "
                        f"{hm(lp.depart)}–{hm(lp.back)}",
                        fix=f"lend a vehicle to zone {zone} from {hm(lp.depart)} to {hm(lp.back)}"))
            for v, d in chosen.items():
                k = merge.pop((r.vehicle, v), None)
                if k is None:
                    subs.append(Substitute(route=r.vehicle, vehicle=v, departs=d))
                else:
                    subs[k] = subs[k].model_copy(update={"departs": subs[k].departs + d})
    return subs, reserved, problems
