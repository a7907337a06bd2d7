"""100 mutated scenario files (tests/models/scenario_mutations.py, seeded): each either loads, or is refused
with problems in the form ``file:line: field.path: message``; nothing else ever comes out.

Half are made from tests/data/tiny.yaml, half from scenarios/xiagezhuang.yaml.  The reader runs in-process,
with the travel times, and a loaded file is summarized too (a 401-digit count once broke the summary).
``benchmarks/fuzz.py`` runs 1,000 such files through ``natplan validate`` (and ``natplan plan``).
"""

import re
from pathlib import Path

import pytest

from natplan.models.loader import load_scenario
from natplan.models.problems import InputError
from natplan.models.summary import summarize
from natplan.routing.network import TRAVEL
from tests.models.scenario_mutations import mutants

ROOT = Path(__file__).resolve().parents[2]
SEED = 17
CASES = [*mutants((ROOT / "tests/data/tiny.yaml").read_text(encoding="utf-8"), "tiny", 50, SEED),
         *mutants((ROOT / "scenarios/xiagezhuang.yaml").read_text(encoding="utf-8"), "xiagezhuang", 50, SEED)]

# Problems of the file's bytes or of the document as a whole stand on a line but in no field.
WHOLE_DOCUMENT = ("is not UTF-8 text", "not valid YAML or JSON: the character U+",
                  "the top level must be a mapping of fields")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder where the mutants are written, with the boundary Xiagezhuang names (data/…)."""
    folder = tmp_path_factory.mktemp("mutants")
    (folder / "data").symlink_to(ROOT / "scenarios" / "data")
    return folder


def test_the_mutants_are_the_same_for_the_same_seed():
    again = list(mutants((ROOT / "tests/data/tiny.yaml").read_text(encoding="utf-8"), "tiny", 50, SEED))
    assert again == CASES[:50]
    assert len({m.data for m in CASES}) == len(CASES)
    assert len({m.kind.split("+")[0] for m in CASES}) == 16  # every kind of damage


@pytest.mark.parametrize("mutant", CASES, ids=[m.name for m in CASES])
def test_a_mutant_loads_or_gets_exact_lines(mutant, folder):
    path = folder / mutant.name
    path.write_bytes(mutant.data)
    try:
        loaded = load_scenario(path, display=mutant.name, travel=TRAVEL)
    except InputError as e:
        assert e.problems and e.file == mutant.name
        for problem in e.problems:
            line = problem.format(e.file)
            assert "\n" not in line
            if problem.message == "the file is empty":  # cut to nothing: no line to name
                assert line == f"{mutant.name}: the file is empty"
                continue
            assert re.fullmatch(rf"{re.escape(mutant.name)}:[1-9][0-9]*: \S.*", line), line
            assert problem.loc or problem.message.startswith(WHOLE_DOCUMENT), line
        return
    summary = summarize(loaded.scenario)
    assert summary.counts["people"] == loaded.scenario.people
