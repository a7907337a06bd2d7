"""Make a synthetic but plausible town scenario from a boundary and village populations.

Real inputs (the boundary, the village names, the population, the counts of
units, groups, zones and vehicles) are kept as given; what is not published
— where each village lies inside the boundary, how its people split into
micro-grids, who is on the special-needs list — is drawn from a seeded
random generator, so the same inputs and seed always give the same file.
Every generated village carries ``synthetic: true`` when its position was
drawn, and the file's description says what is synthetic.

This module builds data only; it never solves anything.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from shapely.prepared import prep

from natplan.models.scenario import (
    Crew,
    Grid,
    Group,
    Lab,
    Member,
    Parameters,
    Point,
    Region,
    Role,
    ROLE_ZH,
    Scenario,
    SpecialCategory,
    SpecialPerson,
    Station,
    Unit,
    Vehicle,
    Village,
    Zone,
)

EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True)
class VillageSpec:
    """A village as the generator is told about it."""

    name: str
    people: int | None = None  # None: share the rest of the town's total by a random weight
    households: int | None = None
    community: str | None = None
    synthetic_name: bool = False
    seat: bool = False  # part of the town seat: placed near it and given more weight


@dataclass(frozen=True)
class TownSpec:
    """Everything the generator needs to make one town."""

    name: str
    geometry: BaseGeometry
    boundary_ref: str  # how the scenario file refers to the boundary (path relative to it)
    villages: tuple[VillageSpec, ...]
    total_people: int
    units: int
    groups: int
    zones: int
    vehicles: int
    station_name: str
    lab: Lab
    name_en: str | None = None
    attribution: str | None = None
    description: str = ""
    grid_people: int = 250  # target people per micro-grid / village group
    people_per_household: float = 2.7
    special_rate: float = 0.015  # share of people on the special-needs list
    samplers_per_group: int = 5
    samplers_total: int | None = None  # if given, split over the groups instead of samplers_per_group each
    units_by_village: bool = False  # dense places: units shared out to villages by people, not by k-means
    people_per_desk: int = 450  # desks at a unit = its catchment / this, within [2, 6]
    parameters: Parameters = field(default_factory=Parameters)
    seed: int = 0


def _local_xy(lon, lat, lon0, lat0):
    """Metres east and north of (lon0, lat0) (equirectangular; fine within a town)."""
    x = (np.asarray(lon) - lon0) * M_PER_DEG_LAT * math.cos(math.radians(lat0))
    y = (np.asarray(lat) - lat0) * M_PER_DEG_LAT
    return x, y


def _offset(point: tuple[float, float], dx_m: float, dy_m: float) -> tuple[float, float]:
    lon, lat = point
    return (
        lon + dx_m / (M_PER_DEG_LAT * math.cos(math.radians(lat))),
        lat + dy_m / M_PER_DEG_LAT,
    )


def split_integer(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into non-negative ints proportional to ``weights`` (largest remainder).

    >>> split_integer(10, np.array([1.0, 1.0, 2.0])).tolist()
    [3, 2, 5]
    """
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _sample_inside(rng, area, bounds, n, min_sep_m, lat0, near=None, radius_m=None):
    """``n`` points inside ``area``, at least ``min_sep_m`` apart where possible."""
    minx, miny, maxx, maxy = bounds
    pts: list[tuple[float, float]] = []
    sep = min_sep_m
    tries = 0
    while len(pts) < n:
        tries += 1
        if tries % 2000 == 0:
            sep *= 0.85  # crowded: relax the spacing rather than loop forever
        if near is not None:
            ang, r = rng.uniform(0, 2 * math.pi), radius_m * math.sqrt(rng.uniform())
            cand = _offset(near, r * math.cos(ang), r * math.sin(ang))
        else:
            cand = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not area.contains(ShapelyPoint(*cand)):
            continue
        if pts:
            x, y = _local_xy([p[0] for p in pts], [p[1] for p in pts], cand[0], lat0)
            if np.min(np.hypot(x, y)) < sep:
                continue
        pts.append(cand)
    return pts


def _kmeans(xy: np.ndarray, weight: np.ndarray, k: int, iters: int = 50) -> np.ndarray:
    """Weighted Lloyd iterations from a deterministic farthest-point start; returns labels."""
    centres = [xy[int(np.argmax(weight))]]
    for _ in range(1, k):
        d = np.min([np.hypot(*(xy - c).T) for c in centres], axis=0)
        centres.append(xy[int(np.argmax(d * np.sqrt(weight)))])
    c = np.array(centres, dtype=float)
    labels = np.zeros(len(xy), dtype=int)
    for _ in range(iters):
        d = np.hypot(xy[:, None, 0] - c[None, :, 0], xy[:, None, 1] - c[None, :, 1])
        labels = np.argmin(d, axis=1)
        for j in range(k):
            m = labels == j
            if m.any():
                c[j] = np.average(xy[m], axis=0, weights=weight[m] + 1e-9)
    return labels


