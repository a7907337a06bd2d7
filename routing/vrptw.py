"""One VRPTW function on plain data, with two engines: PyVRP and OR-Tools routing.

Used for courier loops (vans collecting sample boxes from sampling units),
shuttles and home-visit team routes.  The style follows PyVRP: frozen
dataclasses describe the problem, :func:`solve_vrptw` is a pure function, and a
:class:`VrptwResult` comes out.

PyVRP (iterated local search) is the default: on the Solomon benchmark
(``benchmarks/solomon.py``) it is much closer to the best known solutions
than the OR-Tools search at the same time limit.  OR-Tools stays for what
PyVRP is not given here: pickup-and-delivery pairs (``engine="auto"`` picks
it for them), and as the engine when PyVRP is not installed.

Conventions
-----------
* All times, distances, loads are integers in one unit of the caller's choice
  (seconds, tenths of a minute, ...).
* ``time[i, j]`` is the travel time from location ``i`` to ``j``; the service
  time of ``i`` is added on top when leaving ``i``.
* A visit's time window constrains the *start of service*; arriving early
  means waiting (waiting is always allowed).
* A vehicle leaves its start depot no earlier than
  ``max(shift_start, tw_open[start])`` and is back at its end depot no later
  than ``min(shift_end, tw_close[end])``.
* Visits are never infeasible for the solver: each one may be dropped at a
  penalty (when ``drop_penalty`` is None, one above any single detour plus a
  vehicle's fixed cost, so a visit is only dropped when no insertion is
  found), so tight windows give ``unserved`` entries with a reason instead of
  "no solution".
* Reasons print window times as HH:MM, reading the unit as minutes.

Determinism
-----------
Both engines are deterministic for a fixed number of search steps and a seed;
only a wall-clock limit makes them depend on the machine.  With
``deterministic=True`` every phase is bounded by a step count (OR-Tools:
solutions accepted; PyVRP: iterations; ``solution_limit``, default scaled to
the instance size) instead of time, so the result depends only on the data
and the seed.  ``time_limit`` is then ignored (the run takes as long as those
steps take).
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Vehicle",
    "VrptwData",
    "Stop",
    "Route",
    "VrptwResult",
    "solve_vrptw",
    "solve_vrptw_plain",
    "resolve_engine",
    "ENGINES",
    "route_schedule",
]


# ----------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Vehicle:
    """One vehicle (van, shuttle, home-visit team).

    Parameters
    ----------
    start, end : int
        Location indices of the start and end depot.
    capacity : int
        Largest load carried at any time.
    shift_start, shift_end : int
        Earliest departure from ``start`` and latest arrival at ``end``.
    fixed_cost : int
        Cost added to the objective when the vehicle is used.
    name : str
        Label for reports.
    """

    start: int
    end: int
    capacity: int = 10**9
    shift_start: int = 0
    shift_end: int = 10**9
    fixed_cost: int = 0
    name: str = ""


@dataclass(frozen=True)
class VrptwData:
    """A VRPTW instance on plain arrays.

    Parameters
    ----------
    time : numpy.ndarray
        Integer (n, n) travel times.
    distance : numpy.ndarray or None
        Integer (n, n) distances (the arc cost); ``None`` means ``time``.
    demand, service, tw_open, tw_close : numpy.ndarray
        Integer (n,) arrays: load picked up, service duration, window on the
        start of service.
    vehicles : tuple of Vehicle
        The fleet; its length is the vehicle limit.
    visits : numpy.ndarray or None
        Location indices to serve; default all locations that are not a
        vehicle's start or end.
    pickup_delivery : tuple of (int, int)
        Pairs (pickup, delivery) served by the same vehicle, pickup first.
    drop_penalty : int or numpy.ndarray or None
        Cost of leaving a visit unserved (scalar or per location).  ``None``
        makes visits mandatory in effect (a penalty above any route cost).
    names : tuple of str
        Optional location names for reports.
    """

    time: np.ndarray
    distance: np.ndarray | None
    demand: np.ndarray
    service: np.ndarray
    tw_open: np.ndarray
    tw_close: np.ndarray
    vehicles: tuple[Vehicle, ...]
    visits: np.ndarray | None = None
    pickup_delivery: tuple[tuple[int, int], ...] = ()
    drop_penalty: int | np.ndarray | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stop:
    """One stop of a route (depots included): times and load after service."""

    location: int
    arrival: int
    start: int
    departure: int
    load: int


@dataclass(frozen=True)
class Route:
    """The route of one used vehicle, from its start depot to its end depot."""

    vehicle: int
    stops: tuple[Stop, ...]
    distance: int
    duration: int

    @property
    def visits(self) -> tuple[int, ...]:
        """Locations served, depots excluded."""
        return tuple(s.location for s in self.stops[1:-1])


@dataclass(frozen=True)
class VrptwResult:
    """Outcome of :func:`solve_vrptw`.

    Attributes
    ----------
    routes : tuple of Route
        Used vehicles only.
    unserved : tuple of (int, str)
        Visits left out, with the reason in words.
    distance, duration : int
        Totals over the routes.
    vehicles_used : int
    feasible : bool
        True when every visit is served.
    runtime : float
        Seconds of wall time.
    objective : int
        Distance + fixed costs + drop penalties (the solver's objective in the
        ``"distance"`` mode).
    engine : str
        The engine that found the routes: ``"pyvrp"``, ``"ortools"`` or
        ``"ortools-plain"``.
    """

    routes: tuple[Route, ...]
    unserved: tuple[tuple[int, str], ...]
    distance: int
    duration: int
    vehicles_used: int
    feasible: bool
    runtime: float
    objective: int
    engine: str = "ortools"


# ----------------------------------------------------------------------------
# validation and pre-checks
# ----------------------------------------------------------------------------


def _as_int_array(a, name: str, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(a)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise ValueError(f"{name} must hold integers")
    return arr.astype(np.int64)


@dataclass(frozen=True)
class _Checked:
    time: np.ndarray
    dist: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    tw_open: np.ndarray
    tw_close: np.ndarray
    visits: np.ndarray
    penalty: np.ndarray  # per location, -1 for "mandatory"


def _validate(data: VrptwData) -> _Checked:
    t = np.asarray(data.time)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError("time must be a square matrix")
    n = t.shape[0]
    if n == 0:
        raise ValueError("time is empty")
    time = _as_int_array(t, "time", (n, n))
    dist = time if data.distance is None else _as_int_array(data.distance, "distance", (n, n))
    if (time < 0).any():
        raise ValueError("time has negative entries")
    if (dist < 0).any():
        raise ValueError("distance has negative entries")
    demand = _as_int_array(data.demand, "demand", (n,))
    service = _as_int_array(data.service, "service", (n,))
    if (service < 0).any():
        raise ValueError(f"service time of location {int(np.argmax(service < 0))} is negative")
    tw_open = _as_int_array(data.tw_open, "tw_open", (n,))
    tw_close = _as_int_array(data.tw_close, "tw_close", (n,))
    bad = np.nonzero(tw_close < tw_open)[0]
    if len(bad):
        raise ValueError(f"time window of visit {int(bad[0])} closes before it opens")
    if len(data.vehicles) == 0:
        raise ValueError("no vehicles")
    depots: set[int] = set()
    for k, v in enumerate(data.vehicles):
        if not isinstance(v, Vehicle):
            raise ValueError(f"vehicle {k} is not a Vehicle")
        for loc in (v.start, v.end):
            if loc is None or not (0 <= int(loc) < n):
                raise ValueError(f"vehicle {k} has no depot")
        if v.capacity < 0:
            raise ValueError(f"vehicle {k} has negative capacity")
        if v.shift_end < v.shift_start:
            raise ValueError(f"shift of vehicle {k} ends before it starts")
        depots.update((int(v.start), int(v.end)))
    if data.visits is None:
        visits = np.array([i for i in range(n) if i not in depots], dtype=np.int64)
    else:
        visits = np.asarray(data.visits, dtype=np.int64).ravel()
        if len(set(visits.tolist())) != len(visits):
            raise ValueError("visits lists a location twice")
        for v in visits.tolist():
            if not 0 <= v < n:
                raise ValueError(f"visit {v} is not a location")
            if v in depots:
                raise ValueError(f"visit {v} is a vehicle's depot")
    vset = set(visits.tolist())
    seen: set[int] = set()
    for p, d in data.pickup_delivery:
        if p == d:
            raise ValueError(f"pickup and delivery of pair ({p}, {d}) are the same location")
        for x in (p, d):
            if x not in vset:
                raise ValueError(f"pickup-delivery location {x} is not a visit")
            if x in seen:
                raise ValueError(f"location {x} is in two pickup-delivery pairs")
            seen.add(x)
    neg = [int(i) for i in visits if demand[i] < 0 and int(i) not in seen]
    if neg:
        raise ValueError(f"demand of visit {neg[0]} is negative")
    if data.drop_penalty is None:
        penalty = np.full(n, -1, dtype=np.int64)
    elif np.isscalar(data.drop_penalty):
        if int(data.drop_penalty) < 0:
            raise ValueError("drop_penalty is negative")
        penalty = np.full(n, int(data.drop_penalty), dtype=np.int64)
    else:
        penalty = _as_int_array(data.drop_penalty, "drop_penalty", (n,))
        if (penalty[visits] < 0).any():
            raise ValueError("drop_penalty is negative")
    if data.names and len(data.names) != n:
        raise ValueError(f"names has {len(data.names)} entries, expected {n}")
    return _Checked(time, dist, demand, service, tw_open, tw_close, visits, penalty)


def _fmt_time(x: int) -> str:
    """Format a time as HH:MM assuming minutes (used only in reasons)."""
    x = int(x)
    return f"{x // 60:02d}:{x % 60:02d}" if 0 <= x < 100 * 60 else str(x)


def _precheck(data: VrptwData, c: _Checked) -> dict[int, str]:
    """Reasons for visits no vehicle can serve, by simple one-visit checks."""
    reasons: dict[int, str] = {}
    for v in c.visits.tolist():
        cap_ok = time_ok = both_ok = False
        for veh in data.vehicles:
            s, e = int(veh.start), int(veh.end)
            fits = c.demand[v] <= veh.capacity
            depart = max(veh.shift_start, c.tw_open[s]) + c.service[s]
            begin = max(depart + c.time[s, v], c.tw_open[v])
            back = begin + c.service[v] + c.time[v, e]
            reach = begin <= c.tw_close[v] and back <= min(veh.shift_end, c.tw_close[e])
            cap_ok |= fits
            time_ok |= reach
            both_ok |= fits and reach
        if not cap_ok:
            reasons[v] = "capacity: demand above every vehicle's capacity"
        elif not time_ok:
            reasons[v] = (
                f"window {_fmt_time(c.tw_open[v])}\u2013{_fmt_time(c.tw_close[v])} "
                "cannot be reached from depot within the shift"
            )
        elif not both_ok:
            reasons[v] = "capacity and window: no vehicle both large enough and able to reach it in time"
    for p, d in data.pickup_delivery:
        if p in reasons and d not in reasons:
            reasons[d] = f"its pickup {p} cannot be served"
        elif d in reasons and p not in reasons:
            reasons[p] = f"its delivery {d} cannot be served"
    return reasons


# ----------------------------------------------------------------------------
# schedule evaluation (used for results and for our own checks)
# ----------------------------------------------------------------------------


def route_schedule(data: VrptwData, vehicle: int, visits, c: _Checked | None = None) -> Route | None:
    """Time a route (visits in order) for one vehicle; None if infeasible.

    Departure from the depot is pushed as late as possible without breaking a
    window, so the reported duration has no avoidable waiting at the start.
    """
    if c is None:
        c = _validate(data)
    veh = data.vehicles[vehicle]
    seq = [int(veh.start), *[int(x) for x in visits], int(veh.end)]
    t, svc, o, cl = c.time, c.service, c.tw_open, c.tw_close
    earliest = max(veh.shift_start, o[seq[0]])
    last_end = min(veh.shift_end, cl[seq[-1]])
    # latest start of service at each stop (backward pass)
    m = len(seq)
    latest = [0] * m
    latest[-1] = last_end
    for k in range(m - 2, -1, -1):
        i, j = seq[k], seq[k + 1]
        latest[k] = min(cl[i] if k > 0 else min(veh.shift_end, cl[i]), latest[k + 1] - t[i, j] - svc[i])
    # forward pass from the earliest start to check feasibility
    cur = earliest
    for k in range(1, m):
        i, j = seq[k - 1], seq[k]
        cur = max(cur + svc[i] + t[i, j], o[j])
        if cur > (cl[j] if k < m - 1 else last_end):
            return None
    start0 = max(earliest, min(latest[0], cl[seq[0]]))
    stops = []
    load = 0
    cur = start0
    distance = 0
    for k in range(m):
        j = seq[k]
        if k == 0:
            arr = beg = start0
        else:
            i = seq[k - 1]
            arr = cur + svc[i] + t[i, j]
            beg = max(arr, o[j]) if k < m - 1 else arr
            distance += int(c.dist[i, j])
        if 0 < k < m - 1:
            load += int(c.demand[j])
        dep = beg + (svc[j] if k < m - 1 else 0)
        stops.append(Stop(int(j), int(arr), int(beg), int(dep), int(load)))
        cur = beg
    duration = stops[-1].arrival - stops[0].start
    return Route(vehicle, tuple(stops), int(distance), int(duration))


# ----------------------------------------------------------------------------
# OR-Tools model
# ----------------------------------------------------------------------------


class _Model:
    """A routing model over the depots and the servable visits."""

    def __init__(self, data: VrptwData, c: _Checked, served: list[int], objective: str, soft: int = 0):
        from ortools.constraint_solver import pywrapcp

        self.data, self.c, self.served = data, c, served
        vehicles = data.vehicles
        depots = sorted({int(v.start) for v in vehicles} | {int(v.end) for v in vehicles})
        self.nodes = depots + list(served)  # model node -> location
        self.node_of = {loc: k for k, loc in enumerate(self.nodes)}
        idx = np.array(self.nodes, dtype=np.int64)
        nk = len(self.nodes)
        starts = [self.node_of[int(v.start)] for v in vehicles]
        ends = [self.node_of[int(v.end)] for v in vehicles]
        self.manager = pywrapcp.RoutingIndexManager(nk, len(vehicles), starts, ends)
        self.routing = routing = pywrapcp.RoutingModel(self.manager)
        dist = c.dist[np.ix_(idx, idx)]
        tt = c.time[np.ix_(idx, idx)] + c.service[idx][:, None]
        self.dist_cb = routing.RegisterTransitMatrix(dist.tolist())
        routing.SetArcCostEvaluatorOfAllVehicles(self.dist_cb)
        max_route = int(dist.max(initial=0)) * (nk + 1) + 1
        self.big_vehicle = max_route if objective == "vehicles_then_distance" else 0
        for k, v in enumerate(vehicles):
            routing.SetFixedCostOfVehicle(int(v.fixed_cost) + self.big_vehicle, k)
        # time
        horizon = int(max(c.tw_close.max(), max(min(v.shift_end, 10**12) for v in vehicles)))
        horizon = int(min(max(horizon, int(tt.max()) + int(c.tw_open.max())), 2**62 // 4))
        self.time_cb = routing.RegisterTransitMatrix(tt.tolist())
        routing.AddDimension(self.time_cb, horizon, horizon, False, "Time")
        tdim = routing.GetDimensionOrDie("Time")
        self.tdim = tdim
        for k, loc in enumerate(self.nodes):
            if k < len(depots):
                continue
            index = self.manager.NodeToIndex(k)
            if soft:  # late service allowed at a cost per unit of lateness
                tdim.CumulVar(index).SetRange(int(c.tw_open[loc]), horizon)
                tdim.SetCumulVarSoftUpperBound(index, int(c.tw_close[loc]), soft)
            else:
                tdim.CumulVar(index).SetRange(int(c.tw_open[loc]), int(c.tw_close[loc]))
        for k, v in enumerate(vehicles):
            s, e = int(v.start), int(v.end)
            lo = max(int(v.shift_start), int(c.tw_open[s]))
            hi = min(int(v.shift_end), int(c.tw_close[s]), horizon)
            tdim.CumulVar(routing.Start(k)).SetRange(lo, max(lo, hi))
            hi_e = min(int(v.shift_end), int(c.tw_close[e]), horizon)
            if soft:
                tdim.CumulVar(routing.End(k)).SetRange(min(lo, hi_e), horizon)
                tdim.SetCumulVarSoftUpperBound(routing.End(k), hi_e, soft)
            else:
                tdim.CumulVar(routing.End(k)).SetRange(min(lo, hi_e), hi_e)
        # load
        dem = c.demand[idx].copy()
        dem[: len(depots)] = 0
        self.has_load = bool(np.any(dem != 0))
        if self.has_load:
            dcb = routing.RegisterUnaryTransitVector(dem.tolist())
            caps = [int(min(v.capacity, 2**62)) for v in vehicles]
            routing.AddDimensionWithVehicleCapacity(dcb, 0, caps, True, "Load")
        # pickup and delivery
        for p, d in data.pickup_delivery:
            if p in self.node_of and d in self.node_of:
                pi, di = self.manager.NodeToIndex(self.node_of[p]), self.manager.NodeToIndex(self.node_of[d])
                routing.AddPickupAndDelivery(pi, di)
                routing.solver().Add(routing.VehicleVar(pi) == routing.VehicleVar(di))
                routing.solver().Add(tdim.CumulVar(pi) <= tdim.CumulVar(di))
        # drops
        # Penalty for dropping a "mandatory" visit: above any single insertion
        # (a detour is at most twice the longest arc) plus a vehicle's fixed
        # cost, but not so far above the route costs that it swamps guided
        # local search, whose arc penalties scale with the objective value.
        max_arc = int(max(dist.max(initial=0), 1))
        max_fixed = max(int(v.fixed_cost) for v in vehicles)
        huge = _SEARCH["drop_arcs"] * max_arc * (100 if soft else 1) + self.big_vehicle + max_fixed + 1
        self.huge = int(min(huge, 2**50))
        for loc in served:
            pen = int(c.penalty[loc])
            pen = self.huge if pen < 0 else pen
            routing.AddDisjunction([self.manager.NodeToIndex(self.node_of[loc])], pen)
        # help the solver: minimise the end times a little is not wanted for
        # distance objectives; leave slack free (waiting allowed).
        for k in range(len(vehicles)):
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(k)))
            routing.AddVariableMaximizedByFinalizer(tdim.CumulVar(routing.Start(k)))

    def routes_of(self, assignment) -> list[list[int]]:
        """Visits (locations) per vehicle."""
        out = []
        for k in range(len(self.data.vehicles)):
            i = self.routing.Start(k)
            seq = []
            i = assignment.Value(self.routing.NextVar(i))
            while not self.routing.IsEnd(i):
                seq.append(self.nodes[self.manager.IndexToNode(i)])
                i = assignment.Value(self.routing.NextVar(i))
            out.append(seq)
        return out

    def assignment_from(self, routes: list[list[int]]):
        node_routes = [[self.manager.NodeToIndex(self.node_of[x]) for x in r] for r in routes]
        return self.routing.ReadAssignmentFromRoutes(node_routes, True)

    def solve(self, params, initial=None):
        if initial is None:
            return self.routing.SolveWithParameters(params)
        return self.routing.SolveFromAssignmentWithParameters(initial, params)


def _params(
    first: str = "PARALLEL_CHEAPEST_INSERTION",
    meta: str = "GUIDED_LOCAL_SEARCH",
    time_limit: float | None = None,
    solution_limit: int | None = None,
    log: bool = False,
    tuned: bool = True,
    gls_lambda: float = 0.3,
):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    p = pywrapcp.DefaultRoutingSearchParameters()
    p.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    p.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, meta)
    if time_limit is not None:
        p.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    if solution_limit is not None:
        p.solution_limit = int(solution_limit)
    p.log_search = bool(log)
    if tuned:
        ops = p.local_search_operators
        T = 3  # BOOL_TRUE
        ops.use_relocate_neighbors = T
        ops.use_cross_exchange = T
        ops.use_relocate_and_make_active = T
        ops.use_exchange_subtrip = T
        ops.use_extended_swap_active = T
        p.guided_local_search_lambda_coefficient = gls_lambda
        for k, v in _TUNING.items():
            if k.startswith("ops."):
                setattr(ops, k[4:], v)
            elif k in ("gls_lambda",):
                p.guided_local_search_lambda_coefficient = v
            else:
                setattr(p, k, v)
    return p


# Extra search settings applied by the tuned engine (mutable for experiments).
_TUNING: dict = {}


# ----------------------------------------------------------------------------
# own construction heuristic (seeded, regret-style insertion)
# ----------------------------------------------------------------------------


def _route_times(data: VrptwData, c: _Checked, k: int, route: list[int]):
    """Departure time from each position and latest service start at each."""
    veh = data.vehicles[k]
    seq = [int(veh.start), *route, int(veh.end)]
    m = len(seq)
    t, svc, o, cl = c.time, c.service, c.tw_open, c.tw_close
    dep = np.zeros(m, dtype=np.int64)
    cur = max(veh.shift_start, o[seq[0]])
    dep[0] = cur + svc[seq[0]]
    for i in range(1, m - 1):
        cur = max(dep[i - 1] + t[seq[i - 1], seq[i]], o[seq[i]])
        dep[i] = cur + svc[seq[i]]
    latest = np.zeros(m, dtype=np.int64)
    latest[-1] = min(veh.shift_end, cl[seq[-1]])
    for i in range(m - 2, 0, -1):
        latest[i] = min(cl[seq[i]], latest[i + 1] - t[seq[i], seq[i + 1]] - svc[seq[i]])
    return np.array(seq), dep, latest


def _greedy_routes(data: VrptwData, c: _Checked, served: list[int], seed: int) -> list[list[int]]:
    """Regret-2 insertion with time windows and capacity (seeded noise).

    Each step inserts the visit whose best insertion beats its second best
    (in another route) by most, at its best place; visits with a single
    feasible route go first.  Empty vehicles of one kind count as one option.
    Visits that fit nowhere are left out.
    """
    rng = np.random.default_rng(seed)
    vehicles = data.vehicles
    nveh = len(vehicles)
    routes: list[list[int]] = [[] for _ in range(nveh)]
    loads = np.zeros(nveh, dtype=np.int64)
    pd_nodes = {x for pair in data.pickup_delivery for x in pair}
    todo = np.array([v for v in served if v not in pd_nodes], dtype=np.int64)
    t, d, o, cl, svc = c.time, c.dist, c.tw_open, c.tw_close, c.service
    cache: dict[int, tuple] = {}
    big = np.iinfo(np.int64).max // 4
    while len(todo):
        kinds = set()
        costs = []  # per considered route: (k, cost over todo, best position)
        for k in range(nveh):
            if not routes[k]:
                veh = vehicles[k]
                kind = (veh.start, veh.end, veh.capacity, veh.shift_start, veh.shift_end, veh.fixed_cost)
                if kind in kinds:
                    continue
                kinds.add(kind)
            if k not in cache:
                cache[k] = _route_times(data, c, k, routes[k])
            seq, dep, latest = cache[k]
            a, b = seq[:-1], seq[1:]  # insertion between a[p] and b[p]
            arr = np.maximum(o[todo][:, None], dep[None, :-1] + t[np.ix_(a, todo)].T)
            nxt = arr + svc[todo][:, None] + t[np.ix_(todo, b)]
            ok = (arr <= cl[todo][:, None]) & (np.maximum(nxt, o[b][None, :]) <= latest[None, 1:])
            ok[:, -1] &= nxt[:, -1] <= latest[-1]
            ok &= (loads[k] + c.demand[todo] <= vehicles[k].capacity)[:, None]
            delta = d[np.ix_(a, todo)].T + d[np.ix_(todo, b)] - d[a, b][None, :]
            if not routes[k]:
                delta = delta + vehicles[k].fixed_cost
            delta = np.where(ok, delta, big)
            if seed:
                delta = np.where(ok, delta * rng.uniform(1.0, 1.25, delta.shape), big)
            pos = np.argmin(delta, axis=1)
            costs.append((k, delta[np.arange(len(todo)), pos], pos))
        allc = np.array([x[1] for x in costs])  # routes x todo
        order = np.argsort(allc, axis=0, kind="stable")
        best = allc[order[0], np.arange(len(todo))]
        feasible = best < big
        if not feasible.any():
            break
        second = allc[order[1], np.arange(len(todo))] if len(costs) > 1 else np.full(len(todo), big)
        regret = np.where(second >= big, big, second - best)
        regret = np.where(feasible, regret, -1)
        # most regret first, then the cheaper insertion
        score = regret.astype(float) - 1e-9 * best
        j = int(np.argmax(score))
        ri = int(order[0, j])
        k, _, pos = costs[ri]
        v = int(todo[j])
        routes[k].insert(int(pos[j]), v)
        loads[k] += int(c.demand[v])
        cache.pop(k, None)
        todo = np.delete(todo, j)
    return routes


# ----------------------------------------------------------------------------
# result assembly
# ----------------------------------------------------------------------------


_NO_ROOM = "no route found that takes it beside the other visits (windows, shifts, capacity, fleet size)"


def _result(data, c, huge, routes, reasons, t0, engine="ortools") -> VrptwResult:
    """Time the routes independently of the solver and total them up.

    ``huge`` is the penalty charged in the objective for an unserved
    mandatory visit."""
    out_routes = []
    served = set()
    for k, r in enumerate(routes):
        if not r:
            continue
        rt = route_schedule(data, k, r, c)
        if rt is None:  # should not happen; keep the solver's order anyway
            raise RuntimeError(f"internal error: route of vehicle {k} violates a window")
        out_routes.append(rt)
        served.update(r)
    unserved = dict(reasons)
    for v in c.visits.tolist():
        if v not in served and v not in unserved:
            unserved[v] = "dropped by solver at penalty" if c.penalty[v] >= 0 else _NO_ROOM
    dist = sum(r.distance for r in out_routes)
    dur = sum(r.duration for r in out_routes)
    pen = 0
    for v in unserved:
        pen += int(huge if c.penalty[v] < 0 else c.penalty[v])
    obj = dist + sum(data.vehicles[r.vehicle].fixed_cost for r in out_routes) + pen
    return VrptwResult(
        routes=tuple(out_routes),
        unserved=tuple(sorted(unserved.items())),
        distance=int(dist),
        duration=int(dur),
        vehicles_used=len(out_routes),
        feasible=not unserved,
        runtime=_time.perf_counter() - t0,
        objective=int(obj),
        engine=engine,
    )


def _cost(model: _Model, routes: list[list[int]]) -> tuple[int, int, int]:
    """(dropped penalty, vehicles term, distance) for comparing solutions."""
    c, data = model.c, model.data
    served = {x for r in routes for x in r}
    pen = sum(int(model.huge if c.penalty[v] < 0 else c.penalty[v]) for v in model.served if v not in served)
    veh = sum(1 for r in routes if r) if model.big_vehicle else 0
    dist = 0
    for k, r in enumerate(routes):
        if r:
            seq = [data.vehicles[k].start, *r, data.vehicles[k].end]
            dist += int(sum(c.dist[a, b] for a, b in zip(seq, seq[1:])))
            dist += data.vehicles[k].fixed_cost
    return pen, veh, dist


# ----------------------------------------------------------------------------
# public solve functions
# ----------------------------------------------------------------------------

_FIRST = ("PARALLEL_CHEAPEST_INSERTION", "SAVINGS", "LOCAL_CHEAPEST_INSERTION")
ENGINES = ("auto", "pyvrp", "ortools")


def solve_vrptw(
    data: VrptwData,
    time_limit: float = 10.0,
    seed: int = 0,
    objective: str = "distance",
    first_solution: str = "auto",
    log: bool = False,
    solution_limit: int | None = None,
    deterministic: bool = False,
    engine: str = "auto",
) -> VrptwResult:
    """Solve a VRPTW with PyVRP or with OR-Tools guided local search.

    Parameters
    ----------
    data : VrptwData
    time_limit : float
        Wall-clock budget in seconds (ignored when ``deterministic``).
    seed : int
        Seeds the search (PyVRP's random stream; OR-Tools: the own
        construction heuristic and the order of the restarts).
    objective : {"distance", "vehicles_then_distance"}
        Total distance plus fixed costs, or fewest vehicles first.
    first_solution : str
        OR-Tools only.  ``"auto"`` tries several constructions (OR-Tools'
        parallel and local cheapest insertion, savings, and a randomised
        insertion of our own) and improves the best; or the name of one
        OR-Tools ``FirstSolutionStrategy``.
    log : bool
        Print the solver's search log.
    solution_limit : int or None
        The step budget.  OR-Tools: cap on solutions accepted by the local
        search (per phase); in deterministic mode it is the only limit
        (default ``400 * visits``, at least 2000, for the main run, and a
        quarter of it for each of the three ruin-and-restart rounds).  PyVRP:
        iterations of its iterated local search (default in deterministic mode
        ``20 * visits``, at least 1000); with a time limit, whichever comes
        first.
    deterministic : bool
        Bound the search by steps, never by wall time, so the result depends
        only on ``data`` and ``seed`` (both engines are deterministic for a
        fixed number of steps and a seed).
    engine : {"auto", "pyvrp", "ortools"}
        ``"pyvrp"``: PyVRP's iterated local search (the stronger of the two on
        the Solomon benchmark, see ``benchmarks/solomon.py``); it does not
        model pickup-and-delivery pairs.  ``"ortools"``: OR-Tools routing with
        the search described below.  ``"auto"``: PyVRP when it is installed
        and there are no pickup-and-delivery pairs, else OR-Tools.

    Notes
    -----
    Both engines see the same model: visits no vehicle could serve on its own
    are reported by a pre-check; the others are mandatory (``drop_penalty``
    None) or optional at their penalty (PyVRP: optional clients with that
    prize).  PyVRP first searches with every mandatory visit required; only
    when that ends without a feasible solution are they made optional at a
    penalty above any detour, so that the ones that fit nowhere come back as
    unserved instead of as a broken route.  Routes from either engine are
    timed again by :func:`route_schedule`.

    OR-Tools search: several constructions (OR-Tools' parallel and local
    cheapest insertion and savings, each taken to a local optimum, plus a
    randomised insertion of our own); guided local search (lambda 0.3, extra
    operators such as relocate-and-make-active, cross-exchange,
    exchange-subtrip) from the best one for half the budget; then
    ruin-and-restart rounds: a cluster of nearby visits (8-20 %) is taken out
    of the best solution and GLS repairs and improves it for a tenth of the
    budget, keeping improvements.  The vehicle limit is the fleet size;
    ``"vehicles_then_distance"`` puts a fixed cost above any route's length on
    every used vehicle.

    Returns
    -------
    VrptwResult

    Raises
    ------
    ValueError
        On malformed input (shapes, windows closing before opening, vehicles
        without depot, ...), before any solving.
    """
    engine = resolve_engine(engine, data)
    if engine == "pyvrp":
        if data.pickup_delivery:
            raise ValueError("engine 'pyvrp' does not take pickup-delivery pairs; use 'ortools' or 'auto'")
        return _solve_pyvrp(data, time_limit, seed, objective, log, solution_limit, deterministic)
    return _solve_ortools(data, time_limit, seed, objective, first_solution, log, solution_limit, deterministic)


def resolve_engine(engine: str = "auto", data: VrptwData | None = None) -> str:
    """The engine :func:`solve_vrptw` uses for ``engine`` (and ``data``): "pyvrp" or "ortools"."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "pyvrp" if _have_pyvrp() and not (data is not None and data.pickup_delivery) else "ortools"
    return engine


