"""The problem and the result of :func:`~natplan.routing.vrptw.solve.solve_vrptw`, as frozen dataclasses.

A :class:`VrptwData` holds plain integer arrays and a fleet of
:class:`Vehicle`; a :class:`VrptwResult` holds a :class:`Route` per used
vehicle, each a tuple of :class:`Stop`.  The conventions (units, what a
window constrains, where depot service is spent) are in the package's
docstring, :mod:`natplan.routing.vrptw`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Vehicle", "VrptwData", "Stop", "Route", "VrptwResult"]


@dataclass(frozen=True)
class Vehicle:
    """One vehicle (a courier van, say).

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
    """One stop of a route (depots included).

    Attributes
    ----------
    location : int
    arrival : int
        Arrival time (at the start depot: the start).
    start : int
        Start of service; at the start depot, when the vehicle starts there.
    departure : int
        Start plus the location's service time (at the end depot: the arrival).
    load : int
        Load on board after service.
    """

    location: int
    arrival: int
    start: int
    departure: int
    load: int


@dataclass(frozen=True)
class Route:
    """The route of one used vehicle, from its start depot to its end depot.

    Attributes
    ----------
    vehicle : int
        Index into ``VrptwData.vehicles``.
    stops : tuple of Stop
        Start depot, visits in order, end depot.
    distance : int
        Sum of the arc distances.
    duration : int
        Arrival at the end depot less the start of service at the start depot.
    """

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
    """Outcome of :func:`~natplan.routing.vrptw.solve.solve_vrptw`.

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
        The engine that found the routes: ``"pyvrp"``, ``"ortools"``, or
        ``"ortools-plain"`` (the benchmarks' plain OR-Tools reference).
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
