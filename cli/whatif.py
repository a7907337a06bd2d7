"""``natplan compare`` and ``natplan minimize``: the command-line side of :mod:`natplan.scheduler.whatif`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from natplan.models.clock import format_clock as hm
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError
from natplan.outfolder import OutputFolder
from natplan.planfile import plan_json
from natplan.routing.network import TRAVEL
from natplan.scheduler.whatif import VariantResult, apply_variant, compare, minimize, parse_vary


def compare_command(args) -> int:
    """Plan every variant, write compare.xlsx / compare.html / compare.pdf and the base plan into OUT."""
    from rich.progress import Progress

    from natplan.scheduler.pipeline import plan_round
    from natplan.templates.comparison import comparison_files
    from natplan.templates.outputs import now_printed_at, render_outputs

    folder = OutputFolder(args.output, force=args.force)
    folder.check()  # before anything is planned
    loaded = load_scenario(args.scenario, travel=TRAVEL)
    vary = []
    for spec in args.vary:
        try:
            vary.append(parse_vary(spec))
        except ValueError as e:
            raise InputError.single("--vary", str(e)) from None
    if args.workers is not None and args.workers < 1:
        raise InputError.single("--workers", "must be at least 1")
    with Progress(transient=True) as bar:
        task = bar.add_task("natplan compare", total=None)
        rows = compare(loaded, vary, workers=args.workers, time_limit=args.time_limit,
                       progress=lambda n, total: bar.update(task, completed=n, total=total))
    if args.simulate:
        rows = [_with_p95(loaded.scenario, r, args.simulate, args.workers) for r in rows]
    printed = now_printed_at()  # one print time for the comparison and the base case
    files = comparison_files(loaded.scenario, vary, rows, lang=args.lang, printed_at=printed)
    # the base case, the scenario as given, with its full printed plan in base/
    base = plan_round(loaded, time_limit=args.time_limit)
    if base.plan is not None:
        pages, _ = render_outputs(base.plan, loaded.scenario, loaded.geometry, lang=args.lang, printed_at=printed)
        files.update({"base/plan.json": plan_json(base.plan), **{f"base/{k}": v for k, v in pages.items()}})
    folder.write(files)
    for r in rows:
        label = ", ".join(f"{k}={hm(v) if k == 'deadline' else v}" for k, v in r.variant.items())
        if r.feasible:
            fleet = ("" if r.vehicles_used is None else
                     f", vehicles {r.vehicles_used} / {r.vehicles_available}, longest interval {r.longest_interval} min")
            print(f"{label}: finish {hm(r.finish)} (ratio {r.finish_ratio:.2f}), peak queue {r.peak_queue:.0f}, "
                  f"worst age {r.worst_age:.0f} min, walk {r.walk_mean_m:.0f} m, staff-hours {r.staff_hours:.0f}"
                  + fleet)
        else:
            print(f"{label}: infeasible — {r.why}")
    from natplan.templates.comparison import fleet_sentences

    for line in fleet_sentences(rows, "en"):  # the full requirement of strict loops (an interval variant)
        print(line)
    print(f"{args.output}: compare.xlsx, compare.html, compare.pdf, charts, and the base case's plan in base/")
    return 0


def _with_p95(scenario, row: VariantResult, runs: int, workers: int | None) -> VariantResult:
    """The row with the worst unit's P95 peak queue and finish over ``runs`` simulations (a feasible row)."""
    from natplan.scheduler.replicate import simulate_round

    if row.plan is None:
        return row
    sims = simulate_round(apply_variant(scenario, row.variant), row.plan, runs=runs, workers=workers).units
    return replace(row, peak_p95=max(x.peak_p95 for x in sims), finish_p95=max(x.finish_p95 for x in sims))


def minimize_command(args) -> int:
    """Print the least count of a resource and what breaks with one less."""
    folder = OutputFolder(Path(args.output), force=args.force) if args.output else None
    if folder is not None:
        folder.check()  # before anything is planned
    loaded = load_scenario(args.scenario, travel=TRAVEL)
    least = minimize(loaded, args.resource, time_limit=args.time_limit)
    at, below = least.at, least.below
    if least.count is None:
        print(f"{args.scenario}: even {at.groups if args.resource == 'groups' else 'twice the'} "
              f"{args.resource} do not meet the deadline: {at.why}", file=sys.stderr)
        return 2
    print(f"{args.scenario}: least {args.resource} = {least.count}: finish {hm(at.finish)}, "
          f"peak queue {at.peak_queue:.0f}, worst sample age {at.worst_age:.0f} min")
    if below is not None:
        print(f"  with {least.count - 1}: {below.why if not below.feasible else 'meets the deadline (not monotone here)'}")
    if folder is not None:
        folder.write({"plan.json": plan_json(at.plan)})
    return 0
