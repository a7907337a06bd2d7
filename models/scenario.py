"""The scenario: what a town's command post knows the night before a round.

Units are in the field names: ``_m`` metres, ``_min`` minutes, ``_kmh``
kilometres per hour; counts of people are plain ints.  Times of day are
:data:`natplan.models.clock.Clock` values (``"HH:MM"`` in files).  Defaults whose
origin is the national guidelines or the Xiagezhuang report
(``../shared/DOMAIN.md``) say so in their description.

These models check each field on its own; the rules that tie fields
together (ids that must exist, a zone with units, people within the ledger)
live in :mod:`natplan.models.checks`, so that every broken rule can be reported at
once with its place in the file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt

from natplan.models.clock import Clock

Id = Annotated[
    str,
    Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$"),
]
"""An identifier: letters, digits, ``_``, ``-`` or Chinese characters."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Point(_Model):
    """A place in WGS84 degrees."""

    lon: float = Field(ge=-180, le=180, description="Longitude, degrees (WGS84).")
    lat: float = Field(ge=-90, le=90, description="Latitude, degrees (WGS84).")


class Region(_Model):
    """The area the round covers."""

    name: str = Field(min_length=1, description="Name of the town or city, e.g. 夏格庄镇.")
    name_en: str | None = Field(None, description="English name for --lang en.")
    boundary: str | dict[str, Any] | None = Field(
        None,
        description=(
            "GeoJSON boundary: a path relative to the scenario file, or an inline "
            "GeoJSON geometry / Feature / FeatureCollection."
        ),
    )
    crs: Literal["WGS84"] = Field("WGS84", description="Coordinates are WGS84 lon/lat.")
    attribution: str | None = Field(
        None, description="Data attribution printed on maps (© OpenStreetMap contributors)."
    )


class Grid(_Model):
    """A micro-grid (微网格) or village group: the unit people are scheduled in."""

    id: Id
    name: str = Field(min_length=1)
    location: Point
    households: NonNegativeInt = Field(description="Households (户) in the grid.")
    people: NonNegativeInt = Field(description="People to be tested who live in the grid.")
    ledger_people: NonNegativeInt | None = Field(
        None, description="People on the grid's ledger (人员台账); people may not exceed it."
    )
    pinned_unit: Id | None = Field(None, description="Unit this grid must go to, if any.")


class Village(_Model):
    """A natural village or urban community (自然村/社区) and its grids."""

    id: Id
    name: str = Field(min_length=1)
    community: str | None = Field(None, description="Administrative village / community (社区).")
    location: Point
    grids: list[Grid] = Field(min_length=1)
    synthetic: bool = Field(
        False, description="True when the name or position was made up by the generator."
    )


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


