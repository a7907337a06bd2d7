"""Fixtures of the re-plan tests (tests/scheduler/replan/), all on the tiny town (tests/data/tiny.yaml) and the
plans of :mod:`tests.scheduler.replan.bases` (committed in tests/data/replan/: the plan being carried out is a
fixed input).

- ``tiny_base``: the tiny town and its plan (one group, T1: U1 08:30–09:30, then U2 10:00–12:30).
- ``two_groups``: the tiny town with a second group (T2, a copy of T1), and its plan: both units from 08:30.
- ``three_samplers``: the tiny town with a third sampler in T1 and 2 desks at U2, and its plan: U2 then samples
  200 an hour (2 desks), 170 with two samplers (2 × (1 - 15 % breaks)).
- ``replanned(base, text)``: :func:`natplan.scheduler.replan.replan` of a base on the events in ``text`` (YAML).
"""

from __future__ import annotations

import pytest
import yaml

from natplan.models.events import Events
from natplan.scheduler.replan import replan
from tests.scheduler.replan.bases import load, scenario_of


@pytest.fixture(scope="session")
def tiny_base(tiny):
    return scenario_of("tiny", tiny), load("tiny")


@pytest.fixture(scope="session")
def two_groups(tiny):
    return scenario_of("two_groups", tiny), load("two_groups")


@pytest.fixture(scope="session")
def three_samplers(tiny):
    return scenario_of("three_samplers", tiny), load("three_samplers")


@pytest.fixture(scope="session")
def replanned():
    def run(base, text: str):
        loaded, plan = base
        return replan(loaded.scenario, plan, Events.model_validate(yaml.safe_load(text)))

    return run


def slots_of(plan, unit: str) -> list[tuple]:
    """A unit's slots as (grid, start, end, people, households)."""
    return [(x.grid, x.start, x.end, x.people, tuple(x.households)) for x in plan.slots if x.unit == unit]
