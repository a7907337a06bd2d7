"""Time each stage of `natplan plan`, the printed set, and the assignment engine on the town and on a city.

Usage (from the repo root)::

    .venv/bin/python benchmarks/plan_bench.py                  # Xiagezhuang stages + 50,000-grid city (60 s)
    .venv/bin/python benchmarks/plan_bench.py --city-time 10 --city-jobs 5000 --city-units 500
    .venv/bin/python benchmarks/plan_bench.py --no-city
    .venv/bin/natplan plan scenarios/qingdao.yaml -o out/qingdao --no-township-print        # first, once (3 min)
    .venv/bin/python benchmarks/plan_bench.py --no-city --repeat 0 --city-sets out/qingdao   # 135 township sets

Prints one table row per stage (wall and CPU seconds, CPU counting the
processes a stage starts), the printed set of the town (PDF, workbook,
page, notices) laid out ``--repeat`` times with its typesetting process
already warm, as ``natplan plan`` does (median against the 1.5 s target),
the whole ``natplan plan`` command timed as a separate process (``--repeat``
times: wall, and CPU of it and its workers; median against the 5 s
target), the assignment's objective, bound and gap for the town and the
city, and a summary line.  ``--city-sets OUT`` prints every township of a
city planned into OUT with ``--no-township-print`` again, two townships at
a time, biggest first, ``--sets-repeat`` times (the median against the
5-minute target for Qingdao's 135), with the CPU seconds per township of the
worker (Python: views, workbook, page, notices) and of its typesetting
process (Typst).  The load average
is printed beside the times: on a loaded machine compare CPU times, not
wall times.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _cpu() -> float:
    """CPU seconds of this process and of every child process it has waited for."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def town_stages(path: Path, time_limit: float) -> tuple[list[tuple[str, float, float]], object]:
    """(stage, wall s, CPU s) for each stage of the plan, run in this process."""
    from natplan.models.loader import load_scenario
    from natplan.planfile import plan_json
    from natplan.scheduler.pipeline import plan_round

    stages = []
    t, c = time.perf_counter(), _cpu()
    loaded = load_scenario(path)
    stages.append(("load + validate", time.perf_counter() - t, _cpu() - c))
    seen = []

    def progress(stage):
        seen.append((stage, time.perf_counter(), _cpu()))

    out = plan_round(loaded, time_limit=time_limit, progress=progress)
    seen.append(("end", time.perf_counter(), _cpu()))
    # the pipeline reports the start of each stage; a stage lasts until the next one starts
    acc: dict[str, list[float]] = {}
    for (name, t0, c0), (_, t1, c1) in zip(seen, seen[1:]):
        a = acc.setdefault(name, [0.0, 0.0])
        a[0] += t1 - t0
        a[1] += c1 - c0
    stages += [(name, w, c) for name, (w, c) in acc.items()]
    t, c = time.perf_counter(), _cpu()
    plan_json(out.plan)
    stages.append(("plan.json", time.perf_counter() - t, _cpu() - c))
    from natplan.templates.outputs import render_outputs

    t, c = time.perf_counter(), _cpu()
    render_outputs(out.plan, loaded.scenario, loaded.geometry, lang="zh", printed_at="2022-03-12 20:00")
    stages.append(("render (pdf, xlsx, html)", time.perf_counter() - t, _cpu() - c))
    return stages, out


def printed_set(plan, loaded, repeat: int) -> list[tuple[float, float]]:
    """(wall s, CPU s of this process) of the town's printed set, *repeat* times, its typesetting process
    started and warm first (as natplan plan starts it before solving)."""
    from natplan.templates.outputs import render_outputs, render_pool

    typesetter = render_pool()
    try:
        render_outputs(plan, loaded.scenario, loaded.geometry, printed_at="2022-03-12 19:59", pool=typesetter)
        runs = []
        for k in range(repeat):
            t, c = time.perf_counter(), _cpu()
            render_outputs(plan, loaded.scenario, loaded.geometry, printed_at=f"2022-03-12 20:{k:02d}", pool=typesetter)
            runs.append((time.perf_counter() - t, _cpu() - c))
    finally:
        typesetter.close()
    return runs


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the live process *pid* so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _township_set(folder: str) -> tuple[str, float, float, float]:
    """In a worker: print one township folder's set (like ``natplan print``); (folder, wall s, CPU s of this
    worker, CPU s of its typesetting process)."""
    from natplan.models.loader import load_scenario
    from natplan.models.plan import Plan
    from natplan.routing.network import TRAVEL
    from natplan.templates.outputs import render_outputs
    from natplan.templates.typeset import typesetter

    ts = typesetter()
    t, c, tc = time.perf_counter(), time.process_time(), _process_cpu(ts.pid)
    loaded = load_scenario(Path(folder) / "scenario.yaml", travel=TRAVEL)
    plan = Plan.model_validate_json((Path(folder) / "plan.json").read_text(encoding="utf-8"))
    render_outputs(plan, loaded.scenario, loaded.geometry, printed_at="2022-03-12 20:00", pool=ts)
    return folder, time.perf_counter() - t, time.process_time() - c, _process_cpu(ts.pid) - tc


