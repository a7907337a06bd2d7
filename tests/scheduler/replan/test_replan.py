"""Each kind of event on the tiny town, with its outcome worked out by hand, and what a re-plan keeps.

The tiny town's plan (the ``tiny_base`` fixture, tests/scheduler/replan/bases.py; checked first by
``test_the_base_plan_is_the_one_worked_from``):
one group T1 samples at U1 08:30–09:30 (grid G1, 100 people) and at U2 10:00–12:30 (G2 100 people, then G3 148:
slots 10:00 G2 75 · 10:30 G2 25 + G3 25 · 11:00 G3 50 · 11:30 G3 50 · 12:00 G3 23), at 100 an hour; one courier
Z1-1 every 30 minutes; one station vehicle V1 shuttling at 08:29, 11:14 and 13:59 (20 min to the lab + 10 to hand
over); the age limit is 240 min.  Every outcome below also passes ``natplan verify`` (``replan`` checks its own
result by the verifier's rules and gives no plan otherwise).
"""

from __future__ import annotations

import pytest

from tests.scheduler.replan.conftest import slots_of


def test_the_base_plan_is_the_one_worked_from(tiny_base):
    _, plan = tiny_base
    assert [(v.group, v.unit, v.open, v.close) for v in plan.staffing.visits] == [("T1", "U1", 510, 570),
                                                                                  ("T1", "U2", 600, 750)]
    assert slots_of(plan, "U2") == [("G2", 600, 630, 75, (1, 30)), ("G2", 630, 660, 25, (31, 40)),
                                    ("G3", 630, 660, 25, (1, 10)), ("G3", 660, 690, 50, (11, 30)),
                                    ("G3", 690, 720, 50, (31, 50)), ("G3", 720, 750, 23, (51, 60))]
    assert [(t.vehicle, t.depart, t.tubes, t.oldest_swab) for t in plan.routing.shuttles.trips] == [
        ("V1", 509, 1, 482.0), ("V1", 674, 20, 511.0), ("V1", 839, 15, 661.0)]


