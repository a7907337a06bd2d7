"""``natplan validate``, ``natplan schema`` and ``natplan generate``: scenario files on the terminal."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from natplan.models.atomic import write_atomic
from natplan.models.problems import InputError


def check_new_file(output: str | None, force: bool) -> None:
    """Refuse an output file that natplan did not write, before anything is made.

    natplan keeps no manifest of a single file, so an existing file is never
    replaced unless ``force`` says so; a folder is never replaced.

    Parameters
    ----------
    output
        The ``-o`` path, or None (standard output: nothing to check).
    force
        ``--force``: replace an existing file.

    Raises
    ------
    InputError
        ``natplan: FILE exists; choose another name or pass --force`` (exit 2); or the path is a folder, or
        its folder cannot be made or written.
    """
    if not output:
        return
    path = Path(output)
    if path.is_dir():
        raise InputError.single("natplan", f"{output} is a folder; give the file to write")
    if os.path.lexists(path) and not force:
        raise InputError.single("natplan", f"{output} exists; choose another name or pass --force")
    probe = path.parent
    while not os.path.lexists(probe) and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise InputError.single("natplan", f"cannot write {output}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError.single("natplan", f"cannot write {output}: no permission to write in {probe}")


def validate_town(args) -> int:
    """``natplan validate FILE``: the scenario's summary and its checks against the guidelines."""
    from natplan.models.loader import load_scenario, locate
    from natplan.models.summary import summarize
    from natplan.routing.network import TRAVEL
    from natplan.templates.i18n import t

    loaded = load_scenario(args.file, travel=TRAVEL)
    for w in loaded.warnings:
        print(w, file=sys.stderr)
    summary = summarize(loaded.scenario)
    for problem in locate(loaded, summary.failures()):  # a check no plan can pass: exit 1
        print(problem.format(str(args.file)), file=sys.stderr)
    code = 1 if summary.failed else 0
    lang = args.lang
    if args.json:
        print(json.dumps({
            "file": str(args.file), "sha256": loaded.digest, "counts": summary.counts,
            "checks": [{"key": c.key, "value": round(c.value, 2), "limit": c.high, "status": c.status,
                        "severity": c.severity}
                       for c in summary.checks],
            "warnings": list(loaded.warnings),
        }, ensure_ascii=False, indent=2))
        return code
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
    return code


def validate_city(args) -> int:
    """``natplan validate CITY``: its townships, resources and labs in a few lines (the townships are
    expanded when planned)."""
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


def schema(args) -> int:
    """``natplan schema [-o FILE]``: the JSON Schema of scenario files."""
    from natplan.models.scenario import Scenario

    check_new_file(args.output, args.force)
    text = json.dumps(Scenario.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        write_atomic(Path(args.output), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def generate(args) -> int:
    """``natplan generate PRESET [-o FILE]``: a town scenario, or the Qingdao city file (or a part of it)."""
    from natplan.models.generate import generate_town, scenario_to_yaml
    from natplan.models.presets import PRESETS

    check_new_file(args.output, args.force)
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
