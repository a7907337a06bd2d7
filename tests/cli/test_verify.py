"""``natplan verify``: its exit codes and lines, and that it loads none of the solvers."""

import json
import subprocess
import sys

import pytest

from natplan.cli import main
from natplan.planfile import plan_json
from natplan.scheduler.pipeline import plan_round

SOLVERS = ("ortools", "pyvrp", "natplan.scheduler.assign", "natplan.scheduler.staffing", "natplan.scheduler.gap",
           "natplan.scheduler.pipeline", "natplan.scheduler.city", "natplan.routing.couriers",
           "natplan.routing.vrptw", "natplan.routing.home")


def solvers_loaded_by(argv: list[str]) -> str:
    """Run ``natplan ARGV`` in a fresh interpreter: ``"<exit code> [solver modules it loaded]"``."""
    code = ("import sys; from natplan.cli import main; "
            f"code = main({argv!r}); "
            f"print(code, sorted(m for m in sys.modules if any(m == s or m.startswith(s + '.') for s in {SOLVERS!r})))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def tiny_plan_bytes(tiny) -> bytes:
    return plan_json(plan_round(tiny).plan)


def test_a_good_plan_exits_0(tmp_path, tiny_plan_bytes, data_dir, capsys):
    path = tmp_path / "plan.json"
    path.write_bytes(tiny_plan_bytes)
    assert main(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml")]) == 0
    assert capsys.readouterr() == (f"{path}: ok — every rule holds\n", "")


def test_a_broken_rule_exits_1_with_its_line(tmp_path, tiny_plan_bytes, data_dir, capsys):
    plan = json.loads(tiny_plan_bytes)
    plan["assignment"]["parts"][0]["people"] += 5
    plan["scenario_sha256"] = "0" * 64
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml"), "--allow-changed-scenario"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"{path}: grid G1: 105 people sent to units, but 100 walk in"
    assert err == f"{path}: warning: made from a different version of {data_dir / 'tiny.yaml'}\n"


def test_a_plan_of_another_scenario_version_is_a_violation(tmp_path, tiny_plan_bytes, data_dir, capsys):
    plan = json.loads(tiny_plan_bytes)
    digest = plan["scenario_sha256"]
    plan["scenario_sha256"] = "0" * 64
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert main(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml")]) == 1
    assert capsys.readouterr() == (
        f"{path}: made from a different version of {data_dir / 'tiny.yaml'} (sha256 000000000000…, the file now "
        f"{digest[:12]}…); pass --allow-changed-scenario to check it against the file as it is\n", "")
    assert main(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml"), "--allow-changed-scenario"]) == 0
    assert capsys.readouterr() == (f"{path}: ok — every rule holds\n",
                                   f"{path}: warning: made from a different version of {data_dir / 'tiny.yaml'}\n")


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("{", "not a plan.json (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    ("{}", "not a natplan plan (missing 'assignment')"),
])
def test_an_unreadable_plan_exits_2_with_one_line(tmp_path, data_dir, capsys, content, message):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"{path}: {message}"


def test_a_town_plan_against_a_city_file_is_refused(tmp_path, tiny_plan_bytes, data_dir, capsys):
    path = tmp_path / "plan.json"
    path.write_bytes(tiny_plan_bytes)
    assert main(["verify", str(path), "--scenario", str(data_dir / "city_small.yaml")]) == 2
    assert capsys.readouterr().err == f"{path}: not a city plan ({data_dir / 'city_small.yaml'} is a city file)\n"


def test_verify_loads_no_solver(tmp_path, tiny_plan_bytes, data_dir):
    path = tmp_path / "plan.json"
    path.write_bytes(tiny_plan_bytes)
    assert solvers_loaded_by(["verify", str(path), "--scenario", str(data_dir / "tiny.yaml")]) == "0 []"
    # the names are real: this process, which planned, has loaded them
    here = {m for m in sys.modules if any(m == s or m.startswith(s + ".") for s in SOLVERS)}
    assert {"ortools", "natplan.scheduler.pipeline", "natplan.routing.couriers"} <= here
