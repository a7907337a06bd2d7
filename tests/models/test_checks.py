"""The scenario rules, one by one: the tiny town breaks none; each planted break is named with its field.

(The same rules seen through a file, with line numbers, are in test_loader.py's broken files.)
"""

from collections.abc import Callable

import pytest

from natplan.models.checks import (
    RULES,
    groups_have_roles,
    known_references,
    lab_is_reachable,
    people_within_ledger,
    pinned_grids_allowed,
    places_inside_region,
    round_times,
    run_checks,
    shared_queue_leaves_time,
    special_needs_within_grids,
    unique_ids,
    units_reach_lab_in_time,
    zones_cover_units,
)
from natplan.models.problems import Problem
from natplan.models.scenario import Scenario
from natplan.routing.network import TRAVEL


def _changed(tiny, edit: Callable[[dict], None]) -> Scenario:
    """The tiny scenario after ``edit`` changed its plain data."""
    data = tiny.scenario.model_dump()
    edit(data)
    return Scenario.model_validate(data)


def _found(problems: list[Problem]) -> list[tuple[str, tuple, str]]:
    return [(p.message, p.loc, p.severity) for p in problems]


def test_the_tiny_town_breaks_no_rule(tiny):
    assert run_checks(tiny.scenario, tiny.geometry, TRAVEL) == []
    for rule in RULES:
        assert rule(tiny.scenario, tiny.geometry) == [], rule.__name__


def test_unique_ids_in_each_family(tiny):
    def edit(d):
        d["units"][1]["id"] = "U1"
        d["zones"][0]["units"] = ["U1"]
        d["station"]["vehicles"].append({"id": "V1", "name": "车2"})
        d["special_needs"][1]["id"] = "S1"
    assert _found(unique_ids(_changed(tiny, edit))) == [
        ("duplicate unit id 'U1' (first used at units[0].id)", ("units", 1, "id"), "error"),
        ("duplicate vehicle id 'V1' (first used at station.vehicles[0].id)", ("station", "vehicles", 1, "id"), "error"),
        ("duplicate special-needs id 'S1' (first used at special_needs[0].id)", ("special_needs", 1, "id"), "error"),
    ]


def test_a_village_and_a_grid_share_one_id_family(tiny):
    def edit(d):
        d["villages"][0]["grids"][1]["id"] = "V1"
    assert _found(unique_ids(_changed(tiny, edit))) == [
        ("duplicate village/grid id 'V1' (first used at villages[0].id)", ("villages", 0, "grids", 1, "id"), "error")]


def test_unknown_references(tiny):
    def edit(d):
        d["villages"][0]["grids"][0]["pinned_unit"] = "U7"
        d["units"][0]["allowed_grids"] = ["G1", "G8"]
        d["groups"][0]["home"] = "U9"
        d["roads"] = {"nodes": [{"id": "A", "location": {"lon": 120.0, "lat": 36.0}},
                                {"id": "B", "location": {"lon": 120.01, "lat": 36.0}}],
                      "edges": [{"a": "A", "b": "C", "length_m": 900}]}
    assert _found(known_references(_changed(tiny, edit))) == [
        ("unknown unit 'U7'", ("villages", 0, "grids", 0, "pinned_unit"), "error"),
        ("unknown grid 'G8'", ("units", 0, "allowed_grids", 1), "error"),
        ("unknown unit 'U9'", ("groups", 0, "home"), "error"),
        ("unknown road node 'C'", ("roads", "edges", 0, "b"), "error"),
    ]


def test_grid_pinned_to_a_unit_that_does_not_allow_it(tiny):
    def edit(d):
        d["villages"][0]["grids"][2]["pinned_unit"] = "U1"
        d["units"][0]["allowed_grids"] = ["G1", "G2"]
    assert _found(pinned_grids_allowed(_changed(tiny, edit))) == [
        ("grid G3 is pinned to unit U1, which does not allow it", ("villages", 0, "grids", 2, "pinned_unit"), "error")]


