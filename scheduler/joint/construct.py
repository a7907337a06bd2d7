"""A first joint plan from the bound's loads: the search's start, and the plan when the search finds none.

1. Each job goes to the unit that takes most of it in the bound's LP
   (:class:`natplan.scheduler.joint.bound.JointBound`), whose loads are
   already balanced for the bound's finish.
2. **One day**: units are staffed by list scheduling, longest stay first:
   each goes to the group that can finish it earliest from where that group
   is (its home, or the unit it last closed), doors opening on a 10-minute
   mark.  A group that closes a small unit early moves on to the next.
3. **Several days**: each group stays at one unit every day: a group for
   each unit the LP loads, then the others where most people are left to
   serve, where the desks allow.

The result is a :class:`~natplan.scheduler.joint.structure.Structure`.
"""

from __future__ import annotations

import math

import numpy as np

from natplan.scheduler.joint.bound import JointBound
from natplan.scheduler.joint.data import JointData, desks_used, duty_cap
from natplan.scheduler.joint.structure import StayPlan, Structure, mark_up
from natplan.scheduler.joint.timing import earlier_days_capacity
from natplan.scheduler.labour import DAY


def round_flows(data: JointData, flows: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    """Each job to the unit with its largest flow (among ``allowed`` units when given; its nearest allowed unit
    when none of its flow is allowed)."""
    unit_of = np.full(len(data.jobs), -1, dtype=np.int64)
    best = np.full(len(data.jobs), -1.0)
    for i in range(len(data.arc_job)):  # arcs are sorted by job, then unit, then metres
        j, u = int(data.arc_job[i]), int(data.arc_unit[i])
        if allowed is not None and not allowed[u]:
            continue
        f = flows[i] - 1e-9 * data.arc_m[i]  # ties: the nearer unit
        if f > best[j]:
            best[j], unit_of[j] = f, u
    return unit_of


def construct(data: JointData, bound: JointBound, rate: np.ndarray) -> Structure:
    """A plan from the bound's loads (see the module docstring).

    Parameters
    ----------
    data
        The instance.
    bound
        The bound, with its LP flows.
    rate
        People an hour of each group (rows) at each unit (columns).

    Returns
    -------
    Structure
        Stays and a unit for every job (it may finish later than the bound).
    """
    if bound.days > 1:
        return _several_days(data, bound, rate)
    unit_of = round_flows(data, bound.flows)
    load = np.bincount(unit_of, weights=data.people, minlength=data.n_units)
    stays = _list_schedule(data, load, rate)
    return Structure(tuple(stays), unit_of)


def _list_schedule(data: JointData, load: np.ndarray, rate: np.ndarray) -> list[StayPlan]:
    """Longest stay first, each to the group that finishes it earliest (one group a unit)."""
    K = data.n_groups
    free = [data.rules.start] * K
    place = data.home.copy()
    dur = np.zeros((K, data.n_units), dtype=np.int64)
    for u in np.flatnonzero(load > 0):
        dur[:, u] = data.setup + np.ceil(60 * load[u] / rate[:, u]).astype(np.int64)
    order = sorted(np.flatnonzero(load > 0).tolist(), key=lambda u: (-int(dur[:, u].min()), u))
    stays = []
    for u in order:
        best = None
        for k in range(K):
            arrive = max(free[k] + int(data.travel[place[k], u + 1]), data.first_arrival(k, u))
            arrive = mark_up(arrive, data.setup)
            end = arrive + int(dur[k, u])
            if best is None or end < best[0]:
                best = (end, k, arrive)
        end, k, arrive = best
        stays.append(StayPlan(k, u, arrive, end))
        free[k], place[k] = end, u + 1
    return stays


def _several_days(data: JointData, bound: JointBound, rate: np.ndarray) -> Structure:
    """Each group at one unit every day: first a group for every unit the bound's LP loads (largest load first,
    the group that samples most there), then the other groups where the people left to serve are most, where
    the desks allow."""
    r = data.rules
    K, U = data.n_groups, data.n_units
    uses = desks_used(data)
    last = bound.days - 1
    cap = np.zeros((K, U))
    for k in range(K):
        for u in range(U):
            arrive = data.first_arrival(k, u, last)
            whole = earlier_days_capacity(data, k, u, bound.days)
            cap[k, u] = whole + rate[k, u] * max(0, bound.finish - arrive - data.setup) / 60
    want = bound.loads.astype(float).copy()
    free_desks = data.desks.astype(np.int64).copy()
    post = np.full(K, -1)
    free = set(range(K))
    for u in sorted(np.flatnonzero(want > 0.5).tolist(), key=lambda u: (-want[u], u)):
        ks = [k for k in free if uses[k, u] <= free_desks[u]]
        if not ks:
            continue
        k = max(ks, key=lambda k: (cap[k, u], -k))
        post[k], want[u] = u, want[u] - cap[k, u]
        free_desks[u] -= uses[k, u]
        free.discard(k)
    for k in sorted(free, key=lambda k: (-int(data.samplers[k]), k)):
        fits = free_desks >= uses[k]
        if not fits.any():
            continue
        u = int(np.argmax(np.where(fits & (bound.loads > 0.5), want, -np.inf)))
        if not fits[u] or bound.loads[u] <= 0.5:
            continue
        post[k], want[u] = u, want[u] - cap[k, u]
        free_desks[u] -= uses[k, u]
    staffed = np.zeros(U, dtype=bool)
    staffed[post[post >= 0]] = True
    unit_of = round_flows(data, bound.flows, staffed)
    if (unit_of < 0).any():
        unit_of = round_flows(data, bound.flows)
    stays = []
    for k in range(K):
        if post[k] < 0:
            continue
        u = int(post[k])
        for d in range(bound.days):
            arrive = mark_up(data.first_arrival(k, u, d), data.setup)
            stop = min(int(data.hi[u]) + DAY * d, arrive - int(data.travel[data.home[k], u + 1]) + duty_cap(
                r, r.day_start(d)))
            stays.append(StayPlan(k, u, arrive, stop, until_done=d == bound.days - 1))
    return Structure(tuple(stays), unit_of)
