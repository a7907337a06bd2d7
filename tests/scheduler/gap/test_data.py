"""Tests of natplan.scheduler.gap.data: input checks, the sorted instance, evaluation."""

from __future__ import annotations

import re

import numpy as np
import pytest

from natplan.scheduler.gap.data import GapData, Instance, evaluate
from tests.scheduler.gap.conftest import TINY_CAP, TINY_COST, TINY_WEIGHT


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (dict(capacity=np.array([-1, 3])), "capacity must be >= 0"),
        (dict(arc_job=np.array([0, 5])), "arc_job out of range"),
        (dict(arc_agent=np.array([0, 2])), "arc_agent out of range"),
        (dict(arc_job=np.array([0, 0]), arc_agent=np.array([0, 1])), "job 1 has no arc"),
        (dict(arc_cost=np.array([-3, 1])), "arc_cost must be >= 0"),
        (dict(arc_weight=np.array([1, -1])), "arc_weight must be >= 0"),
        (dict(arc_cost=np.array([1.5, 1.0])), "arc_cost must be integer"),
        (dict(arc_weight=np.array([1, 1, 1])), "arc arrays must have the same length"),
        (dict(capacity=np.array([3])), "capacity must have length n_agents"),
        (dict(arc_job=np.array([[0, 1]])), "arc_job must be 1-D"),
        (dict(arc_job=np.array([0, 0]), arc_agent=np.array([0, 0]), n_jobs=1), "duplicate (job, agent) arc"),
        (dict(n_jobs=-1), "n_jobs and n_agents must be >= 0"),
    ],
)
def test_bad_input(kwargs, msg):
    base = dict(n_jobs=2, n_agents=2, arc_job=np.array([0, 1]), arc_agent=np.array([0, 1]),
                arc_cost=np.array([1, 1]), arc_weight=np.array([1, 1]), capacity=np.array([3, 3]))
    base.update(kwargs)
    with pytest.raises(ValueError, match=f"^{re.escape(msg)}$"):
        GapData(**base)


def test_arrays_are_int64_and_read_only():
    d = GapData(2, 1, arc_job=[0, 1], arc_agent=[0, 0], arc_cost=[3.0, 4.0], arc_weight=[1, 2], capacity=[5])
    assert d.arc_cost.dtype == np.int64 and d.arc_cost.tolist() == [3, 4]
    assert d.n_arcs == 2
    with pytest.raises(ValueError):
        d.capacity[0] = 9


def test_from_dense_makes_every_pair_an_arc():
    d = GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP)
    assert (d.n_agents, d.n_jobs, d.n_arcs) == (3, 4, 12)
    # arc (agent 1, job 2) carries cost[1][2] and weight[1][2]
    k = int(np.nonzero((d.arc_agent == 1) & (d.arc_job == 2))[0][0])
    assert (d.arc_cost[k], d.arc_weight[k]) == (8, 5)


def test_from_dense_rejects_mismatched_matrices():
    with pytest.raises(ValueError, match="^cost and weight must be m x n matrices of the same shape$"):
        GapData.from_dense([[1, 2]], [[1, 2], [3, 4]], [5])


def test_instance_sorts_arcs_by_job_then_cost():
    d = GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP)
    inst = Instance(d)
    assert inst.ptr.tolist() == [0, 3, 6, 9, 12]
    # job 0: costs 4 (agent 0), 3 (agent 1), 6 (agent 2) -> agents 1, 0, 2
    assert [inst.L_agent[k] for k in inst.arcs_of(0)] == [1, 0, 2]
    assert [inst.L_cost[k] for k in inst.arcs_of(0)] == [3, 4, 6]
    assert inst.find_arc(0, 2) == 2 and inst.L_weight[2] == 3
    assert not inst.uniform_weight
    # the sorted arcs are the caller's arcs, permuted
    assert np.array_equal(d.arc_cost[inst.order], inst.cost)


def test_instance_finds_no_arc_for_a_forbidden_pair():
    d = GapData(2, 2, arc_job=[0, 1, 1], arc_agent=[1, 0, 1], arc_cost=[5, 1, 2], arc_weight=[2, 2, 2],
                capacity=[2, 4])
    inst = Instance(d)
    assert inst.find_arc(0, 0) == -1
    assert inst.uniform_weight and inst.job_weight.tolist() == [2, 2]


def test_evaluate_known_answer():
    inst = Instance(GapData.from_dense(TINY_COST, TINY_WEIGHT, TINY_CAP))
    # the optimum: jobs 0 and 3 to agent 1, job 1 to agent 2, job 2 to agent 0
    arcs = [inst.find_arc(0, 1), inst.find_arc(1, 2), inst.find_arc(2, 0), inst.find_arc(3, 1)]
    obj, loads, feas = evaluate(inst, arcs)
    assert (obj, loads.tolist(), feas) == (13, [3, 6, 5], True)
    # everything on agent 0: cost 22, load 18 > 8
    arcs = [inst.find_arc(j, 0) for j in range(4)]
    obj, loads, feas = evaluate(inst, arcs)
    assert (obj, loads.tolist(), feas) == (22, [18, 0, 0], False)
    # a job left out is not feasible, and costs nothing
    obj, loads, feas = evaluate(inst, [inst.find_arc(0, 1), -1, -1, -1])
    assert (obj, loads.tolist(), feas) == (3, [0, 4, 0], False)
