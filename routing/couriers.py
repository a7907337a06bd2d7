"""How samples move: half-hourly courier loops per zone, shuttles from the station to the lab.

Courier loops: for each zone, the fewest vehicles whose loops (station →
units → station) each fit in one collection interval, found with the VRPTW
engine (vehicles first, then driving time).  The loop order is planned once
with every unit open; on each run a vehicle skips units that are closed,
which never makes the loop longer (travel times obey the triangle
inequality).  Every unit is visited on every run from its opening until the
first run after its last swab, which takes the last, partly filled tube.

Tubes: a tube closes when ``pooling_ratio`` swabs are in it; a pickup takes
the closed tubes, so the tubes carried add up to ``ceil(people / ratio)``
per unit.  The age of a sample is from its swab to the lab's handover.

Shuttles: the station's vehicles leave every ``cadence`` minutes with all
boxes that have come in; the cadence is the longest multiple of the
interval that keeps every sample under the age limit with the vehicles
there are (aiming 30 min under the limit where it can), and the fewest
vehicles that would still meet the limit is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import CourierRoute, Explanation, Loop, Pickup, Routing, Shuttles, ShuttleTrip, SolverStats, ZoneCouriers
from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m, minutes, van_minutes
from natplan.routing.vrptw import Vehicle, VrptwData, resolve_engine, solve_vrptw

HANDOVER_S = 120  # seconds to hand a box over at a unit
AGE_MARGIN_MIN = 30  # shuttles aim this far under the age limit when they can, for delays on the road
_METHOD = {"pyvrp": "pyvrp iterated local search, vehicles then driving time",
           "ortools": "or-tools routing, vehicles then driving time"}


@dataclass(frozen=True)
class UnitService:
    """What routing needs from the scheduler about one open unit."""

    unit: str
    open: int
    finish: float
    t0: int
    sampled: np.ndarray  # people swabbed by minute t0 + k


def _van_seconds(s: Scenario, lon, lat) -> np.ndarray:
    return np.ceil(van_minutes(s, lon, lat) * 60).astype(np.int64)


def lab_minutes(s: Scenario) -> int:
    """Van minutes from the station to the lab (given, or from its location)."""
    if s.lab.travel_min is not None:
        return s.lab.travel_min
    p = s.parameters
    d = float(haversine_m(s.station.location.lon, s.station.location.lat, s.lab.location.lon, s.lab.location.lat))
    return math.ceil(float(minutes(d, p.van_speed_kmh, p.detour_factor)))


def minutes_to_station(s: Scenario, lon, lat) -> np.ndarray:
    """Van minutes from each place to the transfer station, as :func:`natplan.routing.network.van_minutes` has them.

    Without a road graph this is one column, not an n × n matrix, so it is cheap for a city's units."""
    if s.roads is not None:
        st = s.station.location
        return van_minutes(s, [st.lon, *lon], [st.lat, *lat])[1:, 0]
    p = s.parameters
    d = haversine_m(np.asarray(lon, float), np.asarray(lat, float), s.station.location.lon, s.station.location.lat)
    return minutes(d, p.van_speed_kmh, p.detour_factor)


def zone_loops(s: Scenario, zone_units: list, interval_min: int, seed: int,
               engine: str = "auto") -> tuple[list[list[int]], np.ndarray, int]:
    """Fewest loops (vehicles) each within the interval: (orders as indices into zone_units, seconds matrix, lower bound).

    ``engine`` is passed to :func:`natplan.routing.vrptw.solve_vrptw`."""
    lon = [s.station.location.lon] + [u.location.lon for u in zone_units]
    lat = [s.station.location.lat] + [u.location.lat for u in zone_units]
    t = _van_seconds(s, lon, lat)
    n = len(zone_units)
    limit = interval_min * 60
    service = np.array([0] + [HANDOVER_S] * n, dtype=np.int64)
    # lower bound: every unit is entered once by some arc, and each vehicle's loop fits the interval
    entering = [min(int(t[j, i]) for j in range(n + 1) if j != i) for i in range(1, n + 1)]
    back = min(int(t[i, 0]) for i in range(1, n + 1))
    lower = max(1, math.ceil((sum(entering) + back + HANDOVER_S * n) / limit))
    data = VrptwData(
        time=t, distance=t, demand=np.zeros(n + 1, dtype=np.int64), service=service,
        tw_open=np.zeros(n + 1, dtype=np.int64), tw_close=np.full(n + 1, limit, dtype=np.int64),
        vehicles=tuple(Vehicle(start=0, end=0, shift_start=0, shift_end=limit) for _ in range(n)),
    )
    # a zone has a handful of units: a short deterministic search finds the fewest loops
    res = solve_vrptw(data, objective="vehicles_then_distance", seed=seed, deterministic=True,
                      solution_limit=50 * n + 100, engine=engine)
    orders = [[x - 1 for x in r.visits] for r in res.routes]
    # a unit too far for any loop within the interval gets a loop of its own (reported by the caller)
    for v, _why in res.unserved:
        orders.append([v - 1])
    orders.sort(key=lambda o: o[0])
    return orders, t, lower


