"""Scale check of the GAP engine on a random city-sized sparse instance.

Usage (from the repo root)::

    .venv/bin/python benchmarks/assign_scale.py                 # 50,000 x 5,000, 60 s
    .venv/bin/python benchmarks/assign_scale.py --jobs 5000 --agents 500 --time-limit 10

Jobs and agents are random points in a plane (seeded); every job gets arcs
to its ``--k`` nearest agents with cost = weight x distance (person-metres),
weights 50..400 people, capacities with about 15 % slack overall.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _knn(agents, jobs, k):
    """k nearest agents of every job (grid bucketing, numpy only)."""
    try:
        from scipy.spatial import cKDTree

        d, idx = cKDTree(agents).query(jobs, k=k)
        return d, idx
    except ImportError:
        pass
    n = jobs.shape[0]
    out_d = np.empty((n, k))
    out_i = np.empty((n, k), dtype=np.int64)
    chunk = 2000
    a2 = (agents ** 2).sum(1)
    for s in range(0, n, chunk):
        J = jobs[s : s + chunk]
        d2 = (J ** 2).sum(1)[:, None] + a2[None, :] - 2 * J @ agents.T
        part = np.argpartition(d2, k, axis=1)[:, :k]
        pd = np.take_along_axis(d2, part, 1)
        o = np.argsort(pd, axis=1)
        out_i[s : s + chunk] = np.take_along_axis(part, o, 1)
        out_d[s : s + chunk] = np.sqrt(np.maximum(np.take_along_axis(pd, o, 1), 0))
    return out_d, out_i


def make_instance(n_jobs=50_000, n_agents=5_000, k=15, slack=0.15, seed=2024):
    """Random sparse instance with agent-independent weights.

    Returns
    -------
    GapData
    """
    from natplan.scheduler.gap import GapData

    rng = np.random.default_rng(seed)
    side = 10_000.0  # metres
    jobs = rng.uniform(0, side, size=(n_jobs, 2))
    agents = rng.uniform(0, side, size=(n_agents, 2))
    w = rng.integers(50, 401, size=n_jobs)
    dist, idx = _knn(agents, jobs, k)
    # capacity: each agent gets the people of the jobs nearest to it, smoothed,
    # scaled so that total capacity = (1 + slack) * total people
    nearest = idx[:, 0]
    demand = np.bincount(nearest, weights=w, minlength=n_agents)
    base = 0.5 * demand + 0.5 * w.sum() / n_agents
    cap = np.floor(base * (1 + slack) * w.sum() / base.sum()).astype(np.int64)
    cap = np.maximum(cap, int(w.max()))
    arc_job = np.repeat(np.arange(n_jobs), k)
    arc_agent = idx.ravel()
    arc_cost = np.rint(dist.ravel() * w[arc_job]).astype(np.int64)
    arc_weight = w[arc_job]
    return GapData(n_jobs, n_agents, arc_job, arc_agent, arc_cost, arc_weight, cap)


def main(argv=None) -> int:
    from natplan.scheduler.gap import solve_gap

    ap = argparse.ArgumentParser(description="GAP engine scale check")
    ap.add_argument("--jobs", type=int, default=50_000)
    ap.add_argument("--agents", type=int, default=5_000)
    ap.add_argument("--k", type=int, default=15)
    ap.add_argument("--slack", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--deterministic", action="store_true")
    ap.add_argument("--log", action="store_true")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    data = make_instance(args.jobs, args.agents, args.k, args.slack, args.seed)
    gen = time.perf_counter() - t
    print(f"instance: {data.n_jobs} jobs x {data.n_agents} agents, {data.n_arcs} arcs, "
          f"people {int(data.arc_weight[::args.k].sum())}, capacity {int(data.capacity.sum())} "
          f"(generated in {gen:.1f}s)")
    t = time.perf_counter()
    r = solve_gap(data, time_limit=args.time_limit, seed=0, workers=args.workers, log=args.log,
                  deterministic=args.deterministic)
    wall = time.perf_counter() - t
    print(f"method {r.method}: solve {wall:.1f}s (reported {r.runtime:.1f}s), feasible {r.feasible}, "
          f"objective {r.objective}, bound {r.bound:.1f}, gap {100 * r.gap:.4f}%, "
          f"unassigned {(r.assignment < 0).sum()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
