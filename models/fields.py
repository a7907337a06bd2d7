"""The field types of natplan's input files: strict, bounded and printable.

- A count is an int: never a boolean (``households: true`` is not 1), a
  float (``desks: 2.0``) or a string of digits.
- Every count has an upper bound, what a town (or a township of a city
  file) can have, and a value over it is refused with the bound in words:
  ``units[3].desks: at most 50 desks at one unit (got 400)``.  The bounds
  are in each field's description and in the JSON Schema (``maximum``).
- A real number is finite (NaN and infinity are refused), never a boolean
  or a string; an int is fine.
- An id is a string of letters, digits, ``_``, ``-`` or Chinese characters.
- A name or text holds no control characters: it is printed on pages and
  written to workbooks, which cannot hold them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, Strict

Id = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$"),
]
"""An identifier: letters, digits, ``_``, ``-`` or Chinese characters."""


def _number(value: int) -> str:
    return f"{value:,}" if abs(value) < 10**30 else "a number of more than 30 digits"


def _at_most(high: int, what: str):
    def check(value: int) -> int:
        if value > high:
            raise ValueError(f"at most {high:,} {what} (got {_number(value)})")
        return value

    return check


def count(low: int, high: int, what: str) -> Any:
    """An int field in ``low..high``: strict (no bool, float or string).

    A value below ``low`` gets pydantic's message ("Input should be greater
    than or equal to 0"); a value above ``high`` gets ``at most {high}
    {what} (got …)``, so ``what`` reads on from the number: ``"desks at one
    unit"``.
    """
    return Annotated[int, Strict(), Field(ge=low, json_schema_extra={"maximum": high}),
                     AfterValidator(_at_most(high, what))]


Real = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A finite real number (an int is taken too)."""

_CONTROL = {chr(c) for c in range(32)} | {chr(127)}
_LINE_BREAKS = {"\n", "\r", "\t"}


def _printable(allowed: set[str]):
    def check(value: str) -> str:
        for ch in value:
            if ch in _CONTROL and ch not in allowed:  # (pydantic refuses lone surrogates itself)
                raise ValueError(f"holds the character U+{ord(ch):04X}, which cannot be printed; remove it")
        return value

    return check


Name = Annotated[str, Strict(), Field(min_length=1, max_length=200), AfterValidator(_printable(set()))]
"""A name printed on the pages: one line of at most 200 characters."""

Text = Annotated[str, Strict(), Field(max_length=20_000), AfterValidator(_printable(_LINE_BREAKS))]
"""A free text (a description, an address): may span lines."""
