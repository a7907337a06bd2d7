"""A city scenario: townships planned one by one, labs shared by all.

A city file is small: for each township (街道 / 镇) it gives the people and
the resources (units, groups, samplers, courier zones, vehicles) and names
its boundary in the city's GeoJSON; the labs carry a testing capacity.  A
township's full scenario (villages, grids, units, groups) is expanded from
that with :func:`township_scenario` — deterministically, so the same city
file always gives the same townships — or read from a town scenario file of
its own (``scenario:``), which is what a township with a real ledger uses.

The national guideline plans large cities by district; this module only
describes the city, it never solves anything.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from natplan.models.fields import Name, Real, Text, count
from natplan.models.problems import InputError, Problem
from natplan.models.scenario import (
    MAX_TOWN_PEOPLE,
    Id,
    Lab,
    Parameters,
    Point,
    Region,
    Scenario,
)

MAX_CITY_PEOPLE = 50_000_000
"""People one city file may hold (Chongqing, the largest, has 32 million)."""
MAX_SAMPLERS_PER_GROUP = 90
"""Samplers a generated group may get (a group has at most 100 members, 6 of them not samplers)."""
MAX_TOWN_VILLAGES = 10_000
"""Villages a generated township may be cut into (a town scenario holds at most 10,000)."""
MAX_GRIDS_PER_VILLAGE = 200
"""Average grids per generated village (people per village / people per grid); a village holds at most 1,000
grids, and the generator gives some villages twice the average."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class CityLab(_Model):
    """A lab (检测实验室) that tests the tubes of the townships sent to it."""

    id: Id
    name: Name
    location: Point
    tubes_per_hour: count(1, 100_000, "tubes an hour at one lab") = Field(
        description="Tubes (pooled samples) the lab tests per hour (at most 100,000).")
    handover_min: count(0, 240, "minutes to hand boxes over") = Field(
        10, description="Minutes to hand boxes over (at most 240).")
    synthetic: StrictBool = Field(False, description="True when position or capacity is assumed, not published.")


class Township(_Model):
    """A township or subdistrict: planned as one town with its own station and groups."""

    id: Id
    name: Name
    name_en: Name | None = None
    district: Name = Field(description="District or county-level city (区/市).")
    kind: Literal["subdistrict", "town"] = Field(description="街道 (urban) or 镇 (rural).")
    boundary: Name | None = Field(None, description="osm_id of the township's feature in the region boundary file.")
    people: count(1, MAX_TOWN_PEOPLE, "people in one township") = Field(
        description="People to be tested (at most 2,000,000, as a town scenario).")
    units: count(1, 5000, "sampling points in one township") = Field(
        description="Sampling points (guideline: one per 2,000-3,000 people; at most 5,000).")
    groups: count(1, 5000, "test groups in one township") = Field(description="Test groups (at most 5,000).")
    samplers: count(1, 100_000, "samplers in one township") = Field(
        description="Samplers (medical staff) shared out over the groups (at most 100,000, and 90 a group).")
    zones: count(1, 1000, "courier zones in one township") = Field(description="Courier zones (at most 1,000).")
    zone_vehicles: count(1, 100, "vehicles in one zone") = Field(
        2, description="Courier vehicles per zone (at most 100).")
    vehicles: count(1, 1000, "vehicles at one station") = Field(
        description="Vehicles of the township's transfer station (shuttles; at most 1,000).")
    max_walk_m: count(1, 50_000, "metres of walk to a unit") | None = Field(
        None, description="Farthest a person is sent to a unit here; default the city's parameters.max_walk_m "
                          "(at most 50,000)."
    )
    scenario: Name | None = Field(
        None, description="A town scenario file (relative to the city file) used instead of generating one."
    )


