"""Relief: a group whose day is longer than one person may work, split into shifts of its own members.

Nobody works more than ``max_work_min`` a day (travel, set-up, work and gear
changes count; meals do not).  When a group's stays run longer, its members
of each role are dealt into *crews* that take turns: the first crew travels
and sets up with the group and works until a *handover*; the next comes
from the group's home (its trip counts as work), puts on its gear for
``gear_change_min`` while the last crew still works, and takes over at the
handover minute, so the unit never stops (its roster shows the trip and a
gear change before its first work).

:func:`plan_relief` chooses

- the fewest crews (two, three, …) whose days each fit ``max_work_min``;
- the handovers inside the stays' work (on a 10-minute mark where one fits,
  each crew's stretch at least ``min_stint_min``), each crew working as
  long as the longest needs and no longer (the least such longest day);
- the members of each crew: each role's members dealt in their order, the
  earlier crews taking one more where they do not divide evenly.

Each crew must keep the unit staffed on its own: at least as many samplers
as the most desks the group works that day, and at least one of each other
role the group has.  Where that is not so, :func:`plan_relief` gives the
:class:`Shortfall` instead: how many shifts the day needs and how many more
members of each role they would take.  The crews' breaks (gear changes, a
meal) are placed by :mod:`natplan.scheduler.rosters` by the same rules as
any member's.  Nothing here solves anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from natplan.models.scenario import Group, Member, Role
from natplan.scheduler.labour import LabourRules

if TYPE_CHECKING:  # pragma: no cover
    from natplan.scheduler.rosters import Stay

MAX_CREWS = 4  # a day needing more shifts than this is not relieved (it is explained)
MARK = 10  # handovers on a 10-minute mark where one fits


@dataclass(frozen=True)
class Crew:
    """One shift of a relieved group: its members and its stays (cut at the handovers)."""

    members: tuple[Member, ...]
    stays: tuple[Stay, ...]


@dataclass(frozen=True)
class Relief:
    """A relieved day: its crews in time order and the handovers between them (minute, unit)."""

    crews: tuple[Crew, ...]
    handovers: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Shortfall:
    """Why a day cannot be relieved: the shifts it needs and the members each role lacks for them (empty when
    no handover fits inside the stays)."""

    shifts: int
    missing: dict[Role, int]


def crew_work(r: LabourRules, stays: list[Stay]) -> int:
    """Minutes a person works over ``stays`` (their trips, set-up, work and gear changes; a meal inside the day,
    needed when it spans more than ``meal_after_min`` and cannot close it, does not count)."""
    if not stays:
        return 0
    span = stays[-1].close - stays[0].arrive + stays[0].travel
    total = sum(st.close - st.arrive + st.travel for st in stays)
    if r.meal > 0 and span > r.meal_after and not r.closing_meal(stays[-1].close):
        total -= r.meal
    return total


def cut(r: LabourRules, stays: list[Stay], start: tuple[int, int] | None, end: tuple[int, int] | None) -> list[Stay]:
    """The stays of a crew that takes over at ``start`` and hands over at ``end`` (each ``(minute, stay index)``,
    None for the day's start or end): a relieving crew comes from the group's home and puts on its gear for
    ``gear_change_min`` before its handover."""
    first = 0 if start is None else start[1]
    last = len(stays) - 1 if end is None else end[1]
    out = list(stays[first:last + 1])
    if end is not None:
        out[-1] = replace(out[-1], close=end[0])
    if start is not None:
        h = start[0]
        out[0] = replace(out[0], arrive=h - r.gear, open=h, travel=out[0].commute, relieve=True)
    return out


def handovers(r: LabourRules, stays: list[Stay]) -> list[tuple[int, int]]:
    """Minutes a crew may hand over, ``(minute, stay index)`` in time order: inside a stay's work, with a
    stint of ``min_stint_min`` on either side; on a 10-minute mark where a stay has one."""
    out = []
    for i, st in enumerate(stays):
        lo, hi = max(st.open, st.arrive + r.min_stint), st.close - r.min_stint
        marks = [h for h in range(lo, hi + 1) if h % MARK == 0]
        out += [(h, i) for h in (marks or range(lo, hi + 1))]
    return out


def _greedy(r: LabourRules, stays: list[Stay], n: int, cands: list[tuple[int, int]],
            limit: int) -> list[tuple[int, int]] | None:
    """Handovers for ``n`` crews, each crew working as long as it may within ``limit``; None when the last
    crew would work longer."""
    chosen: list[tuple[int, int]] = []
    start = None
    for _ in range(n - 1):
        fits = [c for c in cands if (start is None or c[0] - start[0] >= r.min_stint + r.gear)
                and crew_work(r, cut(r, stays, start, c)) <= limit]
        if not fits:
            return None
        start = fits[-1]
        chosen.append(start)
    return chosen if crew_work(r, cut(r, stays, start, None)) <= limit else None


def split(r: LabourRules, stays: list[Stay], n: int) -> list[tuple[int, int]] | None:
    """The handovers of ``n`` crews whose longest day is the least (each within ``max_work_min``), or None."""
    cands = handovers(r, stays)
    if _greedy(r, stays, n, cands, r.max_work) is None:
        return None
    lo, hi = 0, r.max_work  # the least limit the greedy split keeps (bisection on whole minutes)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _greedy(r, stays, n, cands, mid) is None:
            lo = mid
        else:
            hi = mid
    return _greedy(r, stays, n, cands, hi)


def _deal(members: list[int], n: int) -> list[list[int]]:
    """A role's members dealt into ``n`` crews in their order, the earlier crews one more where uneven."""
    size, extra = divmod(len(members), n)
    out, k = [], 0
    for j in range(n):
        take = size + (1 if j < extra else 0)
        out.append(members[k:k + take])
        k += take
    return out


def plan_relief(r: LabourRules, group: Group, stays: list[Stay]) -> Relief | Shortfall:
    """The crews and handovers of a day too long for one person (see the module docstring).

    Parameters
    ----------
    r
        The labour rules.
    group
        The group, with its members.
    stays
        Its stays of the day, in time order.

    Returns
    -------
    Relief | Shortfall
        The crews, or the shifts the day needs and the members each role lacks for them.
    """
    by_role: dict[Role, list[int]] = defaultdict(list)
    for i, m in enumerate(group.members):
        by_role[m.role].append(i)
    for n in range(2, MAX_CREWS + 1):
        chosen = split(r, stays, n)
        if chosen is None:
            continue
        bounds = [None, *chosen, None]
        crew_stays = [cut(r, stays, bounds[j], bounds[j + 1]) for j in range(n)]
        need = {role: max(st.desks for st in stays) if role == Role.sampler else 1 for role in by_role}
        missing = {role: need[role] * n - len(xs) for role, xs in by_role.items() if len(xs) < need[role] * n}
        if missing:
            return Shortfall(n, missing)
        dealt = [_deal(xs, n) for xs in by_role.values()]
        crews = tuple(Crew(tuple(group.members[i] for i in sorted(i for xs in dealt for i in xs[j])),
                           tuple(crew_stays[j])) for j in range(n))
        return Relief(crews, tuple((h, stays[i].unit) for h, i in chosen))
    return Shortfall(MAX_CREWS + 1, {})
