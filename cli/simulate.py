"""``natplan simulate OUT/plan.json --scenario S --runs N``: a plan's queues and sample ages replayed, as a table."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from natplan.models.clock import format_clock as hm


def simulate(args) -> int:
    """Print each unit's planned and simulated peak queue, finish and oldest sample, and the worst unit."""
    from rich.console import Console
    from rich.table import Table

    from natplan.models.loader import load_scenario
    from natplan.models.problems import InputError
    from natplan.planfile import read_plan_json
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.replicate import simulate_round

    loaded = load_scenario(args.scenario, travel=TRAVEL)
    plan = read_plan_json(args.plan)
    if args.runs < 1:
        raise InputError.single("--runs", "must be at least 1")
    if args.seed < 0:
        raise InputError.single("--seed", "must be 0 or more")
    if args.workers is not None and args.workers < 1:
        raise InputError.single("--workers", "must be at least 1")
    workers = args.workers or os.cpu_count() or 1
    what = f"natplan simulate: {args.runs} runs, {args.engine} engine, {workers} worker{'s' if workers > 1 else ''}"
    with progress_bar(what, args.runs) as progress:
        sim = simulate_round(loaded.scenario, plan, runs=args.runs, seed=args.seed, workers=workers,
                             engine=args.engine, progress=progress)
    table = Table(title=f"{args.plan}: {args.runs} runs, seed {args.seed}")
    for col in ("unit", "peak plan", "peak P50", "peak P95", "finish plan", "finish P50", "finish P95",
                "P(>room)", "P(late)", "age plan", "age P95", "P(>age limit)"):
        table.add_column(col, justify="right")
    for r in sim.units:
        a = sim.age_of(r.unit)
        ages = (f"{a.planned:.0f}", f"{a.age_p95:.0f}", f"{a.p_over_limit:.0%}") if a else ("—", "—", "—")
        table.add_row(r.unit, f"{r.planned_peak:.0f}", f"{r.peak_p50:.0f}", f"{r.peak_p95:.0f}",
                      hm(r.planned_finish), hm(r.finish_p50), hm(r.finish_p95),
                      f"{r.p_over_room:.0%}", f"{r.p_late:.0%}", *ages)
    Console(width=140).print(table)
    oldest = sim.worst_age()
    if oldest is not None:
        print(f"sample age: oldest unit {oldest.unit}: P95 {oldest.age_p95:.0f} min (plan {oldest.planned:.0f}), "
              f"P(> {sim.age_limit} min) {oldest.p_over_limit:.0%}")
    worst = sim.worst_unit()
    print(f"summary: worst unit {worst.unit}: P95 finish {hm(worst.finish_p95)}, "
          f"P95 peak queue {worst.peak_p95:.0f}, P(late) {worst.p_late:.0%}, P(>room) {worst.p_over_room:.0%}")
    return 0


@contextmanager
def progress_bar(what: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback: a rich progress bar on a terminal (on stderr, gone when done);
    elsewhere, one line on stderr at the end saying what was done and how long it took."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(what, total=total)
            yield lambda done, of: bar.update(task, completed=done, total=of)
    else:
        started = time.perf_counter()
        yield lambda done, of: None
        print(f"{what}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
