"""100 damaged ledgers (tests/models/ledger/ledger_mutations.py, seeded) through ``natplan ledger import``: each is
read (exit 0 or 1, with its report) or refused (exit 2, one line per problem naming the file); never a traceback,
never a full ID number printed, never an unbalanced quote read without a word.  ``benchmarks/fuzz.py --ledgers``
runs 1,000 such files.
"""

import contextlib
import io

import pytest

from natplan.cli import main
from tests.models.ledger.ledger_mutations import MUTATIONS, SCENARIO, check_output, ledger_mutants

SEED = 17
CASES = list(ledger_mutants(100, SEED))


def test_the_mutants_are_the_same_for_the_same_seed():
    assert list(ledger_mutants(100, SEED)) == CASES
    assert len({m.data for m in CASES}) > 90
    assert {m.kind.split("+")[0] for m in CASES} == set(MUTATIONS)
    assert sum(m.name.endswith(".xlsx") for m in CASES) > 20


@pytest.mark.parametrize("mutant", CASES, ids=[m.name for m in CASES])
def test_a_damaged_ledger_is_read_or_refused_in_words(mutant, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / mutant.name).write_bytes(mutant.data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["ledger", "import", mutant.name, "--scenario", str(SCENARIO), "--lang", "en"])
    assert check_output(mutant, code, out.getvalue(), err.getvalue()) == []
