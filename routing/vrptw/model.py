"""What both engines' models share: their locations and the prices beyond distance.

Locations: the vehicles' depots (sorted), then the visits that passed the
pre-check, in the order given; a model's location ``k`` is
``Locations.nodes[k]`` of the data.

Prices:

* ``"vehicles_then_distance"`` puts a fixed cost on every used vehicle
  that is above any route's length (the longest arc times the model's
  locations plus one), so fewer vehicles always win.
* A visit with no ``drop_penalty`` is mandatory in effect: leaving it out
  costs more than any single insertion (a detour is at most twice the
  longest arc: four times the longest arc), plus a vehicle's price and the
  largest fixed cost, but not so far above the route costs that it swamps
  the search (OR-Tools' guided local search scales its arc penalties with
  the objective).  The same price is charged in
  :attr:`~natplan.routing.vrptw.data.VrptwResult.objective`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natplan.routing.vrptw.checks import Checked
from natplan.routing.vrptw.data import VrptwData

__all__ = ["Locations", "locations"]

DROP_ARCS = 4  # a mandatory visit left out costs this many longest arcs, and more
CAP = 2**50  # prices stay well inside int64 sums


@dataclass(frozen=True)
class Locations:
    """The locations of an engine's model and the prices on them.

    Attributes
    ----------
    nodes : numpy.ndarray
        Data locations of the model's locations: depots first, then visits.
    depots : int
        How many of ``nodes`` are depots.
    dist : numpy.ndarray
        Arc distances between ``nodes``.
    vehicle_price : int
        Added to every used vehicle's fixed cost (0 for ``"distance"``).
    mandatory_price : int
        For each mandatory visit left unserved.
    """

    nodes: np.ndarray
    depots: int
    dist: np.ndarray
    vehicle_price: int
    mandatory_price: int


def locations(data: VrptwData, c: Checked, served: list[int], objective: str) -> Locations:
    """The model's locations for the visits ``served``, and the prices on them.

    Parameters
    ----------
    data : VrptwData
    c : Checked
        ``validate(data)``.
    served : list of int
        The visits to put in the model (those that passed the pre-check).
    objective : {"distance", "vehicles_then_distance"}

    Returns
    -------
    Locations
    """
    vehicles = data.vehicles
    depots = sorted({int(v.start) for v in vehicles} | {int(v.end) for v in vehicles})
    nodes = np.array(depots + list(served), dtype=np.int64)
    dist = c.dist[np.ix_(nodes, nodes)]
    max_arc = int(max(dist.max(initial=0), 1))
    vehicle = max_arc * (len(nodes) + 1) + 1 if objective == "vehicles_then_distance" else 0
    fixed = max(int(v.fixed_cost) for v in vehicles)
    return Locations(nodes, len(depots), dist, vehicle, int(min(DROP_ARCS * max_arc + vehicle + fixed + 1, CAP)))
