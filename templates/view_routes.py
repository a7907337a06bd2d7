"""How samples move, for the people who move them: courier route sheets, the shuttle sheet, handover sheets.

Part of the printed set's view model (:mod:`natplan.templates.views`).  A
driver's name, plate and phone are printed when the plan or the scenario has
them (read with ``getattr``, so a fleet field added later fills them in) and
are blanks to fill in otherwise.
"""
from __future__ import annotations

from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario, age_limit_min
from natplan.templates.i18n import t
from natplan.templates.messages import warning_text
from natplan.templates.views import Index, destination, fleet_notes, hm, instruction, load_label

DRIVER_FIELDS = ("driver", "plate", "phone")


def driver_fields(*sources) -> dict[str, str]:
    """Driver, plate and phone from the first source that has each ("" when none has it)."""
    out = {}
    for key in DRIVER_FIELDS:
        out[key] = next((str(v) for v in (getattr(src, key, None) for src in sources) if v), "")
    return out


def _route_part(zc, r, zone, ix: Index, lang: str, fleet: list[str] = ()) -> dict[str, Any]:
    """One route of a vehicle (its loops in one zone): the stops in order, and the loops × stops with the load
    at each stop."""
    order = list(r.order)
    for loop in r.loops:  # a unit not in the order (should not happen): append it
        order += [p.unit for p in loop.stops if p.unit not in order]
    loops = []
    for n, loop in enumerate(r.loops, 1):
        at = {p.unit: p for p in loop.stops}
        loops.append({
            "n": n, "depart": hm(loop.depart), "back": hm(loop.back),
            "cells": [{"time": hm(at[u].time), "load": load_label(at[u].tubes, at[u].boxes, lang)}
                      if u in at else None for u in order],
            "tubes": sum(p.tubes for p in loop.stops), "boxes": sum(p.boxes for p in loop.stops),
        })
    tubes, boxes = sum(x["tubes"] for x in loops), sum(x["boxes"] for x in loops)
    return {
        "zone": zc.zone, "zone_name": zone.name if zone else zc.zone, "zone_color": ix.zone_color.get(zc.zone, "#888"),
        "interval": zc.interval_min, "loop_min": r.loop_min,
        "crew": t("crew_fmt", lang).format(c=zone.crew.cadres, m=zone.crew.medics, d=zone.crew.drivers) if zone else "",
        "stops": [{"id": u, "name": ix.unit_name(u), "address": getattr(ix.units.get(u), "address", None) or ""}
                  for u in order],
        "loops": loops, "tubes": tubes, "boxes": boxes, "total": load_label(tubes, boxes, lang),
        "note": "；".join(([warning_text(zc.note, lang)] if zc.note else []) + list(fleet)) if lang != "en" else
                "; ".join(([warning_text(zc.note, lang)] if zc.note else []) + list(fleet)),
        "fleet": list(fleet),  # why this route is not the zone's own strict loop (fleet choices, in words)
    }


def vehicle_routes(plan: Plan) -> dict[str, list]:
    """Each courier vehicle's routes ``(zone couriers, route)`` in plan order (a vehicle lent to two zones
    has a route in each)."""
    out: dict[str, list] = {}
    for zc in plan.routing.zones:
        for r in zc.routes:
            out.setdefault(r.vehicle, []).append((zc, r))
    return out


def route_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> dict[str, Any]:
    """One sheet per courier vehicle (each of its routes: loops × stops, with the load at each stop), then the
    shuttles."""
    ix = ix or Index(plan, scenario)
    zones = {z.id: z for z in scenario.zones}
    station_vehicles = {v.id: v for v in scenario.station.vehicles}
    on_courier = [instruction(scenario, k, lang) for k in ("courier_late", "unit_not_ready", "box_damaged")]
    sheets = []
    for vehicle, routes in vehicle_routes(plan).items():
        parts = [_route_part(zc, r, zones.get(zc.zone), ix, lang,
                             fleet_notes(plan, scenario, lang, zc.zone, vehicle, list(r.order))) for zc, r in routes]
        tubes, boxes = sum(x["tubes"] for x in parts), sum(x["boxes"] for x in parts)
        first = routes[0][1]
        sheets.append({
            "vehicle": vehicle,
            "vehicle_name": getattr(first, "vehicle_name", "") or ix.vehicle_names.get(vehicle, ""),
            **driver_fields(first, station_vehicles.get(vehicle)),
            "zone_color": parts[0]["zone_color"],
            "routes": parts, "tubes": tubes, "boxes": boxes, "total": load_label(tubes, boxes, lang),
            "instructions": on_courier,
        })
    _relay_sheets(plan, scenario, lang, ix, sheets, on_courier)
    dest = destination(scenario, lang)
    sh = plan.routing.shuttles
    trips = [{
        "n": n, "vehicle": x.vehicle, "vehicle_name": ix.vehicle_names.get(x.vehicle, x.vehicle),
        "depart": hm(x.depart), "arrive": hm(x.arrive), "back": hm(x.back),
        "tubes": x.tubes, "boxes": x.boxes, "load": load_label(x.tubes, x.boxes, lang),
        "oldest": hm(x.oldest_swab), "age": f"{x.worst_age_min:.0f}",
        "late": x.worst_age_min > age_limit_min(scenario),
    } for n, x in enumerate(sorted(sh.trips, key=lambda x: (x.depart, x.vehicle)), 1)]
    order = list(station_vehicles)
    used = sorted({x["vehicle"] for x in trips}, key=lambda v: (order.index(v) if v in order else len(order), v))
    tubes, boxes = sum(x["tubes"] for x in trips), sum(x["boxes"] for x in trips)
    return {
        "sheets": sheets,
        "station": scenario.station.name,
        "destination": dest,
        "shuttles": {
            "title": t("shuttles_title_fmt", lang).format(kind=dest["kind"]),
            "handover_title": t("shuttle_handover_fmt", lang).format(kind=dest["kind"]),
            "cadence": sh.cadence_min, "round_trip": sh.round_trip_min, "vehicles_used": sh.vehicles_used,
            "worst_age": f"{sh.worst_age_min:.0f}",
            "vehicles": [{"id": v, "name": ix.vehicle_names.get(v, v), **driver_fields(station_vehicles.get(v)),
                          "trips": sum(1 for x in trips if x["vehicle"] == v)} for v in used],
            "trips": trips, "tubes": tubes, "boxes": boxes, "total": load_label(tubes, boxes, lang),
            "instructions": [instruction(scenario, k, lang) for k in ("courier_late", "box_damaged")],
        },
    }


