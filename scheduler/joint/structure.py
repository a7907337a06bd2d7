"""A joint plan before its rosters: stays of groups at units, and each job's unit.

The construction, the search and the incumbent all give a :class:`Structure`;
:mod:`natplan.scheduler.joint.realise` turns one into visits, rosters,
slots and unit days.  Times are minutes of the round's clock; a round of
several days has a stay for each day a group works.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StayPlan:
    """Group ``group`` (index) at unit ``unit`` (index): it arrives (set-up starts) at ``arrive``, swabs
    from ``arrive + setup`` and closes at ``close``; ``until_done`` when it stays until the unit's people
    are all sampled (the last group at a unit), else it leaves at ``close`` for another group or unit."""

    group: int
    unit: int
    arrive: int
    close: int
    until_done: bool = True


@dataclass(frozen=True)
class Structure:
    """Stays, and the unit (index) of each job."""

    stays: tuple[StayPlan, ...]
    unit_of: np.ndarray  # per job

    def loads(self, people: np.ndarray, n_units: int) -> np.ndarray:
        """People per unit."""
        return np.bincount(self.unit_of, weights=people, minlength=n_units).astype(np.int64)

    def finish(self) -> int:
        """The latest closing."""
        return max((s.close for s in self.stays), default=0)


def mark_up(minute: int, setup: int, grid: int = 5) -> int:
    """The earliest arrival at or after ``minute`` whose opening (``+ setup``) falls on a ``grid``-minute mark,
    so that doors open and slots read 08:15-08:45, not 08:13-08:43."""
    return -(-(minute + setup) // grid) * grid - setup
