"""The scenario: what a town's command post knows the night before a round.

Units are in the field names: ``_m`` metres, ``_min`` minutes, ``_kmh``
kilometres per hour; counts of people are plain ints.  Times of day are
:data:`natplan.models.clock.Clock` values (``"HH:MM"`` in files).  Defaults whose
origin is the national guidelines or the Xiagezhuang report
(``../shared/DOMAIN.md``) say so in their description.

These models check each field on its own, strictly (a count is an int,
never a boolean or a float; a real is finite; see
:mod:`natplan.models.fields`), and every number against a bound of what a
town can have, which its description gives.  The rules that tie fields
together (ids that must exist, a zone with units, people within the ledger)
live in :mod:`natplan.models.checks`, so that every broken rule can be reported at
once with its place in the file.
"""

from __future__ import annotations

import re
from datetime import date as _date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from natplan.models.clock import Clock
from natplan.models.fields import Id, Name, Real, Text, count

__all__ = [
    "MAX_SEED",
    "MAX_TOWN_PEOPLE",
    "ROLE_ZH",
    "Crew",
    "FleetRules",
    "Grid",
    "Group",
    "Instructions",
    "Id",
    "Lab",
    "MealWindow",
    "Member",
    "Parameters",
    "Point",
    "Region",
    "RoadEdge",
    "RoadGraph",
    "RoadNode",
    "Role",
    "Scenario",
    "SpecialCategory",
    "SpecialPerson",
    "Station",
    "Unit",
    "Vehicle",
    "Village",
    "Zone",
    "age_limit_min",
    "home_age_limit_min",
    "kept_for_queue_words",
    "seed",
]

MAX_TOWN_PEOPLE = 2_000_000
"""People one town scenario may hold (the largest towns and subdistricts have about one million); a larger
place is a city file, planned township by township."""
MAX_SEED = 2**31 - 1
"""The largest seed: CP-SAT's random_seed is a 32-bit int, and PyVRP and numpy take it too."""
FIRST_DATE, LAST_DATE = _date(2000, 1, 1), _date(2099, 12, 31)


def seed(text: str) -> int:
    """A seed given on the command line (``--seed``): an int with 0 <= seed <= :data:`MAX_SEED`.

    Raises
    ------
    ValueError
        Otherwise (the command line then says ``invalid seed value: '…'``).
    """
    value = int(text)
    if not 0 <= value <= MAX_SEED:
        raise ValueError(f"a seed is 0 to {MAX_SEED}")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Point(_Model):
    """A place in WGS84 degrees."""

    lon: Real = Field(ge=-180, le=180, description="Longitude, degrees (WGS84).")
    lat: Real = Field(ge=-90, le=90, description="Latitude, degrees (WGS84).")


class Region(_Model):
    """The area the round covers."""

    name: Name = Field(description="Name of the town or city, e.g. 夏格庄镇.")
    name_en: Name | None = Field(None, description="English name for --lang en.")
    boundary: Name | dict[str, Any] | None = Field(
        None,
        description=(
            "GeoJSON boundary: a path relative to the scenario file, or an inline "
            "GeoJSON geometry / Feature / FeatureCollection."
        ),
    )
    crs: Literal["WGS84"] = Field("WGS84", description="Coordinates are WGS84 lon/lat.")
    attribution: Text | None = Field(
        None, description="Data attribution printed on maps (© OpenStreetMap contributors)."
    )


class Grid(_Model):
    """A micro-grid (微网格) or village group: the unit people are scheduled in."""

    id: Id
    name: Name
    location: Point
    households: count(0, 100_000, "households in one grid") = Field(
        description="Households (户) in the grid (at most 100,000; at least one when it has people).")
    people: count(0, 100_000, "people in one grid") = Field(
        description="People to be tested who live in the grid (at most 100,000).")
    ledger_people: count(0, 100_000, "people on one grid's ledger") | None = Field(
        None, description="People on the grid's ledger (人员台账); people may not exceed it (at most 100,000)."
    )
    pinned_unit: Id | None = Field(None, description="Unit this grid must go to, if any.")


