"""Events during a round: the timed facts a command post re-plans around (``natplan replan``).

An events file (YAML or JSON, read like a scenario file: strict types,
duplicate keys refused, every problem as ``file:line: field.path: message``)
lists what happened, each with the clock time ``at`` it became known::

    notice_min: 30          # minutes a changed slot needs to reach the people
    events:
    - {kind: unit_closed, unit: U19, at: "10:30", until: "12:00"}     # until: optional, it reopens
    - {kind: vehicle_out, vehicle: V2, at: "10:30", until: "12:30"}   # a station vehicle or a courier (Z1-2)
    - {kind: group_short, group: T08, members: [张三], at: "10:30"}    # members gone for the rest of the day
    - {kind: lab_slow, tubes_per_hour: 300, at: "10:30"}               # until: optional
    - {kind: more_people, grid: G0101, people: 40, at: "10:30"}        # households: optional
    - {kind: positive_pool, unit: U07, tube: 42, at: "12:00", retest: home}   # or retest: unit

``tube`` counts the tubes a unit filled, in order (the 42nd tube closed at
U07).  Everything before the earliest ``at`` stays as done; the rest is
re-planned (:mod:`natplan.scheduler.replan`).  The facts that change the
scenario itself (more people in a grid) are applied by
:func:`scenario_with_events`, which ``natplan verify`` uses too.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field

from natplan.models.clock import Clock
from natplan.models.clock import format_clock as hm
from natplan.models.fields import Id, Name, Text, count
from natplan.models.plan import Plan
from natplan.models.problems import InputError, Loc, Problem
from natplan.models.scenario import Role, Scenario

__all__ = ["Event", "Events", "GroupShort", "LabSlow", "LoadedEvents", "MorePeople", "PositivePool", "UnitClosed",
           "VehicleOut", "check_events", "events_from_plan", "extra_households", "load_events", "new_households",
           "remaining_samplers", "scenario_with_events", "tubes_filled"]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)

    at: Clock = Field(description="When it happened or became known (HH:MM; hours 24-47 are the next day).")
    note: Text | None = Field(None, description="Free text for the change list (a reason, who reported it).")


class UnitClosed(_Event):
    """A sampling unit takes nobody new from ``at`` (those waiting are sampled); it reopens at ``until``."""

    kind: Literal["unit_closed"]
    unit: Id
    until: Clock | None = Field(None, description="When it reopens; absent: closed for the rest of the round.")


class VehicleOut(_Event):
    """A vehicle cannot drive from ``at`` until ``until``: a station vehicle (V2) or a courier (Z1-2)."""

    kind: Literal["vehicle_out"]
    vehicle: Id
    until: Clock | None = Field(None, description="When it is back; absent: out for the rest of the round.")


class GroupShort(_Event):
    """Members of a test group leave at ``at`` for the rest of the round."""

    kind: Literal["group_short"]
    group: Id
    members: list[Name] = Field(min_length=1, max_length=100, description="Names of the members who left.")


class LabSlow(_Event):
    """The lab tests only ``tubes_per_hour`` from ``at`` until ``until``."""

    kind: Literal["lab_slow"]
    tubes_per_hour: count(1, 100_000, "tubes an hour at a lab") = Field(description="Tubes it tests an hour.")
    until: Clock | None = Field(None, description="When it is back to normal; absent: for the rest of the round.")


class MorePeople(_Event):
    """A grid turns up with more people than its ledger said; they need a slot."""

    kind: Literal["more_people"]
    grid: Id
    people: count(1, 100_000, "more people in one grid") = Field(description="People beyond the plan's count.")
    households: count(1, 100_000, "more households in one grid") | None = Field(
        None, description="Households they live in (default: at the grid's mean household size).")


class PositivePool(_Event):
    """A pooled tube tested positive: its members are retested one tube each."""

    kind: Literal["positive_pool"]
    unit: Id
    tube: count(1, 100_000, "tubes at one unit") = Field(description="The tube's number: the unit's Nth tube.")
    retest: Literal["home", "unit"] = Field(
        "home", description="home: a retest team visits their homes; unit: a slot at the nearest open unit.")


Event = Annotated[Union[UnitClosed, VehicleOut, GroupShort, LabSlow, MorePeople, PositivePool],
                  Field(discriminator="kind")]


class Events(BaseModel):
    """An events file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Text | None = None
    notice_min: count(0, 240, "minutes of notice") = Field(
        30, description="Minutes a changed arrival slot needs to reach the people: slots that start sooner stay.")
    events: list[Event] = Field(min_length=1, max_length=1000, description="What happened (1-1,000).")

    @property
    def cut(self) -> int:
        """The re-plan's time: the earliest event.  Everything before it stays as done."""
        return min(e.at for e in self.events)