def test_a_unit_that_closes_and_reopens_calls_its_people_again_when_it_reopens(tiny_base, replanned):
    # U2 closes 11:00-11:30: the 123 people of G3 called from 11:00 (households 11-60) are called again from
    # 11:30, 75 in the first slot (50 an hour's half plus the 25 the queue may hold), 48 in the next; at 100 an
    # hour the last is sampled at 11:30 + 123 × 0.6 min = 12:43.8.
    out = replanned(tiny_base, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")
    assert out.problems == []
    new = out.plan
    assert slots_of(new, "U2")[:3] == slots_of(tiny_base[1], "U2")[:3]  # called before 11:00: kept
    assert slots_of(new, "U2")[3:] == [("G3", 690, 720, 50, (11, 30)), ("G3", 690, 720, 25, (31, 40)),
                                       ("G3", 720, 750, 25, (41, 50)), ("G3", 720, 750, 23, (51, 60))]
    day = next(d for d in new.units if d.unit == "U2")
    assert day.finish == 763.8 and day.close == 764
    assert out.changes.villages == ["V1"] and out.changes.units == ["U2"] and out.changes.moves == []
    assert out.changes.finish == (750, 764)


def test_a_unit_closed_for_good_sends_its_people_to_a_unit_still_at_work(two_groups, replanned):
    # Two groups: T1 at U1 (G1, then G2) till 10:30, T2 at U2 (G3) till 10:00.  U2 closes at 09:00: its 25 waiting
    # are sampled by 09:15, and the 73 of G3 it would have called at 09:00 and 09:30 go to U1 (1,030 m away),
    # after U1's own last slot (10:00): U1 then has 25 waiting + 50 + 48 arriving from 10:00, 123 at 100 an hour:
    # done at 11:13.8.
    _, base = two_groups
    assert slots_of(base, "U2") == [("G3", 510, 540, 75, (1, 30)), ("G3", 540, 570, 50, (31, 50)),
                                    ("G3", 570, 600, 23, (51, 60))]
    out = replanned(two_groups, "events: [{kind: unit_closed, unit: U2, at: '09:00'}]")
    assert out.problems == []
    new = out.plan
    assert slots_of(new, "U2") == [("G3", 510, 540, 75, (1, 30))]
    assert slots_of(new, "U1")[5:] == [("G3", 600, 630, 25, (31, 40)), ("G3", 630, 660, 25, (41, 50)),
                                       ("G3", 630, 660, 23, (51, 60))]
    assert [(v.unit, v.close) for v in new.staffing.visits] == [("U1", 674), ("U2", 555)]
    assert [(p.grid, p.part, p.households, p.people, p.unit) for p in new.assignment.parts if p.grid == "G3"] == [
        ("G3", 1, (1, 30), 75, "U2"), ("G3", 2, (31, 60), 73, "U1")]
    assert [(m.grid, m.unit_from, m.unit_to, m.people) for m in out.changes.moves] == [("G3", "U2", "U1", 73)]


def test_a_unit_closed_for_good_with_no_unit_to_take_its_people_says_what_would_fix_it(tiny_base, replanned):
    # One group: when U2 closes at 11:00 no other unit has a group at work; the 123 people it would still call
    # need 74 min of U2, so it must reopen by 13:00 - 74 min = 11:46.
    out = replanned(tiny_base, "events: [{kind: unit_closed, unit: U2, at: '11:00'}]")
    assert out.plan is None
    assert [(p.where, p.problem, p.fix) for p in out.problems] == [(
        "U2", "123 people of grid(s) G3 (called to U2) have no unit within 3,000 m that can sample them by 13:00",
        "reopen U2 by 11:46, or move the deadline to 14:14, or send a group to open a unit within 3,000 m of G3")]


def test_a_group_that_loses_a_sampler_samples_slower_and_its_later_slots_are_spread(three_samplers, replanned):
    # T1 has 3 samplers and U2 3 desks: 300 an hour, done 10:59 (200 called at 10:00, 48 at 10:30).  A sampler
    # leaves at 10:00: his lines end then, and U2 swabs 200 an hour with the two left.  By 10:30 it has swabbed
    # 100 of the 200 (100 wait); with the 48 of 10:30 (a slot after the notice time, called again) the last is
    # sampled at 10:30 + 148 × 0.3 min = 11:14.4, and the group stays till 11:15.
    _, base = three_samplers
    assert slots_of(base, "U2")[-1] == ("G3", 630, 660, 48, (42, 60))
    assert [(d.unit, d.finish) for d in base.units] == [("U1", 570.0), ("U2", 659.3)]
    out = replanned(three_samplers, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}]")
    assert out.problems == []
    new = out.plan
    assert slots_of(new, "U2") == slots_of(base, "U2")
    assert [(r.unit, r.start, r.rate_per_hour) for r in new.replan.rates] == [("U2", 600, 200.0)]
    day = next(d for d in new.units if d.unit == "U2")
    assert (day.finish, day.close, day.rate_per_hour) == (674.4, 675, 200.0)
    assert max(sh.end for sh in new.staffing.shifts if sh.member == "采样员乙") == 600
    assert out.changes.groups == ["T1"] and out.changes.units == ["U2"]


def test_a_courier_out_has_its_loop_driven_by_the_free_station_vehicle(tiny_base, replanned):
    # Z1-1 is out 10:00-11:00: its one loop then (10:30-10:35) is driven by V1, which shuttles 08:29-09:19 and
    # 11:14-12:04.
    out = replanned(tiny_base, "events: [{kind: vehicle_out, vehicle: Z1-1, at: '10:00', until: '11:00'}]")
    assert out.problems == []
    assert [(x.route, x.vehicle, x.departs) for x in out.plan.replan.substitutes] == [("Z1-1", "V1", [630])]
    assert out.plan.routing == tiny_base[1].routing  # the loops themselves do not change
    assert out.changes.couriers == ["Z1-1", "V1"]


