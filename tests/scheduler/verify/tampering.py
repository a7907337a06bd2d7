"""Tampering with good plans: the plans (Xiagezhuang, Qixia, a fuzzed small town), and what verify says.

:func:`good_plan` plans one of :data:`TOWNS` with the default budget.
:func:`caught` applies a :class:`~tests.scheduler.verify.mutants.Tamper` to a
copy of a good plan and returns the rules that name what it did: the rules
whose violations of the tampered plan are not violations of the good plan.
The scenario digest is checked by ``natplan verify`` itself
(:func:`natplan.cli.verify.changed_scenario`); it counts as the rule
``changed_scenario``.  :func:`kills` says whether those include a rule the
tampering must be named by.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from natplan.models.scenario import Scenario
from natplan.scheduler.verify import RULES, violations

from tests.scheduler.random_towns import ROOT, RandomTown, write_town
from tests.scheduler.verify.mutants import Tamper


@dataclass(frozen=True)
class GoodPlan:
    """A plan that passes verify, to tamper with: its scenario, the scenario file's digest, the plan as data."""

    name: str
    scenario: Scenario
    digest: str
    plan: dict


FUZZED_TOWN = RandomTown(seed=1, units=12, groups=5, villages=6, people=2500, grid_people=200, samplers=4,
                         special_rate=0.02, zones=3, vehicles=3, lab_min=30, deadline="loose", stretch=0.3)
"""The fuzzed small town tampered with (tests/scheduler/random_towns.py): 12 units, 5 groups, 3 zones."""
TOWNS = ("xiagezhuang", "qixia", "fuzzed town")


def good_plan(name: str, folder: Path) -> GoodPlan:
    """Plan one of :data:`TOWNS` with the default budget (the fuzzed town's file is written into ``folder``)."""
    from natplan.models.loader import load_scenario
    from natplan.planfile import plan_json
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.pipeline import plan_round

    path = write_town(FUZZED_TOWN, folder) if name == "fuzzed town" else ROOT / "scenarios" / f"{name}.yaml"
    loaded = load_scenario(path, travel=TRAVEL)
    out = plan_round(loaded)
    return GoodPlan(name, loaded.scenario, loaded.digest, json.loads(plan_json(out.plan)))


def rule_module(rule: str) -> str:
    """The verify module a rule lives in (``labour``, ``fleet``, ``physics``…), or ``cli`` for the digest."""
    for r in RULES:
        if r.__name__ == rule:
            return r.__module__.rsplit(".", 1)[-1]
    return "cli"


def pending_rule_exists(tamper: Tamper) -> bool:
    """True when the rule a pending tampering waits for is registered (its module has a rule in RULES)."""
    return tamper.pending is None or any(r.__module__.rsplit(".", 1)[-1] == tamper.pending for r in RULES)


def good_violations(good: GoodPlan) -> set[tuple[str, str]]:
    """The (rule, message) pairs of the good plan itself (none, for a plan the planner got right)."""
    return {(v.rule, v.message) for v in violations(good.scenario, good.plan)}


def caught(tamper: Tamper, good: GoodPlan, before: set[tuple[str, str]] | None = None) -> set[str] | None:
    """Apply ``tamper`` to a copy of a good plan; the rules that name what it did (None: nothing to tamper).

    Parameters
    ----------
    tamper
        The tampering.
    good
        The good plan (left unchanged).
    before
        :func:`good_violations` of it, if known.

    Returns
    -------
    set[str] or None
        The rules with violations in the tampered plan that the good plan does not have.
    """
    from natplan.cli.verify import changed_scenario

    s, plan = good.scenario, copy.deepcopy(good.plan)
    if not tamper.change(s, plan):
        return None
    before = good_violations(good) if before is None else before
    after = {(v.rule, v.message) for v in violations(s, plan)}
    args = SimpleNamespace(scenario="scenario", allow_changed_scenario=False)
    after |= {("changed_scenario", m) for m in changed_scenario(args, "plan", plan.get("scenario_sha256"), good.digest)}
    return {rule for rule, _ in after - before}


def kills(tamper: Tamper, named: set[str]) -> bool:
    """True when the rules that ``named`` the tampering include one it must be named by."""
    return bool(named & set(tamper.rules)) or (
        tamper.pending is not None and any(rule_module(r) == tamper.pending for r in named))
