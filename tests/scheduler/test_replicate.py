"""Replications of a round: the fast engine against the SimPy reference in distribution, seeding, workers.

The distribution checks run the tiny plan at two desks a unit of 50 swabs an hour each (the planned 100 an
hour), so that U2's gear changes (one sampler away 10:55-11:10, the other 11:15-11:30) take a desk away
while people wait: the break process is exercised, not only the queue.
"""

import math

import numpy as np
import pytest

from natplan.models.scenario import Scenario
from natplan.scheduler.replicate import replicate, simulate_round
from natplan.scheduler.simulate import Behaviour

RUNS = 2000
STILL = Behaviour(lateness_mean_min=0.0, lateness_sd_min=0.0, no_show=0.0, service_cv=0.0, travel_cv=0.0)


@pytest.fixture(scope="module")
def tiny_plan(frozen_tiny_plan) -> dict:
    return frozen_tiny_plan  # the plan these numbers were worked out on, not whatever the planner finds today


@pytest.fixture(scope="module")
def two_desks(tiny) -> Scenario:
    data = tiny.scenario.model_dump()
    data["parameters"]["throughput_per_desk_per_hour"] = 50
    for u in data["units"]:
        u["desks"] = 2
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def engines(two_desks, tiny_plan):
    """2,000 replications with each engine, from different seeds (independent samples)."""
    return (replicate(two_desks, tiny_plan, runs=RUNS, seed=1, engine="fast", workers=2),
            replicate(two_desks, tiny_plan, runs=RUNS, seed=2, engine="simpy", workers=2))


def quantile_interval(sample: np.ndarray, q: float, z: float = 5.0) -> tuple[float, float]:
    """Distribution-free interval for the q-quantile: the order statistics z standard errors either side."""
    x = np.sort(sample)
    n = len(x)
    half = z * math.sqrt(n * q * (1 - q))
    return x[max(0, math.floor(n * q - half))], x[min(n - 1, math.ceil(n * q + half))]


