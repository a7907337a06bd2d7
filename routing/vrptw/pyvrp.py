"""The PyVRP engine: PyVRP's iterated local search on the checked model.

The model holds the depots and the visits that passed the pre-check, as
locations of their own; vehicles that share depots, capacity, shift and
fixed cost form one PyVRP vehicle type.  A depot's service time is spent on
leaving it, so it is added to the depot's row of the duration matrix; the
vehicle type's window is the shift cut by the depots' windows.  Mandatory
visits are required clients, the others optional at their penalty as prize.

Search: when the fleet is smaller than the visits, half the budget within
the fleet, then half with a soft fleet (overflow vehicles at a vehicle's
price plus a mandatory visit's) started from there, keeping the better
solution within the fleet; else the whole budget within the fleet.  When a
required visit fits nowhere, one more search with every visit optional at
the mandatory price names the ones left out instead of breaking a route,
and a solution still infeasible is cut back by
:func:`~natplan.routing.vrptw.repair.make_feasible`.

PyVRP is imported only when the engine runs, so the package loads without it.
"""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw.checks import Checked
from natplan.routing.vrptw.data import VrptwData
from natplan.routing.vrptw.model import Locations
from natplan.routing.vrptw.repair import make_feasible

__all__ = ["solve_pyvrp"]


def solve_pyvrp(data: VrptwData, c: Checked, served: list[int], loc: Locations, time_limit: float, seed: int,
                log: bool, solution_limit: int | None, deterministic: bool) -> list[list[int]]:
    """Routes for the visits ``served`` found by PyVRP.

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
    seed : int
        PyVRP's seed.
    log : bool
        Show PyVRP's progress.
    solution_limit : int or None
        Iterations; in deterministic mode default ``20 * visits``, at least 1000.
    deterministic : bool
        Stop on iterations only.

    Returns
    -------
    list of list of int
        Visits per vehicle of ``data`` (empty for an unused one), each route
        keeping capacity, windows and shift.
    """
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    vehicles = data.vehicles
    nodes = loc.nodes.tolist()
    pos = {x: k for k, x in enumerate(nodes)}
    nd = loc.depots
    dist = loc.dist
    dur = c.time[np.ix_(loc.nodes, loc.nodes)].copy()
    dur[:nd] += c.service[loc.nodes[:nd]][:, None]
    np.fill_diagonal(dur, 0)  # PyVRP wants a zero diagonal; a depot to itself is an unused, empty route
    big_vehicle, huge = loc.vehicle_price, loc.mandatory_price
    has_load = bool(np.any(c.demand[served] != 0))
    empty: list[list[int]] = [[] for _ in vehicles]

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
        return empty
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
        routes: list[list[int]] = [[] for _ in vehicles]
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
        routes = make_feasible(data, c, routes)
    return routes
