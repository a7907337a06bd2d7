"""Travel distances and times between the places of a scenario.

By default a trip is the great-circle distance on the WGS84 sphere times a
detour factor, divided by the speed of the mode (walk or van).  When a
scenario gives a road graph, van trips follow shortest paths on it
(networkx Dijkstra), each place joined to its nearest road node by a straight
leg.  For large cities use :func:`neighbours_within`, which returns sparse
pairs within a radius and never builds an n × n matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.scenario import RoadGraph, Scenario

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres; arguments broadcast like numpy arrays.

    >>> round(float(haversine_m(120.0, 36.0, 120.01, 36.0)))
    900
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_matrix_m(lon_a, lat_a, lon_b=None, lat_b=None) -> np.ndarray:
    """Straight-line metres between every place of ``a`` and every place of ``b`` (default ``a``)."""
    lon_a, lat_a = np.asarray(lon_a, float), np.asarray(lat_a, float)
    if lon_b is None:
        lon_b, lat_b = lon_a, lat_a
    return haversine_m(lon_a[:, None], lat_a[:, None], np.asarray(lon_b, float)[None, :], np.asarray(lat_b, float)[None, :])


def minutes(distance_m, speed_kmh: float, detour: float = 1.0) -> np.ndarray:
    """Travel minutes for a distance at a speed, after the detour factor."""
    return np.asarray(distance_m, float) * detour / (speed_kmh * 1000.0 / 60.0)


@dataclass(frozen=True)
class Neighbours:
    """Sparse pairs (a index, b index, metres) with distance ≤ radius, sorted by a then metres."""

    a: np.ndarray
    b: np.ndarray
    metres: np.ndarray


def neighbours_within(lon_a, lat_a, lon_b, lat_b, radius_m: float, detour: float = 1.0) -> Neighbours:
    """Pairs of places closer than ``radius_m`` (after ``detour``), without an n × m matrix.

    Places are bucketed into a grid of cells ``radius_m`` wide; each place of
    ``a`` is compared only with the places of ``b`` in its own and the eight
    surrounding cells.  Memory grows with the number of pairs found.
    """
    lon_a, lat_a = np.asarray(lon_a, float), np.asarray(lat_a, float)
    lon_b, lat_b = np.asarray(lon_b, float), np.asarray(lat_b, float)
    if len(lon_a) == 0 or len(lon_b) == 0:
        e = np.zeros(0, dtype=np.int64)
        return Neighbours(e, e, np.zeros(0))
    reach = radius_m / detour
    lat0 = float(np.mean(lat_b))
    m_lat = math.pi * EARTH_RADIUS_M / 180
    m_lon = m_lat * math.cos(math.radians(lat0))
    cell = max(reach, 1.0)

    def cells(lon, lat):
        return np.floor(lon * m_lon / cell).astype(np.int64), np.floor(lat * m_lat / cell).astype(np.int64)

    bx, by = cells(lon_b, lat_b)
    order = np.lexsort((by, bx))
    keys = bx[order] * 4_000_003 + by[order]
    ax, ay = cells(lon_a, lat_a)
    out_a, out_b, out_d = [], [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            want = (ax + dx) * 4_000_003 + (ay + dy)
            lo = np.searchsorted(keys, want, side="left")
            hi = np.searchsorted(keys, want, side="right")
            counts = hi - lo
            if counts.sum() == 0:
                continue
            ia = np.repeat(np.arange(len(lon_a)), counts)
            ib = order[np.concatenate([np.arange(l, h) for l, h in zip(lo, hi) if h > l])]
            d = haversine_m(lon_a[ia], lat_a[ia], lon_b[ib], lat_b[ib]) * detour
            keep = d <= radius_m
            out_a.append(ia[keep])
            out_b.append(ib[keep])
            out_d.append(d[keep])
    a = np.concatenate(out_a) if out_a else np.zeros(0, dtype=np.int64)
    b = np.concatenate(out_b) if out_b else np.zeros(0, dtype=np.int64)
    d = np.concatenate(out_d) if out_d else np.zeros(0)
    srt = np.lexsort((d, a))
    return Neighbours(a[srt], b[srt], d[srt])


def road_time_matrix_min(roads: RoadGraph, lon, lat, access_speed_kmh: float = 20.0) -> np.ndarray:
    """Van minutes between places along a road graph (shortest paths, networkx).

    Each place joins its nearest road node by a straight leg driven at
    ``access_speed_kmh``.  Places in parts of the graph that do not connect
    get ``inf``.
    """
    import networkx as nx  # only scenarios with a road graph need it (and it takes a while to import)

    g = nx.Graph()
    for e in roads.edges:
        w = e.length_m / (e.speed_kmh * 1000 / 60)
        if not g.has_edge(e.a, e.b) or g[e.a][e.b]["w"] > w:
            g.add_edge(e.a, e.b, w=w)
    ids = [n.id for n in roads.nodes]
    nlon = np.array([n.location.lon for n in roads.nodes])
    nlat = np.array([n.location.lat for n in roads.nodes])
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    d = distance_matrix_m(lon, lat, nlon, nlat)
    nearest = np.argmin(d, axis=1)
    access = minutes(d[np.arange(len(lon)), nearest], access_speed_kmh)
    out = np.full((len(lon), len(lon)), np.inf)
    for i in range(len(lon)):
        src = ids[nearest[i]]
        lengths = nx.single_source_dijkstra_path_length(g, src, weight="w") if src in g else {src: 0.0}
        for j in range(len(lon)):
            via = lengths.get(ids[nearest[j]])
            if via is not None:
                out[i, j] = 0.0 if i == j else access[i] + via + access[j]
    return out


def van_minutes(s, lon, lat) -> np.ndarray:
    """Van minutes between the given places of scenario ``s``: along its road graph when it has one.

    Without a road graph: straight line × the scenario's detour factor at its van speed.  With
    one: shortest paths (:func:`road_time_matrix_min`); pairs the graph does not connect fall
    back to the straight-line estimate, so a gap in the road data never makes a place unreachable.
    """
    p = s.parameters
    straight = minutes(distance_matrix_m(lon, lat), p.van_speed_kmh, p.detour_factor)
    if s.roads is None:
        return straight
    road = road_time_matrix_min(s.roads, lon, lat)
    return np.where(np.isfinite(road), road, straight)


def lab_minutes(s: Scenario) -> int:
    """Van minutes from the station to the lab (given, or from its location)."""
    if s.lab.travel_min is not None:
        return s.lab.travel_min
    p = s.parameters
    d = float(haversine_m(s.station.location.lon, s.station.location.lat, s.lab.location.lon, s.lab.location.lat))
    return math.ceil(float(minutes(d, p.van_speed_kmh, p.detour_factor)))


def minutes_to_station(s: Scenario, lon, lat) -> np.ndarray:
    """Van minutes from each place to the transfer station, as :func:`natplan.routing.network.van_minutes` has them.

    Without a road graph this is one column, not an n × n matrix, so it is cheap for a city's units."""
    if s.roads is not None:
        st = s.station.location
        return van_minutes(s, [st.lon, *lon], [st.lat, *lat])[1:, 0]
    p = s.parameters
    d = haversine_m(np.asarray(lon, float), np.asarray(lat, float), s.station.location.lon, s.station.location.lat)
    return minutes(d, p.van_speed_kmh, p.detour_factor)


class _Travel:
    """The travel times natplan plans with, in the form the scenario checks take them
    (:class:`natplan.models.checks.TravelTimes`)."""

    lab_minutes = staticmethod(lab_minutes)
    minutes_to_station = staticmethod(minutes_to_station)


TRAVEL = _Travel()
"""Hand this to :func:`natplan.models.loader.load_scenario` and :func:`natplan.models.checks.run_checks`."""
