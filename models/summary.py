"""The figures of a scenario and how they compare with the guidelines.

Pure arithmetic on a validated scenario; ``natplan validate`` prints it.
Guideline ranges are from ``../shared/DOMAIN.md``: one sampling point per
2,000-3,000 people, one desk per 600-800 people, samplers about
population / 360 per day of sampling.

Each check is a warning or an error.  The guideline ratios (people per
unit, people per desk, samplers needed) are warnings: a town may run
outside them and still finish.  ``throughput_hours`` is an error: when
the throughput bound is later than the deadline, no plan can sample
everyone in time, and ``natplan validate`` exits 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from natplan.models.problems import Problem
from natplan.models.scenario import Role, Scenario

POINT_PEOPLE = (2000, 3000)
DESK_PEOPLE = (600, 800)
PEOPLE_PER_SAMPLER_DAY = 360


@dataclass(frozen=True)
class Check:
    """One sizing figure against its guideline.

    ``severity`` says what a figure outside the range means: ``warning``
    (outside the guideline, the round may still work) or ``error`` (no plan
    can work).
    """

    key: str  # label key, see templates.i18n
    value: float
    low: float | None
    high: float | None
    severity: Literal["warning", "error"] = "warning"

    @property
    def status(self) -> str:
        """``ok``, ``low`` or ``high`` against the guideline range."""
        if self.low is not None and self.value < self.low:
            return "low"
        if self.high is not None and self.value > self.high:
            return "high"
        return "ok"

    @property
    def fails(self) -> bool:
        """An error-severity check outside its range."""
        return self.severity == "error" and self.status != "ok"


@dataclass(frozen=True)
class Summary:
    """A scenario's counts and checks (see :func:`summarize`)."""

    counts: dict[str, int]
    checks: tuple[Check, ...]
    throughput_bound_min: float  # minutes to sample everyone at full staffed speed
    round_min: int

    @property
    def failed(self) -> tuple[Check, ...]:
        """The error-severity checks that fail: ``natplan validate`` exits 1 when there are any."""
        return tuple(c for c in self.checks if c.fails)

    def failures(self) -> list[Problem]:
        """The failed checks in words, each at the field to change (lines are the caller's: see
        :func:`natplan.models.loader.locate`)."""
        return [Problem(_FAILURE[c.key].format(value=c.value, high=c.high), _FIELD[c.key]) for c in self.failed]


_FAILURE = {"throughput_hours": "even at full staffed speed the round needs {value:.1f} h (the throughput bound), "
                                "more than the {high:.1f} h from start to deadline: no plan can sample everyone in "
                                "time; add groups, samplers or desks, or move the deadline"}
_FIELD = {"throughput_hours": ("parameters", "deadline")}


def summarize(s: Scenario) -> Summary:
    """Counts and guideline checks of a scenario.

    ``throughput_bound_min`` is the least time the round can take: walk-in
    people divided by the town's best sampling rate: no more swab at once
    than the samplers, nor than the desks of as many units as there are
    groups (each group works at one unit at a time; several may share a
    unit's desks).
    """
    p = s.parameters
    samplers = sum(g.count(Role.sampler) for g in s.groups)
    desks = sum(u.desks for u in s.units)
    walk_in = s.people - len(s.special_needs)
    counts = {
        "people": s.people,
        "households": s.households,
        "villages": len(s.villages),
        "grids": len(s.grids()),
        "special_needs": len(s.special_needs),
        "units": len(s.units),
        "desks": desks,
        "groups": len(s.groups),
        "staff": sum(len(g.members) for g in s.groups),
        "samplers": samplers,
        "zones": len(s.zones),
        "zone_vehicles": sum(z.vehicles for z in s.zones),
        "vehicles": s.vehicles,
    }
    round_min = p.deadline - p.start
    # Each group works at one unit at a time, and groups may work side by side where the desks allow: at most
    # as many units are open as there are groups, and no more swab at once than the samplers or those desks.
    sites = sorted((u.desks for u in s.units), reverse=True)
    swabbing = min(samplers, sum(sites[:len(s.groups)]))
    bound = math.inf if swabbing == 0 else walk_in / (swabbing * p.throughput_per_desk_per_hour) * 60
    days = round_min / (24 * 60)
    checks = (
        Check("people_per_unit", s.people / len(s.units), None, POINT_PEOPLE[1]),
        Check("people_per_desk", s.people / max(1, desks), None, DESK_PEOPLE[1]),
        Check("samplers_needed", math.ceil(s.people / PEOPLE_PER_SAMPLER_DAY / max(1.0, days)), None, samplers),
        Check("throughput_hours", bound / 60, None, round_min / 60, severity="error"),
    )
    return Summary(counts, checks, bound, round_min)
