"""Random towns inside a real boundary, for the property test and ``benchmarks/fuzz.py --towns``.

A :class:`RandomTown` is a handful of numbers — 1-60 units, 1-25 groups, up
to 15 villages, 200 to 3,000 people, samplers, special needs, zones,
vehicles, the lab's distance — and a deadline that is ``impossible``
(0.2-0.9 times the least time the round can take, the throughput bound of
:func:`natplan.models.summary.summarize`: no plan can keep it), ``tight``
(1.1-1.8 times, plus a set-up and a slot) or ``loose`` (2.5-5 times, plus a
set-up, a slot and half an hour for each unit a group may have to staff in
turn, plus two hours).  :func:`town_scenario`
places the villages, grids, units and homes at random inside Xiagezhuang's
real boundary (``scenarios/data/xiagezhuang_boundary.geojson``) with the
town generator (:func:`natplan.models.generate.generate_town`).

:func:`plan_and_check` does what ``natplan plan`` and ``natplan verify`` do
with such a town, in this process and without printing: read the file,
plan it with the default budget, and check the plan by every rule.  Every
town must come out as one of :data:`GOOD`: refused at reading with lines
(exit 2), not planned with reasons (exit 2), or planned and passing verify.

:func:`towns` draws them for hypothesis; :func:`random_towns` from a seed,
for the benchmark.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
BOUNDARY = ROOT / "scenarios" / "data" / "xiagezhuang_boundary.geojson"
DEADLINES = {"tight": (1.1, 1.8), "loose": (2.5, 5.0), "impossible": (0.2, 0.9)}
"""Deadline classes: the round's length as a multiple of the least time it can take (the throughput bound)."""
LONGEST_ROUND_MIN = 23 * 60
"""A round's deadline is at most this long after its start."""

PLANNED = "planned, and verify passes"
REFUSED = "refused when read (exit 2, one line per problem)"
NO_PLAN = "not planned, with reasons (exit 2)"
GOOD = (PLANNED, REFUSED, NO_PLAN)
VERIFY_FAILS = "planned, but verify finds violations"
NO_REASON = "not planned, and no reason given"
IMPOSSIBLE_PLANNED = "planned before the least possible finish"
FAULTS = (VERIFY_FAILS, NO_REASON, IMPOSSIBLE_PLANNED)


@dataclass(frozen=True)
class RandomTown:
    """The numbers of one random town; :func:`town_scenario` makes the town."""

    seed: int
    units: int
    groups: int
    villages: int
    people: int
    grid_people: int
    samplers: int
    special_rate: float
    zones: int
    vehicles: int
    lab_min: int
    deadline: str
    stretch: float  # where in its class's range the deadline lies, 0-1

    @property
    def name(self) -> str:
        return (f"town{self.seed}-u{self.units}-g{self.groups}-v{self.villages}-p{self.people}-"
                f"{self.deadline}")


def towns() -> st.SearchStrategy[RandomTown]:
    """Hypothesis strategy of random towns (small, so that a hundred plan in well under a minute)."""
    return st.builds(
        RandomTown,
        seed=st.integers(0, 2**31 - 1),
        units=st.integers(1, 60),
        groups=st.integers(1, 25),
        villages=st.integers(1, 15),
        people=st.integers(200, 3000),
        grid_people=st.integers(100, 500),
        samplers=st.integers(1, 8),
        special_rate=st.sampled_from([0.0, 0.005, 0.02]),
        zones=st.integers(1, 4),
        vehicles=st.integers(1, 6),
        lab_min=st.integers(10, 90),
        deadline=st.sampled_from(sorted(DEADLINES)),
        stretch=st.floats(0, 1),
    )


def random_towns(count: int, seed: int) -> list[RandomTown]:
    """``count`` random towns drawn from ``seed`` (the same ranges as :func:`towns`)."""
    rng = np.random.default_rng(seed)
    names = sorted(DEADLINES)
    return [RandomTown(seed=int(rng.integers(0, 2**31 - 1)), units=int(rng.integers(1, 61)),
                       groups=int(rng.integers(1, 26)), villages=int(rng.integers(1, 16)),
                       people=int(rng.integers(200, 3001)), grid_people=int(rng.integers(100, 501)),
                       samplers=int(rng.integers(1, 9)), special_rate=float(rng.choice([0.0, 0.005, 0.02])),
                       zones=int(rng.integers(1, 5)), vehicles=int(rng.integers(1, 7)),
                       lab_min=int(rng.integers(10, 91)), deadline=names[int(rng.integers(0, len(names)))],
                       stretch=float(rng.uniform()))
            for _ in range(count)]


