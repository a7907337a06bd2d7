"""Time each stage of `natplan plan` and the assignment engine on the town and on a city.

Usage (from the repo root)::

    .venv/bin/python benchmarks/plan_bench.py                  # Xiagezhuang stages + 50,000-grid city (60 s)
    .venv/bin/python benchmarks/plan_bench.py --city-time 10 --city-jobs 5000 --city-units 500
    .venv/bin/python benchmarks/plan_bench.py --no-city

Prints one table row per stage (seconds), the assignment's objective, bound
and gap for the town and the city, and a summary line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def town_stages(path: Path, time_limit: float) -> tuple[list[tuple[str, float]], object]:
    from models.loader import load_scenario
    from scheduler.pipeline import plan_json, plan_round

    marks = [("load", time.perf_counter())]
    loaded = load_scenario(path)
    marks.append(("plan", time.perf_counter()))
    seen = []

    def progress(stage):
        seen.append((stage, time.perf_counter()))

    out = plan_round(loaded, time_limit=time_limit, progress=progress)
    end = time.perf_counter()
    stages = [("load + validate", marks[1][1] - marks[0][1])]
    # the pipeline reports the start of each stage; a stage lasts until the next one starts
    names = [s for s, _ in seen] + ["end"]
    times = [t for _, t in seen] + [end]
    acc: dict[str, float] = {}
    for k in range(len(seen)):
        acc[names[k]] = acc.get(names[k], 0.0) + times[k + 1] - times[k]
    stages += list(acc.items())
    t = time.perf_counter()
    data = plan_json(out.plan)
    stages.append(("plan.json", time.perf_counter() - t))
    try:
        from templates.outputs import render_outputs
    except ImportError:
        render_outputs = None
    if render_outputs is not None:
        t = time.perf_counter()
        render_outputs(out.plan, loaded.scenario, loaded.geometry, lang="zh", printed_at="2022-03-12 20:00")
        stages.append(("render (pdf, xlsx, html)", time.perf_counter() - t))
    del data
    return stages, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "xiagezhuang.yaml")
    ap.add_argument("--time-limit", type=float, default=2.0, help="the plan's per-stage solver budget")
    ap.add_argument("--city-jobs", type=int, default=50_000)
    ap.add_argument("--city-units", type=int, default=5_000)
    ap.add_argument("--city-time", type=float, default=60.0)
    ap.add_argument("--no-city", action="store_true")
    args = ap.parse_args(argv)

    stages, out = town_stages(args.scenario, args.time_limit)
    total = sum(s for _, s in stages)
    print(f"{'stage':<28}{'seconds':>10}")
    for name, sec in stages:
        print(f"{name:<28}{sec:>10.2f}")
    print(f"{'total':<28}{total:>10.2f}")
    a = out.plan.assignment.stats
    k = out.plan.kpis
    print()
    print(f"{'instance':<36}{'seconds':>9}{'objective':>16}{'bound':>16}{'gap %':>8}")
    print(f"{'Xiagezhuang assignment (person-m)':<36}{'—':>9}{a.objective:>16,.0f}{a.bound:>16,.0f}{100 * a.gap:>8.3f}")
    city = None
    if not args.no_city:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from assign_scale import make_instance

        from scheduler.gap import solve_gap

        data = make_instance(args.city_jobs, args.city_units)
        t = time.perf_counter()
        r = solve_gap(data, time_limit=args.city_time, seed=0, workers=2)
        city = (time.perf_counter() - t, r)
        label = f"city {args.city_jobs:,} grids x {args.city_units:,} units"
        print(f"{label:<36}{city[0]:>9.1f}{r.objective:>16,.0f}{r.bound:>16,.0f}{100 * r.gap:>8.3f}")
    from models.clock import format_clock as hm

    print()
    line = (f"summary: Xiagezhuang plan {total:.1f}s on this machine (target 10 s), finish {hm(k.finish)}, "
            f"ratio to the throughput bound {k.finish_ratio:.2f}, assignment gap {100 * a.gap:.2f}%")
    if city:
        line += f"; city {args.city_jobs:,}x{args.city_units:,}: {city[0]:.0f}s, gap {100 * city[1].gap:.2f}%"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
