"""Clock times: "HH:MM" in files (hours 24-47 are the next day), minutes since midnight inside."""

import pytest

from natplan.models.clock import format_clock, parse_clock


@pytest.mark.parametrize("text, minutes", [("08:30", 510), ("8:05", 485), ("00:00", 0), (" 13:00 ", 780),
                                           ("25:00", 1500), ("47:59", 2879), (480, 480), (0, 0)])
def test_parse_clock(text, minutes):
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("value, message", [
    ("48:00", "expected a clock time like 08:00, got '48:00'"),
    ("8h", "expected a clock time like 08:00, got '8h'"),
    ("08:60", "expected a clock time like 08:00, got '08:60'"),
    ("8:5", "expected a clock time like 08:00, got '8:5'"),
    ("108:00", "expected a clock time like 08:00, got '108:00'"),
    (8.5, "expected a clock time like 08:00, got 8.5"),
    (None, "expected a clock time like 08:00, got None"),
    (True, "expected a clock time like 08:00"),  # YAML's yes/no are not minutes
    (-1, "clock minutes must be within 0..2879"),
    (2880, "clock minutes must be within 0..2879"),
])
def test_parse_clock_refuses(value, message):
    with pytest.raises(ValueError) as e:
        parse_clock(value)
    assert str(e.value) == message


def test_format_clock():
    assert [format_clock(m) for m in (0, 510, 779, 1500, 2879)] == ["00:00", "08:30", "12:59", "25:00", "47:59"]
    assert format_clock(629.6) == "10:30"  # to the nearest minute
    assert format_clock(629.4) == "10:29"


def test_format_clock_of_no_time_and_of_a_negative_time():
    assert format_clock(None) == ""
    assert format_clock(None, missing="—") == "—"
    with pytest.raises(ValueError, match=r"^a clock time cannot be negative: -5 minutes$"):
        format_clock(-5)


def test_parse_and_format_are_inverse():
    assert all(parse_clock(format_clock(m)) == m for m in range(0, 48 * 60, 7))