def _geometry():
    from shapely.geometry import shape

    return shape(json.loads(BOUNDARY.read_text(encoding="utf-8"))["features"][0]["geometry"])


def town_scenario(town: RandomTown):
    """The scenario of a random town: places inside Xiagezhuang's boundary, the deadline of its class.

    Returns
    -------
    natplan.models.scenario.Scenario
    """
    from natplan.models.generate import TownSpec, VillageSpec, generate_town
    from natplan.models.scenario import Lab, Parameters
    from natplan.models.summary import summarize

    start = 7 * 60
    spec = TownSpec(
        name=f"随机镇{town.seed}", geometry=_geometry(), boundary_ref=str(BOUNDARY),
        villages=tuple(VillageSpec(name=f"村{k + 1}", synthetic_name=True, seat=k == 0) for k in range(town.villages)),
        total_people=town.people, units=town.units, groups=town.groups, zones=min(town.zones, town.units),
        vehicles=town.vehicles, station_name="随机中转站", lab=Lab(name="随机实验室", travel_min=town.lab_min),
        grid_people=town.grid_people, special_rate=town.special_rate, samplers_per_group=town.samplers,
        parameters=Parameters(start=start, deadline=start + LONGEST_ROUND_MIN, seed=town.seed % 1000),
        seed=town.seed,
    )
    s = generate_town(spec)
    p = s.parameters
    lo, hi = DEADLINES[town.deadline]
    length = summarize(s).throughput_bound_min * (lo + (hi - lo) * town.stretch)
    if town.deadline == "tight":  # a unit is set up, and people come in whole slots
        length += p.setup_min + p.slot_min
    elif town.deadline == "loose":  # and a group may staff several units one after another
        length += (p.setup_min + p.slot_min + 30) * math.ceil(town.units / town.groups) + 120
    length = int(min(LONGEST_ROUND_MIN, max(1, math.floor(length))))
    return s.model_copy(update={"parameters": s.parameters.model_copy(update={"deadline": start + length})})


def write_town(town: RandomTown, folder: Path) -> Path:
    """Write the town's scenario file into ``folder``; its path."""
    from natplan.models.generate import write_scenario

    path = folder / f"{town.name}.yaml"
    write_scenario(town_scenario(town), path)
    return path


@dataclass(frozen=True)
class TownOutcome:
    """What planning a town gave: one of :data:`GOOD` or :data:`FAULTS`, and the lines a user would read."""

    kind: str
    lines: tuple[str, ...]


def plan_and_check(town: RandomTown, folder: Path) -> TownOutcome:
    """Read, plan and verify a random town as ``natplan plan`` and ``natplan verify`` would.

    Parameters
    ----------
    town
        The town.
    folder
        Where its scenario file is written.

    Returns
    -------
    TownOutcome
        Exceptions other than a refused file are not caught: they are faults.
    """
    from natplan.cli.plan import explain
    from natplan.models.loader import load_scenario
    from natplan.models.problems import InputError
    from natplan.models.summary import summarize
    from natplan.planfile import plan_json
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.pipeline import plan_round
    from natplan.scheduler.verify import violations

    path = write_town(town, folder)
    try:
        loaded = load_scenario(path, travel=TRAVEL)
    except InputError as e:
        return TownOutcome(REFUSED, tuple(p.format(e.file) for p in e.problems))
    out = plan_round(loaded)
    if out.plan is None:
        lines = tuple(explain(str(path), e) for e in out.problems)
        return TownOutcome(NO_PLAN if lines else NO_REASON, lines)
    s = loaded.scenario
    found = violations(s, json.loads(plan_json(out.plan)))
    if found:
        return TownOutcome(VERIFY_FAILS, tuple(f"{v.rule}: {v.message}" for v in found))
    if out.plan.kpis.finish < s.parameters.start + summarize(s).throughput_bound_min - 1:
        return TownOutcome(IMPOSSIBLE_PLANNED, (f"finish {out.plan.kpis.finish}",))
    return TownOutcome(PLANNED, ())


__all__ = ["BOUNDARY", "DEADLINES", "FAULTS", "GOOD", "NO_PLAN", "NO_REASON", "PLANNED", "REFUSED", "RandomTown",
           "TownOutcome", "VERIFY_FAILS", "plan_and_check", "random_towns", "town_scenario", "towns",
           "write_town"]