class CityGenerator(_Model):
    """How townships are expanded into villages and grids (the synthetic part)."""

    community_people: count(1, 100_000, "people in one community") = Field(
        6000, description="People per urban community (社区; at most 100,000).")
    village_people: count(1, 100_000, "people in one village") = Field(
        700, description="People per rural village (自然村; at most 100,000).")
    grid_people_urban: count(1, 100_000, "people in one grid") = Field(
        350, description="People per urban micro-grid (a building or two; at most 100,000).")
    grid_people_rural: count(1, 100_000, "people in one grid") = Field(
        220, description="People per rural village group (at most 100,000).")
    special_rate_urban: Real = Field(0.004, ge=0, le=0.2, description="Share of people sampled at home, urban.")
    special_rate_rural: Real = Field(0.012, ge=0, le=0.2, description="Share of people sampled at home, rural.")
    people_per_desk: count(1, 100_000, "people per desk") = Field(
        450, description="Desks at a unit = catchment / this, within [2, 6] (at most 100,000).")


class City(_Model):
    """A whole city file."""

    name: Name
    description: Text | None = None
    region: Region
    parameters: Parameters = Parameters()
    generator: CityGenerator = CityGenerator()
    labs: list[CityLab] = Field(min_length=1, max_length=1000, description="Labs (1-1,000).")
    townships: list[Township] = Field(min_length=1, max_length=5000, description="Townships (1-5,000).")

    @property
    def people(self) -> int:
        return sum(t.people for t in self.townships)


def is_city_document(data: Any) -> bool:
    """A parsed file is a city file when it lists townships."""
    return isinstance(data, dict) and "townships" in data


@dataclass(frozen=True)
class LoadedCity:
    city: City
    path: Path
    digest: str
    geometry: BaseGeometry | None  # the whole city
    township_geometry: dict[str, BaseGeometry]  # by township id


def tubes_of(people: int, pooling: int) -> int:
    return math.ceil(people / pooling)


def lab_window_h(city: City) -> float:
    """Hours in which a lab receives and tests the round's tubes: start to the deadline of the round's last day
    (``parameters.round_days``) plus the age limit."""
    p = city.parameters
    return (p.last_deadline + p.sample_age_limit_min - p.start) / 60


def _check_city(city: City, features: dict[str, BaseGeometry]) -> list[Problem]:
    problems = []
    for family, items in (("township", city.townships), ("lab", city.labs)):
        seen: dict[str, int] = {}
        key = "townships" if family == "township" else "labs"
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(Problem(f"duplicate {family} id {item.id!r} (first used at {key}[{seen[item.id]}])",
                                        (key, i, "id")))
            seen.setdefault(item.id, i)
    if city.people > MAX_CITY_PEOPLE:
        problems.append(Problem(f"at most {MAX_CITY_PEOPLE:,} people in a city file (got {city.people:,})",
                                ("townships",)))
    gen = city.generator
    for key, village, grid in (("community_people", gen.community_people, gen.grid_people_urban),
                               ("village_people", gen.village_people, gen.grid_people_rural)):
        if village > MAX_GRIDS_PER_VILLAGE * grid:
            problems.append(Problem(f"{village:,} people a village at {grid:,} a grid make more than "
                                    f"{MAX_GRIDS_PER_VILLAGE} grids a village", ("generator", key)))
    for i, t in enumerate(city.townships):
        problems += _check_township(city, t, ("townships", i), features)
    need = sum(tubes_of(t.people, city.parameters.pooling_ratio) for t in city.townships)
    can = sum(lab.tubes_per_hour for lab in city.labs) * lab_window_h(city)
    if can < need:
        problems.append(Problem(
            f"the labs test {can:,.0f} tubes between the start and the deadline plus the sample age limit, "
            f"the city needs {need:,} tubes", ("labs",)))
    return problems


