"""What a ledger's columns are called: the canonical fields, the headers towns use, and the mapping.

Towns head their sheets differently (身份证号 / 身份证号码 / 证件号码 …).
Every header is compared loosely (full-width to half-width, no spaces, a
trailing ``*`` of a required column dropped, no case) and mapped to one of
:data:`FIELDS`; ``--map HEADER=FIELD`` adds or overrides pairs.  The values
of the 特殊人群 column are named here too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from natplan.models.ledger.ids import hide_ids
from natplan.models.problems import InputError
from natplan.models.scenario import SpecialCategory

__all__ = [
    "DEFAULT_MAPPING", "FIELDS", "HEADER_ZH", "NO_SPECIAL", "REQUIRED", "SPECIAL_VALUES", "SPECIAL_ZH",
    "ColumnMap", "field_of", "loose", "map_columns", "parse_map", "resolve_mapping",
]

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
"""The Chinese header of each field, as :func:`~natplan.models.ledger.synthetic.synthesize_ledger` writes it."""

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
"""The 特殊人群 value natplan writes for each category."""


def loose(s: Any) -> str:
    """Cell text as compared: NFKC (full-width to half-width), no whitespace.

    >>> loose(" 甲村１组 ")
    '甲村1组'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def _header_key(s: str) -> str:
    return loose(s).rstrip("*").casefold()


def resolve_mapping(mapping: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """The header → field table: the defaults, the canonical names, then ``mapping``.

    Parameters
    ----------
    mapping
        Extra or overriding ``header → field`` pairs; a field of None makes
        a column be ignored.

    Returns
    -------
    dict
        Loosely compared header (see :func:`loose`, no trailing ``*``,
        case-folded) → field or None.

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


def field_of(header: str, table: dict[str, str | None]) -> str | None:
    """The field ``header`` means in ``table`` (from :func:`resolve_mapping`), or None."""
    return table.get(_header_key(header)) if header else None


def parse_map(items: list[str] | None) -> dict[str, str | None]:
    """``["居民姓名=name", "备注="]`` (``--map`` arguments) → a mapping for :func:`resolve_mapping`.

    Parameters
    ----------
    items
        ``HEADER=FIELD`` strings; an empty FIELD ignores the column.

    Returns
    -------
    dict
        Header → field, or None for an ignored column.

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


@dataclass(frozen=True)
class ColumnMap:
    """A sheet's header row, mapped.

    Attributes
    ----------
    names
        The DataFrame column of each spreadsheet column: its field, or its
        own header (``column N`` when blank; ``_`` appended while it clashes).
    headers
        Field → the header as written in the sheet.
    """

    names: list[str]
    headers: dict[str, str]


def map_columns(headers: list[str], table: dict[str, str | None], display: str) -> ColumnMap:
    """Map a header row to fields.

    Parameters
    ----------
    headers
        The header row's cells as text.
    table
        From :func:`resolve_mapping`.
    display
        How to name the file in messages.

    Returns
    -------
    ColumnMap

    Raises
    ------
    InputError
        When two columns mean the same field, or a field of :data:`REQUIRED`
        has no column.  ID numbers in the message are masked.
    """
    names: list[str] = []
    original: dict[str, str] = {}
    for i, h in enumerate(headers):
        fld = field_of(h, table)
        if fld is not None:
            if fld in original:
                raise InputError.single(display, _shown(
                    f"columns {original[fld]} and {h} both mean {fld}; delete one or map one with --map"))
            original[fld] = h
            names.append(fld)
        else:
            name = h or f"column {i + 1}"
            while name in names or name in FIELDS:
                name += "_"
            names.append(name)
    missing = [f for f in REQUIRED if f not in original]
    if missing:
        found = [h for h in headers if h]
        listed = ", ".join(f"{HEADER_ZH[f]} ({f})" for f in missing)
        head = "missing column" if len(missing) == 1 else "missing columns"
        found = found[:MAX_LISTED] + ([f"… {len(found) - MAX_LISTED} more"] if len(found) > MAX_LISTED else [])
        raise InputError.single(display, _shown(
            f"{head} {listed}; columns found: {', '.join(found) if found else '(none)'}"))
    return ColumnMap(names, original)


MAX_LISTED = 20
"""Columns named in a message about the header row; the rest are counted."""


def _shown(message: str) -> str:
    """A message that echoes header cells: ID numbers hidden, on one line, at most 1,000 characters."""
    text = " ".join(hide_ids(message).split())
    return text if len(text) <= 1000 else text[:999] + "…"