class Village(_Model):
    """A natural village or urban community (自然村/社区) and its grids."""

    id: Id
    name: Name
    community: Name | None = Field(None, description="Administrative village / community (社区).")
    location: Point
    grids: list[Grid] = Field(min_length=1, max_length=1000, description="Its grids (1-1,000).")
    synthetic: StrictBool = Field(
        False, description="True when the name or position was made up by the generator."
    )
    contact_phone: Annotated[str, Strict()] | None = Field(
        None, pattern=r"^[0-9+\- ]{5,20}$",
        description="The village cadre's phone, printed on its notice (a blank to fill in when absent).")


class SpecialCategory(StrEnum):
    """Why a person is sampled at home."""

    bedridden = "bedridden"
    disabled = "disabled"
    elderly = "elderly"


class SpecialPerson(_Model):
    """A person on the special-needs ledger (特殊人群), sampled at home.

    Carries no name or ID number: the ledger holds those.  The person is
    counted in the ``people`` of their grid.
    """

    id: Id
    grid: Id
    category: SpecialCategory
    location: Point | None = Field(None, description="Home; defaults to the grid's location.")
    household: count(1, 100_000, "household number in a grid") | None = Field(
        None, description="The person's household number in the grid (户号), printed on the home-visit sheet.")


class Unit(_Model):
    """A sampling unit (检测单元 / 采样点)."""

    id: Id
    name: Name
    location: Point
    desks: count(1, 50, "desks at one unit") = Field(
        description="Sampling desks (采样台) that can work at once (1-50).")
    waiting_room: count(1, 10_000, "people waiting at one unit") = Field(
        200, description="People who may wait at once (guideline: about 200; at most 10,000)."
    )
    open: Clock | None = Field(None, description="Earliest opening; default the round start.")
    close: Clock | None = Field(None, description="Latest closing; default the deadline.")
    address: Text | None = Field(
        None, description="Address or landmark printed on notices and sheets (e.g. 村委会大院东侧).")
    allowed_grids: list[Id] | None = Field(
        None, max_length=100_000, description="If given, only these grids may be sent here."
    )


class Role(StrEnum):
    """Roles in a test group (检测组)."""

    lead = "lead"
    sampler = "sampler"
    registrar = "registrar"
    order_keeper = "order_keeper"
    disinfector = "disinfector"


ROLE_ZH = {
    Role.lead: "组长",
    Role.sampler: "采样员",
    Role.registrar: "登记员",
    Role.order_keeper: "秩序维护员",
    Role.disinfector: "消杀员",
}


class Member(_Model):
    """One person of a test group."""

    name: Name
    role: Role
    phone: Annotated[str, Strict()] | None = Field(None, pattern=r"^[0-9+\- ]{5,20}$")


class Group(_Model):
    """A test group (检测组) that staffs units over the day."""

    id: Id
    name: Name
    members: list[Member] = Field(min_length=1, max_length=100, description="Its members (1-100).")
    home: Id | None = Field(None, description="Unit where the group starts the day.")

    def count(self, role: Role) -> int:
        """Number of members with ``role``."""
        return sum(1 for m in self.members if m.role == role)


class Crew(_Model):
    """A courier crew (report: 1 cadre + 1 medic + 1 driver per zone)."""

    cadres: count(0, 20, "cadres in one crew") = Field(1, description="Cadres (0-20).")
    medics: count(0, 20, "medics in one crew") = Field(1, description="Medics (0-20).")
    drivers: count(1, 20, "drivers in one crew") = Field(1, description="Drivers (1-20).")


