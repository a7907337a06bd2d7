"""Check a plan against its scenario without the solvers' code.

Reads ``plan.json`` as plain JSON (not through the plan models' solvers)
and re-derives everything it checks from the scenario: who lives where, the
unit rates, the queue.  Each rule is one function ``rule(scenario, plan) ->
list[str]`` returning its violations in words, in the module of its family:

- :mod:`.shape` — fields of the plan models' types, finite numbers;
- :mod:`.references` — units, groups and members, vehicles, homes that exist; rosters where the group is;
- :mod:`.people` — everyone sampled exactly once, households whole and all called;
- :mod:`.queues` — queues within the waiting rooms, the deadline;
- :mod:`.staffing` — units staffed, nobody in two places;
- :mod:`.labour` — every person's day: gowns, meals, stints, hours;
- :mod:`.fleet` — real vehicles in one place, collection at the planned interval, tubes carried, boxes that fit;
- :mod:`.samples` — sample age, the lab's queue counted;
- :mod:`.walking` — walks within the limit, to units a grid may use;
- :mod:`.physics` — moves no faster than the van, visits in order, home-visit teams in one place;
- :mod:`.boxes` — tubes taken when closed, boxes counted, shuttles carrying what reached the station;
- :mod:`.kpis` — each unit's day and the KPIs worked out again;
- :mod:`.replan` — a re-planned plan keeps its events and loses no sample.

:mod:`.replay` works out again what the plan states (each unit's swabs,
each shuttle's load) for the rules to compare.  :data:`RULES` lists them
in order, the :data:`GATE` first; :func:`verify` gives the violations in
words, :func:`violations` the same with the rule that each breaks.
``natplan verify`` (:mod:`natplan.cli.verify`) prints them and exits 1 if
there are any.  Nothing here imports the solvers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from natplan.models.scenario import Scenario
from natplan.scheduler.verify.boxes import (
    boxes_counted, pickups_match_swabs, shuttles_carry_arrived_boxes,
)
from natplan.scheduler.verify.kpis import kpis_true, unit_days_true
from natplan.scheduler.verify.labour import (
    days_within_max_work, gowns_within_limit, meals_in_windows, stints_long_enough,
)
from natplan.scheduler.verify.people import households_called, households_whole, people_exactly_once
from natplan.scheduler.verify.physics import (
    courier_moves_possible, group_moves_possible, home_visit_moves_possible, shuttle_moves_possible,
    teams_in_one_place, visits_in_order,
)
from natplan.scheduler.verify.queues import queues_within_rooms, round_by_deadline
from natplan.scheduler.verify.references import (
    groups_and_members_known, home_stops_match_lists, shifts_within_visits, special_needs_known, units_known,
    vehicles_known,
)
from natplan.scheduler.verify.fleet import (
    boxes_within_capacity, no_vehicle_in_two_places, tubes_carried, units_collected_every_interval,
    vehicles_within_fleet,
)
from natplan.scheduler.verify.samples import samples_within_age
from natplan.scheduler.verify.shape import numbers_finite, plan_well_formed
from natplan.scheduler.verify.staffing import units_staffed
from natplan.scheduler.verify.walking import grids_where_allowed, walk_distances_true, walks_within_limit

Rule = Callable[[Scenario, dict], list[str]]


GATE: tuple[Rule, ...] = (plan_well_formed, numbers_finite, units_known, groups_and_members_known, vehicles_known,
                          special_needs_known)
"""The rules every other rule relies on (fields of the right type, finite numbers, names that exist): when one of
them is broken, :func:`violations` reports only these — and when the first, :func:`plan_well_formed`, is broken,
only its own violations, since the others read the fields it checks."""

RULES: tuple[Rule, ...] = (*GATE, people_exactly_once, households_whole, households_called, queues_within_rooms,
                           units_staffed, shifts_within_visits,
                           gowns_within_limit, meals_in_windows, stints_long_enough, days_within_max_work,
                           round_by_deadline, vehicles_within_fleet, no_vehicle_in_two_places,
                           units_collected_every_interval, tubes_carried, boxes_within_capacity, samples_within_age,
                           walks_within_limit, walk_distances_true, grids_where_allowed, visits_in_order,
                           group_moves_possible, courier_moves_possible, home_visit_moves_possible,
                           shuttle_moves_possible, teams_in_one_place, home_stops_match_lists, pickups_match_swabs,
                           boxes_counted, shuttles_carry_arrived_boxes, unit_days_true,
                           kpis_true)
"""Every rule, in the order verify reports them: the :data:`GATE` first."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: the rule's name (its function's name) and what is wrong, in words."""

    rule: str
    message: str


def violations(s: Scenario, plan: dict) -> list[Violation]:
    """All violations of a plan against its scenario, each with the rule it breaks (see :func:`verify`).

    A re-planned plan (one with a ``replan`` section) is checked against the scenario as its events make it,
    by :data:`RULES` and the re-plan rules (:data:`natplan.scheduler.verify.replan.REPLAN_RULES`)."""
    found: list[Violation] = []
    rules = RULES
    replanned = isinstance(plan, dict) and "replan" in plan
    if replanned:
        from natplan.scheduler.verify.replan import REPLAN_RULES, excused, replanned_scenario

        s, rules = replanned_scenario(s, plan), (*RULES, *REPLAN_RULES)
    for k, rule in enumerate(rules):
        if found and k in (1, len(GATE)):
            break  # the rules after would read fields, names or numbers that are not there
        found += [Violation(rule.__name__, v) for v in rule(s, plan)]
    return excused(plan, found) if replanned else found


def verify(s: Scenario, plan: dict) -> list[str]:
    """All violations of a plan against its scenario, in words.

    Parameters
    ----------
    s
        The scenario the plan was made from.
    plan
        The plan as plain data, as read from plan.json (:func:`natplan.planfile.read_plan_json`).

    Returns
    -------
    list[str]
        One line per violation, rule by rule (:data:`RULES`); empty when every rule holds.

    Raises
    ------
    KeyError, TypeError
        When ``plan`` is not shaped like a natplan plan.
    """
    return [v.message for v in violations(s, plan)]


__all__ = ["GATE", "RULES", "Rule", "Violation", "days_within_max_work", "gowns_within_limit", "meals_in_windows",
           "stints_long_enough", "boxes_counted", "boxes_within_capacity", "no_vehicle_in_two_places",
           "vehicles_within_fleet", "courier_moves_possible", "grids_where_allowed",
           "group_moves_possible", "groups_and_members_known", "home_stops_match_lists", "home_visit_moves_possible",
           "households_called", "households_whole", "kpis_true", "numbers_finite", "people_exactly_once", "pickups_match_swabs",
           "plan_well_formed", "queues_within_rooms", "round_by_deadline", "samples_within_age",
           "shifts_within_visits", "shuttle_moves_possible", "shuttles_carry_arrived_boxes", "teams_in_one_place",
           "special_needs_known", "tubes_carried", "unit_days_true", "units_collected_every_interval", "units_known",
           "units_staffed", "vehicles_known", "verify", "violations", "visits_in_order",
           "walk_distances_true", "walks_within_limit"]
