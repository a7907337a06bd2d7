"""Reading a people ledger: ``.xlsx`` or ``.csv`` (UTF-8 or GB18030) into a DataFrame of strings.

Every cell is read as text without losing digits (an ID number must keep
its 18 characters), the header row is found even below a title row, and
each row keeps its spreadsheet row number (the header is row 1), so every
later message can point at the row to fix.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
import zlib
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from natplan.models.ledger.columns import field_of, map_columns, resolve_mapping
from natplan.models.document import read_bytes
from natplan.models.problems import InputError

__all__ = ["MAX_LEDGER_BYTES", "MAX_UNPACKED_BYTES", "UNREADABLE_ENCODING", "DecodedText", "cell_text", "decode_ledger",
           "read_ledger"]

_CN_FALLBACK = frozenset({"big5", "big5hkscs", "cp950"})
"""Encodings charset-normalizer may pick when neither UTF-8 nor GB18030 decodes."""

MAX_LEDGER_BYTES = 512 * 2**20
"""Largest ledger file read: two million people (the most a town scenario holds) take about 200 MB of CSV."""

UNREADABLE_ENCODING = "not UTF-8 or GB18030 text; save the ledger as UTF-8 or GB18030 CSV, or as .xlsx"
"""The message for a CSV ledger no encoding fits."""

Records = list[tuple[int, list[Any]]]
"""A sheet as ``(spreadsheet row, cells)`` pairs, row 1 first."""


def cell_text(v: Any) -> str:
    """A spreadsheet value as text without losing digits.

    Parameters
    ----------
    v
        A cell's value as openpyxl or the csv module gives it.

    Returns
    -------
    str
        Text stripped of surrounding spaces; ``""`` for None; whole floats
        without ``.0``; dates in ISO form.

    >>> cell_text(12.0), cell_text(" 甲村 "), cell_text(dt.datetime(2022, 3, 13)), cell_text(None)
    ('12', '甲村', '2022-03-13', '')
    """
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


def _frame(records: Records, display: str, mapping: dict[str, str | None] | None,
           attrs: dict[str, Any]) -> pd.DataFrame:
    """Records → the ledger DataFrame indexed by spreadsheet row.

    The header is the first non-empty row, or, among the first ten, the row
    naming most known columns (a title row above the header is skipped).
    """
    table = resolve_mapping(mapping)
    texts = [(row, [cell_text(v) for v in cells]) for row, cells in records]
    nonempty = [(k, row, cells) for k, (row, cells) in enumerate(texts) if any(cells)]
    if not nonempty:
        raise InputError.single(display, "the ledger is empty")

    def known(cells: list[str]) -> int:
        return sum(field_of(c, table) is not None for c in cells)

    best = max(nonempty[:10], key=lambda r: known(r[2]))
    if known(best[2]) < 2:
        best = nonempty[0]
    k0, _, headers = best
    while headers and not headers[-1]:
        headers.pop()
    columns = map_columns(headers, table, display)
    id_col = columns.names.index("id_number")
    width = len(columns.names)
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
    df = pd.DataFrame(data, columns=columns.names, index=pd.Index(rows, name="row", dtype="int64"), dtype=str)
    df.attrs.update(attrs, file=display, headers=columns.headers, numeric_ids=numeric_ids)
    return df


class DecodedText(NamedTuple):
    """A CSV ledger's text and how it was decoded."""

    text: str
    encoding: str
    """``UTF-8``, ``UTF-8 with BOM``, ``GB18030``, a Big5 name, or the encoding as given."""


