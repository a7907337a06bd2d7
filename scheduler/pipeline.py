"""The plan pipeline: scenario → joint plan (who goes where, who works where and when) → home visits → couriers.

Each stage takes plain validated models and returns plan models; nothing
reaches back upstream.  The joint stage (:mod:`natplan.scheduler.joint`)
decides the grids' units, the groups' stays, every person's roster within
the labour rules, the slots and each unit's day together.  :func:`plan_round`
never raises for a round that cannot be planned: it returns the
explanations instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from natplan.models.clock import format_clock as hm
from natplan.models.loader import LoadedScenario
from natplan.models.plan import Assignment, Explanation, Kpis, Plan, SolverStats, Staffing
from natplan.models.summary import summarize
from natplan.routing.couriers import merge_days, plan_couriers
from natplan.routing.home import plan_home_visits
from natplan.scheduler.budget import DEFAULT_TIME_LIMIT
from natplan.scheduler.days import day_services, join_routings
from natplan.scheduler.explain import late_units, paused, round_needs_days, round_too_short, unused
from natplan.scheduler.joint import plan_joint

LEFT = ("people_left", "unit_closes")
"""Codes of the joint planner's problems that say people are left unsampled (not a labour rule)."""

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
    late: list[Explanation] = field(default_factory=list)  # why a plan given with ``late_ok`` ends after the deadline


