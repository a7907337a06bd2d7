"""When each stop of a route happens: :func:`route_schedule`.

Both engines' routes are timed again here, independently of the solver, so
a :class:`~natplan.routing.vrptw.data.VrptwResult` always reports times this
module computed.  A route is timed with a backward pass (the latest start of
service at each stop that still keeps every later window and the shift) and
a forward pass (the earliest start, to check feasibility); the vehicle then
leaves its depot as late as the backward pass allows, so the reported
duration has no avoidable waiting at the start.  Waiting at a visit whose
window has not opened yet is always allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from natplan.routing.vrptw.checks import Checked, validate
from natplan.routing.vrptw.data import Route, Stop, VrptwData

__all__ = ["route_schedule", "first_late"]


def route_schedule(data: VrptwData, vehicle: int, visits: Iterable[int], c: Checked | None = None) -> Route | None:
    """Time the visits, in this order, on one vehicle.

    Parameters
    ----------
    data : VrptwData
    vehicle : int
        Index into ``data.vehicles``.
    visits : iterable of int
        Locations in the order served, depots excluded.
    c : Checked, optional
        ``validate(data)``, when the caller has it already.

    Returns
    -------
    Route or None
        The route with arrival, start, departure and load at each stop, from
        a departure pushed as late as the windows allow; ``None`` when some
        window, or the shift and the end depot's window, cannot be kept.
        Capacity is not checked here.

    Raises
    ------
    ValueError
        From :func:`~natplan.routing.vrptw.checks.validate` when ``c`` is not given and ``data`` is malformed.
    """
    if c is None:
        c = validate(data)
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


def first_late(data: VrptwData, c: Checked, vehicle: int, visits: list[int]) -> int:
    """Position of the first visit whose window is missed on the earliest schedule.

    Parameters
    ----------
    data : VrptwData
    c : Checked
    vehicle : int
    visits : list of int
        A route that :func:`route_schedule` finds infeasible.

    Returns
    -------
    int
        Index into ``visits`` of the first visit started after its window
        closes, leaving as early as the shift allows; the last index when
        every window is kept (the route is late only back at the depot).
    """
    veh = data.vehicles[vehicle]
    cur = max(veh.shift_start, c.tw_open[veh.start])
    prev = veh.start
    for i, v in enumerate(visits):
        cur = max(cur + c.service[prev] + c.time[prev, v], c.tw_open[v])
        if cur > c.tw_close[v]:
            return i
        prev = v
    return len(visits) - 1