class Unit(_Model):
    """A sampling unit (检测单元 / 采样点)."""

    id: Id
    name: str = Field(min_length=1)
    location: Point
    desks: PositiveInt = Field(description="Sampling desks (采样台) that can work at once.")
    waiting_room: PositiveInt = Field(
        200, description="People who may wait at once (guideline: about 200)."
    )
    open: Clock | None = Field(None, description="Earliest opening; default the round start.")
    close: Clock | None = Field(None, description="Latest closing; default the deadline.")
    allowed_grids: list[Id] | None = Field(
        None, description="If given, only these grids may be sent here."
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

    name: str = Field(min_length=1)
    role: Role
    phone: str | None = Field(None, pattern=r"^[0-9+\- ]{5,20}$")


class Group(_Model):
    """A test group (检测组) that staffs units over the day."""

    id: Id
    name: str = Field(min_length=1)
    members: list[Member] = Field(min_length=1)
    home: Id | None = Field(None, description="Unit where the group starts the day.")

    def count(self, role: Role) -> int:
        """Number of members with ``role``."""
        return sum(1 for m in self.members if m.role == role)


class Crew(_Model):
    """A courier crew (report: 1 cadre + 1 medic + 1 driver per zone)."""

    cadres: NonNegativeInt = 1
    medics: NonNegativeInt = 1
    drivers: PositiveInt = 1


class Zone(_Model):
    """A courier zone (片): its units are collected every interval."""

    id: Id
    name: str = Field(min_length=1)
    units: list[Id] = Field(description="Units collected by this zone's loop.")
    crew: Crew = Crew()
    vehicles: PositiveInt = Field(1, description="Vehicles the zone has for its loop.")
    interval_min: PositiveInt = Field(30, description="Collection interval (report: every half hour).")


class Vehicle(_Model):
    """A vehicle of the transfer station."""

    id: Id
    name: str = Field(min_length=1)
    capacity_boxes: PositiveInt = Field(20, description="Cold boxes it carries at once.")


def _default_vehicles() -> list[Vehicle]:
    return [Vehicle(id=f"V{i}", name=f"应急车{i}") for i in range(1, 7)]


class Station(_Model):
    """The town transfer station (镇中转站) and its vehicles (report: 6)."""

    id: Id = "station"
    name: str = Field(min_length=1)
    location: Point
    vehicles: list[Vehicle] = Field(default_factory=_default_vehicles, min_length=1)


class Lab(_Model):
    """The city transfer point or lab where samples must arrive."""

    id: Id = "lab"
    name: str = Field(min_length=1)
    address: str | None = None
    location: Point | None = None
    travel_min: PositiveInt | None = Field(
        None, description="Van minutes from the station; computed from location if absent."
    )
    handover_min: NonNegativeInt = Field(10, description="Minutes to hand boxes over.")


class RoadNode(_Model):
    id: Id
    location: Point


class RoadEdge(_Model):
    a: Id
    b: Id
    length_m: Annotated[float, Field(gt=0)]
    speed_kmh: Annotated[float, Field(gt=0)] = 40.0


class RoadGraph(_Model):
    """An optional road network; without it travel uses straight lines × detour."""

    nodes: list[RoadNode] = Field(min_length=2)
    edges: list[RoadEdge] = Field(min_length=1)


class Parameters(_Model):
    """Round-wide settings."""

    date: str = Field(
        "2022-03-13", pattern=r"^\d{4}-\d{2}-\d{2}$", description="Round date (YYYY-MM-DD)."
    )
    start: Clock = Field(6 * 60, description="Round start.")
    deadline: Clock = Field(
        18 * 60, description="Everyone sampled by then (guideline: a round within 24 h)."
    )
    throughput_per_desk_per_hour: PositiveInt = Field(
        100, description="People one desk samples per hour (guideline: a team ~1,800 a day)."
    )
    pooling_ratio: Literal[5, 10, 20] = Field(10, description="People per tube (guideline: 10-in-1 most common).")
    tubes_per_box: PositiveInt = Field(50, description="Tubes a cold box holds.")
    sample_age_limit_min: PositiveInt = Field(
        240, description="Swab to lab at most (guideline: within 2-4 h)."
    )
    slot_min: PositiveInt = Field(30, description="Length of an arrival time slot.")
    walk_speed_kmh: Annotated[float, Field(gt=0, le=10)] = 4.0
    max_walk_m: PositiveInt = Field(3000, description="Farthest a person is sent to a unit.")
    van_speed_kmh: Annotated[float, Field(gt=0, le=120)] = 40.0
    detour_factor: Annotated[float, Field(ge=1, le=3)] = Field(1.3, description="Road / straight-line distance.")
    gear_change_interval_min: PositiveInt = Field(
        180, description="Protective gear changed at least this often (guideline: 2-4 h)."
    )
    gear_change_min: PositiveInt = Field(15, description="Minutes a gear change takes.")
    meal_break_min: NonNegativeInt = Field(30, description="Meal break per person, in rotation.")
    setup_min: NonNegativeInt = Field(20, description="Minutes to set up a unit before it opens.")
    home_visit_service_min: PositiveInt = Field(10, description="Minutes at each special-needs home.")
    seed: NonNegativeInt = Field(0, description="Seed for every randomised step.")


class Scenario(_Model):
    """A whole scenario file."""

    name: str = Field(min_length=1, description="Scenario title printed on every page.")
    description: str | None = None
    region: Region
    villages: list[Village] = Field(min_length=1)
    special_needs: list[SpecialPerson] = Field(default_factory=list)
    units: list[Unit] = Field(min_length=1)
    groups: list[Group] = Field(min_length=1)
    zones: list[Zone] = Field(min_length=1)
    station: Station
    lab: Lab
    parameters: Parameters = Parameters()
    roads: RoadGraph | None = None

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
