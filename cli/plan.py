"""``natplan plan`` for a town or a city, and ``natplan print``: solve, write the folder, print the summary.

Every command here checks its output folder before anything is solved and
writes it all at once (:class:`natplan.outfolder.OutputFolder`).  A round
that cannot be planned is one line per problem on standard error and exit 2.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from natplan.models.clock import format_clock as hm
from natplan.models.plan import Explanation, Plan
from natplan.models.problems import InputError
from natplan.outfolder import OutputFolder
from natplan.planfile import plan_json, read_plan_json
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT, DEFAULT_TIME_LIMIT


def explain(where: str, e: Explanation, lang: str = "en") -> str:
    """One problem as a line: ``WHERE: unit: problem — fix: …``, in Chinese when ``lang`` is ``zh`` and the
    problem has a code (:mod:`natplan.templates.i18n` ``why_<code>``, ``fix_<code>``)."""
    from natplan.templates.messages import explanation_text

    problem, fix = explanation_text(e, lang)
    label = "建议" if lang == "zh" and (problem, fix) != (e.problem, e.fix) else "fix"
    return f"{where}: {e.where}: {problem}" + (f" — {label}: {fix}" if fix else "")


# --------------------------------------------------------------------------------------------- town

def plan_town(args) -> int:
    """``natplan plan SCENARIO -o OUT``: plan, write OUT atomically, print the summary."""
    from rich.console import Console

    from natplan.models.loader import load_scenario
    from natplan.processes import stop_pool, worker_pool
    from natplan.routing.network import TRAVEL
    from natplan.scheduler import pipeline
    from natplan.templates.outputs import now_printed_at, render_outputs, render_pool

    console = Console(stderr=True, highlight=False)
    folder = OutputFolder(Path(args.output), force=args.force)
    folder.check()  # before anything is solved
    # Processes are started first (forked before any thread): the typesetting process loads Typst while the
    # round is planned, and a second process works out the fair-share candidate.
    parallel = (os.cpu_count() or 1) > 1
    render = render_pool()  # the typesetting process: loads Typst and the fonts while the round is planned
    solve = worker_pool(max_workers=1) if parallel else None
    try:
        if solve is not None:
            solve.submit(int)
        loaded = load_scenario(args.scenario, travel=TRAVEL)
        with console.status("…") as status:
            outcome = pipeline.plan_round(loaded, seed=args.seed, time_limit=args.time_limit or DEFAULT_TIME_LIMIT,
                                          progress=lambda stage: status.update(f"natplan: {stage}"), pool=solve)
        stop_pool(solve)
        for w in outcome.warnings:
            console.print(f"warning: {w}")
        if outcome.plan is None:
            for e in outcome.problems:
                print(explain(str(args.scenario), e, args.lang), file=sys.stderr)
            return 2
        plan = outcome.plan
        with console.status("natplan: render"):
            files, render_warnings = render_outputs(plan, loaded.scenario, loaded.geometry, lang=args.lang,
                                                    printed_at=now_printed_at(), pool=render)
    finally:
        stop_pool(solve)
        render.close()
    for w in render_warnings:
        console.print(f"warning: {w}")
    folder.write({"plan.json": plan_json(plan), **files})
    print_town_summary(args.output, plan)
    return 0


def print_town_summary(output, plan: Plan) -> None:
    """What was written, the plan's KPIs and its courier loops."""
    k = plan.kpis
    a = plan.assignment.stats
    st = plan.staffing.stats
    print(f"{output}: plan.json, plan.xlsx, rosters.pdf, index.html, notices/ — {plan.scenario}")
    print(f"  people {k.people:,} (walk-in {k.walk_in:,}, home visits {k.home_visits}), "
          f"units open {k.units_open}, groups used {k.groups_used}")
    joint = "" if k.joint_bound is None else f"joint bound {hm(k.joint_bound)}  ratio {k.joint_ratio:.2f}  "
    days = f"days {k.days}  " if k.days > 1 else ""
    print(f"  finish {hm(k.finish)}  bound {hm(k.bound)}  ratio {k.finish_ratio:.2f}  {joint}{days}"
          f"peak queue {k.peak_queue:.0f}")
    sh = plan.routing.shuttles
    print(f"  courier vehicles {k.courier_vehicles} (lower bound {plan.routing.stats.bound:.0f}), "
          f"shuttles every {sh.cadence_min} min on {sh.vehicles_used} vehicles (fewest {sh.fewest_vehicles}), "
          f"worst sample age {k.worst_sample_age_min:.0f} min")
    f = plan.routing.fleet
    if f is not None:  # the fleet: vehicles used of those the scenario has, intervals, what strict loops need
        every = ", ".join(f"{n} every {iv} min" for iv, n in f.units_by_interval.items())
        extra = f" ({f.extra} lacking)" if f.extra else ""
        print(f"  fleet {f.used + f.extra} / {f.available} vehicles{extra}, units {every}; strict loops need "
              f"{f.strict_needed} (proven fewest {f.strict_minimum})")
    print(f"  walking mean {k.walk_mean_m:,.0f} m, max {k.walk_max_m:,.0f} m; "
          f"walking gap {a.gap:.2%}, finish gap {st.gap:.2%} ({st.method})")
    print_courier_table(plan)