class Zone(_Model):
    """A courier zone (片): its units are collected every interval."""

    id: Id
    name: Name
    units: list[Id] = Field(max_length=5000, description="Units collected by this zone's loop.")
    crew: Crew = Crew()
    vehicles: count(0, 100, "vehicles in one zone") = Field(
        1, description="Vehicles the zone has for its loop (0-100; 0 only when station vehicles may be lent, "
                       "fleet.lend_station_vehicles).")
    interval_min: count(1, 1440, "minutes between collections") = Field(
        30, description="Collection interval (report: every half hour; at most 1,440).")
    vans: list[Vehicle] | None = Field(
        None, max_length=100, description="The zone's vehicles by id and name (optional; then `vehicles` is their "
                                          "number). Without it the zone's vehicles are named <zone id>-1, -2, ...")

    def fleet(self) -> list[Vehicle]:
        """The zone's own vehicles: :attr:`vans`, or ``vehicles`` of them named ``Z1-1``, ``Z1-2`` … (``西南片1号车``)."""
        if self.vans is not None:
            return list(self.vans)
        return [Vehicle(id=f"{self.id}-{k}", name=f"{self.name}{k}号车") for k in range(1, self.vehicles + 1)]


class Vehicle(_Model):
    """A vehicle of the transfer station."""

    id: Id
    name: Name
    capacity_boxes: count(1, 500, "boxes in one vehicle") = Field(
        20, description="Cold boxes it carries at once (1-500).")


def _default_vehicles() -> list[Vehicle]:
    return [Vehicle(id=f"V{i}", name=f"应急车{i}") for i in range(1, 7)]


class Station(_Model):
    """The town transfer station (镇中转站) and its vehicles (report: 6)."""

    id: Id = "station"
    name: Name
    location: Point
    vehicles: list[Vehicle] = Field(default_factory=_default_vehicles, min_length=1, max_length=1000,
                                    description="Its vehicles (1-1,000).")


class Lab(_Model):
    """The city transfer point or lab where samples must arrive."""

    id: Id = "lab"
    name: Name
    address: Text | None = None
    location: Point | None = None
    travel_min: count(1, 1440, "minutes from the station to the lab") | None = Field(
        None, description="Van minutes from the station; computed from location if absent (at most 1,440)."
    )
    handover_min: count(0, 240, "minutes to hand boxes over") = Field(
        10, description="Minutes to hand boxes over (at most 240).")
    tubes_per_hour: count(1, 100_000, "tubes an hour at one lab") | None = Field(
        None, description="Tubes the lab tests an hour; gives the printed time of the last result.")
    transfer_point: StrictBool | None = Field(
        None, description="True when samples are handed to a city transfer point, not the lab itself "
                          "(default: when the name says 转运).")
    shared_queue_min: count(0, 1440, "minutes kept for a shared lab's queue") | None = Field(
        None, description="Minutes of the sample age limit kept for the queue of a lab this town shares with others "
                          "(a city sets it when it plans a township again): the town's own plan tests its samples "
                          "within sample_age_limit_min less these, counting only its own tubes in the queue.")
    shared_queue_home_min: count(0, 1440, "minutes kept for a shared lab's queue") | None = Field(
        None, description="Minutes home-visit samples keep for that queue, when more than shared_queue_min: their "
                          "teams' trips are shorter (a city sets it when their samples were the oldest at the lab).")


class Instructions(_Model):
    """Short fixed texts printed on the sheets; each absent one is natplan's default in the set's language."""

    courier_late: Text | None = Field(None, description="What a courier or shuttle driver does when running late.")
    unit_not_ready: Text | None = Field(None, description="What a courier does when a unit's box is not ready.")
    box_damaged: Text | None = Field(None, description="What to do with a damaged box or a broken seal.")
    before_you_come: Text | None = Field(None, description="What residents do before they come (on notices).")
    missed_slot: Text | None = Field(None, description="What residents do when they missed their slot.")


class RoadNode(_Model):
    id: Id
    location: Point