def _relay_sheets(plan: Plan, scenario: Scenario, lang: str, ix: Index, sheets: list, instructions: list) -> None:
    """A station vehicle's relays (it fetches a zone's boxes from its meeting point) as a route of its sheet: one
    stop, the meeting point; each relay a loop from the station and back."""
    zones = {z.id: z for z in scenario.zones}
    by: dict[tuple[str, str, str], list] = {}
    for r in getattr(plan.routing, "relays", []):
        by.setdefault((r.vehicle, r.zone, r.meeting_point), []).append(r)
    for (vehicle, zone_id, point), relays in by.items():
        zone = zones.get(zone_id)
        relays.sort(key=lambda r: r.leave)
        loops = [{"n": n, "depart": hm(r.leave), "back": hm(r.at_station),
                  "cells": [{"time": hm(r.meet), "load": load_label(r.tubes, r.boxes, lang)}],
                  "tubes": r.tubes, "boxes": r.boxes} for n, r in enumerate(relays, 1)]
        tubes, boxes = sum(r.tubes for r in relays), sum(r.boxes for r in relays)
        notes = [t("relay_sheet", lang).format(zone=zone_id, point=f"{point} {ix.unit_name(point)}")]
        notes += fleet_notes(plan, scenario, lang, zone_id, vehicle, [])
        part = {"zone": zone_id, "zone_name": zone.name if zone else zone_id,
                "zone_color": ix.zone_color.get(zone_id, "#888"), "interval": zone.interval_min if zone else "",
                "loop_min": max(r.at_station - r.leave for r in relays), "crew": "",
                "stops": [{"id": point, "name": ix.unit_name(point), "address": ""}], "loops": loops,
                "tubes": tubes, "boxes": boxes, "total": load_label(tubes, boxes, lang),
                "note": ("; " if lang == "en" else "；").join(notes), "fleet": notes}
        sheet = next((x for x in sheets if x["vehicle"] == vehicle), None)
        if sheet is None:
            sheet = {"vehicle": vehicle, "vehicle_name": relays[0].vehicle_name or ix.vehicle_names.get(vehicle, ""),
                     **driver_fields(next((v for v in scenario.station.vehicles if v.id == vehicle), None)),
                     "zone_color": part["zone_color"], "routes": [], "tubes": 0, "boxes": 0,
                     "instructions": instructions}
            sheets.append(sheet)
        sheet["routes"].append(part)
        sheet["tubes"] += tubes
        sheet["boxes"] += boxes
        sheet["total"] = load_label(sheet["tubes"], sheet["boxes"], lang)


def handover_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One handover sheet per courier vehicle: a line per pickup (all its zones, in time order) with the planned load and fields for the
    actual load, the seal, the temperature, an exception and both signatures; the total at the end (a
    long sheet continues on the next page with its header)."""
    ix = ix or Index(plan, scenario)
    out = []
    for vehicle, routes in vehicle_routes(plan).items():
        picks = sorted(((p.time, zc.zone, n, p) for zc, r in routes for n, loop in enumerate(r.loops, 1)
                        for p in loop.stops), key=lambda x: (x[0], x[1], x[2]))
        lines = [{
            "loop": n, "zone": zone, "when": t("loop_fmt", lang).format(n=n, time=hm(p.time)),
            "unit": p.unit, "unit_name": ix.unit_name(p.unit),
            "tubes": p.tubes, "boxes": p.boxes, "load": load_label(p.tubes, p.boxes, lang),
        } for _, zone, n, p in picks]
        if lines:
            tubes, boxes = sum(x["tubes"] for x in lines), sum(x["boxes"] for x in lines)
            out.append({"vehicle": vehicle, "zone": routes[0][0].zone,
                        "zone_color": ix.zone_color.get(routes[0][0].zone, "#888"),
                        "lines": lines, "tubes": tubes, "boxes": boxes, "total": load_label(tubes, boxes, lang)})
    return out
