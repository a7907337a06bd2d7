"""The queue as a recursion over sorted arrivals: hand-worked days, the SimPy model run by run, Erlang C.

The hand-worked days are those of tests/scheduler/test_simulate.py, so both engines answer them alike.
"""

import numpy as np
import pytest

from natplan.scheduler.simulate import erlang_c_wait, simulate_queue
from natplan.scheduler.simulate_fast import break_actions, queue_days


def one_day(arrivals, swabs, desks, open_at=0.0):
    """queue_days on a single replication, given in any order like simulate_queue takes it."""
    order = np.argsort(arrivals, kind="stable")
    days = queue_days(np.asarray(arrivals, float)[order][None, :], np.asarray(swabs, float)[None, :], desks, open_at)
    return int(days.peak_queue[0]), float(days.finish[0]), float(days.mean_wait[0])


# ------------------------------------------------------------------ by hand
def test_three_at_once_at_one_desk():
    # served 0-2, 2-4, 4-6; waits 0 + 2 + 4; all three count as waiting the moment they arrive
    assert one_day(np.zeros(3), np.full(3, 2.0), [(0.0, 1)]) == (3, 6.0, 2.0)


def test_nobody_is_served_before_the_unit_opens():
    assert one_day(np.zeros(3), np.full(3, 2.0), [(0.0, 1)], open_at=10)[1:] == (16.0, 12.0)


def test_swab_times_follow_the_arrival_order():
    # arrivals sorted 0, 2, 4 take 1, 5, 1 min: 0-1, 2-7, 7-8 (the third waits 3 min)
    assert one_day(np.array([4.0, 0.0, 2.0]), np.array([1.0, 5.0, 1.0]), [(0.0, 1)]) == (1, 8.0, 1.0)


def test_a_desk_on_break_is_taken_after_the_swab_in_progress():
    # 6 people at 0, 6 min each, 2 desks; from minute 5 one desk is on break until 100: the break waits
    # for the swabs of 0-6, then one desk serves 6-12, 12-18, 18-24, 24-30
    assert one_day(np.zeros(6), np.full(6, 6.0), [(0.0, 2), (5.0, 1), (100.0, 2)]) == (6, 30.0, 10.0)
    assert one_day(np.zeros(6), np.full(6, 6.0), [(0.0, 2)])[1:] == (18.0, 6.0)


def test_a_desk_back_from_its_break_calls_the_next_in_line():
    # one desk, 2 min a swab, 4 people at 0; the only desk is away 1-5 (its swab of 0-2 is finished first):
    # 0-2, then the break holds it 2-5, then 5-7, 7-9, 9-11
    assert one_day(np.zeros(4), np.full(4, 2.0), [(0.0, 1), (1.0, 0), (5.0, 1)]) == (4, 11.0, (0 + 5 + 7 + 9) / 4)


def test_nobody_came():
    days = queue_days(np.full((2, 3), np.inf), np.ones((2, 3)), [(0.0, 1)], open_at=510)
    assert days.peak_queue.tolist() == [0, 0] and days.finish.tolist() == [510, 510]
    assert days.mean_wait.tolist() == [0, 0]


def test_break_actions_of_staggered_gear_changes():
    # 3 desks; one sampler away 60-75, another 75-90; all back at 90: take one at 60, at 75 still one away
    brk = break_actions([(0.0, 3), (60.0, 2), (75.0, 2), (90.0, 3)])
    assert brk.top == 3 and brk.times.tolist() == [60.0, 90.0] and brk.kinds.tolist() == [1, -1]
    brk = break_actions([(0.0, 1), (10.0, 3), (50.0, 1), (80.0, 3)])  # from 1 desk up to 3 and down again
    assert brk.times.tolist() == [0.0, 0.0, 10.0, 10.0, 50.0, 50.0, 80.0, 80.0]
    assert brk.kinds.tolist() == [1, 1, -1, -1, 1, 1, -1, -1]
    assert break_actions([(0.0, 2), (30.0, 2)]).times.size == 0  # never fewer desks: no break process


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError, match="one shape"):
        queue_days(np.zeros((2, 3)), np.zeros((2, 4)), [(0.0, 1)])
    with pytest.raises(ValueError, match="sorted"):
        queue_days(np.array([[2.0, 1.0]]), np.ones((1, 2)), [(0.0, 1)])


# ------------------------------------------------------------------ against the SimPy model, run by run
def random_days(rng, reps=4):
    """Random days with desks leaving and coming back, people before the opening, and no-shows."""
    n = int(rng.integers(0, 50))
    arrivals = rng.uniform(0, 60, (reps, n))
    arrivals[rng.random((reps, n)) < 0.1] = np.inf
    swabs = rng.lognormal(0, 0.5, (reps, n)) * rng.uniform(0.5, 3)
    top = int(rng.integers(1, 5))
    desks = [(float(t), int(rng.integers(0, top + 1))) for t in np.sort(rng.uniform(-5, 80, int(rng.integers(0, 6))))]
    if desks:
        desks[-1] = (desks[-1][0], max(c for _, c in desks))  # the unit has all its desks at the end
    return np.sort(arrivals, axis=1), swabs, desks, float(rng.uniform(-5, 20))


@pytest.mark.parametrize("seed", range(40))
def test_every_run_is_the_simpy_run(seed):
    rng = np.random.default_rng(seed)
    for _ in range(5):
        arrivals, swabs, desks, open_at = random_days(rng)
        fast = queue_days(arrivals, swabs, desks, open_at)
        for r in range(len(arrivals)):
            came = np.isfinite(arrivals[r])
            ref = simulate_queue(arrivals[r][came], swabs[r][:came.sum()], desks, open_at)
            assert fast.peak_queue[r] == ref.peak_queue
            assert fast.finish[r] == pytest.approx(ref.finish, abs=1e-9)
            assert fast.mean_wait[r] == pytest.approx(ref.mean_wait, abs=1e-9)


def test_a_replication_does_not_depend_on_the_others_beside_it():
    arrivals, swabs, desks, open_at = random_days(np.random.default_rng(7), reps=9)
    together = queue_days(arrivals, swabs, desks, open_at)
    for r in range(9):
        alone = queue_days(arrivals[r:r + 1], swabs[r:r + 1], desks, open_at)
        assert (alone.peak_queue[0], alone.finish[0], alone.mean_wait[0]) == (
            together.peak_queue[r], together.finish[r], together.mean_wait[r])


# ------------------------------------------------------------------ against theory
def test_mmc_queue_matches_erlang_c():
    # test_simulate.py's M/M/3 at load 0.7: Erlang C gives a mean wait of 0.547 min
    rng = np.random.default_rng(0)
    lam, mu, c, n = 2.1, 1.0, 3, 60_000
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    swabs = rng.exponential(1 / mu, n)
    days = queue_days(arrivals[None, :], swabs[None, :], [(0.0, c)])
    assert days.mean_wait[0] == pytest.approx(erlang_c_wait(lam, mu, c), rel=0.10)
    assert days.mean_wait[0] == pytest.approx(simulate_queue(arrivals, swabs, [(0.0, c)]).mean_wait, rel=1e-9)
