"""The people ledger (人员登记台账): read a town's spreadsheet, check it, count it per grid.

A town keeps one row per person: name, ID number, village, grid, household
and, for the special-needs ledger, why the person is sampled at home.  This
module reads such a sheet (``.xlsx`` or ``.csv`` in UTF-8 or GB18030) into a
DataFrame with canonical column names, checks every row and reports each
broken one by its spreadsheet row number (the header is row 1), counts
people, households and special-needs people per grid, and writes those
counts back into a scenario.

ID numbers (居民身份证号码, GB 11643-1999) are personal data: every message,
report and file natplan writes shows them masked (``370285********1234``).
The only files holding full ID numbers are the synthetic ledgers made by
:func:`synthesize_ledger` for tests and demonstrations.

>>> check_id_number("11010519491231002X") is None   # the example in GB 11643
True
>>> check_id_number("110105194912310021")
'bad check digit'
>>> mask_id("11010519491231002X")
'110105********002X'
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from natplan.models.loader import read_bytes
from natplan.outfolder import write_atomic
from natplan.models.problems import InputError, Problem
from natplan.models.scenario import Grid, Scenario, SpecialCategory, Village

# --- columns -----------------------------------------------------------------

FIELDS = ("name", "id_number", "village", "grid", "household", "phone", "special")
"""Canonical column names of a ledger DataFrame."""

REQUIRED = ("name", "id_number", "village", "grid", "household")
"""Columns a ledger must have."""

HEADER_ZH = {
    "name": "姓名",
    "id_number": "身份证号",
    "village": "村/社区",
    "grid": "网格",
    "household": "户号",
    "phone": "联系电话",
    "special": "特殊人群",
}
"""The Chinese header of each field, as :func:`synthesize_ledger` writes it."""

DEFAULT_MAPPING: dict[str, str] = {
    "姓名": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "证件号码": "id_number",
    "村/社区": "village", "村居": "village", "村庄": "village", "社区": "village",
    "网格": "grid", "微网格": "grid", "村民小组": "grid",
    "户号": "household",
    "联系电话": "phone", "电话": "phone", "手机号": "phone",
    "特殊人群": "special", "特殊群体": "special",
}
"""Spreadsheet header → canonical field.  The canonical names themselves are accepted too."""

SPECIAL_VALUES: dict[str, SpecialCategory] = {
    "卧床": SpecialCategory.bedridden, "长期卧床": SpecialCategory.bedridden,
    "卧床不起": SpecialCategory.bedridden, "bedridden": SpecialCategory.bedridden,
    "残疾": SpecialCategory.disabled, "残疾人": SpecialCategory.disabled,
    "disabled": SpecialCategory.disabled,
    "高龄": SpecialCategory.elderly, "高龄老人": SpecialCategory.elderly,
    "elderly": SpecialCategory.elderly,
}
"""Values of the 特殊人群 column that name a category (matched without case or spaces)."""

NO_SPECIAL = frozenset({"", "否", "无", "非", "none", "no", "n", "/", "-", "—", "--"})
"""Values of the 特殊人群 column that mean "not special-needs"."""

SPECIAL_ZH = {SpecialCategory.bedridden: "卧床", SpecialCategory.disabled: "残疾", SpecialCategory.elderly: "高龄"}

_CN_FALLBACK = frozenset({"big5", "big5hkscs", "cp950"})
"""Encodings charset-normalizer may pick when neither UTF-8 nor GB18030 decodes."""

UNREADABLE_ENCODING = "not UTF-8 or GB18030 text; save the ledger as UTF-8 or GB18030 CSV, or as .xlsx"

# --- ID numbers (GB 11643-1999) ------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_EARLIEST_BIRTH = dt.date(1880, 1, 1)  # GB 11643's own example is born 1880-01-01


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number.

    >>> id_check_char("37028519900307123")
    '4'
    """
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def check_id_number(s: Any) -> str | None:
    """Why ``s`` is not a valid resident ID number, or None when it is.

    Checks the form (17 digits and a check digit or ``X``), the birth date
    at characters 7-14 (a real day from 1880 to today) and the check digit
    (GB 11643-1999, ISO 7064 MOD 11-2).

    Returns
    -------
    str or None
        ``"not 18 characters"``, ``"not 17 digits and a check character"``,
        ``"bad birth date"``, ``"bad check digit"`` or None.
    """
    if not isinstance(s, str) or len(s) != 18:
        return "not 18 characters"
    if not (s[:17].isascii() and s[:17].isdigit()) or s[17] not in "0123456789X":
        return "not 17 digits and a check character"
    try:
        born = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "bad birth date"
    if not _EARLIEST_BIRTH <= born <= dt.date.today():
        return "bad birth date"
    if id_check_char(s[:17]) != s[17]:
        return "bad check digit"
    return None


