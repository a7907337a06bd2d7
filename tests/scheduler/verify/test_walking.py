"""verify.walking: distances measured again, by hand; planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py), the exact words.

Tiny: G1 (120.005, 36.005) → U1 (120.005, 36.006) is 0.001° of latitude, 111.2 m, × 1.3 detour = 144.6 m;
G3 (120.011, 36.015) → U2 (120.015, 36.006) is 1,063 m straight, 1,382.5 m walked.
"""

import pytest

from natplan.models.scenario import Scenario
from natplan.scheduler.verify.walking import grids_where_allowed, walk_distances_true, walk_metres, walks_within_limit


def _with(tiny, grid3=None, unit2=None, **parameters) -> Scenario:
    data = tiny.scenario.model_dump()
    data["parameters"].update(parameters)
    data["villages"][0]["grids"][2].update(grid3 or {})
    data["units"][1].update(unit2 or {})
    return Scenario.model_validate(data)


def test_walks_are_measured_by_the_planners_rule(tiny, frozen):
    assert [round(d, 1) for d in walk_metres(tiny.scenario, frozen["assignment"]["parts"])] == [144.6, 144.6, 1382.5]
    for rule in (walks_within_limit, walk_distances_true, grids_where_allowed):
        assert rule(tiny.scenario, frozen) == [], rule.__name__


def test_unknown_places_are_left_to_their_own_rules(tiny, frozen):
    parts = frozen["assignment"]["parts"]
    parts[0]["grid"], parts[1]["unit"] = "G9", "U9"
    assert walk_metres(tiny.scenario, parts)[:2] == [None, None]


def test_a_walk_over_the_limit(tiny, frozen):
    s = _with(tiny, max_walk_m=1000)
    assert walks_within_limit(s, frozen) == ["grid G3 part 1 walks 1.4 km to U2, over the 1,000 m limit"]


def test_a_pinned_grid_may_walk_farther(tiny, frozen):
    assert walks_within_limit(_with(tiny, grid3={"pinned_unit": "U2"}, max_walk_m=1000), frozen) == []


def test_a_pinned_grid_sent_elsewhere(tiny, frozen):
    assert grids_where_allowed(_with(tiny, grid3={"pinned_unit": "U1"}), frozen) == [
        "grid G3 is pinned to U1 but part 1 is sent to U2"]


def test_a_unit_that_takes_only_its_listed_grids(tiny, frozen):
    assert grids_where_allowed(_with(tiny, unit2={"allowed_grids": ["G2"]}), frozen) == [
        "grid G3 part 1 is sent to U2, which takes only its listed grids"]


@pytest.mark.parametrize("stated, named", [
    (1382.0, []),  # rounding
    (100.0, ["grid G3 part 1: the plan says 100 m to U2, it is 1,383 m"]),
])
def test_a_stated_walk_must_be_the_measured_one(tiny, frozen, stated, named):
    frozen["assignment"]["parts"][2]["distance_m"] = stated
    assert walk_distances_true(tiny.scenario, frozen) == named
