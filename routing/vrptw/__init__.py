"""One VRPTW function on plain data, :func:`solve_vrptw`, with two engines: PyVRP and OR-Tools routing.

natplan uses it for the courier loops (:func:`natplan.routing.couriers.zone_loops`):
per zone, the fewest vans whose loops from the transfer station through the
sampling units each fit in one collection interval, then the least driving
time.  The shuttles to the lab are timed in :mod:`natplan.routing.couriers`
without it, and the home-visit trips are built in :mod:`natplan.routing.home`
by nearest neighbour and 2-opt, also without it.

The style follows PyVRP, one concept a module:

* :mod:`~natplan.routing.vrptw.data`: the frozen dataclasses in and out
  (:class:`Vehicle`, :class:`VrptwData`, :class:`Stop`, :class:`Route`,
  :class:`VrptwResult`);
* :mod:`~natplan.routing.vrptw.checks`: argument validation, and the
  pre-check that names, with a reason, the visits no vehicle can serve;
* :mod:`~natplan.routing.vrptw.timing`: :func:`route_schedule`, the times of a route;
* :mod:`~natplan.routing.vrptw.model`: the locations and prices both engines share;
* :mod:`~natplan.routing.vrptw.pyvrp`, :mod:`~natplan.routing.vrptw.ortools`: the engines;
* :mod:`~natplan.routing.vrptw.repair`: cutting an infeasible solution back to feasible routes;
* :mod:`~natplan.routing.vrptw.solve`: :func:`solve_vrptw`, :func:`resolve_engine` and the result assembly.

PyVRP (iterated local search) is the default engine: on the Solomon
benchmark (``benchmarks/solomon.py``) and on unseen Solomon-style instances
(``benchmarks/vrptw_unseen.py``) it finds shorter routes than OR-Tools at
the same time limit.  OR-Tools stays for what PyVRP is not given here:
pickup-and-delivery pairs (``engine="auto"`` picks it for them), and as the
engine when PyVRP is not installed.

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
Both engines are deterministic for a fixed number of search steps (and, for
PyVRP, a seed); only a wall-clock limit makes them depend on the machine.
With ``deterministic=True`` the search is bounded by a step count (OR-Tools:
solutions accepted; PyVRP: iterations; ``solution_limit``, default scaled to
the instance size) instead of time, so the result depends only on the data
and the seed.  ``time_limit`` is then ignored (the run takes as long as those
steps take).
"""

from natplan.routing.vrptw.data import Route, Stop, Vehicle, VrptwData, VrptwResult
from natplan.routing.vrptw.solve import ENGINES, resolve_engine, solve_vrptw
from natplan.routing.vrptw.timing import route_schedule

__all__ = [
    "Vehicle",
    "VrptwData",
    "Stop",
    "Route",
    "VrptwResult",
    "solve_vrptw",
    "resolve_engine",
    "ENGINES",
    "route_schedule",
]
