"""The large-neighbourhood search (LNS) we control.

From a feasible start the engine improves by an outer LNS (:class:`Lns`):
pick a seed agent and agents sharing jobs with it (on dense instances, any
agents), free all (or, with probability ``P_JOBS``, a random 30-70 %) of
their jobs, re-solve that sub-GAP on the residual capacities with a
single-worker CP-SAT hinted with the current placement, and keep it if it is
not worse.  Neighbourhoods grow (at random) after moves CP-SAT proves optimal
and shrink after moves it does not.

It runs three ways:

* :func:`run_lns_deterministic`: one thread, stopped when the sum of the
  deterministic times reported by CP-SAT (at least ``DET_ITER_COST`` per
  move) reaches the budget;
* :func:`run_lns`: wall clock, two threads working on disjoint agent sets;
* inside :func:`~natplan.scheduler.gap.portfolio.portfolio`, beside CP-SAT
  on the full model.

Every run stops as soon as the solution's cost meets the bound.
"""

from __future__ import annotations

import time

import numpy as np

from natplan.scheduler.gap.bounds import integer_bound
from natplan.scheduler.gap.cpsat import cp_params
from natplan.scheduler.gap.data import Instance

__all__ = ["Lns", "run_lns", "run_lns_deterministic"]

SUB_LIMIT = 0.5        # seconds (or deterministic units) per LNS sub-solve at most
P_JOBS = 0.25          # probability of a job-subset neighbourhood
DET_ITER_COST = 0.01   # minimum deterministic time charged per LNS move


