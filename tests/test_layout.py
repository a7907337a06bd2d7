"""How the code is laid out: one installed name, natplan; models at the bottom of the house; the
command line alone parses arguments; verify independent of the solvers."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"natplan": "natplan", "natplan.cli": "cli", "natplan.models": "models", "natplan.routing": "routing",
           "natplan.scheduler": "scheduler", "natplan.templates": "templates"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def source_packages() -> set[str]:
    """Every package in the source folders, by its installed name."""
    out = set()
    for name, folder in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            out.add(".".join((name, *rel)))
    return out


def imports_of(path: Path) -> set[str]:
    """Modules a source file imports (absolute names), anywhere in the file."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def test_every_package_is_installed_under_natplan():
    tool = pyproject()["tool"]["setuptools"]
    assert set(tool["packages"]) == source_packages()
    assert tool["package-dir"] == FOLDERS


def test_models_import_nothing_else_of_ours():
    for path in (ROOT / "models").rglob("*.py"):
        ours = {m for m in imports_of(path) if m.split(".")[0] in ("natplan", *[f for f in FOLDERS.values()])}
        assert all(m == "natplan.models" or m.startswith("natplan.models.") for m in ours), (path, ours)


def test_loading_a_scenario_loads_no_solver():
    code = ("import sys; from natplan.models.loader import load_scenario; from natplan.routing.network import TRAVEL;"
            f"load_scenario({str(ROOT / 'scenarios' / 'xiagezhuang.yaml')!r}, travel=TRAVEL);"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ortools', 'pyvrp', 'simpy', 'typst') or m.startswith(('natplan.scheduler', 'natplan.routing.couriers', "
            "'natplan.routing.vrptw')))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == []
