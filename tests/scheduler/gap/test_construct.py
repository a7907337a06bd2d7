"""Tests of natplan.scheduler.gap.construct: greedy, flow rounding, repair, shift moves, the start."""

from __future__ import annotations

import numpy as np
import pytest

from natplan.scheduler.gap.bounds import flow_relaxation
from natplan.scheduler.gap.construct import (
    DIVE_ROUNDS,
    flow_dive,
    regret_greedy,
    repair,
    round_flow,
    shift_descent,
    start_solution,
)
from natplan.scheduler.gap.data import GapData, Instance, evaluate
from tests.scheduler.gap.conftest import TINY_CAP, TINY_COST, TINY_WEIGHT, brute_force_data, check_solution


def agents_of(inst: Instance, arc_of) -> list[int]:
    return [inst.L_agent[k] if k >= 0 else -1 for k in arc_of]


def arcs_for(inst: Instance, agents) -> list[int]:
    return [inst.find_arc(j, a) if a >= 0 else -1 for j, a in enumerate(agents)]


def tiny() -> Instance:
    return Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))


def test_regret_greedy_finds_the_unique_feasible_assignment():
    # job 0 (weight 5) fits only agent 0, then job 1 (weight 4) only agent 1, then job 2 only agent 2;
    # the costs would pull every job to agent 0
    cost = [[0, 0, 0], [9, 9, 9], [9, 9, 9]]
    weight = [[5, 4, 3]] * 3
    d = GapData.from_dense(cost, weight, [5, 4, 3])
    assert brute_force_data(d) == (18, [0, 1, 2])
    inst = Instance(d)
    arc_of = regret_greedy(inst, inst.cost.astype(float), np.random.default_rng(0))
    assert agents_of(inst, arc_of) == [0, 1, 2]


def test_regret_greedy_follows_the_score_not_the_cost():
    loose = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, [30, 30, 30]))
    # score = minus cost: each job to its dearest agent, when everything fits
    arc_of = regret_greedy(loose, -loose.cost.astype(float), np.random.default_rng(0))
    assert agents_of(loose, arc_of) == [2, 0, 1, 0]


def test_regret_greedy_leaves_out_a_job_that_fits_nowhere():
    inst = Instance(GapData.from_dense([[1, 1, 1], [1, 1, 1]], [[5, 5, 5], [5, 5, 5]], [5, 5]))
    arc_of = regret_greedy(inst, inst.cost.astype(float), np.random.default_rng(0))
    assert sorted(agents_of(inst, arc_of)) == [-1, 0, 1]


def test_repair_makes_an_over_full_assignment_feasible():
    inst = tiny()
    # each job at its cheapest agent overfills agent 2 (jobs 1 and 3, load 9 > 6); moving job 3 to
    # agent 1 costs 3 for 4 units of weight, cheaper per unit than moving job 1 (7 for 5)
    cheapest = [inst.L_ptr[j] for j in range(inst.n)]
    assert agents_of(inst, cheapest) == [1, 2, 0, 2] and not evaluate(inst, cheapest)[2]
    arc_of = repair(inst, list(cheapest))
    assert agents_of(inst, arc_of) == [1, 2, 0, 1]
    assert check_solution(TINY_COST, TINY_WEIGHT, TINY_CAP, agents_of(inst, arc_of)) == 13


def test_repair_ejects_a_job_to_make_room():
    # job 1 may only go to agent 0, where job 0 sits; job 0 moves to agent 1 to make room
    d = GapData(2, 2, arc_job=[0, 0, 1], arc_agent=[0, 1, 0], arc_cost=[0, 1, 0], arc_weight=[3, 3, 3],
                capacity=[4, 4])
    inst = Instance(d)
    arc_of = repair(inst, arcs_for(inst, [0, -1]))
    obj, loads, feas = evaluate(inst, arc_of)
    assert agents_of(inst, arc_of) == [1, 0]
    assert (obj, loads.tolist(), feas) == (1, [3, 3], True)


