"""Mutated scenario files, made deterministically from a seed, for the fuzz test and ``benchmarks/fuzz.py``.

:func:`mutants` turns the text of a good scenario file into broken ones,
each by one kind of damage a file can suffer on its way to a command post:
lines deleted, duplicated or shifted; values swapped between fields or
changed in type (a boolean, a float, a list where a count stands); huge,
negative, NaN or infinite numbers; nesting far too deep; dates and clock
times that do not exist; a key given twice; the file cut short; bytes that
are not UTF-8; control characters, YAML aliases and tags.  The same seed
always gives the same files.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# `key: value` in block or flow style; the value runs to the end of the line or the next , } ]
_FIELD = re.compile(r"(?P<key>\b[a-z_]+): (?P<value>[^,{}\[\]\n#]+)")
_NUMBER = re.compile(r"^-?[0-9][0-9_.]*$")


@dataclass(frozen=True)
class Mutant:
    """One broken file: its kind of damage, a name for messages, and its bytes."""

    kind: str
    name: str
    data: bytes


def _fields(text: str, numeric: bool | None = None) -> list[re.Match]:
    out = []
    for m in _FIELD.finditer(text):
        if text.rfind("\n", 0, m.start()) > text.rfind("#", 0, m.start()):
            is_number = bool(_NUMBER.match(m["value"].strip()))
            if numeric is None or numeric == is_number:
                out.append(m)
    return out


def _replace_value(text: str, m: re.Match, value: str) -> str:
    return text[:m.start("value")] + value + text[m.end("value"):]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    lines.insert(k, lines[k])
    return "\n".join(lines)


def shift_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    lines[k] = lines[k][2:] if lines[k].startswith("  ") and rng.random() < 0.5 else "  " + lines[k]
    return "\n".join(lines)


def swap_values(text: str, rng: random.Random) -> str:
    fields = _fields(text)
    a, b = sorted(rng.sample(range(len(fields)), 2), key=lambda i: -fields[i].start())
    va, vb = fields[a]["value"], fields[b]["value"]
    text = _replace_value(text, fields[a], vb)  # the later one first: the earlier span stays put
    return _replace_value(text, fields[b], va)


_TYPED = ["true", "false", "null", "~", "2.5", "'12'", "[1, 2]", "{a: 1}", "''", "-1", "0", "1.0", "yes", "0x10",
          "1_000", "1e3", "[]", "{}", "'  '", "G001", "'08:00'", '"\\x07"', '"\\ud800"', "!!binary aGVsbG8="]


def change_type(text: str, rng: random.Random) -> str:
    return _replace_value(text, rng.choice(_fields(text)), rng.choice(_TYPED))


_HUGE = ["1" + "0" * 400, "-1" + "0" * 400, "1e400", "-1e400", ".nan", ".inf", "-.inf", str(2**64), str(2**31),
         str(2**31 - 1), str(2**63), "9" * 5000, "-5", "-0", "0", "4294967296", "1e-400", "123456789012"]


def huge_number(text: str, rng: random.Random) -> str:
    return _replace_value(text, rng.choice(_fields(text, numeric=True)), rng.choice(_HUGE))


def negative_number(text: str, rng: random.Random) -> str:
    m = rng.choice(_fields(text, numeric=True))
    return _replace_value(text, m, "-" + m["value"].strip().lstrip("-"))


def deep_nesting(text: str, rng: random.Random) -> str:
    depth = rng.choice([63, 65, 200, 5000, 100_000])
    closed = rng.random() < 0.5
    value = "[" * depth + ("]" * depth if closed else "")
    return _replace_value(text, rng.choice(_fields(text)), value)


_DATES = ["2022-13-45", "2022-02-30", "2021-02-29", "0000-01-01", "9999-12-31", "1999-12-31", "2100-01-01",
          "tomorrow", "2022-3-5", "20220313", "2022-W10-1", "'2022-03-13T08:00'", "2022-03-13"]
_CLOCKS = ["'25:61'", "'48:00'", "'-1:00'", "'8h'", "'24:00'", "'47:59'", "2880", "-1", "'08:00:00'", "'٠٨:٠٠'"]


def bad_date(text: str, rng: random.Random) -> str:
    fields = [m for m in _fields(text) if m["key"] == "date"]
    if not fields:
        return text.replace("parameters:\n", f"parameters:\n  date: {rng.choice(_DATES)}\n", 1)
    return _replace_value(text, fields[0], rng.choice(_DATES))


def bad_clock(text: str, rng: random.Random) -> str:
    fields = [m for m in _fields(text) if m["key"] in ("start", "deadline", "open", "close")]
    return _replace_value(text, rng.choice(fields), rng.choice(_CLOCKS))


def duplicate_key(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    keyed = [k for k, line in enumerate(lines) if re.match(r"^\s*[a-z_]+: \S", line)]
    k = rng.choice(keyed)
    key = lines[k].split(":")[0]
    value = rng.choice(["'17:00'", "1", "2", "x", "0", "true", "'2022-03-14'"])
    lines.insert(k + 1, f"{key}: {value}")
    return "\n".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[:rng.randrange(len(text))]


def far_place(text: str, rng: random.Random) -> str:
    fields = [m for m in _fields(text) if m["key"] in ("lon", "lat")]
    m = rng.choice(fields)
    return _replace_value(text, m, f"{float(m['value']) + rng.choice([-50, -1, 1, 30, 0.2]):.5f}")


def zero_households(text: str, rng: random.Random) -> str:
    fields = [m for m in _fields(text) if m["key"] in ("households", "people", "desks", "waiting_room", "vehicles")]
    return _replace_value(text, rng.choice(fields), rng.choice(["0", "true", "false", "10000000"]))


def alias_or_tag(text: str, rng: random.Random) -> str:
    m = rng.choice(_fields(text))
    value = rng.choice(["&a 5", "*a", "!!python/object/apply:os.system ['true']", "!!int abc", "!!float x",
                        "!!set {a: null}", "!!timestamp 2022-03-13", "!foo 1", "<<: {a: 1}"])
    return _replace_value(text, m, value)


_TEXT_MUTATORS: list[Callable[[str, random.Random], str]] = [
    delete_line, duplicate_line, shift_line, swap_values, change_type, huge_number, negative_number, deep_nesting,
    bad_date, bad_clock, duplicate_key, truncate, far_place, zero_households, alias_or_tag,
]


def bad_utf8(data: bytes, rng: random.Random) -> bytes:
    k = rng.randrange(len(data))
    junk = rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\xe4\xb8", b"\x80\x80", b"\xfe\xff"])
    return data[:k] + junk + data[k:]


def mutants(text: str, label: str, count: int, seed: int) -> Iterator[Mutant]:
    """``count`` mutants of ``text``, the same for the same seed.

    Parameters
    ----------
    text
        A good scenario file.
    label
        Names the mutants: ``{label}-{k:04d}-{kind}.yaml``.
    count
        How many.
    seed
        The seed of the random choices.

    Yields
    ------
    Mutant
        Mostly one kind of damage each, one time in four two kinds.
    """
    rng = random.Random(seed)
    kinds = _TEXT_MUTATORS + [bad_utf8]
    for k in range(count):
        chosen = [kinds[k % len(kinds)]] + ([rng.choice(_TEXT_MUTATORS)] if rng.random() < 0.25 else [])
        out = text
        for mutate in chosen:
            if mutate is not bad_utf8:
                try:
                    out = mutate(out, rng)
                except (IndexError, ValueError):  # nothing left to damage that way (an earlier cut took it)
                    pass
        data = bad_utf8(out.encode("utf-8"), rng) if bad_utf8 in chosen else out.encode("utf-8")
        name = "+".join(m.__name__ for m in chosen)
        yield Mutant(name, f"{label}-{k:04d}-{name}.yaml", data)
