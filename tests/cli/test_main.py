"""The command line as a process: output into a pipe whose reader went away ends quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv", [["validate", "--json", "scenarios/xiagezhuang.yaml"], ["schema"],
                                  ["generate", "qixia"]])
def test_output_into_a_closed_pipe_ends_quietly(argv):
    # the reader closes its end before natplan writes a byte (as `| head -1` does once it has its line)
    proc = subprocess.Popen([sys.executable, "-m", "natplan", *argv], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert err == ""
    assert code == 141