def _check_township(city: City, t: Township, loc: tuple, features: dict[str, BaseGeometry]) -> list[Problem]:
    """A township's own rules: a boundary to generate it in, and resources its town scenario can hold."""
    problems = []
    if t.scenario is None and t.boundary is not None and t.boundary not in features:
        problems.append(Problem(f"no feature with osm_id {t.boundary!r} in the region boundary file",
                                (*loc, "boundary")))
    elif t.scenario is None and t.boundary is not None and not _has_area(features[t.boundary]):
        problems.append(Problem(f"the feature with osm_id {t.boundary!r} has no area to generate the township in",
                                (*loc, "boundary")))
    if t.scenario is None and t.boundary is None:
        problems.append(Problem("a generated township needs a boundary (osm_id) or a scenario file",
                                (*loc, "boundary")))
    if t.samplers < t.groups:
        problems.append(Problem(f"{t.samplers} samplers cannot make {t.groups} groups (at least one each)",
                                (*loc, "samplers")))
    elif t.samplers > MAX_SAMPLERS_PER_GROUP * t.groups:
        problems.append(Problem(f"at most {MAX_SAMPLERS_PER_GROUP} samplers a group: {t.samplers:,} samplers need "
                                f"at least {math.ceil(t.samplers / MAX_SAMPLERS_PER_GROUP):,} groups",
                                (*loc, "samplers")))
    if t.units > t.people:
        problems.append(Problem(f"{t.units} units for {t.people} people", (*loc, "units")))
    per_village = city.generator.community_people if t.kind == "subdistrict" else city.generator.village_people
    if t.scenario is None and round(t.people / per_village) > MAX_TOWN_VILLAGES:
        problems.append(Problem(f"{t.people:,} people at {per_village:,} a village make more than "
                                f"{MAX_TOWN_VILLAGES:,} villages; raise the generator's people a village",
                                (*loc, "people")))
    return problems


def _has_area(geometry: BaseGeometry) -> bool:
    bounds = geometry.bounds
    return not geometry.is_empty and all(math.isfinite(b) for b in bounds) and geometry.area > 0


def _boundary_features(gj: Any, display: str, line: int | None) -> tuple[dict[str, BaseGeometry], Any]:
    """The features of a city's boundary file by osm_id, and the whole city's (admin_level 5, or the only one)."""
    features: dict[str, BaseGeometry] = {}
    whole = None
    try:
        for f in gj["features"]:
            props = f.get("properties") or {}
            geom = shape(f["geometry"])
            if props.get("osm_id") is not None:
                features[str(props["osm_id"])] = geom
            if props.get("admin_level") == "5" or (whole is None and len(gj["features"]) == 1):
                whole = geom
    except Exception as e:  # noqa: BLE001 — shapely raises many kinds for bad GeoJSON
        raise InputError.single(display, f"region.boundary is not a GeoJSON FeatureCollection "
                                         f"({type(e).__name__}: {e})", loc=("region", "boundary"), line=line) from None
    return features, whole


def load_city(path: str | Path, display: str | None = None) -> LoadedCity:
    """Read, validate and check a city file (the township scenarios are not expanded here).

    Parameters
    ----------
    path
        The city file (YAML or JSON, UTF-8), read as a scenario file is
        (:mod:`natplan.models.document`: regular files only, at most
        :data:`~natplan.models.document.MAX_DOCUMENT_BYTES`, nesting capped,
        duplicate keys refused).
    display
        How to name the file in messages (default: the path as given).

    Returns
    -------
    LoadedCity

    Raises
    ------
    InputError
        With every problem found, each naming the line and field.
    """
    from natplan.models.document import (
        MAX_DOCUMENT_BYTES,
        decode_text,
        line_of,
        parse_document,
        read_bytes,
    )
    from natplan.models.loader import read_linked_json, validate_document

    path = Path(path)
    display = display or str(path)
    raw = read_bytes(path, display, MAX_DOCUMENT_BYTES)
    data, node = parse_document(decode_text(raw, display), display)
    city = validate_document(City, data, node, display, "name:, region:, labs:, townships:")
    features: dict[str, BaseGeometry] = {}
    whole = None
    if isinstance(city.region.boundary, str):
        loc = ("region", "boundary")
        gj = read_linked_json(city.region.boundary, path.parent, display, loc, node)
        features, whole = _boundary_features(gj, display, line_of(node, loc))
    problems = [replace(p, line=line_of(node, p.loc)) for p in _check_city(city, features)]
    if problems:
        raise InputError(display, problems)
    tgeo = {t.id: features[t.boundary] for t in city.townships if t.boundary in features}
    if whole is None and tgeo:
        from shapely.ops import unary_union

        whole = unary_union(list(tgeo.values()))
    digest = hashlib.sha256(raw).hexdigest()
    return LoadedCity(city, path, digest, whole, tgeo)


