"""Run mutated scenario files through ``natplan validate`` (and ``natplan plan``) and count what comes out.

Usage (from the repo root)::

    .venv/bin/python benchmarks/fuzz.py                    # 1,000 mutants + 5 special files (about 2 min)
    .venv/bin/python benchmarks/fuzz.py --count 200 --seed 7
    .venv/bin/python benchmarks/fuzz.py --plan --plan-limit 40   # also plan the files validate accepts

The mutants are those of ``tests/models/scenario_mutations.py`` (half from
tests/data/tiny.yaml, half from scenarios/xiagezhuang.yaml), plus five files
no text edit makes: a named pipe, a device, a folder, a sparse file over the
size limit and 100,000 nested ``[``.  Each runs ``natplan validate`` in a
process of its own, forked from this one (so a segfault or a hang is seen
as such, without the seconds of a fresh interpreter), with a timeout.

Outcomes of ``validate``:

- ``loaded``: exit 0, or 1 (read, but a check no plan can pass fails);
- ``exit 2, every message at its line`` (the form ``file:line: path: message``);
- ``exit 2, whole-file message``: a file with no line to name (empty, a pipe, a device, a folder, too big);
- ``exit 2 without line``: some message lacks the line the file has (a fault);
- ``traceback``, ``crash`` (killed by a signal), ``hang`` (past ``--timeout``): faults.

With ``--plan`` each accepted file is planned by ``natplan plan`` in a new
process, with ``--plan-timeout``: planned (0), refused with reasons (2),
traceback, crash or hang.  The last line is the summary.

Two other modes run instead of the scenario files:

- ``--ledgers N``: N damaged people ledgers (tests/models/ledger/ledger_mutations.py)
  through ``natplan ledger import``: read (exit 0 or 1) or refused with one
  line per problem (exit 2); faults are a traceback, a crash, a hang, an ID
  number printed whole, an unbalanced quote read silently, or exit 2 without
  its lines;
- ``--towns N``: N random towns (tests/scheduler/random_towns.py) read,
  planned with the default budget and verified, each in a forked process
  within ``--timeout``: planned and verified, or refused with reasons (exit 2);
  faults are a plan verify rejects, no plan without a reason, a traceback, a
  crash or a hang.

    .venv/bin/python benchmarks/fuzz.py --ledgers 1000
    .venv/bin/python benchmarks/fuzz.py --towns 1000 --timeout 120
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

FAULTS = ("exit 2 without line", "traceback", "crash", "hang")
WHOLE_FILE = ("the file is empty", "is a named pipe", "is a device", "is a folder", "is larger than",
              "file not found")


def cases(folder: Path, count: int, seed: int) -> list[tuple[str, Path]]:
    """Write the mutants and the special files into ``folder``: (kind, path) each."""
    from natplan.models.document import MAX_DOCUMENT_BYTES

    from tests.models.scenario_mutations import mutants

    (folder / "data").symlink_to(REPO / "scenarios" / "data")
    out = []
    for base, label, n in (("tests/data/tiny.yaml", "tiny", count // 2),
                           ("scenarios/xiagezhuang.yaml", "xiagezhuang", count - count // 2)):
        for m in mutants((REPO / base).read_text(encoding="utf-8"), label, n, seed):
            (folder / m.name).write_bytes(m.data)
            out.append((m.kind.split("+")[0], folder / m.name))
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    (folder / "folder.yaml").mkdir()
    with open(folder / "big.yaml", "wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    (folder / "deep.yaml").write_text("name: x\nvillages: " + "[" * 100_000 + "\n", encoding="utf-8")
    out += [("special", fifo), ("special", Path("/dev/zero")), ("special", folder / "folder.yaml"),
            ("special", folder / "big.yaml"), ("special", folder / "deep.yaml")]
    return out


def _validate_in_child(path: str, err_path: str) -> None:  # runs in the forked process
    from natplan.cli import main

    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["validate", path])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:  # noqa: BLE001 — what the user would see as a traceback
        err.write(traceback.format_exc())
        code = 99
    Path(err_path).write_text(err.getvalue(), encoding="utf-8")
    os._exit(code)


def classify(path: Path, code: int | None, stderr: str) -> str:
    """The outcome of one ``natplan validate`` run (see the module docstring)."""
    if code is None:
        return "hang"
    if code < 0:
        return "crash"
    if code == 99 or "Traceback" in stderr:
        return "traceback"
    if code in (0, 1):
        return "loaded"
    lines = stderr.strip().splitlines()
    at_line = re.compile(rf"^{re.escape(str(path))}:[0-9]+: ")
    if code == 2 and lines and all(at_line.match(x) for x in lines):
        return "exit 2, every message at its line"
    if code == 2 and lines and all(at_line.match(x) or any(w in x for w in WHOLE_FILE) for x in lines):
        return "exit 2, whole-file message"
    return "exit 2 without line"


def run_forked(jobs: list[tuple], workers: int, timeout: float, modules: tuple[str, ...] = ()) -> list[int | None]:
    """Run each ``(target, args)`` in a process forked from this one, ``workers`` at a time: the exit codes, in
    order (None for a process past ``timeout``, killed; negative for one killed by a signal)."""
    from importlib import import_module

    for module in modules:
        import_module(module)  # imported once here, inherited by every fork
    ctx = multiprocessing.get_context("fork")
    codes: list[int | None] = [None] * len(jobs)
    pending = list(enumerate(jobs))
    running: dict = {}
    while pending or running:
        while pending and len(running) < workers:
            k, (target, args) = pending.pop(0)
            proc = ctx.Process(target=target, args=args)
            proc.start()
            running[k] = (proc, time.monotonic())
        time.sleep(0.005)
        for k, (proc, t0) in list(running.items()):
            if proc.exitcode is None and time.monotonic() - t0 <= timeout:
                continue
            if proc.exitcode is None:
                proc.kill()
                proc.join()
            codes[k] = proc.exitcode
            del running[k]
    return codes


def run_validate(items: list[tuple[str, Path]], workers: int, timeout: float, errs: Path) -> list[tuple]:
    """Run ``natplan validate`` on each item in forked processes, ``workers`` at a time."""
    jobs = [(_validate_in_child, (str(path), str(errs / f"{k}.err"))) for k, (_, path) in enumerate(items)]
    codes = run_forked(jobs, workers, timeout, ("natplan.cli", "natplan.cli.scenario", "natplan.models.loader",
                                                "natplan.routing.network"))
    results = []
    for k, ((kind, path), code) in enumerate(zip(items, codes)):
        err = errs / f"{k}.err"
        stderr = err.read_text(encoding="utf-8") if err.exists() else ""
        results.append((k, kind, path, code, stderr, classify(path, code, stderr)))
    return results


# --------------------------------------------------------------------------------------------- ledgers
LEDGER_OUTCOMES = ("read (exit 0 or 1)", "refused (exit 2), one line per problem", "traceback", "crash", "hang",
                   "other fault")


def _ledger_in_child(folder: str, name: str, out_path: str) -> None:  # runs in the forked process
    from natplan.cli import main
    from tests.models.ledger.ledger_mutations import SCENARIO

    os.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(["ledger", "import", name, "--scenario", str(SCENARIO), "--lang", "en"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:  # noqa: BLE001 — what the user would see as a traceback
        err.write(traceback.format_exc())
        code = 99
    Path(out_path).write_text(json.dumps([out.getvalue(), err.getvalue()]), encoding="utf-8")
    os._exit(code)


def run_ledgers(count: int, seed: int, workers: int, timeout: float, tmp: Path) -> collections.Counter:
    """``natplan ledger import`` on ``count`` damaged ledgers (tests/models/ledger/ledger_mutations.py)."""
    from tests.models.ledger.ledger_mutations import check_output, ledger_mutants

    folder = tmp / "ledgers"
    folder.mkdir()
    cases = list(ledger_mutants(count, seed))
    for m in cases:
        (folder / m.name).write_bytes(m.data)
    jobs = [(_ledger_in_child, (str(folder), m.name, str(tmp / f"ledger{k}.out"))) for k, m in enumerate(cases)]
    codes = run_forked(jobs, workers, timeout, ("natplan.cli", "natplan.cli.ledger", "natplan.models.ledger"))
    counts: collections.Counter = collections.Counter()
    for k, (m, code) in enumerate(zip(cases, codes)):
        out_file = tmp / f"ledger{k}.out"
        out, err = json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else ("", "")
        faults = ["hang"] if code is None else ["crash"] if code < 0 else check_output(m, code, out, err)
        outcome = ("read (exit 0 or 1)" if code in (0, 1) else "refused (exit 2), one line per problem") \
            if not faults else faults[0] if faults[0] in ("hang", "crash") else \
            "traceback" if "traceback" in faults[0] else "other fault"
        counts[outcome] += 1
        if faults and counts[outcome] <= 5:
            print(f"  {outcome}: {m.name} ({m.kind}): {faults[0][:300]}")
    return counts


# --------------------------------------------------------------------------------------------- random towns
def _town_in_child(town, folder: str, out_path: str) -> None:  # runs in the forked process
    from tests.scheduler.random_towns import plan_and_check

    try:
        outcome = plan_and_check(town, Path(folder))
        result, code = [outcome.kind, list(outcome.lines)], 0
    except BaseException:  # noqa: BLE001 — what the user would see as a traceback
        result, code = ["traceback", [traceback.format_exc()]], 99
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os._exit(code)


def run_towns(count: int, seed: int, workers: int, timeout: float, tmp: Path) -> collections.Counter:
    """Plan and verify ``count`` random towns (tests/scheduler/random_towns.py), each in a forked process."""
    from tests.scheduler.random_towns import random_towns

    folder = tmp / "towns"
    folder.mkdir()
    towns = random_towns(count, seed)
    jobs = [(_town_in_child, (t, str(folder), str(tmp / f"town{k}.out"))) for k, t in enumerate(towns)]
    codes = run_forked(jobs, workers, timeout, ("natplan.scheduler.pipeline", "natplan.scheduler.verify",
                                                "natplan.models.generate", "tests.scheduler.random_towns"))
    counts: collections.Counter = collections.Counter()
    rules: collections.Counter = collections.Counter()  # the rules plans break, town by town
    for k, (town, code) in enumerate(zip(towns, codes)):
        out_file = tmp / f"town{k}.out"
        kind, lines = json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else (None, [])
        kind = "hang" if code is None else "crash" if code < 0 else kind
        counts[(town.deadline, kind)] += 1
        if kind == "planned, but verify finds violations":
            rules.update({line.split(":", 1)[0] for line in lines})
        if kind not in ("planned, and verify passes", "refused when read (exit 2, one line per problem)",
                        "not planned, with reasons (exit 2)") and sum(n for (_, x), n in counts.items() if x == kind) <= 3:
            print(f"  {kind}: {town}\n    " + "\n    ".join(line[-300:] for line in lines[:3]))
    if rules:
        print("  the rules broken by the plans verify rejects (towns): "
              + ", ".join(f"{rule} {n}" for rule, n in rules.most_common()))
    return counts


def run_plan(path: Path, out: Path, timeout: float) -> tuple[str, str]:
    """Plan one accepted file in a new process: its outcome and its standard error."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1648800000")
    try:
        proc = subprocess.run([sys.executable, "-m", "natplan", "plan", str(path), "-o", str(out)],
                              capture_output=True, text=True, timeout=timeout, env=env, cwd=path.parent,
                              check=False)
    except subprocess.TimeoutExpired:
        return "hang", ""
    if proc.returncode < 0:
        return "crash", proc.stderr
    if "Traceback" in proc.stderr:
        return "traceback", proc.stderr
    return {0: "planned", 2: "exit 2 (no plan, with reasons)"}.get(proc.returncode, f"exit {proc.returncode}"), \
        proc.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="mutants (half of each base file)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a validate run is a hang")
    parser.add_argument("--plan", action="store_true", help="also run natplan plan on every accepted file")
    parser.add_argument("--plan-limit", type=int, default=None, help="plan at most this many accepted files")
    parser.add_argument("--plan-timeout", type=float, default=600.0)
    parser.add_argument("--ledgers", type=int, default=0, metavar="N",
                        help="instead: N damaged ledgers through natplan ledger import")
    parser.add_argument("--towns", type=int, default=0, metavar="N",
                        help="instead: N random towns planned and verified (each within --timeout)")
    args = parser.parse_args(argv)
    if args.ledgers or args.towns:
        return other_modes(args)

    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="natplan-fuzz-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        errs = Path(tmp) / "stderr"
        errs.mkdir()
        items = cases(folder, args.count, args.seed)
        results = run_validate(items, args.workers, args.timeout, errs)
        counts = collections.Counter(r[5] for r in results)
        by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for _, kind, _, _, _, outcome in results:
            by_kind[kind][outcome] += 1
        print(f"natplan validate on {len(results)} files ({args.count} mutants, seed {args.seed}, "
              f"and 5 special files), {time.monotonic() - t0:.0f} s")
        outcomes = ["loaded", "exit 2, every message at its line", "exit 2, whole-file message", *FAULTS]
        for outcome in outcomes:
            print(f"  {outcome:<36} {counts[outcome]:>5}")
        print("\nby kind of damage:")
        print(f"  {'kind':<18}" + "".join(f"{o[:14]:>16}" for o in outcomes))
        for kind in sorted(by_kind):
            print(f"  {kind:<18}" + "".join(f"{by_kind[kind][o]:>16}" for o in outcomes))
        no_path = re.compile(r"^[^\n]*?:[0-9]+: (?![^\s:]+: )", re.MULTILINE)
        unplaced = sum(1 for r in results if r[5].startswith("exit 2") and no_path.search(r[4]))
        print(f"  (of those refused, {unplaced} have a message with a line but no field path: a problem of the "
              "bytes or of the whole document)")
        faults = [r for r in results if r[5] in FAULTS]
        for _, _, path, code, stderr, outcome in faults[:20]:
            print(f"\n{outcome}: {path.name} (exit {code})\n{stderr.strip()[-1500:]}")
        plan_counts: collections.Counter = collections.Counter()
        if args.plan:
            accepted = [r for r in results if r[5] == "loaded"][:args.plan_limit]
            print(f"\nnatplan plan on {len(accepted)} accepted files (timeout {args.plan_timeout:.0f} s each)")
            for k, _, path, _, _, _ in accepted:
                outcome, stderr = run_plan(path, Path(tmp) / f"out{k}", args.plan_timeout)
                plan_counts[outcome] += 1
                if outcome in FAULTS:
                    print(f"  {outcome}: {path.name}\n{stderr.strip()[-1500:]}")
            for outcome, n in sorted(plan_counts.items()):
                print(f"  {outcome:<36} {n:>5}")
    bad = sum(counts[f] for f in FAULTS) + sum(plan_counts[f] for f in FAULTS)
    plan_part = (f"; plan: {plan_counts['planned']} planned, {plan_counts['exit 2 (no plan, with reasons)']} "
                 f"refused with reasons, {sum(plan_counts[f] for f in FAULTS)} faults" if args.plan else "")
    print(f"\nsummary: {len(results)} files, {counts['loaded']} loaded, "
          f"{counts['exit 2, every message at its line'] + counts['exit 2, whole-file message']} refused with "
          f"one line per problem, {counts['exit 2 without line']} messages without their line, "
          f"{counts['traceback']} tracebacks, {counts['crash']} crashes, {counts['hang']} hangs{plan_part}")
    return 1 if bad else 0


