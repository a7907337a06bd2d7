"""Whole grids for a staffing pattern: local search on the grids' units, each move timed at once.

The pattern's linear program (:mod:`natplan.scheduler.joint.timing`) splits
grids; a grid of 250 people is most of an hour at a unit of three desks, so
how the splits are rounded decides the finish.  When every unit of the
pattern has one group a day (no relays), a group's day is a chain that can
be timed directly: it arrives after its trip (doors on a 10-minute mark),
sets up, and swabs its unit's people at its rate, then moves on; in a round
of several days the groups at a unit share its people, the whole days
before the last taking what they sample.  :class:`Chains` times a set of
loads that way in microseconds, and :func:`improve` moves single grids and
swaps pairs of grids between staffed units within walking distance,
steepest descent, first for the finish, then for fewer units at that
finish, then for walking.  The same start gives the same grids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.scheduler.joint.data import JointData
from natplan.scheduler.joint.structure import StayPlan, mark_up
from natplan.scheduler.joint.timing import Pattern, earlier_days_capacity
from natplan.scheduler.labour import DAY


def simple(pattern: Pattern, days: int) -> bool:
    """True when :class:`Chains` can time the pattern: one group a unit in a day (a round of several days may put
    several groups at one unit, side by side)."""
    units = [u for seq in pattern for u in seq]
    return days > 1 or len(units) == len(set(units))


@dataclass
class Chains:
    """Times loads on a simple pattern (see the module docstring)."""

    data: JointData
    pattern: Pattern
    rate: np.ndarray
    days: int

    def __post_init__(self):
        d = self.data
        self.day = self.days - 1
        self.groups_at: dict[int, list[int]] = {}
        for k, seq in enumerate(self.pattern):
            for u in seq:
                self.groups_at.setdefault(u, []).append(k)
        self.earlier = {u: sum(earlier_days_capacity(d, k, u, self.days) for k in ks)
                        for u, ks in self.groups_at.items()}
        self.unit_group = {u: ks[0] for u, ks in self.groups_at.items()}

    def group_finish(self, k: int, loads: np.ndarray) -> float:
        """When group ``k`` closes its last unit with people (its start of day when it has none)."""
        d = self.data
        r = d.rules
        S = d.setup
        close = None
        place = None
        for u in self.pattern[k]:
            if self.days > 1:
                return self.unit_finish(u, loads)
            if loads[u] <= 0:
                continue
            if place is None:
                arrive = mark_up(d.first_arrival(k, u, self.day), S)
            else:
                arrive = mark_up(math.ceil(close) + int(d.travel[place + 1, u + 1]), S)
            close = arrive + max(S + 60 * float(loads[u]) / self.rate[k, u], max(S + 1, r.min_stint))
            place = u
        return close if close is not None else 0.0

    def unit_finish(self, u: int, loads: np.ndarray) -> float:
        """Several days: when the groups at ``u`` sample its people left for the last day, side by side."""
        d = self.data
        left = float(loads[u]) - self.earlier[u]
        opens = sorted((mark_up(d.first_arrival(k, u, self.day), d.setup) + d.setup, self.rate[k, u] / 60)
                       for k in self.groups_at[u])
        if left <= 0:
            return opens[0][0] + max(1, d.rules.min_stint - d.setup)
        t, mu = opens[0][0], 0.0
        for i, (o, add) in enumerate(opens):
            if i and mu > 0 and left <= mu * (o - t):
                break
            left -= mu * (o - t)
            t, mu = o, mu + add
        return t + left / mu

    def finishes(self, loads: np.ndarray) -> np.ndarray:
        return np.array([self.group_finish(k, loads) for k in range(len(self.pattern))])

    def stays(self, loads: np.ndarray) -> list[StayPlan]:
        """The stays the loads give (the last day's; earlier days are added by the caller)."""
        d = self.data
        out = []
        for k, seq in enumerate(self.pattern):
            place, close = None, None
            for u in seq:
                if loads[u] <= 0:
                    continue
                if self.days > 1:
                    arrive = mark_up(d.first_arrival(k, u, self.day), d.setup)
                    close = math.ceil(self.unit_finish(u, loads) - 1e-6)
                elif place is None:
                    arrive = mark_up(d.first_arrival(k, u, self.day), d.setup)
                else:
                    arrive = mark_up(close + int(d.travel[place + 1, u + 1]), d.setup)
                if self.days == 1:
                    close = math.ceil(arrive + max(d.setup + 60 * float(loads[u]) / self.rate[k, u],
                                                   max(d.setup + 1, d.rules.min_stint)) - 1e-6)
                out.append(StayPlan(k, u, arrive, max(close, arrive + max(d.setup + 1, d.rules.min_stint))))
                place = u
        return out


def improve(chains: Chains, unit_of: np.ndarray, max_evals: int, seed: int = 0) -> np.ndarray:
    """Iterated steepest descent on the grids' units: a move or a swap of grids between staffed units within
    walking distance, kept when it lowers (finish, the sum of every group's hours to the fourth power); at a
    local optimum a few grids are moved at random and the descent starts again, and the best is kept; then a
    last descent lowers the person-metres walked without a later finish.

    Parameters
    ----------
    chains
        The timed pattern.
    unit_of
        The start: a staffed unit within reach for every job.
    max_evals
        Timings at most.
    seed
        Draws the random moves.

    Returns
    -------
    np.ndarray
        The unit of each job.
    """
    d = chains.data
    people = d.people.astype(float)
    staffed = set(chains.groups_at)
    reach: list[list[tuple[int, float]]] = [[] for _ in range(len(d.jobs))]
    for i in range(len(d.arc_job)):
        u = int(d.arc_unit[i])
        if u in staffed:
            reach[int(d.arc_job[i])].append((u, float(d.arc_m[i])))
    search = _Descent(chains, people, reach)
    rng = np.random.default_rng(seed)
    best_units, best = search.descend(unit_of.copy(), max_evals)
    current = best_units.copy()
    movable = [j for j in range(len(d.jobs)) if len(reach[j]) > 1]
    while search.evals < max_evals * 3 // 4 and movable:
        kicked = current.copy()
        for j in rng.choice(movable, size=min(3, len(movable)), replace=False).tolist():
            kicked[j] = reach[j][int(rng.integers(len(reach[j])))][0]
        units, sc = search.descend(kicked, max_evals)
        if sc < best:
            best_units, best = units.copy(), sc
            current = units
        elif sc[0] <= best[0] + 1e-6:
            current = units
    # then the least walking that keeps the finish
    search.cap = best[0]
    units, _ = search.descend(best_units.copy(), max_evals + 2000)
    return units


class _Descent:
    """Steepest descent from a start (see :func:`improve`)."""

    def __init__(self, chains: Chains, people: np.ndarray, reach: list[list[tuple[int, float]]]):
        self.chains = chains
        self.people = people
        self.reach = reach
        self.metres = {(j, u): m for j, opts in enumerate(reach) for u, m in opts}
        self.owners = {u: chains.groups_at[u] for u in chains.groups_at}
        self.base = chains.data.rules.day_start(chains.days - 1)
        self.evals = 0
        self.cap: float | None = None  # when set: any finish up to it is as good, and walking counts

    def score(self, f: np.ndarray, walk: float) -> tuple[float, float, float]:
        top = float(f.max())
        if self.cap is not None:
            return (max(round(top, 6), self.cap), 0.0, walk)
        hours = np.maximum(0.0, f - self.base) / 60
        return (round(top, 6), round(float((hours ** 4).sum()), 6), walk)

    def descend(self, unit_of: np.ndarray, max_evals: int) -> tuple[np.ndarray, tuple]:
        d = self.chains.data
        people, reach, metres, owners = self.people, self.reach, self.metres, self.owners
        loads = np.bincount(unit_of, weights=people, minlength=d.n_units)
        fin = self.chains.finishes(loads)
        walk = sum(people[j] * metres[(j, int(unit_of[j]))] for j in range(len(d.jobs)))
        best = self.score(fin, walk)
        while self.evals < max_evals:
            cand = None
            for j in range(len(d.jobs)):
                u = int(unit_of[j])
                for v, m in reach[j]:
                    if v == u:
                        continue
                    loads[u] -= people[j]
                    loads[v] += people[j]
                    f = self._finish(fin, loads, u, v)
                    sc = self.score(f, walk - people[j] * (metres[(j, u)] - m))
                    if sc < (cand[0] if cand else best):
                        cand = (sc, [(j, v)], f)
                    # or swap with a smaller grid at v that may come to u
                    for j2 in np.flatnonzero(unit_of == v).tolist():
                        if (j2, u) not in metres or people[j2] >= people[j]:
                            continue
                        loads[v] -= people[j2]
                        loads[u] += people[j2]
                        f2 = self._finish(fin, loads, u, v)
                        w2 = walk - people[j] * (metres[(j, u)] - m) - people[j2] * (metres[(j2, v)]
                                                                                    - metres[(j2, u)])
                        sc2 = self.score(f2, w2)
                        if sc2 < (cand[0] if cand else best):
                            cand = (sc2, [(j, v), (j2, u)], f2)
                        loads[v] += people[j2]
                        loads[u] -= people[j2]
                    loads[u] += people[j]
                    loads[v] -= people[j]
            if cand is None:
                break
            best, moves, fin = cand
            for j, v in moves:
                loads[int(unit_of[j])] -= people[j]
                loads[v] += people[j]
                unit_of[j] = v
            walk = best[2]
        return unit_of, best

    def _finish(self, fin: np.ndarray, loads: np.ndarray, u: int, v: int) -> np.ndarray:
        f = fin.copy()
        for k in set(self.owners[u]) | set(self.owners[v]):
            f[k] = self.chains.group_finish(k, loads)
        self.evals += 1
        return f
