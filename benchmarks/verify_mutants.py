"""How many kinds of tampering with a good plan ``natplan verify`` catches: the kill rate.

Usage (from the repo root)::

    .venv/bin/python benchmarks/verify_mutants.py                 # the three good plans of the mutation suite
    .venv/bin/python benchmarks/verify_mutants.py --random 2000   # and 2,000 random edits of them

Each kind of tampering of tests/scheduler/verify/mutants.py is applied, one
at a time, to good plans of Xiagezhuang, Qixia and a fuzzed small town,
each planned with the default budget.  A tampering is *killed* when a rule
it must be named by reports it (a violation the good plan does not have),
*caught by another rule* when only other rules report it, and *survives*
when verify passes it.  Kinds whose rule another issue adds (labour: #14,
fleet: #15) and is not yet registered are *pending*.  The kill rate counts
every applicable (kind, plan) pair except the pending ones.

``--random N`` also makes N random edits of the good plans (a number, a text,
a list item, a key; :func:`tests.scheduler.verify.random_edits.random_edit`) and
counts what verify does with each: names a rule, finds nothing (an edit of a
figure no rule reads), says the file is not a plan (exit 2), or raises
(a traceback: a fault).  The last line is the summary.
"""

from __future__ import annotations

import argparse
import collections
import copy
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def kill_table(plans: dict, tampers) -> tuple[list[tuple], collections.Counter]:
    """Each (kind, outcome per plan) and the counts of outcomes."""
    from tests.scheduler.verify.tampering import caught, good_violations, kills, pending_rule_exists

    before = {name: good_violations(g) for name, g in plans.items()}
    rows, counts = [], collections.Counter()
    for t in tampers:
        cells = []
        for name, g in plans.items():
            named = caught(t, g, before[name])
            if named is None:
                cell = "n/a"
            elif kills(t, named):
                cell = "killed"
            elif not pending_rule_exists(t):
                cell = "pending"
            elif named:
                cell = "other rule"
            else:
                cell = "survived"
            counts[cell] += 1
            cells.append((cell, sorted(named or ())))
        rows.append((t, cells))
    return rows, counts


def random_edits(plans: dict, count: int, seed: int) -> collections.Counter:
    """What verify does with ``count`` random edits of the good plans (see the module docstring)."""
    from natplan.scheduler.verify import violations
    from tests.scheduler.verify.random_edits import random_edit

    rng = random.Random(seed)
    names = sorted(plans)
    out = collections.Counter()
    for k in range(count):
        g = plans[names[k % len(names)]]
        plan = copy.deepcopy(g.plan)
        what = random_edit(plan, rng)
        try:
            found = violations(g.scenario, plan)
        except (KeyError, TypeError):
            out["not a plan (exit 2)"] += 1
            continue
        except Exception:  # noqa: BLE001 — a fault to count, with its traceback
            out["traceback"] += 1
            print(f"\ntraceback on {g.name}: {what}\n{traceback.format_exc()[-1500:]}")
            continue
        out["named by a rule" if found else "nothing found"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--random", type=int, default=0, help="random edits of the good plans")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)

    from tests.scheduler.verify.mutants import TAMPERS
    from tests.scheduler.verify.tampering import TOWNS, good_plan

    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="natplan-mutants-") as tmp:
        plans = {name: good_plan(name, Path(tmp)) for name in TOWNS}
    planned = time.monotonic() - t0
    rows, counts = kill_table(plans, TAMPERS)
    print(f"{len(TAMPERS)} kinds of tampering × {len(plans)} good plans ({', '.join(plans)}; planned in "
          f"{planned:.0f} s)\n")
    print(f"  {'kind':<24}" + "".join(f"{name:>16}" for name in plans) + "   named by")
    for t, cells in rows:
        mark = "*" if t.survivor else " "
        named = sorted({r for cell, rs in cells for r in rs})
        print(f"{mark} {t.kind:<24}" + "".join(f"{cell:>16}" for cell, _ in cells) + "   " + ", ".join(named))
    print("\n* one of the tamperings natplan verify passed when issue #17 was filed")
    applicable = sum(counts[c] for c in ("killed", "other rule", "survived"))
    rate = counts["killed"] / applicable if applicable else 1.0
    survivors = {t.kind for t, cells in rows if any(c == "survived" for c, _ in cells)}
    pending = sorted({f"{t.kind} ({t.issue})" for t, cells in rows if any(c == "pending" for c, _ in cells)})
    edits = random_edits(plans, args.random, args.seed) if args.random else collections.Counter()
    if args.random:
        print(f"\n{args.random} random edits of the good plans:")
        for outcome in ("named by a rule", "nothing found", "not a plan (exit 2)", "traceback"):
            print(f"  {outcome:<22} {edits[outcome]:>6}")
    if pending:
        print(f"\npending (rule of another issue not yet registered): {', '.join(pending)}")
    random_part = (f"; random edits: {edits['named by a rule']} named, {edits['nothing found']} unnoticed, "
                   f"{edits['not a plan (exit 2)']} not a plan, {edits['traceback']} tracebacks" if args.random else "")
    print(f"\nsummary: kill rate {rate:.0%} ({counts['killed']} of {applicable} tampered plans named by their rule; "
          f"{counts['other rule']} by another rule only, {counts['survived']} survived, {counts['pending']} pending, "
          f"{counts['n/a']} not applicable; {len(TAMPERS)} kinds, {len(survivors)} with a survivor){random_part}")
    return 0 if rate == 1.0 and not edits["traceback"] else 1


if __name__ == "__main__":
    sys.exit(main())