def print_courier_table(plan: Plan) -> None:
    """Courier loops by zone and vehicle, with the vehicles each zone needs beside its lower bound."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="courier loops", title_justify="left")
    for col in ("zone", "vehicle", "stops", "loop min", "runs", "needed / has / lower bound"):
        table.add_column(col, justify="right" if col not in ("zone", "vehicle", "stops") else "left")
    for z in plan.routing.zones:
        for n, r in enumerate(z.routes):
            need = f"{z.vehicles_needed} / {z.vehicles_available} / {z.vehicles_lower_bound}" if n == 0 else ""
            table.add_row(z.zone if n == 0 else "", r.vehicle, " → ".join(r.order), str(r.loop_min),
                          str(len(r.loops)), need)
    sh = plan.routing.shuttles
    console = Console(width=120, highlight=False)
    console.print(table)
    console.print(f"shuttles: every {sh.cadence_min} min, round trip {sh.round_trip_min} min, {len(sh.trips)} trips on "
                  f"{sh.vehicles_used} vehicles (fewest that meet the age limit: {sh.fewest_vehicles}), "
                  f"worst sample age {sh.worst_age_min:.0f} min")


# --------------------------------------------------------------------------------------------- city

class _Abort(Exception):
    """Leave the staged output folder as it was, and exit with ``code``."""

    def __init__(self, code: int):
        self.code = code


def plan_city(args) -> int:
    """``natplan plan CITY -o OUT``: plan every township, write OUT atomically, print the summary."""
    from rich.console import Console

    from natplan.models.city import load_city
    from natplan.templates.outputs import now_printed_at

    console = Console(stderr=True, highlight=False)
    OutputFolder(Path(args.output), force=args.force).check()  # before anything is solved
    loaded = load_city(args.scenario)
    if args.dask:
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise SystemExit("natplan: --dask needs the dask extra: pip install 'natplan[dask]'") from None
    workers = args.workers or os.cpu_count() or 1
    printed_at = now_printed_at()
    t0 = time.perf_counter()
    try:
        plan, outcome = _plan_and_write_city(args, loaded, workers, printed_at, console)
    except _Abort as abort:
        return abort.code
    wall = time.perf_counter() - t0
    for w in plan.warnings:
        console.print(f"warning: {w}")
    if outcome.warnings:
        console.print(f"{len(outcome.warnings)} township warnings (each township's plan.json lists its own)")
    k = plan.kpis
    print(f"{args.output}: plan.json, city.pdf, city.xlsx, index.html, townships/<id>/ — {plan.city}")
    print(f"  people {k.people:,} in {k.townships} townships ({k.planned} planned), units open {k.units_open:,}, "
          f"groups {k.groups_used:,}")
    print(f"  sampling done {hm(k.finish, missing='—')}  (slowest township's bound {hm(k.bound, missing='—')}, "
          f"ratio {'—' if k.finish_ratio is None else f'{k.finish_ratio:.2f}'}); tubes {k.tubes:,}, "
          f"labs done {hm(k.lab_done, missing='—')}")
    if k.joint_bound is not None:
        print(f"  joint bound {hm(k.joint_bound)} (ratio {'—' if k.joint_ratio is None else f'{k.joint_ratio:.2f}'}), "
              f"{k.days} day(s); {k.late} township(s) past the deadline {hm(loaded.city.parameters.last_deadline)}")
    print(f"  worst sample age {'—' if k.worst_sample_age_min is None else f'{k.worst_sample_age_min:.0f}'} min, "
          f"courier vehicles {k.courier_vehicles:,}, shuttle vehicles {k.shuttle_vehicles:,}")
    print(f"  {wall:.0f} s wall on {workers} {'Dask workers' if args.dask else 'processes'}, "
          f"{outcome.cpu_s:.0f} s CPU in township jobs")
    for r in plan.townships:
        for e in r.problems:
            print(explain(f"{args.scenario}: township {r.id} {r.name}", e, args.lang), file=sys.stderr)
    for e in plan.problems:  # the city's own: a shared lab's queue over the age limit
        print(explain(str(args.scenario), e, args.lang), file=sys.stderr)
    failed = sum(1 for r in plan.townships if not r.planned)
    if failed:
        print(f"{args.scenario}: {failed} of {k.townships} townships could not be planned (above); "
              f"the others are in {args.output}", file=sys.stderr)
    return 2 if failed or plan.problems else 0


def _plan_and_write_city(args, loaded, workers: int, printed_at: str, console):
    """Plan the city with its township files streamed into the staged folder; the city's files last."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from natplan.scheduler.city import plan_city as solve_city
    from natplan.templates.city import city_files

    with OutputFolder(Path(args.output), force=args.force).staged() as sink:
        with Progress(TextColumn("natplan: townships"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TextColumn("{task.description}"), console=console, transient=True) as bar:
            task = bar.add_task("", total=len(loaded.city.townships))
            outcome = solve_city(loaded, workers=workers, dask=args.dask,
                                 time_limit=args.time_limit or CITY_TOWNSHIP_TIME_LIMIT,
                                 render=not args.no_township_print, lang=args.lang, printed_at=printed_at, sink=sink,
                                 progress=lambda done, total, name: bar.update(task, completed=done, description=name))
        if outcome.plan is None:
            for e in outcome.problems:
                print(explain(str(args.scenario), e), file=sys.stderr)
            raise _Abort(2)  # leaves OUT as it was
        plan = outcome.plan
        with console.status("natplan: city overview"):
            for name, data in city_files(plan, loaded, lang=args.lang, printed_at=printed_at).items():
                sink(name, data)
        sink("plan.json", plan_json(plan))
    return plan, outcome


# -------------------------------------------------------------------------------------------- print

def print_set(args) -> int:
    """``natplan print FOLDER``: lay out the printed set of a plan already made (a township folder of a
    city plan, or a town's OUT)."""
    from natplan.models.loader import load_scenario
    from natplan.models.replan import plan_model
    from natplan.outfolder import plan_folder_of
    from natplan.routing.network import TRAVEL
    from natplan.templates.outputs import now_printed_at, render_outputs

    folder = Path(args.folder)
    root, rel = plan_folder_of(folder)
    out = OutputFolder(root, force=args.force, display=str(folder))
    names = [rel + name for name in ("plan.xlsx", "rosters.pdf", "index.html")]
    out.check(names)  # before anything is laid out
    data = read_plan_json(folder / "plan.json")
    if data.get("kind") == "city":
        raise InputError.single(str(folder / "plan.json"), "a city plan: print one of its townships/<id> folders")
    scenario_path = args.scenario or folder / "scenario.yaml"
    loaded = load_scenario(scenario_path, travel=TRAVEL)
    plan = plan_model(data)  # a re-planned plan too (natplan replan)
    if plan.scenario_sha256 != loaded.digest:
        print(f"{folder / 'plan.json'}: warning: made from a different version of {scenario_path}", file=sys.stderr)
    files, warnings = render_outputs(plan, loaded.scenario, loaded.geometry, lang=args.lang,
                                     printed_at=now_printed_at())
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    out.write({rel + name: blob for name, blob in files.items()}, replace_all=False)
    print(f"{folder}: {', '.join(sorted(files))}")
    return 0