def plan_round(loaded: LoadedScenario, seed: int | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
               progress=None, staffing_incumbent: list | None = None, pool=None, late_ok: bool = False,
               joint=None, on_joint=None) -> Outcome:
    """Plan a whole round.

    Parameters
    ----------
    loaded
        A validated scenario (:func:`natplan.models.loader.load_scenario`).
    seed
        Overrides the scenario's seed.
    time_limit
        Work budget of the joint search (about seconds; :mod:`natplan.scheduler.budget`).
    progress
        Optional callable ``progress(stage_name)`` called as each stage starts.
    staffing_incumbent
        Visits of a plan known to fit (the same round with one group fewer): kept when they finish earlier.
    pool
        Kept for callers that pass a process pool; the joint method runs in this process.
    late_ok
        Give the plan even when it ends after the deadline (a township of a city: the city plan says which
        townships are late and why); the reasons are then warnings.
    joint
        The joint stage's result for this same scenario, seed and budget, made before (a city township
        planned again with another lab capacity: the joint stage does not read the lab); None to make it.
    on_joint
        Optional callable ``on_joint(result)`` given the joint stage's result (to keep for ``joint``).

    Returns
    -------
    Outcome
        The plan, or the problems that keep it from being made; warnings either way.
    """
    del pool
    s = loaded.scenario
    p = s.parameters
    seed = p.seed if seed is None else seed
    say = progress or (lambda _stage: None)
    warnings = list(loaded.warnings)

    short = round_too_short(s)
    if short is not None:
        return Outcome(None, [short], warnings)
    say("joint")
    jr = joint if joint is not None else plan_joint(s, time_limit=time_limit, seed=seed,
                                                    incumbent=staffing_incumbent)
    if on_joint is not None:
        on_joint(jr)
    if jr.realised is None:
        return Outcome(None, jr.problems, warnings)
    r = jr.realised
    if jr.problems and jr.days > p.round_days and all(e.code in LEFT for e in jr.problems):
        # people left in the days the plan takes, more than allowed: the days are the cause (and a closing unit)
        return Outcome(None, [round_needs_days(s, jr.data, jr.bound, r.finish)]
                       + [e for e in jr.problems if e.code == "unit_closes"], warnings)
    if jr.problems:  # a labour rule the groups cannot keep: no plan
        return Outcome(None, jr.problems, warnings)
    warnings += jr.notes
    warnings += list(r.notes)  # days worked in shifts (relief)
    used = {v.group for v in r.visits}
    warnings += unused(s, {d.unit for d in r.days}, used)
    warnings += paused(r.days, r.visits)

    say("home visits")
    home = plan_home_visits(s)
    home_batches = []
    for team in home.teams:
        for leave, back in team.trips:
            on_trip = [t for sid, t in team.stops if leave <= t <= back]
            if on_trip:
                home_batches.append((back, math.ceil(len(on_trip) / p.pooling_ratio), min(on_trip)))

    say("routing")
    problems = list(home.problems)
    if jr.days == 1:
        couriers = [plan_couriers(s, r.service, seed=seed, home_batches=home_batches)]
    else:  # each day on its own: units close for the night
        couriers = [plan_couriers(s, sv, seed=seed, home_batches=home_batches if d == 0 else [])
                    for d, sv in enumerate(day_services(jr.data.rules, r.service, r.visits))]
    routing = join_routings([c.routing for c in couriers])
    for c in couriers:
        warnings += [w for w in c.warnings if w not in warnings]
    problems += [e for e in merge_days([e for c in couriers for e in c.problems]) if e not in problems]
    for d in r.days:
        if d.peak_queue > s.units[[u.id for u in s.units].index(d.unit)].waiting_room + 1e-6:
            problems.append(Explanation(where=d.unit, problem=f"queue {d.peak_queue:.0f} passes the waiting room",
                                        fix="spread the slots"))

    walk_in = sum(x.people for x in r.parts)
    dist = [(x.distance_m, x.people) for x in r.parts]
    person_m = sum(dd * n for dd, n in dist)
    finish = r.finish
    bound = p.start + summarize(s).throughput_bound_min
    kpis = Kpis(
        people=s.people, walk_in=walk_in, home_visits=len(s.special_needs), units_open=len(r.days),
        groups_used=len(used), finish=finish, bound=round(bound, 1),
        finish_ratio=round((finish - p.start) / max(1e-9, bound - p.start), 3),
        peak_queue=max(d.peak_queue for d in r.days),
        walk_mean_m=round(person_m / max(1, walk_in), 1),
        walk_max_m=round(max(dd for dd, _ in dist), 1),
        worst_sample_age_min=routing.shuttles.worst_age_min,
        courier_vehicles=sum(z.vehicles_needed for z in routing.zones),
        joint_bound=float(jr.bound.finish),
        joint_ratio=round((finish - p.start) / max(1e-9, jr.bound.finish - p.start), 3),
        days=jr.days,
    )
    assignment = Assignment(parts=r.parts, balanced=True, stats=SolverStats(
        objective=round(person_m, 1), bound=round(min(person_m, jr.walk_bound), 1),
        gap=round(max(0.0, person_m - jr.walk_bound) / max(1.0, person_m), 6),
        method="whole grids: moves and swaps timed along each group's day", optimal=False))
    staffing = Staffing(visits=r.visits, shifts=r.shifts, home_teams=home.teams,
                        makespan=max(v.close for v in r.visits), stats=jr.stats)
    plan = Plan(scenario=s.name, scenario_sha256=loaded.digest, seed=seed, natplan_version=natplan_version(),
                assignment=assignment, slots=r.slots, units=r.days, staffing=staffing, routing=routing, kpis=kpis,
                warnings=warnings)
    late = []
    if jr.days > p.round_days:
        late.append(round_needs_days(s, jr.data, jr.bound, finish))
    elif finish > p.last_deadline or any(t.end > p.last_deadline for t in home.teams):
        late += late_units(s, r.days, r.visits)
        if not late:
            late.append(Explanation(where="town", problem=f"the round finishes at {hm(finish)}, after the deadline "
                                    f"{hm(p.last_deadline)}", fix="add groups or desks, or move the deadline"))
    if late and late_ok and not problems:
        plan = plan.model_copy(update={"warnings": warnings + [f"{e.problem} — fix: {e.fix}" for e in late]})
        return Outcome(plan, [], plan.warnings, late)
    problems += late
    return Outcome(plan if not problems else None, problems, warnings)
