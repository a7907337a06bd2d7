"""The instance and the result of the GAP engine.

:class:`GapData` is the sparse instance a caller builds (only allowed
(job, agent) pairs are present, as *arcs*); it checks its input at the
boundary and is immutable.  :class:`GapResult` is what
:func:`~natplan.scheduler.gap.solve.solve_gap` returns.

Inside the engine every module works on an :class:`Instance`: the same arcs
sorted by job, then by cost, so that the arcs of job ``j`` are
``ptr[j]:ptr[j + 1]`` and the first of them is the cheapest.  A solution is
an *arc-per-job* list (the sorted-arc index chosen for each job, ``-1`` for
a job left out); :func:`evaluate` gives its cost, loads and feasibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GapData", "GapResult", "Instance", "evaluate"]


@dataclass(frozen=True)
class GapData:
    """Sparse generalized assignment instance.

    Only allowed (job, agent) pairs are present, as *arcs*.

    Parameters
    ----------
    n_jobs, n_agents
        Number of jobs and of agents.
    arc_job, arc_agent
        Integer arrays of shape ``(A,)``: the job and the agent of each arc.
    arc_cost
        ``int64`` array ``>= 0`` of shape ``(A,)``: cost of giving the job to
        the agent.
    arc_weight
        Integer array ``>= 0`` of shape ``(A,)``: resource the job uses in that
        agent.
    capacity
        Integer array of shape ``(n_agents,)``.

    Raises
    ------
    ValueError
        When an array is not 1-D or not integer, the arc arrays differ in
        length, a capacity, cost or weight is negative, an arc names a job or
        agent out of range, a job has no arc, or an arc is given twice.
    """

    n_jobs: int
    n_agents: int
    arc_job: np.ndarray
    arc_agent: np.ndarray
    arc_cost: np.ndarray
    arc_weight: np.ndarray
    capacity: np.ndarray

    def __post_init__(self) -> None:
        n, m = int(self.n_jobs), int(self.n_agents)
        if n < 0 or m < 0:
            raise ValueError("n_jobs and n_agents must be >= 0")
        arrays = {}
        for name in ("arc_job", "arc_agent", "arc_cost", "arc_weight", "capacity"):
            a = np.asarray(getattr(self, name))
            if a.ndim != 1:
                raise ValueError(f"{name} must be 1-D")
            if a.size and not np.issubdtype(a.dtype, np.integer):
                if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
                    raise ValueError(f"{name} must be integer")
            a = a.astype(np.int64)
            a.setflags(write=False)
            arrays[name] = a
            object.__setattr__(self, name, a)
        object.__setattr__(self, "n_jobs", n)
        object.__setattr__(self, "n_agents", m)
        A = arrays["arc_job"].size
        for name in ("arc_agent", "arc_cost", "arc_weight"):
            if arrays[name].size != A:
                raise ValueError("arc arrays must have the same length")
        if arrays["capacity"].size != m:
            raise ValueError("capacity must have length n_agents")
        if np.any(arrays["capacity"] < 0):
            raise ValueError("capacity must be >= 0")
        if np.any(arrays["arc_cost"] < 0):
            raise ValueError("arc_cost must be >= 0")
        if np.any(arrays["arc_weight"] < 0):
            raise ValueError("arc_weight must be >= 0")
        if A and (arrays["arc_job"].min() < 0 or arrays["arc_job"].max() >= n):
            raise ValueError("arc_job out of range")
        if A and (arrays["arc_agent"].min() < 0 or arrays["arc_agent"].max() >= m):
            raise ValueError("arc_agent out of range")
        deg = np.bincount(arrays["arc_job"], minlength=n) if n else np.zeros(0, int)
        if n and np.any(deg == 0):
            raise ValueError(f"job {int(np.argmin(deg))} has no arc")
        if A:
            key = arrays["arc_job"] * max(m, 1) + arrays["arc_agent"]
            if np.unique(key).size != A:
                raise ValueError("duplicate (job, agent) arc")

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.arc_job.size)

    @classmethod
    def from_dense(cls, cost, weight, capacity) -> "GapData":
        """Build from dense ``m x n`` matrices, as in OR-Library.

        Parameters
        ----------
        cost, weight
            Arrays of shape ``(n_agents, n_jobs)``.
        capacity
            Array of shape ``(n_agents,)``.

        Returns
        -------
        GapData
            Every (job, agent) pair is an arc.

        Raises
        ------
        ValueError
            When ``cost`` and ``weight`` are not matrices of the same shape,
            or as :class:`GapData` does.
        """
        cost = np.asarray(cost)
        weight = np.asarray(weight)
        if cost.ndim != 2 or weight.shape != cost.shape:
            raise ValueError("cost and weight must be m x n matrices of the same shape")
        m, n = cost.shape
        agent, job = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
        return cls(
            n_jobs=n,
            n_agents=m,
            arc_job=job.ravel(),
            arc_agent=agent.ravel(),
            arc_cost=cost.ravel(),
            arc_weight=weight.ravel(),
            capacity=np.asarray(capacity),
        )


@dataclass(frozen=True)
class GapResult:
    """Outcome of a GAP solve.

    Attributes
    ----------
    assignment
        Agent index per job, ``-1`` if unassigned (only when infeasible).
    objective
        Total cost of the assigned jobs.
    bound
        Lower bound on the optimum (``max`` of LP and CP-SAT bounds).
    gap
        ``(objective - bound) / max(1, |objective|)``.
    feasible, optimal
        Whether every job is placed within capacity; whether proved optimal.
    runtime
        Wall-clock seconds.
    status
        ``"OPTIMAL"``, ``"FEASIBLE"`` or ``"INFEASIBLE"``.
    method
        Which pipeline ran (``"cpsat-lns"``, ``"flow-lns"``, ``"greedy-lns"``,
        ``"cpsat-plain"``).
    """

    assignment: np.ndarray
    objective: int
    bound: float
    gap: float
    feasible: bool
    optimal: bool
    runtime: float
    status: str
    method: str


class Instance:
    """Precomputed index structures (arcs sorted by job, then cost).

    Parameters
    ----------
    d
        The instance as the caller gave it.

    Attributes
    ----------
    n, m
        Number of jobs and of agents.
    order
        Position in ``d``'s arc arrays of each sorted arc.
    job, agent, cost, weight
        The sorted arcs' arrays.
    cap
        Agent capacities (``int64``).
    ptr
        Job ``j``'s arcs are ``ptr[j]:ptr[j + 1]``, cheapest first.
    uniform_weight
        Whether a job's weight is the same in every agent.
    job_weight
        The weight of each job's cheapest arc (its weight, when uniform).
    L_agent, L_cost, L_weight, L_ptr
        The same as Python lists, for the hot loops.
    """

    def __init__(self, d: GapData):
        self.d = d
        self.n, self.m = d.n_jobs, d.n_agents
        order = np.lexsort((d.arc_cost, d.arc_job))
        self.order = order
        self.job = d.arc_job[order]
        self.agent = d.arc_agent[order]
        self.cost = d.arc_cost[order]
        self.weight = d.arc_weight[order]
        self.cap = d.capacity.astype(np.int64)
        self.ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.job, minlength=self.n), out=self.ptr[1:])
        # per-job weight when it does not depend on the agent
        first_w = self.weight[self.ptr[:-1]] if self.n else np.zeros(0, np.int64)
        self.uniform_weight = bool(np.all(self.weight == first_w[self.job])) if self.n else True
        self.job_weight = first_w
        # python lists for the hot loops
        self.L_agent = self.agent.tolist()
        self.L_cost = self.cost.tolist()
        self.L_weight = self.weight.tolist()
        self.L_ptr = self.ptr.tolist()

    def arcs_of(self, j):
        """The sorted-arc indices of job ``j``, cheapest first.

        Parameters
        ----------
        j
            A job.

        Returns
        -------
        range
        """
        return range(self.L_ptr[j], self.L_ptr[j + 1])

    def find_arc(self, j, a):
        """The sorted-arc index of (job ``j``, agent ``a``).

        Parameters
        ----------
        j, a
            A job and an agent.

        Returns
        -------
        int
            The arc, ``-1`` when the pair is not allowed.
        """
        for k in range(self.L_ptr[j], self.L_ptr[j + 1]):
            if self.L_agent[k] == a:
                return k
        return -1


def evaluate(inst: Instance, arc_of_job):
    """Cost, loads and feasibility of an arc-per-job solution.

    Parameters
    ----------
    inst
        The instance.
    arc_of_job
        Sorted-arc index per job, ``-1`` for a job left out.

    Returns
    -------
    tuple of (int, numpy.ndarray, bool)
        The total cost of the placed jobs, the load of each agent, and
        whether every job is placed within capacity.
    """
    arc = np.asarray(arc_of_job)
    placed = arc >= 0
    loads = np.bincount(inst.agent[arc[placed]], weights=inst.weight[arc[placed]], minlength=inst.m)
    obj = int(inst.cost[arc[placed]].sum())
    feas = bool(placed.all() and np.all(loads <= inst.cap))
    return obj, loads.astype(np.int64), feas
