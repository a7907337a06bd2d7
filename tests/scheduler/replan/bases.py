"""The plans the re-plan tests start from: the tiny town (tests/data/tiny.yaml) and two variants of it, each
with its decisions (which grid goes to which unit, which group staffs which unit when) written out here and the
rest (rosters, slots, couriers, shuttles) made by the pipeline's pieces, as ``plan_round`` makes them.

They are fixed inputs, committed as ``tests/data/replan/<name>.json`` — the plan being carried out does not
change when the planner does.  Run ``python -m tests.scheduler.replan.bases`` to write them again (after a change
of the plan's format; then check the hand-worked figures of tests/scheduler/replan/test_replan.py).

- ``tiny``: one group, T1: U1 08:30–09:30 (G1), then U2 10:00–12:30 (G2, G3).
- ``two_groups``: a second group T2 (a copy of T1): T1 at U1 (G1, G2) and T2 at U2 (G3), both from 08:30.
- ``three_samplers``: a third sampler in T1 and 3 desks at U2: T1 at U1 (G1) 08:30–09:30, at U2 (G2, G3) from 10:00
  at 300 an hour.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from pathlib import Path

import numpy as np

from natplan.models.loader import LoadedScenario, load_scenario
from natplan.models.plan import Assignment, GridPart, Kpis, Plan, SolverStats, Staffing, Visit
from natplan.models.scenario import Role, Scenario
from natplan.planfile import plan_json
from natplan.routing.couriers import UnitService, plan_couriers
from natplan.routing.home import plan_home_visits
from natplan.routing.network import haversine_m, van_minutes
from natplan.routing.network import TRAVEL
from natplan.scheduler.pipeline import natplan_version
from natplan.scheduler.replan import round_kpis
from natplan.scheduler.labour import LabourRules
from natplan.scheduler.rosters import Stay, group_day, working_samplers
from natplan.scheduler.slots import fluid_queue_mu, plan_slots_mu, sampled_curve, unit_day

DATA = Path(__file__).resolve().parents[2] / "data"
TINY = DATA / "tiny.yaml"
FOLDER = DATA / "replan"


def variant(tiny: LoadedScenario, change) -> LoadedScenario:
    """The tiny town with ``change(data)`` made to its scenario's data (its file digest kept)."""
    data = tiny.scenario.model_dump()
    change(data)
    return LoadedScenario(Scenario.model_validate(data), tiny.path, tiny.digest, tiny.geometry, ())


def second_group(data):
    g = copy.deepcopy(data["groups"][0])
    g.update(id="T2", name="第2检测组", home="U2")
    for m in g["members"]:
        m["name"] = m["name"].replace("甲", "丙").replace("乙", "丁")
    data["groups"].append(g)


def third_sampler(data):
    data["groups"][0]["members"].insert(3, {"name": "采样员丙", "role": "sampler", "phone": None})
    data["units"][1]["desks"] = 3


# name -> (scenario change, grid -> unit, visits (group, unit, arrive, open, close))
DECISIONS = {
    "tiny": (None, {"G1": "U1", "G2": "U2", "G3": "U2"}, [("T1", "U1", 490, 510, 570), ("T1", "U2", 580, 600, 750)]),
    "two_groups": (second_group, {"G1": "U1", "G2": "U1", "G3": "U2"},
                   [("T1", "U1", 490, 510, 630), ("T2", "U2", 490, 510, 600)]),
    "three_samplers": (third_sampler, {"G1": "U1", "G2": "U2", "G3": "U2"},
                       [("T1", "U1", 490, 510, 570), ("T1", "U2", 580, 600, 690)]),
}


def scenario_of(name: str, tiny: LoadedScenario) -> LoadedScenario:
    change = DECISIONS[name][0]
    return tiny if change is None else variant(tiny, change)