def decode_ledger(data: bytes, display: str, encoding: str | None = None) -> DecodedText:
    """Bytes of a CSV ledger → its text and the name of the encoding used.

    Without ``encoding``: UTF-8 (with or without BOM), then GB18030, both
    strictly; charset-normalizer only as a last resort and only for the
    traditional-Chinese Big5 family.  Text holding NUL characters (UTF-16
    read as bytes) counts as not decoded.

    Parameters
    ----------
    data
        The file's bytes.
    display
        How to name the file in messages.
    encoding
        The encoding to use (``--encoding``), or None to detect.

    Returns
    -------
    DecodedText

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
        return DecodedText(text, encoding)
    for codec, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            if codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
                label = "UTF-8 with BOM"
            return DecodedText(text, label)
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding in _CN_FALLBACK:
        text = str(guess)
        if "\x00" not in text:
            return DecodedText(text, guess.encoding)
    raise InputError.single(display, UNREADABLE_ENCODING)


def _unclosed_quote(display: str, row: int, line: int) -> InputError:
    return InputError.single(
        display, f'a " opens a cell on line {line} and is not closed on that line, so the lines after it would be '
                 'read into that one cell; remove the quote, or close it', row=row)


def _csv_records(text: str, display: str) -> Records:
    """The rows of a CSV ledger, each with its spreadsheet row number (the record's number, from 1).

    Quotes are read strictly: a cell that opens with ``"`` must close it.  A quote left open would otherwise
    swallow the rest of the file into one cell, silently; it is reported at its row instead.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: Records = []
    line = 1  # where the next record starts
    width = 0  # delimiters in the widest row so far: a line holding that many is a row of its own

    def holds_rows(cell: str) -> bool:
        return any(part.count(delimiter) >= max(1, width) for part in cell.splitlines()[1:])

    limit = csv.field_size_limit(len(text) + 1)  # a cell may be long (the check echoes a part of it): read it
    try:
        for row, cells in enumerate(reader, start=1):
            spans = reader.line_num - line
            if spans and any(holds_rows(c) for c in cells):  # a quote that swallowed whole rows of the file
                raise _unclosed_quote(display, row, line)
            out.append((row, cells))
            width = max(width, len(cells) - 1)
            line = reader.line_num + 1
    except csv.Error as e:
        if str(e) == "unexpected end of data":  # a quoted cell runs to the end of the file
            raise _unclosed_quote(display, len(out) + 1, line) from None
        raise InputError.single(display, f"not a readable CSV file ({e}, line {reader.line_num})",
                                row=len(out) + 1) from None
    finally:
        csv.field_size_limit(limit)
    return out


MAX_UNPACKED_BYTES = 2 * 2**30
"""Largest workbook when unpacked: a ledger of two million people is well under it; a ZIP bomb is not."""

_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError,
            OSError, EOFError, zlib.error, SyntaxError, NotImplementedError, RuntimeError)
"""What reading a damaged workbook raises (found by fuzzing): an XML parse error is a SyntaxError, an unknown
compression method NotImplementedError, an encrypted part RuntimeError."""


def _damaged(display: str, e: BaseException, part: str = "") -> InputError:
    text = e.args[0] if isinstance(e, KeyError) and e.args else e
    why = " ".join(str(text).split())[:160] or type(e).__name__
    return InputError.single(display, f"not a readable .xlsx workbook ({part}{why}); save it again from Excel or WPS")


def _xlsx_records(path: Path, display: str, sheet: str | int | None) -> tuple[Records, str]:
    """The records of one sheet of a workbook, and the sheet's title.

    A damaged workbook (a cut or garbled part, a missing sheet, a ZIP bomb) is an :class:`InputError`,
    whatever part of it is damaged.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except _DAMAGED as e:
        raise _damaged(display, e) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError.single(display, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than a ledger "
                                         f"holds ({MAX_UNPACKED_BYTES / 2**20:,.0f} MB); save it again from Excel or WPS")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_DAMAGED) as e:
        raise _damaged(display, e) from None
    title = None
    try:
        if not wb.sheetnames:
            raise InputError.single(display, "the workbook has no sheet")
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) and 0 <= sheet < len(wb.worksheets):
            ws = wb.worksheets[sheet]
        elif isinstance(sheet, str) and sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError.single(display, f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}")
        title = ws.title
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers store a wrong sheet size
        records = [(i, list(r)) for i, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
        return records, title
    except _DAMAGED as e:
        raise _damaged(display, e, f"sheet {title}: " if title else "") from None
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
        column); see :data:`~natplan.models.ledger.columns.DEFAULT_MAPPING`
        and :data:`~natplan.models.ledger.columns.FIELDS`.
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
        number (``row``, header = row 1); the canonical columns that were
        found and any other columns under their own headers; every cell a
        string (``""`` when empty).  ``df.attrs`` holds ``file``,
        ``encoding`` (CSV), ``sheet`` (xlsx), ``headers`` (field → header as
        written) and ``numeric_ids`` (rows whose ID Excel stored as a number
        with digits lost).

    Raises
    ------
    InputError
        When the file cannot be read or decoded, or lacks a required column.
    """
    path = Path(path)
    display = display or str(path)
    data = read_bytes(path, display, MAX_LEDGER_BYTES)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.single(display, "an old .xls workbook, or one saved with a password; open it in Excel or "
                                         "WPS and save it as .xlsx or CSV, without a password")
    if data.startswith(b"PK\x03\x04"):
        records, title = _xlsx_records(path, display, sheet)
        return _frame(records, display, mapping, {"sheet": title, "encoding": None})
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError.single(display, "not a readable .xlsx workbook (not a ZIP file); save it again from Excel")
    text, used = decode_ledger(data, display, encoding)
    return _frame(_csv_records(text, display), display, mapping, {"encoding": used, "sheet": None})
