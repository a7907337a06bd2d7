"""Damaged people ledgers, made deterministically from a seed, for the ledger fuzz test and ``benchmarks/fuzz.py``.

:func:`ledger_mutants` turns tests/data/ledger/good.csv (seven people of
tests/data/ledger/town.yaml) into broken CSV and xlsx files, each by one
kind of damage a ledger suffers between the village office and the command
post: rows deleted, doubled or cut short; cells shifted or swapped; an ID
number typed into the village or grid cell, in groups, with a lower-case x,
as a float or with a wrong check digit; a quote left open; a header
missing, doubled or pushed under a title row; the file cut short, saved in
another encoding or with NUL and control characters; huge cells or a
thousand columns; and, for workbooks, a part of the ZIP cut, garbled or
missing.  The same seed always gives the same files.

:func:`check_output` says what must hold of ``natplan ledger import``'s
output for any such file: exit 0 or 1 with a report, or exit 2 with one
line per problem naming the file; no traceback; and no full ID number from
the ledger anywhere in what it prints.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "ledger"
GOOD = (DATA / "good.csv").read_text(encoding="utf-8")
SCENARIO = DATA / "town.yaml"
IDS = re.findall(r"\d{17}[\dX]", GOOD)
"""The ID numbers of the good ledger: none may ever be printed whole."""
UNBALANCED = "unbalanced-quote"
"""The kind of damage that must always be refused (it once read 300 rows as 2, silently)."""


@dataclass(frozen=True)
class LedgerMutant:
    """One damaged ledger: its kind of damage, a file name (``.csv`` or ``.xlsx``) and its bytes."""

    kind: str
    name: str
    data: bytes


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()]


def _csv(rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in rows) + "\n"


def _cell(rng: random.Random, rows, value: str, column: int | None = None) -> str:
    r = rows[rng.randrange(1, len(rows))]
    r[rng.randrange(len(r)) if column is None else column] = value
    return _csv(rows)


def _some_id(rng: random.Random) -> str:
    return rng.choice(IDS)


# each takes the good CSV text and a generator, and gives the damaged text
def delete_row(text, rng):
    rows = _rows(text)
    del rows[rng.randrange(len(rows))]
    return _csv(rows)


def double_row(text, rng):
    rows = _rows(text)
    k = rng.randrange(1, len(rows))
    rows.insert(k, list(rows[k]))
    return _csv(rows)


def cut_row_short(text, rng):
    rows = _rows(text)
    r = rows[rng.randrange(1, len(rows))]
    del r[rng.randrange(1, len(r)):]
    return _csv(rows)


def shift_cells(text, rng):
    rows = _rows(text)
    r = rows[rng.randrange(1, len(rows))]
    r.insert(rng.randrange(len(r)), "")
    return _csv(rows)


def swap_cells(text, rng):
    rows = _rows(text)
    r = rows[rng.randrange(1, len(rows))]
    i, j = rng.sample(range(len(r)), 2)
    r[i], r[j] = r[j], r[i]
    return _csv(rows)


def id_in_place_cell(text, rng):
    typed = _some_id(rng)
    form = rng.choice([typed, f"{typed[:6]} {typed[6:14]} {typed[14:]}", f"{typed[:6]}-{typed[6:14]}-{typed[14:]}",
                       f"身份证{typed}", typed.lower()])
    return _cell(rng, _rows(text), form, column=rng.choice([2, 3, 6]))


def id_variant(text, rng):
    typed = _some_id(rng)
    form = rng.choice([typed[:6] + typed[8:17], typed[:17] + "x", typed[:17] + str((int(typed[16]) + 1) % 10),
                       f"{int(typed[:17]) / 10:.14E}", "３７０２８５" + typed[6:], typed + "0", typed[:10], "x" * 18])
    return _cell(rng, _rows(text), form, column=1)


def unbalanced_quote(text, rng):
    rows = _rows(text)
    r = rows[rng.randrange(1, len(rows))]
    k = rng.randrange(len(r))
    r[k] = '"' + r[k]
    return _csv(rows)


def quoted_pair(text, rng):
    rows = _rows(text)
    a, b = sorted(rng.sample(range(1, len(rows)), 2))
    rows[a][0] = '"' + rows[a][0]
    rows[b][-1] = rows[b][-1] + '"'
    return _csv(rows)


def header_damage(text, rng):
    rows = _rows(text)
    how = rng.choice(["drop", "double", "title", "blank", "rename", "dupe"])
    if how == "drop":
        del rows[0]
    elif how == "double":
        rows.insert(1, list(rows[0]))
    elif how == "title":
        rows.insert(0, ["夏格庄镇人员登记台账（2022年3月）"])
    elif how == "blank":
        rows[0][rng.randrange(len(rows[0]))] = ""
    elif how == "rename":
        rows[0][rng.randrange(len(rows[0]))] = rng.choice(["姓 名", "身份证号码", "村居", "户", "备注\n说明", "X" * 500])
    else:
        rows[0].append(rows[0][rng.randrange(5)])
    return _csv(rows)


def huge_cell(text, rng):
    return _cell(rng, _rows(text), rng.choice(["甲", "1", "a b"]) * rng.choice([1000, 200_000]))


def many_columns(text, rng):
    rows = _rows(text)
    extra = rng.choice([100, 2000])
    return _csv([r + [f"c{j}" for j in range(extra)] for r in rows])


def delimiter_mix(text, rng):
    rows = _rows(text)
    sep = rng.choice([";", "\t", "|", "，"])
    k = rng.randrange(len(rows))
    lines = _csv(rows).splitlines()
    lines[k] = lines[k].replace(",", sep)
    return "\n".join(lines) + "\n"


def control_characters(text, rng):
    k = rng.randrange(len(text))
    return text[:k] + rng.choice(["\x00", "\x07", "\x1b[2J", "\u202e", "\ufeff", "\r", "\u2028"]) + text[k:]


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "delete-row": delete_row, "double-row": double_row, "cut-row-short": cut_row_short, "shift-cells": shift_cells,
    "swap-cells": swap_cells, "id-in-place-cell": id_in_place_cell, "id-variant": id_variant,
    UNBALANCED: unbalanced_quote, "quoted-pair": quoted_pair, "header": header_damage, "huge-cell": huge_cell,
    "many-columns": many_columns, "delimiter-mix": delimiter_mix, "control-characters": control_characters,
}
"""Damage done to the text of a CSV ledger, by kind."""


def _encode(text: str, rng: random.Random) -> tuple[str, bytes]:
    """The text as bytes: mostly UTF-8, sometimes with BOM, CRLF, GB18030, UTF-16, cut short or with bad bytes."""
    how = rng.choice(["utf-8"] * 6 + ["bom", "crlf", "gb18030", "utf-16", "cut", "bad-bytes"])
    if how == "bom":
        return how, b"\xef\xbb\xbf" + text.encode()
    if how == "crlf":
        return how, text.replace("\n", "\r\n").encode()
    if how == "gb18030":
        return how, text.encode("gb18030", "replace")
    if how == "utf-16":
        return how, text.encode("utf-16")
    data = text.encode()
    if how == "cut":
        return how, data[:rng.randrange(len(data))]
    if how == "bad-bytes":
        k = rng.randrange(len(data))
        return how, data[:k] + bytes([rng.randrange(0x80, 0x100)]) + data[k:]
    return how, data


def _xlsx(text: str) -> bytes:
    import pandas as pd

    from natplan.models.ledger import ledger_bytes

    rows = [[c[:32_767] for c in line.split(",")[:16_384]] for line in text.splitlines() if line]  # Excel's limits
    width = max(len(r) for r in rows)
    cells = [r + [""] * (width - len(r)) for r in rows]
    data = ledger_bytes(pd.DataFrame(cells[1:], columns=[c or f"列{j}" for j, c in enumerate(cells[0])]), "xlsx")
    return _rezip(data, lambda name, part: re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-03-13T05:00:00Z", part))


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook's ZIP written again, each part through ``change`` (None leaves it out), at a fixed date."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            part = change(name, src.read(name))
            if part is not None:
                z.writestr(zipfile.ZipInfo(name, date_time=(2022, 3, 13, 5, 0, 0)), part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _damage_zip(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A workbook's ZIP with one part cut, garbled, emptied or left out, or the file itself cut or flipped."""
    how = rng.choice(["cut-file", "flip-byte", "cut-part", "garble-part", "empty-part", "drop-part", "as-is"])
    if how == "cut-file":
        return how, data[:rng.randrange(len(data))]
    if how == "flip-byte":
        k = rng.randrange(len(data))
        return how, data[:k] + bytes([data[k] ^ (1 << rng.randrange(8))]) + data[k + 1:]
    if how == "as-is":
        return how, data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    target = rng.choice([n for n in names if n.endswith(".xml")] + ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
    cut = rng.random()
    garbage = bytes(rng.randrange(256) for _ in range(64))

    def change(name: str, part: bytes) -> bytes | None:
        if name != target:
            return part
        return {"drop-part": None, "cut-part": part[:int(cut * len(part))], "empty-part": b""}.get(how, garbage)
    return f"{how}:{target}", _rezip(data, change)


def ledger_mutants(count: int, seed: int) -> Iterator[LedgerMutant]:
    """``count`` damaged ledgers, about a third of them workbooks; the same seed gives the same files.

    Each is one kind of damage to the text (:data:`MUTATIONS`), then an encoding (CSV) or a damage to the
    workbook's ZIP (xlsx).  The first ones are every kind as a UTF-8 CSV, then every kind as a workbook.
    """
    rng = random.Random(seed)
    kinds = sorted(MUTATIONS)
    for k in range(count):
        # every kind first as a UTF-8 CSV, then as a workbook, then at random
        kind = kinds[k % len(kinds)] if k < 2 * len(kinds) else rng.choice(kinds)
        text = MUTATIONS[kind](GOOD, rng)
        if k < len(kinds):
            yield LedgerMutant(f"{kind}+utf-8", f"ledger{k:04d}-{kind}.csv", text.encode())
        elif kind != "control-characters" and (k < 2 * len(kinds) or rng.random() < 1 / 3):
            how, data = _damage_zip(_xlsx(text), rng)
            yield LedgerMutant(f"{kind}+xlsx-{how}", f"ledger{k:04d}-{kind}.xlsx", data)
        else:
            how, data = _encode(text, rng)
            yield LedgerMutant(f"{kind}+{how}", f"ledger{k:04d}-{kind}.csv", data)


_SPACED_DIGITS = re.compile(r"(?<=\d)[ \-](?=\d)")


def check_output(mutant: LedgerMutant, code: int, out: str, err: str) -> list[str]:
    """What is wrong with ``natplan ledger import``'s answer to a damaged ledger (empty: nothing).

    Parameters
    ----------
    mutant
        The ledger, written as ``mutant.name``.
    code, out, err
        The exit code, standard output and standard error of ``natplan ledger import mutant.name``.

    Returns
    -------
    list[str]
        Faults: a traceback, an exit code other than 0, 1 or 2, a refusal without lines naming the file, an
        unbalanced quote read without a word, an ID number of the ledger printed whole.
    """
    faults = []
    if "Traceback" in out + err or code not in (0, 1, 2):
        faults.append(f"exit {code}, traceback: {(out + err).strip()[-300:]}")
    if code == 2 and not (err.strip() and all(line.startswith(f"{mutant.name}:") for line in err.splitlines())):
        faults.append(f"exit 2 without its lines: {err.strip()[:300]}")
    if mutant.kind.startswith(UNBALANCED + "+") and "xlsx" not in mutant.kind and code != 2 \
            and mutant.kind.split("+")[1] not in ("cut", "utf-16", "bad-bytes"):
        faults.append("an unbalanced quote read without a word")
    joined = _SPACED_DIGITS.sub("", (out + err).upper())
    faults += [f"ID number {i[:6]}… printed whole" for i in IDS if i in joined]
    return faults