class Lns:
    """Agent-subset LNS on a feasible solution.

    A move picks a set ``S`` of agents (a seed agent and agents sharing jobs
    with it), frees all or a random part of the jobs currently in ``S`` and
    re-solves where they go inside ``S`` (residual capacities) with a
    single-worker CP-SAT, hinted with the current placement.  Not-worse
    results are accepted.  ``prepare``/``solve``/``apply`` are split so that
    two threads can work on disjoint agent sets.

    Parameters
    ----------
    inst
        The instance.
    arc_of
        A feasible arc per job (copied).
    rng
        ``numpy.random.Generator`` for every random choice.
    seed
        Base CP-SAT seed (move ``i`` uses ``seed + i``).
    deterministic
        Deterministic-time limits for the sub-solves.
    log
        Unused; kept for the call signature.

    Attributes
    ----------
    arc_of, load, members, obj
        The current solution: arc per job, load and jobs of each agent, cost.
    k_agents, k_partial
        Neighbourhood sizes (agents) for whole and partial moves.
    dtime
        Deterministic time spent so far.
    iters
        Moves prepared so far.
    whole_proved
        Whether a move over every agent and job was proved optimal.
    """

    def __init__(self, inst: Instance, arc_of, rng, seed, deterministic, log):
        self.inst = inst
        self.arc_of = list(arc_of)
        self.rng = rng
        self.seed = seed
        self.det = deterministic
        self.log = log
        ag, wt = inst.L_agent, inst.L_weight
        self.load = [0] * inst.m
        self.members = [set() for _ in range(inst.m)]
        for j, k in enumerate(self.arc_of):
            self.load[ag[k]] += wt[k]
            self.members[ag[k]].add(j)
        self.obj = sum(inst.L_cost[k] for k in self.arc_of)
        self.k_agents = min(inst.m, 4)
        self.k_partial = min(inst.m, 8)
        self.dtime = 0.0
        self.iters = 0
        self.dense = inst.job.size == inst.n * inst.m
        self.k_max = inst.m
        self.whole_proved = False
        if not self.dense:
            self.k_agents, self.k_partial = min(inst.m, 3), min(inst.m, 5)

    def _agent_set(self, k, reserved):
        inst = self.inst
        free = [a for a in range(inst.m) if a not in reserved]
        if not free:
            return []
        a0 = free[int(self.rng.integers(len(free)))]
        k = min(k, len(free))
        if self.dense:
            others = [a for a in free if a != a0]
            pick = self.rng.choice(len(others), size=k - 1, replace=False) if k > 1 else []
            return [a0] + [others[i] for i in list(pick)]
        chosen = [a0]
        cset = {a0}
        cand = {}
        frontier = [a0]
        while len(chosen) < k and frontier:
            for a in frontier:
                for j in self.members[a]:
                    for kk in inst.arcs_of(j):
                        b = inst.L_agent[kk]
                        if b not in cset and b not in reserved:
                            cand[b] = cand.get(b, 0) + 1
            if not cand:
                break
            keys = sorted(cand)
            p = np.array([cand[b] for b in keys], float)
            take = min(k - len(chosen), len(keys))
            pick = self.rng.choice(len(keys), size=take, replace=False, p=p / p.sum())
            frontier = [keys[i] for i in pick.tolist()]
            chosen += frontier
            cset.update(frontier)
            for b in frontier:
                cand.pop(b, None)
        return chosen

    def prepare(self, reserved=frozenset()):
        """Pick a neighbourhood and build its sub-model.

        Parameters
        ----------
        reserved
            Agents another thread is working on.

        Returns
        -------
        dict or None
            The task (model, variables, freed jobs, their current cost,
            agents, kind, seed), or ``None`` when fewer than two agents or no
            job could be freed.
        """
        from ortools.sat.python import cp_model

        inst = self.inst
        ag, wt, co = inst.L_agent, inst.L_weight, inst.L_cost
        partial = inst.m > 2 and self.rng.random() < P_JOBS
        agents = self._agent_set(self.k_partial if partial else self.k_agents, reserved)
        if len(agents) < 2:
            return None
        aset = set(agents)
        free_jobs = sorted(j for a in agents for j in self.members[a])
        if partial and free_jobs:
            frac = 0.3 + 0.4 * self.rng.random()
            take = max(2, int(round(frac * len(free_jobs))))
            idx = self.rng.choice(len(free_jobs), size=min(take, len(free_jobs)), replace=False)
            free_jobs = sorted(free_jobs[i] for i in idx.tolist())
        if not free_jobs:
            return None
        room = {a: inst.cap[a] - self.load[a] for a in agents}
        model = cp_model.CpModel()
        by_agent = {}
        xs, ks = [], []
        cur = 0
        # each freed job goes to exactly one agent of the neighbourhood
        for j in free_jobs:
            k0 = self.arc_of[j]
            cur += co[k0]
            room[ag[k0]] += wt[k0]
            vs = []
            for k in inst.arcs_of(j):
                b = ag[k]
                if b not in aset:
                    continue
                v = model.new_bool_var("")
                vs.append(v)
                xs.append(v)
                ks.append(k)
                model.add_hint(v, k == k0)
                if wt[k]:
                    e = by_agent.setdefault(b, ([], []))
                    e[0].append(v)
                    e[1].append(wt[k])
            model.add_exactly_one(vs)
        # the freed jobs fit in what the kept jobs leave of each agent
        for b, (vs, ws) in by_agent.items():
            model.add(cp_model.LinearExpr.weighted_sum(vs, ws) <= int(room[b]))
        model.minimize(cp_model.LinearExpr.weighted_sum(xs, [co[k] for k in ks]))
        task = dict(model=model, xs=xs, ks=ks, free_jobs=free_jobs, cur=cur, agents=agents,
                    partial=partial, seed=self.seed + self.iters)
        self.iters += 1
        return task

    def solve(self, task, sub_limit):
        """Solve a task's sub-model with one CP-SAT worker.

        Parameters
        ----------
        task
            From :meth:`prepare`; the status, deterministic time and, when
            found, the value and the variables' values are added to it.
        sub_limit
            Time limit of the sub-solve (see
            :func:`~natplan.scheduler.gap.cpsat.cp_params`).

        Returns
        -------
        dict
            The task.
        """
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        cp_params(solver, sub_limit, 1, task["seed"], self.det)
        st = solver.solve(task["model"])
        task["status"] = st
        task["dtime"] = solver.deterministic_time
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            task["value"] = int(round(solver.objective_value))
            task["vals"] = [bool(v) for v in solver.boolean_values(task["xs"]).tolist()]
        return task

    def apply(self, task):
        """Commit a solved task (its agents must not have changed) and adapt the sizes.

        Parameters
        ----------
        task
            From :meth:`solve`.

        Returns
        -------
        tuple of (bool, bool)
            Whether the solution improved, and whether CP-SAT proved the
            move optimal.
        """
        from ortools.sat.python import cp_model

        inst = self.inst
        ag, wt = inst.L_agent, inst.L_weight
        self.dtime += max(task["dtime"], DET_ITER_COST)
        st = task["status"]
        proved = st == cp_model.OPTIMAL
        if proved and len(task["agents"]) == inst.m and len(task["free_jobs"]) == inst.n:
            self.whole_proved = True
        improved = False
        if "value" in task and task["value"] <= task["cur"]:
            new = {}
            for v, k in zip(task["vals"], task["ks"]):
                if v:
                    new[int(inst.job[k])] = k
            for j in task["free_jobs"]:
                k0 = self.arc_of[j]
                k1 = new[j]
                if k1 != k0:
                    self.load[ag[k0]] -= wt[k0]
                    self.members[ag[k0]].discard(j)
                    self.load[ag[k1]] += wt[k1]
                    self.members[ag[k1]].add(j)
                    self.arc_of[j] = k1
            improved = task["value"] < task["cur"]
            self.obj += task["value"] - task["cur"]
        # adapt neighbourhood sizes
        if task["partial"]:
            if proved and self.rng.random() < 0.3:
                self.k_partial = min(self.k_max, self.k_partial + 1)
            elif not proved:
                self.k_partial = max(3, self.k_partial - 1)
        else:
            if proved and self.rng.random() < 0.3:
                self.k_agents = min(self.k_max, self.k_agents + 1)
            elif not proved:
                self.k_agents = max(2, self.k_agents - 1)
        return improved, proved

    def step(self, sub_limit):
        """One move: prepare, solve, apply.

        Parameters
        ----------
        sub_limit
            Time limit of the sub-solve.

        Returns
        -------
        tuple of (bool, bool)
            As :meth:`apply`; ``(False, True)`` when no move could be made.
        """
        task = self.prepare()
        if task is None:
            return False, True
        return self.apply(self.solve(task, sub_limit))