def test_a_station_vehicle_out_delays_the_shuttle_to_its_return_within_the_age_limit(tiny_base, replanned):
    # V1 is out 11:00-12:00: the 11:14 shuttle leaves when V1 is back, at 12:00, with 25 tubes; the oldest (swabbed
    # 08:31) is at the lab at 12:30, 239 min old; the 13:59 shuttle then takes the 10 tubes left.
    out = replanned(tiny_base, "events: [{kind: vehicle_out, vehicle: V1, at: '11:00', until: '12:00'}]")
    assert out.problems == []
    assert [(t.vehicle, t.depart, t.arrive, t.tubes, t.worst_age_min) for t in out.plan.routing.shuttles.trips] == [
        ("V1", 509, 539, 1, 57.0), ("V1", 720, 750, 25, 239.0), ("V1", 839, 869, 10, 178.0)]
    assert out.changes.shuttles


def test_a_slow_lab_queues_tubes_and_its_least_rate_is_the_fix(tiny_base, replanned):
    # From 10:00 the lab tests 10 tubes an hour, one every 6 min, in order of arrival.  At 11:44 the 20 tubes of
    # the 11:14 shuttle come (swabbed from 08:31, 09:01, 10:01, 10:31): the first five are tested 11:44-12:08, 217
    # min after 08:31.  At 14:29 the 15 of the 13:59 shuttle: their last, from 12:01, is tested at 15:53, 232 min.
    out = replanned(tiny_base, "events: [{kind: lab_slow, tubes_per_hour: 10, at: '10:00'}]")
    assert out.problems == []
    assert [(q.tubes, q.done, q.worst_age_min) for q in out.plan.replan.lab] == [(35, 953, 232.0)]
    # at 9 an hour the last tubes are 241 min old: 10 is the least rate that keeps the limit
    slow = replanned(tiny_base, "events: [{kind: lab_slow, tubes_per_hour: 9, at: '10:00'}]")
    assert slow.plan is None
    assert [(p.where, p.fix) for p in slow.problems] == [
        ("lab", "the lab must test at least 10 tubes an hour from 10:00, or send the boxes to a second lab while "
                "it is slow")]


def test_people_the_ledger_did_not_have_get_a_slot_at_a_unit_still_at_work(tiny_base, replanned):
    # 20 more people in G1 at 09:00 (2.5 a household: 8 new households, 41-48).  U1's group has left for U2 by
    # 09:30, so they go to U2 (1,170 m), into its last slot 12:00-12:30 with the 23 of G3: 25 waiting at 12:00 and
    # 43 arriving, 68 at 100 an hour, done at 12:40.8.
    out = replanned(tiny_base, "events: [{kind: more_people, grid: G1, people: 20, at: '09:00'}]")
    assert out.problems == []
    new = out.plan
    assert slots_of(new, "U2")[-1] == ("G1", 720, 750, 20, (41, 48))
    assert next(d.finish for d in new.units if d.unit == "U2") == 760.8
    assert [(m.grid, m.unit_from, m.unit_to, m.people) for m in out.changes.moves] == [("G1", "", "U2", 20)]
    assert new.kpis.people == 370 and new.kpis.walk_in == 368


def test_a_positive_pool_is_retested_at_home(tiny_base, replanned):
    # Tube 3 of U2 holds its swabs 21-30: people of G2's first slot (75 people in households 1-30), so households
    # 9-12.  The team leaves at 12:00, is there at 12:02 (2 min), 10 min a household: 12:02, 12:12, 12:22, 12:32;
    # back at the station 12:44, at the lab 13:04 + 10 min to hand over: 13:14, 72 min after the first swab.
    out = replanned(tiny_base, "events: [{kind: positive_pool, unit: U2, tube: 3, at: '12:00'}]")
    assert out.problems == []
    (r,) = out.plan.replan.retests
    assert [(m.grid, m.households, m.people) for m in r.members] == [("G2", (9, 12), 10)]
    assert (r.mode, r.team, r.leave, r.stops, r.lab_arrive, r.worst_age_min) == (
        "home", "R1", 720, [("G2", 722), ("G2", 732), ("G2", 742), ("G2", 752)], 794, 72.0)
    assert out.plan.slots == tiny_base[1].slots  # nobody else is called again


def test_a_positive_pool_is_retested_at_the_nearest_open_unit(tiny_base, replanned):
    # The result at 11:30: with 30 min notice the members come to U2 (open till 12:30) at 12:00-12:30; the team
    # is there at 12:00 (it left at 11:58) and takes the tubes to the lab: 12:32 at the station, 13:02 handed over.
    out = replanned(tiny_base, "events: [{kind: positive_pool, unit: U2, tube: 3, at: '11:30', retest: unit}]")
    (r,) = out.plan.replan.retests
    assert (r.mode, r.place, r.leave, r.first_swab, r.last_swab, r.lab_arrive) == ("unit", "U2", 718, 720, 750, 782)