def _warm(_: int) -> None:
    """In a worker: start its typesetting process (as ``natplan plan`` starts them before solving)."""
    from natplan.templates.typeset import typesetter

    typesetter()
    time.sleep(1.0)  # so that each worker gets one of these


def city_sets(out: Path, workers: int) -> tuple[float, list[tuple[str, float, float, float]]]:
    """Print every township set of a city plan folder, *workers* at a time, biggest first (as ``natplan plan``
    orders its jobs): (wall s of the whole, (folder, wall s, CPU s Python, CPU s Typst) per township)."""
    from natplan.processes import stop_pool, worker_pool

    folders = sorted((str(p.parent) for p in (out / "townships").glob("*/plan.json")),
                     key=lambda f: -(Path(f) / "plan.json").stat().st_size)
    pool = worker_pool(max_workers=workers)
    try:
        list(pool.map(_warm, range(workers)))
        t = time.perf_counter()
        rows = list(pool.map(_township_set, folders))
        return time.perf_counter() - t, rows
    finally:
        stop_pool(pool)


def city_sets_line(out: Path, workers: int, repeat: int) -> str:
    """Print a city's township sets *repeat* times: a line per run, and the summary's figure (median wall of
    the runs against the 5-minute target for Qingdao's 135, CPU per township)."""
    walls, rows = [], []
    for k in range(1, repeat + 1):
        wall, rows = city_sets(out, workers)
        walls.append(wall)
        cpu = sum(r[2] + r[3] for r in rows)
        print(f"township sets run {k}: {len(rows)} in {wall:6.1f} s wall on {workers} processes, CPU {cpu:6.1f} s "
              f"(Python {sum(r[2] for r in rows):.1f}, Typst {sum(r[3] for r in rows):.1f}); load {_load()}")
    n, median = len(rows), statistics.median(walls)
    per = [r[2] + r[3] for r in rows]
    cpu = sum(per)
    return (f"{n} township sets printed in {median:.0f} s wall, median of {len(walls)} on {workers} processes (target "
            f"300 s for Qingdao's 135: {'met' if median <= 300 else 'NOT met'}; load {_load()}); per township "
            f"median {statistics.median(r[1] for r in rows):.2f} s wall, {statistics.median(per):.2f} s CPU "
            f"(Python {statistics.median(r[2] for r in rows):.2f}, Typst {statistics.median(r[3] for r in rows):.2f}); "
            f"all {cpu:.0f} s CPU, {cpu / workers:.0f} s on {workers} idle cores")