def test_unit_in_two_zones_and_unit_in_none(tiny):
    def two(d):
        d["zones"].append({"id": "Z2", "name": "东片", "units": ["U1"]})
    assert _found(zones_cover_units(_changed(tiny, two))) == [
        ("unit U1 is in more than one zone (Z1, Z2)", ("units", 0, "id"), "error")]

    def none(d):
        d["zones"][0]["units"] = ["U1"]
    assert _found(zones_cover_units(_changed(tiny, none))) == [
        ("unit U2 is in no courier zone; add it to one zone's units", ("units", 1, "id"), "error")]


def test_unit_window_outside_the_round_is_a_warning(tiny):
    def edit(d):
        d["units"][1]["open"] = 7 * 60  # the round starts at 08:00
    assert _found(round_times(_changed(tiny, edit))) == [
        ("unit U2 window 07:00–13:00 lies outside the round 08:00–13:00; only the part inside is used",
         ("units", 1, "open"), "warning")]


def test_deadline_before_the_start_stops_the_window_checks(tiny):
    def edit(d):
        d["parameters"]["deadline"] = 7 * 60
        d["units"][1]["close"] = 6 * 60  # not reported as well: the round itself is wrong
    assert _found(round_times(_changed(tiny, edit))) == [
        ("deadline 07:00 is not after the start 08:00 (write 30:00 for 06:00 the next day)",
         ("parameters", "deadline"), "error")]


def test_more_households_than_people(tiny):
    def edit(d):
        d["villages"][0]["grids"][0]["households"] = 101
    assert _found(people_within_ledger(_changed(tiny, edit))) == [
        ("grid G1 has more households (101) than people (100)", ("villages", 0, "grids", 0, "households"), "error")]


def test_more_special_needs_people_than_people_in_the_grid(tiny):
    def edit(d):
        d["villages"][0]["grids"][2].update(people=1, households=1)
    assert _found(special_needs_within_grids(_changed(tiny, edit))) == [
        ("grid G3 lists 2 special-needs people but has only 1 people", ("villages", 0, "grids", 2, "people"), "error")]


def test_missing_roles_are_errors_or_warnings(tiny):
    def edit(d):
        d["groups"][0]["members"] = [{"name": "采样员甲", "role": "sampler"}, {"name": "登记员甲", "role": "registrar"}]
    where = ("groups", 0, "members")
    assert _found(groups_have_roles(_changed(tiny, edit))) == [
        ("group T1 has no lead", where, "error"),
        ("group T1 has no order_keeper; a unit it staffs will lack one", where, "warning"),
        ("group T1 has no disinfector; a unit it staffs will lack one", where, "warning"),
    ]


def test_places_outside_the_boundary(tiny):
    def edit(d):
        d["station"]["location"] = {"lon": 120.03, "lat": 36.01}  # 0.01° east of the square, beyond 100 m
        d["villages"][0]["grids"][0]["location"] = {"lon": 120.0205, "lat": 36.0}  # within the 100 m margin
    s = _changed(tiny, edit)
    assert _found(places_inside_region(s, tiny.geometry)) == [
        ("the transfer station at (120.03000, 36.01000) is outside the region boundary", ("station", "location"),
         "error")]
    assert places_inside_region(s, None) == []  # no boundary, nothing to check against


def test_lab_without_location_or_travel_time(tiny):
    def edit(d):
        d["lab"]["travel_min"] = None
    s = _changed(tiny, edit)
    assert _found(lab_is_reachable(s)) == [("give the lab a location or a travel_min from the station", ("lab",),
                                            "error")]
    assert units_reach_lab_in_time(s, None, TRAVEL) == []  # said once, by lab_is_reachable