def test_before_the_cut_everything_stays_as_done(tiny_base, replanned):
    _, base = tiny_base
    out = replanned(tiny_base, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]")
    new = out.plan
    cut = new.replan.cut
    assert [x for x in new.slots if x.start < cut] == [x for x in base.slots if x.start < cut]
    assert [t for t in new.routing.shuttles.trips if t.depart < cut] == [
        t for t in base.routing.shuttles.trips if t.depart < cut]

    def done(plan):
        return [(lp.depart, st) for z in plan.routing.zones for r in z.routes for lp in r.loops for st in lp.stops
                if st.time < cut]

    assert done(new) == done(base)

    def worked(plan):  # each person's lines up to the cut
        return sorted((sh.group, sh.member, sh.start, min(sh.end, cut), sh.unit, sh.kind)
                      for sh in plan.staffing.shifts if sh.start < cut)

    assert worked(new) == worked(base)


def test_the_same_plan_and_events_give_the_same_bytes(tiny_base, replanned):
    from natplan.planfile import plan_json

    text = "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}, " \
           "{kind: positive_pool, unit: U2, tube: 3, at: '12:00'}]"
    assert plan_json(replanned(tiny_base, text).plan) == plan_json(replanned(tiny_base, text).plan)


def _again(base, first: str, then: str):
    """Re-plan ``base`` on the events ``first``, that re-plan on ``then``, and ``base`` on both at once."""
    import yaml

    from natplan.models.events import Events
    from natplan.scheduler.replan import replan

    loaded, plan = base
    once = replan(loaded.scenario, plan, Events.model_validate(yaml.safe_load(first)))
    assert once.problems == []
    twice = replan(loaded.scenario, once.plan, Events.model_validate(yaml.safe_load(then)))
    both = {"events": yaml.safe_load(first)["events"] + yaml.safe_load(then)["events"]}
    return once, twice, replan(loaded.scenario, plan, Events.model_validate(both))


def _verified(scenario, plan) -> dict:
    """Every rule of ``natplan verify`` (the town's and the re-plan's) on ``plan``, by name: all empty."""
    import json

    from natplan.planfile import plan_json
    from natplan.scheduler.verify import violations
    from natplan.scheduler.verify.replan import REPLAN_RULES, replanned_scenario

    data = json.loads(plan_json(plan))
    found = {v.rule: v.message for v in violations(scenario, data)}
    s = replanned_scenario(scenario, data)
    return {**found, **{rule.__name__: rule(s, data) for rule in REPLAN_RULES if rule(s, data)}}


def _before(plan, cut):
    """What a plan has done before ``cut``: slots called, pickups, shuttles that left, each person's lines."""
    return ([x for x in plan.slots if x.start < cut],
            [(lp.depart, st) for z in plan.routing.zones for r in z.routes for lp in r.loops for st in lp.stops
             if st.time < cut],
            [t for t in plan.routing.shuttles.trips if t.depart < cut],
            sorted((sh.group, sh.member, sh.start, min(sh.end, cut), sh.unit, sh.kind)
                   for sh in plan.staffing.shifts if sh.start < cut))


def test_an_event_before_those_a_replanned_plan_was_made_for_is_refused(tiny_base, replanned):
    from natplan.models.events import Events
    from natplan.scheduler.replan import replan

    loaded, _ = tiny_base
    first = replanned(tiny_base, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]").plan
    again = replan(loaded.scenario, first, Events.model_validate(
        {"events": [{"kind": "lab_slow", "tubes_per_hour": 50, "at": "10:30"}]}))
    assert again.plan is None
    assert [(p.where, p.problem, p.fix) for p in again.problems] == [(
        "events[0]", "10:30 is before 11:00, the latest event the plan was re-planned for; a new re-plan starts at "
                     "or after it", "re-plan the original plan.json with all the events in one file")]


