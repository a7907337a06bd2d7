"""A re-planned plan: the plan as it now stands, and the record of what the re-plan did.

``natplan replan`` writes a :class:`ReplannedPlan`: every field of a
:class:`~natplan.models.plan.Plan` (so every reader of plans reads it), plus
``replan``, which carries the events it was made for and what the plan now
does about them that the plan's own fields cannot say: rate changes of
groups that lost samplers, vehicles that drive a broken-down courier's
loops, retests of positive pools, and the lab's queue while it is slow.
A re-planned plan may be re-planned again with events from its latest
event on; the record then holds every event and the earlier re-plans.
``natplan verify`` checks the plan by the town's rules against the scenario
as the events make it, and by the re-plan rules
(:mod:`natplan.scheduler.verify.replan`) against this record.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from natplan.models.events import Event
from natplan.models.plan import Plan, _Plan

__all__ = ["Applied", "LabQueue", "RateChange", "Replan", "ReplannedPlan", "Retest", "RetestMember", "Substitute", "plan_model"]


class RateChange(_Plan):
    """From ``start`` a unit samples at another rate (its group lost samplers)."""

    unit: str
    group: str
    start: int
    rate_per_hour: float


class Substitute(_Plan):
    """A vehicle that drives a courier route's loops while the route's own vehicle is out."""

    route: str  # the courier vehicle that is out (its route sheet)
    vehicle: str  # who drives instead: another courier free then, or a station vehicle
    departs: list[int]  # the loops it drives, by departure


class RetestMember(_Plan):
    """People of one grid in a positive pool (by the plan's order of arrival; the registrar's list is exact)."""

    grid: str
    households: tuple[int, int]
    people: int


class Retest(_Plan):
    """The single-tube retest of a positive pool's members."""

    event: int  # index of the positive_pool event
    unit: str
    tube: int
    people: int  # one tube each
    members: list[RetestMember]
    mode: Literal["home", "unit"]
    team: str  # the retest team (1 cadre + 2 medics and a car), R1, R2, …
    place: str  # the unit (mode unit) or the first grid visited (mode home)
    leave: int  # the team leaves the station
    first_swab: int
    last_swab: int
    lab_arrive: int  # the team takes the tubes to the lab itself
    worst_age_min: float
    stops: list[tuple[str, int]] = Field(default_factory=list)  # (grid, minute) of each household visited


class LabQueue(_Plan):
    """The lab's queue while it tests fewer tubes an hour than it receives."""

    start: int
    until: int | None
    tubes_per_hour: int
    tubes: int  # tubes that reach it while it is slow
    done: int | None  # when the last of them is tested
    worst_age_min: float  # swab to test, over those tubes


class Applied(_Plan):
    """An earlier re-plan that the plan carries out already (a re-plan of a re-planned plan keeps its record)."""

    base_plan_sha256: str
    events_sha256: str
    cut: int
    events: int  # how many of ``Replan.events`` (the first ones) it applied


class Replan(_Plan):
    """What a re-plan was made for and what it did.

    A re-plan of a plan that was re-planned already carries every event, the earlier re-plans' first
    (``earlier`` says which file brought which); its ``cut`` is its own, the latest.
    """

    base_plan_sha256: str  # the plan.json it changed
    events_sha256: str
    cut: int  # the earliest event of this re-plan: before it everything stays as done
    notice_min: int
    events: list[Event]
    rates: list[RateChange] = Field(default_factory=list)
    substitutes: list[Substitute] = Field(default_factory=list)
    retests: list[Retest] = Field(default_factory=list)
    lab: list[LabQueue] = Field(default_factory=list)
    earlier: list[Applied] = Field(default_factory=list)  # the re-plans before this one, in order

    @property
    def new_events(self) -> list:
        """The events this re-plan applied (those after the earlier re-plans')."""
        return self.events[sum(a.events for a in self.earlier):]


class ReplannedPlan(Plan):
    """A plan re-planned during the round: the plan, and its ``replan`` record."""

    replan: Replan


def plan_model(data: dict[str, Any]) -> Plan:
    """A plan.json's data as its model: :class:`ReplannedPlan` when it carries a ``replan`` record, else
    :class:`~natplan.models.plan.Plan`."""
    return ReplannedPlan.model_validate(data) if "replan" in data else Plan.model_validate(data)