def _sites_by_kmeans(grid_rows, pos, gxy, gw, k):
    """(village index, position, catchment people) of each unit: a k-means cluster's biggest village."""
    labels = _kmeans(gxy, gw, k)
    sites = []
    for j in range(k):
        members = [m for m in range(len(grid_rows)) if labels[m] == j]
        if not members:
            members = [int(np.argmax(gw))]
        by_village: dict[int, int] = {}
        for m in members:
            by_village[grid_rows[m][1]] = by_village.get(grid_rows[m][1], 0) + grid_rows[m][0].people
        vi = max(by_village, key=lambda x: (by_village[x], -x))
        sites.append((vi, pos[vi], sum(by_village.values())))
    return sites


def _sites_by_village(grid_rows, gxy, n_villages, k):
    """Units shared out to villages in proportion to people (D'Hondt, one each first if there are enough),
    each village's grids cut by bearing into as many sectors as it has units, a unit at each sector's
    people-weighted centre.  Villages left without a unit are served by their neighbours'."""
    by_village: dict[int, list[int]] = {}
    for m, (_, vi) in enumerate(grid_rows):
        by_village.setdefault(vi, []).append(m)
    people = np.array([sum(grid_rows[m][0].people for m in by_village.get(vi, [])) for vi in range(n_villages)])
    seats = np.zeros(n_villages, dtype=int)
    if k >= int((people > 0).sum()):  # every village its own unit first, when there are enough
        seats[people > 0] = 1
    for _ in range(k - int(seats.sum())):
        seats[int(np.argmax(people / (seats + 1)))] += 1
    sites = []
    for vi in range(n_villages):
        if not seats[vi]:
            continue
        ms = np.array(by_village[vi])
        centre = np.average(gxy[ms], axis=0, weights=_people_of(grid_rows, ms) + 1e-9)
        ang = np.arctan2(gxy[ms, 1] - centre[1], gxy[ms, 0] - centre[0])
        for part in np.array_split(ms[np.argsort(ang, kind="stable")], seats[vi]):
            if len(part) == 0:  # more units than grids: the extra units share the whole village
                part = ms
            w = _people_of(grid_rows, part)
            lon = float(np.average([grid_rows[m][0].location.lon for m in part], weights=w + 1e-9))
            lat = float(np.average([grid_rows[m][0].location.lat for m in part], weights=w + 1e-9))
            sites.append((vi, (lon, lat), int(w.sum())))
    return sites


def _people_of(grid_rows, idx) -> np.ndarray:
    return np.array([grid_rows[int(m)][0].people for m in idx], dtype=float)


def _round5(x: float) -> float:
    return round(float(x), 6)


