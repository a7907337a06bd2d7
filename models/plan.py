"""The plan: what the solvers decided, as plain validated data.

The scheduler and the router fill these models; the renderers and
``natplan verify`` read them (``plan.json`` is ``Plan.model_dump_json``).
Times are minutes since midnight of the round's first day; distances are
metres; people and tubes are counts.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Explanation(_Plan):
    """A rule the plan could not keep, in a planner's words, and what would fix it."""

    where: str  # unit, grid, zone or "town"
    problem: str
    fix: str = ""


class GridPart(_Plan):
    """A grid, or a part of a grid by household range, sent to one unit."""

    grid: str
    part: int = 1  # 1-based; >1 only when a grid alone was too big for a unit
    parts: int = 1
    households: tuple[int, int]  # first and last household number (1-based, inclusive)
    people: int  # walk-in people (special-needs people are visited at home)
    unit: str
    distance_m: float


class SolverStats(_Plan):
    """What a solver proved: objective, bound and gap, and how it got there."""

    objective: float
    bound: float
    gap: float  # (objective - bound) / objective
    method: str
    optimal: bool = False
    # wall-clock times are not part of a plan: the same scenario and seed give the same bytes


class Assignment(_Plan):
    parts: list[GridPart]
    stats: SolverStats
    balanced: bool  # True when the load-evening capacities held; False when they were relaxed


class Slot(_Plan):
    """People of a grid part told to arrive at a unit within [start, end)."""

    unit: str
    grid: str
    part: int
    start: int
    end: int
    people: int
    households: tuple[int, int]  # household numbers called in this slot (inclusive)


class UnitDay(_Plan):
    """One unit's day: when it is open, who staffs it, its queue and finish."""

    unit: str
    people: int
    open: int  # doors open (after set-up)
    close: int  # last person sampled
    group: str | None
    rate_per_hour: float
    first_slot: int | None
    last_slot: int | None
    peak_queue: float
    finish: float
    queue: list[tuple[int, float]] = Field(default_factory=list)  # (minute, people waiting) at slot bounds


class Visit(_Plan):
    """A group's stay at a unit."""

    group: str
    unit: str
    arrive: int  # arrives and starts set-up
    open: int
    close: int
    leave: int


class Shift(_Plan):
    """One line of a person's timed roster."""

    group: str
    member: str
    role: str
    unit: str | None
    start: int
    end: int
    kind: Literal["work", "travel", "setup", "gear", "meal"]


class HomeTeam(_Plan):
    """A home-visit team (1 village cadre + 2 medics) and its visits."""

    team: str
    people: list[str]  # special-needs ids in visiting order
    start: int
    end: int
    returns_to: str  # unit or station where its samples go
    stops: list[tuple[str, int]] = Field(default_factory=list)  # (special id, clock minute)
    trips: list[tuple[int, int]] = Field(default_factory=list)  # (leave station, back at station) per trip


class Staffing(_Plan):
    visits: list[Visit]
    shifts: list[Shift]
    home_teams: list[HomeTeam]
    makespan: int
    stats: SolverStats


class Pickup(_Plan):
    """A courier stop: the box of one unit handed over (handover sheet line)."""

    unit: str
    time: int  # arrival at the unit
    people: int  # swabbed since the last pickup
    tubes: int  # closed tubes taken (the last pickup also takes the last, partly filled tube)
    boxes: int
    earliest_swab: float  # minute of the oldest swab in these tubes


class Loop(_Plan):
    """One run of a courier vehicle: station → units → station."""

    depart: int
    back: int
    stops: list[Pickup]


class CourierRoute(_Plan):
    """A courier vehicle of a zone, its stop order and every loop of the day."""

    zone: str
    vehicle: str
    order: list[str]  # units in visiting order (closed units are skipped)
    loop_min: int  # minutes of the full loop with every unit open
    loops: list[Loop]


class ZoneCouriers(_Plan):
    zone: str
    interval_min: int
    vehicles_needed: int
    vehicles_available: int
    vehicles_lower_bound: int
    routes: list[CourierRoute]
    note: str = ""


class ShuttleTrip(_Plan):
    """A station vehicle taking boxes to the lab."""

    vehicle: str
    depart: int
    arrive: int  # at the lab, boxes handed over
    back: int
    tubes: int
    boxes: int
    oldest_swab: float
    worst_age_min: float


class Shuttles(_Plan):
    cadence_min: int  # a shuttle leaves the station this often
    round_trip_min: int
    vehicles_used: int
    fewest_vehicles: int  # fewest station vehicles that would still meet the age limit
    worst_age_min: float
    trips: list[ShuttleTrip]


class Routing(_Plan):
    zones: list[ZoneCouriers]
    shuttles: Shuttles
    stats: SolverStats


class Kpis(_Plan):
    people: int
    walk_in: int
    home_visits: int
    units_open: int
    groups_used: int
    finish: int
    bound: float  # least possible finish: start + walk-in people / best town rate
    finish_ratio: float  # (finish - start) / (bound - start)
    peak_queue: float
    walk_mean_m: float
    walk_max_m: float
    worst_sample_age_min: float | None = None
    courier_vehicles: int | None = None


class Plan(_Plan):
    """A whole round's plan."""

    scenario: str
    scenario_sha256: str
    seed: int
    natplan_version: str
    assignment: Assignment
    slots: list[Slot]
    units: list[UnitDay]
    staffing: Staffing
    routing: Routing
    kpis: Kpis
    warnings: list[str] = Field(default_factory=list)
