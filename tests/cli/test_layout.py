"""The command line alone reads arguments and prints: no library module sees argparse or an args namespace,
and the solver budgets are set in one module."""

import ast
import re
from pathlib import Path

from natplan.cli.main import build_parser
from natplan.scheduler import budget
from natplan.scheduler.pipeline import plan_round
from natplan.scheduler.whatif import compare, minimize

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ("models", "scheduler", "routing", "templates", "natplan")  # every installed folder but cli/


def library_sources() -> list[Path]:
    """The installed library modules: .py files in a package (a folder with __init__.py) outside cli/."""
    return sorted(p for folder in LIBRARY for p in (ROOT / folder).rglob("*.py") if (p.parent / "__init__.py").exists())


def test_the_library_has_modules_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in library_sources()}
    assert {"scheduler/pipeline.py", "scheduler/city.py", "scheduler/verify/__init__.py", "natplan/planfile.py"} <= names


def test_no_library_module_reads_arguments():
    found = []
    for path in library_sources():
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"\bargparse\b|\bargs\.", line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    any(a.arg == "args" for a in node.args.args + node.args.kwonlyargs):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}(args)")
    assert found == []


def test_no_library_module_has_a_command_entry_point():
    """The old ``*_main(args)`` functions live in natplan.cli now."""
    found = [f"{p.relative_to(ROOT)}: {m}" for p in library_sources()
             for m in re.findall(r"^def (\w+_main)\(", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert found == []


def test_one_default_budget_everywhere():
    assert (budget.DEFAULT_TIME_LIMIT, budget.CITY_TOWNSHIP_TIME_LIMIT) == (0.2, 0.05)
    for f in (plan_round, compare, minimize):
        assert f.__defaults__ is not None and budget.DEFAULT_TIME_LIMIT in f.__defaults__, f.__name__
    parser = build_parser()
    for command in ("compare", "minimize"):
        sub = parser._subparsers._group_actions[0].choices[command]
        assert sub.get_default("time_limit") == budget.DEFAULT_TIME_LIMIT
    # plan has no default of its own: it takes the town's or the city's budget (tests/cli/test_plan.py)
    assert parser._subparsers._group_actions[0].choices["plan"].get_default("time_limit") is None


def test_no_plan_budget_literal_outside_the_budget_module():
    """The modules that plan a round (a town, a city, what-if variants) and the command line take their
    budgets from natplan.scheduler.budget, never from a number of their own.  (The single solvers —
    assign, staff, solve_gap, solve_vrptw — keep their own defaults; the plan always passes its budget.)"""
    planners = [ROOT / "scheduler" / f for f in ("pipeline.py", "city.py", "whatif.py")]
    found = []
    for path in planners + sorted((ROOT / "cli").glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"time_limit: float = \d|time-limit.*default=\d|time_limit or \d|TIME_LIMIT = ", line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
