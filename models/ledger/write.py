"""Writing a ledger as ``.xlsx`` or ``.csv``, every cell text.

A ledger's ID numbers must stay text: a number cell keeps only 15
significant digits, and "0012" would lose its zeros.  The workbook therefore
formats every cell, and every column (for rows typed in later), as text
(``@``); :func:`~natplan.models.ledger.read.read_ledger` reads it back
cell for cell.  CSV is written in UTF-8 with BOM by default, which Excel
opens without garbling, or in GB18030.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from natplan.models.atomic import write_atomic

__all__ = ["CSV_ENCODINGS", "ledger_bytes", "write_ledger"]

CSV_ENCODINGS = ("utf-8", "utf8", "utf-8-sig", "gb18030")
"""Encodings a CSV ledger may be written in (``_`` counts as ``-``, any case)."""

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters an xlsx file cannot hold: dropped."""


def _gbk_width(s: str) -> int:
    """Columns ``s`` takes: a Chinese character is two wide, as in GBK."""
    return len(s.encode("gbk", "replace"))


def _xlsx(headers: list[str], values: list[list[str]], sheet_name: str) -> bytes:
    """One sheet: the header row frozen, every cell and column formatted as text."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = [[_XML_ILLEGAL.sub("", v) for v in row] for row in [headers, *values]]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name[:31]
    for row in rows:
        ws.append([v or None for v in row])
    for cells in ws.iter_rows():
        for cell in cells:
            cell.number_format = "@"
    for j in range(len(headers)):
        width = 2 + max(_gbk_width(r[j]) for r in rows[:201] if j < len(r))
        column = ws.column_dimensions[get_column_letter(j + 1)]
        column.width = min(width, 40)
        column.number_format = "@"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_bytes(df: pd.DataFrame, fmt: Literal["xlsx", "csv"], *, encoding: str = "utf-8-sig",
                 sheet_name: str = "人员登记台账") -> bytes:
    """A ledger's file content, every cell text.

    Parameters
    ----------
    df
        The ledger: its columns as the header row, then one row per person;
        None and NaN are written as empty cells, anything else as its text.
    fmt
        ``"xlsx"``: one sheet, every cell formatted as text.  ``"csv"``:
        comma-separated, CRLF line ends.
    encoding
        For CSV: one of :data:`CSV_ENCODINGS`; ``utf-8-sig`` (the default)
        is UTF-8 with a BOM.
    sheet_name
        For xlsx: the sheet's name (cut to Excel's 31 characters).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For another format or CSV encoding.
    """
    values = [[("" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)) for x in r]
              for r in df.itertuples(index=False)]
    headers = [str(c) for c in df.columns]
    if fmt == "xlsx":
        return _xlsx(headers, values, sheet_name)
    if fmt != "csv":
        raise ValueError(f"ledger format must be xlsx or csv, not {fmt!r}")
    if encoding.lower().replace("_", "-") not in CSV_ENCODINGS:
        raise ValueError(f"ledger CSV encoding must be utf-8, utf-8-sig or gb18030, not {encoding!r}")
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(values)
    return buf.getvalue().encode(encoding)


def write_ledger(df: pd.DataFrame, path: str | Path, encoding: str = "utf-8-sig",
                 sheet_name: str = "人员登记台账") -> None:
    """Write a ledger as ``.xlsx`` (every cell text) or ``.csv``, atomically.

    Parameters
    ----------
    df
        The ledger (see :func:`ledger_bytes`).
    path
        Ends in ``.xlsx`` or ``.csv`` (any case); its folder is made if missing.
        A failed write leaves an existing file as it was.
    encoding
        For CSV: ``utf-8``, ``utf-8-sig`` (default; Excel opens it without
        garbling) or ``gb18030``.
    sheet_name
        For xlsx: the sheet's name.

    Raises
    ------
    ValueError
        For another suffix or encoding.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"ledger file must end in .xlsx or .csv, not {path.name!r}")
    data = ledger_bytes(df, fmt, encoding=encoding, sheet_name=sheet_name)
    write_atomic(path, lambda tmp: tmp.write_bytes(data))
