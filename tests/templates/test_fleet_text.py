"""The fleet in words on the printed set: the overview's rows and choices, and the notes on each route sheet.

The towns are those of tests/routing/fleet_towns.py: LINE (one van, a station vehicle lent) and CLUSTER (a
relay at C1).  The views read only the plan's routing here, so a stand-in plan carries it.
"""

from types import SimpleNamespace

from natplan.routing.couriers import plan_couriers
from natplan.templates.view_routes import route_view
from natplan.templates.views import fleet_notes, fleet_view
from tests.routing.fleet_towns import fleet_town, service

LINE = {"E1": (2, 0), "E2": (4, 0), "W1": (-2, 0), "W2": (-4, 0)}
CLUSTER = {"C1": (4.5, 0), "C2": (5.5, 0.5), "C3": (5.5, -0.5)}


def _plan(s):
    return SimpleNamespace(routing=plan_couriers(s, service(s), seed=0).routing)


def test_the_overview_says_what_was_lent_and_what_strict_loops_need():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={"longer_intervals": [], "relays": False})
    plan = _plan(s)
    zh, en = fleet_view(plan, s, "zh"), fleet_view(plan, s, "en")
    assert zh["choices"] == ["Z1片（片Z1）借用中转站车辆 V3：09:00 本片需要 2 辆车同时收样，本片只有 1 辆"]
    assert en["choices"] == ["zone Z1 (片Z1) borrows station vehicle(s) V3: at 09:00 its loops need 2 vehicles at "
                             "once, it has 1"]
    assert en["strict"] == "Strict 30-minute loops everywhere need 3 vehicles: you have enough"
    assert [(r["label"], r["value"], r["note"]) for r in en["rows"]] == [
        ("Vehicles (used / on hand, shuttles included)", "3 / 7", "shuttles V1; lent V3"),
        ("Units by collection interval", "every 30 min: 4", ""),
        ("Vehicles for strict loops", "3", "Strict 30-minute loops everywhere need 3 vehicles: you have enough")]
    assert zh["strict"] == "全部按30分钟严格循环收样需要 3 辆车：现有车辆足够"


def test_a_short_town_says_how_many_more_strict_loops_need():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], station_vehicles=1,
                   fleet={"lend_station_vehicles": False, "relays": False, "longer_intervals": [60]})
    plan = _plan(s)
    assert fleet_view(plan, s, "en")["strict"] == "Strict 30-minute loops everywhere need 3 vehicles: 1 more than you have"
    assert fleet_view(plan, s, "zh")["choices"][0].startswith("检测单元 E1、E2、W1、W2 每 60 分钟收一次（不是每 30 分钟）：车辆不够")


def test_the_lent_vehicles_sheet_says_why_and_the_relay_has_a_sheet():
    s = fleet_town(LINE, [{"id": "Z1", "units": list(LINE)}], fleet={"longer_intervals": [], "relays": False})
    plan = _plan(s)
    assert fleet_notes(plan, s, "en", "Z1", "V3", list(LINE)) == [
        "zone Z1 (片Z1) borrows station vehicle(s) V3: at 09:00 its loops need 2 vehicles at once, it has 1"]
    assert fleet_notes(plan, s, "en", "Z1", "Z1-1", list(LINE)) == []  # the zone's own van: nothing changed for it
    relay = fleet_town(CLUSTER, [{"id": "Z1", "units": list(CLUSTER)}],
                       fleet={"lend_station_vehicles": False, "longer_intervals": [], "move_units": False})
    sheets = {x["vehicle"]: x for x in route_view(_plan(relay), relay, "en")["sheets"]}
    assert sorted(sheets) == ["V3", "Z1-1"]
    [part] = sheets["V3"]["routes"]
    assert [x["id"] for x in part["stops"]] == ["C1"] and len(part["loops"]) == 4
    assert part["fleet"][0] == "Relay: zone Z1's boxes at C1 点C1"
    assert sheets["Z1-1"]["routes"][0]["fleet"] == [
        "zone Z1's vans hand their boxes to station vehicle(s) V3 at C1 (a relay) instead of driving back to the "
        "station: from the station its vehicles cannot keep up with 30-min loops, from the meeting point they can"]