def ks_two_sample(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Kolmogorov–Smirnov two-sample statistic and its asymptotic p-value (Numerical Recipes' ``kstwo``)."""
    a, b = np.sort(a), np.sort(b)
    both = np.concatenate([a, b])
    d = float(np.max(np.abs(np.searchsorted(a, both, side="right") / len(a)
                            - np.searchsorted(b, both, side="right") / len(b))))
    en = math.sqrt(len(a) * len(b) / (len(a) + len(b)))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 1e-3:
        return d, 1.0
    p = 2 * sum((-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam) for j in range(1, 101))
    return d, min(1.0, max(0.0, p))


def test_the_ks_helper_on_known_samples():
    rng = np.random.default_rng(0)
    assert ks_two_sample(np.arange(10.0), np.arange(10.0)) == (0.0, 1.0)
    assert ks_two_sample(rng.normal(0, 1, 2000), rng.normal(0.3, 1, 2000))[1] < 1e-6  # a shift of 0.3 sd
    d, p = ks_two_sample(rng.normal(0, 1, 2000), rng.normal(0, 1, 2000))
    assert d < 0.05 and p > 0.01


# ------------------------------------------------------------------ the engines agree in distribution
@pytest.mark.parametrize("figure", ["peak", "finish"])
@pytest.mark.parametrize("q", [0.5, 0.95])
def test_p50_and_p95_agree_within_monte_carlo_error(engines, figure, q):
    fast, ref = engines
    assert fast.units == ref.units == ("U1", "U2")
    for k in range(len(fast.units)):
        a, b = getattr(fast, figure)[:, k], getattr(ref, figure)[:, k]
        lo, hi = quantile_interval(b, q)
        assert lo <= np.quantile(a, q) <= hi
        lo, hi = quantile_interval(a, q)
        assert lo <= np.quantile(b, q) <= hi


def test_ks_does_not_reject_equal_finish_distributions(engines):
    fast, ref = engines
    for k in range(len(fast.units)):
        assert ks_two_sample(fast.finish[:, k], ref.finish[:, k])[1] > 0.001


def test_mean_waits_agree(engines):
    fast, ref = engines
    for k in range(len(fast.units)):
        se = math.hypot(fast.wait[:, k].std(), ref.wait[:, k].std()) / math.sqrt(RUNS)
        assert abs(fast.wait[:, k].mean() - ref.wait[:, k].mean()) < 5 * se


# ------------------------------------------------------------------ seeding and workers
def test_the_numbers_do_not_depend_on_the_workers(two_desks, tiny_plan):
    for engine in ("fast", "simpy"):
        one = replicate(two_desks, tiny_plan, runs=60, seed=5, engine=engine, workers=1)
        two = replicate(two_desks, tiny_plan, runs=60, seed=5, engine=engine, workers=2)
        three = replicate(two_desks, tiny_plan, runs=60, seed=5, engine=engine, workers=3)
        for k in ("peak", "finish", "wait", "age"):
            assert np.array_equal(getattr(one, k), getattr(two, k))
            assert np.array_equal(getattr(one, k), getattr(three, k))


def test_a_replication_is_the_same_in_a_longer_series(tiny, tiny_plan):
    short = replicate(tiny.scenario, tiny_plan, runs=7, seed=3, workers=1)
    long = replicate(tiny.scenario, tiny_plan, runs=30, seed=3, workers=2)
    for k in ("peak", "finish", "wait", "age"):
        assert np.array_equal(getattr(short, k), getattr(long, k)[:7])


def test_seeded(tiny, tiny_plan):
    a = simulate_round(tiny.scenario, tiny_plan, runs=20, seed=3, workers=1)
    assert a == simulate_round(tiny.scenario, tiny_plan, runs=20, seed=3, workers=1)
    assert a != simulate_round(tiny.scenario, tiny_plan, runs=20, seed=4, workers=1)


def test_progress_counts_the_runs(tiny, tiny_plan):
    seen = []
    simulate_round(tiny.scenario, tiny_plan, runs=50, workers=2,
                   progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (50, 50) and [d for d, _ in seen] == sorted(d for d, _ in seen)


# ------------------------------------------------------------------ the round's rows
def test_a_still_day_keeps_the_plans_ages_and_nobody_waits_long(tiny, tiny_plan):
    sim = simulate_round(tiny.scenario, tiny_plan, runs=10, behaviour=STILL, workers=1)
    assert [(a.unit, a.planned, a.age_p50, a.age_p95, a.p_over_limit) for a in sim.ages] == [
        ("U1", 173.0, 173.0, 173.0, 0.0), ("U2", 203.0, 203.0, 203.0, 0.0)]
    assert sim.age_limit == 240 and sim.worst_age().unit == "U2"
    # one desk, 0.6 min a swab from the opening: U1's 100 people need until 09:30 at least, U2's 248 until 12:28.8
    assert [r.p_late for r in sim.units] == [0.0, 0.0]
    assert sim.units[0].finish_p50 >= 510 + 100 * 0.6 and sim.units[1].finish_p50 >= 600 + 248 * 0.6


def test_roads_three_times_slower_put_u2_over_the_age_limit(tiny, tiny_plan):
    slow = Behaviour(travel_cv=0.0, travel_factor=3.0)  # see tests/scheduler/test_sample_age.py
    sim = simulate_round(tiny.scenario, tiny_plan, runs=5, behaviour=slow, workers=1)
    assert [(a.unit, a.age_p95, a.p_over_limit) for a in sim.ages] == [("U1", 213.0, 0.0), ("U2", 243.0, 1.0)]


def test_everyone_a_no_show_with_the_fast_engine(tiny, tiny_plan):
    sim = simulate_round(tiny.scenario, tiny_plan, runs=3, behaviour=Behaviour(no_show=1.0), workers=1)
    assert [(r.unit, r.peak_p95, r.finish_p50, r.finish_p95, r.p_late, r.mean_wait) for r in sim.units] == [
        ("U1", 0.0, 510.0, 510.0, 0.0, 0.0), ("U2", 0.0, 600.0, 600.0, 0.0, 0.0)]


@pytest.mark.parametrize("kw, message", [
    ({"engine": "numba"}, "engine must be one of fast, simpy, not 'numba'"),
    ({"runs": 0}, "runs must be at least 1"),
    ({"workers": 0}, "workers must be at least 1"),
    ({"seed": -1}, "seed must be 0 or more"),
])
def test_bad_arguments(tiny, tiny_plan, kw, message):
    with pytest.raises(ValueError, match=message):
        simulate_round(tiny.scenario, tiny_plan, **kw)
