"""Tests of natplan.scheduler.gap.cpsat: the CP-SAT model solves tiny instances to their known optimum."""

from __future__ import annotations

from ortools.sat.python import cp_model

from natplan.scheduler.gap.cpsat import cp_params, max_placement, min_cost_model, solve_min_cost
from natplan.scheduler.gap.data import GapData, Instance, evaluate
from tests.scheduler.gap.conftest import TINY_CAP, TINY_COST, TINY_WEIGHT, brute_force


def test_min_cost_model_reaches_the_brute_force_optimum():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    model, x = min_cost_model(inst)
    assert len(x) == 12
    cp = solve_min_cost(inst, model, x, 5.0, 1, 0, True)
    assert cp.optimal and not cp.infeasible and cp.status_name == "OPTIMAL"
    assert cp.bound == brute_force(TINY_COST, TINY_WEIGHT, TINY_CAP) == 13
    assert evaluate(inst, cp.arc_of)[::2] == (13, True)
    assert [inst.L_agent[k] for k in cp.arc_of] == [1, 2, 0, 1]


def test_a_hint_does_not_change_the_optimum():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    worse = [inst.find_arc(j, a) for j, a in enumerate([0, 2, 0, 1])]  # feasible, cost 14
    assert evaluate(inst, worse)[::2] == (14, True)
    model, x = min_cost_model(inst, worse)
    cp = solve_min_cost(inst, model, x, 5.0, 1, 0, True)
    assert cp.optimal and evaluate(inst, cp.arc_of)[0] == 13


def test_an_infeasible_instance_is_proved_so():
    inst = Instance(GapData.from_dense([[1, 1, 1], [1, 1, 1]], [[5, 5, 5], [5, 5, 5]], [5, 5]))
    model, x = min_cost_model(inst)
    cp = solve_min_cost(inst, model, x, 5.0, 1, 0, True)
    assert cp.infeasible and cp.arc_of is None and cp.status_name == "INFEASIBLE"


def test_max_placement_places_the_most_jobs_then_the_cheapest():
    # three jobs of weight 5 and two agents of capacity 5: two jobs fit; the cheapest pairs are
    # job 0 and job 1 (1 + 5 or 4 + 2, both 6)
    inst = Instance(GapData.from_dense([[1, 2, 3], [4, 5, 6]], [[5, 5, 5], [5, 5, 5]], [5, 5]))
    arc_of = max_placement(inst, 5.0, 0, True, 1, [-1, -1, -1])
    assert [k >= 0 for k in arc_of] == [True, True, False]
    obj, loads, _ = evaluate(inst, arc_of)
    assert obj == 6 and loads.tolist() == [5, 5]


def test_cp_params():
    solver = cp_model.CpSolver()
    cp_params(solver, 0.001, 8, 7, True, extra={"log_search_progress": False})
    p = solver.parameters
    assert (p.num_workers, p.max_deterministic_time, p.random_seed) == (1, 0.01, 7)
    assert not p.catch_sigint_signal
    solver = cp_model.CpSolver()
    cp_params(solver, 3.0, 0, 1, False)
    assert (solver.parameters.num_workers, solver.parameters.max_time_in_seconds) == (1, 3.0)