@dataclass(frozen=True)
class LoadedEvents:
    """A validated events file and what is needed to point at its lines."""

    events: Events
    path: Path
    digest: str  # sha256 of the file's bytes
    node: yaml.Node | None

    def problem(self, index: int, field: str, message: str) -> InputError:
        """An error at ``events[index].field`` with its line, for checks made after loading."""
        from natplan.models.document import line_of

        loc: Loc = ("events", index, field)
        return InputError(str(self.path), [Problem(message, loc, line_of(self.node, loc))])


def load_events(path: str | Path, scenario: Scenario, plan: Plan, display: str | None = None) -> LoadedEvents:
    """Read, validate and check an events file against the scenario and the plan it changes.

    Parameters
    ----------
    path
        The events file (YAML or JSON, UTF-8).
    scenario, plan
        The round and its plan: every unit, grid, group, member and vehicle named must exist.
    display
        How to name the file in messages (default: the path as given).

    Returns
    -------
    LoadedEvents

    Raises
    ------
    InputError
        Every problem, each as ``file:line: events[i].field: message``.
    """
    from natplan.models.document import MAX_DOCUMENT_BYTES, decode_text, line_of, parse_document, read_bytes
    from natplan.models.loader import validate_document

    path = Path(path)
    display = display or str(path)
    data = read_bytes(path, display, MAX_DOCUMENT_BYTES)
    parsed, node = parse_document(decode_text(data, display), display)
    events = validate_document(Events, parsed, node, display, "events:")
    problems = [Problem(p.message, p.loc, line_of(node, p.loc)) for p in check_events(events, scenario, plan)]
    if problems:
        raise InputError(display, problems)
    return LoadedEvents(events, path, hashlib.sha256(data).hexdigest(), node)


def tubes_filled(plan: Plan, unit: str, pooling_ratio: int) -> int:
    """Tubes a unit fills over the day in ``plan`` (the last one maybe part-full)."""
    people = sum(d.people for d in plan.units if d.unit == unit)
    return math.ceil(people / pooling_ratio)


def check_events(events: Events, s: Scenario, plan: Plan) -> list[Problem]:
    """Every id an event names exists, and its times lie in the round.

    Returns
    -------
    list[Problem]
        One per broken rule, with the field path (no line; :func:`load_events` adds it).
    """
    p = s.parameters
    units = {u.id for u in s.units}
    grids = {g.id for g in s.grids()}
    groups = {g.id: g for g in s.groups}
    couriers = {r.vehicle for z in plan.routing.zones for r in z.routes}
    vehicles = {v.id for v in s.station.vehicles} | couriers
    out: list[Problem] = []
    lost: dict[str, set[str]] = {}
    record = getattr(plan, "replan", None)  # a re-planned plan: members who left in its events are gone
    for e in record.events if record is not None else []:
        if isinstance(e, GroupShort):
            lost.setdefault(e.group, set()).update(e.members)
    for i, e in enumerate(events.events):
        def bad(field: str, message: str) -> None:
            out.append(Problem(message, ("events", i, field)))

        if not p.start <= e.at < p.deadline:
            bad("at", f"{hm(e.at)} is outside the round ({hm(p.start)}–{hm(p.deadline)})")
        until = getattr(e, "until", None)
        if until is not None and until <= e.at:
            bad("until", f"{hm(until)} is not after at ({hm(e.at)})")
        if isinstance(e, (UnitClosed, PositivePool)) and e.unit not in units:
            bad("unit", f"unknown unit {e.unit!r}")
        elif isinstance(e, VehicleOut) and e.vehicle not in vehicles:
            bad("vehicle", f"unknown vehicle {e.vehicle!r} (station vehicles: "
                           f"{', '.join(v.id for v in s.station.vehicles)}; couriers: {', '.join(sorted(couriers))})")
        elif isinstance(e, MorePeople) and e.grid not in grids:
            bad("grid", f"unknown grid {e.grid!r}")
        elif isinstance(e, GroupShort):
            g = groups.get(e.group)
            if g is None:
                bad("group", f"unknown group {e.group!r}")
                continue
            names = {m.name for m in g.members}
            gone = lost.setdefault(g.id, set())
            for k, name in enumerate(e.members):
                if name not in names:
                    out.append(Problem(f"{name} is not a member of group {g.id}", ("events", i, "members", k)))
                elif name in gone:
                    out.append(Problem(f"{name} of group {g.id} has already left", ("events", i, "members", k)))
                gone.add(name)
        if isinstance(e, PositivePool) and e.unit in units:
            filled = tubes_filled(plan, e.unit, p.pooling_ratio)
            if e.tube > filled:
                bad("tube", f"unit {e.unit} fills {filled} tubes in the plan; there is no tube {e.tube}")
    return out


