"""The queue simulation: hand-worked queues, queueing theory (Erlang C, the fluid model), a plan replayed.

The tiny plan (see tests/scheduler/test_staffing.py) opens U1 08:30-09:30 with 100 people and U2
10:00-12:30 with 248 people, one desk each, 0.6 min a swab.
"""

import numpy as np
import pytest

from natplan.models.scenario import Scenario
from natplan.scheduler.simulate import Behaviour, QueueRun, erlang_c_wait, simulate_plan, simulate_queue
from natplan.scheduler.slots import fluid_queue
from tests.scheduler.conftest import tiny_with

PUNCTUAL = Behaviour(lateness_mean_min=0.0, lateness_sd_min=0.0, no_show=0.0, service_cv=0.0)


@pytest.fixture(scope="module")
def tiny_plan(frozen_tiny_plan) -> dict:
    return frozen_tiny_plan  # the plan these numbers were worked out on, not whatever the planner finds today


# ------------------------------------------------------------------ simulate_queue, by hand
def test_three_at_once_at_one_desk():
    run = simulate_queue(np.zeros(3), np.full(3, 2.0), [(0.0, 1)])
    # served 0-2, 2-4, 4-6; waits 0 + 2 + 4; all three count as waiting the moment they arrive
    assert (run.peak_queue, run.finish, run.mean_wait) == (3, 6.0, 2.0)


def test_nobody_is_served_before_the_unit_opens():
    run = simulate_queue(np.zeros(3), np.full(3, 2.0), [(0.0, 1)], open_at=10)
    assert (run.finish, run.mean_wait) == (16.0, 12.0)  # 10-12, 12-14, 14-16; waits 10 + 12 + 14


def test_swab_times_follow_the_arrival_order():
    # arrivals sorted 0, 2, 4 take 1, 5, 1 min: 0-1, 2-7, 7-8 (the third waits 3 min)
    run = simulate_queue(np.array([4.0, 0.0, 2.0]), np.array([1.0, 5.0, 1.0]), [(0.0, 1)])
    assert (run.peak_queue, run.finish, run.mean_wait) == (1, 8.0, 1.0)


def test_a_desk_on_break_is_taken_after_the_swab_in_progress():
    # 6 people at 0, 6 min each, 2 desks; from minute 5 one desk is on break until 100: the break waits
    # for the swabs of 0-6, then one desk serves 6-12, 12-18, 18-24, 24-30
    run = simulate_queue(np.zeros(6), np.full(6, 6.0), [(0.0, 2), (5.0, 1), (100.0, 2)])
    assert (run.peak_queue, run.finish, run.mean_wait) == (6, 30.0, 10.0)
    both = simulate_queue(np.zeros(6), np.full(6, 6.0), [(0.0, 2)])
    assert (both.finish, both.mean_wait) == (18.0, 6.0)  # without the break: 0-6, 6-12, 12-18 in pairs


def test_no_arrivals():
    assert simulate_queue(np.zeros(0), np.zeros(0), [(0.0, 1)], open_at=510) == QueueRun(0, 510, 0.0)


# ------------------------------------------------------------------ against theory
def test_erlang_c_known_values():
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)  # M/M/1: rho / (mu - lambda)
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)  # M/M/2 at load 0.5: C = 1/3, wait C / (2 - 1)
    assert erlang_c_wait(2.1, 1.0, 3) == pytest.approx(0.5470, abs=1e-4)
    assert erlang_c_wait(2.0, 1.0, 2) == float("inf")  # load 1: the queue grows without end


def test_simulation_of_steady_rates_matches_the_fluid_model():
    # 300 people evenly over an hour, 3 desks of 0.75 min a swab: 4 a minute against 5 arriving
    arrivals = np.linspace(0, 60, 300, endpoint=False)
    run = simulate_queue(arrivals, np.full(300, 0.75), [(0.0, 3)])
    fluid = fluid_queue(0, 240, [(0, 60, 300)])
    assert abs(run.peak_queue - fluid.peak) <= 2
    assert abs(run.finish - fluid.finish) <= 1


def test_mmc_queue_matches_erlang_c():
    rng = np.random.default_rng(0)
    lam, mu, c, n = 2.1, 1.0, 3, 60_000  # load 0.7: Erlang C gives a mean wait of 0.547 min
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    run = simulate_queue(arrivals, rng.exponential(1 / mu, n), [(0.0, c)])
    assert run.mean_wait == pytest.approx(erlang_c_wait(lam, mu, c), rel=0.10)


# ------------------------------------------------------------------ simulate_plan
def test_plan_simulation_is_seeded(tiny, tiny_plan):
    a = simulate_plan(tiny.scenario, tiny_plan, runs=5, seed=3)
    b = simulate_plan(tiny.scenario, tiny_plan, runs=5, seed=3)
    assert a == b
    assert [r.unit for r in a] == ["U1", "U2"]
    assert all(0 <= r.p_late <= 1 for r in a)


def test_nobody_comes(tiny, tiny_plan):
    # everyone a no-show: no queue, and each unit is "done" when it opens
    rows = simulate_plan(tiny.scenario, tiny_plan, runs=3, behaviour=Behaviour(no_show=1.0))
    assert [(r.unit, r.peak_p95, r.finish_p50, r.finish_p95, r.p_late) for r in rows] == [
        ("U1", 0.0, 510.0, 510.0, 0.0), ("U2", 0.0, 600.0, 600.0, 0.0)]
    # the plan's own figures are carried beside the simulated ones
    assert [(r.planned_peak, r.planned_finish) for r in rows] == [(25.0, 570.0), (25.0, 749.5)]


def test_unit_that_cannot_finish_by_an_earlier_deadline_is_late_in_every_run(tiny, tiny_plan):
    # U2's 248 people at 0.6 min each from 10:00 need at least 148.8 min: never done by 12:00;
    # U1's last 25 come by 09:30 and are done by 09:45
    s = tiny_with(tiny, parameters__deadline=12 * 60)
    rows = simulate_plan(s, tiny_plan, runs=5, behaviour=PUNCTUAL)
    assert [(r.unit, r.p_late) for r in rows] == [("U1", 0.0), ("U2", 1.0)]
    assert 600 + 248 * 0.6 <= rows[1].finish_p50 <= rows[1].finish_p95


def test_small_waiting_room_is_passed_in_every_run(tiny, tiny_plan):
    # 75 people come to U1 in 08:30-09:00 and at most 51 are called to the desk by then: 24 still wait
    data = tiny.scenario.model_dump()
    data["units"][0]["waiting_room"] = 5
    rows = simulate_plan(Scenario.model_validate(data), tiny_plan, runs=5, behaviour=PUNCTUAL)
    assert [(r.unit, r.p_over_room) for r in rows] == [("U1", 1.0), ("U2", 0.0)]
    assert rows[0].peak_p50 >= 24
