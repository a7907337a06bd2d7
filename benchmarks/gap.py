"""Benchmark the GAP engine against plain CP-SAT on OR-Library instances.

Usage (from the repo root)::

    .venv/bin/python benchmarks/gap.py --set chu1997 --time-limit 10
    .venv/bin/python benchmarks/gap.py --quick
    .venv/bin/python benchmarks/gap.py --only d20100 c10200 --no-baseline

Instances are read in place from ``--folder`` (default
``../shared/benchmarks/gap_orlib`` relative to the repo root); best known
values come from its ``bks.csv`` (``min_best_known``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SETS = {
    "chu1997": [f"{t}{m:02d}{n}" for t in "abcd" for m in (5, 10, 20) for n in (100, 200)],
    "cattrysse1994": [f"gap{i}-{k}" for i in range(1, 13) for k in range(5)],
}
QUICK = ["gap1-0", "gap12-4", "a10100", "c10200", "d10100", "d20100"]


def load_bks(folder: Path) -> dict:
    out = {}
    with open(folder / "bks.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            bk = row.get("min_best_known") or row.get("min_optimum")
            out[row["instance"]] = (
                int(bk) if bk else None,
                row.get("file", ""),
            )
    return out


def find_file(folder: Path, name: str, rel: str) -> Path:
    if rel:
        p = folder.parent / rel
        if p.exists():
            return p
    for sub in ("chu1997", "cattrysse1994", "."):
        p = folder / sub / name
        if p.exists():
            return p
    raise FileNotFoundError(name)


def family(name: str) -> str:
    return "gap" if name.startswith("gap") else name[0]


def fmt_gap(v, bk):
    if v is None or bk is None:
        return float("nan")
    return 100.0 * (v - bk) / bk


def main(argv=None) -> int:
    from benchmarks.orlib import read_orlib
    from natplan.scheduler.gap import solve_gap
    from natplan.scheduler.gap.baseline import solve_gap_cpsat_plain

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", default=None)
    ap.add_argument("--set", default="chu1997", choices=["chu1997", "cattrysse1994", "all"])
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", nargs="+", default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--deterministic", action="store_true")
    args = ap.parse_args(argv)

    folder = Path(args.folder) if args.folder else (REPO / ".." / "shared" / "benchmarks" / "gap_orlib")
    if not folder.is_absolute():
        folder = (REPO / folder)
    folder = folder.resolve()
    bks = load_bks(folder)
    if args.only:
        names = args.only
    elif args.quick:
        names = QUICK
    elif args.set == "all":
        names = SETS["cattrysse1994"] + SETS["chu1997"]
    else:
        names = SETS[args.set]
    tl = args.time_limit if args.time_limit is not None else (2.0 if args.quick else 10.0)

    head = f"{'instance':<10} {'agents':>6} {'jobs':>5} {'best':>7} {'engine':>7} {'gap%':>7} {'feas':>5} {'sec':>6} {'method':>10} {'plain':>7} {'gap%':>7}"
    print(head)
    print("-" * len(head))
    rows = []
    for name in names:
        bk, rel = bks.get(name, (None, ""))
        data = read_orlib(find_file(folder, name, rel))
        r = solve_gap(data, time_limit=tl, seed=args.seed, workers=args.workers,
                      deterministic=args.deterministic)
        eg = fmt_gap(r.objective if r.feasible else None, bk)
        if args.no_baseline:
            b, bg = None, float("nan")
        else:
            rb = solve_gap_cpsat_plain(data, tl, workers=args.workers, seed=args.seed)
            b = rb.objective if rb.feasible else None
            bg = fmt_gap(b, bk)
        rows.append((name, eg, r.feasible, bg, b is not None))
        print(f"{name:<10} {data.n_agents:>6} {data.n_jobs:>5} {bk if bk is not None else '-':>7} "
              f"{r.objective if r.feasible else '-':>7} {eg:>7.3f} {str(r.feasible):>5} {r.runtime:>6.2f} "
              f"{r.method:>10} {b if b is not None else '-':>7} {bg:>7.3f}", flush=True)

    def mean(xs):
        xs = [x for x in xs if x == x]
        return sum(xs) / len(xs) if xs else float("nan")

    print()
    fams = sorted({family(n) for n, *_ in rows})
    for f in fams:
        rs = [r for r in rows if family(r[0]) == f]
        line = (f"family {f}: {len(rs)} instances, engine mean gap {mean([r[1] for r in rs]):.3f}% "
                f"(max {max(r[1] for r in rs):.3f}%), {sum(r[2] for r in rs)}/{len(rs)} feasible")
        if not args.no_baseline:
            line += f"; plain CP-SAT mean {mean([r[3] for r in rs]):.3f}% (max {max(r[3] for r in rs):.3f}%)"
        print(line)
    label = "quick" if args.quick and not args.only else ("only" if args.only else args.set)
    d = [r for r in rows if family(r[0]) == "d"]
    dtxt = f" (d {mean([r[1] for r in d]):.3f}%)" if d else ""
    s = (f"summary: {label} {len(rows)} instances, {tl:g}s: engine mean gap {mean([r[1] for r in rows]):.3f}%{dtxt}, "
         f"{sum(r[2] for r in rows)}/{len(rows)} feasible")
    if not args.no_baseline:
        bd = f" (d {mean([r[3] for r in d]):.3f}%)" if d else ""
        s += f"; plain CP-SAT {mean([r[3] for r in rows]):.3f}%{bd}, {sum(r[4] for r in rows)}/{len(rows)} feasible"
    print(s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
