"""Tests of benchmarks/orlib.py, the OR-Library GAP reader that feeds benchmarks/gap.py and test_solve.py."""

from __future__ import annotations

import pytest

from benchmarks.orlib import read_orlib

# 2 agents, 3 jobs: costs row by row, then weights, then capacities
ONE = "2 3\n 1 2 3\n 4 5 6\n 7 8 9\n 10 11 12\n 20 30\n"


def test_reads_one_problem(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text(ONE)
    d = read_orlib(f)
    assert (d.n_agents, d.n_jobs, d.n_arcs) == (2, 3, 6)
    assert d.capacity.tolist() == [20, 30]
    # agent 1, job 2: cost 6, weight 12
    k = int(((d.arc_agent == 1) & (d.arc_job == 2)).nonzero()[0][0])
    assert (d.arc_cost[k], d.arc_weight[k]) == (6, 12)


def test_a_leading_problem_count_gives_the_first_problem(tmp_path):
    f = tmp_path / "many.txt"
    f.write_text("2\n" + ONE + "1 1\n 5\n 5\n 9\n")
    d = read_orlib(f)
    assert (d.n_agents, d.n_jobs, d.capacity.tolist()) == (2, 3, [20, 30])


def test_a_short_file_is_refused(tmp_path):
    f = tmp_path / "short.txt"
    f.write_text("2 3\n 1 2 3\n")
    with pytest.raises(ValueError, match="^not an OR-Library GAP file$"):
        read_orlib(f)