def mask_id(s: Any) -> str:
    """An ID number with its middle hidden: the first 6 and last 4 characters kept.

    Shorter strings (typos, phone numbers in the wrong column) keep less.

    >>> mask_id("370285199003071234")
    '370285********1234'
    >>> mask_id("12345")
    '********'
    """
    s = "" if s is None else str(s)
    if len(s) >= 15:
        return s[:6] + "********" + s[-4:]
    if len(s) >= 8:
        return s[:2] + "********" + s[-2:]
    return "********"


def normalize_id(s: str) -> str:
    """Full-width digits to ASCII, spaces removed, a lower-case ``x`` made upper-case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).upper()


_LONG_NUMBER = re.compile(r"\d{14,}[\dXx]")


def hide_ids(text: str) -> str:
    """``text`` with every run of 15 or more digits (an ID number in the wrong cell) masked.

    >>> hide_ids("张三 370285199003071234")
    '张三 370285********1234'
    """
    return _LONG_NUMBER.sub(lambda m: mask_id(m.group(0)), text)


_REASON_ZH = {
    "not 18 characters": "不是18位",
    "not 17 digits and a check character": "前17位须为数字、末位为数字或X",
    "bad birth date": "出生日期无效",
    "bad check digit": "校验码错误",
}

# --- reading -------------------------------------------------------------------


def _norm(s: Any) -> str:
    """Cell text compared loosely: NFKC (full-width to half-width), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def _header_key(s: str) -> str:
    return _norm(s).rstrip("*").casefold()


