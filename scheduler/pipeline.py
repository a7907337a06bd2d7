"""The plan pipeline: scenario → assignment → staffing → slots → plan.

Each stage takes plain validated models and returns plan models; nothing
reaches back upstream.  :func:`plan_round` never raises for a round that
cannot be planned: it returns the explanations instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from natplan.models.clock import format_clock as hm
from natplan.models.loader import LoadedScenario, load_scenario
from natplan.outfolder import OutputFolder
from natplan.models.plan import Explanation, Kpis, Plan
from natplan.models.summary import summarize
from natplan.scheduler.assign import assign
import math

from natplan.routing.couriers import UnitService, plan_couriers
from natplan.routing.home import plan_home_visits
from natplan.scheduler.slots import plan_slots, sampled_curve, unit_day
from natplan.scheduler.staffing import staff


def natplan_version() -> str:
    try:
        return version("natplan")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+source"


@dataclass(frozen=True)
class Outcome:
    """A plan, or why there is none; warnings either way."""

    plan: Plan | None
    problems: list[Explanation]
    warnings: list[str] = field(default_factory=list)


def _candidate(s, targets, time_limit: float, seed: int, incumbent, say=None):
    """Assign with these unit targets, then staff: (AssignResult, StaffResult or None, load by unit)."""
    say = say or (lambda _stage: None)
    say("assign")
    ar = assign(s, time_limit=time_limit, seed=seed, targets=targets)
    if ar.assignment is None:
        return ar, None, None
    load = Counter()
    for part in ar.assignment.parts:
        load[part.unit] += part.people
    say("staff")
    sr = staff(s, dict(load), time_limit=time_limit, seed=seed, incumbent=incumbent)
    return ar, sr, load


def plan_round(loaded: LoadedScenario, seed: int | None = None, time_limit: float = 2.0,
               progress=None, staffing_incumbent: list | None = None, pool=None) -> Outcome:
    """Plan a whole round.

    Parameters
    ----------
    loaded
        A validated scenario (:func:`natplan.models.loader.load_scenario`).
    seed
        Overrides the scenario's seed.
    time_limit
        Deterministic work budget per solver stage (about seconds).
    progress
        Optional callable ``progress(stage_name)`` called as each stage starts.
    staffing_incumbent
        Visits of a plan known to fit (see :func:`natplan.scheduler.staffing.staff`).
    pool
        An executor (a process pool) to work out the second candidate on while this process works out
        the first; the plan is the same as without it (each candidate is deterministic on its own).
    """
    s = loaded.scenario
    p = s.parameters
    seed = p.seed if seed is None else seed
    say = progress or (lambda _stage: None)
    warnings = list(loaded.warnings)

    # Two candidate assignments: least walking with each unit's full capacity, and least walking
    # with every unit held near its fair share of the town (the load-evening term). Each is staffed,
    # and the one that finishes first is kept (ties: less walking).
    # The fair-share candidate never won on Xiagezhuang, but no cheap bound tells when it cannot, so it
    # is always worked out: on *pool* at the same time as the full-capacity one when there is a pool.
    full = {u.id: 10**9 for u in s.units}
    fair = pool.submit(_candidate, s, None, time_limit, seed, staffing_incumbent) if pool is not None else None
    candidates = []
    try:
        for targets in (full, None):
            if targets is None and fair is not None:
                ar, sr, load = fair.result()
            else:
                ar, sr, load = _candidate(s, targets, time_limit, seed, staffing_incumbent, say)
            if ar.assignment is None:
                return Outcome(None, ar.problems, warnings)
            if sr.staffing is None:
                return Outcome(None, sr.problems, warnings)
            candidates.append((sr.staffing.makespan, ar.assignment.stats.objective, ar, sr, load))
    finally:
        if fair is not None:
            fair.cancel()  # when the first candidate failed; a running one finishes unheard
    _, _, ar, sr, load = min(candidates, key=lambda c: (c[0], c[1]))
    warnings += [e.problem for e in ar.problems]
    for u in s.units:
        if load[u.id] == 0:
            warnings.append(f"unit {u.id} {u.name} has no one assigned; it stays closed")

    used = {v.group for v in sr.staffing.visits}
    for g in s.groups:
        if g.id not in used:
            warnings.append(f"group {g.id} {g.name} has no unit to staff")
    teams, team_problems = plan_home_visits(s)
    staffing = sr.staffing.model_copy(update={"home_teams": teams})
    home_batches = []
    for team in teams:
        for leave, back in team.trips:
            on_trip = [t for sid, t in team.stops if leave <= t <= back]
            if on_trip:
                home_batches.append((back, math.ceil(len(on_trip) / p.pooling_ratio), min(on_trip)))

    say("slots")
    parts_by_unit = defaultdict(list)
    for part in ar.assignment.parts:
        parts_by_unit[part.unit].append(part)
    visit_of = {v.unit: v for v in staffing.visits}
    room = {u.id: u.waiting_room for u in s.units}
    slots, days, service = [], [], {}
    for u in s.units:
        if u.id not in visit_of:
            continue
        v = visit_of[u.id]
        # nearest grids first, so the first slots are the short walks
        parts = sorted(parts_by_unit[u.id], key=lambda x: (x.distance_m, x.grid, x.part))
        us = plan_slots(u.id, v.open, sr.rate[u.id], room[u.id], p.slot_min, parts)
        slots.extend(us)
        day = unit_day(u.id, v.group, v.open, v.close, sr.rate[u.id], us)
        days.append(day)
        t0, curve = sampled_curve(v.open, sr.rate[u.id], us)
        service[u.id] = UnitService(u.id, v.open, day.finish, t0, curve)

    say("routing")
    routing, route_problems, route_warnings = plan_couriers(s, service, seed=seed, home_batches=home_batches)
    warnings += route_warnings

    problems = list(sr.problems) + team_problems + route_problems
    for d in days:
        if d.peak_queue > room[d.unit] + 1e-6:
            problems.append(Explanation(where=d.unit, problem=f"queue {d.peak_queue:.0f} passes the waiting room",
                                        fix="spread the slots"))
    summary = summarize(s)
    finish = max(int(round(d.finish)) for d in days)
    bound = p.start + summary.throughput_bound_min
    dist = [(x.distance_m, x.people) for x in ar.assignment.parts]
    walk_in = sum(x.people for x in ar.assignment.parts)
    kpis = Kpis(
        people=s.people, walk_in=walk_in, home_visits=len(s.special_needs), units_open=len(days),
        groups_used=len(used), finish=finish, bound=round(bound, 1),
        finish_ratio=round((finish - p.start) / max(1e-9, bound - p.start), 3),
        peak_queue=max(d.peak_queue for d in days),
        walk_mean_m=round(sum(d * n for d, n in dist) / max(1, walk_in), 1),
        walk_max_m=round(max(d for d, _ in dist), 1),
        worst_sample_age_min=routing.shuttles.worst_age_min,
        courier_vehicles=sum(z.vehicles_needed for z in routing.zones),
    )
    plan = Plan(scenario=s.name, scenario_sha256=loaded.digest, seed=seed, natplan_version=natplan_version(),
                assignment=ar.assignment, slots=slots, units=days, staffing=staffing, routing=routing, kpis=kpis,
                warnings=warnings)
    if finish > p.deadline and not any(e.where != "town" for e in problems):
        problems.append(Explanation(where="town", problem=f"the round finishes at {hm(finish)}, after the deadline "
                                    f"{hm(p.deadline)}", fix="add groups or desks, or move the deadline"))
    return Outcome(plan if not problems else None, problems, warnings)


def plan_json(plan: Plan) -> bytes:
    """The canonical bytes of plan.json (sorted keys, so the same plan gives the same file)."""
    return (json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


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


def plan_main(args) -> int:
    """``natplan plan SCENARIO -o OUT``: plan, write OUT atomically, print the summary."""
    from rich.console import Console

    from natplan.processes import stop_pool, worker_pool
    from natplan.templates.outputs import now_printed_at, render_outputs, render_pool

    console = Console(stderr=True, highlight=False)
    folder = OutputFolder(Path(args.output), force=args.force)
    folder.check()  # before anything is solved
    # Processes are started first (forked before any thread): the rendering workers import WeasyPrint
    # and matplotlib while the round is planned, and a second process works out the fair-share candidate.
    parallel = (os.cpu_count() or 1) > 1
    render = render_pool()
    solve = worker_pool(max_workers=1) if parallel else None
    try:
        render.submit(int)  # start the workers now
        if solve is not None:
            solve.submit(int)
        loaded = load_scenario(args.scenario)
        with console.status("…") as status:
            outcome = plan_round(loaded, seed=args.seed, time_limit=args.time_limit or 0.2,
                                 progress=lambda stage: status.update(f"natplan: {stage}"), pool=solve)
        stop_pool(solve)
        for w in outcome.warnings:
            console.print(f"warning: {w}")
        if outcome.plan is None:
            for e in outcome.problems:
                print(f"{args.scenario}: {e.where}: {e.problem}" + (f" — fix: {e.fix}" if e.fix else ""),
                      file=sys.stderr)
            return 2
        plan = outcome.plan
        with console.status("natplan: render"):
            files, render_warnings = render_outputs(plan, loaded.scenario, loaded.geometry, lang=args.lang,
                                                    printed_at=now_printed_at(), pool=render)
    finally:
        for pool in (solve, render):
            stop_pool(pool)
    for w in render_warnings:
        console.print(f"warning: {w}")
    folder.write({"plan.json": plan_json(plan), **files})
    k = plan.kpis
    a = plan.assignment.stats
    st = plan.staffing.stats
    print(f"{args.output}: plan.json, plan.xlsx, rosters.pdf, index.html — {plan.scenario}")
    print(f"  people {k.people:,} (walk-in {k.walk_in:,}, home visits {k.home_visits}), "
          f"units open {k.units_open}, groups used {k.groups_used}")
    print(f"  finish {hm(k.finish)}  bound {hm(k.bound)}  ratio {k.finish_ratio:.2f}  "
          f"peak queue {k.peak_queue:.0f}")
    sh = plan.routing.shuttles
    print(f"  courier vehicles {k.courier_vehicles} (lower bound {plan.routing.stats.bound:.0f}), "
          f"shuttles every {sh.cadence_min} min on {sh.vehicles_used} vehicles (fewest {sh.fewest_vehicles}), "
          f"worst sample age {k.worst_sample_age_min:.0f} min")
    print(f"  walking mean {k.walk_mean_m:,.0f} m, max {k.walk_max_m:,.0f} m; "
          f"assignment gap {a.gap:.2%} ({a.method}), staffing gap {st.gap:.2%}")
    print_courier_table(plan)
    return 0
