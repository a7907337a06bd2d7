"""Large-neighbourhood search over staffing patterns, each timed by its linear program.

A move changes the pattern a little: a group works another unit instead of
one of its own, takes on a unit before or after its own, gives up a second
unit, hands a unit to another group, or two groups swap.  Each candidate is
timed by :func:`natplan.scheduler.joint.timing.time_pattern` with grids that
reach the same units pooled (for the finish alone, grids with the same units
within walking distance are interchangeable), and the first that finishes
earlier is kept.  Moves are tried in an order drawn from the seed, within a
budget of LP solves, so the same data and seed give the same pattern.  A
small town's patterns can all be listed (:func:`enumerate_patterns`) and
solved exactly instead (:mod:`natplan.scheduler.joint.solve`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from natplan.scheduler.joint.data import JointData
from natplan.scheduler.joint.timing import Pattern, Timing, time_pattern

EXHAUSTIVE_MAX = 400  # patterns: every one is timed when there are at most this many


def pooled(data: JointData) -> JointData:
    """The instance with jobs that reach the same units merged (same finish, far fewer LP columns)."""
    from natplan.scheduler.assign import Job

    reach: dict[tuple[int, ...], list[int]] = {}
    for j in range(len(data.jobs)):
        units = tuple(sorted(set(data.arc_unit[data.arc_job == j].tolist())))
        reach.setdefault(units, []).append(j)
    jobs, aj, au, am = [], [], [], []
    for n, (units, members) in enumerate(sorted(reach.items())):
        people = int(sum(data.jobs[j].people for j in members))
        first = data.jobs[members[0]]
        jobs.append(Job(first.grid, 1, 1, (1, 1), people, first.lon, first.lat))
        for u in units:
            aj.append(n)
            au.append(u)
            am.append(0.0)
    return replace(data, jobs=tuple(jobs), arc_job=np.array(aj, dtype=np.int64),
                   arc_unit=np.array(au, dtype=np.int64), arc_m=np.array(am))


@dataclass(frozen=True)
class SearchResult:
    """The best pattern found, its LP timing, and the LP solves it took."""

    pattern: Pattern
    timing: Timing
    evaluations: int


Move = tuple  # (kind, group, position, unit, other group): see :func:`_apply`


def _apply(pattern: Pattern, move: Move) -> Pattern:
    """The pattern after ``move``: ``drop`` a stay, ``unit`` (work another unit instead), ``give`` a stay to
    another group (before or after its own), ``reverse`` a group's two stays, ``before``/``after`` (take on
    one more unit), ``swap`` two groups' days."""
    kind, k, j, v, k2 = move
    seqs = list(pattern)
    seq = pattern[k]
    if kind == "drop":
        seqs[k] = seq[:j] + seq[j + 1:]
    elif kind == "unit":
        seqs[k] = seq[:j] + (v,) + seq[j + 1:]
    elif kind in ("give_before", "give_after"):
        seqs[k] = seq[:j] + seq[j + 1:]
        seqs[k2] = ((seq[j],) + pattern[k2]) if kind == "give_before" else (pattern[k2] + (seq[j],))
    elif kind == "reverse":
        seqs[k] = seq[::-1]
    elif kind == "before":
        seqs[k] = (v,) + seq
    elif kind == "after":
        seqs[k] = seq + (v,)
    elif kind == "swap":
        seqs[k], seqs[k2] = pattern[k2], pattern[k]
    return tuple(seqs)


def _moves(data: JointData, pattern: Pattern, timing: Timing, days: int, rng: np.random.Generator) -> list[Move]:
    """Every move from ``pattern`` (a round of several days: only those that keep one unit a group), in an order
    drawn from ``rng``, the moves of groups that close early first."""
    K = len(pattern)
    units = sorted(set(np.unique(data.arc_unit).tolist()))
    end = {k: max((s.close for s in timing.stays if s.group == k), default=0.0) for k in range(K)}
    out: list[Move] = []
    for k, seq in enumerate(pattern):
        for j, u in enumerate(seq):
            if len(seq) > 1:
                out.append(("drop", k, j, -1, -1))
            out += [("unit", k, j, v, -1) for v in units if v != u and v not in seq]
            if days == 1:
                out += [(kind, k, j, -1, k2) for k2 in range(K) if k2 != k and u not in pattern[k2]
                        for kind in ("give_before", "give_after")]
        if days == 1:
            if len(seq) == 2:
                out.append(("reverse", k, 0, -1, -1))
            if len(seq) < 3:
                out += [(kind, k, 0, v, -1) for v in units if v not in seq for kind in ("after", "before")]
        elif not seq:
            out += [("after", k, 0, v, -1) for v in units]
    out += [("swap", k, 0, -1, k2) for k in range(K) for k2 in range(k + 1, K) if pattern[k] != pattern[k2]]
    rank = np.empty(len(out), dtype=np.int64)
    rank[rng.permutation(len(out))] = np.arange(len(out))
    # groups that close early have time to give: their moves first
    early = {k for k in range(K) if end[k] < timing.finish - 10}
    first = [0 if m[1] in early or m[4] in early else 1 for m in out]
    return [out[i] for i in sorted(range(len(out)), key=lambda i: (first[i], int(rank[i])))]


def search(data: JointData, pattern: Pattern, rate: np.ndarray, days: int, budget: int, seed: int) -> SearchResult:
    """First-improvement local search from ``pattern`` within ``budget`` LP solves.

    Parameters
    ----------
    data
        The instance.
    pattern
        The start (it must be timeable).
    rate
        People an hour of each group at each unit.
    days
        Days of the round (then each group keeps one unit: only moves that keep that are tried).
    budget
        LP solves at most.
    seed
        Orders the moves.

    Returns
    -------
    SearchResult
        The best pattern found and its timing.
    """
    small = pooled(data)
    rng = np.random.default_rng(seed)
    best = time_pattern(small, pattern, rate, days)
    evaluations = 1
    improved = True
    while improved and evaluations < budget:
        improved = False
        for move in _moves(data, pattern, best, days, rng):
            if evaluations >= budget:
                break
            cand = _apply(pattern, move)
            t = time_pattern(small, cand, rate, days)
            evaluations += 1
            if t is not None and t.finish < best.finish - 0.5:
                pattern, best, improved = cand, t, True
                break
    return SearchResult(pattern, best, evaluations)


def enumerate_patterns(data: JointData, days: int, max_stays: int = 2) -> list[Pattern] | None:
    """Every pattern of a small town (each group: nothing, or up to ``max_stays`` distinct units in order),
    or None when there are more than :data:`EXHAUSTIVE_MAX`."""
    units = sorted(set(np.unique(data.arc_unit).tolist()))
    seqs = [()]
    for n in range(1, (1 if days > 1 else max_stays) + 1):
        seqs += list(itertools.permutations(units, n))
    if len(seqs) ** data.n_groups > EXHAUSTIVE_MAX:
        return None
    return [tuple(p) for p in itertools.product(seqs, repeat=data.n_groups) if any(p)]
