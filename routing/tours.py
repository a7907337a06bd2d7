"""The shortest loop from a base over every subset of a zone's units (Held–Karp).

A zone has a handful of units (the town's report: 29 units in 4 zones; the
city's zones about 8), so every subset of up to :data:`EXACT_MAX` units can
be enumerated: ``dp[S, j]`` is the shortest drive from the base through the
units of ``S`` ending at unit ``j``, built up by the size of ``S``, and the
loop of ``S`` closes it back to the base.  A loop's time is its driving plus
:data:`HANDOVER_S` at each unit; the loop time of every subset is exact, so
the covers built on it (:mod:`natplan.routing.cover`) are exact too.

Subsets are bit masks: bit ``k`` stands for ``members[k]``.  Ties break
towards the lower index, so the same input always gives the same orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EXACT_MAX = 12
"""Zones of up to this many units are enumerated exactly (4,096 subsets)."""
HANDOVER_S = 120
"""Seconds to take a unit's box over at its door."""


def popcounts(n: int) -> np.ndarray:
    """Number of set bits of every mask ``0 … 2**n - 1``."""
    pc = np.zeros(1 << n, dtype=np.int64)
    for k in range(n):
        pc[1 << k:1 << (k + 1)] = pc[:1 << k] + 1
    return pc


@dataclass(frozen=True)
class Tours:
    """The shortest loop from ``base`` over every subset of ``members`` (indices into the time matrix).

    ``seconds[S]`` is the loop's time, handovers at the units included (0 for the empty set).
    """

    base: int
    members: tuple[int, ...]
    seconds: np.ndarray
    _dp: np.ndarray
    _parent: np.ndarray
    _times: np.ndarray
    _orders: dict = field(default_factory=dict, compare=False, repr=False)

    def order(self, mask: int) -> list[int]:
        """The visiting order of the loop over ``mask``, as positions in :attr:`members`."""
        if mask == 0:
            return []
        if mask not in self._orders:
            self._orders[mask] = self._order(mask)
        return list(self._orders[mask])

    def _order(self, mask: int) -> list[int]:
        n = len(self.members)
        back = self._times[[self.members[j] for j in range(n)], self.base]
        ends = [j for j in range(n) if mask >> j & 1]
        last = min(ends, key=lambda j: (int(self._dp[mask, j] + back[j]), j))
        out = []
        while mask:
            out.append(last)
            prev = int(self._parent[mask, last])
            mask &= ~(1 << last)
            last = prev
        return out[::-1]


def subset_tours(times: np.ndarray, base: int, members: list[int] | tuple[int, ...]) -> Tours:
    """Held–Karp over every subset of ``members``, from and back to ``base``.

    Parameters
    ----------
    times
        Seconds between places, a square integer matrix (row: from, column: to).
    base
        Index of the station or meeting point the loops start and end at.
    members
        Indices of the units (at most :data:`EXACT_MAX`; ``base`` may not be one of them).

    Returns
    -------
    Tours
        Loop seconds for every subset, and the orders.

    Raises
    ------
    ValueError
        With more than :data:`EXACT_MAX` members, or the base among them.
    """
    members = tuple(int(m) for m in members)
    n = len(members)
    if n > EXACT_MAX:
        raise ValueError(f"subset_tours enumerates at most {EXACT_MAX} units, got {n}")
    if base in members:
        raise ValueError("the base cannot be one of the members")
    t = np.asarray(times, dtype=np.int64)
    size = 1 << n
    big = np.iinfo(np.int64).max // 4
    dp = np.full((size, max(n, 1)), big, dtype=np.int64)
    parent = np.full((size, max(n, 1)), -1, dtype=np.int64)
    inner = t[np.ix_(members, members)] if n else np.zeros((0, 0), dtype=np.int64)
    for j in range(n):
        dp[1 << j, j] = t[base, members[j]]
    pc = popcounts(n)
    masks = np.arange(size)
    # each set of k units is reached from its subsets of k - 1 units: the last unit j came from some i
    for k in range(2, n + 1):
        layer = masks[pc == k]
        for j in range(n):
            with_j = layer[(layer >> j) & 1 == 1]
            prev = dp[with_j ^ (1 << j)] + inner[:, j][None, :]
            best = prev.argmin(axis=1)
            dp[with_j, j] = prev[np.arange(len(with_j)), best]
            parent[with_j, j] = best
    seconds = np.zeros(size, dtype=np.int64)
    if n:
        back = t[list(members), base]
        closed = dp + back[None, :]
        seconds = closed.min(axis=1) + HANDOVER_S * pc
        seconds[0] = 0
    return Tours(base, members, seconds, dp, parent, t)
