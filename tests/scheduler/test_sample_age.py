"""Sample age under delays: the tiny town's ages by hand, and a hand-built timetable whose vans run late.

The tiny plan (tests/data/tiny.yaml): one courier van; U1's boxes come back at 09:05 and 09:35, U2's at
10:35, 11:05, 11:35, 12:05 and 12:35; shuttles leave at 08:24, 10:54 and 13:24 (every 150 min from the home
visits' box), 20 min to the lab and 10 min to hand over.  U1's oldest swab, 08:31, leaves at 10:54 and is at
the lab at 11:24: 173 min.  U2's box back at 11:05 holds a swab of 10:31 and waits for the 13:24 shuttle:
at the lab 13:54, 203 min.
"""

import numpy as np
import pytest

from natplan.scheduler.sample_age import age_model, factors_needed, planned_unit_ages, worst_ages


@pytest.fixture(scope="module")
def tiny_plan(frozen_tiny_plan) -> dict:
    return frozen_tiny_plan  # the plan these numbers were worked out on, not whatever the planner finds today


def at_factor(model, factor: float, reps: int = 1) -> np.ndarray:
    return worst_ages(model, np.full((reps, factors_needed(model)), factor))


def test_the_plan_times_the_tiny_town_as_worked_out_by_hand(tiny_plan):
    assert planned_unit_ages(tiny_plan) == {"U1": 173.0, "U2": 203.0}


def test_without_variability_every_sample_is_as_old_as_planned(tiny_plan):
    model = age_model(tiny_plan)
    assert model.units == ("U1", "U2")
    assert at_factor(model, 1.0, reps=3).tolist() == [[173.0, 203.0]] * 3


def test_three_times_slower_roads_push_u2_past_the_limit(tiny_plan):
    # every drive × 3: the couriers still make their shuttles (U2's last loop is back at 12:41, before 13:24),
    # but each shuttle needs 60 min to the lab instead of 20: 40 min more for every sample
    assert at_factor(age_model(tiny_plan), 3.0).tolist() == [[213.0, 243.0]]  # U2 over the 240-min limit


# ------------------------------------------------------------------ a hand-built timetable
def timetable(vehicles: int = 2) -> dict:
    """One van, two loops to U1 (10 min out, 10 min back, 2 min handover); shuttles every 30 min from 10:25,
    20 min to the lab, 10 min to hand over."""
    loops = [
        {"depart": 600, "back": 622, "stops": [{"unit": "U1", "time": 610, "tubes": 3, "earliest_swab": 590.0}]},
        {"depart": 630, "back": 652, "stops": [{"unit": "U1", "time": 640, "tubes": 3, "earliest_swab": 615.0}]},
    ]
    trips = [{"depart": 625, "arrive": 655}, {"depart": 655, "arrive": 685}]
    shuttles = {"cadence_min": 30, "round_trip_min": 50, "vehicles_used": vehicles, "trips": trips}
    return {"routing": {"zones": [{"routes": [{"loops": loops}]}], "shuttles": shuttles},
            "staffing": {"home_teams": []}}


def test_the_hand_built_timetable_as_planned():
    # box 1 back 10:22, shuttle 10:25, lab 10:55: 65 min after 09:50; box 2 back 10:52, shuttle 10:55, lab 11:25: 70
    assert planned_unit_ages(timetable()) == {"U1": 70.0}
    assert at_factor(age_model(timetable()), 1.0).tolist() == [[70.0]]


def test_late_pickups_miss_their_shuttles():
    # drives × 1.5: loop 1 at U1 10:15, back 10:32 (misses 10:25); loop 2 leaves 10:32, not 10:30, at U1 10:47,
    # back 11:04 (misses 10:55).  Shuttles 10:55 and 11:25 take 30 min to the lab and 10 to hand over:
    # box 1 at 11:35 (105 min after 09:50), box 2 at 12:05 (110 min after 10:15)
    assert at_factor(age_model(timetable()), 1.5).tolist() == [[110.0]]


def test_a_van_late_on_one_loop_is_late_on_the_next():
    model = age_model(timetable())
    factors = np.ones((1, factors_needed(model)))
    factors[0, 0] = 3.0  # 30 min out on the first loop: at U1 10:30, back 10:42
    # the second loop leaves at 10:42 instead of 10:30: at U1 10:52, back 11:04, so its box misses the 10:55
    # shuttle and reaches the lab at 11:55 (100 min after 10:15); box 1 goes at 10:55 (lab 11:25, 95 min)
    assert worst_ages(model, factors).tolist() == [[100.0]]


def test_a_shuttle_waits_for_its_vehicle():
    # one vehicle for a 50-min round trip every 30 min: it is back from the 10:25 shuttle at 11:15, so
    # box 2 (in at 10:52) leaves at 11:15 and is at the lab at 11:45, 90 min after its swab
    assert at_factor(age_model(timetable(vehicles=1)), 1.0).tolist() == [[90.0]]


def test_factors_of_the_wrong_shape_are_refused():
    model = age_model(timetable())
    with pytest.raises(ValueError, match=r"shape \(replications, 8\)"):
        worst_ages(model, np.ones((1, 3)))
