"""A round of several days: each day's couriers planned on their own, and joined into one routing.

When the labour rules need more than one day, units close in the evening and
open again the next morning.  The courier and shuttle planner
(:func:`natplan.routing.couriers.plan_couriers`) times one stretch of
swabbing a unit, so each day is planned apart: every unit's swab curve is
cut at the day's end (:func:`day_services`), and the days' routings are
joined (:func:`join_routings`): a vehicle's loops and drives, the shuttles'
trips and the relays follow one another; counts of vehicles are the busiest
day's; the worst sample age is the worst day's.  Home-visit boxes go with
the first day.
"""

from __future__ import annotations

import numpy as np

from natplan.models.plan import Routing, Visit
from natplan.routing.couriers import UnitService
from natplan.scheduler.labour import LabourRules


def day_services(r: LabourRules, service: dict[str, UnitService], visits: list[Visit]) -> list[dict[str, UnitService]]:
    """Each day's :class:`UnitService` of every unit open that day (the swabs of that day only)."""
    days: dict[int, dict[str, UnitService]] = {}
    for uid, sv in service.items():
        opens: dict[int, int] = {}
        for v in visits:
            if v.unit == uid:
                d = r.day_of(v.arrive)
                opens[d] = min(opens.get(d, v.open), v.open)
        for d, open_ in sorted(opens.items()):
            a = min(len(sv.sampled), max(0, r.day_start(d) - sv.t0))
            b = min(len(sv.sampled), max(a, r.day_start(d + 1) - sv.t0))
            base = float(sv.sampled[a - 1]) if a > 0 else 0.0
            curve = np.maximum(0.0, sv.sampled[a:b] - base)
            if len(curve) == 0 or curve[-1] <= 1e-9:
                continue
            last = int(np.searchsorted(curve, curve[-1] - 1e-9))
            days.setdefault(d, {})[uid] = UnitService(uid, open_, float(sv.t0 + a + last), sv.t0 + a, curve)
    return [days[d] for d in sorted(days)]


def join_routings(routings: list[Routing]) -> Routing:
    """One routing from the days' routings, in day order (see the module docstring)."""
    first = routings[0]
    zones = {}
    for z in first.zones:
        zones[z.zone] = z
    for r in routings[1:]:
        for z in r.zones:
            if z.zone not in zones:
                zones[z.zone] = z
                continue
            a = zones[z.zone]
            routes = {(x.vehicle, x.zone): x for x in a.routes}
            for x in z.routes:
                key = (x.vehicle, x.zone)
                if key in routes:
                    y = routes[key]
                    routes[key] = y.model_copy(update={"loops": y.loops + x.loops, "drives": y.drives + x.drives,
                                                       "order": list(dict.fromkeys(y.order + x.order))})
                else:
                    routes[key] = x
            zones[z.zone] = a.model_copy(update={
                "routes": list(routes.values()),
                "vehicles_needed": max(a.vehicles_needed, z.vehicles_needed),
                "vehicles_lower_bound": max(a.vehicles_lower_bound, z.vehicles_lower_bound),
                "units": list(dict.fromkeys(a.units + z.units)),
                "note": "; ".join(dict.fromkeys(n for n in (a.note, z.note) if n))})
    sh = first.shuttles
    for r in routings[1:]:
        o = r.shuttles
        sh = sh.model_copy(update={
            "trips": sh.trips + o.trips, "vehicles_used": max(sh.vehicles_used, o.vehicles_used),
            "fewest_vehicles": max(sh.fewest_vehicles, o.fewest_vehicles),
            "worst_age_min": max(sh.worst_age_min, o.worst_age_min),
            "vehicles": list(dict.fromkeys(sh.vehicles + o.vehicles)),
            "lab_wait_min": max(sh.lab_wait_min, o.lab_wait_min)})
    objective, bound = sum(r.stats.objective for r in routings), sum(r.stats.bound for r in routings)
    stats = first.stats.model_copy(update={
        "objective": objective, "bound": bound, "gap": max(0.0, (objective - bound) / max(objective, 1e-9)),
        "optimal": all(r.stats.optimal for r in routings)})
    return first.model_copy(update={"zones": [zones[k] for k in dict.fromkeys(z.zone for r in routings for z in r.zones)],
                                    "shuttles": sh, "stats": stats,
                                    "relays": [x for r in routings for x in r.relays]})
