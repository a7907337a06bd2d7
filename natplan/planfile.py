"""``plan.json``: the one writer and the one reader of plan files, for towns and cities alike.

A plan file is the plan model (:class:`natplan.models.plan.Plan` for a town,
:class:`natplan.models.city_plan.CityPlan` for a city) as JSON with sorted
keys, one-space indents and UTF-8 text, so that the same plan always gives
the same bytes.  Readers take it back as plain data (``verify`` and
``simulate`` check it without the plan models' help); a missing or broken
file is an :class:`~natplan.models.problems.InputError` naming it.

This module imports nothing of the solvers, so ``natplan verify`` can read
plans without them.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from natplan.models.document import read_text
from natplan.models.problems import InputError


def plan_json(plan: BaseModel) -> bytes:
    """The canonical bytes of a plan.json (sorted keys, so the same plan gives the same file).

    Parameters
    ----------
    plan
        A town's :class:`~natplan.models.plan.Plan` or a city's
        :class:`~natplan.models.city_plan.CityPlan`.

    Returns
    -------
    bytes
        UTF-8 JSON, ending with a newline.
    """
    return (json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def read_plan_json(path: str | Path) -> dict:
    """A plan.json as plain data.

    Parameters
    ----------
    path
        The file; it is named in messages as given.

    Returns
    -------
    dict
        The plan as JSON data (not validated against the plan models).

    Raises
    ------
    InputError
        When the file is missing or is not JSON text.
    """
    display = str(path)
    text = read_text(Path(path), display, limit=None)  # a regular file only: a named pipe never hangs verify
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError.single(display, f"not a plan.json ({e})") from None
    except (RecursionError, ValueError) as e:  # nested too deep; an integer of thousands of digits
        raise InputError.single(display, f"not a plan.json ({type(e).__name__}: {str(e)[:80]})") from None