class RoadEdge(_Model):
    a: Id
    b: Id
    length_m: Real = Field(gt=0, le=1_000_000, description="Length in metres (at most 1,000 km).")
    speed_kmh: Real = Field(40.0, gt=0, le=130, description="Speed in km/h (at most 130).")


class RoadGraph(_Model):
    """An optional road network; without it travel uses straight lines × detour."""

    nodes: list[RoadNode] = Field(min_length=2, max_length=1_000_000)
    edges: list[RoadEdge] = Field(min_length=1, max_length=2_000_000)


def _real_date(value: str) -> str:
    """A round date: ``YYYY-MM-DD``, a day that exists, between :data:`FIRST_DATE` and :data:`LAST_DATE`."""
    try:
        day = _date.fromisoformat(value) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None
    except ValueError as e:
        raise ValueError(f"{value} is not a date ({e})") from None
    if day is None:
        raise ValueError(f"expected a date like 2022-03-13 (YYYY-MM-DD), got {value!r}")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"the round's date must lie between {FIRST_DATE} and {LAST_DATE}, got {value}")
    return value


POOLING_RATIOS = (5, 10, 20)


def _pooling(value: int) -> int:
    if value not in POOLING_RATIOS:
        raise ValueError("Input should be 5, 10 or 20")
    return value


class MealWindow(_Model):
    """Hours in which a meal may be taken (the same hours on every day of a round)."""

    start: Clock = Field(description="The window opens.")
    end: Clock = Field(description="The window closes (after it opens).")

    @model_validator(mode="after")
    def _ordered(self) -> "MealWindow":
        if self.end <= self.start:
            raise ValueError("a meal window must close after it opens")
        return self


def _default_meal_windows() -> list[MealWindow]:
    return [MealWindow(start=11 * 60, end=13 * 60 + 30), MealWindow(start=17 * 60, end=19 * 60 + 30)]


LABOUR_FIELDS = ("meal_after_min", "meal_windows", "min_stint_min", "max_work_min", "round_days")
"""Parameters of the labour rules added after the first scenario files (issue #14)."""


