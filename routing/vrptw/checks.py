"""Argument checks, and the pre-check that names visits no vehicle can serve.

:func:`validate` turns a :class:`~natplan.routing.vrptw.data.VrptwData` into
:class:`Checked` integer arrays, or raises a short :class:`ValueError` that
names the first fault, before any solving.  :func:`precheck` then tries each
visit alone on each vehicle (straight from the start depot, straight back to
the end depot) and gives, for the visits that fail, the reason in words:
capacity, a window that cannot be reached within the shift, or both.  Those
visits are left out of the engines' models and reported as unserved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natplan.routing.vrptw.data import Vehicle, VrptwData

__all__ = ["Checked", "validate", "check_arguments", "precheck", "fmt_time", "OBJECTIVES"]

OBJECTIVES = ("distance", "vehicles_then_distance")


@dataclass(frozen=True)
class Checked:
    """The arrays of a validated :class:`~natplan.routing.vrptw.data.VrptwData`, all int64.

    Attributes
    ----------
    time, dist : numpy.ndarray
        (n, n) travel times and arc distances (``dist`` is ``time`` when no distance is given).
    demand, service, tw_open, tw_close : numpy.ndarray
        (n,) per location.
    visits : numpy.ndarray
        The locations to serve.
    penalty : numpy.ndarray
        (n,) cost of leaving a location unserved; -1 for "mandatory".
    """

    time: np.ndarray
    dist: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    tw_open: np.ndarray
    tw_close: np.ndarray
    visits: np.ndarray
    penalty: np.ndarray


def _as_int_array(a, name: str, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(a)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise ValueError(f"{name} must hold integers")
    return arr.astype(np.int64)


def check_arguments(objective: str, time_limit: float, deterministic: bool) -> None:
    """Check the solve arguments both engines share.

    Parameters
    ----------
    objective : str
        One of :data:`OBJECTIVES`.
    time_limit : float
        Seconds; must be positive unless ``deterministic``.
    deterministic : bool

    Raises
    ------
    ValueError
        On an unknown objective or a time limit that is not positive.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    if not deterministic and not time_limit > 0:
        raise ValueError("time_limit must be positive")


def validate(data: VrptwData) -> Checked:
    """Check shapes, signs, windows, depots, visits and pairs of ``data``.

    Parameters
    ----------
    data : VrptwData

    Returns
    -------
    Checked
        The arrays as int64, the visits to serve, a drop penalty per location.

    Raises
    ------
    ValueError
        Naming the first fault, for example ``"time window of visit 3 closes
        before it opens"`` or ``"vehicle 2 has no depot"``.
    """
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
    return Checked(time, dist, demand, service, tw_open, tw_close, visits, penalty)


def fmt_time(x: int) -> str:
    """A time as HH:MM, reading the unit as minutes (used only in reasons).

    Parameters
    ----------
    x : int

    Returns
    -------
    str
        ``"HH:MM"`` for 0 <= x < 6000, else the number as it is.

    Examples
    --------
    >>> fmt_time(75), fmt_time(-5)
    ('01:15', '-5')
    """
    x = int(x)
    return f"{x // 60:02d}:{x % 60:02d}" if 0 <= x < 100 * 60 else str(x)


def precheck(data: VrptwData, c: Checked) -> dict[int, str]:
    """Reasons for the visits no vehicle can serve, found by one-visit checks.

    A visit passes when some vehicle can carry its demand, and can leave its
    start depot at the earliest (shift start, depot window, depot service),
    drive straight to it, start service within its window, and drive straight
    back to its end depot by the end of the shift and the depot's window.  The
    partner of a pickup-delivery pair that fails fails with it.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.

    Returns
    -------
    dict of int to str
        Visit to reason, for example ``"window 08:00–08:15 cannot be reached
        from depot within the shift"``; empty when every visit passes.
    """
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
                f"window {fmt_time(c.tw_open[v])}\u2013{fmt_time(c.tw_close[v])} "
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
