"""Which real vehicle drives each courier run and relay: the fleet's timetable.

A run needs a vehicle from its start to its end, at its base (the station
or a meeting point).  Runs are given out in time order, each to a free
vehicle that can be at its base in time, preferring the zone's own
vehicles, then one already there, then one that served the same zone last,
then the scenario's order.  Station vehicles (those the shuttles do not
keep) take zone runs only when lending is allowed; relays are theirs
whenever relays are.  A run no vehicle can take is counted as short, or, in
a what-if plan, given to an extra vehicle the town does not have.

Runs that all start on a common grid and end before the next grid point
(the strict case: every zone on one interval) meet their lower bound
exactly: at each grid point every vehicle is free again, so the runs in
progress are all the vehicles needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

STATION = "station"


@dataclass(frozen=True)
class Task:
    """A piece of work for one vehicle: a zone's run, or a relay (``zone`` is the zone it serves)."""

    key: int  # the caller's index
    zone: str
    base: str  # where it starts and ends: the station or a meeting point (a unit id)
    start: int
    end: int
    relay: bool = False


@dataclass(frozen=True)
class FleetVehicle:
    """A vehicle the dispatcher may use."""

    id: str
    name: str
    capacity_boxes: int
    zone: str | None  # the zone it belongs to; None for a station vehicle
    extra: bool = False  # a vehicle the town lacks (what-if plans)


@dataclass(frozen=True)
class DriveLeg:
    vehicle: str
    leave: int
    arrive: int
    origin: str
    to: str


@dataclass(frozen=True)
class Dispatch:
    """Who drives what: ``vehicle[key]`` for every task (None when short), empty drives, and the extras."""

    vehicle: dict[int, str | None]
    drives: list[DriveLeg]
    vehicles: dict[str, FleetVehicle]
    short: list[Task] = field(default_factory=list)

    @property
    def short_minutes(self) -> int:
        return sum(t.end - t.start for t in self.short)


def dispatch(tasks: list[Task], vans: dict[str, list[FleetVehicle]], station: list[FleetVehicle], *,
             lend: bool, relays: bool, add_extra: bool,
             travel: Callable[[str, str], int]) -> Dispatch:
    """Give every task a vehicle (see the module's rules).

    Parameters
    ----------
    tasks
        Courier runs and relays.
    vans
        Each zone's own vehicles.
    station
        Station vehicles free for zone work (those the shuttles do not keep).
    lend
        Station vehicles may run zone loops.
    relays
        Station vehicles may drive relays.
    add_extra
        Give a task no vehicle can take to an extra vehicle (``+1``, ``+2`` …) instead of counting it short.
    travel
        Minutes from one place to another (``"station"`` or a unit id).

    Returns
    -------
    Dispatch
    """
    state: dict[str, list] = {}  # vehicle id -> [free from, where, last zone]
    order: dict[str, int] = {}
    known: dict[str, FleetVehicle] = {}
    for v in [v for z in sorted(vans) for v in vans[z]] + list(station):
        state[v.id] = [-10**9, STATION, v.zone]
        order[v.id] = len(order)
        known[v.id] = v
    chosen: dict[int, str | None] = {}
    drives: list[DriveLeg] = []
    short: list[Task] = []
    extras = 0
    for task in sorted(tasks, key=lambda x: (x.start, x.relay, x.zone, x.base, x.end, x.key)):
        pool: list[FleetVehicle] = []
        if not task.relay:
            pool += vans.get(task.zone, [])
            if lend:
                pool += station
        elif relays:
            pool += station
        pool += [v for v in known.values() if v.extra]
        best, best_key = None, None
        for v in pool:
            free, at, last = state[v.id]
            if free + (0 if at == task.base else travel(at, task.base)) > task.start:
                continue
            key = (v.extra, v.zone is None, at != task.base, last != task.zone, order[v.id])
            if best_key is None or key < best_key:
                best, best_key = v, key
        if best is None and add_extra:
            extras += 1
            best = FleetVehicle(f"+{extras}", f"+{extras}", 10**6, None, extra=True)
            known[best.id] = best
            state[best.id] = [-10**9, STATION, None]
            order[best.id] = len(order)
        if best is None:
            chosen[task.key] = None
            short.append(task)
            continue
        free, at, _ = state[best.id]
        if at != task.base:
            leg = travel(at, task.base)
            drives.append(DriveLeg(best.id, task.start - leg, task.start, at, task.base))
        state[best.id] = [task.end, task.base, task.zone]
        chosen[task.key] = best.id
    # vehicles left at a meeting point drive home at the end of their work
    for vid in sorted(state, key=order.get):
        free, at, _ = state[vid]
        if at != STATION:
            drives.append(DriveLeg(vid, free, free + travel(at, STATION), at, STATION))
    return Dispatch(chosen, drives, known, short)