def township_seed(city: City, township: Township) -> int:
    """The generator seed of a township: stable, and different for each township."""
    return zlib.crc32(f"{city.parameters.seed}:{township.id}".encode()) & 0x7FFFFFFF


def township_scenario(city: City, township: Township, geometry: BaseGeometry, lab: CityLab) -> Scenario:
    """Expand a township of the city into a full town scenario, sent to ``lab``.

    Villages, grids, units, groups and the special-needs list are synthetic
    (seeded by :func:`township_seed`); the people and resources are the
    city file's.
    """
    from natplan.models.generate import TownSpec, VillageSpec, generate_town

    gen = city.generator
    urban = township.kind == "subdistrict"
    short = township.name.removesuffix("街道").removesuffix("镇") or township.name
    n_vill = max(1, round(township.people / (gen.community_people if urban else gen.village_people)))
    villages = tuple(
        VillageSpec(name=f"{short}{k + 1}{'社区' if urban else '村'}", synthetic_name=True) for k in range(n_vill)
    )
    seed = township_seed(city, township)
    update = {"seed": seed} | ({} if township.max_walk_m is None else {"max_walk_m": township.max_walk_m})
    p = city.parameters.model_copy(update=update)
    spec = TownSpec(
        name=f"{township.district}{township.name}",
        name_en=township.name_en,
        geometry=geometry,
        boundary_ref="inline",
        attribution=city.region.attribution,
        villages=villages,
        total_people=township.people,
        units=township.units,
        groups=township.groups,
        zones=township.zones,
        vehicles=township.vehicles,
        samplers_total=township.samplers,
        units_by_village=urban,
        station_name=f"{short}中转站",
        lab=Lab(id=lab.id, name=lab.name, location=lab.location, handover_min=lab.handover_min),
        grid_people=gen.grid_people_urban if urban else gen.grid_people_rural,
        special_rate=gen.special_rate_urban if urban else gen.special_rate_rural,
        people_per_desk=gen.people_per_desk,
        parameters=p,
        seed=seed,
        description=(f"{township.district}{township.name}, generated from the city file {city.name} "
                     f"(township {township.id}): people and resources from the city file; villages, grids, "
                     "positions, units, groups and the special-needs list are synthetic."),
    )
    s = generate_town(spec)
    zones = [z.model_copy(update={"vehicles": township.zone_vehicles}) for z in s.zones]
    region = s.region.model_copy(update={"boundary": json.loads(json.dumps(mapping(_rounded(geometry))))})
    return s.model_copy(update={"zones": zones, "region": region})


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry with coordinates to 6 decimals (about 0.1 m), so written files stay small and stable."""
    from shapely import set_precision

    return set_precision(geometry, 1e-6)


def township_origin(geometry: BaseGeometry) -> Point:
    """Where a generated township's station is, roughly, for lab distances: a point inside it."""
    rp = geometry.representative_point()
    return Point(lon=round(rp.x, 6), lat=round(rp.y, 6))


def split_people(total: int, weights) -> list[int]:
    from natplan.models.generate import split_integer

    return split_integer(total, np.asarray(weights, dtype=float)).tolist()