class Parameters(_Model):
    """Round-wide settings."""

    date: Annotated[str, Strict(), AfterValidator(_real_date)] = Field(
        "2022-03-13", description="Round date (YYYY-MM-DD, a real day between 2000-01-01 and 2099-12-31)."
    )
    start: Clock = Field(6 * 60, description="Round start.")
    deadline: Clock = Field(
        18 * 60, description="Everyone sampled by then (guideline: a round within 24 h)."
    )
    throughput_per_desk_per_hour: count(1, 600, "people an hour at one desk (one every 6 seconds)") = Field(
        100, description="People one desk samples per hour (guideline: a team ~1,800 a day; at most 600)."
    )
    pooling_ratio: Annotated[int, Strict(), AfterValidator(_pooling), WithJsonSchema({"enum": list(POOLING_RATIOS)})] \
        = Field(10, description="People per tube: 5, 10 or 20 (guideline: 10-in-1 most common).")
    tubes_per_box: count(1, 1000, "tubes in one box") = Field(50, description="Tubes a cold box holds (at most 1,000).")
    sample_age_limit_min: count(1, 2880, "minutes of sample age (two days)") = Field(
        240, description="Swab to lab at most (guideline: within 2-4 h; at most 2,880)."
    )
    slot_min: count(1, 240, "minutes in one arrival slot") = Field(
        30, description="Length of an arrival time slot (at most 240).")
    walk_speed_kmh: Real = Field(4.0, gt=0, le=10, description="Walking speed (at most 10 km/h).")
    max_walk_m: count(1, 50_000, "metres of walk to a unit") = Field(
        3000, description="Farthest a person is sent to a unit (at most 50,000).")
    van_speed_kmh: Real = Field(40.0, gt=0, le=120, description="Van speed (at most 120 km/h).")
    detour_factor: Real = Field(1.3, ge=1, le=3, description="Road / straight-line distance (1-3).")
    gear_change_interval_min: count(1, 1440, "minutes between gear changes") = Field(
        180, description="Protective gear changed at least this often (guideline: 2-4 h; at most 1,440)."
    )
    gear_change_min: count(1, 240, "minutes for one gear change") = Field(
        15, description="Minutes a gear change takes (at most 240).")
    meal_break_min: count(0, 240, "minutes of meal break") = Field(
        30, description="Meal break per person, in rotation (at most 240).")
    meal_after_min: count(0, 1440, "minutes of a day before a meal is due") = Field(
        300, description="Anyone whose day spans more than this gets a meal of meal_break_min inside a meal window "
                         "(planning default, ../shared/DOMAIN.md: 5 h; at most 1,440).")
    meal_windows: list[MealWindow] = Field(
        default_factory=_default_meal_windows, min_length=1, max_length=10,
        description="When meals may be taken, the same hours every day (planning default: 11:00-13:30 and "
                    "17:00-19:30; 1-10 windows).")
    min_stint_min: count(1, 1440, "minutes of the shortest work stint") = Field(
        30, description="No one works a stint (set-up and work in one gown) shorter than this between gown "
                        "changes (planning default: 30; at most 1,440).")
    max_work_min: count(1, 1440, "minutes of work in one day") = Field(
        480, description="Most minutes anyone works in one day, travel, set-up and gear changes included, meals "
                         "not (planning default: 8 h; at most 1,440); a group works longer only with a relief for "
                         "each of its members.")
    round_days: count(1, 14, "days of one round") = Field(
        1, description="Days the round may take (1-14): each day's work starts at `start`, a day later each day, "
                       "and the deadline moves to the last day.")
    setup_min: count(0, 240, "minutes to set up a unit") = Field(
        20, description="Minutes to set up a unit before it opens (at most 240).")
    home_visit_service_min: count(1, 240, "minutes at one home") = Field(
        10, description="Minutes at each special-needs home (at most 240).")
    seed: count(0, MAX_SEED, "(2^31 - 1): the solvers take 32-bit seeds") = Field(
        0, description="Seed for every randomised step (0 <= seed < 2^31, the solvers' range).")

    @model_serializer(mode="wrap")
    def _without_default_labour(self, handler):
        """Written out, the labour rules appear only when they differ from the defaults, so that files written
        before they existed come out the same."""
        data = handler(self)
        for name in LABOUR_FIELDS:
            if name in data and getattr(self, name) == type(self).model_fields[name].get_default(call_default_factory=True):
                del data[name]
        return data

    @property
    def last_deadline(self) -> int:
        """The deadline on the round's last day (minutes since midnight of its first day)."""
        return self.deadline + 24 * 60 * (self.round_days - 1)


class FleetRules(_Model):
    """What the courier planner may do when strict loops do not fit the vehicles the town has.

    Every option is on by default and used only where needed, the least
    disruptive first (lending, moving a unit, a longer interval, a relay);
    every zone keeps its own ``interval_min`` (the town's rule: 30 minutes)
    wherever its vehicles allow.
    """

    lend_station_vehicles: StrictBool = Field(
        True, description="Station vehicles that the shuttles do not need may run zone loops.")
    move_units: StrictBool = Field(
        True, description="A unit may be collected by a neighbouring zone's loop.")
    longer_intervals: list[count(1, 1440, "minutes between collections")] = Field(
        default_factory=lambda: [45, 60], max_length=10,
        description="Intervals (minutes) longer than its zone's that some units may be collected at, chosen by "
                    "volume and distance within the age limit; [] keeps every zone's own interval.")
    relays: StrictBool = Field(
        True, description="A zone's vehicle may hand its boxes to a station vehicle at a meeting point (a unit of "
                          "the zone) instead of driving back to the station.")
    station_handover_min: count(0, 60, "minutes to hand over at the station") = Field(
        5, description="Minutes every loop leaves at the station (or a meeting point) to hand over and sign the "
                       "boxes (planning default, ../shared/DOMAIN.md: 5; at most 60).")
    add_missing_vehicles: StrictBool = Field(
        False, description="What-if only: where the fleet is short, plan with the vehicles it lacks (named "
                           "'+1', '+2' …) and say how many, instead of refusing the plan (natplan compare "
                           "--vary interval).")


