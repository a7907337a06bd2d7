"""Wall time of ``natplan simulate``: the SimPy reference against the fast engine, and whether they agree.

Usage (from the repo root)::

    .venv/bin/python benchmarks/simulate_bench.py                         # plans Xiagezhuang first (~1 min)
    .venv/bin/python benchmarks/simulate_bench.py --plan out/plan.json    # a plan made before
    .venv/bin/python benchmarks/simulate_bench.py --plan out/plan.json --simpy-runs 0   # the fast engine only

Prints one row per engine, run count and worker count (wall seconds: the
median of ``--repeat`` runs for the fast engine, one run for SimPy, which
takes minutes), then, per unit, whether the fast engine's P95 peak queue and
P95 finish agree with SimPy's within four standard errors of the difference
(distribution-free standard errors from the order statistics; the peak queue,
a count, may also differ by one), and a summary line.  The load average is
printed before and after: other processes on the machine slow both engines.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "n/a"


def quantile_se(sample: np.ndarray, q: float) -> float:
    """Standard error of the sample q-quantile, distribution-free: half the distance between the order
    statistics one binomial standard deviation either side of it."""
    x = np.sort(sample)
    n, half = len(x), math.sqrt(len(x) * q * (1 - q))
    return float(x[min(n - 1, math.ceil(n * q + half))] - x[max(0, math.floor(n * q - half))]) / 2


def agree(a: np.ndarray, b: np.ndarray, q: float = 0.95, z: float = 4.0, step: float = 0.0) -> bool:
    """The two samples' q-quantiles differ by at most z standard errors of the difference (plus ``step``,
    the spacing of a discrete figure such as the peak queue)."""
    diff = abs(np.quantile(a, q) - np.quantile(b, q))
    return bool(diff <= z * math.hypot(quantile_se(a, q), quantile_se(b, q)) + step)


def main(argv=None) -> int:
    from natplan.models.loader import load_scenario
    from natplan.scheduler.pipeline import plan_round
    from natplan.scheduler.replicate import replicate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "xiagezhuang.yaml")
    ap.add_argument("--plan", type=Path, help="plan.json of the scenario (default: plan it now)")
    ap.add_argument("--runs", type=int, nargs="+", default=[200, 1000], help="fast-engine run counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="fast-engine timings per row (the median is shown)")
    ap.add_argument("--simpy-runs", type=int, default=200, help="runs of the SimPy reference (0: skip it)")
    ap.add_argument("--simpy-workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    loaded = load_scenario(args.scenario)
    s = loaded.scenario
    plan = json.loads(args.plan.read_text(encoding="utf-8")) if args.plan else \
        plan_round(loaded).plan.model_dump(mode="json")
    people = sum(x["people"] for x in plan["slots"])
    print(f"{args.scenario.name}: {len(plan['units'])} units, {people:,} people; load average before: {load()}")

    rows, fast_by_runs = [], {}
    for runs in args.runs:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            reps = replicate(s, plan, runs=runs, seed=args.seed, workers=args.workers, engine="fast")
            times.append(time.perf_counter() - t)
        fast_by_runs[runs] = reps
        rows.append(("fast", runs, args.workers, statistics.median(times), f"median of {args.repeat}"))
    ref = None
    if args.simpy_runs:
        t = time.perf_counter()
        ref = replicate(s, plan, runs=args.simpy_runs, seed=args.seed + 1, workers=args.simpy_workers, engine="simpy")
        rows.append(("simpy", args.simpy_runs, args.simpy_workers, time.perf_counter() - t, "one run"))

    print(f"{'engine':<8}{'runs':>7}{'workers':>9}{'wall s':>10}{'runs/s':>10}  timing")
    for engine, runs, workers, sec, how in rows:
        print(f"{engine:<8}{runs:>7}{workers:>9}{sec:>10.2f}{runs / sec:>10.1f}  {how}")

    verdict = "SimPy skipped"
    if ref is not None:
        fast = fast_by_runs.get(args.simpy_runs) or replicate(s, plan, runs=args.simpy_runs, seed=args.seed,
                                                             workers=args.workers, engine="fast")
        print(f"\nper unit, P95 over {args.simpy_runs} runs (SimPy | fast); ok: within 4 standard errors")
        print(f"{'unit':<6}{'peak':>14}{'finish min':>20}  ok")
        ok = 0
        d_peak = d_finish = 0.0
        for k, uid in enumerate(fast.units):
            pa, pb = np.quantile(ref.peak[:, k], 0.95), np.quantile(fast.peak[:, k], 0.95)
            fa, fb = np.quantile(ref.finish[:, k], 0.95), np.quantile(fast.finish[:, k], 0.95)
            good = agree(ref.peak[:, k], fast.peak[:, k], step=1) and agree(ref.finish[:, k], fast.finish[:, k])
            ok += good
            d_peak, d_finish = max(d_peak, abs(pa - pb)), max(d_finish, abs(fa - fb))
            print(f"{uid:<6}{pa:>7.0f} |{pb:>5.0f}{fa:>12.1f} |{fb:>6.1f}  {'yes' if good else 'NO'}")
        simpy_sec = rows[-1][3]
        same = [r for r in rows if r[0] == "fast" and r[1] == args.simpy_runs]
        speed = f", {simpy_sec / same[0][3]:.0f}x faster" if same else ""
        verdict = (f"SimPy {args.simpy_runs} runs {simpy_sec:.0f} s on {args.simpy_workers} worker(s){speed}; "
                   f"P95 agree for {ok}/{len(fast.units)} units "
                   f"(max |diff| peak {d_peak:.1f}, finish {d_finish:.1f} min)")
    fast_txt = ", ".join(f"{runs} runs {sec:.1f} s" for e, runs, _, sec, _ in rows if e == "fast")
    print(f"summary: {args.scenario.stem} fast engine on {args.workers} workers: {fast_txt} (median of {args.repeat}); "
          f"{verdict}; load average {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
