"""Timing the runs: when each courier reaches each unit, what it takes, and when the boxes reach the station.

A run leaves its base (the station, or a relay's meeting point) at its
collection time and drives its loop; at each unit it takes the closed
tubes (a tube closes when ``pooling_ratio`` swabs are in it; the pickup at
or after the unit's last swab also takes the last, partly filled tube) and
spends :data:`~natplan.routing.tours.HANDOVER_S` there.  A unit already
emptied is skipped.  A loop's boxes reach the station when it is back, or,
on a relay, when the relay vehicle is.  Routes are the runs of one vehicle
in one zone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import CourierRoute, Drive, Loop, Pickup, Relay
from natplan.models.scenario import Scenario
from natplan.routing.collection import Collection
from natplan.routing.tours import HANDOVER_S
from natplan.routing.zoneruns import STATION, Network


@dataclass(frozen=True)
class UnitService:
    """What routing needs from the scheduler about one open unit."""

    unit: str
    open: int
    finish: float
    t0: int
    sampled: np.ndarray  # people swabbed by minute t0 + k



def timetable(s: Scenario, service: dict[str, UnitService], net: Network, c: Collection):
    """Every run timed with its pickups, in time order: ``(run, vehicle, Loop)``; the relays; who drives what.

    Parameters
    ----------
    s
        The scenario (pooling ratio, tubes to a box).
    service
        Each open unit's day.
    net
        The van times the runs were planned with.
    c
        The chosen collection.

    Returns
    -------
    (loops, relays, vehicles)
        ``(run, vehicle or None, Loop)`` for every run that stops somewhere, the relays with their loads, and the
        vehicle of every dispatched task.
    """
    p = s.parameters
    pool, per_box = p.pooling_ratio, p.tubes_per_box
    done: dict[str, bool] = {u: False for u in service}
    vehicle_of = {k: v for k, v in c.dispatch.vehicle.items()}
    order = sorted(range(len(c.runs)), key=lambda k: (c.runs[k].depart, c.runs[k].zone, c.runs[k].base, k))
    relay_at = {(r.zone, r.interval, r.depart): r for r in c.relays}
    timed = []  # (k, run, [(unit, minute)], back)
    for k in order:
        run = c.runs[k]
        here = 0 if run.base == STATION else net.index[run.base]
        clock = run.depart * 60
        visits = []
        for u in run.units:
            if done[u]:
                continue
            node = net.index[u]
            clock += int(net.seconds[here, node])
            here = node
            at = clock / 60
            visits.append((u, at))
            done[u] = at >= service[u].finish
            clock += HANDOVER_S
        if not visits:
            continue
        base = 0 if run.base == STATION else net.index[run.base]
        clock += int(net.seconds[here, base])
        timed.append((k, run, visits, math.ceil(clock / 60)))
    picked = _pickups(timed, service, pool, per_box)
    out = []
    carried: dict[tuple, list] = defaultdict(list)  # relay key -> (tubes, oldest) of its runs
    for k, run, visits, back in timed:
        relay = relay_at.get((run.zone, run.interval, run.depart)) if run.base != STATION else None
        lp = Loop(depart=run.depart, back=back, stops=[picked[(k, i)] for i in range(len(visits))],
                  interval_min=run.interval, handover_at="" if run.base == STATION else run.base,
                  at_station=None if relay is None else relay.at_station)
        out.append((run, vehicle_of.get(k), lp))
        if relay is not None:
            carried[(run.zone, run.interval, run.depart)].append(lp)
    relays = []
    for j, r in enumerate(c.relays):
        key = (r.zone, r.interval, r.depart)
        if key not in carried:
            continue
        tubes = sum(st.tubes for lp in carried[key] for st in lp.stops)
        boxes = sum(st.boxes for lp in carried[key] for st in lp.stops)
        v = vehicle_of.get(len(c.runs) + j)
        relays.append(Relay(vehicle=v or "—", zone=r.zone, meeting_point=r.meeting_point, leave=r.start,
                            meet=r.meet, at_station=r.at_station, tubes=tubes, boxes=boxes,
                            vehicle_name=c.dispatch.vehicles[v].name if v in c.dispatch.vehicles else ""))
    return out, relays, {k: v for k, v in vehicle_of.items()}


def station_arrivals(loops, relays: list[Relay], home_batches) -> list[tuple[float, int, float]]:
    """Boxes reaching the station: ``(minute, tubes, oldest swab)``."""
    out = list(home_batches)
    for _run, _v, lp in loops:
        at = lp.back if lp.at_station is None else lp.at_station
        for st in lp.stops:
            out.append((at, st.tubes, st.earliest_swab))
    return out


def vehicle_routes(c: Collection, loops, per_vehicle) -> list[CourierRoute]:
    """One route per zone and vehicle, in the zone's and the fleet's order, with its empty drives."""
    by: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for run, vehicle, lp in loops:
        by[(run.zone, vehicle or "—")].append((run, lp))
    drives: dict[str, list] = defaultdict(list)
    for d in c.dispatch.drives:
        drives[d.vehicle].append(d)
    routes = []
    for (zone, vehicle), items in sorted(by.items(), key=lambda kv: (kv[0][0], _vehicle_key(c, kv[0][1]))):
        items.sort(key=lambda x: (x[1].depart, x[0].base))
        order: list[str] = []
        for run, _ in items:
            order += [u for u in run.units if u not in order]
        fv = c.dispatch.vehicles.get(vehicle)
        first, last = items[0][1].depart, max(lp.back for _, lp in items)
        mine = [Drive(leave=d.leave, arrive=d.arrive, origin=d.origin, to=d.to) for d in drives.get(vehicle, [])
                if first - 240 <= d.arrive and d.leave <= last + 240 and (d.to in order or d.origin in order)]
        routes.append(CourierRoute(
            zone=zone, vehicle=vehicle, order=order, loop_min=max(math.ceil(r.seconds / 60) for r, _ in items),
            loops=[lp for _, lp in items], vehicle_name=fv.name if fv else "", lent=bool(fv and fv.zone is None
                                                                                         and not fv.extra),
            extra=bool(fv and fv.extra), capacity_boxes=None if fv is None or fv.extra else fv.capacity_boxes,
            drives=mine))
    return routes


def _vehicle_key(c: Collection, vid: str) -> tuple:
    v = c.dispatch.vehicles.get(vid)
    return (v is None, v is not None and v.extra, v is not None and v.zone is None, vid)


def _swabbed(sv: UnitService, minute: float) -> float:
    k = int(math.floor(minute)) - sv.t0
    if k < 0:
        return 0.0
    return float(sv.sampled[min(k, len(sv.sampled) - 1)])


def _when(sv: UnitService, people: float) -> float:
    """Minute by which ``people`` had been swabbed (inverse of the curve)."""
    k = int(np.searchsorted(sv.sampled, people - 1e-9, side="left"))
    return float(sv.t0 + min(k, len(sv.sampled) - 1))


def _pickups(timed, service: dict[str, UnitService], pool: int, per_box: int) -> dict[tuple[int, int], Pickup]:
    """Each visit's pickup, ``(run, stop) -> Pickup``, counted at each unit in the order the vans arrive.

    Runs are timed in the order they leave, but a long run that left first can reach a unit after a short one
    that left later: what a pickup takes is counted from the unit's previous pickup in time, never from the
    previous one timed.
    """
    at_unit: dict[str, list] = defaultdict(list)
    for k, _run, visits, _back in timed:
        for i, (u, at) in enumerate(visits):
            at_unit[u].append((at, k, i))
    out = {}
    for u, visits in at_unit.items():
        prev = None
        for at, k, i in sorted(visits):
            out[(k, i)] = _pickup(u, at, service[u], prev, pool, per_box)
            prev = at
    return out


def _pickup(unit, at, sv: UnitService, prev, pool, per_box) -> Pickup:
    total = float(sv.sampled[-1])
    before = 0.0 if prev is None else _swabbed(sv, prev)
    now = total if at >= sv.finish else _swabbed(sv, at)
    tubes_before = math.floor(before / pool + 1e-9)
    tubes_now = math.ceil(total / pool - 1e-9) if at >= sv.finish else math.floor(now / pool + 1e-9)
    tubes = max(0, tubes_now - tubes_before)
    oldest = _when(sv, tubes_before * pool + 1) if tubes else at
    return Pickup(unit=unit, time=math.ceil(at), people=int(round(now - before)), tubes=tubes,
                  boxes=math.ceil(tubes / per_box), earliest_swab=round(oldest, 1))
