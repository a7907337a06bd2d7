"""How good the joint plans are: finish against both bounds, walking, the busiest group, labour rules.

For Xiagezhuang, Qixia and a 1M-person part of the generated Qingdao
(``/tmp/city1m.yaml`` by default: ``natplan generate qingdao --people 1000000``)
this plans every round with the default budget and prints, per scenario:

- the finish, the plain throughput bound and the joint bound
  (:mod:`natplan.scheduler.joint.bound`), each with ``(finish - start) /
  (bound - start)``;
- the mean and longest walk;
- the busiest group: its longest day (first shift to last) and its hours of
  work in the round;
- the labour-rule violations ``natplan verify`` finds
  (:mod:`natplan.scheduler.verify.labour`), and every other violation (but
  the lines of a township planned past its deadline that say so);
- the wall time of the solving stages (everything but printing), with the
  load average, at the default budget and at ``--long`` (the machine is
  shared: the figures are only as good as the load lets them be).

A city township whose couriers cannot be planned still has its joint plan
(who goes where, rosters, slots): its figures are counted from that, and the
township is listed.  The last line sums it up::

    .venv/bin/python benchmarks/plan_quality.py [--city /tmp/city1m.yaml] [--long 1.0] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from natplan.models.clock import format_clock as hm  # noqa: E402
from natplan.models.summary import summarize  # noqa: E402
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT, DEFAULT_TIME_LIMIT  # noqa: E402

LABOUR = ("gowns_within_limit", "meals_in_windows", "stints_long_enough", "days_within_max_work")


@dataclass(frozen=True)
class Row:
    name: str
    start: int
    finish: int
    plain: float
    joint: float
    days: int
    walk_mean: float
    walk_max: float
    max_walk: int
    busiest: str
    labour: int
    violations: int
    wall: float
    routed: bool = True

    def ratio(self, bound: float) -> float:
        return (self.finish - self.start) / max(1e-9, bound - self.start)


def busiest(shifts: list[dict], start: int) -> str:
    """The group with the most hours of work in the round: its longest day and its hours."""
    days = defaultdict(lambda: [10**9, 0])
    work = defaultdict(float)
    for x in shifts:
        if x["kind"] == "meal":
            continue
        d = days[(x["group"], (x["start"] - start) // 1440)]
        d[0], d[1] = min(d[0], x["start"]), max(d[1], x["end"])
        work[(x["group"], x["member"])] += (x["end"] - x["start"]) / 60
    by_group = defaultdict(float)
    for (g, _), h in work.items():
        by_group[g] = max(by_group[g], h)
    g = max(sorted(by_group), key=lambda g: by_group[g])
    longest = max(b - a for (gg, _), (a, b) in days.items() if gg == g) / 60
    return f"{g}: day {longest:.1f} h, {by_group[g]:.1f} h of work"


def count_violations(s, plan: dict) -> tuple[int, int]:
    """(labour-rule violations, every other violation); a township planned past the deadline (a round of one
    day that needs two) says so per unit, and those lines are not counted."""
    from natplan.scheduler.verify import violations

    found = [v for v in violations(s, plan) if "after the deadline" not in v.message]
    return sum(1 for v in found if v.rule in LABOUR), len(found)


def town_row(name: str, path: Path, time_limit: float) -> Row:
    """Plan a town scenario and measure it."""
    from natplan.models.loader import load_scenario
    from natplan.planfile import plan_json
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.pipeline import plan_round

    loaded = load_scenario(path, travel=TRAVEL)
    s = loaded.scenario
    t0 = time.perf_counter()
    out = plan_round(loaded, time_limit=time_limit)
    wall = time.perf_counter() - t0
    if out.plan is None:
        raise SystemExit(f"{name}: no plan: {[e.problem for e in out.problems]}")
    plan = json.loads(plan_json(out.plan))
    k = out.plan.kpis
    labour, every = count_violations(s, plan)
    return Row(name, s.parameters.start, k.finish, k.bound, k.joint_bound, k.days, k.walk_mean_m, k.walk_max_m,
               s.parameters.max_walk_m, busiest(plan["staffing"]["shifts"], s.parameters.start), labour, every, wall)


def township_row(args: tuple) -> tuple[Row, list[str]]:
    """Plan one township of a city (a job for a worker process): the full plan, or its joint plan when its
    couriers cannot be planned."""
    city_path, township, time_limit = args
    from natplan.models.city import load_city, township_scenario
    from natplan.models.loader import LoadedScenario
    from natplan.planfile import plan_json
    from natplan.scheduler.joint import plan_joint
    from natplan.scheduler.pipeline import plan_round

    lc = load_city(city_path)
    t = next(x for x in lc.city.townships if x.id == township)
    s = township_scenario(lc.city, t, lc.township_geometry[t.id], lc.city.labs[0])
    p = s.parameters
    t0 = time.perf_counter()
    out = plan_round(LoadedScenario(s, Path("scenario.yaml"), "", lc.township_geometry[t.id]), time_limit=time_limit,
                     late_ok=True)
    wall = time.perf_counter() - t0
    plain = p.start + summarize(s).throughput_bound_min
    notes = [f"{t.name}: {e.problem}" for e in out.late]
    if out.plan is not None:
        plan = json.loads(plan_json(out.plan))
        k = out.plan.kpis
        labour, every = count_violations(s, plan)
        return Row(t.name, p.start, k.finish, plain, k.joint_bound, k.days, k.walk_mean_m, k.walk_max_m,
                   p.max_walk_m, busiest(plan["staffing"]["shifts"], p.start), labour, every, wall), notes
    # the couriers could not be planned: measure the joint plan (grids, rosters, slots) on its own
    jr = plan_joint(s, time_limit, p.seed)
    r = jr.realised
    shifts = [x.model_dump() for x in r.shifts]
    from natplan.scheduler.verify.labour import RULES

    labour = sum(len(rule(s, {"staffing": {"shifts": shifts}})) for rule in RULES)
    walk_in = sum(x.people for x in r.parts)
    notes += [f"{t.name}: routing: {e.problem}" for e in out.problems if e.code is None][:1]
    return Row(t.name, p.start, r.finish, plain, jr.bound.finish, jr.days,
               sum(x.people * x.distance_m for x in r.parts) / max(1, walk_in), max(x.distance_m for x in r.parts),
               p.max_walk_m, busiest(shifts, p.start), labour, -1, wall, routed=False), notes


def print_row(r: Row) -> None:
    every = "—" if r.violations < 0 else str(r.violations)
    print(f"  {r.name}: finish {hm(r.finish)} (day {1 + (r.finish - r.start) // 1440}); plain bound {hm(r.plain)} "
          f"ratio {r.ratio(r.plain):.3f}; joint bound {hm(r.joint)} ratio {r.ratio(r.joint):.3f}; days {r.days}")
    print(f"     walk mean {r.walk_mean:,.0f} m, max {r.walk_max:,.0f} m (limit {r.max_walk:,}); busiest {r.busiest}; "
          f"labour violations {r.labour}, other violations {every} (past the deadline not counted); {r.wall:.1f} s"
          + ("" if r.routed else "; couriers not planned, joint plan measured"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--city", type=Path, default=Path("/tmp/city1m.yaml"))
    ap.add_argument("--long", type=float, default=1.0, help="the longer budget for the town timings")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)")
    towns = []
    for name in ("xiagezhuang", "qixia"):
        path = ROOT / "scenarios" / f"{name}.yaml"
        row = town_row(name, path, DEFAULT_TIME_LIMIT)
        longer = town_row(name, path, args.long)
        towns.append(row)
        print(f"{name} (budget {DEFAULT_TIME_LIMIT:g}: solving {row.wall:.1f} s; budget {args.long:g}: "
              f"{longer.wall:.1f} s, finish {hm(longer.finish)}, joint ratio {longer.ratio(longer.joint):.3f}; "
              f"load {os.getloadavg()[0]:.1f})")
        print_row(row)
    city = []
    if args.city.exists():
        from natplan.models.city import load_city

        ids = [t.id for t in load_city(args.city).city.townships]
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(township_row, [(args.city, i, CITY_TOWNSHIP_TIME_LIMIT) for i in ids]))
        print(f"{args.city.name}: {len(ids)} townships in {time.perf_counter() - t0:.0f} s wall on {args.workers} "
              f"processes (load {os.getloadavg()[0]:.1f})")
        for row, notes in results:
            city.append(row)
            print_row(row)
            for n in notes:
                print(f"     {n}")
        start = city[0].start
        finish = max(r.finish for r in city)
        joint = max(r.joint for r in city)
        plain = max(r.plain for r in city)
        print(f"  city: finish {hm(finish)}; slowest township's plain bound {hm(plain)}, joint bound {hm(joint)}, "
              f"joint ratio {(finish - start) / (joint - start):.3f}; days {max(r.days for r in city)}")
    rows = towns + city
    parts = [f"{r.name} {hm(r.finish)} (plain {r.ratio(r.plain):.2f}, joint {r.ratio(r.joint):.2f})" for r in towns]
    if city:
        start = city[0].start
        finish, joint = max(r.finish for r in city), max(r.joint for r in city)
        parts.append(f"{args.city.stem} {hm(finish)} over {max(r.days for r in city)} days (joint "
                     f"{(finish - start) / (joint - start):.2f}; {sum(not r.routed for r in city)} without couriers)")
    print("summary: " + "; ".join(parts) + f"; labour violations {sum(r.labour for r in rows)}; walks within the "
          f"limit: {'yes' if all(r.walk_max <= r.max_walk for r in rows) else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
