"""The ``natplan`` command line: the parser, the dispatch to each command's module, the exit codes.

Every command exits 0 on success, 2 on bad input (one line per problem,
``file:line: field: message``, no traceback), and 1 when a check it runs
finds violations (``verify``, ``ledger import`` with bad rows); 130 when
interrupted (Ctrl-C) and 143 when terminated, with nothing written; 141,
quietly, when the reader of its output went away (``| head -1``).

The commands live by family: :mod:`natplan.cli.scenario` (validate, schema,
generate), :mod:`natplan.cli.ledger`, :mod:`natplan.cli.plan` (plan, print),
:mod:`natplan.cli.verify`, :mod:`natplan.cli.whatif` (compare, minimize),
:mod:`natplan.cli.replan` and :mod:`natplan.cli.simulate`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from natplan.models.problems import InputError
from natplan.models.scenario import seed
from natplan.scheduler.budget import CITY_TOWNSHIP_TIME_LIMIT, DEFAULT_TIME_LIMIT

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "xiagezhuang.yaml"


def is_city_file(path: Path) -> bool:
    """A scenario file is a city file when it has a top-level ``townships:`` key (checked without parsing)."""
    import re

    from natplan.models.document import MAX_DOCUMENT_BYTES, read_bytes

    try:  # a regular file within the size limit only: a pipe or a device is never opened (the loader says why)
        text = read_bytes(Path(path), str(path), MAX_DOCUMENT_BYTES).decode("utf-8-sig", errors="replace")
    except InputError:
        return False
    return re.search(r"^townships\s*:", text, re.MULTILINE) is not None


def command(module: str, town: str, city: str | None = None, file: str = "scenario"):
    """The handler ``natplan.cli.<module>.<town>(args)``, imported only when the command runs, so that a
    command loads only what it needs (``natplan verify`` loads none of the solvers).  With ``city``, a
    city file (the argument named ``file``) goes to ``<module>.<city>`` instead."""
    def run(args) -> int:
        from importlib import import_module

        handlers = import_module(f"natplan.cli.{module}")
        name = city if city is not None and is_city_file(getattr(args, file)) else town
        return getattr(handlers, name)(args)

    return run


def add_force(p: argparse.ArgumentParser,
              help: str = "write into a folder that holds files natplan did not write (they are kept)") -> None:
    """``--force`` for a command that writes an output folder (see :mod:`natplan.outfolder`)."""
    p.add_argument("--force", action="store_true", help=help)


FORCE_FILE = "replace the -o file if it exists (natplan never replaces a file it was not told to)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="natplan",
        description="Plan a mass nucleic-acid testing round: who is tested where and when, "
                    "which group staffs which unit, and the courier loops.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a scenario file and print its summary")
    p.add_argument("file", type=Path)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=command("scenario", "validate_town", "validate_city", file="file"))

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_force(p, FORCE_FILE)
    p.set_defaults(func=command("scenario", "schema"))

    p = sub.add_parser("generate", help="generate a town scenario (synthetic positions, real facts)")
    p.add_argument("preset", choices=("xiagezhuang", "qixia", "qingdao"))
    p.add_argument("--people", type=int, default=None,
                   help="qingdao: keep whole townships until this many people, scaled to exactly this many")
    p.add_argument("-o", "--output", help="scenario file to write (default: standard output)")
    p.add_argument("--seed", type=seed, default=None)
    add_force(p, FORCE_FILE)
    p.set_defaults(func=command("scenario", "generate"))

    p = sub.add_parser("ledger", help="people ledger (人员登记台账) tools")
    lsub = p.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    q = lsub.add_parser("import", help="read a ledger (.xlsx/.csv) and check or fill the scenario's grid counts")
    q.add_argument("file", type=Path)
    q.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    q.add_argument("--encoding", default=None, help="CSV encoding (default: detect UTF-8 / GB18030)")
    q.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                   help="extra column mapping, e.g. 居民姓名=name")
    q.add_argument("--update", type=Path, default=None,
                   help="write the scenario with ledger counts here: a new file, or the --scenario file itself "
                        "(its previous text is kept as FILE.bak)")
    add_force(q, "with --update, replace an existing file other than the scenario")
    q.add_argument("--fill", action="store_true",
                   help="with --update, also set each grid's people and households from the ledger")
    q.add_argument("--sheet", default=None, help="workbook sheet to read (default: the first)")
    q.add_argument("--lang", choices=("zh", "en"), default="zh")
    q.set_defaults(func=command("ledger", "ledger_import_main"))

    p = sub.add_parser("plan", help="plan a round and print rosters and route sheets")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path, default=Path("out"))
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--seed", type=seed, default=None, help="override the scenario's seed")
    p.add_argument("--time-limit", type=float, default=None,
                   help="solver work budget per stage, in CP-SAT deterministic units (about seconds; default "
                        f"{DEFAULT_TIME_LIMIT:g}, a city's townships {CITY_TOWNSHIP_TIME_LIMIT:g})")
    p.add_argument("--workers", type=int, default=None,
                   help="city files: township jobs at once (default: one per core)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="city files: run the township jobs on a Dask cluster (tcp://host:8786, or 'local')")
    p.add_argument("--no-township-print", action="store_true",
                   help="city files: plan and write plan.json and the city overview, but not each township's "
                        "PDF, HTML and Excel")
    add_force(p)
    p.set_defaults(func=command("plan", "plan_town", "plan_city"))

    p = sub.add_parser("print", help="lay out the printed set (PDF, HTML, Excel) of a plan already made, "
                                     "e.g. one township of a city planned with --no-township-print")
    p.add_argument("folder", type=Path, help="folder with plan.json (and scenario.yaml, for a township)")
    p.add_argument("--scenario", type=Path, default=None, help="the scenario (default: FOLDER/scenario.yaml)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_force(p, "replace plan.xlsx, rosters.pdf or index.html in FOLDER even if natplan did not write them; "
                 "other files are kept")
    p.set_defaults(func=command("plan", "print_set"))

    p = sub.add_parser("verify", help="check a plan.json against its scenario, independently of the solvers")
    p.add_argument("plan", type=Path)
    p.add_argument("--scenario", type=Path, required=True)
    p.add_argument("--allow-changed-scenario", action="store_true",
                   help="check the plan even if it was made from another version of the scenario file "
                        "(its sha256 differs); otherwise that alone is a violation")
    p.set_defaults(func=command("verify", "verify_town", "verify_city"))

    p = sub.add_parser("replan", help="re-plan the rest of a round after events: a unit closed, a vehicle out, "
                                      "a group short, a slow lab, more people, a positive pool")
    p.add_argument("plan", type=Path, help="the plan.json being carried out")
    p.add_argument("--scenario", type=Path, required=True, help="the scenario the plan was made from")
    p.add_argument("--events", type=Path, required=True, help="the events file (YAML or JSON)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--full-set", action="store_true",
                   help="also lay out the whole printed set (rosters.pdf, index.html, notices/), as natplan plan does")
    add_force(p)
    p.set_defaults(func=command("replan", "replan_command"))

    p = sub.add_parser("compare", help="plan the round at several staffing levels and compare them")
    p.add_argument("scenario", type=Path)
    p.add_argument("--vary", action="append", required=True, metavar="KEY=VALUES",
                   help="groups=12..20, vehicles=4,6,8, units, samplers, desks, slot, pooling, deadline=17:00,18:00, interval, "
                        "max_walk_m=1500,3000,5000")
    p.add_argument("-o", "--output", type=Path, default=Path("out/compare"))
    p.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                   help=f"solver budget per stage and variant (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("--simulate", type=int, default=0, metavar="RUNS", help="add P95 columns from RUNS simulations")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_force(p)
    p.set_defaults(func=command("whatif", "compare_command"))

    p = sub.add_parser("minimize", help="least groups / samplers / vehicles / units that still meet the deadline")
    p.add_argument("scenario", type=Path)
    p.add_argument("--resource", choices=("groups", "samplers", "vehicles", "units"), default="groups")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                   help=f"solver budget per stage and count tried (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("-o", "--output", type=Path, default=None, help="write the plan at the least level here")
    add_force(p)
    p.set_defaults(func=command("whatif", "minimize_command"))

    p = sub.add_parser("simulate", help="simulate a plan's queues with lateness, no-shows and varying swab times, "
                                        "and its sample ages with varying van times")
    p.add_argument("plan", type=Path)
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                   help="the scenario the plan was made from (default: scenarios/xiagezhuang.yaml)")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=None,
                   help="processes (default: one per core); the numbers do not depend on it")
    p.add_argument("--engine", choices=("fast", "simpy"), default="fast",
                   help="fast: the queue as a recursion over sorted arrivals (default); simpy: the reference model")
    p.set_defaults(func=command("simulate", "simulate"))
    return parser


SIGPIPE_EXIT = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away


def closed_pipe() -> int:
    """The reader of natplan's output went away (``natplan validate --json FILE | head -1``): end quietly.

    As the Python documentation's note on SIGPIPE says, standard output (and standard error, should it be the
    closed one) is pointed at ``/dev/null``, so that the interpreter's last flush finds nothing to complain
    about.

    Returns
    -------
    int
        141, the exit code of a command killed by SIGPIPE.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # not a real file (captured output): nothing to redirect
            pass
    os.close(devnull)
    return SIGPIPE_EXIT


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``natplan`` console script."""
    from natplan.processes import Terminated, terminate_on_signals

    parser = build_parser()
    args = parser.parse_args(argv)
    terminate_on_signals()
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return closed_pipe()
    except InputError as e:
        for p in e.problems:
            print(p.format(e.file), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("natplan: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Terminated:
        print("natplan: terminated; nothing was written", file=sys.stderr)
        return 143


if __name__ == "__main__":
    sys.exit(main())