def run_lns_deterministic(lns: Lns, budget, bound, say):
    """Single-thread LNS until ``budget`` deterministic time is spent.

    Parameters
    ----------
    lns
        The search, at its start solution.
    budget
        Deterministic-time units.
    bound
        The best lower bound, or ``None``.
    say
        Progress printer.

    Returns
    -------
    bool
        Whether the solution reached the bound (so is optimal).
    """
    best_obj = lns.obj
    while lns.dtime < budget and not lns.whole_proved:
        lns.step(min(SUB_LIMIT, budget - lns.dtime + 0.01))
        if lns.obj < best_obj:
            best_obj = lns.obj
            say(f"lns it={lns.iters} obj={best_obj}")
            if best_obj <= integer_bound(bound):
                return True
    return False


def run_lns(lns: Lns, deadline, bound, n_threads, say):
    """Wall-clock LNS with ``n_threads`` threads on disjoint agent sets.

    Parameters
    ----------
    lns
        The search, at its start solution.
    deadline
        ``time.perf_counter()`` value to stop at.
    bound
        The best lower bound, or ``None``.
    n_threads
        Threads; with more than one, a neighbourhood holds at most half the
        agents.
    say
        Progress printer.

    Returns
    -------
    bool
        Whether the solution reached the bound (so is optimal).
    """
    import threading

    lock = threading.Lock()
    reserved = set()
    state = {"best": lns.obj, "stop": False}
    target = integer_bound(bound)

    def worker():
        while True:
            with lock:
                rem = deadline - time.perf_counter()
                if state["stop"] or rem <= 0.02 or lns.whole_proved:
                    return
                task = lns.prepare(frozenset(reserved))
                if task is not None:
                    reserved.update(task["agents"])
            if task is None:
                time.sleep(0.002)
                continue
            lns.solve(task, min(SUB_LIMIT, rem))
            with lock:
                lns.apply(task)
                reserved.difference_update(task["agents"])
                if lns.obj < state["best"]:
                    state["best"] = lns.obj
                    say(f"lns it={lns.iters} obj={lns.obj} k={lns.k_agents}/{lns.k_partial}")
                    if lns.obj <= target:
                        state["stop"] = True

    if n_threads > 1:
        lns.k_max = max(2, lns.inst.m // 2)
        lns.k_agents = min(lns.k_agents, lns.k_max)
        lns.k_partial = min(lns.k_partial, lns.k_max)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, n_threads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return state["stop"]
