"""Fewest vehicles' loops for every subset: the same as trying every partition; vehicles taking turns."""

import numpy as np
import pytest

from natplan.routing.cover import BIG, cover_bound, cover_table, loops_within, vehicles_for
from natplan.routing.tours import subset_tours


def _plane(seed: int, n: int) -> np.ndarray:
    pts = np.random.default_rng(seed).uniform(0, 10, (n + 1, 2))
    return np.ceil(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * 60).astype(np.int64)


def _fewest(seconds, limit, mask):
    """Every partition of ``mask`` into loops within ``limit``: the fewest parts (99 when none)."""
    if mask == 0:
        return 0
    low, best, sub = mask & -mask, 99, mask
    while sub:
        if sub & low and seconds[sub] <= limit:
            best = min(best, 1 + _fewest(seconds, limit, mask & ~sub))
        sub = (sub - 1) & mask
    return best


@pytest.mark.parametrize("seed", range(8))
def test_the_fewest_loops_of_every_subset(seed):
    n = 2 + seed % 6
    times = _plane(seed, n)
    tours = subset_tours(times, 0, list(range(1, n + 1)))
    limit = 900 + 200 * seed
    table = cover_table(n, loops_within(tours.seconds, limit))
    for mask in range(1, 1 << n):
        want = _fewest(tours.seconds, limit, mask)
        got = table.count(mask)
        assert (99 if got is None else got) == want
        if got is not None:
            chosen = table.chosen(mask)
            assert len(chosen) == got and sum(x[0] for x in chosen) == mask
            assert all(tours.seconds[m] <= limit for m, *_ in chosen)
            assert cover_bound(times, 0, [k + 1 for k in range(n) if mask >> k & 1], limit) <= got


def test_vehicles_taking_turns():
    # every 30 min with 5 min at the station: a 40-min loop needs two vehicles, 25 min one, 55 min two, 55 min and
    # one second (a 56th minute) three; 56 min every 20 min four; without an interval, one
    assert [vehicles_for(40 * 60, 30, 5), vehicles_for(25 * 60, 30, 5), vehicles_for(55 * 60, 30, 5),
            vehicles_for(55 * 60 + 1, 30, 5), vehicles_for(56 * 60, 20, 5), vehicles_for(56 * 60, None, 5)] == [
        2, 1, 2, 3, 4, 1]


def test_one_long_loop_against_two_short_ones():
    # units 4 min east and 4 min west of the station: each alone is an 8-min drive (10 with the handover);
    # both in one loop is 16 + 4 = 20 min.  Every 15 min with 5 at the station: two vehicles either way, and
    # the two short loops drive as long as the one long loop; every 30 min one vehicle does both
    t = np.array([[0, 240, 240], [240, 0, 480], [240, 480, 0]])
    tours = subset_tours(t, 0, [1, 2])
    assert tours.seconds.tolist() == [0, 600, 600, 1200]
    every_15 = cover_table(2, loops_within(tours.seconds, 3600, interval=15, handover=5))
    assert every_15.count(0b11) == 2 and every_15.cost[0b11] == 2 * BIG + 1200
    every_30 = cover_table(2, loops_within(tours.seconds, 3600, interval=30, handover=5))
    assert every_30.count(0b11) == 1 and every_30.chosen(0b11) == [(0b11, 1200, False, 1)]


def test_a_set_no_loop_reaches_has_no_cover():
    tours = subset_tours(np.array([[0, 900], [900, 0]]), 0, [1])
    table = cover_table(1, loops_within(tours.seconds, 1200))
    assert table.count(1) is None and table.chosen(0) == []
