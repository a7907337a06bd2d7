"""City-scale benchmark: plan generated Qingdao cities of 1M, 3M and 10M people.

Usage (from the repo root)::

    .venv/bin/python benchmarks/city_bench.py                       # 1M, 3M, 10M; local pool
    .venv/bin/python benchmarks/city_bench.py --sizes 1000000 --dask  # also on a local Dask cluster
    .venv/bin/python benchmarks/city_bench.py --print                 # with every township's PDF set

Each size is a generated city (``natplan generate qingdao --people N``: whole
townships in a fixed order, scaled to exactly N people) planned with
``natplan plan`` in a fresh process, so that wall time and peak memory are
the command's own; peak memory is the largest sum of the resident sets of the
command and all its processes, sampled every 0.2 s.  Prints per size: townships, wall time, peak memory, seconds
per million people, and the plan's KPIs; then a summary line.  ``--dask``
plans each city a second time on a local Dask cluster and says whether every
plan.json is byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from natplan.models.clock import format_clock

REPO = Path(__file__).resolve().parents[1]
NATPLAN = [sys.executable, "-m", "natplan"]



def plan_digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("plan.json"))}


def run(city: Path, out: Path, workers: int, dask: bool, print_all: bool, time_limit: float | None):
    cmd = NATPLAN + ["plan", str(city), "-o", str(out), "--workers", str(workers)]
    if dask:
        cmd += ["--dask", "local"]
    if not print_all:
        cmd.append("--no-township-print")
    if time_limit is not None:
        cmd += ["--time-limit", str(time_limit)]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1602460800", PYTHONPATH=str(REPO))
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:  # memory of the command and all its processes together, every 0.2 s
        total = 0
        try:
            for p in [root] + root.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.2)
    err = proc.stderr.read()
    wall = time.perf_counter() - t0
    info = {"rc": proc.returncode, "peak_bytes": peak, "err": err[-2000:]}
    return wall, info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000000,3000000,10071722", help="people per generated city, comma-separated")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dask", action="store_true", help="also plan on a local Dask cluster and compare the plans")
    ap.add_argument("--print", dest="print_all", action="store_true", help="also lay out every township's PDF set")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--verify", action="store_true", help="run natplan verify on each joined plan")
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="natplan-city-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    header = (f"{'people':>11} {'towns':>5} {'wall s':>7} {'peak GiB':>8} {'s/M':>6} {'finish':>6} {'bound':>6} "
              f"{'ratio':>5} {'age':>4} {'labs':>6} {'couriers':>8} {'shuttles':>8} {'planned':>7} {'dask same':>9}")
    print(f"natplan city benchmark — {args.workers} workers, township print {'on' if args.print_all else 'off'}")
    print(header)
    rows = []
    for n in sizes:
        city = work / f"city_{n}.yaml"
        from natplan.models.city_generate import city_to_yaml, generate_city

        c = generate_city(target_people=None if n >= 10_071_722 else n)
        city.write_text(city_to_yaml(c, city.parent), encoding="utf-8")
        out = work / f"out_{n}"
        wall, info = run(city, out, args.workers, False, args.print_all, args.time_limit)
        if info["rc"] not in (0,):
            print(f"{n:>11,} failed (exit {info['rc']}): {info['err'].strip().splitlines()[-1:]}")
            if not out.exists():
                continue
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        k = plan["kpis"]
        same = "—"
        if args.dask:
            outd = work / f"out_{n}_dask"
            run(city, outd, args.workers, True, args.print_all, args.time_limit)
            same = "yes" if plan_digests(out) == plan_digests(outd) else "NO"
        if args.verify:
            v = subprocess.run(NATPLAN + ["verify", str(out / "plan.json"), "--scenario", str(city)],
                               capture_output=True, text=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)))
            lines = v.stdout.strip().splitlines()
            print(f"  verify {c.people:,}: exit {v.returncode}; {lines[-1] if lines else v.stderr.strip()[-200:]}"
                  + (f" ({len(lines)} lines)" if v.returncode else ""), flush=True)
        gib = info["peak_bytes"] / 2**30
        per_m = wall / (c.people / 1e6)
        rows.append((c.people, wall, gib, per_m, same, k))
        print(f"{c.people:>11,} {len(c.townships):>5} {wall:>7.0f} {gib:>8.2f} {per_m:>6.0f} {format_clock(k['finish'], missing='—'):>6} "
              f"{format_clock(k['bound'], missing='—'):>6} {k['finish_ratio'] or 0:>5.2f} {k['worst_sample_age_min'] or 0:>4.0f} "
              f"{format_clock(k['lab_done'], missing='—'):>6} {k['courier_vehicles']:>8,} {k['shuttle_vehicles']:>8,} "
              f"{k['planned']:>3}/{k['townships']:<3} {same:>9}", flush=True)
    if rows:
        big = max(rows, key=lambda r: r[0])
        spread = max(r[3] for r in rows) / max(1e-9, min(r[3] for r in rows))
        print(f"summary: {big[0]:,} people in {big[1]:.0f} s wall ({big[1] / 60:.1f} min), peak {big[2]:.2f} GiB "
              f"(target 10 min, 8 GiB); s per million people {', '.join(f'{r[3]:.0f}' for r in rows)} "
              f"(max/min {spread:.2f}); dask same plans: {', '.join(r[4] for r in rows)}")
        full = [r for r in rows if r[0] >= 10_071_722]
        if full:
            k = full[0][5]
            start = 6 * 60
            print(f"validation: Qingdao, October 2020 — 10,899,145 sampled in 5 days with 4,090 points and about "
                  f"10,000 medical staff; this plan with the same points and staff: sampling done {format_clock(k['finish'], missing='—')} "
                  f"({(k['finish'] - start) / 60:.1f} h after 06:00), last lab done {format_clock(k['lab_done'], missing='—')} "
                  f"({(k['lab_done'] - start) / 60:.1f} h) at the assumed 60,000 tubes/h")
    print(f"outputs in {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