def build(name: str, tiny: LoadedScenario) -> Plan:
    """The plan ``name`` (see the module docstring), made as the pipeline makes one from these decisions
    (:mod:`natplan.scheduler.joint.realise`): rosters within the labour rules, each unit's rate minute by minute
    from its samplers at work, slots against it, the last group at a unit staying until its last person."""
    change, unit_of, stays = DECISIONS[name]
    loaded = scenario_of(name, tiny)
    s, p = loaded.scenario, loaded.scenario.parameters
    units = {u.id: u for u in s.units}
    groups = {g.id: g for g in s.groups}
    special = Counter(sp.grid for sp in s.special_needs)
    parts = []
    for g in s.grids():
        u = units[unit_of[g.id]]
        metres = float(haversine_m(g.location.lon, g.location.lat, u.location.lon, u.location.lat)) * p.detour_factor
        parts.append(GridPart(grid=g.id, households=(1, g.households), people=g.people - special[g.id], unit=u.id,
                              distance_m=round(metres, 1)))
    lon = [s.station.location.lon] + [u.location.lon for u in s.units]
    lat = [s.station.location.lat] + [u.location.lat for u in s.units]
    travel = np.ceil(van_minutes(s, lon, lat)).astype(int)
    place = {u.id: k + 1 for k, u in enumerate(s.units)}
    rules = LabourRules.of(p)
    tp = p.throughput_per_desk_per_hour
    close = {(g, u): c for g, u, _, _, c in stays}
    for _ in range(6):  # closings settle as in the pipeline
        visits, shifts = [], []
        for gid in dict.fromkeys(g for g, *_ in stays):
            mine = [x for x in stays if x[0] == gid]
            here = place.get(groups[gid].home, 0)
            day = []
            for _, u, a, o, _ in mine:
                desks = min(units[u].desks, groups[gid].count(Role.sampler))
                day.append(Stay(unit=u, arrive=a, open=o, close=close[(gid, u)], desks=desks,
                                travel=int(travel[here, place[u]])))
                visits.append(Visit(group=gid, unit=u, arrive=a, open=o, close=close[(gid, u)],
                                    leave=close[(gid, u)], desks=desks))
                here = place[u]
            shifts += group_day(rules, groups[gid], day).shifts
        slots, days, service, moved = [], [], {}, False
        for v in visits:
            t0 = v.arrive + p.setup_min
            mu = tp / 60 * np.minimum(units[v.unit].desks, working_samplers(shifts, v.unit, t0, v.close))
            mine = sorted((x for x in parts if x.unit == v.unit), key=lambda x: (x.distance_m, x.grid, x.part))
            us, left = plan_slots_mu(v.unit, t0, mu, units[v.unit].waiting_room, p.slot_min, mine)
            trace = fluid_queue_mu(t0, mu, [(x.start, x.end, x.people) for x in us])
            if left or not math.isfinite(trace.finish):
                close[(v.group, v.unit)] += 10
                moved = True
                continue
            if math.ceil(trace.finish - 1e-9) != v.close:
                close[(v.group, v.unit)] = math.ceil(trace.finish - 1e-9)
                moved = True
            peak = tp * int(np.max(np.round(mu * 60 / tp)))
            slots += us
            day = unit_day(v.unit, v.group, v.open, v.close, peak, us, mu=mu, t0=t0, groups=[v.group])
            days.append(day)
            start, curve = sampled_curve(v.open, peak, us, mu=mu, t0=t0)
            service[v.unit] = UnitService(v.unit, v.open, day.finish, start, curve)
        if not moved:
            break
    home = plan_home_visits(s)
    batches = [(back, math.ceil(len(on) / p.pooling_ratio), min(on)) for team in home.teams
               for leave, back in team.trips for on in [[t for _, t in team.stops if leave <= t <= back]] if on]
    routing = plan_couriers(s, service, seed=p.seed, home_batches=batches).routing
    stats = SolverStats(objective=0.0, bound=0.0, gap=0.0, method="written out (tests/scheduler/replan/bases.py)")
    staffing = Staffing(visits=sorted(visits, key=lambda v: (v.group, v.arrive)),
                        shifts=sorted(shifts, key=lambda x: (x.group, x.member, x.start)), home_teams=home.teams,
                        makespan=max(v.close for v in visits), stats=stats)
    return Plan(scenario=s.name, scenario_sha256=loaded.digest, seed=p.seed, natplan_version=natplan_version(),
                assignment=Assignment(parts=parts, stats=stats, balanced=True), slots=slots, units=days,
                staffing=staffing, routing=routing, kpis=round_kpis(s, parts, days, visits, routing, Kpis(
                    people=0, walk_in=0, home_visits=0, units_open=0, groups_used=0, finish=0, bound=0.0,
                    finish_ratio=0.0, peak_queue=0.0, walk_mean_m=0.0, walk_max_m=0.0)))


def load(name: str) -> Plan:
    """The committed plan ``name``."""
    return Plan.model_validate_json((FOLDER / f"{name}.json").read_bytes())


if __name__ == "__main__":
    tiny = load_scenario(TINY, travel=TRAVEL)
    FOLDER.mkdir(exist_ok=True)
    for name in DECISIONS:
        (FOLDER / f"{name}.json").write_bytes(plan_json(build(name, tiny)))
        print(FOLDER / f"{name}.json")
