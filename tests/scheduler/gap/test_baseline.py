"""Tests of natplan.scheduler.gap.baseline: plain CP-SAT finds the known optimum and says when it cannot."""

from __future__ import annotations

from natplan.scheduler.gap import GapData
from natplan.scheduler.gap.baseline import solve_gap_cpsat_plain
from tests.scheduler.gap.conftest import TINY_CAP, TINY_COST, TINY_WEIGHT, check_solution


def test_plain_cp_sat_on_the_tiny_instance():
    r = solve_gap_cpsat_plain(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP), 5.0, workers=1)
    assert (r.objective, r.status, r.method, r.optimal, r.gap) == (13, "OPTIMAL", "cpsat-plain", True, 0.0)
    assert check_solution(TINY_COST, TINY_WEIGHT, TINY_CAP, r.assignment) == 13


def test_plain_cp_sat_on_an_infeasible_instance():
    r = solve_gap_cpsat_plain(GapData.from_dense([[1, 1, 1], [1, 1, 1]], [[5, 5, 5], [5, 5, 5]], [5, 5]), 5.0)
    assert (r.status, r.feasible, r.assignment.tolist()) == ("INFEASIBLE", False, [-1, -1, -1])
