"""The one solve function, :func:`solve_vrptw`, the engine choice, and the shared result assembly.

Data flows one way: the arguments are checked and the data validated
(:mod:`~natplan.routing.vrptw.checks`), visits no vehicle could serve alone
are set aside with their reasons, the engine routes the others, and
:func:`assemble_result` times the engine's routes again
(:func:`~natplan.routing.vrptw.timing.route_schedule`) and totals them into a
:class:`~natplan.routing.vrptw.data.VrptwResult`.
"""

from __future__ import annotations

import time as _time

from natplan.routing.vrptw.checks import Checked, check_arguments, precheck, validate
from natplan.routing.vrptw.data import VrptwData, VrptwResult
from natplan.routing.vrptw.model import locations
from natplan.routing.vrptw.ortools import check_first_solution, solve_ortools
from natplan.routing.vrptw.pyvrp import solve_pyvrp
from natplan.routing.vrptw.timing import route_schedule

__all__ = ["ENGINES", "solve_vrptw", "resolve_engine", "assemble_result", "NO_ROOM"]

ENGINES = ("auto", "pyvrp", "ortools")
NO_ROOM = "no route found that takes it beside the other visits (windows, shifts, capacity, fleet size)"


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
    """Solve a VRPTW with PyVRP or with OR-Tools routing.

    Parameters
    ----------
    data : VrptwData
    time_limit : float
        Wall-clock budget in seconds (ignored when ``deterministic``).
    seed : int
        PyVRP's seed.  The OR-Tools search has no random choice: for a given
        step budget its result depends on the data alone.
    objective : {"distance", "vehicles_then_distance"}
        Total distance plus fixed costs, or fewest vehicles first.
    first_solution : str
        OR-Tools only: the name of an OR-Tools ``FirstSolutionStrategy``;
        ``"auto"`` is parallel cheapest insertion.
    log : bool
        Print the solver's search log.
    solution_limit : int or None
        The step budget.  OR-Tools: solutions accepted by the local search
        (default in deterministic mode ``400 * visits``, at least 2000).
        PyVRP: iterations of its iterated local search (default in
        deterministic mode ``20 * visits``, at least 1000).  With a time
        limit, whichever comes first.
    deterministic : bool
        Bound the search by steps, never by wall time, so the result depends
        only on ``data`` and ``seed``.
    engine : {"auto", "pyvrp", "ortools"}
        ``"pyvrp"``: PyVRP's iterated local search
        (:mod:`~natplan.routing.vrptw.pyvrp`); it does not model
        pickup-and-delivery pairs.  ``"ortools"``: OR-Tools routing, parallel
        cheapest insertion and guided local search
        (:mod:`~natplan.routing.vrptw.ortools`).  ``"auto"``: PyVRP when it
        is installed and there are no pickup-and-delivery pairs, else OR-Tools.

    Notes
    -----
    Both engines see the same model (:mod:`~natplan.routing.vrptw.model`):
    visits no vehicle could serve on its own are reported by the pre-check;
    the others are mandatory (``drop_penalty`` None) or optional at their
    penalty.  The vehicle limit is the fleet size;
    ``"vehicles_then_distance"`` puts a fixed cost above any route's length
    on every used vehicle.  Routes from either engine are timed again by
    :func:`~natplan.routing.vrptw.timing.route_schedule`.

    Returns
    -------
    VrptwResult

    Raises
    ------
    ValueError
        On an unknown engine, objective or first-solution strategy, a time
        limit that is not positive, pickup-delivery pairs given to PyVRP, or
        malformed data (shapes, windows closing before opening, vehicles
        without depot, ...), before any solving.

    Examples
    --------
    One van, two visits on a line; the first closes at 45, the second opens at 60, so the van waits there:

    >>> import numpy as np
    >>> from natplan.routing.vrptw import Vehicle, VrptwData
    >>> t = np.array([[0, 10, 20], [10, 0, 10], [20, 10, 0]])
    >>> data = VrptwData(time=t, distance=None, demand=np.zeros(3, int), service=np.zeros(3, int),
    ...                  tw_open=np.array([0, 0, 60]), tw_close=np.array([100, 45, 70]), vehicles=(Vehicle(0, 0),))
    >>> res = solve_vrptw(data, deterministic=True, engine="ortools")
    >>> res.routes[0].visits, res.distance, [s.start for s in res.routes[0].stops]
    ((1, 2), 40, [35, 45, 60, 80])
    """
    engine = resolve_engine(engine, data)
    if engine == "pyvrp":
        if data.pickup_delivery:
            raise ValueError("engine 'pyvrp' does not take pickup-delivery pairs; use 'ortools' or 'auto'")
    else:
        check_first_solution(first_solution)
    t0 = _time.perf_counter()
    check_arguments(objective, time_limit, deterministic)
    c = validate(data)
    reasons = precheck(data, c)
    served = [v for v in c.visits.tolist() if v not in reasons]
    if not served:
        return assemble_result(data, c, [[] for _ in data.vehicles], 0, reasons, t0, engine)
    loc = locations(data, c, served, objective)
    if engine == "pyvrp":
        routes = solve_pyvrp(data, c, served, loc, time_limit, seed, log, solution_limit, deterministic)
    else:
        routes = solve_ortools(data, c, served, loc, time_limit, first_solution, log, solution_limit,
                               deterministic)
    return assemble_result(data, c, routes, loc.mandatory_price, reasons, t0, engine)


def resolve_engine(engine: str = "auto", data: VrptwData | None = None) -> str:
    """The engine :func:`solve_vrptw` uses for ``engine`` and ``data``.

    Parameters
    ----------
    engine : {"auto", "pyvrp", "ortools"}
    data : VrptwData, optional
        With pickup-delivery pairs, ``"auto"`` is OR-Tools.

    Returns
    -------
    str
        ``"pyvrp"`` or ``"ortools"``.

    Raises
    ------
    ValueError
        On an engine not in :data:`ENGINES`.
    """
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


def assemble_result(data: VrptwData, c: Checked, routes: list[list[int]], mandatory_price: int,
                    reasons: dict[int, str], t0: float, engine: str) -> VrptwResult:
    """Time an engine's routes independently of it and total them up.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.
    routes : list of list of int
        Visits per vehicle of ``data``, in order; empty for an unused vehicle.
    mandatory_price : int
        Charged in the objective for each mandatory visit left unserved.
    reasons : dict of int to str
        The pre-check's reasons; the other visits left out are reported as
        dropped at their penalty, or as :data:`NO_ROOM` when mandatory.
    t0 : float
        ``time.perf_counter()`` at the start, for the runtime.
    engine : str
        The engine's name for the result.

    Returns
    -------
    VrptwResult

    Raises
    ------
    RuntimeError
        When a route breaks a window or shift (an engine's fault).
    """
    out_routes = []
    served = set()
    for k, r in enumerate(routes):
        if not r:
            continue
        rt = route_schedule(data, k, r, c)
        if rt is None:
            raise RuntimeError(f"internal error: route of vehicle {k} violates a window")
        out_routes.append(rt)
        served.update(r)
    unserved = dict(reasons)
    for v in c.visits.tolist():
        if v not in served and v not in unserved:
            unserved[v] = "dropped by solver at penalty" if c.penalty[v] >= 0 else NO_ROOM
    dist = sum(r.distance for r in out_routes)
    dur = sum(r.duration for r in out_routes)
    pen = 0
    for v in unserved:
        pen += int(mandatory_price if c.penalty[v] < 0 else c.penalty[v])
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
