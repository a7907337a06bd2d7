"""Solomon 100-customer VRPTW benchmark for routing.vrptw.

Reads the 56 instances in place (LKH-3 CVRPTW format) and compares both
engines of ``natplan.routing.vrptw.solve_vrptw`` (PyVRP and OR-Tools routing)
and the plain OR-Tools baseline (``ortools_plain.py`` beside this file), each at
the same time limit per instance and in the same run, with the best known
solutions of the chosen convention.  The OR-Tools engine once had a search of
its own, tuned on these instances; measured on instances it had not seen
(``vrptw_unseen.py``) it did not pay and was cut back to the plain search, so
the two OR-Tools columns now run the same search.

    python benchmarks/solomon.py --quick
    python benchmarks/solomon.py --time-limit 30 --baseline
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for p in (str(REPO), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from natplan.routing.vrptw import Vehicle, VrptwData, solve_vrptw  # noqa: E402
from ortools_plain import solve_vrptw_plain  # noqa: E402

DEFAULT_FOLDER = "../shared/benchmarks/solomon100"
CONVENTIONS = {
    "distance": ("lkh3_floor1dec", "dimacs_trunc1dec_distance_only"),
    "exact": ("lkh3_exact", "exact_double_min_vehicles_first"),
}
QUICK = ("C101", "C201", "R101", "R201", "RC101", "RC201")
EXACT_SCALE = 1000  # integer units per distance unit for the exact convention


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    coords: np.ndarray  # (n, 2) original units
    demand: np.ndarray
    service: np.ndarray  # original units
    tw_open: np.ndarray  # original units
    tw_close: np.ndarray
    scale: int  # integer units per original unit
    edge_type: str

    def distance_matrix(self) -> np.ndarray:
        """Integer arc lengths in units of 1/scale."""
        d = np.hypot(*(self.coords[:, None, :] - self.coords[None, :, :]).transpose(2, 0, 1))
        if self.edge_type == "FLOOR_2D":
            return np.floor(d * self.scale + 1e-9).astype(np.int64)
        return np.rint(d * self.scale).astype(np.int64)

    def to_data(self) -> VrptwData:
        d = self.distance_matrix()
        n = len(self.demand)
        veh = tuple(Vehicle(start=0, end=0, capacity=self.capacity) for _ in range(self.vehicles))
        svc = (self.service * self.scale).astype(np.int64)
        return VrptwData(
            time=d, distance=d, demand=self.demand.astype(np.int64), service=svc,
            tw_open=(self.tw_open * self.scale).astype(np.int64),
            tw_close=(self.tw_close * self.scale).astype(np.int64),
            vehicles=veh, visits=np.arange(1, n),
        )


def parse_lkh3(path: str | Path, scale: int | None = None) -> Instance:
    """Parse an LKH-3 CVRPTW file (node 1 is the depot)."""
    head: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    cur = None
    for raw in Path(path).read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("SECTION"):
            cur = line
            sections[cur] = []
        elif cur is None and ":" in line:
            k, v = line.split(":", 1)
            head[k.strip()] = v.strip()
        elif cur is not None:
            sections[cur].append(line.split())
    n = int(head["DIMENSION"])
    coords = np.zeros((n, 2))
    for row in sections["NODE_COORD_SECTION"]:
        coords[int(row[0]) - 1] = float(row[1]), float(row[2])
    demand = np.zeros(n, dtype=np.int64)
    for row in sections["DEMAND_SECTION"]:
        demand[int(row[0]) - 1] = int(row[1])
    tw = np.zeros((n, 2))
    for row in sections["TIME_WINDOW_SECTION"]:
        tw[int(row[0]) - 1] = float(row[1]), float(row[2])
    depots = [int(r[0]) for r in sections.get("DEPOT_SECTION", []) if int(r[0]) > 0]
    if depots and depots != [1]:
        raise ValueError(f"{path}: expected node 1 as the only depot, got {depots}")
    service = np.full(n, float(head.get("SERVICE_TIME", 0)))
    service[0] = 0
    edge = head.get("EDGE_WEIGHT_TYPE", "EXACT_2D")
    if scale is None:
        scale = int(float(head.get("SCALE", 1))) if edge == "FLOOR_2D" else EXACT_SCALE
    return Instance(head.get("NAME", Path(path).stem.split(".")[0]), int(head["VEHICLES"]),
                    int(head["CAPACITY"]), coords, demand, service, tw[:, 0], tw[:, 1], scale, edge)


def read_bks(folder: Path, convention: str) -> dict[str, float]:
    out = {}
    with open(folder / "bks.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["convention"] == convention:
                out[row["instance"]] = float(row["bks_distance"])
    return out


def _family(name: str) -> str:
    letters = name.rstrip("0123456789")
    return letters + name[len(letters)]


def _pct(x: float) -> str:
    """A gap in percent, '-' when there is none (no feasible solution)."""
    return "-" if math.isnan(x) else f"{x:.2f}"


METHODS = {
    "pyvrp": "PyVRP engine",
    "ortools": "OR-Tools engine",
    "plain": "plain OR-Tools",
}


def _solve(method: str, data: VrptwData, limit: float, seed: int, objective: str):
    if method == "plain":
        return solve_vrptw_plain(data, time_limit=limit)
    return solve_vrptw(data, time_limit=limit, seed=seed, objective=objective, engine=method)


def run(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", default=None, help=f"instance folder (default {DEFAULT_FOLDER} from the repo root)")
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance and method")
    ap.add_argument("--quick", action="store_true", help="6 instances, one per family, 5 s each")
    ap.add_argument("--only", nargs="+", metavar="NAME")
    ap.add_argument("--convention", choices=sorted(CONVENTIONS), default="distance")
    ap.add_argument("--engines", nargs="+", choices=("pyvrp", "ortools"), default=["pyvrp", "ortools"],
                    help="engines of routing.vrptw to run (default both)")
    ap.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                    help="also run plain OR-Tools (parallel cheapest insertion + GLS) at the same limit")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    folder = Path(args.folder) if args.folder else (REPO / DEFAULT_FOLDER)
    sub, conv = CONVENTIONS[args.convention]
    files = {p.name.split(".")[0]: p for p in sorted((folder / sub).glob("*.vrptw"))}
    if not files:
        print(f"no instances in {folder / sub}", file=sys.stderr)
        return 2
    bks = read_bks(folder, conv)
    limit = args.time_limit
    names = sorted(files, key=lambda s: (_family(s), s))
    if args.quick:
        names = [n for n in QUICK if n in files]
        if "--time-limit" not in " ".join(sys.argv if argv is None else argv):
            limit = 5.0
    if args.only:
        missing = [n for n in args.only if n not in files]
        if missing:
            print(f"unknown instance(s): {' '.join(missing)}", file=sys.stderr)
            return 2
        names = list(args.only)
    objective = "distance" if args.convention == "distance" else "vehicles_then_distance"
    methods = list(dict.fromkeys(args.engines)) + (["plain"] if args.baseline else [])

    print(f"# {len(names)} instances, {limit:g}s each per method, convention {args.convention} ({conv}), "
          f"seed {args.seed}; methods: {', '.join(METHODS[m] for m in methods)}", flush=True)
    hdr = f"{'instance':<9}{'BKS':>9}"
    sub_hdr = f"{'':<18}"
    for m in methods:
        hdr += f" | {METHODS[m]:<34}"
        sub_hdr += f" | {'distance':>9}{'veh':>4}{'gap %':>7}{'feas':>6}{'sec':>6}  "
    print(hdr, flush=True)
    print(sub_hdr, flush=True)
    rows = []
    for name in names:
        inst = parse_lkh3(files[name])
        data = inst.to_data()
        b = bks.get(name, math.nan)
        row = dict(name=name, fam=_family(name))
        line = f"{name:<9}{b:>9.1f}"
        for m in methods:
            res = _solve(m, data, limit, args.seed, objective)
            val = res.distance / inst.scale
            gap = 100 * (val - b) / b if res.feasible else math.nan
            row[m] = dict(val=val, veh=res.vehicles_used, gap=gap, feas=res.feasible, sec=res.runtime)
            line += (f" | {val:>9.1f}{res.vehicles_used:>4}{_pct(gap):>7}{'yes' if res.feasible else 'NO':>6}"
                     f"{res.runtime:>6.1f}  ")
        rows.append(row)
        print(line, flush=True)

    def mean(xs):
        xs = [x for x in xs if not math.isnan(x)]
        return sum(xs) / len(xs) if xs else math.nan

    def stat(rs, m):
        gaps = [r[m]["gap"] for r in rs]
        return f"{_pct(mean(gaps))}%, {sum(r[m]['feas'] for r in rs)}/{len(rs)} feasible"

    fams = sorted({r["fam"] for r in rows}, key=lambda f: (f.rstrip("12"), f))
    for f in fams:
        rs = [r for r in rows if r["fam"] == f]
        print(f"family {f:<4} {len(rs):>2} inst: " + "; ".join(f"{METHODS[m]} {stat(rs, m)}" for m in methods))
    conv_word = "distance-only" if args.convention == "distance" else "exact, vehicles first"
    for m in methods:
        worst = max((r for r in rows if not math.isnan(r[m]["gap"])), key=lambda r: r[m]["gap"], default=None)
        s = f"summary {m}: {len(rows)} instances, {limit:g}s, {conv_word}: mean gap {stat(rows, m)}"
        if worst is not None:
            s += f" (worst {worst['name']} {worst[m]['gap']:.2f}%)"
        print(s)
    print("(mean gap over the feasible instances of each method)")
    return 0


if __name__ == "__main__":
    sys.exit(run())
