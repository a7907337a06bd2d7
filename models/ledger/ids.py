"""Resident ID numbers (居民身份证号码, GB 11643-1999) and how natplan hides them.

An ID number is 17 digits and a check character: a 6-digit region code,
the birth date ``YYYYMMDD``, a 3-digit sequence (odd for men, even for
women), and the ISO 7064 MOD 11-2 check character over the first 17.

ID and phone numbers are personal data.  Every message, report, page and
file natplan writes shows them through :func:`mask_id`, the one masking
rule of the package (the ledger's messages and the printed pages' ``mask_id``
filter both use it):

=======================  ==================================  ========================
value                    what is kept                        example
=======================  ==================================  ========================
15 characters or more    first 6 and last 4 (ID numbers)     ``370285********1234``
11 to 14 characters      first 3 and last 4 (phone numbers)  ``138****5678``
8 to 10 characters       first 2 and last 2                  ``05********34``
1 to 7 characters        nothing                             ``********``
None or blank            nothing to hide                     ``""``
=======================  ==================================  ========================

The number of stars is fixed, so a masked value does not tell its length
either.

>>> check_id_number("11010519491231002X") is None   # the example in GB 11643
True
>>> check_id_number("110105194912310021")
'bad check digit'
>>> mask_id("11010519491231002X")
'110105********002X'
>>> mask_id("13812345678")
'138****5678'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

__all__ = ["REASONS_ZH", "check_id_number", "hide_ids", "id_check_char", "mask_id", "normalize_id"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_EARLIEST_BIRTH = dt.date(1880, 1, 1)  # GB 11643's own example is born 1880-01-01

REASONS_ZH = {
    "not 18 characters": "不是18位",
    "not 17 digits and a check character": "前17位须为数字、末位为数字或X",
    "bad birth date": "出生日期无效",
    "bad check digit": "校验码错误",
}
"""Each reason :func:`check_id_number` gives, in Chinese."""


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number.

    Parameters
    ----------
    first17
        The region code, birth date and sequence: 17 ASCII digits.

    Returns
    -------
    str
        One of ``0123456789X``.

    >>> id_check_char("37028519900307123")
    '4'
    """
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def check_id_number(s: Any) -> str | None:
    """Why ``s`` is not a valid resident ID number, or None when it is.

    Checks the form (17 digits and a check digit or ``X``), the birth date
    at characters 7-14 (a real day from 1880 to today) and the check digit
    (GB 11643-1999, ISO 7064 MOD 11-2).

    Parameters
    ----------
    s
        The ID number as written, after :func:`normalize_id`; anything that
        is not a string is not an ID number.

    Returns
    -------
    str or None
        ``"not 18 characters"``, ``"not 17 digits and a check character"``,
        ``"bad birth date"``, ``"bad check digit"`` (see :data:`REASONS_ZH`)
        or None.
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


def mask_id(value: Any) -> str:
    """An ID or phone number with its middle hidden (the table in the module docstring).

    Parameters
    ----------
    value
        Anything; it is shown as its text, surrounding spaces removed.

    Returns
    -------
    str
        ``370285********1234`` for an 18- or 15-digit ID number,
        ``138****5678`` for an 11-digit phone number, less for shorter text,
        ``""`` for None or blank text.

    >>> mask_id("370285199003071234")
    '370285********1234'
    >>> mask_id("370285900307123")
    '370285********7123'
    >>> mask_id("12345")
    '********'
    """
    s = "" if value is None else str(value).strip()
    if not s:
        return ""
    if len(s) >= 15:
        return s[:6] + "********" + s[-4:]
    if len(s) >= 11:
        return s[:3] + "****" + s[-4:]
    if len(s) >= 8:
        return s[:2] + "********" + s[-2:]
    return "********"


def normalize_id(s: str) -> str:
    """An ID number as typed → as checked: full-width digits to ASCII, spaces removed, ``x`` → ``X``.

    >>> normalize_id(" 11010519491231002x")
    '11010519491231002X'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).upper()


_LONG_NUMBER = re.compile(r"\d(?:[ \-]?\d){13,}[ \-]?[\dXx]")
"""15 or more digits (the last may be an X), single spaces or hyphens allowed between them, as IDs get typed."""


def hide_ids(text: str) -> str:
    """``text`` with every run of 15 or more digits (an ID number in the wrong cell) masked.

    Digits typed in groups (``370285 19900307 1234``, ``370285-1990-0307-1234``) count as one run.

    >>> hide_ids("张三 370285199003071234")
    '张三 370285********1234'
    >>> hide_ids("370285 19900307 1234")
    '370285********1234'
    """
    return _LONG_NUMBER.sub(lambda m: mask_id(m.group(0)), text)
