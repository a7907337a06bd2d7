"""Tests for natplan.routing.vrptw.checks: input errors are short ValueErrors raised before solving,
and the pre-check names the visits no vehicle can serve, with the reason."""

from __future__ import annotations

import numpy as np
import pytest

from natplan.routing.vrptw import Vehicle, VrptwData, solve_vrptw
from natplan.routing.vrptw.checks import check_arguments, fmt_time, precheck, validate
from tests.routing.vrptw.conftest import replace, tiny

# ---------------------------------------------------------------------------
# input errors are short ValueErrors raised before solving
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(tw_open=np.array([0, 0, 0, 50, 30, 0]), tw_close=np.array([200, 200, 25, 40, 40, 200])),
         "time window of visit 3 closes before it opens"),
        (dict(vehicles=(Vehicle(0, 0), Vehicle(0, 0), Vehicle(0, 9))), "vehicle 2 has no depot"),
        (dict(demand=np.array([0, 1, 2])), "demand has shape (3,), expected (6,)"),
        (dict(time=np.zeros((6, 5), dtype=int)), "time must be a square matrix"),
        (dict(vehicles=()), "no vehicles"),
        (dict(visits=np.array([1, 0])), "visit 0 is a vehicle's depot"),
        (dict(pickup_delivery=((1, 1),)), "pickup and delivery of pair (1, 1) are the same location"),
        (dict(pickup_delivery=((1, 2),)),
         "engine 'pyvrp' does not take pickup-delivery pairs; use 'ortools' or 'auto'"),
    ],
)
def test_bad_input_raises(change, message):
    with pytest.raises(ValueError) as exc:
        solve_vrptw(replace(tiny(), **change), engine="pyvrp" if change.get("pickup_delivery") == ((1, 2),) else "auto")
    assert str(exc.value) == message


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(service=np.array([0, 5, -1, 5, 5, 5])), "service time of location 2 is negative"),
        (dict(time=np.full((6, 6), 1.5)), "time must hold integers"),
        (dict(distance=-np.ones((6, 6), dtype=int)), "distance has negative entries"),
        (dict(demand=np.array([0, 3, -3, 4, 4, 2])), "demand of visit 2 is negative"),
        (dict(vehicles=(Vehicle(0, 0, capacity=-1),)), "vehicle 0 has negative capacity"),
        (dict(vehicles=(Vehicle(0, 0, shift_start=10, shift_end=5),)), "shift of vehicle 0 ends before it starts"),
        (dict(visits=np.array([1, 1])), "visits lists a location twice"),
        (dict(visits=np.array([1, 7])), "visit 7 is not a location"),
        (dict(visits=np.array([1, 2]), pickup_delivery=((1, 3),)), "pickup-delivery location 3 is not a visit"),
        (dict(pickup_delivery=((1, 2), (2, 3))), "location 2 is in two pickup-delivery pairs"),
        (dict(drop_penalty=-1), "drop_penalty is negative"),
        (dict(names=("depot", "a")), "names has 2 entries, expected 6"),
    ],
)
def test_validate_names_the_first_fault(change, message):
    with pytest.raises(ValueError) as exc:
        validate(replace(tiny(), **change))
    assert str(exc.value) == message


def test_validate_returns_int_arrays_and_mandatory_penalties():
    c = validate(replace(tiny(), distance=None, demand=np.array([0.0, 3.0, 3.0, 4.0, 4.0, 2.0])))
    assert c.demand.dtype == np.int64 and c.demand.tolist() == [0, 3, 3, 4, 4, 2]
    assert c.dist is c.time  # no distance: time is the arc cost
    assert c.visits.tolist() == [1, 2, 3, 4, 5]  # every location but the depot
    assert c.penalty.tolist() == [-1] * 6  # no drop_penalty: mandatory


@pytest.mark.parametrize(
    "objective, time_limit, deterministic, message",
    [("fastest", 1.0, False, "unknown objective 'fastest'"),
     ("distance", 0.0, False, "time_limit must be positive")],
)
def test_check_arguments(objective, time_limit, deterministic, message):
    with pytest.raises(ValueError) as exc:
        check_arguments(objective, time_limit, deterministic)
    assert str(exc.value) == message


def test_a_deterministic_run_needs_no_time_limit():
    check_arguments("vehicles_then_distance", 0.0, True)  # no error


# ---------------------------------------------------------------------------
# the pre-check
# ---------------------------------------------------------------------------


def line(d0: list[int], **kw) -> VrptwData:
    """Locations on a line at the given distances from depot 0."""
    x = np.array(d0)
    t = np.abs(x[:, None] - x[None, :])
    n = len(x)
    fields = dict(time=t, distance=None, demand=np.zeros(n, int), service=np.zeros(n, int),
                  tw_open=np.zeros(n, int), tw_close=np.full(n, 1000), vehicles=(Vehicle(0, 0),))
    fields.update(kw)
    return VrptwData(**fields)


def test_precheck_names_each_visit_no_vehicle_can_serve_with_its_reason():
    # visit 1: 30 away, window closes at 20; visit 2: demand 25 above both vans; visit 3: demand 15, 40
    # away: only van B carries it, and B's shift ends at 60, before it is back (80); visit 4 is fine.
    data = line([0, 30, 10, 40, 5],
                demand=np.array([0, 0, 25, 15, 1]),
                tw_close=np.array([1000, 20, 1000, 1000, 1000]),
                vehicles=(Vehicle(0, 0, capacity=10), Vehicle(0, 0, capacity=20, shift_end=60)))
    assert precheck(data, validate(data)) == {
        1: "window 00:00\u201300:20 cannot be reached from depot within the shift",
        2: "capacity: demand above every vehicle's capacity",
        3: "capacity and window: no vehicle both large enough and able to reach it in time",
    }


def test_precheck_counts_depot_service_shift_start_and_the_way_back():
    # visit 1, 5 away with window [0, 7]: the van starts at 0, spends 3 at the depot, is there at 8
    data = line([0, 5], service=np.array([3, 0]), tw_close=np.array([1000, 7]))
    assert precheck(data, validate(data)) == {1: "window 00:00\u201300:07 cannot be reached from depot within the shift"}
    # without the depot service it is reached at 5
    data = replace(data, service=np.array([0, 0]))
    assert precheck(data, validate(data)) == {}
    # a shift starting at 3 is the same as the depot service
    data = replace(data, vehicles=(Vehicle(0, 0, shift_start=3),))
    assert set(precheck(data, validate(data))) == {1}
    # reached in time, but 10 minutes of service and 5 back end at 20, after the shift's end at 19
    data = replace(data, service=np.array([0, 10]), vehicles=(Vehicle(0, 0, shift_end=19),),
                   tw_close=np.array([1000, 1000]))
    assert precheck(data, validate(data)) == {1: "window 00:00\u201316:40 cannot be reached from depot within the shift"}


def test_precheck_fails_the_partner_of_a_failed_pair():
    data = line([0, 5, 50, 6, 7], demand=np.array([0, 1, -1, 1, -1]), tw_close=np.array([1000, 1000, 20, 1000, 1000]),
                pickup_delivery=((1, 2), (3, 4)))
    assert precheck(data, validate(data)) == {
        2: "window 00:00\u201300:20 cannot be reached from depot within the shift",
        1: "its delivery 2 cannot be served",
    }


def test_fmt_time_reads_minutes():
    assert [fmt_time(x) for x in (0, 75, 1439, 5999, 6000, -5)] == ["00:00", "01:15", "23:59", "99:59", "6000", "-5"]
