"""Held–Karp loops over every subset: the same times and orders as trying every order."""

import itertools

import numpy as np
import pytest

from natplan.routing.tours import EXACT_MAX, HANDOVER_S, popcounts, subset_tours


def _plane(seed: int, n: int) -> np.ndarray:
    pts = np.random.default_rng(seed).uniform(0, 10, (n + 1, 2))
    return np.ceil(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * 60).astype(np.int64)


def test_popcounts():
    assert popcounts(3).tolist() == [0, 1, 1, 2, 1, 2, 2, 3]


@pytest.mark.parametrize("seed", range(6))
def test_every_subset_takes_its_shortest_loop(seed):
    n = 1 + seed % 6
    t = _plane(seed, n)
    tours = subset_tours(t, 0, list(range(1, n + 1)))
    assert tours.seconds[0] == 0
    for mask in range(1, 1 << n):
        units = [k + 1 for k in range(n) if mask >> k & 1]
        best = min(sum(int(t[a, b]) for a, b in zip([0, *p], [*p, 0])) for p in itertools.permutations(units))
        assert tours.seconds[mask] == best + HANDOVER_S * len(units)
        order = [tours.members[k] for k in tours.order(mask)]
        assert sorted(order) == units
        assert sum(int(t[a, b]) for a, b in zip([0, *order], [*order, 0])) == best


def test_a_line_is_driven_out_and_back():
    # three units 1, 2 and 3 minutes east of the base: out to the farthest and back, 6 min of driving
    t = np.array([[0, 60, 120, 180], [60, 0, 60, 120], [120, 60, 0, 60], [180, 120, 60, 0]])
    tours = subset_tours(t, 0, [1, 2, 3])
    assert tours.seconds[0b111] == 360 + 3 * HANDOVER_S
    assert tours.order(0b111) in ([0, 1, 2], [2, 1, 0])
    assert tours.seconds[0b101] == 360 + 2 * HANDOVER_S  # units 1 and 3: the same drive


def test_too_many_units_or_the_base_among_them_is_refused():
    t = np.zeros((EXACT_MAX + 2, EXACT_MAX + 2), dtype=np.int64)
    with pytest.raises(ValueError, match="at most 12"):
        subset_tours(t, 0, list(range(1, EXACT_MAX + 2)))
    with pytest.raises(ValueError, match="base"):
        subset_tours(t, 1, [1, 2])
