"""The plan: what the solvers decided, as plain validated data.

The scheduler and the router fill these models; the renderers and
``natplan verify`` read them (``plan.json`` is ``Plan.model_dump_json``).
Times are minutes since midnight of the round's first day; distances are
metres; people and tubes are counts.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer


class _Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Explanation(_Plan):
    """A rule the plan could not keep, in a planner's words, and what would fix it."""

    where: str  # unit, grid, zone or "town"
    problem: str
    fix: str = ""
    code: str | None = None  # a key of natplan.templates.i18n (``why_<code>``, ``fix_<code>``) to say it in Chinese
    params: dict[str, str] = Field(default_factory=dict)  # the values the key's sentences name


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
    """One unit's day: when it is open, who staffs it, its queue and finish.

    With several groups (one after another, or side by side where the desks allow) ``group`` is the first
    and ``groups`` lists them all in order of arrival; ``open`` is the first opening and ``close`` the last
    closing.  ``rate_per_hour`` is the rate with the most desks the plan staffs at once; the rate minute by
    minute is the throughput times the desks with a sampler at work (``Staffing.shifts``).
    """

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
    groups: list[str] = Field(default_factory=list)  # every group that works here, in order of arrival
    pauses: list[tuple[int, int]] = Field(default_factory=list)
    """``[start, end)`` spans in which the unit is open but no sampler is at work: every sampler there is on a
    break the labour rules force (a gown change or a meal) and none is free to cover it.  Written only when
    there is one, so plans without pauses keep their bytes."""

    @model_serializer(mode="wrap")
    def _pauses_when_any(self, handler):
        out = handler(self)
        if not self.pauses:
            out.pop("pauses", None)
        return out


class Visit(_Plan):
    """A group's stay at a unit.

    A unit may have several visits: groups one after another (the next sets up while the last still
    swabs), or side by side where the desks allow; ``desks`` is how many of the unit's desks this group's
    samplers work (the rest are other groups').
    """

    group: str
    unit: str
    arrive: int  # arrives and starts set-up
    open: int
    close: int
    leave: int
    desks: int | None = None


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
    """One run of a courier vehicle: station → units → station, or, on a relay, meeting point → units →
    meeting point, where a station vehicle takes the boxes on (``handover_at``, ``at_station``)."""

    depart: int
    back: int  # back where it started (the station, or the meeting point)
    stops: list[Pickup]
    interval_min: int | None = None  # the units on this run are collected this often (None: the zone's interval)
    handover_at: str = ""  # "" the station; a unit id: the meeting point where a relay takes the boxes
    at_station: int | None = None  # minute the boxes reach the station (None: ``back``)


class Drive(_Plan):
    """An empty drive of a courier vehicle between the station and a meeting point."""

    leave: int
    arrive: int
    origin: str  # "station" or a unit id
    to: str


class CourierRoute(_Plan):
    """A courier vehicle's work in a zone: its stop order and every loop of the day.

    ``vehicle`` is a real vehicle of the scenario (a zone's van, or a station vehicle lent to the zone);
    only a what-if plan (``fleet.add_missing_vehicles``) has ``extra`` vehicles the town lacks.  A station
    vehicle that helps two zones in turn has one route in each.
    """

    zone: str
    vehicle: str
    order: list[str]  # units in visiting order (closed units are skipped)
    loop_min: int  # minutes of the full loop with every unit open
    loops: list[Loop]
    vehicle_name: str = ""
    lent: bool = False  # a station vehicle lent to the zone
    extra: bool = False  # a vehicle the town does not have (what-if plans only)
    capacity_boxes: int | None = None
    drives: list[Drive] = Field(default_factory=list)


class ZoneCouriers(_Plan):
    zone: str
    interval_min: int
    vehicles_needed: int  # vehicles at work in the zone at its busiest (relay vehicles included)
    vehicles_available: int  # the zone's own vehicles
    vehicles_lower_bound: int  # fewest vehicles for the chosen intervals: proven when ``minimum_proven``
    routes: list[CourierRoute]
    note: str = ""
    minimum_proven: bool = False  # the bound is exact (every loop of the zone's units enumerated)
    strict_minimum: int | None = None  # fewest vehicles with every unit at the zone's own interval (proven or bound)
    units: list[str] = Field(default_factory=list)  # units its loops collect (moves between zones included)


