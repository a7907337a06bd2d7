"""The town map for the overview page: boundary, villages, units by zone, courier loops.

:func:`town_map_png` draws with matplotlib's Agg canvas (no pyplot, no
global state besides the registered font) and returns PNG bytes that repeat
exactly for the same plan: no ``Software`` or date metadata is written.
"""
from __future__ import annotations

import io
import math

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.render import register_matplotlib_font

# Colour-blind-safe (Okabe-Ito), then tab10 for towns with many zones.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F",
           "#BCBD22", "#17BECF", "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD"]
LINESTYLES = ["-", "--", "-.", ":"]


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


def town_map_png(plan: Plan, scenario: Scenario, geometry=None, lang: str = "zh",
                 width_in: float = 6.0, dpi: int = 150) -> bytes:
    """PNG bytes of the town map (about ``width_in`` inches wide at ``dpi``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    register_matplotlib_font()
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    s = scenario
    units = {u.id: u for u in s.units}
    colors = zone_colors([z.id for z in s.zones])
    zone_of = {u: z.id for z in s.zones for u in z.units}
    open_units = {d.unit for d in plan.units}

    # extent: boundary, else every point
    xs = [v.location.lon for v in s.villages] + [u.location.lon for u in s.units] + [s.station.location.lon]
    ys = [v.location.lat for v in s.villages] + [u.location.lat for u in s.units] + [s.station.location.lat]
    polys = polygons(geometry)
    if polys:
        minx, miny, maxx, maxy = geometry.bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    padx, pady = (x1 - x0) * 0.04 or 0.005, (y1 - y0) * 0.04 or 0.005
    x0, x1, y0, y1 = x0 - padx, x1 + padx, y0 - pady, y1 + pady
    aspect = 1 / max(0.1, math.cos(math.radians((y0 + y1) / 2)))
    height_in = min(7.0, max(3.0, width_in * (y1 - y0) * aspect / (x1 - x0)))

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_aspect(aspect)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("#999")

    for poly in polys:
        bx, by = poly.exterior.xy
        ax.fill(bx, by, facecolor="#f4f1ea", edgecolor="#555", linewidth=1.0, zorder=0)
        for ring in poly.interiors:
            ix, iy = ring.xy
            ax.fill(ix, iy, facecolor="white", edgecolor="#555", linewidth=0.6, zorder=0)

    ax.scatter([v.location.lon for v in s.villages], [v.location.lat for v in s.villages],
               s=5, color="#777", zorder=2, linewidths=0)

    # courier loops: station → units in order → station, one line per vehicle
    st = s.station.location
    for zc in plan.routing.zones:
        c = colors.get(zc.zone, "#333")
        for i, r in enumerate(zc.routes):
            pts = [(st.lon, st.lat)] + [(units[u].location.lon, units[u].location.lat)
                                         for u in r.order if u in units] + [(st.lon, st.lat)]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=c, linewidth=1.1, alpha=0.75,
                    linestyle=LINESTYLES[i % len(LINESTYLES)], zorder=3)

    for u in s.units:
        c = colors.get(zone_of.get(u.id, ""), "#333")
        is_open = u.id in open_units
        ax.scatter([u.location.lon], [u.location.lat], s=42 if is_open else 24, marker="o",
                   facecolor=c if is_open else "white", edgecolor="black" if is_open else c,
                   linewidths=0.6, zorder=4)
        ax.annotate(u.id, (u.location.lon, u.location.lat), xytext=(3, 3), textcoords="offset points",
                    fontsize=7.5, zorder=5, color="#111", path_effects=halo)

    ax.scatter([st.lon], [st.lat], s=180, marker="*", color="#FFD400", edgecolor="black",
               linewidths=0.8, zorder=6)
    ax.annotate(s.station.name, (st.lon, st.lat), xytext=(6, -9), textcoords="offset points",
                fontsize=8.5, fontweight="bold", zorder=7, path_effects=halo)

    handles = [Line2D([], [], marker="o", linestyle="-", color=colors[z.id], markerfacecolor=colors[z.id],
                      markeredgecolor="black", markersize=5, linewidth=1.1, label=f"{z.id} {z.name}")
               for z in s.zones]
    handles.append(Line2D([], [], marker="*", linestyle="", color="#FFD400", markeredgecolor="black",
                          markersize=10, label=s.station.name))
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=True, framealpha=0.9)

    ax.text(0.995, 0.005, "© OpenStreetMap contributors", transform=ax.transAxes, ha="right", va="bottom",
            fontsize=6, color="#333",
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.75, pad=1.0))

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