def test_a_replan_of_a_replan_ends_as_one_replan_of_both_events(tiny_base):
    # U2 closes 11:00-11:30 (G3's 123 people from 11:00 are called again from 11:30; U2 closes at 12:44), then at
    # 12:00 tube 3 of U2 is positive: its members (G2 households 9-12, 10 people) are retested at home by R1,
    # 12:02-12:32, at the lab at 13:14.  Re-planned one after the other, the round ends as when both events are
    # in one file: the same slots, rosters, loops, shuttles and retest; the record holds both events and says
    # which re-plan brought which.
    loaded, base = tiny_base
    once, twice, both = _again(tiny_base, "events: [{kind: unit_closed, unit: U2, at: '11:00', until: '11:30'}]",
                               "events: [{kind: positive_pool, unit: U2, tube: 3, at: '12:00'}]")
    assert twice.problems == [] and both.problems == []
    new = twice.plan
    assert (new.slots, new.units, new.staffing, new.routing) == (
        both.plan.slots, both.plan.units, both.plan.staffing, both.plan.routing)
    assert new.slots == once.plan.slots  # the retest calls nobody else
    (r,) = new.replan.retests
    assert r == both.plan.replan.retests[0]
    assert (r.event, r.team, r.members[0].households, r.people, r.stops[0], r.lab_arrive) == (
        1, "R1", (9, 12), 10, ("G2", 722), 794)
    assert [e.kind for e in new.replan.events] == ["unit_closed", "positive_pool"]
    assert new.replan.cut == 720 and [(a.cut, a.events) for a in new.replan.earlier] == [(660, 1)]
    assert [e.kind for e in new.replan.new_events] == ["positive_pool"]
    assert _before(new, 720) == _before(once.plan, 720)
    assert _verified(loaded.scenario, new) == {}
    # only what the second re-plan changed is to be told again: no slot, roster or loop
    assert (twice.changes.villages, twice.changes.units, twice.changes.couriers) == ([], [], [])


def test_a_second_replan_keeps_what_the_first_decided_before_its_events(three_samplers):
    # T1 has 3 samplers at U2 (3 desks).  Sampler 乙 leaves at 10:00 (the first re-plan: 200 an hour from 10:00,
    # done 11:14.4), then sampler 丙 at 10:30 (the second: 100 an hour with one sampler left).  By 10:30 U2 has
    # swabbed 100 of the 200 called at 10:00; the 48 of 10:30 are coming (their slot starts within the notice
    # time): 148 at 100 an hour, the last at 10:30 + 148 × 0.6 min = 11:58.8, and T1 stays at U2 till 11:59.
    loaded, base = three_samplers
    once, twice, _ = _again(three_samplers,
                            "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}]",
                            "events: [{kind: group_short, group: T1, members: [采样员丙], at: '10:30'}]")
    assert twice.problems == []
    new = twice.plan
    assert slots_of(new, "U2") == slots_of(once.plan, "U2") == slots_of(base, "U2")
    assert [(r.unit, r.start, r.rate_per_hour) for r in new.replan.rates] == [("U2", 600, 200.0),
                                                                              ("U2", 630, 100.0)]
    day = next(d for d in new.units if d.unit == "U2")
    assert (day.finish, day.close) == (718.8, 719)
    assert [max(sh.end for sh in new.staffing.shifts if sh.member == m) for m in ("采样员乙", "采样员丙")] == [600, 630]
    assert _before(new, 630) == _before(once.plan, 630)
    assert _verified(loaded.scenario, new) == {}
    # nobody sampled twice or missed: every household of every grid once, the same people as the plan's
    assert sum(x.people for x in new.slots) == sum(x.people for x in base.slots)
    # a member who left in an earlier re-plan cannot leave again
    from natplan.models.events import Events, check_events

    again = Events.model_validate({"events": [{"kind": "group_short", "group": "T1", "members": ["采样员乙"],
                                               "at": "11:00"}]})
    assert [(p.loc, p.message) for p in check_events(again, loaded.scenario, new)] == [
        (("events", 0, "members", 0), "采样员乙 of group T1 has already left")]


