"""verify.references: planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py describes it), the exact
words.  The tiny town has units U1 and U2, group T1 (采样员甲 and 采样员乙 are its samplers), station vehicle V1,
special-needs people S1 and S2 (home-visit team H01 visits both), one zone Z1."""

from natplan.models.scenario import Scenario
from natplan.scheduler.verify import verify, violations
from natplan.scheduler.verify.references import (
    groups_and_members_known,
    home_stops_match_lists,
    special_needs_known,
    units_known,
    vehicles_known,
)


def test_the_good_plan_names_only_what_exists(tiny, frozen):
    for rule in (units_known, groups_and_members_known, vehicles_known, special_needs_known, home_stops_match_lists):
        assert rule(tiny.scenario, frozen) == [], rule.__name__


def test_a_unit_that_does_not_exist(tiny, frozen):
    frozen["assignment"]["parts"][0]["unit"] = "U99"
    frozen["staffing"]["visits"][0]["unit"] = "U99"
    assert units_known(tiny.scenario, frozen) == [
        "grid G1 part 1 is sent to unit U99, which the scenario does not have",
        "group T1 visits unit U99, which the scenario does not have"]
    # reported as such, not as a crash of the rules that look units up
    assert {v.rule for v in violations(tiny.scenario, frozen)} == {"units_known"}


def test_a_courier_collecting_outside_its_zone(tiny, frozen):
    data = tiny.scenario.model_dump()
    data["zones"] = [{**data["zones"][0], "units": ["U1"]}, {**data["zones"][0], "id": "Z2", "units": ["U2"]}]
    data["fleet"] = {**data["fleet"], "move_units": False}  # with moves allowed, Z1 may take U2 (the plan lists it)
    two_zones = Scenario.model_validate(data)
    assert units_known(two_zones, frozen) == ["courier Z1-1 of zone Z1 collects unit U2, which is not in that zone"]


def test_groups_and_members_that_do_not_exist(tiny, frozen):
    shift = next(x for x in frozen["staffing"]["shifts"] if x["member"] == "采样员甲")
    frozen["staffing"]["shifts"] += [dict(shift, member="张三"), dict(shift, group="T7")]
    frozen["staffing"]["visits"][1]["group"] = "T9"
    assert groups_and_members_known(tiny.scenario, frozen) == [
        "group T9 visits U2, but the scenario has no group T9",
        "张三 has a roster in group T1 but is not one of its members",
        "采样员甲 has a roster in group T7, which the scenario does not have"]


def test_a_member_in_another_role(tiny, frozen):
    for x in frozen["staffing"]["shifts"]:
        if x["member"] == "采样员乙":
            x["role"] = "lead"
    assert groups_and_members_known(tiny.scenario, frozen) == ["采样员乙 (T1) is rostered as lead but is sampler"]


def test_vehicles_that_do_not_exist(tiny, frozen):
    frozen["routing"]["shuttles"]["trips"][0]["vehicle"] = "V9"
    frozen["routing"]["zones"][0]["routes"].append(dict(frozen["routing"]["zones"][0]["routes"][0], loops=[]))
    assert vehicles_known(tiny.scenario, frozen) == ["a shuttle is driven by vehicle V9, which the station does not have",
                                                   "courier vehicle Z1-1 has more than one route in zone Z1"]


def test_a_home_visit_to_someone_not_on_the_list(tiny, frozen):
    team = frozen["staffing"]["home_teams"][0]
    team["people"][1] = team["stops"][1][0] = "S9"
    assert special_needs_known(tiny.scenario, frozen) == [
        "home-visit team H01 visits S9, who is not on the special-needs list"]


def test_home_stops_and_lists_disagree(tiny, frozen):
    team = frozen["staffing"]["home_teams"][0]
    team["stops"].pop()  # S2 still listed
    assert home_stops_match_lists(tiny.scenario, frozen) == ["home-visit team H01 lists S2 but never stops there"]
    team["stops"] += [list(team["stops"][0]), list(team["stops"][0])]
    assert home_stops_match_lists(tiny.scenario, frozen) == [
        "home-visit team H01 lists S2 but never stops there",
        "home-visit team H01 stops at S1 2 times more than it lists them"]


def test_verify_reports_the_gate_alone(tiny, frozen):
    frozen["routing"]["shuttles"]["trips"][0]["vehicle"] = "V9"
    frozen["assignment"]["parts"][0]["people"] += 5  # people_exactly_once, not reached
    assert verify(tiny.scenario, frozen) == ["a shuttle is driven by vehicle V9, which the station does not have"]


def test_a_roster_line_where_the_group_is_not(tiny, frozen):
    from natplan.scheduler.verify.references import shifts_within_visits

    assert shifts_within_visits(tiny.scenario, frozen) == []
    shift = next(x for x in frozen["staffing"]["shifts"] if x["member"] == "采样员甲" and x["unit"] == "U1")
    shift["unit"] = "U2"  # T1 is at U2 only from 09:40
    assert shifts_within_visits(tiny.scenario, frozen) == [
        f"采样员甲 (T1) is rostered at U2 08:{shift['start'] - 480:02d}–{shift['end'] // 60:02d}:{shift['end'] % 60:02d}, "
        "when group T1 is not there"]
