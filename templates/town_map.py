"""Maps of the printed set, as SVG text: the town (boundary, villages, units by zone, courier loops),
one courier loop, one home-visit team's trips.

The same SVG goes into the PDF (Typst draws it, text in the bundled font)
and into ``index.html`` (inline), so both faces show one map.  Plain string
building, no plotting library: a map is a few hundred elements, made in
milliseconds, and the same plan gives the same bytes.  Places are projected
equirectangularly (longitude scaled by the cosine of the middle latitude),
north up.
"""
from __future__ import annotations

import math
from html import escape
from typing import Iterable

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario

# Colour-blind-safe (Okabe-Ito), then tab10 for towns with many zones.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F",
           "#BCBD22", "#17BECF", "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD"]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]
FONT = "natplan Noto Sans SC"
WIDTH = 600  # SVG user units across; heights follow the place's shape within [MIN_H, MAX_H] × WIDTH
ROUTE_WIDTH = 200  # a loop's or a team's map is small on its sheet: fewer units across, so labels stay legible
MIN_H, MAX_H = 0.45, 1.15


def zone_colors(zone_ids: list[str]) -> dict[str, str]:
    """A colour per zone, in zone order (the same on the map and on the sheets)."""
    return {z: PALETTE[i % len(PALETTE)] for i, z in enumerate(zone_ids)}


def polygons(geometry):
    """The polygons of a boundary (a Polygon, a MultiPolygon or a collection), none for None."""
    if geometry is None:
        return []
    kind = geometry.geom_type
    if kind == "Polygon":
        return [geometry]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [g for g in geometry.geoms if g.geom_type == "Polygon"]
    return []


class Frame:
    """Lon/lat → SVG units for the places given (with a margin), north up, *width* units across."""

    def __init__(self, lons: Iterable[float], lats: Iterable[float], margin: float = 0.05, width: int = WIDTH):
        lons, lats = list(lons), list(lats)
        x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
        self.k = math.cos(math.radians((y0 + y1) / 2))
        w, h = max((x1 - x0) * self.k, 1e-4), max(y1 - y0, 1e-4)
        # the places' extent, centred, scaled to fit the width and the height limits
        self.width = width
        self.height = round(width * min(MAX_H, max(MIN_H, h / w)))
        self.scale = min(width * (1 - 2 * margin) / w, self.height * (1 - 2 * margin) / h)
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (round(self.width / 2 + (lon - self.cx) * self.k * self.scale, 1),
                round(self.height / 2 - (lat - self.cy) * self.scale, 1))

    def path(self, coords) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x} {y}" for i, (x, y) in enumerate(self.xy(*c) for c in coords))


def _open(frame: Frame) -> list[str]:
    w, h = frame.width, frame.height
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            f'font-family="{FONT}">',
            f'<rect width="{w}" height="{h}" fill="#ffffff" stroke="#999999" stroke-width="0.8"/>']


def _label(x: float, y: float, text: str, size: float = 10, bold: bool = False, anchor: str = "start") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x}" y="{y}" font-size="{size}"{weight} text-anchor="{anchor}" stroke="#ffffff" '
            f'stroke-width="2.6" paint-order="stroke" fill="#111111">{escape(text)}</text>')


def area(frame: Frame, geometry, fill: str, stroke: str, width: float) -> list[str]:
    """SVG paths of a (multi)polygon, its holes cut out, simplified to one SVG unit (finer detail is not drawn)."""
    out = []
    tolerance = 1.0 / frame.scale
    for poly in polygons(geometry):
        poly = poly.simplify(tolerance, preserve_topology=True)
        rings = [frame.path(poly.exterior.coords) + " Z"] + [frame.path(r.coords) + " Z" for r in poly.interiors]
        out.append(f'<path d="{" ".join(rings)}" fill="{fill}" fill-rule="evenodd" stroke="{stroke}" '
                   f'stroke-width="{width}"/>')
    return out


def _boundary(frame: Frame, geometry) -> list[str]:
    return area(frame, geometry, "#f4f1ea", "#555555", 1.2)


def _star(x: float, y: float, r: float = 9) -> str:
    pts = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append(f"{round(x + rr * math.cos(a), 1)},{round(y - rr * math.sin(a), 1)}")
    return f'<polygon points="{" ".join(pts)}" fill="#FFD400" stroke="#000000" stroke-width="0.9"/>'


def _station(frame: Frame, s: Scenario, size: float = 11) -> list[str]:
    x, y = frame.xy(s.station.location.lon, s.station.location.lat)
    right = x > frame.width / 2  # the name goes towards the middle, so that it stays on the map
    return [_star(x, y, size * 0.9), _label(x - size if right else x + size, y + size * 1.4, s.station.name,
                                           size * 1.05, bold=True, anchor="end" if right else "start")]