@pytest.mark.parametrize("travel_min, named", [(198, []), (199, ["U1", "U2"])])
def test_units_reach_the_lab_in_time_at_best(tiny, travel_min, named):
    # each unit is 2 min from the station: 30 min interval + 2 + travel_min + 10 min handover vs 240 min
    def edit(d):
        d["lab"]["travel_min"] = travel_min
    problems = units_reach_lab_in_time(_changed(tiny, edit), None, TRAVEL)
    assert [p.loc for p in problems] == [("units", int(u[1]) - 1, "location") for u in named]
    if named:
        assert problems[0].message == (
            "unit U1 (甲村东检测点) cannot get its samples to the lab within the 240-min age limit: 30 min collection "
            "interval + 2 min to the station + 199 min to the lab + 10 min handover = 241 min")


def test_lab_too_far_even_from_the_station_is_said_once(tiny):
    def edit(d):
        d["lab"]["travel_min"] = 201
    assert _found(units_reach_lab_in_time(_changed(tiny, edit), None, TRAVEL)) == [
        ("samples cannot reach the lab within the 240-min age limit even from the station: 30 min collection "
         "interval + 201 min to the lab + 10 min handover = 241 min", ("lab", "travel_min"), "error")]


@pytest.mark.parametrize("travel_min, named", [(168, []), (169, ["U1", "U2"])])
def test_minutes_kept_for_a_shared_lab_queue_count_against_the_age_limit(tiny, travel_min, named):
    # a city planning a township again keeps 30 min of the 240 for its lab's shared queue: 30 min interval + 2 +
    # travel_min + 10 min handover against 210 min
    def edit(d):
        d["lab"]["travel_min"] = travel_min
        d["lab"]["shared_queue_min"] = 30
    problems = units_reach_lab_in_time(_changed(tiny, edit), None, TRAVEL)
    assert [p.loc for p in problems] == [("units", int(u[1]) - 1, "location") for u in named]
    if named:
        assert problems[0].message == (
            "unit U1 (甲村东检测点) cannot get its samples to the lab within the 210-min age limit (240 less 30 kept for "
            "the lab's shared queue): 30 min collection interval + 2 min to the station + 169 min to the lab + 10 min "
            "handover = 211 min")


@pytest.mark.parametrize("field", ["shared_queue_min", "shared_queue_home_min"])
def test_minutes_kept_for_a_shared_queue_must_leave_time(tiny, field):
    def edit(d):
        d["lab"][field] = 240
    s = _changed(tiny, edit)
    assert _found(shared_queue_leaves_time(s)) == [
        ("240 min kept for the lab's queue leave none of the 240-min sample age limit "
         "(parameters.sample_age_limit_min): keep fewer", ("lab", field), "error")]
    assert units_reach_lab_in_time(s, None, TRAVEL) == [] or field == "shared_queue_home_min"

    def fine(d):
        d["lab"][field] = 239
    assert shared_queue_leaves_time(_changed(tiny, fine)) == []


def test_run_checks_reports_every_rule_in_order(tiny):
    def edit(d):
        d["units"][0]["id"] = "U2"  # a duplicate; the zone and T1's home still name U1
        d["groups"][0]["members"] = [{"name": "组长甲", "role": "lead"}]  # no sampler, and three warnings
    problems = run_checks(_changed(tiny, edit), tiny.geometry, TRAVEL)
    assert [(p.message, p.severity) for p in problems] == [
        ("duplicate unit id 'U2' (first used at units[0].id)", "error"),
        ("unknown unit 'U1'", "error"),  # zones[0].units[0]
        ("unknown unit 'U1'", "error"),  # groups[0].home
        ("group T1 has no sampler", "error"),
        ("group T1 has no registrar; a unit it staffs will lack one", "warning"),
        ("group T1 has no order_keeper; a unit it staffs will lack one", "warning"),
        ("group T1 has no disinfector; a unit it staffs will lack one", "warning"),
    ]
    assert [p.loc for p in problems[1:3]] == [("zones", 0, "units", 0), ("groups", 0, "home")]
