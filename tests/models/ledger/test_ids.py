"""Tests of models/ledger/ids.py: GB 11643 ID numbers and the one masking rule (worked examples in conftest.py)."""

import doctest
import importlib

import pytest

from natplan.models.ledger.ids import check_id_number, hide_ids, id_check_char, mask_id, normalize_id


@pytest.mark.parametrize("s", [
    "370285199003071234",  # worked by hand in conftest.py
    "37028519550702007X",  # worked by hand in conftest.py
    "11010519491231002X",  # the example printed in GB 11643-1999
    "440524188001010014",  # the standard's other example, born 1880-01-01
])
def test_valid_id_numbers(s):
    assert check_id_number(s) is None


@pytest.mark.parametrize("s, reason", [
    ("370285199003071235", "bad check digit"),  # check is 4, not 5
    ("11010519491231002x", "not 17 digits and a check character"),  # lower-case x (import upper-cases it)
    ("110105194912310021", "bad check digit"),
    ("37028519900307123", "not 18 characters"),
    ("3702851990030712345", "not 18 characters"),
    ("37028519900230123X", "bad birth date"),  # 30 February
    ("370285187912310014", "bad birth date"),  # before 1880
    ("3702851990O3071234", "not 17 digits and a check character"),  # letter O for zero
    (370285199003071234, "not 18 characters"),  # not a string
])
def test_bad_id_numbers(s, reason):
    assert check_id_number(s) == reason


@pytest.mark.parametrize("first17, check", [
    ("37028519900307123", "4"),  # sum 327, 327 mod 11 = 8
    ("37028519550702007", "X"),  # sum 321, 321 mod 11 = 2
    ("11010519491231002", "X"),  # GB 11643's example
    ("44052418800101001", "4"),  # GB 11643's other example
])
def test_id_check_char(first17, check):
    assert id_check_char(first17) == check


def test_mask_id():
    assert mask_id("370285199003071234") == "370285********1234"
    assert mask_id("37028519550702007X") == "370285********007X"
    assert mask_id("10012345678") == "100****5678"  # a phone number in the ID column
    assert mask_id("") == ""


@pytest.mark.parametrize("value, masked", [
    ("370285199003071234", "370285********1234"),  # 18-digit ID: first 6, last 4
    ("37028519550702007X", "370285********007X"),
    ("370285900307123", "370285********7123"),     # 15-digit ID of before 1999: first 6, last 4
    ("3702851990030712345", "370285********2345"),  # 19 characters, a typo: still first 6, last 4
    ("13812345678", "138****5678"),                 # mobile phone: first 3, last 4
    (13812345678, "138****5678"),                   # as a number
    (" 13812345678 ", "138****5678"),               # spaces around are not characters
    ("053288881234", "053****1234"),                # landline with area code, 12 digits
    ("0532-88881234", "053****1234"),               # 13 characters
    ("05328888123", "053****8123"),
    ("88881234", "88********34"),                   # 8 to 10 characters: first 2, last 2
    ("8888123456", "88********56"),
    ("1234567", "********"),                        # 7 or fewer: nothing shown, length not told
    ("12345", "********"),
    ("X", "********"),
    ("", ""),                                       # nothing to hide
    ("   ", ""),
    (None, ""),
])
def test_mask_id_every_length(value, masked):
    assert mask_id(value) == masked


def test_hide_ids():
    assert hide_ids("张三 370285199003071234") == "张三 370285********1234"
    # an old 15-digit ID and a lower-case x are hidden; an 11-digit phone number is not an ID number
    assert hide_ids("370285900307123, 37028519550702007x, 13812345678") == \
        "370285********7123, 370285********007x, 13812345678"
    assert hide_ids("甲村1组") == "甲村1组"


def test_normalize_id():
    assert normalize_id("３７０２８５１９９００３０７１２３４") == "370285199003071234"  # full-width digits
    assert normalize_id(" 370285 19550702 007x\t") == "37028519550702007X"


@pytest.mark.parametrize("module", ["", ".ids", ".columns", ".read"])
def test_docstring_examples(module):
    mod = importlib.import_module("natplan.models.ledger" + module)
    result = doctest.testmod(mod)
    assert result.failed == 0 and result.attempted > 0