def other_modes(args) -> int:
    """``--ledgers N`` and ``--towns N``: their counts and a summary line each; exit 1 if any is a fault."""
    from tests.scheduler.random_towns import FAULTS as TOWN_FAULTS, GOOD

    t0 = time.monotonic()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="natplan-fuzz-") as tmp:
        if args.ledgers:
            counts = run_ledgers(args.ledgers, args.seed, args.workers, args.timeout, Path(tmp))
            print(f"natplan ledger import on {args.ledgers} damaged ledgers (seed {args.seed}), "
                  f"{time.monotonic() - t0:.0f} s")
            for outcome in LEDGER_OUTCOMES:
                print(f"  {outcome:<40} {counts[outcome]:>5}")
            faults = sum(counts[o] for o in LEDGER_OUTCOMES[2:])
            bad += faults
            print(f"\nsummary: {args.ledgers} ledgers, {counts[LEDGER_OUTCOMES[0]]} read, {counts[LEDGER_OUTCOMES[1]]} "
                  f"refused with one line per problem, {counts['traceback']} tracebacks, {counts['crash']} crashes, "
                  f"{counts['hang']} hangs, {counts['other fault']} other faults (an ID printed whole, a quote read "
                  "silently, exit 2 without its lines)")
        if args.towns:
            t1 = time.monotonic()
            counts = run_towns(args.towns, args.seed, args.workers, args.timeout, Path(tmp))
            kinds = [*GOOD, *TOWN_FAULTS, "traceback", "crash", "hang"]
            by_kind = collections.Counter()
            for (_, kind), n in counts.items():
                by_kind[kind] += n
            print(f"\nplan and verify on {args.towns} random towns (seed {args.seed}), {time.monotonic() - t1:.0f} s")
            print(f"  {'':<52}" + "".join(f"{d:>12}" for d in ("impossible", "tight", "loose", "all")))
            for kind in kinds:
                print(f"  {kind:<52}" + "".join(f"{counts[(d, kind)]:>12}" for d in ("impossible", "tight", "loose"))
                      + f"{by_kind[kind]:>12}")
            faults = sum(by_kind[k] for k in (*TOWN_FAULTS, "traceback", "crash", "hang"))
            bad += faults
            print(f"\nsummary: {args.towns} towns, {by_kind[GOOD[0]]} planned and verified, "
                  f"{by_kind[GOOD[1]] + by_kind[GOOD[2]]} refused with reasons (exit 2), {faults} faults "
                  f"({by_kind['traceback']} tracebacks, "
                  f"{by_kind['crash']} crashes, {by_kind['hang']} hangs, "
                  f"{sum(by_kind[k] for k in TOWN_FAULTS)} plans verify rejects or no reason given)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
