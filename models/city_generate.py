"""Make a city file from OpenStreetMap township boundaries (Qingdao by default).

Real: the boundaries of the city, its 10 districts and 135 townships and
subdistricts (© OpenStreetMap contributors, ODbL), the city's population at
the 2020 census (10,071,722) and the district populations OSM carries
(黄岛区 1,903,595, 市北区 1,096,879, 市南区 486,643).  The resources default
to those of the October 2020 round (4,090 sampling points, about 10,000
medical staff; ``../shared/DOMAIN.md``).

Synthetic, by a stated rule:

* **People per township.**  Within a district with a known population, and
  for the rest of the city among the other districts, people are shared in
  proportion to a weight: a subdistrict (街道, urban) weighs
  ``URBAN_DENSITY × min(area, URBAN_CORE_KM2) + area``, a town (镇, rural)
  ``area`` (km²).  That is, a subdistrict holds up to 15 km² of city at 20
  times the rural density, and any more of its area is rural.
* **Resources.**  Sampling points, samplers (medical staff) and groups are
  shared out in proportion to people (one group per point); courier zones of
  about 8 points; a township station with a vehicle per 8 points (at
  least 3).  In towns (镇) people may be sent up to 5 km (``RURAL_MAX_WALK_M``:
  village groups ride to their point), in subdistricts the city's 3 km.
* **Labs.**  One per district, at a point inside it, testing
  ``lab_tubes_per_hour`` tubes per hour in all, shared in proportion to the
  district's people.  Positions and capacities are assumptions.

The same arguments always give the same file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from shapely.geometry import shape

from natplan.models.city import City, CityGenerator, CityLab, Township
from natplan.models.generate import M_PER_DEG_LAT, split_integer
from natplan.models.scenario import Parameters, Point, Region

QINGDAO_PEOPLE = 10_071_722  # 2020 census
URBAN_DENSITY = 20.0
URBAN_CORE_KM2 = 15.0
RURAL_MAX_WALK_M = 5000  # village groups ride to their point (e-bike, tractor, village bus)
OSM = "Boundaries © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
BOUNDARY_FILE = "data/qingdao_admin_boundaries.geojson"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _area_km2(geom) -> float:
    lat = geom.centroid.y
    return geom.area * M_PER_DEG_LAT**2 * math.cos(math.radians(lat)) / 1e6


def township_weight(kind: str, area_km2: float) -> float:
    """The density rule: the share of its district's people a township gets is proportional to this."""
    if kind == "subdistrict":
        return URBAN_DENSITY * min(area_km2, URBAN_CORE_KM2) + area_km2
    return area_km2


