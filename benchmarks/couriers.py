"""Courier plans within the town's fleet: vehicles, intervals, sample age, and what strict loops would need.

Usage (from the repo root)::

    .venv/bin/python benchmarks/couriers.py                         # Xiagezhuang, Qixia and /tmp/city1m.yaml
    .venv/bin/python benchmarks/couriers.py --city city1m.yaml      # another city file
    .venv/bin/python benchmarks/couriers.py --no-city               # the towns only

For each town scenario, planned with its own fleet: the vehicles the plan uses against those it has (shuttles
included), the units collected at each interval, the worst sample age (to its test when the lab's capacity is
given) and the age limit, the fleet and sample rules verify breaks, and the vehicles strict loops everywhere need
against their proven minimum.  Xiagezhuang is also planned as ``natplan compare --vary interval=30`` plans it
(strict 30-minute loops, with the vehicles they need), and with a lab testing 1,000 tubes an hour (its queue
counted).  A city file is planned township by township (``natplan plan CITY --no-township-print``); each
township says whether it is within its own fleet, or how many vehicles it lacks for a 60-minute cadence, and
the city its oldest sample at test in the labs' shared queues (after later starts and minutes kept for the
queue, :mod:`natplan.scheduler.city`).  Ends with a summary line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLEET_RULES = ("vehicles_within_fleet", "no_vehicle_in_two_places", "units_collected_every_interval",
               "tubes_carried", "boxes_within_capacity", "samples_within_age")


def _intervals(f) -> str:
    return " ".join(f"{k}:{v}" for k, v in f.units_by_interval.items())


def town_row(name: str, loaded) -> dict:
    """Plan one town and gather its fleet figures."""
    from natplan.scheduler.pipeline import plan_round
    from natplan.scheduler.verify import violations

    t0 = time.process_time()
    out = plan_round(loaded)
    cpu = time.process_time() - t0
    if out.plan is None:
        return {"name": name, "ok": False, "why": "; ".join(e.problem for e in out.problems[:2]), "cpu": cpu}
    r = out.plan.routing
    f = r.fleet
    broken = [v for v in violations(loaded.scenario, json.loads(out.plan.model_dump_json())) if v.rule in FLEET_RULES]
    return {"name": name, "ok": True, "used": f.used + f.extra, "extra": f.extra, "available": f.available,
            "shuttles": len(f.shuttle_vehicles), "intervals": _intervals(f), "by": f.units_by_interval,
            "units": sum(f.units_by_interval.values()), "worst": r.shuttles.worst_age_min,
            "limit": loaded.scenario.parameters.sample_age_limit_min, "strict": f.strict_needed,
            "proven": f.strict_minimum, "couriers": int(r.stats.objective), "bound": int(r.stats.bound),
            "exact": all(z.minimum_proven for z in r.zones), "choices": sorted({c.kind for c in f.choices}),
            "broken": len(broken), "cpu": cpu}


def print_town(row: dict) -> None:
    if not row["ok"]:
        print(f"{row['name']:<28} not planned: {row['why']}")
        return
    extra = f" ({row['extra']} lacking)" if row["extra"] else ""
    print(f"{row['name']:<28} vehicles {row['used']:>2} / {row['available']:<2}{extra:<13} shuttles {row['shuttles']}  "
          f"units {row['intervals']:<16} worst age {row['worst']:>5.0f} / {row['limit']} min  "
          f"strict needs {row['strict']} (proven min {row['proven']})  couriers {row['couriers']} (bound "
          f"{row['bound']}{', exact' if row['exact'] else ''})  options {','.join(row['choices']) or '—'}  "
          f"verify {row['broken']}  {row['cpu']:.1f} s CPU")


def towns() -> list[dict]:
    from natplan.models.loader import LoadedScenario, load_scenario
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.whatif import apply_variant

    rows = []
    xia = load_scenario(REPO / "scenarios" / "xiagezhuang.yaml", travel=TRAVEL)
    rows.append(town_row("Xiagezhuang (own fleet)", xia))
    strict = apply_variant(xia.scenario, {"interval": 30})
    rows.append(town_row("Xiagezhuang strict 30 min", LoadedScenario(strict, xia.path, xia.digest, xia.geometry)))
    data = xia.scenario.model_dump(mode="json")
    data["lab"]["tubes_per_hour"] = 1000
    slow = type(xia.scenario).model_validate(data)
    rows.append(town_row("Xiagezhuang, lab 1,000 tubes/h", LoadedScenario(slow, xia.path, xia.digest, xia.geometry)))
    rows.append(town_row("Qixia", load_scenario(REPO / "scenarios" / "qixia.yaml", travel=TRAVEL)))
    return rows


def city(path: Path, workers: int) -> dict:
    """Plan a city file's townships and say, for each, whether its couriers fit its own fleet."""
    from natplan.models.city import load_city
    from natplan.models.plan import Plan
    from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT
    from natplan.scheduler.city import plan_city

    loaded = load_city(path)
    t0 = time.perf_counter()
    out = plan_city(loaded, workers=workers, render=False, time_limit=CITY_TOWNSHIP_TIME_LIMIT)
    wall = time.perf_counter() - t0
    names = {t.id: t.name for t in loaded.city.townships}
    problems: dict[str, list] = {row.id: list(row.problems) for row in (out.plan.townships if out.plan else [])}
    rows = {row.id: row for row in (out.plan.townships if out.plan else [])}
    within = lacking = other = 0
    print(f"\n{path.name}: {len(names)} townships, planned in {wall:.0f} s wall")
    for tid, name in names.items():
        raw = (out.files or {}).get(f"townships/{tid}/plan.json")
        if raw is not None:
            p = Plan.model_validate_json(raw)
            f = p.routing.fleet
            within += 1
            row = rows[tid]
            late = f", starts {row.start_delay_min} min later" if row.start_delay_min else ""
            kept = (f", keeps {row.shared_queue_min or 0}/{row.shared_queue_home_min or row.shared_queue_min or 0} min "
                    "for the lab's queue") if row.shared_queue_min or row.shared_queue_home_min else ""
            print(f"  {tid} {name:<8} within its fleet: {f.used} / {f.available} vehicles, units {_intervals(f)}, "
                  f"worst age {p.routing.shuttles.worst_age_min:.0f} min on its own, "
                  f"{row.worst_age_at_test_min:.0f} at test in its lab's shared queue{late}{kept}, "
                  f"strict needs {f.strict_needed}")
            continue
        mine = problems.get(tid, [])
        fleet = [e for e in mine if e.code in ("fleet_short", "unit_unreachable", "shuttles_too_rare")]
        if fleet:
            lacking += 1
            print(f"  {tid} {name:<8} {fleet[0].problem}")
        else:
            other += 1
            print(f"  {tid} {name:<8} not planned (not the fleet): {mine[0].problem if mine else '?'}")
    over = [lab.lab for lab in out.plan.labs if lab.tubes_per_hour_needed is not None] if out.plan else []
    limit = loaded.city.parameters.sample_age_limit_min
    worst = out.plan.kpis.worst_sample_age_min if out.plan else None
    print(f"  oldest sample at test {worst:.1f} min (limit {limit}); labs over the limit: {', '.join(over) or 'none'}")
    return {"townships": len(names), "within": within, "lacking": lacking, "other": other, "worst": worst,
            "limit": limit, "over": len(over), "staggered": sum(1 for r in rows.values() if r.start_delay_min)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--city", type=Path, default=Path("/tmp/city1m.yaml"),
                    help="a city file (default /tmp/city1m.yaml)")
    ap.add_argument("--no-city", action="store_true", help="the towns only")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    rows = towns()
    for row in rows:
        print_town(row)
    c = None
    if not args.no_city and args.city.exists():
        c = city(args.city, args.workers)
    x, strict = rows[0], rows[1]
    line = "summary: "
    if x["ok"]:
        line += (f"Xiagezhuang {x['used']}/{x['available']} vehicles, units {x['intervals']} of {x['units']} open, "
                 f"worst age {x['worst']:.0f} min; ")
    if strict["ok"]:
        line += f"strict 30 min needs {strict['used']} vehicles vs proven minimum {strict['proven']}"
    if c is not None:
        line += (f"; {args.city.name}: {c['within']}/{c['townships']} townships within their fleet, "
                 f"{c['lacking']} lacking vehicles, {c['other']} not planned for other reasons, oldest sample "
                 f"at test {c['worst']:.0f} / {c['limit']} min in the labs' shared queues ({c['over']} lab(s) over, "
                 f"{c['staggered']} townships started later)")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
