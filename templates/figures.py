"""The pictures of the printed set, as SVG text for both faces: the town map, a map per courier vehicle
and per home-visit team, and a QR code per village notice.

:func:`figures` makes them all once per set; the print template and the
screen template take them from its result by id.  QR codes are made with
segno (byte mode, UTF-8, error level M, a fixed mask) from the notice's ``qr_text``, so a
phone reads the village's times off the posted sheet with no network.
"""
from __future__ import annotations

import io
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.town_map import route_map_svg, town_map_svg, zone_colors

TEAM_COLOR = "#009E73"


# segno tries all eight masks and keeps the best by the standard's penalty score unless told one: that
# search is four fifths of the time of a village's code (pure Python), and any mask reads. Mask 1
# (horizontal stripes) is a fixed choice.
QR_MASK = 1


def qr_code(text: str):
    """The segno QR code of *text* (UTF-8 bytes, error level M, mask :data:`QR_MASK`)."""
    import segno

    return segno.make(text, error="m", mode="byte", encoding="utf-8", micro=False, mask=QR_MASK,
                      boost_error=False)


def qr_svg(text: str) -> str:
    """*text* as a QR code, an SVG document (dark modules as one path, the quiet zone included)."""
    buf = io.BytesIO()
    qr_code(text).save(buf, kind="svg", xmldecl=False, svgns=True, nl=False, scale=4, border=4)
    return buf.getvalue().decode("ascii")


def qr_png(text: str) -> bytes:
    """*text* as a QR code, PNG bytes (for the ``notices/`` folder: a picture to post in a chat)."""
    buf = io.BytesIO()
    qr_code(text).save(buf, kind="png", scale=6, border=4)
    return buf.getvalue()


def figures(plan: Plan, scenario: Scenario, geometry, views: dict[str, Any]) -> dict[str, Any]:
    """Every picture of the set: ``town`` (SVG), ``routes`` (vehicle → SVG), ``teams`` (team → SVG) and
    ``qr`` (village id → SVG)."""
    s = scenario
    units = {u.id: u for u in s.units}
    colors = zone_colors([z.id for z in s.zones])
    routes = {}
    for sheet in views["routes"]["sheets"]:  # a map for every sheet the view model has, from its stops
        stops, loops = [], []
        for part in sheet["routes"]:
            loop = []
            for stop in part["stops"]:
                u = units.get(stop["id"])
                if u is not None:
                    loop.append(len(stops))
                    stops.append((f"{len(loop)} {u.id}", u.location.lon, u.location.lat))
            loops.append(loop)
        routes[sheet["vehicle"]] = route_map_svg(s, geometry, stops, colors.get(sheet["routes"][0]["zone"], "#333333")
                                                 if sheet["routes"] else "#333333", loops)
    grid_at = {g.id: g.location for g in s.grids()}
    home_at = {sp.id: sp.location or grid_at.get(sp.grid) for sp in s.special_needs}
    teams = {}
    for team in plan.staffing.home_teams:
        stops, loops = [], []
        for leave, back in team.trips:
            loop = []
            for sid, minute in team.stops:
                where = home_at.get(sid)
                if leave <= minute <= back and where is not None:
                    loop.append(len(stops))
                    stops.append((str(len(stops) + 1), where.lon, where.lat))
            loops.append(loop)
        if stops:
            teams[team.team] = route_map_svg(s, geometry, stops, TEAM_COLOR, loops)
    return {
        "town": town_map_svg(plan, s, geometry, views["attribution"]),
        "routes": routes,
        "teams": teams,
        "qr": {n["id"]: qr_svg(n["qr_text"]) for n in views["notices"]},
    }
