"""Small towns for the courier fleet's tests, with distances that can be worked out by hand.

Places are given in kilometres east and north of the transfer station (at 120°E, 36°N); a van drives
40 km/h on roads 1.3 times the straight line, so 1 km takes 1.95 min.  Each unit is open 08:00-10:00 (unless
given) with 120 people swabbed evenly, 10 to a tube.  The lab is 20 min from the station (handover 10 min).
"""

from __future__ import annotations

import numpy as np

from natplan.models.scenario import Scenario
from natplan.routing.couriers import UnitService

KM_LON = 1 / (111.32 * np.cos(np.radians(36.0)))  # degrees of longitude per km at 36°N
KM_LAT = 1 / 110.574


def place(east_km: float, north_km: float) -> dict:
    return {"lon": 120.0 + east_km * KM_LON, "lat": 36.0 + north_km * KM_LAT}


def fleet_town(units: dict[str, tuple[float, float]], zones: list[dict], station_vehicles: int = 6,
               fleet: dict | None = None, lab_tph: int | None = None) -> Scenario:
    """A town with these units (id → km east, km north) and zones (``id``, ``units``, optional ``vehicles``,
    ``interval_min``, ``vans``)."""
    lab = {"name": "实验室", "travel_min": 20}
    if lab_tph is not None:
        lab["tubes_per_hour"] = lab_tph
    return Scenario.model_validate({
        "name": "车镇", "region": {"name": "车镇"},
        "villages": [{"id": "V1", "name": "村", "location": place(0, 0),
                      "grids": [{"id": "G1", "name": "组", "location": place(0, 0), "households": 1, "people": 1}]}],
        "units": [{"id": u, "name": f"点{u}", "location": place(*xy), "desks": 1} for u, xy in units.items()],
        "groups": [{"id": "T1", "name": "组", "members": [{"name": "甲", "role": "lead"}, {"name": "乙", "role": "sampler"}]}],
        "zones": [{"name": f"片{z['id']}", **z} for z in zones],
        "station": {"name": "站", "location": place(0, 0),
                    "vehicles": [{"id": f"V{i}", "name": f"车{i}"} for i in range(1, station_vehicles + 1)]},
        "lab": lab,
        "fleet": fleet or {},
    })


def service(s: Scenario, open_: int = 480, close: int = 600, people: int = 120,
            windows: dict[str, tuple[int, int]] | None = None) -> dict[str, UnitService]:
    """Every unit open ``open_``–``close`` (or its own window), swabbing ``people`` evenly."""
    out = {}
    for u in s.units:
        a, b = (windows or {}).get(u.id, (open_, close))
        out[u.id] = UnitService(u.id, a, float(b), a, np.linspace(0, people, b - a + 1))
    return out


def plan_data(s: Scenario, svc: dict[str, UnitService], routing) -> dict:
    """The parts of plan.json the fleet and sample rules read, for a routing planned on its own."""
    return {
        "units": [{"unit": u, "people": int(round(float(x.sampled[-1]))), "open": x.open, "finish": x.finish}
                  for u, x in svc.items()],
        "staffing": {"home_teams": [], "visits": [], "shifts": []},
        "slots": [],
        "routing": routing.model_dump(mode="json"),
    }
