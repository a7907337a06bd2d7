"""The ``natplan`` command line.

Every command exits 0 on success, 2 on bad input (one line per problem,
``file:line: field: message``, no traceback), and 1 when a check it runs
finds violations (``verify``, ``ledger import`` with bad rows).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from natplan.outfolder import write_atomic
from natplan.models.problems import InputError

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "xiagezhuang.yaml"


def cmd_validate(args) -> int:
    if is_city_file(args.file):
        return _validate_city(args)
    from natplan.models.loader import load_scenario
    from natplan.models.summary import summarize
    from natplan.templates.i18n import t

    loaded = load_scenario(args.file)
    for w in loaded.warnings:
        print(w, file=sys.stderr)
    summary = summarize(loaded.scenario)
    lang = args.lang
    if args.json:
        print(json.dumps({
            "file": str(args.file), "sha256": loaded.digest, "counts": summary.counts,
            "checks": [{"key": c.key, "value": round(c.value, 2), "limit": c.high, "status": c.status}
                       for c in summary.checks],
            "warnings": list(loaded.warnings),
        }, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    s = loaded.scenario
    title = s.region.name_en if lang == "en" and s.region.name_en else s.name
    console = Console(highlight=False, width=100)
    console.print(f"{args.file}: {t('scenario_ok', lang)} — {title}")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    for key, value in summary.counts.items():
        table.add_row(t(key, lang), f"{value:,}")
    console.print(table)
    checks = Table(title=t("guideline", lang), title_justify="left", box=None, pad_edge=False)
    for col in ("", "value", "limit", "status"):
        checks.add_column(t(col, lang) if col else "", justify="left" if not col else "right")
    for c in summary.checks:
        limit = "" if c.high is None else f"≤ {c.high:,.0f}"
        checks.add_row(t(c.key, lang), f"{c.value:,.1f}", limit, t("status_" + c.status, lang))
    console.print(checks)
    return 0


def _validate_city(args) -> int:
    """A city file: its townships, resources and labs in a few lines (the townships are expanded when planned)."""
    from natplan.models.city import lab_window_h, load_city, tubes_of

    city = load_city(args.file).city
    p = city.parameters
    counts = {
        "people": city.people, "townships": len(city.townships),
        "districts": len({t.district for t in city.townships}),
        "units": sum(t.units for t in city.townships), "groups": sum(t.groups for t in city.townships),
        "samplers": sum(t.samplers for t in city.townships), "labs": len(city.labs),
        "tubes": sum(tubes_of(t.people, p.pooling_ratio) for t in city.townships),
        "lab_tubes_in_round": int(sum(lab.tubes_per_hour for lab in city.labs) * lab_window_h(city)),
    }
    if args.json:
        print(json.dumps({"file": str(args.file), "kind": "city", "counts": counts}, ensure_ascii=False, indent=2))
    else:
        print(f"{args.file}: city file ok — {city.name}")
        for key, value in counts.items():
            print(f"  {key.replace('_', ' ')}: {value:,}")
    return 0


def cmd_schema(args) -> int:
    from natplan.models.scenario import Scenario

    text = json.dumps(Scenario.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        write_atomic(Path(args.output), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def cmd_generate(args) -> int:
    from natplan.models.generate import generate_town, scenario_to_yaml
    from natplan.models.presets import PRESETS

    if args.preset == "qingdao":
        from natplan.models.city_generate import city_to_yaml, generate_city

        city = generate_city(target_people=args.people, seed=2020 if args.seed is None else args.seed)
        return _write_or_print(args.output, city_to_yaml(city, Path(args.output).parent if args.output else None),
                               f"{city.people:,} people, {len(city.townships)} townships, "
                               f"{sum(t.units for t in city.townships):,} units, {len(city.labs)} labs")
    spec = PRESETS[args.preset](seed=args.seed) if args.seed is not None else PRESETS[args.preset]()
    scenario = generate_town(spec)
    return _write_or_print(args.output, scenario_to_yaml(scenario, scenario.description or ""),
                           f"{scenario.people:,} people, {len(scenario.grids())} grids, {len(scenario.units)} units, "
                           f"{len(scenario.groups)} groups, {len(scenario.zones)} zones")


def _write_or_print(output: str | None, text: str, summary: str) -> int:
    """Write ``text`` to ``output`` (atomically) and say what it holds, or print it."""
    if output:
        write_atomic(Path(output), lambda tmp: tmp.write_text(text, encoding="utf-8"))
        print(f"{output}: {summary}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_ledger_import(args) -> int:
    from natplan.models.ledger import ledger_import_main

    return ledger_import_main(args)


def is_city_file(path: Path) -> bool:
    """A scenario file is a city file when it has a top-level ``townships:`` key (checked without parsing)."""
    import re

    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return False
    return re.search(r"^townships\s*:", text, re.MULTILINE) is not None


def cmd_plan(args) -> int:
    if is_city_file(args.scenario):
        from natplan.scheduler.city import city_main

        return city_main(args)
    from natplan.scheduler.pipeline import plan_main

    return plan_main(args)


def cmd_print(args) -> int:
    """Lay out the printed set of a plan already made (a township folder of a city plan, or a town's OUT)."""
    from natplan.models.loader import load_scenario
    from natplan.models.plan import Plan
    from natplan.scheduler.verify import read_plan_json
    from natplan.templates.outputs import now_printed_at, render_outputs

    from natplan.outfolder import OutputFolder, plan_folder_of

    folder = Path(args.folder)
    root, rel = plan_folder_of(folder)
    out = OutputFolder(root, force=args.force, display=str(folder))
    names = [rel + name for name in ("plan.xlsx", "rosters.pdf", "index.html")]
    out.check(names)  # before anything is laid out
    data = read_plan_json(folder / "plan.json")
    if data.get("kind") == "city":
        raise InputError.single(str(folder / "plan.json"), "a city plan: print one of its townships/<id> folders")
    scenario_path = args.scenario or folder / "scenario.yaml"
    loaded = load_scenario(scenario_path)
    plan = Plan.model_validate(data)
    if plan.scenario_sha256 != loaded.digest:
        print(f"{folder / 'plan.json'}: warning: made from a different version of {scenario_path}", file=sys.stderr)
    files, warnings = render_outputs(plan, loaded.scenario, loaded.geometry, lang=args.lang,
                                     printed_at=now_printed_at())
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    out.write({rel + name: blob for name, blob in files.items()}, replace_all=False)
    print(f"{folder}: {', '.join(sorted(files))}")
    return 0


def cmd_verify(args) -> int:
    if is_city_file(args.scenario):
        from natplan.scheduler.city_verify import verify_city_main

        return verify_city_main(args)
    from natplan.scheduler.verify import verify_main

    return verify_main(args)


def cmd_compare(args) -> int:
    from natplan.cli.whatif import compare_main

    return compare_main(args)


def cmd_minimize(args) -> int:
    from natplan.cli.whatif import minimize_main

    return minimize_main(args)


def cmd_simulate(args) -> int:
    from natplan.scheduler.simulate import simulate_main

    return simulate_main(args)


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
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("generate", help="generate a town scenario (synthetic positions, real facts)")
    p.add_argument("preset", choices=("xiagezhuang", "qixia", "qingdao"))
    p.add_argument("--people", type=int, default=None,
                   help="qingdao: keep whole townships until this many people, scaled to exactly this many")
    p.add_argument("-o", "--output", help="scenario file to write (default: standard output)")
    p.add_argument("--seed", type=int, default=None)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("ledger", help="people ledger (人员登记台账) tools")
    lsub = p.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    q = lsub.add_parser("import", help="read a ledger (.xlsx/.csv) and check or fill the scenario's grid counts")
    q.add_argument("file", type=Path)
    q.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    q.add_argument("--encoding", default=None, help="CSV encoding (default: detect UTF-8 / GB18030)")
    q.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                   help="extra column mapping, e.g. 居民姓名=name")
    q.add_argument("--update", type=Path, default=None, help="write the scenario with ledger counts here")
    q.add_argument("--fill", action="store_true",
                   help="with --update, also set each grid's people and households from the ledger")
    q.add_argument("--sheet", default=None, help="workbook sheet to read (default: the first)")
    q.add_argument("--lang", choices=("zh", "en"), default="zh")
    q.set_defaults(func=cmd_ledger_import)

    p = sub.add_parser("plan", help="plan a round and print rosters and route sheets")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path, default=Path("out"))
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    p.add_argument("--time-limit", type=float, default=None,
                   help="solver work budget per stage, in CP-SAT deterministic units (about seconds; default 0.2)")
    p.add_argument("--workers", type=int, default=None,
                   help="city files: township jobs at once (default: one per core)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="city files: run the township jobs on a Dask cluster (tcp://host:8786, or 'local')")
    p.add_argument("--no-township-print", action="store_true",
                   help="city files: plan and write plan.json and the city overview, but not each township's "
                        "PDF, HTML and Excel")
    p.add_argument("--force", action="store_true",
                   help="write into a folder that holds files natplan did not write (they are kept)")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("print", help="lay out the printed set (PDF, HTML, Excel) of a plan already made, "
                                     "e.g. one township of a city planned with --no-township-print")
    p.add_argument("folder", type=Path, help="folder with plan.json (and scenario.yaml, for a township)")
    p.add_argument("--scenario", type=Path, default=None, help="the scenario (default: FOLDER/scenario.yaml)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--force", action="store_true",
                   help="replace plan.xlsx, rosters.pdf or index.html in FOLDER even if natplan did not write them; other files are kept")
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("verify", help="check a plan.json against its scenario, independently of the solvers")
    p.add_argument("plan", type=Path)
    p.add_argument("--scenario", type=Path, required=True)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("compare", help="plan the round at several staffing levels and compare them")
    p.add_argument("scenario", type=Path)
    p.add_argument("--vary", action="append", required=True, metavar="KEY=VALUES",
                   help="groups=12..20, vehicles=4,6,8, units, samplers, desks, slot, pooling, deadline=17:00,18:00, interval")
    p.add_argument("-o", "--output", type=Path, default=Path("out/compare"))
    p.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--time-limit", type=float, default=0.5, help="solver budget per stage and variant")
    p.add_argument("--simulate", type=int, default=0, metavar="RUNS", help="add P95 columns from RUNS simulations")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--force", action="store_true",
                   help="write into a folder that holds files natplan did not write (they are kept)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("minimize", help="least groups / samplers / vehicles / units that still meet the deadline")
    p.add_argument("scenario", type=Path)
    p.add_argument("--resource", choices=("groups", "samplers", "vehicles", "units"), default="groups")
    p.add_argument("--time-limit", type=float, default=0.5)
    p.add_argument("-o", "--output", type=Path, default=None, help="write the plan at the least level here")
    p.add_argument("--force", action="store_true",
                   help="write into a folder that holds files natplan did not write (they are kept)")
    p.set_defaults(func=cmd_minimize)

    p = sub.add_parser("simulate", help="simulate a plan's queues with lateness, no-shows and varying swab times")
    p.add_argument("plan", type=Path)
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                   help="the scenario the plan was made from (default: scenarios/xiagezhuang.yaml)")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``natplan`` console script."""
    from natplan.processes import Terminated, terminate_on_signals

    parser = build_parser()
    args = parser.parse_args(argv)
    terminate_on_signals()
    try:
        return args.func(args)
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