def _have_pyvrp() -> bool:
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        return False
    return True


def _prologue(data, objective, time_limit, deterministic):
    """Check the arguments and the data shared by both engines; (checked data, reasons, visits to serve)."""
    if objective not in ("distance", "vehicles_then_distance"):
        raise ValueError(f"unknown objective {objective!r}")
    if not deterministic and not time_limit > 0:
        raise ValueError("time_limit must be positive")
    c = _validate(data)
    reasons = _precheck(data, c)
    return c, reasons, [v for v in c.visits.tolist() if v not in reasons]


def _solve_ortools(data, time_limit, seed, objective, first_solution, log, solution_limit, deterministic) -> VrptwResult:
    """The OR-Tools engine of :func:`solve_vrptw`."""
    t0 = _time.perf_counter()
    if first_solution != "auto" and first_solution not in _all_first():
        raise ValueError(f"unknown first solution strategy {first_solution!r}")
    c, reasons, served = _prologue(data, objective, time_limit, deterministic)
    if not served:
        return _result(data, c, 0, [[] for _ in data.vehicles], reasons, t0)
    deadline = t0 + time_limit

    def remaining() -> float:
        return max(0.05, deadline - _time.perf_counter())

    if deterministic and solution_limit is None:
        solution_limit = max(2000, 400 * len(served))

    # --- starting points -------------------------------------------------
    firsts = list(_FIRST) if first_solution == "auto" else [first_solution]
    candidates: list[tuple[tuple[int, int, int], list[list[int]]]] = []
    for fs in firsts:
        m = _Model(data, c, served, objective)
        p = _params(first=fs, meta="GREEDY_DESCENT",
                    time_limit=None if deterministic else max(0.05, 0.08 * time_limit),
                    solution_limit=None if not deterministic else 10**6, log=log)
        if deterministic:
            p.ClearField("time_limit")
        sol = m.solve(p)
        if sol is not None:
            r = m.routes_of(sol)
            candidates.append((_cost(m, r), r))
    if first_solution == "auto":
        m = _Model(data, c, served, objective)
        for s in range(2):
            r = _greedy_routes(data, c, served, seed * 7919 + s)
            candidates.append((_cost(m, r), r))
    if not candidates:
        candidates.append(((0, 0, 0), [[] for _ in data.vehicles]))
    candidates.sort(key=lambda x: x[0])
    # --- guided local search from the best start -------------------------
    best_cost, best_routes = candidates[0]
    rng = np.random.default_rng(seed)
    main_share = _SEARCH["main_share"]
    if best_cost[0] > 0:
        # Visits still left out: search with soft windows (lateness costs
        # per unit), then drop the late visits and let the hard search put
        # them back; it crosses infeasible ground that GLS cannot.
        soft_lim = (None, solution_limit // 2) if deterministic else (remaining() * _SEARCH["soft_share"], solution_limit)
        out = _soft_then_repair(data, c, served, objective, best_routes, soft_lim, log)
        if out is not None:
            best_routes = out  # may drop more visits for now; GLS re-inserts them
    if deterministic:
        rounds = _SEARCH["det_rounds"]
        main = _gls(data, c, served, objective, best_routes, None, solution_limit, log)
    else:
        main = _gls(data, c, served, objective, best_routes, remaining() * main_share, solution_limit, log)
    if _DEBUG:
        print("start", candidates[0][0], "main", main and main[0])
    if main is not None and main[0] < best_cost:
        best_cost, best_routes = main
    # --- ruin and restart: remove a cluster of visits, let GLS repair -----
    # GLS stalls in one basin on long runs; restarting it from the best
    # solution with a group of nearby visits taken out moves it elsewhere.
    rnd = 0
    while True:
        if deterministic:
            if rnd >= rounds:
                break
            limit_t, limit_s = None, max(50, solution_limit // 4)
        else:
            left = deadline - _time.perf_counter()
            if left < 0.5:
                break
            limit_t, limit_s = min(left, max(_SEARCH["slice_min"], _SEARCH["slice"] * time_limit)), solution_limit
        rnd += 1
        done = {v for r in best_routes for v in r}
        todo = [v for v in served if v not in done]
        if todo and rnd % 2 == 1:
            # half of the slice for the soft search, half for the repair
            limit_t = None if limit_t is None else limit_t / 2
            start = _soft_then_repair(data, c, served, objective, best_routes, (limit_t, limit_s), log)
            start = best_routes if start is None else start
        else:
            start = _ruin(c, best_routes, rng, todo)
        out = _gls(data, c, served, objective, start, limit_t, limit_s, log)
        if _DEBUG:
            print("round", rnd, "soft" if todo and rnd % 2 == 1 else "ruin", out and out[0], best_cost)
        if out is not None and out[0] < best_cost:
            best_cost, best_routes = out
    return _result(data, c, _Model(data, c, served, objective).huge, best_routes, reasons, t0)


_DEBUG = False

# Search shape (mutable for experiments): share of the budget for the first
# GLS run, length of each restart, restarts in deterministic mode.
_SEARCH = {"drop_arcs": 4, "soft_share": 0.25, "soft_coefs": (1, 10, 100), "main_share": 0.5, "slice": 0.1, "slice_min": 1.0, "det_rounds": 3, "ruin_min": 0.08, "ruin_max": 0.2}


def _soft_then_repair(data, c, served, objective, routes, limits, log):
    """Soft-window GLS from ``routes`` with a rising price of lateness, then
    the visits still late dropped."""
    coefs = _SEARCH["soft_coefs"]
    t, n = limits
    for coef in coefs:
        out = _gls(data, c, served, objective, routes, None if t is None else t / len(coefs),
                   None if n is None else max(20, n // len(coefs)), log, soft=coef)
        if out is None:
            return None
        routes = out[1]
    return _repair(data, c, routes)


def _repair(data: VrptwData, c: _Checked, routes: list[list[int]]) -> list[list[int]]:
    """Drop the visits that make a route late, until every route keeps its
    windows and shift (earliest-start schedule, first late visit first)."""
    out = []
    for k, r in enumerate(routes):
        r = list(r)
        while r and route_schedule(data, k, r, c) is None:
            veh = data.vehicles[k]
            cur = max(veh.shift_start, c.tw_open[veh.start])
            prev = veh.start
            late = len(r) - 1  # if no visit is late, the return is: drop the last
            for i, v in enumerate(r):
                cur = max(cur + c.service[prev] + c.time[prev, v], c.tw_open[v])
                if cur > c.tw_close[v]:
                    late = i
                    break
                prev = v
            del r[late]
        out.append(r)
    return out


def _ruin(c: _Checked, routes: list[list[int]], rng, todo: list[int] | None = None) -> list[list[int]]:
    """Remove a random visit and its nearest served neighbours.

    When visits are still dropped (``todo``), the cluster is centred on one of
    them most of the time, to make room where it is needed."""
    served = [v for r in routes for v in r]
    if len(served) < 3:
        return [list(r) for r in routes]
    lo = max(1, int(_SEARCH["ruin_min"] * len(served)))
    hi = max(lo + 1, int(_SEARCH["ruin_max"] * len(served)))
    q = int(rng.integers(lo, hi + 1))
    if todo and rng.random() < 0.7:
        centre = todo[int(rng.integers(len(todo)))]
    else:
        centre = served[int(rng.integers(len(served)))]
    arr = np.array(served)
    near = arr[np.argsort(c.dist[centre, arr] + c.dist[arr, centre], kind="stable")[:q]]
    gone = set(near.tolist())
    return [[v for v in r if v not in gone] for r in routes]


def _gls(data, c, served, objective, start_routes, time_limit, solution_limit, log, soft=0):
    """One guided local search run from given routes; (cost, routes) or None.

    With ``soft`` > 0 windows may be missed at that cost per unit of lateness
    and the routes returned may break them (see :func:`_repair`)."""
    m = _Model(data, c, served, objective, soft=soft)
    init = m.assignment_from(start_routes)
    if time_limit is None and len(served) < 2:
        # one visit has one route: guided local search finds no move to make and, bounded only by a
        # solution count, would never stop
        r = start_routes
        return _cost(m, r), r
    p = _params(meta="GUIDED_LOCAL_SEARCH", time_limit=time_limit, solution_limit=solution_limit, log=log)
    if time_limit is None:
        p.ClearField("time_limit")
    sol = m.solve(p, init) if init is not None else m.solve(p)
    if sol is None:
        return None
    r = m.routes_of(sol)
    return _cost(m, r), r


def _all_first() -> set[str]:
    from ortools.constraint_solver import routing_enums_pb2

    return set(routing_enums_pb2.FirstSolutionStrategy.Value.keys()) - {"UNSET"}


def solve_vrptw_plain(data: VrptwData, time_limit: float = 10.0) -> VrptwResult:
    """The plain OR-Tools baseline: droppable visits, parallel cheapest
    insertion and guided local search, every other setting at its default."""
    t0 = _time.perf_counter()
    c = _validate(data)
    reasons = _precheck(data, c)
    served = [v for v in c.visits.tolist() if v not in reasons]
    m = _Model(data, c, served, "distance")
    p = _params(time_limit=time_limit, tuned=False)
    sol = m.solve(p)
    routes = m.routes_of(sol) if sol is not None else [[] for _ in data.vehicles]
    return _result(data, c, m.huge, routes, reasons, t0, engine="ortools-plain")


# ----------------------------------------------------------------------------
# PyVRP engine
# ----------------------------------------------------------------------------


def _solve_pyvrp(data, time_limit, seed, objective, log, solution_limit, deterministic) -> VrptwResult:
    """The PyVRP engine of :func:`solve_vrptw`.

    The model holds the depots and the visits that passed the pre-check, as
    locations of their own; vehicles that share depots, capacity, shift and
    fixed cost form one PyVRP vehicle type.  A depot's service time is spent
    on leaving it, so it is added to the depot's row of the duration matrix;
    the vehicle type's window is the shift cut by the depots' windows.
    """
    t0 = _time.perf_counter()
    c, reasons, served = _prologue(data, objective, time_limit, deterministic)
    empty = [[] for _ in data.vehicles]
    if not served:
        return _result(data, c, 0, empty, reasons, t0, engine="pyvrp")

    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    vehicles = data.vehicles
    depots = sorted({int(v.start) for v in vehicles} | {int(v.end) for v in vehicles})
    nodes = depots + served
    pos = {loc: k for k, loc in enumerate(nodes)}
    idx = np.array(nodes, dtype=np.int64)
    nd = len(depots)
    dist = c.dist[np.ix_(idx, idx)]
    dur = c.time[np.ix_(idx, idx)].copy()
    dur[:nd] += c.service[idx[:nd]][:, None]
    np.fill_diagonal(dur, 0)  # PyVRP wants a zero diagonal; a depot to itself is an unused, empty route
    max_arc = int(max(dist.max(initial=0), 1))
    big_vehicle = max_arc * (len(nodes) + 1) + 1 if objective == "vehicles_then_distance" else 0
    # the same penalty as the OR-Tools model puts on a mandatory visit: above any detour and a vehicle
    huge = int(min(_SEARCH["drop_arcs"] * max_arc + big_vehicle + max(int(v.fixed_cost) for v in vehicles) + 1, 2**50))
    has_load = bool(np.any(c.demand[served] != 0))

    kinds: dict[tuple, list[int]] = {}
    for k, v in enumerate(vehicles):
        early = int(max(v.shift_start, c.tw_open[v.start]))
        late = int(min(v.shift_end, c.tw_close[v.end]))
        start_late = int(min(v.shift_end, c.tw_close[v.start], late))
        if late < early or start_late < early:
            continue  # this vehicle cannot leave and be back within its shift
        cap = int(min(v.capacity, 2**50))
        key = (pos[int(v.start)], pos[int(v.end)], cap, early, start_late, late, int(v.fixed_cost))
        kinds.setdefault(key, []).append(k)
    if not kinds:
        return _result(data, c, huge, empty, reasons, t0, engine="pyvrp")
    base = list(kinds.items())
    owners = [ks for _, ks in base]
    type_of = {k: t for t, ks in enumerate(owners) for k in ks}
    names = data.names or ()
    # Overflow vehicles beyond the fleet, each at a vehicle's cost plus a mandatory visit's penalty, make
    # the fleet limit soft: a search stuck with a tight fleet can pass through solutions with a route
    # more.  Solutions that keep using them are not taken.
    fleet_binds = len(vehicles) < len(served)
    overflow = len(served)

    def problem(all_optional: bool, soft_fleet: bool):
        clients = []
        for v in served:
            pen = int(c.penalty[v])
            required = pen < 0 and not all_optional
            clients.append(pyvrp.Client(
                location=pos[v], pickup=[int(c.demand[v])] if has_load else [], service_duration=int(c.service[v]),
                tw_early=int(c.tw_open[v]), tw_late=int(c.tw_close[v]), required=required,
                prize=0 if required else (huge if pen < 0 else pen), name=names[v] if names else ""))
        vtypes = []
        for extra in (False, True) if soft_fleet else (False,):
            for (s, e, cap, early, start_late, late, fixed), ks in base:
                vtypes.append(pyvrp.VehicleType(
                    num_available=overflow if extra else len(ks), capacity=[cap] if has_load else [],
                    start_depot=s, end_depot=e, fixed_cost=fixed + big_vehicle + (huge if extra else 0),
                    tw_early=early, tw_late=late, start_late=start_late))
        return pyvrp.ProblemData(
            locations=[pyvrp.Location(0.0, 0.0) for _ in nodes], clients=clients,
            depots=[pyvrp.Depot(location=k) for k in range(nd)], vehicle_types=vtypes,
            distance_matrices=[dist], duration_matrices=[dur])

    def stop(share: float):
        if deterministic:
            iters = solution_limit if solution_limit is not None else max(1000, 20 * len(served))
            return MaxIterations(max(1, int(iters * share)))
        crit = MaxRuntime(max(0.05, time_limit * share))
        if solution_limit is not None:
            crit = MultipleCriteria([crit, MaxIterations(max(1, int(solution_limit * share)))])
        return crit

    def run(pdata, share, start=None):
        """(feasible within the fleet, penalised cost, routes per vehicle) of one PyVRP search."""
        import warnings

        init = None
        if start is not None:
            cid = {v: i for i, v in enumerate(served)}
            init = pyvrp.Solution(pdata, [pyvrp.Route(pdata, [cid[v] for v in r], type_of[k])
                                          for k, r in enumerate(start) if r])
        with warnings.catch_warnings():
            # PyVRP warns when a penalty reaches its bound; infeasibility is handled below
            warnings.simplefilter("ignore")
            res = pyvrp.solve(pdata, stop=stop(share), seed=int(seed), collect_stats=False, display=log,
                              initial_solution=init)
        routes = [[] for _ in vehicles]
        used = [0] * len(owners)
        ok = res.best.is_feasible()
        for r in res.best.routes():
            t = r.vehicle_type()
            if t >= len(owners) or used[t] >= len(owners[t]):
                ok = False  # an overflow vehicle: beyond the fleet
                continue
            routes[owners[t][used[t]]] = [served[a.idx] for a in r if a.is_client()]
            used[t] += 1
        return ok, res.cost(), routes

    if fleet_binds:
        # half the budget within the fleet, half with the soft fleet from there; the better one in the fleet
        ok, cost, routes = run(problem(False, False), 0.5)
        ok2, cost2, routes2 = run(problem(False, True), 0.5, start=routes)
        if ok2 and (not ok or cost2 < cost):
            ok, routes = ok2, routes2
    else:
        ok, _, routes = run(problem(False, False), 1.0)
    if not ok and any(c.penalty[v] < 0 for v in served):
        # Some required visit fits nowhere: make every visit optional at a price above any detour, so
        # the ones left out are named instead of breaking a route.
        ok, _, routes = run(problem(True, False), 0.25)
    if not ok:
        routes = _make_feasible(data, c, routes)
    return _result(data, c, huge, routes, reasons, t0, engine="pyvrp")


def _make_feasible(data: VrptwData, c: _Checked, routes: list[list[int]]) -> list[list[int]]:
    """Drop visits until every route keeps its capacity (largest load first), windows and shift."""
    out = []
    for k, r in enumerate(routes):
        r = list(r)
        cap = data.vehicles[k].capacity
        while r and int(sum(c.demand[v] for v in r)) > cap:
            r.pop(int(np.argmax([c.demand[v] for v in r])))
        out.append(r)
    return _repair(data, c, out)
