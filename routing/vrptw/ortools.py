"""The OR-Tools engine: OR-Tools routing, parallel cheapest insertion and guided local search.

The model holds the depots and the visits that passed the pre-check
(:mod:`~natplan.routing.vrptw.model`); arc cost is distance, a "Time"
dimension carries travel plus the service of the location left (waiting
allowed, windows on the start of service, shifts and depot windows on the
vehicles' start and end), a "Load" dimension the demands when there are
any, and each visit is a disjunction that may be left out at its penalty
(the mandatory price when it has none).  Pickup-and-delivery pairs are
served by one vehicle, pickup first: this is what the engine is kept for,
as PyVRP is not given pairs here; it is also the engine when PyVRP is not
installed.

Search: OR-Tools' defaults, with parallel cheapest insertion (or the
``first_solution`` strategy asked for) and guided local search: the plain
search.  Until issue #13 the engine ran about 600 lines of search of its
own on top (several constructions and a regret insertion, guided local
search with extra operators, cluster ruin-and-recreate, a soft-window
phase), tuned on the Solomon instances.  On instances it was not tuned on
(``benchmarks/vrptw_unseen.py``, 200 customers, seed 0) it gave 0.980x the
distance of this plain search at 5 s (10 instances) and 0.989x at 10 s (30
instances: better on 18, worse on 11, from 0.91x to 1.05x), while PyVRP, the
default engine, gave 0.888x and 0.893x.  A gain of about 1 %, shrinking
with time, in an engine that runs only for pickup-and-delivery pairs or
without PyVRP (none of the default plans calls it) did not pay for its
code, so the engine was cut back to the plain search.

Determinism: OR-Tools' search makes no random choice, so a run bounded by a
solution count depends on the data alone.  In deterministic mode the only
limit is ``solution_limit`` (default ``400 * visits``, at least 2000); with
a single visit guided local search has no move to make and would never
reach that count, so it then stops at the first local optimum.

OR-Tools is imported only when the engine runs.
"""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw.checks import Checked
from natplan.routing.vrptw.data import VrptwData
from natplan.routing.vrptw.model import Locations

__all__ = ["RoutingModel", "search_parameters", "check_first_solution", "solve_ortools"]


class RoutingModel:
    """An OR-Tools routing model over the depots and the visits served.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.
    loc : Locations
        ``locations(data, c, served, objective)``: the model's locations and prices.
    """

    def __init__(self, data: VrptwData, c: Checked, loc: Locations):
        from ortools.constraint_solver import pywrapcp

        self.data, self.c, self.loc = data, c, loc
        vehicles = data.vehicles
        self.nodes = loc.nodes.tolist()  # model node -> location
        self.node_of = {x: k for k, x in enumerate(self.nodes)}
        idx = loc.nodes
        nk = len(self.nodes)
        starts = [self.node_of[int(v.start)] for v in vehicles]
        ends = [self.node_of[int(v.end)] for v in vehicles]
        self.manager = pywrapcp.RoutingIndexManager(nk, len(vehicles), starts, ends)
        self.routing = routing = pywrapcp.RoutingModel(self.manager)
        tt = c.time[np.ix_(idx, idx)] + c.service[idx][:, None]
        # the arc cost is the distance; every used vehicle costs its fixed cost (and the vehicle price)
        dist_cb = routing.RegisterTransitMatrix(loc.dist.tolist())
        routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
        for k, v in enumerate(vehicles):
            routing.SetFixedCostOfVehicle(int(v.fixed_cost) + loc.vehicle_price, k)
        # time: travel plus the service of the location left; waiting allowed; windows on the start of service
        horizon = int(max(c.tw_close.max(), max(min(v.shift_end, 10**12) for v in vehicles)))
        horizon = int(min(max(horizon, int(tt.max()) + int(c.tw_open.max())), 2**62 // 4))
        time_cb = routing.RegisterTransitMatrix(tt.tolist())
        routing.AddDimension(time_cb, horizon, horizon, False, "Time")
        tdim = routing.GetDimensionOrDie("Time")
        for k, x in enumerate(self.nodes[loc.depots:], loc.depots):
            tdim.CumulVar(self.manager.NodeToIndex(k)).SetRange(int(c.tw_open[x]), int(c.tw_close[x]))
        # each vehicle leaves within its shift and the start depot's window, and is back within its
        # shift and the end depot's window
        for k, v in enumerate(vehicles):
            s, e = int(v.start), int(v.end)
            lo = max(int(v.shift_start), int(c.tw_open[s]))
            hi = min(int(v.shift_end), int(c.tw_close[s]), horizon)
            tdim.CumulVar(routing.Start(k)).SetRange(lo, max(lo, hi))
            hi_e = min(int(v.shift_end), int(c.tw_close[e]), horizon)
            tdim.CumulVar(routing.End(k)).SetRange(min(lo, hi_e), hi_e)
        # load: demand picked up at each visit, within each vehicle's capacity at all times
        dem = c.demand[idx].copy()
        dem[: loc.depots] = 0
        if np.any(dem != 0):
            dcb = routing.RegisterUnaryTransitVector(dem.tolist())
            caps = [int(min(v.capacity, 2**62)) for v in vehicles]
            routing.AddDimensionWithVehicleCapacity(dcb, 0, caps, True, "Load")
        # pickup and delivery: one vehicle, pickup first
        for p, d in data.pickup_delivery:
            if p in self.node_of and d in self.node_of:
                pi, di = self.manager.NodeToIndex(self.node_of[p]), self.manager.NodeToIndex(self.node_of[d])
                routing.AddPickupAndDelivery(pi, di)
                routing.solver().Add(routing.VehicleVar(pi) == routing.VehicleVar(di))
                routing.solver().Add(tdim.CumulVar(pi) <= tdim.CumulVar(di))
        # each visit may be left out at its penalty, a mandatory one at the mandatory price
        for x in self.nodes[loc.depots:]:
            pen = int(c.penalty[x])
            routing.AddDisjunction([self.manager.NodeToIndex(self.node_of[x])], loc.mandatory_price if pen < 0 else pen)
        # the schedule the solver reports: leave late, be back early (waiting stays free)
        for k in range(len(vehicles)):
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(k)))
            routing.AddVariableMaximizedByFinalizer(tdim.CumulVar(routing.Start(k)))

    def routes_of(self, assignment) -> list[list[int]]:
        """Visits (data locations) per vehicle in a solution."""
        out = []
        for k in range(len(self.data.vehicles)):
            seq = []
            i = assignment.Value(self.routing.NextVar(self.routing.Start(k)))
            while not self.routing.IsEnd(i):
                seq.append(self.nodes[self.manager.IndexToNode(i)])
                i = assignment.Value(self.routing.NextVar(i))
            out.append(seq)
        return out

    def solve(self, params) -> list[list[int]] | None:
        """Visits per vehicle of the solution found with ``params``, or None when none is."""
        sol = self.routing.SolveWithParameters(params)
        return None if sol is None else self.routes_of(sol)