def test_a_stand_in_drives_on_and_its_runs_before_the_second_events_stay(tiny_base):
    # Z1-1 is out 10:00-12:00: V1 drives its runs of 10:30, 11:00 and 11:30 (the first re-plan).  At 10:45 the lab
    # slows to 60 tubes an hour: the run of 10:30 was driven, and V1 is still free for the later two, so the record
    # keeps one stand-in for all three, and the lab's queue is the one of a single re-plan of both events.
    loaded, _ = tiny_base
    once, twice, both = _again(tiny_base, "events: [{kind: vehicle_out, vehicle: Z1-1, at: '10:00', until: '12:00'}]",
                               "events: [{kind: lab_slow, tubes_per_hour: 60, at: '10:45'}]")
    assert twice.problems == [] and both.problems == []
    new = twice.plan
    assert [(x.route, x.vehicle, x.departs) for x in new.replan.substitutes] == [("Z1-1", "V1", [630, 660, 690])]
    assert new.replan.substitutes == once.plan.replan.substitutes == both.plan.replan.substitutes
    assert new.routing == both.plan.routing and new.replan.lab == both.plan.replan.lab
    assert _verified(loaded.scenario, new) == {}
    assert twice.changes.couriers == []  # nothing changed for the drivers


@pytest.fixture(scope="module")
def xiagezhuang_base(xiagezhuang):
    from natplan.models.loader import load_scenario
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.pipeline import plan_round

    loaded = load_scenario(xiagezhuang.path, travel=TRAVEL)
    return loaded, plan_round(loaded).plan


def test_xiagezhuang_three_events_at_once_keep_every_rule_and_every_early_tube(xiagezhuang_base, replanned):
    """The issue's target: a unit closed, a group three samplers short and a slow lab, all at 10:30."""
    import json

    from natplan.planfile import plan_json
    from natplan.scheduler.verify import violations
    from natplan.scheduler.verify.replan import REPLAN_RULES, replanned_scenario

    loaded, base = xiagezhuang_base
    text = """
    events:
    - {kind: unit_closed, unit: U16, at: "10:30"}
    - {kind: group_short, group: T01, members: [采样员4（T01）, 采样员5（T01）, 采样员6（T01）], at: "10:30"}
    - {kind: lab_slow, tubes_per_hour: 1500, at: "10:30", until: "14:00"}
    """
    out = replanned(xiagezhuang_base, text)
    assert out.problems == []
    data = json.loads(plan_json(out.plan))
    before = {(v.rule, v.message) for v in violations(loaded.scenario, json.loads(plan_json(base)))}
    assert [v for v in violations(loaded.scenario, data) if (v.rule, v.message) not in before] == []
    s = replanned_scenario(loaded.scenario, data)
    assert {rule.__name__: rule(s, data) for rule in REPLAN_RULES} == {rule.__name__: [] for rule in REPLAN_RULES}
    assert sum(x.people for x in out.plan.slots) == sum(x.people for x in base.slots)
    assert not [x for x in out.plan.slots if x.unit == "U16" and x.end > 630]
    assert [r.unit for r in out.plan.replan.rates] == [v.unit for v in base.staffing.visits
                                                       if v.group == "T01" and v.close > 630]
    assert out.changes.finish[1] <= loaded.scenario.parameters.deadline


def test_a_group_left_with_one_sampler_pauses_its_unit_while_he_changes_gown(two_groups, replanned):
    # T1 (U1, one desk) loses sampler 乙 at 09:00 and U2 closes for good at 09:00: U1 takes the 73 people of G3
    # (as in test_a_unit_closed_for_good_sends_its_people_to_a_unit_still_at_work) and stays open till 11:30.  Its
    # one sampler 甲 is gowned from 08:10 (set-up) and must change gown within 180 min, by 11:10; as late as leaves
    # a stint of 30 min before 11:30: 10:45-11:00.  Nobody relieves him, so U1 pauses 10:45-11:00 and the plan
    # says so; G3's last 23 are called at 11:00, not 10:30.  The 25 waiting at 11:00 and the 23 arriving evenly till
    # 11:30 are swabbed at 100 an hour: the queue empties at 11:27.8, and the last minute's 0.77 people take 0.46
    # min: 11:29.5.
    out = replanned(two_groups, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '09:00'}, "
                                "{kind: unit_closed, unit: U2, at: '09:00'}]")
    assert out.problems == []
    new = out.plan
    day = next(d for d in new.units if d.unit == "U1")
    assert (day.pauses, day.finish, day.close) == ([(645, 660)], 689.5, 690)
    assert [(sh.kind, sh.start, sh.end) for sh in new.staffing.shifts
            if sh.member == "采样员甲" and sh.start >= 510] == [("work", 510, 645), ("gear", 645, 660),
                                                                ("work", 660, 690)]
    assert max(sh.end for sh in new.staffing.shifts if sh.member == "采样员乙") == 540
    assert slots_of(new, "U1")[5:] == [("G3", 600, 630, 25, (31, 40)), ("G3", 630, 660, 25, (41, 50)),
                                       ("G3", 660, 690, 23, (51, 60))]
    assert [d.pauses for d in new.units if d.unit != "U1"] == [[]]
    assert _verified(two_groups[0].scenario, new) == {}
    # the pause is in plan.json (units[].pauses), where natplan verify reads it
    import json

    from natplan.planfile import plan_json

    assert [d.get("pauses") for d in json.loads(plan_json(new))["units"]] == [[[645, 660]], None]


