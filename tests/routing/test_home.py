"""Home-visit teams on hand-checked towns: trips within the age limit, teams as the day needs.

In the tiny town the special-needs homes are at grid G3 (no location of their own), 2 van minutes
from the station (563 m × 1.3 at 40 km/h, rounded up); a visit takes 10 min.  The lab is 20 min from
the station with a 10-min handover, so a trip may last 240 - 20 - 10 - 60 = 150 min.
"""

from natplan.models.plan import Explanation, HomeTeam
from natplan.models.scenario import Scenario
from natplan.routing.home import plan_home_visits, trip_limit_min


def _changed(tiny, edit) -> Scenario:
    data = tiny.scenario.model_dump()
    edit(data)
    return Scenario.model_validate(data)


def _thirty_at_g3(data: dict) -> None:
    data["special_needs"] = [{"id": f"S{i:02d}", "grid": "G3", "category": "elderly"} for i in range(1, 31)]


def test_trip_limit(tiny):
    assert trip_limit_min(tiny.scenario) == 150

    def far_lab(d):
        d["lab"]["travel_min"] = 150
    assert trip_limit_min(_changed(tiny, far_lab)) == 30  # 240 - 150 - 10 - 60 = 20, but at least 30


def test_trips_keep_the_minutes_a_shared_lab_queue_needs(tiny):
    # a city keeps 20 min of the age limit for its lab's shared queue, 50 for home-visit samples: 240 - 50 - 20 - 10
    # - 60; minutes for all samples alone count too
    def kept(every, home):
        def edit(d):
            d["lab"]["shared_queue_min"], d["lab"]["shared_queue_home_min"] = every, home
        return _changed(tiny, edit)
    assert trip_limit_min(kept(20, 50)) == 100
    assert trip_limit_min(kept(20, None)) == 130
    assert trip_limit_min(kept(40, 10)) == 110  # the home-visit minutes are at least the others'


def test_tiny_town_one_team_one_trip(tiny):
    # leave 08:00, S1 at 08:02, S2 at the same home 08:12, back at 08:22 + 2
    result = plan_home_visits(tiny.scenario)
    assert result.problems == []
    assert result.teams == [HomeTeam(team="H01", people=["S1", "S2"], start=480, end=504, returns_to="station",
                                     stops=[("S1", 482), ("S2", 492)], trips=[(480, 504)])]


def test_no_special_needs_no_teams(tiny):
    result = plan_home_visits(_changed(tiny, lambda d: d.update(special_needs=[])))
    assert (result.teams, result.problems) == ([], [])


def test_trips_fill_to_the_limit_and_teams_take_them_longest_first(tiny):
    # 30 people at one home: a trip of k visits lasts 2 + 10 k + 2 <= 150, so 14, 14 and 2 visits
    # (144, 144 and 24 min). A team's trips end by 12:00 (the deadline less 60 min): the second 144-min
    # trip cannot follow the first (10:34 + 144 min > 12:00), so it takes a second team; the short trip
    # follows the first team's after 10 min at the station.
    result = plan_home_visits(_changed(tiny, _thirty_at_g3))
    assert result.problems == []
    assert [(t.team, t.people, t.trips, t.start, t.end) for t in result.teams] == [
        ("H01", [f"S{i:02d}" for i in (*range(1, 15), 29, 30)], [(480, 624), (634, 658)], 480, 658),
        ("H02", [f"S{i:02d}" for i in range(15, 29)], [(480, 624)], 480, 624),
    ]
    assert result.teams[0].stops[:2] == [("S01", 482), ("S02", 492)]
    assert result.teams[0].stops[14:] == [("S29", 636), ("S30", 646)]


def test_teams_back_after_the_deadline_are_named(tiny):
    def edit(d):
        _thirty_at_g3(d)
        d["parameters"]["deadline"] = "09:30"  # a 144-min trip from 08:00 ends at 10:24
    result = plan_home_visits(_changed(tiny, edit))
    assert [(t.team, len(t.people), t.trips) for t in result.teams] == [
        ("H01", 14, [(480, 624)]), ("H02", 14, [(480, 624)]), ("H03", 2, [(480, 504)])]
    assert result.problems == [
        Explanation(where=f"H0{i}", problem=f"home-visit team H0{i} returns after the deadline",
                    fix="add a home-visit team") for i in (1, 2)]


def test_home_too_far_for_one_trip_is_named_and_the_others_are_visited(tiny):
    def edit(d):
        d["lab"]["travel_min"] = 150  # trips of at most 30 min
        d["special_needs"][0]["location"] = {"lon": 120.1, "lat": 36.01}  # 18 min away: 18 + 10 + 18 > 30
    result = plan_home_visits(_changed(tiny, edit))
    assert result.problems == [Explanation(
        where="S1", problem="home of S1 is too far from the station for one trip within the sample age limit",
        fix="collect it with the nearest unit's courier")]
    assert [(t.people, t.trips) for t in result.teams] == [(["S2"], [(480, 494)])]
