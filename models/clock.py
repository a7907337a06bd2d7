"""Clock times in scenario files.

Scenario files write times of day as ``"HH:MM"``; a round that runs past
midnight writes hours 24-47 (``"30:00"`` is 06:00 the next day).  Inside
natplan every time is an integer number of minutes since midnight of the
round's first day.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")


def parse_clock(value: object) -> int:
    """Turn ``"08:30"`` into 510 (minutes since midnight).

    Parameters
    ----------
    value
        A string ``"H:MM"`` or ``"HH:MM"`` with hours 0-47, or an int that
        already counts minutes.

    Raises
    ------
    ValueError
        If the value is not such a time.

    Examples
    --------
    >>> parse_clock("08:30")
    510
    >>> parse_clock("25:00")
    1500
    """
    if isinstance(value, bool):
        raise ValueError("expected a clock time like 08:00")
    if isinstance(value, int):
        if not 0 <= value < 48 * 60:
            raise ValueError("clock minutes must be within 0..2879")
        return value
    if isinstance(value, str):
        m = _CLOCK.match(value.strip())
        if m:
            hours, minutes = int(m.group(1)), int(m.group(2))
            if hours < 48:
                return hours * 60 + minutes
    raise ValueError(f"expected a clock time like 08:00, got {value!r}")


def format_clock(minutes: int | float | None, missing: str = "") -> str:
    """Turn minutes since midnight into ``"HH:MM"`` (rounded to the minute): natplan's one clock formatter,
    for files, pages, workbooks and the terminal.

    Parameters
    ----------
    minutes
        Minutes since midnight of the round's first day; hours 24-47 are the next day.
    missing
        What to print for None (a time that does not exist, e.g. a township not planned).

    Raises
    ------
    ValueError
        For a negative time.

    Examples
    --------
    >>> format_clock(510)
    '08:30'
    >>> format_clock(1500)
    '25:00'
    >>> format_clock(629.6)
    '10:30'
    >>> format_clock(None, missing="—")
    '—'
    """
    if minutes is None:
        return missing
    total = int(round(float(minutes)))
    if total < 0:
        raise ValueError(f"a clock time cannot be negative: {minutes!r} minutes")
    return f"{total // 60:02d}:{total % 60:02d}"


Clock = Annotated[
    int,
    BeforeValidator(parse_clock),
    PlainSerializer(format_clock, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([0-9]|[0-3][0-9]|4[0-7]):[0-5][0-9]$",
            "description": "Clock time HH:MM; hours 24-47 are the next day.",
        }
    ),
]
"""Minutes since midnight, written ``"HH:MM"`` in files."""
