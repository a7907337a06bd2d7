"""Print-ready Excel workbooks of tables (.xlsx), written by XlsxWriter.

natplan's workbooks are tables: one sheet per table, a bold header row,
typed cells (numbers with their formats, text), set up to print on A4.
:class:`Workbook` is that one shape over `XlsxWriter
<https://xlsxwriter.readthedocs.io>`_ (write-only and fast: a township of
Qingdao has some 70,000 cells), and it is repeatable: the document's
created and modified dates are the workbook's ``stamp`` and XlsxWriter
dates every zip entry 1980-01-01, so the same tables give the same bytes.

>>> wb = Workbook("小测试镇 方案", datetime(2022, 3, 13))
>>> wb.add_sheet("units", ["unit", "people"], [["U1", 100]], number_formats={2: "#,##0"})
'A1:B2'
>>> wb.sheetnames
['units']
>>> wb.to_bytes()[:2]
b'PK'

Per sheet: the header row repeated on every printed page (print titles),
frozen below the header, an auto-filter over the table, columns as wide as
their widest cell plus two (a CJK character counts two, at least 6 and at
most 60), A4 portrait or landscape fitted to the page width, grid lines, the
title in the page header's left, the sheet's name on its right, and a footer
text (page numbers: ``&P``, ``&N``).
"""
from __future__ import annotations

import io
import math
import numbers
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName
from xlsxwriter.utility import xl_range

__all__ = ["Styled", "Workbook"]

_WIDE = re.compile("[\u2e81-\U0010ffff]")  # CJK characters are about two columns wide
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control characters: dropped
_HEADER = {"bold": True, "bg_color": "#E8E8E8", "pattern": 1, "text_wrap": True, "valign": "vcenter"}
_MAX_TITLE = 120  # of the title in the page header (Excel takes 255 characters there, "&" counting two)


@dataclass(frozen=True)
class Styled:
    """A cell value with its own number format (it overrides the column's)."""

    value: Any
    number_format: str