def plan_couriers(s: Scenario, service: dict[str, UnitService], seed: int | None = None,
                  home_batches: list[tuple[float, int, float]] = ()) -> tuple[Routing, list[Explanation], list[str]]:
    """Courier loops for every zone and the shuttles to the lab.

    ``home_batches`` are home-visit samples reaching the station:
    ``(minute back, tubes, first swab)``.

    Returns
    -------
    (Routing, problems, warnings)
        ``problems`` are rules the plan cannot keep (a sample past its age
        limit); ``warnings`` say where a zone needs more vehicles than it has.
    """
    p = s.parameters
    seed = p.seed if seed is None else seed
    pool, per_box = p.pooling_ratio, p.tubes_per_box
    units_by_id = {u.id: u for u in s.units}
    zones, problems, warnings = [], [], []
    arrivals: list[tuple[float, int, float]] = list(home_batches)  # (back at station, tubes, oldest swab)
    for z in s.zones:
        zu = [units_by_id[uid] for uid in z.units if uid in service]
        if not zu:
            warnings.append(f"zone {z.id} {z.name} has no open unit; no courier loop")
            continue
        orders, t, lower = zone_loops(s, zu, z.interval_min, seed)
        first = min(service[u.id].open for u in zu)
        t_first = (first // z.interval_min) * z.interval_min + z.interval_min
        routes = []
        for k, order in enumerate(orders, 1):
            seq = [zu[i] for i in order]
            full = _loop_seconds(t, [0] + [i + 1 for i in order] + [0])
            if full > z.interval_min * 60:
                warnings.append(f"zone {z.id}: unit {seq[0].id} is too far for a {z.interval_min}-min loop "
                                f"({math.ceil(full / 60)} min); it gets its own vehicle and is collected every "
                                f"{math.ceil(full / 60)} min")
            loops = _runs(s, seq, [i + 1 for i in order], t, service, t_first, z.interval_min, pool, per_box)
            for lp in loops:
                for st in lp.stops:
                    arrivals.append((lp.back, st.tubes, st.earliest_swab))
            routes.append(CourierRoute(zone=z.id, vehicle=f"{z.id}-{k}", order=[u.id for u in seq],
                                       loop_min=math.ceil(full / 60), loops=loops))
        note = ""
        if len(orders) > z.vehicles:
            note = (f"zone {z.id} {z.name} needs {len(orders)} vehicles for {z.interval_min}-min loops "
                    f"but has {z.vehicles}: add {len(orders) - z.vehicles}, or split the zone")
            warnings.append(note)
        zones.append(ZoneCouriers(zone=z.id, interval_min=z.interval_min, vehicles_needed=len(orders),
                                  vehicles_available=z.vehicles, vehicles_lower_bound=lower,
                                  routes=routes, note=note))
    shuttles, shuttle_problems = plan_shuttles(s, arrivals)
    problems += shuttle_problems
    needed = sum(z.vehicles_needed for z in zones)
    bound = sum(z.vehicles_lower_bound for z in zones)
    stats = SolverStats(objective=float(needed), bound=float(bound), gap=(needed - bound) / max(1, needed),
                        method=_METHOD[resolve_engine()], optimal=needed == bound)
    return Routing(zones=zones, shuttles=shuttles, stats=stats), problems, warnings


def _loop_seconds(t: np.ndarray, path: list[int]) -> int:
    return int(sum(t[a, b] for a, b in zip(path, path[1:]))) + HANDOVER_S * (len(path) - 2)


def _runs(s, seq, idx, t, service, t_first, interval, pool, per_box) -> list[Loop]:
    """Every run of one courier vehicle over the day, with what it picks up."""
    last_pick = {u.id: None for u in seq}  # minute of the previous pickup, None before the first
    done = {u.id: False for u in seq}
    loops = []
    depart = t_first
    while not all(done.values()):
        clock = depart * 60
        here = 0
        stops = []
        for u, node in zip(seq, idx):
            sv = service[u.id]
            if done[u.id] or depart + interval <= sv.open:
                continue  # closed, or not yet open in this interval
            clock += int(t[here, node])
            here = node
            at = clock / 60
            stops.append(_pickup(u.id, at, sv, last_pick[u.id], pool, per_box))
            last_pick[u.id] = at
            if at >= sv.finish:
                done[u.id] = True
            clock += HANDOVER_S
        if stops:
            clock += int(t[here, 0])
            loops.append(Loop(depart=depart, back=math.ceil(clock / 60), stops=stops))
        depart += interval
    return loops


def _swabbed(sv: UnitService, minute: float) -> float:
    k = int(math.floor(minute)) - sv.t0
    if k < 0:
        return 0.0
    return float(sv.sampled[min(k, len(sv.sampled) - 1)])


def _when(sv: UnitService, people: float) -> float:
    """Minute by which ``people`` had been swabbed (inverse of the curve)."""
    k = int(np.searchsorted(sv.sampled, people - 1e-9, side="left"))
    return float(sv.t0 + min(k, len(sv.sampled) - 1))


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


def plan_shuttles(s: Scenario, arrivals: list[tuple[float, int, float]]) -> tuple[Shuttles, list[Explanation]]:
    """Shuttle departures that keep every sample within the age limit, and the fewest vehicles that would."""
    p = s.parameters
    travel = lab_minutes(s)
    trip = travel + s.lab.handover_min
    round_trip = 2 * travel + s.lab.handover_min
    fleet = [v.id for v in s.station.vehicles]
    interval = min((z.interval_min for z in s.zones), default=30)
    if not arrivals:
        return Shuttles(cadence_min=interval, round_trip_min=round_trip, vehicles_used=0, fewest_vehicles=0,
                        worst_age_min=0.0, trips=[]), []
    first = min(a for a, _, _ in arrivals)
    candidates = []
    for mult in range(1, 17):
        cadence = interval * mult
        departures = _departures(arrivals, first, cadence)
        worst = max(dep + trip - oldest for dep, _, oldest in departures)
        candidates.append((cadence, worst, math.ceil(round_trip / cadence), departures))
    within = [c for c in candidates if c[1] <= p.sample_age_limit_min]
    fits = [c for c in within if c[2] <= len(fleet)]
    # prefer a cadence that stays AGE_MARGIN_MIN under the limit, then any within it; the longest such
    chosen = [c for c in fits if c[1] <= p.sample_age_limit_min - AGE_MARGIN_MIN] or fits
    problems = []
    if chosen:
        cadence, worst, used, departures = max(chosen, key=lambda c: c[0])
        fewest = min(c[2] for c in within)
    elif within:
        cadence, worst, used, departures = min(within, key=lambda c: (c[2], -c[0]))
        fewest = used
        problems.append(Explanation(
            where="station", problem=f"shuttles every {cadence} min need {used} vehicles, the station has {len(fleet)}",
            fix=f"add {used - len(fleet)} vehicle(s) to the station"))
    else:
        cadence, worst, used, departures = candidates[0]
        fewest = used
        problems.append(Explanation(
            where="lab", problem=f"even with a shuttle every {cadence} min, samples reach the lab {worst:.0f} min "
                                 f"after the swab, over the {p.sample_age_limit_min}-min limit "
                                 f"(the lab is {travel} min from the station)",
            fix="collect more often, move the lab or a transfer point closer, or raise sample_age_limit_min "
                "if the cold chain allows"))
    trips = []
    per_box = p.tubes_per_box
    for j, (dep, tubes, oldest) in enumerate(departures):
        vehicle = fleet[j % max(1, min(len(fleet), used))] if fleet else "—"
        trips.append(ShuttleTrip(vehicle=vehicle, depart=int(dep), arrive=int(dep + trip), back=int(dep + round_trip),
                                 tubes=tubes, boxes=math.ceil(tubes / per_box), oldest_swab=round(oldest, 1),
                                 worst_age_min=round(dep + trip - oldest, 1)))
    return Shuttles(cadence_min=cadence, round_trip_min=round_trip, vehicles_used=min(used, max(1, len(fleet))),
                    fewest_vehicles=fewest, worst_age_min=round(worst, 1), trips=trips), problems


def _departures(arrivals, first, cadence) -> list[tuple[int, int, float]]:
    """Group box arrivals into departures every ``cadence`` min: (depart, tubes, oldest swab)."""
    out = []
    arrivals = sorted(arrivals)
    i, dep = 0, math.ceil(first)
    while i < len(arrivals):
        tubes, oldest = 0, math.inf
        while i < len(arrivals) and arrivals[i][0] <= dep:
            tubes += arrivals[i][1]
            if arrivals[i][1]:
                oldest = min(oldest, arrivals[i][2])
            i += 1
        if tubes:
            out.append((dep, tubes, oldest))
        dep += cadence
    return out
