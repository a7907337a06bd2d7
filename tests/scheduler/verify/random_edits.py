"""Random edits of a plan, for the fuzz of verify (tests/scheduler/verify/test_random_edits.py,
``benchmarks/verify_mutants.py --random``)."""

from __future__ import annotations

import copy
import math
import random


def _leaves(value, path=()):
    """(path, value) of every place in plain data: mappings, list items and the values in them."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _leaves(v, (*path, k))


def random_edit(plan: dict, rng: random.Random) -> str:
    """Change one place of ``plan`` at random, the way a hand edit or a broken tool might; the change in words.

    A number becomes another (0, negative, ten times, huge, NaN, text), a text another (empty, an unknown id, a
    number), a list loses, repeats or swaps an item or is emptied, a mapping loses a key or gets one it should not
    have.
    """
    places = [(p, v) for p, v in _leaves(plan) if p]
    path, value = places[rng.randrange(len(places))]
    parent = plan
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    where = ".".join(str(k) for k in path)
    if isinstance(value, bool) or value is None:
        new = rng.choice([1, "yes", [], None if value is not None else 0])
    elif isinstance(value, (int, float)):
        new = rng.choice([0, -value - 1, value * 10, 10**12, math.nan, math.inf, str(value), None, [value], 0.5])
    elif isinstance(value, str):
        new = rng.choice(["", "U99", "T99", "V99", "S99999", value + value, 7, None])
    elif isinstance(value, list):
        how = rng.choice(["drop", "repeat", "swap", "empty"]) if value else "empty"
        new = list(value)
        if how == "drop":
            del new[rng.randrange(len(new))]
        elif how == "repeat":
            new.append(copy.deepcopy(new[rng.randrange(len(new))]))
        elif how == "swap" and len(new) > 1:
            i, j = rng.sample(range(len(new)), 2)
            new[i], new[j] = new[j], new[i]
        else:
            new = []
        parent[key] = new
        return f"{where}: {how}"
    else:
        new = dict(value)
        if value and rng.random() < 0.7:
            gone = rng.choice(sorted(new))
            del new[gone]
            parent[key] = new
            return f"{where}: without {gone}"
        new["colour"] = "red"
    parent[key] = new
    return f"{where} = {str(new)[:40]}"
