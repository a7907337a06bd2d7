"""Wall time of a what-if comparison with 1 and with 2 worker processes, and the speed-up.

Usage (from the repo root)::

    .venv/bin/python benchmarks/compare_bench.py                      # 27 variants of Xiagezhuang
    .venv/bin/python benchmarks/compare_bench.py --vary groups=15..17 --vary vehicles=6

Prints a row per worker count (variants, wall seconds, seconds per variant)
and a summary line with the speed-up and whether both runs gave the same plans.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main(argv=None) -> int:
    from natplan.models.loader import load_scenario
    from natplan.scheduler.budget import DEFAULT_TIME_LIMIT
    from natplan.scheduler.pipeline import plan_round
    from natplan.scheduler.whatif import compare, parse_vary

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "xiagezhuang.yaml")
    ap.add_argument("--vary", action="append", default=None)
    ap.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    args = ap.parse_args(argv)
    vary = [parse_vary(v) for v in (args.vary or ["groups=13..21", "vehicles=4,6,8"])]
    loaded = load_scenario(args.scenario)

    t = time.perf_counter()
    plan_round(loaded, time_limit=args.time_limit)
    one_plan = time.perf_counter() - t

    results = {}
    for workers in (1, 2):
        t = time.perf_counter()
        rows = compare(loaded, vary, workers=workers, time_limit=args.time_limit)
        results[workers] = (time.perf_counter() - t, rows)
    n = len(results[1][1])
    print(f"{'workers':>8}{'variants':>10}{'wall s':>10}{'s/variant':>11}")
    for w, (sec, _) in results.items():
        print(f"{w:>8}{n:>10}{sec:>10.1f}{sec / n:>11.2f}")
    same = [r.plan for r in results[1][1]] == [r.plan for r in results[2][1]]
    speedup = results[1][0] / results[2][0]
    feasible = sum(r.feasible for r in results[1][1])
    print(f"summary: {n} variants ({feasible} feasible), one plan {one_plan:.1f}s, 1 worker {results[1][0]:.0f}s "
          f"({results[1][0] / n:.1f}s/variant), 2 workers {results[2][0]:.0f}s, speed-up {speedup:.2f}, "
          f"same plans: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
