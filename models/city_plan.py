"""The joined plan of a city: one entry per township, the labs' load, KPIs by district.

Each township's own plan is a :class:`natplan.models.plan.Plan` in
``townships/<id>/plan.json`` beside the city's ``plan.json``, named here
with its SHA-256, together with the township scenario it was made from;
``natplan verify`` checks both the digests and every township plan.
"""

from __future__ import annotations

from natplan.models.plan import Explanation, Kpis, _Plan


class TownshipResult(_Plan):
    id: str
    name: str
    district: str
    people: int
    lab: str  # lab id the township's shuttles go to
    lab_minutes: float  # van minutes from the township to its lab (as assigned)
    planned: bool
    folder: str  # townships/<id>, relative to the city plan.json
    plan_sha256: str | None = None
    scenario_sha256: str  # of the township scenario.yaml written beside its plan
    kpis: Kpis | None = None
    shuttle_vehicles: int | None = None
    problems: list[Explanation] = []
    warnings: int = 0  # how many; the township plan lists them
    worst_age_at_test_min: float | None = None  # its oldest sample when tested, in its lab's queue shared by all
    start_delay_min: int = 0  # it starts this long after the city's start, so that its lab keeps up (错峰)
    shared_queue_min: int | None = None  # minutes of the age limit its plan keeps for its lab's shared queue
    shared_queue_home_min: int | None = None  # ... its home-visit samples, when more


class LabLoad(_Plan):
    """What a lab receives over the round and when it is through (a fluid queue at its capacity)."""

    lab: str
    name: str
    tubes_per_hour: int
    capacity_tubes: int  # it can test this many between the start and the deadline plus the age limit
    townships: list[str]
    tubes: int
    first_arrival: int | None
    last_arrival: int | None
    done: int | None  # minute the last tube is tested
    peak_backlog_tubes: int
    arrivals: list[tuple[int, int]]  # (minute, tubes) summed over townships
    worst_age_at_test_min: float | None = None  # every township's shuttles in one first-come queue at its rate
    worst_township: str | None = None  # whose sample that is
    tubes_per_hour_needed: int | None = None  # when over the age limit: the capacity that would keep it


class DistrictKpis(_Plan):
    district: str
    townships: int
    planned: int
    people: int
    units_open: int
    groups_used: int
    finish: int | None
    worst_sample_age_min: float | None
    courier_vehicles: int
    shuttle_vehicles: int


class CityKpis(_Plan):
    people: int
    townships: int
    planned: int
    units_open: int
    groups_used: int
    finish: int | None  # the last township's finish
    bound: float | None  # the slowest township's throughput bound
    finish_ratio: float | None
    worst_sample_age_min: float | None  # when tested, each lab's queue shared by its townships
    courier_vehicles: int
    shuttle_vehicles: int
    tubes: int
    lab_done: int | None  # the last lab's last tube tested
    joint_bound: float | None = None  # the slowest township's joint lower bound (groups, desks, labour rules)
    joint_ratio: float | None = None  # (finish - start) / (joint_bound - start)
    days: int | None = None  # days the slowest township needs
    late: int = 0  # townships that end after the deadline of the round's last day


class CityPlan(_Plan):
    """A whole city round's joined plan."""

    kind: str = "city"
    city: str
    city_sha256: str
    seed: int
    natplan_version: str
    townships: list[TownshipResult]
    labs: list[LabLoad]
    districts: list[DistrictKpis]
    kpis: CityKpis
    warnings: list[str] = []
    problems: list[Explanation] = []  # rules of the city the joined plan breaks (a lab's queue over the age limit)
