"""The labour rules of a round, as numbers the planner and its bound can use.

Every rule is a scenario parameter (defaults from ``../shared/DOMAIN.md``):

- **gown** — nobody stays longer than ``gear_change_interval_min`` in one gown;
  a gown is put on at set-up, after a gear change and after a meal;
- **meal** — anyone whose day spans more than ``meal_after_min`` gets a meal
  of ``meal_break_min``, inside one of ``meal_windows`` (the same hours every
  day; a meal that starts as work ends may close the day: eat, then go home);
- **stint** — no stretch in one gown (set-up and work) is shorter than
  ``min_stint_min``;
- **day** — nobody works more than ``max_work_min`` in a day (travel, set-up,
  work and gear changes count; meals do not).  The joint planner plans a
  group's day within ``max_work_min`` (and a meal); a day that runs longer
  when it is realised minute by minute is worked in shifts of the group's
  own members (:mod:`natplan.scheduler.relief`), or explained when they are
  too few; a round that needs longer days is planned over more days, or
  explained.

A person's day is cut into *stretches*: the time at one unit from set-up to
the group's closing, in one gown unless a break renews it.  A stretch of
length ``L`` needs :func:`gear_changes` changes, and with them the person
works :func:`stretch_work` of it.  :func:`work_ceiling` is the most work one
sampler can give by a minute ``T``: the labour part of the joint lower bound
(:mod:`natplan.scheduler.joint.bound`).  Nothing here solves anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from natplan.models.scenario import Parameters

DAY = 24 * 60


@dataclass(frozen=True)
class LabourRules:
    """The rules in minutes (see the module docstring)."""

    gown_max: int  # gear_change_interval_min
    gear: int  # gear_change_min
    meal: int  # meal_break_min
    meal_after: int  # meal_after_min
    windows: tuple[tuple[int, int], ...]  # meal windows of the first day
    min_stint: int
    max_work: int
    start: int
    days: int

    @classmethod
    def of(cls, p: Parameters) -> LabourRules:
        """The rules of a scenario's parameters."""
        return cls(gown_max=p.gear_change_interval_min, gear=p.gear_change_min, meal=p.meal_break_min,
                   meal_after=p.meal_after_min, windows=tuple((w.start, w.end) for w in p.meal_windows),
                   min_stint=p.min_stint_min, max_work=p.max_work_min, start=p.start, days=p.round_days)

    def day_start(self, day: int) -> int:
        """When work may start on ``day`` (0 = the first day)."""
        return self.start + DAY * day

    def day_of(self, minute: float) -> int:
        """The round day a minute falls in (days run from ``start`` to ``start`` the next day)."""
        return max(0, int((minute - self.start) // DAY))

    def meal_windows(self, lo: float, hi: float) -> list[tuple[int, int]]:
        """Meal windows (absolute minutes) that overlap ``[lo, hi]``, in time order."""
        out = []
        first = int(lo // DAY) - 1
        for d in range(first, int(hi // DAY) + 2):
            for a, b in self.windows:
                a, b = a + DAY * d, b + DAY * d
                if b > lo and a < hi:
                    out.append((a, b))
        return sorted(set(out))

    def closing_meal(self, end: int) -> bool:
        """True when a meal starting at ``end``, as work ends, lies inside a meal window (eat, then go home)."""
        return any(a <= end and end + self.meal <= b for a, b in self.meal_windows(end, end + self.meal))


def gear_changes(r: LabourRules, length: int) -> int:
    """Fewest gear changes in a stretch of ``length`` minutes so that no gown is worn longer than allowed.

    With ``k`` changes the gowns cover ``length - k * gear`` minutes in ``k + 1`` pieces.

    >>> r = LabourRules(180, 15, 30, 300, ((660, 810),), 30, 480, 360, 1)
    >>> gear_changes(r, 180), gear_changes(r, 181), gear_changes(r, 375), gear_changes(r, 376)
    (0, 1, 1, 2)
    """
    if length <= r.gown_max:
        return 0
    return math.ceil((length - r.gown_max) / (r.gown_max + r.gear))


def stretch_work(r: LabourRules, length: int, meal: bool = False) -> int:
    """Minutes in gown (set-up and work) in a stretch of ``length`` with its gear changes (and a meal in it)."""
    used = r.meal if meal else 0
    rest = length - used
    # a meal inside splits the stretch in two, each with its own changes
    if meal:
        return max(0, rest - r.gear * max(0, math.ceil((rest - 2 * r.gown_max) / (r.gown_max + r.gear))))
    return max(0, rest - r.gear * gear_changes(r, rest))


def work_ceiling(r: LabourRules, setup: int, arrive: int, until: int) -> int:
    """The most minutes one person can swab between ``arrive`` (at the first unit) and ``until``.

    A valid upper bound under every rule: the person sets up for ``setup``
    minutes, then swabs in gowns of at most ``gown_max`` with a gear change
    between, eats once if the day spans more than ``meal_after`` (a meal that
    closes the day costs nothing before ``until``; one inside costs ``meal``),
    and works at most ``max_work``.  The person may also stop earlier, which
    can spare a meal: the best end is taken.
    """
    best = 0
    for end in range(arrive + setup, until + 1):
        span = end - arrive
        work = span - r.gear * gear_changes(r, span)
        if span > r.meal_after and not r.closing_meal(end):
            work = span - r.meal - r.gear * max(0, math.ceil((span - r.meal - 2 * r.gown_max)
                                                            / (r.gown_max + r.gear)))
        work = min(work, r.max_work) - setup
        best = max(best, work)
    return max(0, best)
