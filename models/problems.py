"""Problems found in input files, reported as ``file:line: field.path: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """``("villages", 3, "grids", 0, "people")`` → ``villages[3].grids[0].people``; a key with a line break
    or another unprintable character in it is quoted, so that a problem stays on one line."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part) if str(part).isprintable() else repr(str(part))
            out += f".{name}" if out else name
    return out


@dataclass(frozen=True)
class Problem:
    """One broken rule in an input file.

    ``loc`` is the field path inside the file (empty for the whole file);
    ``line`` the 1-based line it stands on, when known; ``row`` a 1-based
    spreadsheet row for ledgers.
    """

    message: str
    loc: Loc = ()
    line: int | None = None
    row: int | None = None
    severity: Literal["error", "warning"] = "error"

    def format(self, file: str) -> str:
        where = file
        if self.line is not None:
            where += f":{self.line}"
        if self.row is not None:
            where += f": row {self.row}"
        path = format_loc(self.loc)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{path + ': ' if path else ''}{self.message}"


class InputError(Exception):
    """Bad input: one or more problems in one file.  The CLI prints them and exits 2."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__("\n".join(p.format(file) for p in problems))

    @classmethod
    def single(cls, file: str, message: str, **kw) -> "InputError":
        return cls(file, [Problem(message, **kw)])
