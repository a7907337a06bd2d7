"""Verify: where people are sent to be swabbed — within the walking limit, to a unit they may go to.

Distances are measured again, by the rule the planner uses
(:mod:`natplan.routing.network`): the great-circle distance from the grid
to the unit on the WGS84 sphere, times the scenario's detour factor.  A
grid pinned to a unit goes there however far it is; any other grid walks
at most ``parameters.max_walk_m``.
"""

from __future__ import annotations

import numpy as np

from natplan.models.scenario import Scenario
from natplan.routing.network import haversine_m

DISTANCE_TOLERANCE_M = 1.0
"""The plan rounds distances to 0.1 m; a difference beyond this is not rounding."""


def walk_metres(s: Scenario, parts: list[dict]) -> list[float | None]:
    """The walk of each grid part to its unit, by the planner's rule; None where the grid or unit is unknown.

    Parameters
    ----------
    s
        The scenario (places and the detour factor).
    parts
        ``assignment.parts`` of a plan.

    Returns
    -------
    list[float | None]
        Metres, part by part.
    """
    grids = {g.id: g.location for g in s.grids()}
    units = {u.id: u.location for u in s.units}
    known = [k for k, x in enumerate(parts) if x["grid"] in grids and x["unit"] in units]
    out: list[float | None] = [None] * len(parts)
    if known:
        a = [grids[parts[k]["grid"]] for k in known]
        b = [units[parts[k]["unit"]] for k in known]
        d = haversine_m([p.lon for p in a], [p.lat for p in a], [p.lon for p in b], [p.lat for p in b])
        for k, m in zip(known, np.atleast_1d(d) * s.parameters.detour_factor):
            out[k] = float(m)
    return out


def walks_within_limit(s: Scenario, plan: dict) -> list[str]:
    """Nobody is sent farther than ``max_walk_m``, unless their grid is pinned to that unit."""
    limit = s.parameters.max_walk_m
    pinned = {g.id: g.pinned_unit for g in s.grids()}
    parts = plan["assignment"]["parts"]
    out = []
    for x, d in zip(parts, walk_metres(s, parts)):
        if d is not None and d > limit + DISTANCE_TOLERANCE_M and pinned.get(x["grid"]) != x["unit"]:
            out.append(f"grid {x['grid']} part {x['part']} walks {d / 1000:.1f} km to {x['unit']}, "
                       f"over the {limit:,} m limit")
    return out


def walk_distances_true(s: Scenario, plan: dict) -> list[str]:
    """Every walk the plan states is the distance measured again."""
    parts = plan["assignment"]["parts"]
    return [f"grid {x['grid']} part {x['part']}: the plan says {x['distance_m']:,.0f} m to {x['unit']}, "
            f"it is {d:,.0f} m"
            for x, d in zip(parts, walk_metres(s, parts))
            if d is not None and abs(x["distance_m"] - d) > DISTANCE_TOLERANCE_M]


def grids_where_allowed(s: Scenario, plan: dict) -> list[str]:
    """A grid pinned to a unit goes there; a unit that takes only some grids takes no other."""
    pinned = {g.id: g.pinned_unit for g in s.grids()}
    allowed = {u.id: set(u.allowed_grids) for u in s.units if u.allowed_grids is not None}
    out = []
    for x in plan["assignment"]["parts"]:
        pin = pinned.get(x["grid"])
        if pin is not None and x["unit"] != pin:
            out.append(f"grid {x['grid']} is pinned to {pin} but part {x['part']} is sent to {x['unit']}")
        if x["unit"] in allowed and x["grid"] not in allowed[x["unit"]]:
            out.append(f"grid {x['grid']} part {x['part']} is sent to {x['unit']}, which takes only its listed grids")
    return out
