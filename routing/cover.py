"""Fewest loops that collect a set of units, each loop within a time limit.

For a zone of up to :data:`~natplan.routing.tours.EXACT_MAX` units the
answer is exact for every subset at once: the loop time of every subset is
known (:func:`~natplan.routing.tours.subset_tours`), and a subset ``S`` is
collected by ``f[S] = min over loops T ∋ lowest unit of S, T ⊆ S of
w(T) + f[S \\ T]``, built up by the size of ``S`` (vectorised over the
subsets of one size).  A loop's weight ``w`` is the vehicles it keeps busy
when it leaves every interval: one while it fits in the interval with the
handover, two when two vehicles must take turns on it, and so on; the cost
counts vehicles first and driving seconds second, so among the fewest
vehicles the shortest driving wins.

A loop from a meeting point (a relay: the van hands its boxes to a station
vehicle there instead of driving to the station) is a second kind of loop;
:class:`CoverTable` built from both kinds tells whether an optimum uses
one, and the caller adds the relay vehicle.

Larger zones are covered by the VRPTW engine (fewest vehicles, then
driving) and bounded from below by :func:`cover_bound`; the gap is printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.routing.tours import HANDOVER_S, popcounts

BIG = 10**7
"""A loop costs more than any day's driving seconds: fewest loops first, then driving."""