def generate_town(spec: TownSpec) -> Scenario:
    """Build a :class:`Scenario` for a town from its :class:`TownSpec`.

    The same spec (seed included) always gives the same scenario.
    """
    rng = np.random.default_rng(spec.seed)
    inner = spec.geometry.buffer(-0.003)  # keep places ~300 m inside the boundary
    if inner.is_empty or inner.area < 0.3 * spec.geometry.area:  # a small urban subdistrict: ~50 m
        inner = spec.geometry.buffer(-0.0005)
        if inner.is_empty or inner.area < 0.3 * spec.geometry.area:
            inner = spec.geometry
    area = prep(inner)
    whole = prep(spec.geometry)
    bounds = spec.geometry.bounds
    lat0 = spec.geometry.centroid.y
    seat_pt = spec.geometry.representative_point()
    seat = (seat_pt.x, seat_pt.y)

    # Village positions: the seat's villages within 1.2 km of the seat, the rest spread out.
    vs = spec.villages
    seat_idx = [i for i, v in enumerate(vs) if v.seat]
    other_idx = [i for i, v in enumerate(vs) if not v.seat]
    pos: dict[int, tuple[float, float]] = {}
    for i, p in zip(seat_idx, _sample_inside(rng, area, bounds, len(seat_idx), 350, lat0, near=seat, radius_m=1200)):
        pos[i] = p
    spread = max(400.0, math.sqrt(spec.geometry.area * (M_PER_DEG_LAT**2) * 0.8 / max(1, len(vs))) * 0.7)
    placed = list(pos.values())
    for i in other_idx:
        while True:
            (p,) = _sample_inside(rng, area, bounds, 1, 0, lat0)
            if placed:
                x, y = _local_xy([q[0] for q in placed], [q[1] for q in placed], p[0], lat0)
                if np.min(np.hypot(x, y)) < spread:
                    spread *= 0.995
                    continue
            break
        pos[i] = p
        placed.append(p)

    # Populations: given ones kept, the rest share the remainder by random weights.
    given = sum(v.people for v in vs if v.people is not None)
    free = [i for i, v in enumerate(vs) if v.people is None]
    people = np.array([v.people or 0 for v in vs])
    if free:
        w = rng.lognormal(0.0, 0.45, len(free)) * np.array([2.5 if vs[i].seat else 1.0 for i in free])
        people[free] = split_integer(spec.total_people - given, w)

    villages: list[Village] = []
    grid_rows = []  # (grid, village index)
    g_no = 0
    for i, v in enumerate(vs):
        n_grids = max(1, round(people[i] / spec.grid_people))
        gp = split_integer(int(people[i]), rng.uniform(0.75, 1.25, n_grids))
        hh_total = v.households if v.households is not None else round(people[i] / spec.people_per_household)
        gh = split_integer(int(hh_total), gp + 1e-9)
        grids = []
        for k in range(n_grids):
            g_no += 1
            ang, r = rng.uniform(0, 2 * math.pi), rng.uniform(60, 350) if n_grids > 1 else 0.0
            lon, lat = _offset(pos[i], r * math.cos(ang), r * math.sin(ang))
            while r >= 1 and not whole.contains(ShapelyPoint(lon, lat)):  # a small subdistrict: closer in
                r /= 2
                lon, lat = _offset(pos[i], r * math.cos(ang), r * math.sin(ang)) if r >= 1 else pos[i]
            grid = Grid(
                id=f"G{g_no:03d}",
                name=f"{v.name}{k + 1}组" if n_grids > 1 else f"{v.name}",
                location=Point(lon=_round5(lon), lat=_round5(lat)),
                households=int(min(gh[k], gp[k])),
                people=int(gp[k]),
            )
            grids.append(grid)
            grid_rows.append((grid, i))
        villages.append(Village(
            id=f"V{i + 1:02d}", name=v.name, community=v.community,
            location=Point(lon=_round5(pos[i][0]), lat=_round5(pos[i][1])),
            grids=grids, synthetic=True,
        ))

    # Special needs: a binomial share of each grid, sampled at home near the grid.
    special: list[SpecialPerson] = []
    cats = [SpecialCategory.elderly, SpecialCategory.bedridden, SpecialCategory.disabled]
    for grid, _ in grid_rows:
        for _ in range(int(rng.binomial(grid.people, spec.special_rate))):
            ang, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 200)
            lon, lat = _offset((grid.location.lon, grid.location.lat), r * math.cos(ang), r * math.sin(ang))
            special.append(SpecialPerson(
                id=f"S{len(special) + 1:04d}", grid=grid.id,
                category=cats[int(rng.choice(3, p=[0.6, 0.25, 0.15]))],
                location=Point(lon=_round5(lon), lat=_round5(lat)),
            ))

    # Units: weighted k-means over grids, each unit at the biggest village of its cluster; or, in dense
    # places, shared out to villages by people (D'Hondt) and each village's grids cut into that many sectors.
    gxy = np.column_stack(_local_xy(
        [g.location.lon for g, _ in grid_rows], [g.location.lat for g, _ in grid_rows], seat[0], lat0))
    gw = np.array([g.people for g, _ in grid_rows], dtype=float)
    sites = _sites_by_village(grid_rows, gxy, len(vs), spec.units) if spec.units_by_village else \
        _sites_by_kmeans(grid_rows, pos, gxy, gw, spec.units)
    units: list[Unit] = []
    used_villages: dict[int, int] = {}
    for j, (vi, base, catchment) in enumerate(sites):
        n = used_villages.get(vi, 0)
        used_villages[vi] = n + 1
        lon, lat = _offset(base, 80 * (n + 1), 40 * (n + 1))  # the square / school, not the village centre
        if not whole.contains(ShapelyPoint(lon, lat)):  # over the boundary of a small place: the nearest inside
            near = nearest_points(inner, ShapelyPoint(lon, lat))[0]
            lon, lat = near.x, near.y
        desks = int(min(6, max(2, math.ceil(catchment / spec.people_per_desk))))
        suffix = "" if n == 0 else f"{n + 1}"
        units.append(Unit(
            id=f"U{j + 1:02d}", name=f"{vs[vi].name}检测点{suffix}",
            location=Point(lon=_round5(lon), lat=_round5(lat)), desks=desks,
        ))

    # Zones: cut the units into contiguous sectors around the station by bearing.
    uxy = np.column_stack(_local_xy([u.location.lon for u in units], [u.location.lat for u in units], seat[0], lat0))
    bearing = np.degrees(np.arctan2(uxy[:, 0], uxy[:, 1])) % 360  # 0 = north, clockwise
    order = np.argsort(bearing, kind="stable")
    # rotate so the largest gap in bearings is a sector boundary
    sb = bearing[order]
    gaps = np.diff(np.concatenate([sb, [sb[0] + 360]]))
    order = np.roll(order, -int((np.argmax(gaps) + 1) % len(order)))
    chunks = np.array_split(order, spec.zones)
    zone_names = {0: "北片", 1: "东北片", 2: "东片", 3: "东南片", 4: "南片", 5: "西南片", 6: "西片", 7: "西北片"}
    zones = []
    taken = set()
    for z, chunk in enumerate(chunks):
        mean_b = math.degrees(math.atan2(np.sin(np.radians(bearing[chunk])).mean(),
                                         np.cos(np.radians(bearing[chunk])).mean())) % 360
        octant = int(((mean_b + 22.5) % 360) // 45)
        name = zone_names[octant] if octant not in taken else f"第{z + 1}片"
        taken.add(octant)
        zones.append(Zone(id=f"Z{z + 1}", name=name, units=[units[k].id for k in sorted(chunk)], crew=Crew()))

    # Groups: lead, samplers, 2 registrars, 2 order keepers, a disinfector; start at the units in turn.
    groups = []
    if spec.samplers_total is None:
        per_group = [spec.samplers_per_group] * spec.groups
    else:
        per_group = split_integer(spec.samplers_total, np.ones(spec.groups)).tolist()
    for gi in range(spec.groups):
        gid = f"T{gi + 1:02d}"
        roles = [Role.lead] + [Role.sampler] * max(1, per_group[gi]) + [Role.registrar] * 2 \
            + [Role.order_keeper] * 2 + [Role.disinfector]
        counter: dict[Role, int] = {}
        members = []
        for role in roles:
            counter[role] = counter.get(role, 0) + 1
            members.append(Member(name=f"{ROLE_ZH[role]}{counter[role]}（{gid}）", role=role))
        groups.append(Group(id=gid, name=f"第{gi + 1}检测组", members=members, home=units[gi % len(units)].id))

    station_village = seat_idx[0] if seat_idx else 0
    slon, slat = _offset(pos[station_village], -120, -60)
    station = Station(
        name=spec.station_name, location=Point(lon=_round5(slon), lat=_round5(slat)),
        vehicles=[Vehicle(id=f"V{i}", name=f"应急车{i}") for i in range(1, spec.vehicles + 1)],
    )
    return Scenario(
        name=spec.name,
        description=spec.description,
        region=Region(name=spec.name, name_en=spec.name_en, boundary=spec.boundary_ref,
                      attribution=spec.attribution),
        villages=villages, special_needs=special, units=units, groups=groups, zones=zones,
        station=station, lab=spec.lab, parameters=spec.parameters,
    )


class _Dumper(yaml.SafeDumper):
    pass


def _repr_dict(dumper, data):
    flow = set(data) <= {"lon", "lat"} or set(data) <= {"name", "role", "phone"} or \
        set(data) <= {"id", "grid", "category", "location"} or set(data) <= {"cadres", "medics", "drivers"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow or None)


_Dumper.add_representer(dict, _repr_dict)


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """libyaml's emitter, several times faster, for the many files of a city (same data, same style rules)."""


_FastDumper.add_representer(dict, _repr_dict)


def scenario_to_yaml(s: Scenario, header: str = "", fast: bool = False) -> str:
    """YAML text of a scenario (fields in model order, Chinese kept readable).

    ``fast`` uses libyaml's emitter when installed; its line breaks may differ from the pure-Python one's.
    """
    data = s.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    body = yaml.dump(data, Dumper=_FastDumper if fast else _Dumper, allow_unicode=True, sort_keys=False, width=120)
    lines = [w for para in header.splitlines() for w in (textwrap.wrap(para, 96) or [""])]
    head = "".join(f"# {line}\n" if line else "#\n" for line in lines)
    return head + body


def write_scenario(s: Scenario, path: Path, header: str = "") -> None:
    path.write_text(scenario_to_yaml(s, header), encoding="utf-8")