def _more_people(s: Scenario, extra: dict[str, tuple[int, int]]) -> Scenario:
    data = s.model_dump()
    for v in data["villages"]:
        for g in v["grids"]:
            if g["id"] in extra:
                people, households = extra[g["id"]]
                g["people"] += people
                g["households"] += households
                if g.get("ledger_people") is not None:
                    g["ledger_people"] = max(g["ledger_people"], g["people"])
    return Scenario.model_validate(data)


def extra_households(s: Scenario, e: MorePeople) -> int:
    """Households the extra people of ``e`` live in: as given, or at the grid's mean household size."""
    if e.households is not None:
        return e.households
    g = next(g for g in s.grids() if g.id == e.grid)
    size = g.people / g.households if g.households else 1.0
    return max(1, math.ceil(e.people / max(1.0, size)))


def new_households(s: Scenario, events: Events) -> dict[int, tuple[int, int]]:
    """The household numbers (first, last) of each ``more_people`` event, by event index: after the grid's
    last household in ``s`` (the scenario the plan was made from), in the file's order."""
    last = {g.id: g.households for g in s.grids()}
    out = {}
    for i, e in enumerate(events.events):
        if isinstance(e, MorePeople):
            h = extra_households(s, e)
            out[i] = (last[e.grid] + 1, last[e.grid] + h)
            last[e.grid] += h
    return out


def scenario_with_events(s: Scenario, events: Events) -> Scenario:
    """The scenario as the events make it: more people (in more households) in the grids that turned up with
    them.  The other events are facts about time, checked by the re-plan rules, not changes of the scenario.

    Parameters
    ----------
    s
        The scenario the plan was made from.
    events
        The events.

    Returns
    -------
    Scenario
        ``s`` itself when no event adds people.
    """
    extra: dict[str, tuple[int, int]] = {}
    for e in events.events:
        if isinstance(e, MorePeople):
            people, households = extra.get(e.grid, (0, 0))
            extra[e.grid] = (people + e.people, households + extra_households(s, e))
    return _more_people(s, extra) if extra else s


def remaining_samplers(s: Scenario, events: Events) -> dict[str, int]:
    """Samplers each group has left once every ``group_short`` event has happened (groups with losses only)."""
    gone: dict[str, set[str]] = {}
    for e in events.events:
        if isinstance(e, GroupShort):
            gone.setdefault(e.group, set()).update(e.members)
    return {g.id: sum(1 for m in g.members if m.role == Role.sampler and m.name not in gone[g.id])
            for g in s.groups if g.id in gone}


def events_from_plan(data: dict[str, Any]) -> Events:
    """The events a re-planned plan.json carries (its ``replan`` section), validated."""
    r = data["replan"]
    return Events.model_validate({"events": r["events"], "notice_min": r["notice_min"]})
