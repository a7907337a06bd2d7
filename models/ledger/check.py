"""Checking a ledger against a scenario, row by row, and counting it per grid.

Each row is checked for every rule at once, and each broken rule becomes a
problem naming the spreadsheet row, in English and in Chinese:

- a required cell (姓名, 身份证号, 村/社区, 网格, 户号) is empty;
- the ID number is saved as a number (Excel keeps 15 digits), is not a valid
  GB 11643 number, or repeats an earlier row's;
- the village is not in the scenario (the closest name is suggested), or the
  grid is not in that village;
- the 特殊人群 value is not a known category.

People, households (distinct 户号) and special-needs people are counted per
grid from the rows without problems.  Every ID number in a message is
masked (:func:`~natplan.models.ledger.ids.mask_id`), even one typed into
another column.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from natplan.models.ledger.columns import (
    FIELDS, HEADER_ZH, NO_SPECIAL, REQUIRED, SPECIAL_VALUES, loose, map_columns, resolve_mapping,
)
from natplan.models.ledger.ids import REASONS_ZH, check_id_number, hide_ids, mask_id, normalize_id
from natplan.models.ledger.read import cell_text
from natplan.models.ledger.report import LedgerReport
from natplan.models.problems import Problem
from natplan.models.scenario import Grid, Scenario, SpecialCategory, Village

__all__ = ["import_ledger"]


@dataclass(frozen=True)
class _Issue:
    """One broken rule of one row, in both languages."""

    row: int
    en: str
    zh: str


class _Places:
    """Villages by name or id, and grids by name, id or name without the village prefix."""

    def __init__(self, scenario: Scenario):
        self.villages: dict[str, Village] = {}
        self.grids: dict[str, dict[str, Grid]] = {}
        for v in scenario.villages:
            for key in (loose(v.id), loose(v.name)):
                self.villages.setdefault(key, v)
            table: dict[str, Grid] = {}
            for g in v.grids:
                for key in (loose(g.id), loose(g.name)):
                    table.setdefault(key, g)
            vname = loose(v.name)
            for g in v.grids:  # "1组" for "夏格庄一村1组"
                gname = loose(g.name)
                if gname.startswith(vname) and len(gname) > len(vname):
                    table.setdefault(gname[len(vname):], g)
            self.grids[v.id] = table
        self._village_names = [v.name for v in scenario.villages]
        self._close: dict[str, str | None] = {}

    def close_village(self, name: str) -> str | None:
        """The scenario's village whose name is closest to ``name``, if any is close."""
        if name not in self._close:
            close = difflib.get_close_matches(name, self._village_names, n=1, cutoff=0.6)
            self._close[name] = close[0] if close else None
        return self._close[name]


def _special(value: str) -> SpecialCategory | None | Literal[False]:
    """The category of a 特殊人群 cell; None for "not special"; False when unknown."""
    key = loose(value).casefold()
    if key in NO_SPECIAL:
        return None
    return SPECIAL_VALUES.get(key, False)


ECHO_CHARS = 60
"""A cell quoted in a message is cut to this many characters."""


def _echo(value: str) -> str:
    """A cell as a message quotes it: ID numbers hidden, whitespace and line breaks made single spaces, cut short."""
    text = " ".join(hide_ids(value).split())
    return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS - 1] + "…"


def _row_issues(row: int, cells: dict[str, str], headers: dict[str, str], places: _Places,
                seen: dict[str, int], numeric: bool) -> tuple[list[_Issue], Grid | None, SpecialCategory | None]:
    """The problems of one row, the grid it belongs to and its special-needs category."""
    issues: list[_Issue] = []
    for fld in REQUIRED:
        if not cells[fld]:
            h = headers.get(fld, HEADER_ZH[fld])
            issues.append(_Issue(row, f"empty cell {h} ({fld})", f"{h} 为空"))
    idn = normalize_id(cells["id_number"])
    if idn:
        h = headers.get("id_number", HEADER_ZH["id_number"])
        if numeric or re.fullmatch(r"\d(\.\d+)?E\+\d+", idn):
            issues.append(_Issue(row, f"ID number saved as a number, its last digits lost; format the {h} column "
                                      "as text and enter it again",
                                 f"身份证号被存成数字，末几位已丢失；请把 {h} 列设为文本后重新录入"))
        elif (reason := check_id_number(idn)) is not None:
            issues.append(_Issue(row, f"bad ID number {mask_id(idn)}: {reason}",
                                 f"身份证号有误 {mask_id(idn)}：{REASONS_ZH[reason]}"))
        elif idn in seen:
            issues.append(_Issue(row, f"duplicate of row {seen[idn]} ({mask_id(idn)})",
                                 f"与第 {seen[idn]} 行重复（{mask_id(idn)}）"))
        else:
            seen[idn] = row
    grid = None
    # cells quoted in messages: ID numbers typed in the wrong cell hidden, on one line, cut short
    shown = {f: _echo(v) for f, v in cells.items() if f != "id_number"}
    if cells["village"]:
        village = places.villages.get(loose(cells["village"]))
        if village is None:
            close = places.close_village(shown["village"])
            issues.append(_Issue(row,
                                 f"unknown village {shown['village']}" + (f"; did you mean {close}?" if close else ""),
                                 f"未知村庄 {shown['village']}" + (f"；是否为 {close}？" if close else "")))
        elif cells["grid"]:
            grid = places.grids[village.id].get(loose(cells["grid"]))
            if grid is None:
                names = ", ".join(g.name for g in village.grids)
                issues.append(_Issue(row, f"unknown grid {shown['grid']} in village {village.name} ({village.id}); "
                                          f"its grids: {names}",
                                     f"村庄 {village.name}（{village.id}）中没有网格 {shown['grid']}；该村网格：{names}"))
    category = _special(cells.get("special", ""))
    if category is False:
        issues.append(_Issue(row, f"unknown special category {shown['special']}; use 卧床, 残疾, 高龄 or leave it empty",
                             f"未知特殊人群类别 {shown['special']}；可填 卧床、残疾、高龄 或留空"))
        category = None
    return issues, grid, category


