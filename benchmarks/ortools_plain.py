"""Plain OR-Tools, the fixed reference of the VRPTW benchmarks (``solomon.py``, ``vrptw_unseen.py``).

The engine's routing model (:class:`natplan.routing.vrptw.ortools.RoutingModel`:
the same windows, shifts, capacity and droppable visits) searched with
OR-Tools' default settings, parallel cheapest insertion and guided local
search, and a time limit: nothing of the engine's own search.  It lives
here, not in the package, because only the benchmarks run it: it is the
yardstick the OR-Tools engine's extra search must beat to be worth its code.
"""

from __future__ import annotations

import time

from natplan.routing.vrptw import VrptwData, VrptwResult
from natplan.routing.vrptw.checks import precheck, validate
from natplan.routing.vrptw.model import locations
from natplan.routing.vrptw.ortools import RoutingModel, search_parameters
from natplan.routing.vrptw.solve import assemble_result

__all__ = ["solve_vrptw_plain"]


def solve_vrptw_plain(data: VrptwData, time_limit: float = 10.0) -> VrptwResult:
    """Plain OR-Tools on ``data`` for ``time_limit`` seconds, distance as the objective.

    Parameters
    ----------
    data : VrptwData
    time_limit : float
        Seconds.

    Returns
    -------
    VrptwResult
        With ``engine == "ortools-plain"``.

    Raises
    ------
    ValueError
        On malformed data, as :func:`natplan.routing.vrptw.solve_vrptw`.
    """
    t0 = time.perf_counter()
    c = validate(data)
    reasons = precheck(data, c)
    served = [v for v in c.visits.tolist() if v not in reasons]
    loc = locations(data, c, served, "distance")
    routes = RoutingModel(data, c, loc).solve(search_parameters(time_limit=time_limit))
    routes = routes if routes is not None else [[] for _ in data.vehicles]
    return assemble_result(data, c, routes, loc.mandatory_price, reasons, t0, "ortools-plain")