def check_first_solution(first_solution: str) -> None:
    """Refuse a first-solution strategy OR-Tools does not know.

    Parameters
    ----------
    first_solution : str
        ``"auto"`` or the name of an OR-Tools ``FirstSolutionStrategy``.

    Raises
    ------
    ValueError
        ``"unknown first solution strategy 'X'"``.
    """
    from ortools.constraint_solver import routing_enums_pb2

    known = set(routing_enums_pb2.FirstSolutionStrategy.Value.keys()) - {"UNSET"}
    if first_solution != "auto" and first_solution not in known:
        raise ValueError(f"unknown first solution strategy {first_solution!r}")


def search_parameters(first: str = "PARALLEL_CHEAPEST_INSERTION", meta: str = "GUIDED_LOCAL_SEARCH",
                      time_limit: float | None = None, solution_limit: int | None = None, log: bool = False):
    """OR-Tools' default routing search parameters with a construction, a metaheuristic and limits.

    Parameters
    ----------
    first : str
        A ``FirstSolutionStrategy`` name.
    meta : str
        A ``LocalSearchMetaheuristic`` name.
    time_limit : float or None
        Seconds; None for no time limit.
    solution_limit : int or None
        Solutions accepted; None for no limit.
    log : bool
        OR-Tools' search log.

    Returns
    -------
    ortools.constraint_solver.routing_parameters_pb2.RoutingSearchParameters
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    p = pywrapcp.DefaultRoutingSearchParameters()
    p.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    p.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, meta)
    if time_limit is None:
        p.ClearField("time_limit")
    else:
        p.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    if solution_limit is not None:
        p.solution_limit = int(solution_limit)
    p.log_search = bool(log)
    return p


def solve_ortools(data: VrptwData, c: Checked, served: list[int], loc: Locations, time_limit: float,
                  first_solution: str, log: bool, solution_limit: int | None, deterministic: bool) -> list[list[int]]:
    """Routes for the visits ``served`` found by OR-Tools routing.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.
    served : list of int
        The visits that passed the pre-check (not empty).
    loc : Locations
        ``locations(data, c, served, objective)``.
    time_limit : float
        Seconds (unused when ``deterministic``).
    first_solution : str
        ``"auto"`` (parallel cheapest insertion) or a ``FirstSolutionStrategy`` name.
    log : bool
        OR-Tools' search log.
    solution_limit : int or None
        Solutions accepted; in deterministic mode default ``400 * visits``, at least 2000.
    deterministic : bool
        Stop on the solution count only.

    Returns
    -------
    list of list of int
        Visits per vehicle of ``data`` (empty for an unused one).
    """
    first = "PARALLEL_CHEAPEST_INSERTION" if first_solution == "auto" else first_solution
    if deterministic:
        time_limit = None
        solution_limit = solution_limit if solution_limit is not None else max(2000, 400 * len(served))
    # one visit gives guided local search no move, and a solution count alone would never stop it
    meta = "GREEDY_DESCENT" if time_limit is None and len(served) < 2 else "GUIDED_LOCAL_SEARCH"
    routes = RoutingModel(data, c, loc).solve(search_parameters(first, meta, time_limit, solution_limit, log))
    return routes if routes is not None else [[] for _ in data.vehicles]