def _width(text: str) -> int:
    """The columns a text takes when shown: its characters, a CJK character counting two."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


class Workbook:
    """A workbook being written: :meth:`add_sheet` for each table, then :meth:`to_bytes`.

    Parameters
    ----------
    title
        The document's title, printed in each page header.
    stamp
        The document's created and modified date: the round's date, so that the same tables give the same
        bytes.
    creator
        The document's author.
    """

    def __init__(self, title: str, stamp: datetime, creator: str = "natplan"):
        self.title, self.stamp, self.creator = title, stamp, creator
        self._buffer = io.BytesIO()
        # in memory (no temporary files), and every value written by its type, never guessed from its text
        self._book = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        self._book.set_properties({"title": title, "author": creator, "created": stamp})
        self._header = self._book.add_format(_HEADER)
        self._formats: dict[str, Any] = {"General": None, "": None}
        self._bytes: bytes | None = None

    @property
    def sheetnames(self) -> list[str]:
        """The sheets' names, in order."""
        return [ws.name for ws in self._book.worksheets()]

    def _format(self, number_format: str | None):
        if number_format not in self._formats:
            self._formats[number_format] = self._book.add_format({"num_format": number_format})
        return self._formats[number_format]

    def add_sheet(self, title: str, header: list[str], rows: Iterable[list[Any]], *, landscape: bool = False,
                  number_formats: dict[int, str] | None = None, footer: str = "&P / &N") -> str:
        """Add a sheet of *rows* under a bold *header*, set up to print on A4.

        Parameters
        ----------
        title
            The sheet's name (at most 31 characters, none of ``[]:*?/\\``, unique).
        header
            The column titles.
        rows
            The table: numbers (int, float, bool) are number cells, None or "" an empty cell, a
            :class:`Styled` value a cell with its own format, anything else text.
        landscape
            Print across the page.
        number_formats
            Excel formats by 1-based column, for every row under the header.
        footer
            The page footer's centre text (``&P`` the page, ``&N`` the pages).

        Returns
        -------
        str
            The table's range, as ``"A1:I367"``.

        Raises
        ------
        ValueError
            When the name is empty, too long, has a character Excel forbids or is taken, or the workbook
            was already written.
        """
        if self._bytes is not None:
            raise ValueError("the workbook was already written")
        try:
            if not title:
                raise InvalidWorksheetName("empty")
            ws = self._book.add_worksheet(title)
        except (InvalidWorksheetName, DuplicateWorksheetName) as e:
            raise ValueError(f"not a sheet name Excel accepts, or one already used: {title!r}") from e
        header_format = self._header
        for c, h in enumerate(header):
            if h in (None, ""):
                ws.write_blank(0, c, None, header_format)
            else:
                ws.write_string(0, c, _clean(str(h)), header_format)
        widths = [_width(str(h)) if h is not None else 0 for h in header]
        r, last_col = self._write_rows(ws, rows, number_formats or {}, widths)
        last_col = max(last_col, len(header) - 1, 0)
        for c, w in enumerate(widths):
            ws.set_column(c, c, min(60, max(6, w + 2)))
        self._set_up_page(ws, r, last_col, landscape, footer)
        return xl_range(0, 0, r, last_col)

    def _write_rows(self, ws, rows: Iterable[list[Any]], number_formats: dict[int, str],
                    widths: list[int]) -> tuple[int, int]:
        """Write *rows* from the sheet's second row on, widening *widths*; the last row and column (0-based)."""
        col_format = {c - 1: self._format(f) for c, f in number_formats.items()}
        write_string, write_number = ws.write_string, ws.write_number
        r, last_col = 0, -1
        for row in rows:
            r += 1
            for c, v in enumerate(row):
                kind = type(v)  # the common kinds first, by their exact type (an ABC check costs more)
                if kind is str:
                    if not v:  # an empty cell, as in Excel
                        continue
                    v = _clean(v)
                    write_string(r, c, v, col_format.get(c))
                    width = len(v) if v.isascii() else _width(v)
                elif kind is int or kind is float and math.isfinite(v):
                    write_number(r, c, v, col_format.get(c))
                    width = len(str(v))
                elif v is None:
                    continue
                else:
                    width = self._write_other(ws, r, c, v, col_format.get(c))
                if c >= len(widths):
                    widths.extend([0] * (c + 1 - len(widths)))
                if width > widths[c]:
                    widths[c] = width
                if c > last_col:
                    last_col = c
        return r, last_col

    def _write_other(self, ws, r: int, c: int, v: Any, fmt) -> int:
        """Write a value of a less common kind (:class:`Styled`, bool, numpy's numbers, anything shown as its
        text); the columns it takes (0 for an empty cell, left unwritten)."""
        if type(v) is Styled:
            v, fmt = v.value, self._format(v.number_format)
        if v is None or v == "":
            return 0
        if isinstance(v, bool):
            ws.write_boolean(r, c, v, fmt)
        elif isinstance(v, numbers.Integral):
            v = int(v)
            ws.write_number(r, c, v, fmt)
        elif isinstance(v, numbers.Real) and math.isfinite(v):
            v = float(v)
            ws.write_number(r, c, v, fmt)
        else:
            v = _clean(str(v))
            ws.write_string(r, c, v, fmt)
            return _width(v)
        return len(str(v))

    def _set_up_page(self, ws, last_row: int, last_col: int, landscape: bool, footer: str) -> None:
        """Frozen header, auto-filter, print titles, A4 fitted to the width, grid lines, header and footer."""
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, last_row, last_col)
        ws.repeat_rows(0)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.hide_gridlines(0)  # shown, and printed
        ws.set_margins(left=0.4, right=0.4, top=1, bottom=1)
        title = self.title[:_MAX_TITLE].replace("&", "&&")  # "&" doubled: a header's codes begin with "&"
        ws.set_header(_clean(f"&L{title}&R&A"), {"margin": 0.5})
        ws.set_footer(_clean(f"&C{footer}"), {"margin": 0.5})

    def to_bytes(self) -> bytes:
        """The .xlsx file: the same sheets and stamp give the same bytes (the workbook is closed at the first
        call; later calls give the same bytes)."""
        if self._bytes is None:
            self._book.close()
            self._bytes = self._buffer.getvalue()
        return self._bytes


def _clean(text: str) -> str:
    """*text* without the control characters a cell cannot show (tab and line breaks stay)."""
    return text if text.isprintable() else _ILLEGAL.sub("", text)