class Scenario(_Model):
    """A whole scenario file.

    At most :data:`MAX_TOWN_PEOPLE` people (checked by
    :func:`natplan.models.checks.town_within_bounds`), 10,000 villages, 5,000
    units and groups, 1,000 zones and 100,000 special-needs people.
    """

    name: Name = Field(description="Scenario title printed on every page.")
    description: Text | None = None
    region: Region
    villages: list[Village] = Field(min_length=1, max_length=10_000, description="Its villages (1-10,000).")
    special_needs: list[SpecialPerson] = Field(default_factory=list, max_length=100_000,
                                               description="People sampled at home (at most 100,000).")
    units: list[Unit] = Field(min_length=1, max_length=5000, description="Sampling units (1-5,000).")
    groups: list[Group] = Field(min_length=1, max_length=5000, description="Test groups (1-5,000).")
    zones: list[Zone] = Field(min_length=1, max_length=1000, description="Courier zones (1-1,000).")
    station: Station
    lab: Lab
    parameters: Parameters = Parameters()
    roads: RoadGraph | None = None
    instructions: Instructions | None = Field(None, description="Texts printed on the sheets and notices.")
    fleet: FleetRules = Field(default_factory=lambda: FleetRules(),
                              description="How courier loops may use the town's vehicles when strict loops do not fit.")

    # Convenience views (plain derivations, no solving).
    def grids(self) -> list[Grid]:
        """All grids in file order."""
        return [g for v in self.villages for g in v.grids]

    @property
    def people(self) -> int:
        """Residents to be tested."""
        return sum(g.people for v in self.villages for g in v.grids)

    @property
    def households(self) -> int:
        return sum(g.households for v in self.villages for g in v.grids)

    @property
    def vehicles(self) -> int:
        """Vehicles of the transfer station."""
        return len(self.station.vehicles)

    def unit_window(self, unit: Unit) -> tuple[int, int]:
        """(open, close) of a unit in minutes, the round's bounds by default."""
        p = self.parameters
        return (
            p.start if unit.open is None else unit.open,
            p.deadline if unit.close is None else unit.close,
        )


def age_limit_min(s: Scenario) -> int:
    """The age at test that the town's own plan keeps every sample within: ``parameters.sample_age_limit_min`` less
    the minutes kept for a shared lab's queue (``lab.shared_queue_min``).

    >>> age_limit_min(Scenario.model_construct(parameters=Parameters(), lab=Lab(name="lab", shared_queue_min=40)))
    200
    """
    return s.parameters.sample_age_limit_min - (s.lab.shared_queue_min or 0)


def kept_for_queue_words(s: Scenario, limit: int) -> str:
    """Why ``limit`` is less than the scenario's age limit, for a message: the minutes kept for a shared lab's
    queue ("" when it is the whole limit).

    >>> s = Scenario.model_construct(parameters=Parameters(), lab=Lab(name="lab", shared_queue_min=40))
    >>> kept_for_queue_words(s, age_limit_min(s)), kept_for_queue_words(s, 240)
    (" (240 less 40 kept for the lab's shared queue)", '')
    """
    kept = s.parameters.sample_age_limit_min - limit
    return f" ({s.parameters.sample_age_limit_min} less {kept} kept for the lab's shared queue)" if kept else ""


def home_age_limit_min(s: Scenario) -> int:
    """:func:`age_limit_min` for home-visit samples: less ``lab.shared_queue_home_min`` when that is more."""
    return s.parameters.sample_age_limit_min - max(s.lab.shared_queue_min or 0, s.lab.shared_queue_home_min or 0)