def town_map_svg(plan: Plan, scenario: Scenario, geometry=None, credit: str = "") -> str:
    """The town: boundary, villages (grey dots), units (filled when open) in their zone's colour with their
    ids, each courier vehicle's loop, the station, a zone legend and *credit* (the map data's attribution)."""
    s = scenario
    lons = [v.location.lon for v in s.villages] + [u.location.lon for u in s.units] + [s.station.location.lon]
    lats = [v.location.lat for v in s.villages] + [u.location.lat for u in s.units] + [s.station.location.lat]
    if polygons(geometry):
        minx, miny, maxx, maxy = geometry.bounds
        lons += [minx, maxx]
        lats += [miny, maxy]
    frame = Frame(lons, lats, margin=0.03)
    colors = zone_colors([z.id for z in s.zones])
    zone_of = {u: z.id for z in s.zones for u in z.units}
    units = {u.id: u for u in s.units}
    open_units = {d.unit for d in plan.units}
    st = s.station.location
    out = _open(frame) + _boundary(frame, geometry)
    for v in s.villages:
        x, y = frame.xy(v.location.lon, v.location.lat)
        out.append(f'<circle cx="{x}" cy="{y}" r="1.6" fill="#888888"/>')
    for zc in plan.routing.zones:
        c = colors.get(zc.zone, "#333333")
        for i, r in enumerate(zc.routes):
            pts = [(st.lon, st.lat)] + [(units[u].location.lon, units[u].location.lat) for u in r.order
                                        if u in units] + [(st.lon, st.lat)]
            dash = f' stroke-dasharray="{DASHES[i % len(DASHES)]}"' if DASHES[i % len(DASHES)] else ""
            out.append(f'<path d="{frame.path(pts)}" fill="none" stroke="{c}" stroke-width="1.6" '
                       f'stroke-opacity="0.8"{dash}/>')
    for u in s.units:
        x, y = frame.xy(u.location.lon, u.location.lat)
        c = colors.get(zone_of.get(u.id, ""), "#333333")
        filled = u.id in open_units
        out.append(f'<circle cx="{x}" cy="{y}" r="{4.5 if filled else 3.2}" fill="{c if filled else "#ffffff"}" '
                   f'stroke="{"#000000" if filled else c}" stroke-width="0.8"/>')
        out.append(_label(x + 5, y - 4, u.id, 12.5))
    out += _station(frame, s, 12.5)
    # legend: a line and a dot per zone, then the station
    rows = [(colors[z.id], f"{z.id} {z.name}") for z in s.zones]
    out.append(f'<rect x="6" y="6" width="190" height="{18 * len(rows) + 28}" fill="#ffffff" fill-opacity="0.9" '
               f'stroke="#999999" stroke-width="0.6"/>')
    for i, (c, text) in enumerate(rows):
        y = 23 + 18 * i
        out.append(f'<path d="M12 {y - 4} L32 {y - 4}" stroke="{c}" stroke-width="1.6"/>'
                   f'<circle cx="22" cy="{y - 4}" r="4" fill="{c}" stroke="#000000" stroke-width="0.8"/>')
        out.append(f'<text x="38" y="{y}" font-size="12.5" fill="#111111">{escape(text)}</text>')
    y = 23 + 18 * len(rows)
    out.append(_star(22, y - 4, 6) + f'<text x="38" y="{y}" font-size="12.5" fill="#111111">{escape(s.station.name)}</text>')
    if credit:
        out.append(f'<text x="{frame.width - 4}" y="{frame.height - 5}" font-size="12" text-anchor="end" '
                   f'fill="#333333">{escape(credit)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def route_map_svg(scenario: Scenario, geometry, stops: list[tuple[str, float, float]], color: str,
                  loops: list[list[int]] | None = None) -> str:
    """A vehicle's or a team's way: the station, then *stops* ``(label, lon, lat)`` numbered in order,
    joined in *loops* (lists of stop indices, each from and back to the station; default one loop of all),
    over the boundary, zoomed to the places."""
    st = scenario.station.location
    frame = Frame([st.lon] + [x[1] for x in stops], [st.lat] + [x[2] for x in stops], margin=0.12, width=ROUTE_WIDTH)
    out = _open(frame) + _boundary(frame, geometry)
    for i, loop in enumerate(loops if loops is not None else [list(range(len(stops)))]):
        pts = [(st.lon, st.lat)] + [(stops[k][1], stops[k][2]) for k in loop] + [(st.lon, st.lat)]
        dash = f' stroke-dasharray="{DASHES[i % len(DASHES)]}"' if DASHES[i % len(DASHES)] else ""
        out.append(f'<path d="{frame.path(pts)}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
    for label, lon, lat in stops:
        x, y = frame.xy(lon, lat)
        out.append(f'<circle cx="{x}" cy="{y}" r="4.5" fill="{color}" stroke="#000000" stroke-width="0.8"/>')
        out.append(_label(x + 6, y - 5, label, 14))
    out += _station(frame, scenario, 14)
    out.append("</svg>")
    return "\n".join(out)
