"""Time ``natplan replan`` on Xiagezhuang with three simultaneous events (the #17 target: under 10 s).

Usage (from the repo root)::

    .venv/bin/python benchmarks/replan_bench.py              # plan once, then 3 re-plans: median
    .venv/bin/python benchmarks/replan_bench.py --repeat 5 --plan out/plan.json

The events are those of the test
``tests/scheduler/replan/test_replan.py::test_xiagezhuang_three_events_at_once_keep_every_rule_and_every_early_tube``:
at 10:30 unit U16 closes for the rest of the day, group T01 loses three samplers, and the lab slows to 1,500
tubes an hour until 14:00.  Each re-plan is the whole command as a separate process (start-up, loading,
re-planning, checking by the verifier's rules, changes.pdf, plan.xlsx and the notices written), timed by the wall
clock with its CPU seconds; then ``natplan verify`` runs on the result.  Prints one row per run, the load average,
and a summary line: the median against the 10 s target, the worst sample age of the tubes swabbed before the
events against the limit, and verify's verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "xiagezhuang.yaml"
EVENTS = """\
events:
- {kind: unit_closed, unit: U16, at: "10:30"}
- {kind: group_short, group: T01, members: [采样员4（T01）, 采样员5（T01）, 采样员6（T01）], at: "10:30"}
- {kind: lab_slow, tubes_per_hour: 1500, at: "10:30", until: "14:00"}
"""
TARGET_S = 10.0


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def natplan(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s, the finished process) of ``natplan ARGS`` run as its own process."""
    t, c = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "natplan", *args], cwd=REPO, capture_output=True, text=True)
    return time.perf_counter() - t, _children_cpu() - c, done


def early_tubes_age(plan_path: Path) -> tuple[float, int]:
    """(oldest age at the lab, its queue counted, of the tubes swabbed before the re-plan's cut; the limit)."""
    from natplan.models.events import LabSlow, events_from_plan
    from natplan.models.loader import load_scenario
    from natplan.scheduler.verify.replan import _lab_arrivals, _tested, replanned_scenario

    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    s = replanned_scenario(load_scenario(SCENARIO).scenario, plan)
    cut = plan["replan"]["cut"]
    arrivals = _lab_arrivals(s, plan)
    ages = [arrive - oldest for arrive, _, oldest in arrivals if oldest < cut]
    for e in events_from_plan(plan).events:
        if isinstance(e, LabSlow):
            ages += [test - oldest for oldest, test in _tested(s, e, arrivals) if oldest < cut]
    return max(ages), s.parameters.sample_age_limit_min


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="re-plans timed (default 3; the median is reported)")
    ap.add_argument("--plan", type=Path, default=None, help="a plan.json of scenarios/xiagezhuang.yaml "
                                                            "(default: plan it first, untimed)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="natplan-replan-bench-") as tmp:
        tmp = Path(tmp)
        plan = args.plan
        if plan is None:
            _, _, done = natplan("plan", str(SCENARIO), "-o", str(tmp / "base"))
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            plan = tmp / "base" / "plan.json"
        events = tmp / "events.yaml"
        events.write_text(EVENTS, encoding="utf-8")
        walls = []
        print(f"{'run':>3}  {'wall s':>7}  {'CPU s':>6}  load average (1, 5, 15 min)")
        for k in range(1, args.repeat + 1):
            out = tmp / f"out{k}"
            wall, cpu, done = natplan("replan", str(plan), "--scenario", str(SCENARIO), "--events", str(events),
                                      "-o", str(out))
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            walls.append(wall)
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"{k:>3}  {wall:7.2f}  {cpu:6.2f}  {load}")
        _, _, verified = natplan("verify", str(out / "plan.json"), "--scenario", str(SCENARIO))
        age, limit = early_tubes_age(out / "plan.json")
        median = statistics.median(walls)
        print(f"summary: replan of Xiagezhuang with 3 events at 10:30: median {median:.2f} s of {len(walls)} "
              f"(target < {TARGET_S:g} s: {'met' if median < TARGET_S else 'MISSED'}); tubes swabbed before the "
              f"events: oldest {age:.0f} min at the lab (limit {limit}); verify: "
              f"{'ok' if verified.returncode == 0 else 'FAILED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
