"""Re-plan a round while it runs: the rest of the day around what happened (``natplan replan``).

:func:`replan` takes the scenario, the plan being carried out and the
events (:mod:`natplan.models.events`) and gives the plan as it now stands.
Everything before the earliest event (the *cut*) stays as done: people
sampled, tubes collected, on the road or at the station, rosters worked.
After it the plan changes only where the events make it:

1. the walk-in people (:mod:`.walkins`): slots at closed units, at units of
   groups that lost samplers, and for people the ledger did not have; whom
   their unit cannot take in time moves to a nearby unit;
2. the rosters of the groups whose day changed, edited within the labour
   rules (:mod:`.rosters`), and each changed unit's day from them;
3. the pickups of the plan's courier runs on the units' new days (more runs
   where a unit samples longer) and stand-ins for couriers that are out
   (:mod:`.couriers`); the shuttles from the cut on and the lab's queue
   while it is slow (:mod:`.transport`);
4. a retest for every positive pool (:mod:`.retests`).

The result is checked by ``natplan verify``'s rules
(:func:`natplan.scheduler.verify.violations`, which include the re-plan
rules of :mod:`natplan.scheduler.verify.replan`); a broken rule is a
problem of the outcome.  A round that cannot be re-planned gives no plan,
only its problems, each with what would fix it.  :func:`.changes.changes`
says what changed, for the notices and sheets to print again.

A re-planned plan may be re-planned again (:func:`replan` takes it as the
plan being carried out): the new events come at or after the latest one it
applied (:func:`too_early`), its events still hold (they are passed on to
each step as facts: a unit closed, members gone, vehicles out, the lab
slow), everything before the new cut stays as it decided, and the new
record carries every event, the earlier re-plans in ``earlier``.

The re-plan uses the pipeline's public pieces (the slot planner and the
queue at a rate minute by minute, the samplers at work in the rosters, the
labour rules, the lab's queue of the shuttles) and its own logic for the
rest; it does not run the joint planner or the courier router again (the
plan's stays and fleet choice stay; they also take longer than a re-plan
may).  It is
deterministic: the same plan, events and scenario give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from natplan.models.clock import format_clock as hm
from natplan.models.events import (
    Events,
    LabSlow,
    PositivePool,
    VehicleOut,
    new_households,
    scenario_with_events,
)
from natplan.models.plan import Explanation, Kpis, Plan
from natplan.models.replan import Applied, Replan, ReplannedPlan
from natplan.models.scenario import Scenario
from natplan.models.summary import summarize
from natplan.scheduler.replan.changes import Changes, changes
from natplan.scheduler.replan.couriers import retime_couriers
from natplan.scheduler.replan.retests import retest
from natplan.scheduler.replan.transport import (
    home_batches,
    lab_batches,
    replan_lab,
    replan_shuttles,
    station_arrivals,
)
from natplan.scheduler.replan.walkins import replan_walk_ins

__all__ = ["ReplanOutcome", "event_problems", "replan", "too_early"]


@dataclass(frozen=True)
class ReplanOutcome:
    """A re-planned plan, or why there is none; what changed; warnings either way."""

    plan: ReplannedPlan | None
    problems: list[Explanation]
    warnings: list[str] = field(default_factory=list)
    changes: Changes | None = None


def round_kpis(s: Scenario, parts, days, visits, routing, old: Kpis) -> Kpis:
    """The plan's KPIs, as the pipeline computes them (the joint bound is the plan's: the round is the same)."""
    p = s.parameters
    finish = int(round(max(d.finish for d in days)))
    bound = p.start + summarize(s).throughput_bound_min
    dist = [(x.distance_m, x.people) for x in parts]
    walk_in = sum(x.people for x in parts)
    joint = old.joint_bound
    return old.model_copy(update=dict(
        people=s.people, walk_in=walk_in, home_visits=len(s.special_needs), units_open=len(days),
        groups_used=len({v.group for v in visits}), finish=finish, bound=round(bound, 1),
        finish_ratio=round((finish - p.start) / max(1e-9, bound - p.start), 3),
        peak_queue=max(d.peak_queue for d in days),
        walk_mean_m=round(sum(d * n for d, n in dist) / max(1, walk_in), 1),
        walk_max_m=round(max(d for d, _ in dist), 1),
        worst_sample_age_min=routing.shuttles.worst_age_min,
        courier_vehicles=sum(z.vehicles_needed for z in routing.zones),
        joint_ratio=None if joint is None else round((finish - p.start) / max(1e-9, joint - p.start), 3)))


def event_problems(scenario: Scenario, plan: Plan, events: Events) -> list[tuple[int, str, str]]:
    """What the events say that the plan makes impossible: a positive result for a tube before the lab has it
    (or for a tube a re-planned plan retests already), an event before those a re-planned plan was made for.

    Returns
    -------
    list[tuple[int, str, str]]
        ``(event index, field, message)`` for each (the caller names the file and line).
    """
    out = [(i, "at", f"{x.problem} — fix: {x.fix}") for i, x in too_early(plan, events)]
    prior = plan.replan if isinstance(plan, ReplannedPlan) else None
    retested = {(x.unit, x.tube) for x in prior.retests} if prior is not None else set()
    trips = sorted(plan.routing.shuttles.trips, key=lambda t: t.depart)
    for i, e in enumerate(events.events):
        if not isinstance(e, PositivePool):
            continue
        if (e.unit, e.tube) in retested:
            out.append((i, "tube", f"tube {e.tube} of {e.unit} is retested already (an event the plan was re-planned "
                                   f"for)"))
            continue
        taken = 0
        stops = sorted((st.time, lp.back, st.tubes) for z in plan.routing.zones for r in z.routes for lp in r.loops
                       for st in lp.stops if st.unit == e.unit)
        for _, back, tubes in stops:
            taken += tubes
            if taken >= e.tube:
                ride = next((t for t in trips if t.depart >= back), None)
                if ride is not None and ride.arrive > e.at:
                    out.append((i, "at", f"tube {e.tube} of {e.unit} reaches the lab at {hm(ride.arrive)} in the "
                                          f"plan (shuttle of {hm(ride.depart)}); a result at {hm(e.at)} cannot be "
                                          f"for it"))
                break
    return out


def too_early(plan: Plan, events: Events) -> list[tuple[int, Explanation]]:
    """The events before the latest one a re-planned plan was made for, by index: a re-plan goes on from there.

    Returns
    -------
    list[tuple[int, Explanation]]
        Empty for a plan that is not a re-plan.
    """
    if not isinstance(plan, ReplannedPlan):
        return []
    latest = max(e.at for e in plan.replan.events)
    return [(i, Explanation(
        where=f"events[{i}]", problem=f"{hm(e.at)} is before {hm(latest)}, the latest event the plan was re-planned "
                                      f"for; a new re-plan starts at or after it",
        fix="re-plan the original plan.json with all the events in one file"))
        for i, e in enumerate(events.events) if e.at < latest]


def replan(scenario: Scenario, plan: Plan, events: Events, *, base_sha256: str = "", events_sha256: str = "",
           check: bool = True) -> ReplanOutcome:
    """Re-plan the rest of a round after ``events``.

    Parameters
    ----------
    scenario
        The scenario the plan was made from.
    plan
        The plan being carried out.  It may be a re-plan itself: then its events still hold (a unit still
        closed, a vehicle still out, members gone, the lab still slow), everything before the new events
        stays as that re-plan decided, and the new plan's record holds every event.
    events
        What happened (:func:`natplan.models.events.load_events`): for a re-planned plan, at or after the
        latest event it was re-planned for (:func:`too_early`).
    base_sha256, events_sha256
        Digests of the plan.json and the events file, recorded in the new plan.
    check
        Check the result by ``natplan verify``'s rules (a broken rule is a problem).

    Returns
    -------
    ReplanOutcome
        The new plan with its ``replan`` record and what changed, or the problems (each with its fix).
    """
    late = too_early(plan, events)
    if late:
        return ReplanOutcome(None, [x for _, x in late])
    prior = plan.replan if isinstance(plan, ReplannedPlan) else None
    earlier = list(prior.events) if prior is not None else []
    joined = Events(events=earlier + list(events.events), notice_min=events.notice_min)
    s = scenario_with_events(scenario, joined)
    p = s.parameters
    cut = events.cut
    first = len(earlier)  # index of this re-plan's first event among all the plan's events
    households = {i - first: h for i, h in new_households(scenario, joined).items() if i >= first}
    walk = replan_walk_ins(s, plan, events, households, before=earlier)
    problems = list(walk.problems)
    warnings = list(plan.warnings) + walk.notes
    if problems:
        return ReplanOutcome(None, problems, warnings)
    outs = [e for e in joined.events if isinstance(e, VehicleOut)]
    couriers = retime_couriers(s, plan, walk.service, walk.changed, cut, outs,
                               prior.substitutes if prior is not None else [])
    problems += couriers.problems
    retests = list(prior.retests) if prior is not None else []
    team = len(retests)
    for i, e in enumerate(events.events):
        if isinstance(e, PositivePool):
            team += 1
            done, note = retest(s, first + i, e, [x for x in plan.slots if x.unit == e.unit], walk.works,
                                events.notice_min, f"R{team}")
            retests.append(done)
            warnings += [note] if note else []
            if done.worst_age_min > p.sample_age_limit_min:
                problems.append(Explanation(where=e.unit, problem=f"the retest of tube {e.tube} of {e.unit} reaches "
                                            f"the lab {done.worst_age_min:.0f} min after the swab",
                                            fix="send the retest team by car straight to the lab, or a nearer lab"))
    arrivals = station_arrivals(couriers.routing, home_batches(plan, p.pooling_ratio))
    shuttles, shuttle_problems = replan_shuttles(s, plan.routing.shuttles, couriers.routing, arrivals, cut, outs,
                                                 couriers.reserved)
    problems += shuttle_problems
    routing = couriers.routing.model_copy(update={"shuttles": shuttles})
    lab, lab_problems = replan_lab(s, [e for e in joined.events if isinstance(e, LabSlow)],
                                   lab_batches(shuttles, arrivals, retests))
    problems += lab_problems
    staffing = plan.staffing.model_copy(update={
        "visits": walk.visits, "shifts": walk.shifts, "makespan": max(v.close for v in walk.visits)})
    record = Replan(base_plan_sha256=base_sha256, events_sha256=events_sha256, cut=cut,
                    notice_min=events.notice_min, events=joined.events,
                    rates=(list(prior.rates) if prior is not None else []) + walk.rates,
                    substitutes=couriers.substitutes, retests=retests, lab=lab, earlier=_earlier(prior))
    new = ReplannedPlan(
        scenario=plan.scenario, scenario_sha256=plan.scenario_sha256, seed=plan.seed,
        natplan_version=plan.natplan_version,
        assignment=plan.assignment.model_copy(update={"parts": walk.assignment_parts}), slots=walk.slots,
        units=walk.units, staffing=staffing, routing=routing,
        kpis=round_kpis(s, walk.assignment_parts, walk.units, walk.visits, routing, plan.kpis), warnings=warnings,
        replan=record)
    if check and not problems:
        broken, already = _broken_rules(scenario, plan, new)
        problems += broken
        warnings += already
    if problems:
        return ReplanOutcome(None, problems, warnings)
    return ReplanOutcome(new, [], warnings, changes(s, plan, new))


def _earlier(prior: Replan | None) -> list[Applied]:
    """The re-plans a re-planned plan carries out already: its own earlier ones, then itself."""
    if prior is None:
        return []
    return [*prior.earlier, Applied(base_plan_sha256=prior.base_plan_sha256, events_sha256=prior.events_sha256,
                                    cut=prior.cut, events=len(prior.new_events))]


def _broken_rules(scenario: Scenario, before: Plan, after: ReplannedPlan) -> tuple[list[Explanation], list[str]]:
    """``natplan verify`` on the re-plan: each rule it breaks that the plan it changed did not break, as a
    problem; the ones the plan broke already, as warnings."""
    from natplan.planfile import plan_json
    from natplan.scheduler.verify import violations

    old = {(v.rule, v.message) for v in violations(scenario, json.loads(plan_json(before)))}
    found = violations(scenario, json.loads(plan_json(after)))
    broken = [Explanation(where=v.rule, problem=v.message,
                          fix="report this to the natplan developers with the plan and the events file")
              for v in found if (v.rule, v.message) not in old]
    return broken, [f"the plan broke this rule already ({v.rule}): {v.message}" for v in found
                    if (v.rule, v.message) in old]