class Relay(_Plan):
    """A station vehicle fetching a zone's boxes from its meeting point (a relay)."""

    vehicle: str
    zone: str
    meeting_point: str  # a unit id
    leave: int  # leaves the station
    meet: int  # at the meeting point; takes the boxes until meet + the handover
    at_station: int  # back at the station with the boxes
    tubes: int
    boxes: int
    vehicle_name: str = ""


class FleetChoice(_Plan):
    """One thing the courier plan does because strict loops do not fit the fleet, and why.

    ``kind``: ``lend`` (station vehicles run a zone's loops), ``move`` (units collected by a neighbouring
    zone), ``interval`` (units collected less often), ``relay`` (a zone hands its boxes over at a meeting
    point).  ``reason``: ``short`` (the zone's vehicles are too few at ``at``: ``needed`` against ``have``),
    ``far`` (a loop to the unit alone takes ``loop_min``, more than the interval allows).  The printed sets
    say it in words (natplan.templates.views).
    """

    kind: Literal["lend", "move", "interval", "relay"]
    zone: str
    reason: Literal["short", "far"] = "short"
    units: list[str] = Field(default_factory=list)
    vehicles: list[str] = Field(default_factory=list)
    interval_min: int | None = None
    to_zone: str | None = None
    meeting_point: str | None = None
    at: int | None = None
    needed: int | None = None
    have: int | None = None
    loop_min: int | None = None


class FleetUse(_Plan):
    """The vehicles a plan uses against those the scenario has, and what strict loops would need."""

    available: int  # zones' vehicles and station vehicles
    used: int  # real vehicles with any work (loops, relays, shuttles)
    extra: int = 0  # vehicles the plan lacks (what-if plans only)
    shuttle_vehicles: list[str] = Field(default_factory=list)
    lent: list[str] = Field(default_factory=list)  # station vehicles that run loops or relays
    units_by_interval: dict[str, int] = Field(default_factory=dict)  # "30": units collected every 30 min …
    longest_interval_min: int | None = None
    handover_min: int = 0  # minutes at the station to hand over and sign: a box leaves on a shuttle after them
    strict_needed: int | None = None  # vehicles strict loops everywhere need, shuttles included
    strict_minimum: int | None = None  # its proven lower bound (equal when every zone was enumerated)
    choices: list[FleetChoice] = Field(default_factory=list)


class ShuttleTrip(_Plan):
    """A station vehicle taking boxes to the lab."""

    vehicle: str
    depart: int
    arrive: int  # at the lab, boxes handed over
    back: int
    tubes: int
    boxes: int
    oldest_swab: float
    worst_age_min: float  # from the oldest swab to its test (the lab's queue counted) or to the lab
    tested: int | None = None  # the lab has taken up this trip's last tube (None: the lab's capacity is not given)


class Shuttles(_Plan):
    cadence_min: int  # a shuttle leaves the station this often
    round_trip_min: int
    vehicles_used: int
    fewest_vehicles: int  # fewest station vehicles that would still meet the age limit
    worst_age_min: float
    trips: list[ShuttleTrip]
    vehicles: list[str] = Field(default_factory=list)  # the station vehicles kept for shuttles
    lab_wait_min: float = 0.0  # longest a trip's tubes wait at the lab before they are all taken up


class Routing(_Plan):
    zones: list[ZoneCouriers]
    shuttles: Shuttles
    stats: SolverStats
    relays: list[Relay] = Field(default_factory=list)
    fleet: FleetUse | None = None


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
    joint_bound: float | None = None  # least possible finish of where-and-who together (scheduler.joint.bound)
    joint_ratio: float | None = None  # (finish - start) / (joint_bound - start)
    days: int = 1  # days the round takes (a round of several days: parameters.round_days)


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