def generate_city(
    boundary_path: Path | None = None,
    *,
    people: int = QINGDAO_PEOPLE,
    points: int = 4090,
    samplers: int = 10_000,
    target_people: int | None = None,
    lab_tubes_per_hour: int = 60_000,
    parameters: Parameters | None = None,
    seed: int = 2020,
    name: str = "青岛市全员核酸检测",
) -> City:
    """A city file for Qingdao (or a part of it, for benchmarks and tests).

    Parameters
    ----------
    boundary_path
        The OSM GeoJSON (default ``scenarios/data/qingdao_admin_boundaries.geojson``).
    people, points, samplers
        The whole city's people and resources, shared out by the rules above.
    target_people
        If given, keep whole townships in a fixed order (district by
        district, by id) until this many people are covered, then scale
        people and resources so the city has exactly ``target_people``.
    lab_tubes_per_hour
        The labs' capacity in all (an assumption), scaled with ``target_people``.
    """
    boundary_path = boundary_path or SCENARIOS / BOUNDARY_FILE
    gj = json.loads(boundary_path.read_text(encoding="utf-8"))
    feats = gj["features"]
    districts = [(f["properties"], shape(f["geometry"])) for f in feats if f["properties"].get("admin_level") == "6"]
    towns = []
    for f in feats:
        props = f["properties"]
        if props.get("admin_level") != "8":
            continue
        geom = shape(f["geometry"])
        rp = geom.representative_point()
        district = next(d for d, g in districts if g.contains(rp))
        kind = "subdistrict" if props["name"].endswith("街道") else "town"
        towns.append(dict(props=props, geom=geom, district=district["name"], kind=kind,
                          weight=township_weight(kind, _area_km2(geom))))
    # people: known district totals kept, the rest of the city shared over the other districts
    known = {d["name"]: int(d["population"]) for d, _ in districts if d.get("population")}
    rest = people - sum(known.values())
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(towns):
        groups.setdefault(t["district"] if t["district"] in known else "", []).append(i)
    pop = np.zeros(len(towns), dtype=int)
    for key, idx in groups.items():
        total = known.get(key, rest)
        pop[idx] = split_integer(total, np.array([towns[i]["weight"] for i in idx]))
    order = sorted(range(len(towns)), key=lambda i: (towns[i]["props"].get("division_code") or "",
                                                    towns[i]["props"]["osm_id"]))
    scale = 1.0
    if target_people is not None:
        keep, covered = [], 0
        for i in order:
            if covered >= target_people:
                break
            keep.append(i)
            covered += int(pop[i])
        scale = target_people / people  # resources and labs: the same per person as the whole city
        order = keep
        pop_kept = split_integer(target_people, pop[order].astype(float))
    else:
        pop_kept = pop[order]
    units = np.maximum(1, split_integer(round(points * scale), pop_kept.astype(float)))
    staff = np.maximum(2 * units, split_integer(round(samplers * scale), pop_kept.astype(float)))  # a break needs a spare
    townships = []
    for k, i in enumerate(order):
        t = towns[i]
        props = t["props"]
        u = int(units[k])
        townships.append(Township(
            id=props.get("division_code") or f"osm{props['osm_id']}", name=props["name"],
            name_en=props.get("name:en"), district=t["district"], kind=t["kind"], boundary=str(props["osm_id"]),
            people=int(pop_kept[k]), units=u, groups=u, samplers=int(staff[k]),
            zones=max(1, round(u / 8)), vehicles=max(3, math.ceil(u / 8)),
            max_walk_m=None if t["kind"] == "subdistrict" else RURAL_MAX_WALK_M,
        ))
    # labs: one per district that has townships, capacity in proportion to its people
    by_district: dict[str, int] = {}
    for tw in townships:
        by_district[tw.district] = by_district.get(tw.district, 0) + tw.people
    dnames = [d["name"] for d, _ in districts if d["name"] in by_district]
    caps = split_integer(max(len(dnames), round(lab_tubes_per_hour * scale)),
                         np.array([by_district[n] for n in dnames], dtype=float))
    labs = []
    for j, n in enumerate(dnames):
        g = next(g for d, g in districts if d["name"] == n)
        rp = g.representative_point()
        labs.append(CityLab(id=f"L{j + 1:02d}", name=f"{n}检测实验室", synthetic=True,
                            location=Point(lon=round(rp.x, 6), lat=round(rp.y, 6)),
                            tubes_per_hour=max(1, int(caps[j]))))
    p = parameters or Parameters(date="2020-10-12", start=6 * 60, deadline=30 * 60, seed=seed)
    part = "" if target_people is None else f" (a {target_people:,}-person part, scaled)"
    return City(
        name=name + part,
        description=(
            f"Qingdao{part}. Real: the OSM boundaries of the city, districts and {len(towns)} townships; "
            f"{people:,} people (2020 census); the district totals OSM carries; {points:,} sampling points and "
            f"{samplers:,} medical staff (October 2020 round). Synthetic, by the rules in models/city_generate.py: "
            "people per township (area with an urban density rule), resources in proportion to people, the labs' "
            "positions and capacities; inside each township, villages, grids, units and groups are generated "
            "when it is planned (seeded)."
        ),
        region=Region(name="青岛市", name_en="Qingdao", boundary=BOUNDARY_FILE, attribution=OSM),
        parameters=p,
        generator=CityGenerator(),
        labs=labs,
        townships=townships,
    )


def city_to_yaml(city: City, folder: Path | None = None) -> str:
    """YAML text of a city file to be written in ``folder`` (the boundary path is made relative to it)."""
    import os

    from natplan.models.generate import scenario_to_yaml

    if folder is not None and isinstance(city.region.boundary, str) and city.region.boundary == BOUNDARY_FILE:
        rel = os.path.relpath(SCENARIOS / BOUNDARY_FILE, Path(folder).resolve())
        city = city.model_copy(update={"region": city.region.model_copy(update={"boundary": rel})})
    return scenario_to_yaml(city, city.description or "")  # the same dumper: fields in model order