def test_repair_drops_what_cannot_fit():
    inst = Instance(GapData.from_dense([[1, 1, 1], [1, 1, 1]], [[5, 5, 5], [5, 5, 5]], [5, 5]))
    arc_of = repair(inst, arcs_for(inst, [0, 0, 0]))
    _, loads, feas = evaluate(inst, arc_of)
    assert sorted(agents_of(inst, arc_of)) == [-1, 0, 1]
    assert loads.tolist() == [5, 5] and not feas


@pytest.mark.parametrize(
    "cost, weight, cap",
    [
        ([[1, 8, 6], [6, 6, 7]], [3, 2, 3], [5, 1]),
        ([[3, 1, 6, 7], [2, 3, 0, 8]], [4, 3, 3, 3], [5, 6]),
    ],
)
def test_repair_never_overfills_an_infeasible_instance(cost, weight, cap):
    inst = Instance(GapData.from_dense(cost, np.tile(weight, (2, 1)), cap))
    arc_of = repair(inst, [inst.L_ptr[j] for j in range(inst.n)])
    _, loads, _ = evaluate(inst, arc_of)
    assert np.all(loads <= inst.cap)


def test_shift_descent_moves_a_job_to_a_cheaper_agent_with_room():
    inst = tiny()
    # the optimum but job 0 at agent 0 (cost 4 instead of 3); agent 1 has room for it
    arc_of = shift_descent(inst, arcs_for(inst, [0, 2, 0, 1]))
    assert agents_of(inst, arc_of) == [1, 2, 0, 1]


def test_shift_descent_respects_capacity():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, [8, 4, 6]))
    # job 0 would be cheaper at agent 1 (3 < 4), but agent 1 (capacity 4) holds job 3 (weight 2) and
    # job 0 weighs 4 there; job 3 would be cheaper at agent 2, which holds job 1 (5 + 4 > 6)
    start = [0, 2, 0, 1]
    arc_of = shift_descent(inst, arcs_for(inst, start))
    assert agents_of(inst, arc_of) == start


def test_round_flow_takes_each_jobs_largest_share():
    inst = Instance(GapData.from_dense([[0, 0], [10, 10]], [[2, 2], [2, 2]], [3, 4]))
    # sorted arcs: job 0 -> (agent 0, agent 1), job 1 -> (agent 0, agent 1)
    assert agents_of(inst, round_flow(inst, np.array([0.5, 1.5, 2.0, 0.0]))) == [1, 0]
    # no flow at all: the cheapest arc
    assert agents_of(inst, round_flow(inst, np.zeros(4))) == [0, 0]


def test_flow_dive_fixes_the_split_job_where_it_fits():
    # the transportation optimum ships job 1 whole to agent 0 and splits job 0; the dive fixes job 0 at
    # agent 0 (room 3 >= 2), then the re-solved flow splits job 1, which no longer fits agent 0 whole
    inst = Instance(GapData.from_dense([[0, 0], [10, 10]], [[2, 2], [2, 2]], [3, 4]))
    bound, flows, feasible = flow_relaxation(inst)
    assert feasible and bound == pytest.approx(5.0)
    arc_of = flow_dive(inst, flows, DIVE_ROUNDS)
    assert agents_of(inst, arc_of)[0] == 0
    fixed = repair(inst, arc_of)
    assert evaluate(inst, fixed)[::2] == (10, True)


def test_start_solution_keeps_a_feasible_hint_and_completes_a_partial_one():
    inst = tiny()
    rng = np.random.default_rng(0)
    optimum = arcs_for(inst, [1, 2, 0, 1])
    assert start_solution(inst, list(optimum), None, True, None, rng, None, None) == optimum
    partial = arcs_for(inst, [-1, 2, -1, -1])
    arc_of = start_solution(inst, partial, None, True, None, rng, None, None)
    assert evaluate(inst, arc_of)[2]
    assert agents_of(inst, arc_of)[1] == 2