def _canonical(df: pd.DataFrame, file: str, mapping: dict | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """``df`` with canonical column names (Chinese headers renamed) and the header of each field."""
    headers = dict(df.attrs.get("headers") or {})
    if all(f in df.columns for f in REQUIRED):
        return df, headers
    columns = map_columns([str(c) for c in df.columns], resolve_mapping(mapping), file)
    out = df.copy()
    out.columns = columns.names
    return out, {**columns.headers, **headers}


def import_ledger(df: pd.DataFrame, scenario: Scenario, file: str,
                  mapping: dict[str, str | None] | None = None) -> LedgerReport:
    """Check a ledger against a scenario and count it per grid.

    Parameters
    ----------
    df
        From :func:`~natplan.models.ledger.read.read_ledger` (rows indexed by
        spreadsheet row) or :func:`~natplan.models.ledger.synthetic.synthesize_ledger`
        (Chinese headers; rows numbered from 2).
    scenario
        Villages are matched by name or id, grids by name, id or name without
        the village's prefix (``1组`` in 夏格庄一村), within the row's village.
    file
        How to name the ledger in the report.
    mapping
        Extra header mapping, used only when ``df`` still has spreadsheet headers.

    Returns
    -------
    LedgerReport
        Every problem by row (bad or duplicate ID numbers, masked; unknown
        village or grid; empty required cell; unknown special category) and
        counts per grid from the rows without problems.

    Raises
    ------
    InputError
        When a required column is missing (``df`` with spreadsheet headers).
    """
    df, headers = _canonical(df, file, mapping)
    rows = [int(r) for r in df.index] if df.index.name == "row" else list(range(2, len(df) + 2))
    numeric = set(df.attrs.get("numeric_ids") or ())
    places = _Places(scenario)
    cols = {f: ([cell_text(v) for v in df[f].tolist()] if f in df.columns else [""] * len(df)) for f in FIELDS}

    issues: list[_Issue] = []
    seen: dict[str, int] = {}
    people: Counter[str] = Counter()
    households: dict[str, set[str]] = defaultdict(set)
    special: dict[str, Counter[SpecialCategory]] = defaultdict(Counter)
    good = 0
    for k, row in enumerate(rows):
        cells = {f: cols[f][k] for f in FIELDS}
        found, grid, category = _row_issues(row, cells, headers, places, seen, row in numeric)
        if found:
            issues.extend(found)
            continue
        good += 1
        assert grid is not None
        people[grid.id] += 1
        households[grid.id].add(loose(cells["household"]))
        if category is not None:
            special[grid.id][category] += 1
    issues.sort(key=lambda i: i.row)
    unknown_village_rows = len({i.row for i in issues if i.en.startswith("unknown village")})

    scenario_special: Counter[str] = Counter(p.grid for p in scenario.special_needs)
    records = []
    for v in scenario.villages:
        for g in v.grids:
            sp = special[g.id]
            records.append({
                "grid": g.id, "village": v.id, "name": g.name,
                "scenario_people": g.people, "ledger_people": people[g.id],
                "difference": people[g.id] - g.people,
                "scenario_households": g.households, "households": len(households[g.id]),
                "scenario_special": scenario_special[g.id], "special": sum(sp.values()),
                "bedridden": sp[SpecialCategory.bedridden], "disabled": sp[SpecialCategory.disabled],
                "elderly": sp[SpecialCategory.elderly],
            })
    grids = pd.DataFrame.from_records(records, columns=[
        "grid", "village", "name", "scenario_people", "ledger_people", "difference", "scenario_households",
        "households", "scenario_special", "special", "bedridden", "disabled", "elderly"])
    bad = len({i.row for i in issues})
    totals = {
        "rows": len(rows), "good_rows": good, "bad_rows": bad,
        "people": int(grids["ledger_people"].sum()), "households": int(grids["households"].sum()),
        "special": int(grids["special"].sum()), "bedridden": int(grids["bedridden"].sum()),
        "disabled": int(grids["disabled"].sum()), "elderly": int(grids["elderly"].sum()),
        "grids": len(grids), "grids_on_ledger": int((grids["ledger_people"] > 0).sum()),
        "grids_differing": int((grids["difference"] != 0).sum()),
        "grids_short": int((grids["difference"] < 0).sum()),
        "unknown_village_rows": unknown_village_rows,
    }
    return LedgerReport(
        file=file,
        problems=[Problem(i.en, row=i.row) for i in issues],
        grids=grids,
        totals=totals,
        encoding=df.attrs.get("encoding"),
        problems_zh=[Problem(i.zh, row=i.row) for i in issues],
    )
