"""Make routes feasible by dropping visits: :func:`make_feasible`.

Used when a search ends without a feasible solution (PyVRP reports its best
solution even when it breaks capacity or a window): the routes are cut back
until each keeps its capacity, its windows and its shift, and the visits cut
are then reported as unserved.  Capacity goes first, the largest load first;
then, while a route cannot be timed, its first late visit (on the earliest
schedule) goes, or its last visit when only the return is late.
"""

from __future__ import annotations

import numpy as np

from natplan.routing.vrptw.checks import Checked
from natplan.routing.vrptw.data import VrptwData
from natplan.routing.vrptw.timing import first_late, route_schedule

__all__ = ["make_feasible"]


def make_feasible(data: VrptwData, c: Checked, routes: list[list[int]]) -> list[list[int]]:
    """Drop visits until every route keeps its capacity, windows and shift.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.
    routes : list of list of int
        Visits per vehicle (one list per vehicle of ``data``), not changed.

    Returns
    -------
    list of list of int
        The routes with the dropped visits left out, in the same order.
    """
    out = []
    for k, r in enumerate(routes):
        r = list(r)
        cap = data.vehicles[k].capacity
        while r and int(sum(c.demand[v] for v in r)) > cap:
            r.pop(int(np.argmax([c.demand[v] for v in r])))
        while r and route_schedule(data, k, r, c) is None:
            del r[first_late(data, c, k, r)]
        out.append(r)
    return out
