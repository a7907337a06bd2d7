"""Field types: counts are strict ints within a bound named in words, reals are finite, names printable."""

import pytest
from pydantic import BaseModel, ValidationError

from natplan.models.fields import Name, Real, Text, count
from natplan.models.scenario import MAX_SEED, Parameters, Unit, seed


class _Row(BaseModel):
    desks: count(1, 50, "desks at one unit") = 1
    share: Real = 0.0
    name: Name = "x"
    note: Text = ""


def _message(model: type[BaseModel] = _Row, **fields) -> str:
    """The one error ``model(**fields)`` raises, as the loader words it."""
    with pytest.raises(ValidationError) as e:
        model(**fields)
    (error,) = e.value.errors(include_url=False)
    return error["msg"].removeprefix("Value error, ")


def test_a_count_is_an_int_within_its_bound():
    assert _Row(desks=50).desks == 50
    assert _message(desks=51) == "at most 50 desks at one unit (got 51)"
    assert _message(desks=10**400) == "at most 50 desks at one unit (got a number of more than 30 digits)"
    assert _message(desks=0) == "Input should be greater than or equal to 1"
    for not_a_count in (True, 2.0, "2"):
        assert _message(desks=not_a_count) == "Input should be a valid integer"
    assert _Row.model_json_schema()["properties"]["desks"]["maximum"] == 50


def test_a_real_is_finite_and_never_a_boolean_or_text():
    assert _Row(share=3).share == 3.0
    for value in (float("nan"), float("inf")):
        assert _message(share=value) == "Input should be a finite number"
    for value in (True, "0.5"):
        assert _message(share=value) == "Input should be a valid number"


def test_names_and_texts_hold_no_control_characters():
    assert _message(name="甲\x07村") == "holds the character U+0007, which cannot be printed; remove it"
    assert _message(name="a\nb") == "holds the character U+000A, which cannot be printed; remove it"
    assert _message(name="\ud800") == "Input should be a valid string, unable to parse raw data as a unicode string"
    assert _message(name="a" * 201) == "String should have at most 200 characters"
    assert _Row(note="two\nlines\tand a tab").note == "two\nlines\tand a tab"
    assert _message(note="bell\x07") == "holds the character U+0007, which cannot be printed; remove it"


def test_the_seed_fits_the_solvers():
    assert MAX_SEED == 2**31 - 1
    assert Parameters(seed=MAX_SEED).seed == MAX_SEED
    assert _message(Parameters, seed=2**31) == \
        "at most 2,147,483,647 (2^31 - 1): the solvers take 32-bit seeds (got 2,147,483,648)"


def test_a_seed_on_the_command_line_fits_the_solvers_too(capsys):
    from natplan.cli import main

    assert seed("2147483647") == MAX_SEED
    for bad in ("2147483648", "-1", "1e3"):
        with pytest.raises(ValueError):
            seed(bad)
    with pytest.raises(SystemExit) as e:
        main(["plan", "tests/data/tiny.yaml", "--seed", str(2**64)])
    assert e.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == \
        "natplan plan: error: argument --seed: invalid seed value: '18446744073709551616'"


@pytest.mark.parametrize(("date", "message"), [
    ("2022-13-45", "2022-13-45 is not a date (month must be in 1..12)"),
    ("2022-02-29", "2022-02-29 is not a date (day is out of range for month)"),
    ("2022-W10-1", "expected a date like 2022-03-13 (YYYY-MM-DD), got '2022-W10-1'"),
    ("20220313", "expected a date like 2022-03-13 (YYYY-MM-DD), got '20220313'"),
    ("1999-12-31", "the round's date must lie between 2000-01-01 and 2099-12-31, got 1999-12-31"),
    ("9999-12-31", "the round's date must lie between 2000-01-01 and 2099-12-31, got 9999-12-31"),
])
def test_the_date_is_a_real_day(date, message):
    assert _message(Parameters, date=date) == message


def test_a_leap_day_and_the_pooling_ratios():
    assert Parameters(date="2024-02-29").date == "2024-02-29"
    assert Parameters(pooling_ratio=20).pooling_ratio == 20
    assert _message(Parameters, pooling_ratio=10.0) == "Input should be a valid integer"
    assert _message(Parameters, pooling_ratio=8) == "Input should be 5, 10 or 20"


def test_unit_bounds_are_in_the_schema_and_the_description():
    props = Unit.model_json_schema()["properties"]
    assert (props["desks"]["maximum"], props["waiting_room"]["maximum"]) == (50, 10_000)
    assert "1-50" in props["desks"]["description"]