def resolve_mapping(mapping: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """The header → field table: the defaults, the canonical names, then ``mapping``.

    A field of None in ``mapping`` makes a column be ignored.

    Raises
    ------
    ValueError
        When ``mapping`` names a field that is not one of :data:`FIELDS`.
    """
    table: dict[str, str | None] = {_header_key(h): f for h, f in DEFAULT_MAPPING.items()}
    table.update({f: f for f in FIELDS})
    for header, fld in (mapping or {}).items():
        if fld is not None and fld not in FIELDS:
            raise ValueError(f"unknown ledger field {fld!r} for header {header!r}; fields: {', '.join(FIELDS)}")
        table[_header_key(header)] = fld
    return table


def parse_map(items: list[str] | None) -> dict[str, str | None]:
    """``["居民姓名=name", "备注="]`` (``--map`` arguments) → a mapping for :func:`read_ledger`.

    Raises
    ------
    InputError
        For an item without ``=`` or with an unknown field (file ``--map``).
    """
    mapping: dict[str, str | None] = {}
    for item in items or []:
        header, sep, fld = item.partition("=")
        header, fld = header.strip(), fld.strip()
        if not sep or not header:
            raise InputError.single("--map", f"{item!r} is not HEADER=FIELD (e.g. 居民姓名=name)")
        if fld and fld not in FIELDS:
            raise InputError.single("--map", f"{item!r}: unknown field {fld!r}; fields: {', '.join(FIELDS)}")
        mapping[header] = fld or None
    return mapping


def _missing_columns(missing: list[str], found: list[str]) -> str:
    names = ", ".join(f"{HEADER_ZH[f]} ({f})" for f in missing)
    head = "missing column" if len(missing) == 1 else "missing columns"
    return hide_ids(f"{head} {names}; columns found: {', '.join(found) if found else '(none)'}")


def _columns(headers: list[str], table: dict[str, str | None], display: str) -> tuple[list[str], dict[str, str]]:
    """DataFrame column names for ``headers`` and the original header of each field."""
    columns: list[str] = []
    original: dict[str, str] = {}
    for i, h in enumerate(headers):
        fld = table.get(_header_key(h)) if h else None
        if fld is not None:
            if fld in original:
                raise InputError.single(display, hide_ids(
                    f"columns {original[fld]} and {h} both mean {fld}; delete one or map one with --map"))
            original[fld] = h
            columns.append(fld)
        else:
            name = h or f"column {i + 1}"
            while name in columns or name in FIELDS:
                name += "_"
            columns.append(name)
    missing = [f for f in REQUIRED if f not in original]
    if missing:
        raise InputError.single(display, _missing_columns(missing, [h for h in headers if h]))
    return columns, original


def _cell_text(v: Any) -> str:
    """A spreadsheet value as text without losing digits (12.0 → "12", dates ISO)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _frame(records: list[tuple[int, list[Any]]], display: str, mapping: dict | None,
           attrs: dict[str, Any]) -> pd.DataFrame:
    """Records ``(spreadsheet row, cells)`` → the ledger DataFrame indexed by row.

    The header is the first non-empty row, or, among the first ten, the row
    naming most known columns (a title row above the header is skipped).
    """
    table = resolve_mapping(mapping)
    texts = [(row, [_cell_text(v) for v in cells]) for row, cells in records]
    nonempty = [(k, row, cells) for k, (row, cells) in enumerate(texts) if any(cells)]
    if not nonempty:
        raise InputError.single(display, "the ledger is empty")
    best = max(nonempty[:10], key=lambda r: sum(table.get(_header_key(c)) is not None for c in r[2] if c))
    if sum(table.get(_header_key(c)) is not None for c in best[2] if c) < 2:
        best = nonempty[0]
    k0, _, headers = best
    while headers and not headers[-1]:
        headers.pop()
    columns, original = _columns(headers, table, display)
    id_col = columns.index("id_number")
    width = len(columns)
    rows, data, numeric_ids = [], [], []
    for k in range(k0 + 1, len(texts)):
        row, cells = texts[k]
        if not any(cells):
            continue
        raw = records[k][1]
        if id_col < len(raw) and isinstance(raw[id_col], float) and abs(raw[id_col]) >= 1e15:
            numeric_ids.append(row)  # Excel keeps 15 significant digits: the last ones are lost
        rows.append(row)
        data.append((cells + [""] * width)[:width])
    df = pd.DataFrame(data, columns=columns, index=pd.Index(rows, name="row", dtype="int64"), dtype=str)
    df.attrs.update(attrs, file=display, headers=original, numeric_ids=numeric_ids)
    return df


def decode_ledger(data: bytes, display: str, encoding: str | None = None) -> tuple[str, str]:
    """Bytes of a CSV ledger → (text, name of the encoding used).

    Without ``encoding``: UTF-8 (with or without BOM), then GB18030, both
    strictly; charset-normalizer only as a last resort and only for the
    traditional-Chinese Big5 family.  Text holding NUL characters (UTF-16
    read as bytes) counts as not decoded.

    Raises
    ------
    InputError
        When no encoding fits, or the given one does not.
    """
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InputError.single(display, f"unknown encoding {encoding!r} (try utf-8 or gb18030)") from None
        try:
            text = data.decode("utf-8-sig" if name == "utf-8" else name)
        except UnicodeDecodeError as e:
            raise InputError.single(
                display, f"not {encoding} text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                         "check --encoding or leave it out to detect") from None
        return text, encoding
    for codec, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            if codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
                label = "UTF-8 with BOM"
            return text, label
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding in _CN_FALLBACK:
        text = str(guess)
        if "\x00" not in text:
            return text, guess.encoding
    raise InputError.single(display, UNREADABLE_ENCODING)


def _csv_records(text: str, display: str) -> list[tuple[int, list[str]]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count)
    try:
        return [(i, cells) for i, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                                     start=1)]
    except csv.Error as e:
        raise InputError.single(display, f"not a readable CSV file ({e})") from None


def _xlsx_records(path: Path, display: str, sheet: str | int | None) -> tuple[list[tuple[int, list[Any]]], str]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as e:
        raise InputError.single(display, f"not a readable .xlsx workbook ({e}); save it again from Excel or WPS") \
            from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) and 0 <= sheet < len(wb.worksheets):
            ws = wb.worksheets[sheet]
        elif isinstance(sheet, str) and sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError.single(display, f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}")
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers store a wrong sheet size
        records = [(i, list(r)) for i, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
        return records, ws.title
    finally:
        wb.close()


def read_ledger(path: str | Path, mapping: dict[str, str | None] | None = None, *,
                sheet: str | int | None = None, encoding: str | None = None,
                display: str | None = None) -> pd.DataFrame:
    """Read a people ledger (``.xlsx`` or ``.csv``) into a DataFrame of strings.

    Parameters
    ----------
    path
        The ledger.  A ZIP file (whatever its name) is read as ``.xlsx``;
        anything else as CSV (comma, tab or semicolon separated).
    mapping
        Extra or overriding ``header → field`` pairs (field None ignores the
        column); see :data:`DEFAULT_MAPPING` and :data:`FIELDS`.
    sheet
        Sheet name or 0-based index of a workbook (default the first).
    encoding
        CSV encoding; default: detect UTF-8 / GB18030 (see :func:`decode_ledger`).
    display
        How to name the file in messages (default the path as given).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty spreadsheet row, indexed by the spreadsheet row
        number (``row``, header = row 1); the canonical columns of
        :data:`FIELDS` that were found and any other columns under their own
        headers; every cell a string (``""`` when empty).  ``df.attrs`` holds
        ``file``, ``encoding`` (CSV), ``sheet`` (xlsx), ``headers`` (field →
        header as written) and ``numeric_ids`` (rows whose ID Excel stored as
        a number with digits lost).

    Raises
    ------
    InputError
        When the file cannot be read or decoded, or lacks a required column.
    """
    path = Path(path)
    display = display or str(path)
    data = read_bytes(path, display)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.single(display, "an old .xls workbook; open it in Excel or WPS and save it as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04"):
        records, title = _xlsx_records(path, display, sheet)
        return _frame(records, display, mapping, {"sheet": title, "encoding": None})
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError.single(display, "not a readable .xlsx workbook (not a ZIP file); save it again from Excel")
    text, used = decode_ledger(data, display, encoding)
    return _frame(_csv_records(text, display), display, mapping, {"encoding": used, "sheet": None})


# --- checking and counting ---------------------------------------------------------


@dataclass(frozen=True)
class _Issue:
    """One broken rule of one row, in both languages."""

    row: int
    en: str
    zh: str


@dataclass(frozen=True, eq=False)
class LedgerReport:
    """What :func:`import_ledger` found.

    Attributes
    ----------
    file
        The ledger as named in messages.
    problems
        One :class:`~models.problems.Problem` per broken rule, with ``row``
        the spreadsheet row, in row order (English messages).
    grids
        One row per scenario grid, in file order: ``grid``, ``village``,
        ``name``, ``scenario_people``, ``ledger_people``, ``difference``
        (ledger − scenario), ``scenario_households``, ``households``
        (distinct 户号), ``scenario_special``, ``special``, ``bedridden``,
        ``disabled``, ``elderly``.  Counts come from rows without problems.
    totals
        ``rows``, ``good_rows``, ``bad_rows``, ``people``, ``households``,
        ``special``, ``bedridden``, ``disabled``, ``elderly``, ``grids``,
        ``grids_on_ledger``, ``grids_differing``, ``grids_short`` (grids whose
        scenario has more people than the ledger), ``unknown_village_rows``.
    encoding
        How a CSV was decoded (None for a workbook).
    problems_zh
        The same problems in Chinese.
    """

    file: str
    problems: list[Problem]
    grids: pd.DataFrame
    totals: dict[str, int]
    encoding: str | None = None
    problems_zh: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        """Spreadsheet rows with at least one problem, ascending."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def short(self) -> pd.DataFrame:
        """Grids whose scenario counts more people than the ledger lists."""
        return self.grids[self.grids["difference"] < 0]

    @property
    def ok(self) -> bool:
        """No row problems and no grid with more people in the scenario than on the ledger."""
        return not self.problems and self.short.empty

    def format(self, lang: Literal["zh", "en"] = "zh", limit: int = 10) -> str:
        """The report for the terminal: a short summary, then every problem as ``file: row N: message``.

        ``limit`` caps how many differing grids the summary names.
        """
        t, g, f = self.totals, self.grids, self.file
        more, short = g[g["difference"] > 0], self.short
        zh = lang == "zh"
        enc = (f"，{self.encoding}" if zh else f", {self.encoding}") if self.encoding else ""

        def grid_list(frame: pd.DataFrame) -> str:
            items = [f"{r.grid} {r.scenario_people}→{r.ledger_people} ({r.difference:+d})"
                     for r in frame.head(limit).itertuples()]
            if len(frame) > limit:
                items.append(f"… 另 {len(frame) - limit} 个" if zh else f"… {len(frame) - limit} more")
            return ", ".join(items)

        matching = t["grids"] - t["grids_differing"]
        wrong_town = t["unknown_village_rows"] * 2 > t["rows"]
        if zh:
            lines = [
                f"{f}：共 {t['rows']:,} 行{enc}，合格 {t['good_rows']:,} 行，有问题 {t['bad_rows']:,} 行",
                f"台账：{t['people']:,} 人，{t['households']:,} 户，覆盖 {t['grids_on_ledger']}/{t['grids']} 个网格；"
                f"特殊人群 卧床 {t['bedridden']}、残疾 {t['disabled']}、高龄 {t['elderly']}",
                f"与场景比对（场景→台账）：{t['grids']} 个网格中 {matching} 个人数一致",
            ]
            if not more.empty:
                lines.append(f"  台账人数多于场景的网格 {len(more)} 个：{grid_list(more)}")
            if not short.empty:
                lines.append(f"  台账人数少于场景的网格 {len(short)} 个（有人未登记？）：{grid_list(short)}")
            if wrong_town:
                lines.append("多数行的村庄不在场景中：--scenario 是否选错了镇？")
            if self.problems:
                lines.append(f"问题 {len(self.problems)} 处：")
        else:
            lines = [
                f"{f}: {t['rows']:,} rows{enc}: {t['good_rows']:,} good, {t['bad_rows']:,} with problems",
                f"on the ledger: {t['people']:,} people, {t['households']:,} households in "
                f"{t['grids_on_ledger']} of {t['grids']} grids; special needs {t['bedridden']} bedridden, "
                f"{t['disabled']} disabled, {t['elderly']} elderly",
                f"against the scenario (scenario→ledger): {matching} of {t['grids']} grids match",
            ]
            if not more.empty:
                lines.append(f"  more people on the ledger in {len(more)} grids: {grid_list(more)}")
            if not short.empty:
                lines.append(f"  fewer people on the ledger in {len(short)} grids (someone not registered?): "
                             f"{grid_list(short)}")
            if wrong_town:
                lines.append("most rows name villages the scenario does not have: is --scenario the right town?")
            if self.problems:
                lines.append(f"{len(self.problems)} problems:")
        problems = self.problems_zh if zh and self.problems_zh else self.problems
        lines += [p.format(f) for p in problems]
        return "\n".join(lines)


class _Places:
    """Villages by name or id, and grids by name, id or name without the village prefix."""

    def __init__(self, scenario: Scenario):
        self.villages: dict[str, Village] = {}
        self.grids: dict[str, dict[str, Grid]] = {}
        for v in scenario.villages:
            for key in (_norm(v.id), _norm(v.name)):
                self.villages.setdefault(key, v)
            table: dict[str, Grid] = {}
            for g in v.grids:
                for key in (_norm(g.id), _norm(g.name)):
                    table.setdefault(key, g)
            vname = _norm(v.name)
            for g in v.grids:  # "1组" for "夏格庄一村1组"
                gname = _norm(g.name)
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
    key = _norm(value).casefold()
    if key in NO_SPECIAL:
        return None
    return SPECIAL_VALUES.get(key, False)


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
                                 f"身份证号有误 {mask_id(idn)}：{_REASON_ZH[reason]}"))
        elif idn in seen:
            issues.append(_Issue(row, f"duplicate of row {seen[idn]} ({mask_id(idn)})",
                                 f"与第 {seen[idn]} 行重复（{mask_id(idn)}）"))
        else:
            seen[idn] = row
    grid = None
    cells = {f: (v if f == "id_number" else hide_ids(v)) for f, v in cells.items()}
    if cells["village"]:
        village = places.villages.get(_norm(cells["village"]))
        if village is None:
            close = places.close_village(cells["village"])
            issues.append(_Issue(row, f"unknown village {cells['village']}" + (f"; did you mean {close}?" if close else ""),
                                 f"未知村庄 {cells['village']}" + (f"；是否为 {close}？" if close else "")))
        elif cells["grid"]:
            grid = places.grids[village.id].get(_norm(cells["grid"]))
            if grid is None:
                names = ", ".join(g.name for g in village.grids)
                issues.append(_Issue(row, f"unknown grid {cells['grid']} in village {village.name} ({village.id}); "
                                          f"its grids: {names}",
                                     f"村庄 {village.name}（{village.id}）中没有网格 {cells['grid']}；该村网格：{names}"))
    category = _special(cells.get("special", ""))
    if category is False:
        issues.append(_Issue(row, f"unknown special category {cells['special']}; use 卧床, 残疾, 高龄 or leave it empty",
                             f"未知特殊人群类别 {cells['special']}；可填 卧床、残疾、高龄 或留空"))
        category = None
    return issues, grid, category


