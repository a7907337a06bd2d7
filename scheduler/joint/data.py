"""The joint instance: grids to send, units to open, groups to move, as arrays.

A *job* is a grid (or, when it alone is bigger than any unit within reach
can take in the round, a household range of it; see
:func:`natplan.scheduler.assign.walk_in_jobs`).  An *arc* is a (job, unit)
pair within ``max_walk_m`` (pins and ``allowed_grids`` respected).  *Places*
are the transfer station (0) and the units (1..U); a group starts its day at
its home unit, or at the station when it has none, and its vans take
``travel[a, b]`` minutes between places.

A group ``k`` at unit ``u`` swabs at ``min(desks, samplers)`` desks; its
samplers' breaks cost desk time only where no spare sampler covers them
(:func:`rates`).  The model and the bound use these rates; the realised plan
counts every sampler at work minute by minute instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.models.plan import Explanation
from natplan.models.scenario import Role, Scenario
from natplan.routing.network import van_minutes
from natplan.scheduler.assign import Job, _unreachable, reachable_jobs
from natplan.scheduler.labour import LabourRules, gear_changes


@dataclass(frozen=True)
class JointData:
    """One round as the joint planner sees it (see the module docstring)."""

    scenario: Scenario
    rules: LabourRules
    jobs: tuple[Job, ...]
    arc_job: np.ndarray  # job index of each arc
    arc_unit: np.ndarray  # unit index of each arc
    arc_m: np.ndarray  # metres walked on each arc
    desks: np.ndarray  # per unit
    lo: np.ndarray  # per unit: earliest opening
    hi: np.ndarray  # per unit: latest closing
    samplers: np.ndarray  # per group
    home: np.ndarray  # per group: its first place (0 the station, u + 1 unit u)
    travel: np.ndarray  # van minutes between places, whole minutes
    setup: int
    tp: int  # people a desk samples in an hour
    notes: tuple[str, ...]  # grids split by household ranges

    @property
    def n_units(self) -> int:
        return len(self.desks)

    @property
    def n_groups(self) -> int:
        return len(self.samplers)

    @property
    def people(self) -> np.ndarray:
        """Walk-in people of each job."""
        return np.array([j.people for j in self.jobs], dtype=np.int64)

    def first_arrival(self, k: int, u: int, day: int = 0) -> int:
        """Earliest minute group ``k`` can arrive at unit ``u`` to set up, coming from its home on ``day``."""
        return max(int(self.lo[u]) - self.setup, self.rules.day_start(day) + int(self.travel[self.home[k], u + 1]))

    def unit_name(self, u: int) -> str:
        unit = self.scenario.units[u]
        return f"{unit.id} {unit.name}"


def joint_data(s: Scenario) -> tuple[JointData | None, list[Explanation]]:
    """The instance of a scenario, or the grids no unit within walking distance may take.

    Parameters
    ----------
    s
        A validated scenario.

    Returns
    -------
    tuple[JointData | None, list[Explanation]]
        The instance, or None and why (grids out of reach, with the nearest unit and what would fix it).
    """
    p = s.parameters
    rules = LabourRules.of(p)
    units = s.units
    desks = np.array([u.desks for u in units], dtype=np.int64)
    windows = [s.unit_window(u) for u in units]
    lo = np.array([w[0] for w in windows], dtype=np.int64)
    hi = np.array([w[1] for w in windows], dtype=np.int64)
    # the most a unit can take in the round: every desk over every allowed day
    day_cap = {u.id: int(p.throughput_per_desk_per_hour * u.desks * max(0, hi[i] - lo[i] - p.setup_min)
                         / 60 * p.round_days) for i, u in enumerate(units)}
    jobs, a, b, d, notes = reachable_jobs(s, day_cap)
    problems = _unreachable(s, jobs, a)
    if problems:
        return None, problems
    order = np.lexsort((d, b, a))
    a, b, d = a[order], b[order], d[order]
    unit_index = {u.id: i for i, u in enumerate(units)}
    home = np.array([0 if g.home is None or g.home not in unit_index else unit_index[g.home] + 1
                     for g in s.groups], dtype=np.int64)
    lon = [s.station.location.lon] + [u.location.lon for u in units]
    lat = [s.station.location.lat] + [u.location.lat for u in units]
    travel = np.ceil(van_minutes(s, lon, lat)).astype(np.int64)
    samplers = np.array([g.count(Role.sampler) for g in s.groups], dtype=np.int64)
    return JointData(s, rules, tuple(jobs), a.astype(np.int64), b.astype(np.int64), d.astype(float), desks, lo, hi,
                     samplers, home, travel, p.setup_min, p.throughput_per_desk_per_hour, tuple(notes)), []


def break_share(r: LabourRules, day: int, end: int) -> float:
    """Share of a sampler's time on breaks in a day of ``day`` minutes ending at ``end``: its gear changes,
    and its meal when the meal cannot close the day."""
    meal = r.meal if day > r.meal_after and not r.closing_meal(end) else 0
    return min(0.5, (gear_changes(r, day) * r.gear + meal) / max(1, day))


def rates(data: JointData, day: int, end: int) -> np.ndarray:
    """People an hour of each group (rows) at each unit (columns) in a day of ``day`` minutes ending at ``end``.

    A group swabs at ``min(desks, samplers)`` desks; its breaks are covered by its spare samplers, and what
    they cannot cover costs desk time: ``min(desks, samplers × (1 - break share))`` desks swab on average.
    """
    share = break_share(data.rules, day, end)
    active = np.minimum(data.desks[None, :], data.samplers[:, None] * (1 - share))
    return data.tp * active


def desks_used(data: JointData) -> np.ndarray:
    """Desks each group (rows) swabs at at each unit (columns): ``min(desks, samplers)``."""
    return np.minimum(data.desks[None, :], data.samplers[:, None])


def duty_cap(r: LabourRules, day_start: int) -> int:
    """Longest day a group can work from ``day_start`` without relief: ``max_work`` of work, and a meal on
    top when the meal cannot close the day."""
    end = day_start + r.max_work
    if r.max_work > r.meal_after and not r.closing_meal(end):
        return r.max_work + r.meal
    return r.max_work


def ceil_div(a: int, b: int) -> int:
    return -(-a // b) if b > 0 else math.inf