def whole_command(path: Path, repeat: int, time_limit: float | None) -> list[tuple[float, float]]:
    """(wall s, CPU s) of ``natplan plan PATH -o TMP`` as its own process, *repeat* times."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="natplan-bench-") as tmp:
            cmd = [sys.executable, "-m", "natplan", "plan", str(path), "-o", str(Path(tmp) / "out")]
            if time_limit is not None:
                cmd += ["--time-limit", str(time_limit)]
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
            runs.append((wall, cpu))
    return runs


def _loaded(path: Path):
    from natplan.models.loader import load_scenario
    from natplan.routing.network import TRAVEL

    return load_scenario(path, travel=TRAVEL)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None) -> int:
    from natplan.scheduler.budget import DEFAULT_TIME_LIMIT

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "xiagezhuang.yaml")
    ap.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="the plan's per-stage solver budget")
    ap.add_argument("--city-jobs", type=int, default=50_000)
    ap.add_argument("--city-units", type=int, default=5_000)
    ap.add_argument("--city-time", type=float, default=60.0)
    ap.add_argument("--no-city", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="times to run the whole natplan plan command (0: skip)")
    ap.add_argument("--command-time-limit", type=float, default=None,
                    help="--time-limit for the whole command (default: natplan plan's own default)")
    ap.add_argument("--city-sets", type=Path, default=None,
                    help="a city plan folder (natplan plan CITY --no-township-print): print every township's set")
    ap.add_argument("--workers", type=int, default=2, help="processes for --city-sets")
    ap.add_argument("--sets-repeat", type=int, default=3,
                    help="times to print the --city-sets townships (the median is the figure; 1 for one honest run)")
    args = ap.parse_args(argv)

    print(f"load average before: {_load()} (1, 5, 15 min) on {os.cpu_count()} cores")
    runs = whole_command(args.scenario, args.repeat, args.command_time_limit) if args.repeat else []
    stages, out = town_stages(args.scenario, args.time_limit)
    total = sum(w for _, w, _ in stages)
    print(f"{'stage (in one process)':<28}{'wall s':>10}{'CPU s':>10}")
    for name, wall, cpu in stages:
        print(f"{name:<28}{wall:>10.2f}{cpu:>10.2f}")
    print(f"{'total':<28}{total:>10.2f}{sum(c for _, _, c in stages):>10.2f}")
    sets = printed_set(out.plan, _loaded(args.scenario), args.repeat) if args.repeat else []
    print()
    for k, (wall, cpu) in enumerate(sets, 1):
        print(f"{'printed set (warm typesetter) run ' + str(k):<40}wall {wall:6.2f} s   CPU here {cpu:6.2f} s")
    budget = "its default" if args.command_time_limit is None else f"--time-limit {args.command_time_limit}"
    print()
    for k, (wall, cpu) in enumerate(runs, 1):
        print(f"{'natplan plan (' + budget + ') run ' + str(k):<40}wall {wall:6.2f} s   CPU {cpu:6.2f} s")
    print(f"load average after: {_load()}")
    a = out.plan.assignment.stats
    k = out.plan.kpis
    print()
    print(f"{'instance':<36}{'seconds':>9}{'objective':>16}{'bound':>16}{'gap %':>8}")
    print(f"{'Xiagezhuang assignment (person-m)':<36}{'—':>9}{a.objective:>16,.0f}{a.bound:>16,.0f}{100 * a.gap:>8.3f}")
    city = None
    if not args.no_city:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from assign_scale import make_instance

        from natplan.scheduler.gap import solve_gap

        data = make_instance(args.city_jobs, args.city_units)
        t = time.perf_counter()
        r = solve_gap(data, time_limit=args.city_time, seed=0, workers=2)
        city = (time.perf_counter() - t, r)
        label = f"city {args.city_jobs:,} grids x {args.city_units:,} units"
        print(f"{label:<36}{city[0]:>9.1f}{r.objective:>16,.0f}{r.bound:>16,.0f}{100 * r.gap:>8.3f}")
    from natplan.models.clock import format_clock as hm

    print()
    if runs:
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        best, median = min(walls), statistics.median(walls)
        set_median = statistics.median(w for w, _ in sets)
        line = (f"summary (load {_load()}): printed set {set_median:.2f} s wall median of {len(sets)} (target 1.5 s: "
                f"{'met' if set_median <= 1.5 else 'NOT met'}); whole natplan plan {median:.1f} s wall median, "
                f"{best:.1f} s best of {len(runs)} (target 5 s: {'met' if median <= 5 else 'NOT met'}), "
                f"CPU {statistics.median(cpus):.1f} s; stages in one process {total:.1f} s at --time-limit "
                f"{args.time_limit:g}")
    else:
        line = f"summary: Xiagezhuang stages in one process {total:.1f} s (whole command not timed: --repeat 0)"
    line += (f"; finish {hm(k.finish)}, ratio to the throughput bound {k.finish_ratio:.2f}, "
             f"assignment gap {100 * a.gap:.2f}%")
    if city:
        line += f"; city {args.city_jobs:,}x{args.city_units:,}: {city[0]:.0f}s, gap {100 * city[1].gap:.2f}%"
    if args.city_sets is not None:
        line += "; " + city_sets_line(args.city_sets, args.workers, args.sets_repeat)
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