def test_a_pause_that_makes_a_unit_late_is_a_problem_with_its_fix(tiny_base, replanned):
    # T1 loses 乙 at 10:00 and G3 has 40 people more.  U2 (one desk, 100 an hour) finished its 248 at 12:29.5; 40
    # more take 24 min: 12:53.5.  Its one sampler 甲, gowned at 09:40 for U2, must change gown by 12:40 and nobody
    # relieves him: U2 pauses 15 min and the last would be sampled at 13:07.8, after the deadline 13:00.  No plan:
    # the problem and what fixes it.
    out = replanned(tiny_base, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}, "
                               "{kind: more_people, grid: G3, people: 40, at: '10:00'}]")
    assert out.plan is None
    assert [(p.where, p.problem, p.fix) for p in out.problems] == [(
        "U2", "unit U2 would sample its last person at 13:08, after 13:00 (nobody samples there for 15 min while "
              "its samplers take the breaks the rules force)",
        "send a sampler to group T1, or move the deadline to 13:08")]


def test_two_members_leaving_one_group_at_two_times_each_count_from_their_own_time(three_samplers, replanned):
    # One re-plan of both events of test_a_second_replan_keeps_what_the_first_decided_before_its_events: U2 swabs
    # 200 an hour from 10:00 (乙 gone, 甲 and 丙 at its 3 desks), 100 an hour from 10:30 (丙 gone too).
    out = replanned(three_samplers, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}, "
                                    "{kind: group_short, group: T1, members: [采样员丙], at: '10:30'}]")
    assert out.problems == []
    assert [(r.unit, r.group, r.start, r.rate_per_hour) for r in out.plan.replan.rates] == [
        ("U2", "T1", 600, 200.0), ("U2", "T1", 630, 100.0)]
    # the same events in the other order in the file: the same record
    swapped = replanned(three_samplers, "events: [{kind: group_short, group: T1, members: [采样员丙], at: '10:30'}, "
                                        "{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}]")
    assert swapped.plan.replan.rates == out.plan.replan.rates
    # two members leaving at one time: one change, counting both
    both = replanned(three_samplers, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}, "
                                     "{kind: group_short, group: T1, members: [采样员丙], at: '10:00'}]")
    assert [(r.start, r.rate_per_hour) for r in both.plan.replan.rates] == [(600, 100.0)]


def test_a_member_who_leaves_after_the_cut_is_not_kept_on_to_make_a_stint_long_enough(three_samplers, replanned):
    # The cut is 09:00 (G1 has 20 more people); 乙 leaves at 10:00, when his set-up at U2 (09:40-10:00) is done:
    # a stint of 20 min, shorter than the 30 the rules ask, but he is gone; nobody keeps him on till 10:10.
    out = replanned(three_samplers, "events: [{kind: group_short, group: T1, members: [采样员乙], at: '10:00'}, "
                                    "{kind: more_people, grid: G1, people: 20, at: '09:00'}]")
    assert out.problems == []
    assert max(sh.end for sh in out.plan.staffing.shifts if sh.member == "采样员乙") == 600
    assert _verified(three_samplers[0].scenario, out.plan) == {}