def _canonical(df: pd.DataFrame, file: str, mapping: dict | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """``df`` with canonical column names (Chinese headers renamed) and the header of each field."""
    headers = dict(df.attrs.get("headers") or {})
    if all(f in df.columns for f in REQUIRED):
        return df, headers
    table = resolve_mapping(mapping)
    columns, original = _columns([str(c) for c in df.columns], table, file)
    out = df.copy()
    out.columns = columns
    return out, {**original, **headers}


def import_ledger(df: pd.DataFrame, scenario: Scenario, file: str,
                  mapping: dict[str, str | None] | None = None) -> LedgerReport:
    """Check a ledger against a scenario and count it per grid.

    Parameters
    ----------
    df
        From :func:`read_ledger` (rows indexed by spreadsheet row) or
        :func:`synthesize_ledger` (Chinese headers; rows numbered from 2).
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
        When a required column is missing.
    """
    df, headers = _canonical(df, file, mapping)
    rows = [int(r) for r in df.index] if df.index.name == "row" else list(range(2, len(df) + 2))
    numeric = set(df.attrs.get("numeric_ids") or ())
    places = _Places(scenario)
    cols = {f: ([_cell_text(v) for v in df[f].tolist()] if f in df.columns else [""] * len(df)) for f in FIELDS}

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
        households[grid.id].add(_norm(cells["household"]))
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


def apply_to_scenario(report: LedgerReport, scenario: Scenario, fill: bool = False) -> Scenario:
    """A copy of ``scenario`` with each grid's ``ledger_people`` from the ledger.

    With ``fill``, each grid's ``people`` and ``households`` are also set
    from the ledger.  The input is not changed; the result is not
    re-checked (run :func:`natplan.models.checks.run_checks` on it).
    """
    counts = report.grids.set_index("grid")
    villages = []
    for v in scenario.villages:
        grids = []
        for g in v.grids:
            if g.id not in counts.index:
                grids.append(g)
                continue
            c = counts.loc[g.id]
            update: dict[str, Any] = {"ledger_people": int(c["ledger_people"])}
            if fill:
                update.update(people=int(c["ledger_people"]), households=int(c["households"]))
            grids.append(g.model_copy(update=update))
        villages.append(v.model_copy(update={"grids": grids}))
    return scenario.model_copy(update={"villages": villages})


# --- synthetic ledgers -------------------------------------------------------------

REGION_CODE = "370285"
"""Laixi city (莱西市), Qingdao: the region code of synthetic ID numbers."""

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶姜"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文海燕春梅金凤德胜利晓东宁波"


def _split_households(rng: np.random.Generator, people: int, households: int) -> np.ndarray:
    """Household sizes: ``households`` positive ints summing to ``people``."""
    households = min(max(households, 1), people)
    return 1 + rng.multinomial(people - households, np.full(households, 1 / households))


def synthesize_ledger(scenario: Scenario, seed: int = 0) -> pd.DataFrame:
    """A whole town's ledger made up from a scenario, one row per person.

    Each grid gets exactly its ``people`` rows in exactly its ``households``
    households (户号 ``G001-001`` …); the grid's special-needs people are
    flagged (卧床 / 残疾 / 高龄) on as many rows; ID numbers are valid
    (GB 11643, region :data:`REGION_CODE`, born before the round date,
    elderly people 80 or older) and unique; names are drawn from short lists
    of surnames and given names; phones use the unallocated ``100`` prefix so
    no real number is made up.  The same scenario and seed give the same
    ledger.

    Returns
    -------
    pandas.DataFrame
        Columns 姓名, 身份证号, 村/社区, 网格, 户号, 联系电话, 特殊人群 (strings).
    """
    rng = np.random.default_rng(seed)
    round_date = dt.date.fromisoformat(scenario.parameters.date)
    special_of: dict[str, list[SpecialCategory]] = defaultdict(list)
    for p in scenario.special_needs:
        special_of[p.grid].append(p.category)
    age_range = {None: (0, 90), SpecialCategory.elderly: (80, 99), SpecialCategory.bedridden: (55, 96),
                 SpecialCategory.disabled: (8, 85)}
    used: set[str] = set()
    rows: list[tuple[str, ...]] = []
    for v in scenario.villages:
        for g in v.grids:
            if g.people == 0:
                continue
            sizes = _split_households(rng, g.people, g.households)
            cats: list[SpecialCategory | None] = [None] * g.people
            flagged = special_of[g.id][:g.people]
            for pos, cat in zip(rng.choice(g.people, size=len(flagged), replace=False), flagged):
                cats[int(pos)] = cat
            n, width = g.people, max(3, len(str(len(sizes))))
            lo = np.array([age_range[c][0] for c in cats])
            hi = np.array([age_range[c][1] for c in cats])
            days = (lo * 365 + (lo + 3) // 4 + rng.random(n) * ((hi + 1 - lo) * 365 - 1)).astype(int)
            seqs = rng.integers(500, size=n) * 2 + rng.integers(2, size=n)  # odd: male, even: female
            family = rng.integers(len(_SURNAMES), size=len(sizes))
            own = np.where(rng.random(n) < 0.7, np.repeat(family, sizes), rng.integers(len(_SURNAMES), size=n))
            given_len = rng.integers(1, 3, size=n)
            given = rng.integers(len(_GIVEN), size=(n, 2))
            phones = rng.integers(10**8, size=n)
            household = np.repeat(np.arange(1, len(sizes) + 1), sizes)
            for k in range(n):
                born = round_date - dt.timedelta(days=int(days[k]))
                seq = int(seqs[k])
                while (first17 := f"{REGION_CODE}{born:%Y%m%d}{seq:03d}") in used:
                    seq = (seq + 2) % 1000
                used.add(first17)
                name = _SURNAMES[own[k]] + "".join(_GIVEN[i] for i in given[k, :given_len[k]])
                phone = f"100{phones[k]:08d}" if days[k] >= 16 * 366 else ""
                rows.append((name, first17 + id_check_char(first17), v.name, g.name,
                             f"{g.id}-{household[k]:0{width}d}", phone, SPECIAL_ZH.get(cats[k], "")))
    return pd.DataFrame(rows, columns=[HEADER_ZH[f] for f in FIELDS], dtype=str)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column_letter(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _xml_text(s: str) -> str:
    from xml.sax.saxutils import escape

    return escape(_XML_ILLEGAL.sub("", s), {'"': "&quot;"})


def _xlsx_bytes(headers: list[str], values: list[list[str]], sheet_name: str) -> bytes:
    """A one-sheet workbook of text cells, as Excel writes it: shared strings, every column formatted as text.

    openpyxl writes each string inline, which makes a 33,000-row ledger
    several times slower to read back; this writes the compact form.
    """
    strings: dict[str, int] = {}
    letters = [_column_letter(j) for j in range(len(headers))]
    out = [_XML_HEAD, f'<worksheet xmlns="{_MAIN_NS}">',
           f'<dimension ref="A1:{letters[-1] if letters else "A"}{len(values) + 1}"/>',
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews>']
    if headers:
        # a Chinese character is two columns wide, like in GBK
        widths = [2 + max(len(t.encode("gbk", "replace")) for t in [h] + [r[j] for r in values[:200] if j < len(r)])
                  for j, h in enumerate(headers)]
        out.append("<cols>" + "".join(f'<col min="{j + 1}" max="{j + 1}" width="{min(w, 40)}" style="1" '
                                      'customWidth="1"/>' for j, w in enumerate(widths)) + "</cols>")
    out.append("<sheetData>")
    for i, row in enumerate([headers, *values], start=1):
        cells = []
        for letter, v in zip(letters, row):
            if v == "":
                continue
            k = strings.setdefault(v, len(strings))
            cells.append(f'<c r="{letter}{i}" s="1" t="s"><v>{k}</v></c>')
        out.append(f'<row r="{i}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    sst = [_XML_HEAD, f'<sst xmlns="{_MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">']
    for v in strings:
        space = ' xml:space="preserve"' if v != v.strip() else ""
        sst.append(f"<si><t{space}>{_xml_text(v)}</t></si>")
    sst.append("</sst>")
    parts = {
        "[Content_Types].xml": _XML_HEAD
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": _XML_HEAD + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<sheets><sheet name="{_xml_text(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _XML_HEAD + f'<styleSheet xmlns="{_MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
        "xl/worksheets/sheet1.xml": "".join(out),
        "xl/sharedStrings.xml": "".join(sst),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def write_ledger(df: pd.DataFrame, path: str | Path, encoding: str = "utf-8-sig",
                 sheet_name: str = "人员登记台账") -> None:
    """Write a ledger as ``.xlsx`` (every cell text) or ``.csv``, atomically.

    Parameters
    ----------
    encoding
        For CSV: ``utf-8``, ``utf-8-sig`` (default; Excel opens it without
        garbling) or ``gb18030``.

    Raises
    ------
    ValueError
        For another suffix or encoding.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    values = [[("" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)) for x in r]
              for r in df.itertuples(index=False)]
    headers = [str(c) for c in df.columns]
    if suffix == ".xlsx":
        data = _xlsx_bytes(headers, values, sheet_name)

        def write(tmp: Path) -> None:
            tmp.write_bytes(data)

    elif suffix == ".csv":
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig", "gb18030"):
            raise ValueError(f"ledger CSV encoding must be utf-8, utf-8-sig or gb18030, not {encoding!r}")
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(headers)
        w.writerows(values)
        data = buf.getvalue().encode(encoding)

        def write(tmp: Path) -> None:
            tmp.write_bytes(data)

    else:
        raise ValueError(f"ledger file must end in .xlsx or .csv, not {path.name!r}")
    write_atomic(path, write)


# --- command line ------------------------------------------------------------------------


def _rebase_boundary(scenario: Scenario, source: Path, target: Path) -> Scenario:
    """Keep a relative ``region.boundary`` path pointing at the same file from ``target``'s folder."""
    b = scenario.region.boundary
    if not isinstance(b, str) or Path(b).is_absolute():
        return scenario
    moved = os.path.relpath((source.parent / b).resolve(), target.resolve().parent)
    if moved == b:
        return scenario
    return scenario.model_copy(update={"region": scenario.region.model_copy(update={"boundary": moved})})


def _header_comments(path: Path) -> str:
    """The comment lines heading a scenario file, without an earlier ledger note."""
    lines = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    text = "\n".join(lines)
    return text.split("\nledger_people", 1)[0] if not text.startswith("ledger_people") else ""


def ledger_import_main(args) -> int:
    """``natplan ledger import FILE --scenario S``: check a ledger, print the report, optionally update.

    Expects an argparse namespace with

    - ``file`` (Path): the ledger, ``.xlsx`` or ``.csv``;
    - ``scenario`` (Path): the scenario file;
    - ``encoding`` (str or None): CSV encoding, None to detect;
    - ``map`` (list of ``HEADER=FIELD`` strings, may be empty);
    - ``update`` (Path or None): write the scenario with each grid's
      ``ledger_people`` here (atomically), only when the ledger has no bad rows
      and the result passes the scenario checks;
    - ``lang`` (``"zh"`` or ``"en"``);
    - optional ``fill`` (bool, default False): with ``update``, also set each
      grid's ``people`` and ``households`` from the ledger;
    - optional ``sheet`` (str or None): workbook sheet, default the first.

    Returns 0 when every row is good and no grid has more people in the
    scenario than on the ledger (after the update, if one was written); 1
    when rows have problems (listed) or grids fall short.  Unreadable input
    raises :class:`InputError` (the CLI prints it and exits 2).
    """
    from natplan.models.checks import run_checks
    from natplan.models.generate import scenario_to_yaml
    from natplan.models.loader import load_scenario

    lang = getattr(args, "lang", "zh") or "zh"
    zh = lang == "zh"
    mapping = parse_map(getattr(args, "map", None))
    loaded = load_scenario(args.scenario)
    ledger_path = Path(args.file)
    df = read_ledger(ledger_path, mapping, sheet=getattr(args, "sheet", None),
                     encoding=getattr(args, "encoding", None), display=str(args.file))
    report = import_ledger(df, loaded.scenario, str(args.file), mapping)
    print(report.format(lang))
    update = getattr(args, "update", None)
    if update is None:
        return 0 if report.ok else 1
    update = Path(update)
    if report.problems:
        print(f"{update}: 未写入：请先修正上面列出的问题行" if zh else
              f"{update}: not written: fix the rows listed above first")
        return 1
    fill = bool(getattr(args, "fill", False))
    new = _rebase_boundary(apply_to_scenario(report, loaded.scenario, fill=fill), loaded.path, update)
    errors = [p for p in run_checks(new, loaded.geometry) if p.severity == "error"]
    if errors:
        for p in errors:
            print(p.format(str(update)))
        print(f"{update}: 未写入：更新后的场景不合规（可用 --fill 按台账填写人数）" if zh else
              f"{update}: not written: the updated scenario breaks the rules above (--fill takes people from the ledger)")
        return 1
    digest = hashlib.sha256(ledger_path.read_bytes()).hexdigest()[:12]
    header = _header_comments(loaded.path)
    header += ("\n" if header else "") + (
        f"ledger_people{', people and households' if fill else ''} from the people ledger {ledger_path.name} "
        f"(sha256 {digest}…, {report.totals['good_rows']:,} rows) by natplan ledger import.")
    text = scenario_to_yaml(new, header)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(update, write)
    print(f"{update}：已写入各网格台账人数" if zh else f"{update}: written with each grid's ledger count")
    return 0
