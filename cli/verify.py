"""``natplan verify PLAN --scenario S``: check a town's or a city's plan.json, without the solvers.

This module imports only the checks (:mod:`natplan.scheduler.verify`,
:mod:`natplan.scheduler.city_verify`), the file readers and the travel times;
nothing of the assignment, staffing or routing solvers.  Exit 1 when a rule
is broken, 2 when a file cannot be read.  A plan made from another version
of the scenario file (its sha256 differs) breaks a rule of its own unless
``--allow-changed-scenario`` is given (then it is a warning).
"""

from __future__ import annotations

import sys
from pathlib import Path

from natplan.models.problems import InputError
from natplan.planfile import read_plan_json


def verify_town(args) -> int:
    """Check a town's plan against its scenario; print each violation; exit 1 if any."""
    from natplan.models.loader import load_scenario
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.verify import verify

    loaded = load_scenario(args.scenario, travel=TRAVEL)
    display = str(args.plan)
    plan = read_plan_json(args.plan)
    changed = changed_scenario(args, display, plan.get("scenario_sha256") if isinstance(plan, dict) else None,
                               loaded.digest)
    try:
        problems = verify(loaded.scenario, plan)
    except (KeyError, TypeError) as e:
        raise InputError.single(display, f"not a natplan plan (missing {e})") from None
    return report(display, changed + problems, "every rule holds")


def verify_city(args) -> int:
    """Check a joined city plan and every township plan it names; exit 1 if any rule is broken."""
    from natplan.models.city import load_city
    from natplan.scheduler.city_verify import verify_city as check_city

    loaded = load_city(args.scenario)
    display = str(args.plan)
    plan = read_plan_json(args.plan)
    if not isinstance(plan, dict) or plan.get("kind") != "city":
        raise InputError.single(display, f"not a city plan ({args.scenario} is a city file)")
    changed = changed_scenario(args, display, plan.get("city_sha256"), loaded.digest)
    try:
        problems = check_city(loaded.city, plan, Path(args.plan).parent)
    except (KeyError, TypeError) as e:
        raise InputError.single(display, f"not a natplan city plan (missing {e})") from None
    return report(display, changed + problems, f"every rule holds in all {len(plan['townships'])} townships")


def changed_scenario(args, display: str, made_from, digest: str) -> list[str]:
    """The violation of a plan made from another version of the scenario file (none if it is the same file).

    Parameters
    ----------
    args
        The parsed arguments (``scenario``; optional ``allow_changed_scenario``).
    display
        How to name the plan in a warning.
    made_from
        The digest the plan says it was made from (``scenario_sha256`` or ``city_sha256``), or None.
    digest
        The scenario file's SHA-256.

    Returns
    -------
    list[str]
        One violation, or none; with ``--allow-changed-scenario`` none, and a warning on standard error
        instead (the rules are then checked against the file as it is now).
    """
    if made_from == digest:
        return []
    if getattr(args, "allow_changed_scenario", False):
        print(f"{display}: warning: made from a different version of {args.scenario}", file=sys.stderr)
        return []
    return [f"made from a different version of {args.scenario} (sha256 {str(made_from)[:12]}…, the file now "
            f"{digest[:12]}…); pass --allow-changed-scenario to check it against the file as it is"]


def report(display: str, problems: list[str], ok: str) -> int:
    """Print each violation (or that all is well); the exit code: 1 if any."""
    for p in problems:
        print(f"{display}: {p}")
    if not problems:
        print(f"{display}: ok — {ok}")
    return 1 if problems else 0