@dataclass(frozen=True)
class CoverTable:
    """The fewest vehicles' loops for every subset of ``n`` units (bit ``k`` = unit ``k``).

    ``cost[S]`` is ``vehicles * BIG + seconds`` (infinite when ``S`` cannot be
    collected); ``choice[S]`` the index in :attr:`loops` of the loop that
    takes the lowest unit of ``S``.  Each loop is ``(mask, seconds, relay, vehicles)``.
    """

    n: int
    cost: np.ndarray
    choice: np.ndarray
    loops: tuple[tuple[int, int, bool, int], ...]

    def count(self, mask: int) -> int | None:
        """Fewest vehicles for ``mask`` (None when it cannot be collected)."""
        c = self.cost[mask]
        return None if not np.isfinite(c) else int(c // BIG)

    def chosen(self, mask: int) -> list[tuple[int, int, bool, int]]:
        """The loops of an optimal cover of ``mask``, lowest unit first."""
        out = []
        while mask:
            loop = self.loops[int(self.choice[mask])]
            out.append(loop)
            mask &= ~loop[0]
        return out


def cover_table(n: int, loops: list[tuple[int, int, bool, int]]) -> CoverTable:
    """Fewest vehicles (then least driving) for every subset of ``n`` units.

    Parameters
    ----------
    n
        Number of units (at most :data:`~natplan.routing.tours.EXACT_MAX`).
    loops
        The allowed loops ``(mask, seconds, relay, vehicles)``; every unit that
        can be collected at all should have a loop of its own.

    Returns
    -------
    CoverTable
    """
    size = 1 << n
    cost = np.full(size, np.inf)
    cost[0] = 0.0
    choice = np.full(size, -1, dtype=np.int64)
    if not loops:
        return CoverTable(n, cost, choice, ())
    lm = np.array([m for m, *_ in loops], dtype=np.int64)
    lc = np.array([v * BIG + s for _, s, _, v in loops], dtype=float)
    lp = popcounts(n)[lm]
    masks = np.arange(size, dtype=np.int64)
    pc = popcounts(n)
    low = masks & -masks
    # every set of k units: the loop that takes its lowest unit, and the fewest loops for the rest
    for k in range(1, n + 1):
        layer = masks[pc == k]
        usable = np.nonzero(lp <= k)[0]
        if not len(layer) or not len(usable):
            continue
        m = lm[usable]
        ok = ((layer[:, None] & m[None, :]) == m[None, :]) & ((low[layer][:, None] & m[None, :]) != 0)
        rows, cols = np.nonzero(ok)
        if not len(rows):
            continue
        val = cost[layer[rows] ^ m[cols]] + lc[usable[cols]]
        order = np.lexsort((usable[cols], val, rows))  # per set: cheapest, then the lowest loop index
        first = np.ones(len(order), dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        pick = order[first]
        cost[layer[rows[pick]]] = val[pick]
        choice[layer[rows[pick]]] = usable[cols[pick]]
    return CoverTable(n, cost, choice, tuple((int(m), int(s), bool(r), int(v)) for m, s, r, v in loops))


def vehicles_for(seconds: float, interval: int | None, handover: int) -> int:
    """Vehicles that take turns on a loop of ``seconds`` leaving every ``interval`` minutes (each back and
    handed over, ``handover`` minutes, before its next turn); one when no interval is given."""
    if interval is None:
        return 1
    return max(1, math.ceil((math.ceil(seconds / 60 - 1e-9) + handover) / interval))


def loops_within(seconds: np.ndarray, limit_s: float, relay: bool = False, interval: int | None = None,
                 handover: int = 0) -> list[tuple[int, int, bool, int]]:
    """The loops of a :class:`~natplan.routing.tours.Tours` table that take at most ``limit_s``, each with the
    vehicles it needs (:func:`vehicles_for`)."""
    idx = np.nonzero((seconds <= limit_s) & (np.arange(len(seconds)) > 0))[0]
    return [(int(m), int(seconds[m]), relay, vehicles_for(seconds[m], interval, handover)) for m in idx]


def cover_bound(times: np.ndarray, base: int, members: list[int], limit_s: float) -> int:
    """A lower bound on the loops that collect ``members`` within ``limit_s`` each (any zone size).

    The larger of two: the time every unit needs at least (the shortest drive
    into it and its handover, plus one shortest drive home) over the limit;
    and a set of units no two of which fit in one loop (chosen greedily, the
    farthest first), each needing a loop of its own.
    """
    if not members:
        return 0
    t = np.asarray(times, dtype=np.int64)
    places = [base, *members]
    sub = t[np.ix_(places, places)].astype(float)
    np.fill_diagonal(sub, np.inf)
    need = float(sub[:, 1:].min(axis=0).sum() + HANDOVER_S * len(members) + sub[1:, 0].min())
    by_time = math.ceil(need / limit_s - 1e-9) if limit_s > 0 else len(members)
    alone = {u: t[base, u] + HANDOVER_S + t[u, base] for u in members}
    apart: list[int] = []
    for u in sorted(members, key=lambda u: (-alone[u], u)):
        if all(min(t[base, u] + t[u, v] + t[v, base], t[base, v] + t[v, u] + t[u, base]) + 2 * HANDOVER_S > limit_s
               for v in apart):
            apart.append(u)
    return max(1, by_time, len(apart))


def heuristic_loops(times: np.ndarray, base: int, members: list[int], limit_s: int,
                    seed: int) -> list[list[int]]:
    """Few loops (fewest vehicles, then driving, by the VRPTW engine) for a zone too big to enumerate.

    Returns the loops as lists of member indices (into ``times``) in visiting
    order; a unit no loop within the limit reaches gets a loop of its own.
    """
    from natplan.routing.vrptw import Vehicle, VrptwData, solve_vrptw

    places = [base, *members]
    t = np.asarray(times, dtype=np.int64)[np.ix_(places, places)]
    n = len(members)
    limit_s = int(limit_s)
    data = VrptwData(
        time=t, distance=t, demand=np.zeros(n + 1, dtype=np.int64),
        service=np.array([0] + [HANDOVER_S] * n, dtype=np.int64),
        tw_open=np.zeros(n + 1, dtype=np.int64), tw_close=np.full(n + 1, limit_s, dtype=np.int64),
        vehicles=tuple(Vehicle(start=0, end=0, shift_start=0, shift_end=limit_s) for _ in range(n)),
    )
    res = solve_vrptw(data, objective="vehicles_then_distance", seed=seed, deterministic=True,
                      solution_limit=50 * n + 100)
    loops = [[places[x] for x in r.visits] for r in res.routes]
    loops += [[places[v]] for v, _why in res.unserved]
    return sorted(loops)
