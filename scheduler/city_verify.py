"""``natplan verify OUT/plan.json --scenario CITY``: check a joined city plan without the solvers.

Every township of the city file must have its plan, named by the right
digest, made from a township scenario that has the city file's people and
resources and the lab the city plan gives it; each township plan must pass
every rule of :mod:`natplan.scheduler.verify`; no lab may receive more tubes than it
tests in the round, nor be beyond a shuttle's reach within the sample age
limit; every sample must be tested within the age limit in its lab's queue,
which every township sent to that lab shares (replayed here from the
township plans: their shuttle trips in one first-come queue at the lab's
``tubes_per_hour``, trips arriving in the same minute the oldest swab first,
then the city file's order); the city's KPIs must be those of its
townships.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from natplan.models.city import City
from natplan.models.problems import InputError


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _haversine_min(city: City, a, b) -> float:
    """Van minutes between two points, computed here on its own (great circle × detour ÷ speed)."""
    r = 6_371_008.8
    la1, la2 = math.radians(a.lat), math.radians(b.lat)
    dla, dlo = la2 - la1, math.radians(b.lon - a.lon)
    h = math.sin(dla / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlo / 2) ** 2
    metres = 2 * r * math.asin(math.sqrt(h))
    p = city.parameters
    return metres * p.detour_factor / (p.van_speed_kmh * 1000 / 60)


def shared_queue(trips: list[list[dict]], tubes_per_hour: int) -> list[dict[int, float]]:
    """When a lab shared by several townships has taken up the last tube of each of their shuttle trips.

    Parameters
    ----------
    trips
        Each township's shuttle trips (plan.json ``routing.shuttles.trips``), in the city file's order.
    tubes_per_hour
        The lab's capacity.

    Returns
    -------
    list[dict[int, float]]
        For each township, each trip's test time by its position in its list.

    Examples
    --------
    >>> shared_queue([[{"arrive": 600, "tubes": 60, "oldest_swab": 480}],
    ...               [{"arrive": 610, "tubes": 120, "oldest_swab": 450}]], 120)
    [{0: 630.0}, {0: 690.0}]
    """
    out: list[dict[int, float]] = [{} for _ in trips]
    order = sorted(((tr["arrive"], tr["oldest_swab"], j, k) for j, ts in enumerate(trips) for k, tr in enumerate(ts)
                    if tr["tubes"] > 0))
    free = float("-inf")
    for arrive, _, j, k in order:
        free = max(free, float(arrive)) + trips[j][k]["tubes"] * 60 / tubes_per_hour
        out[j][k] = free
    for j, ts in enumerate(trips):  # an empty trip waits for nothing
        for k, tr in enumerate(ts):
            out[j].setdefault(k, float(tr["arrive"]))
    return out


def _queues_within_age(city: City, plan: dict, queued: dict[str, list[tuple[str, object, dict]]]) -> list[str]:
    """Every sample tested within the age limit in its lab's shared queue, and the plan's ages at test true."""
    from natplan.scheduler.verify.samples import samples_within_age

    out: list[str] = []
    limit = city.parameters.sample_age_limit_min
    loads = {x["lab"]: x for x in plan["labs"]}
    rows = {r["id"]: r for r in plan["townships"]}
    ids = {f"township {t.id} {t.name}": t.id for t in city.townships}
    worst_city = None
    for lab in city.labs:
        mine = queued.get(lab.id, [])
        trips = [tplan["routing"]["shuttles"]["trips"] for _, _, tplan in mine]
        tested = shared_queue(trips, lab.tubes_per_hour)
        lab_worst = None
        for (where, s, tplan), ts, at in zip(mine, trips, tested):
            ages = [at[k] - tr["oldest_swab"] for k, tr in enumerate(ts) if tr["tubes"] > 0]
            worst = max(ages, default=None)
            if worst is not None:
                lab_worst = worst if lab_worst is None else max(lab_worst, worst)
                stated = rows[ids[where]].get("worst_age_at_test_min")
                if stated is None or abs(stated - worst) > 0.051:
                    out.append(f"{where}: the city plan gives its worst sample age at test as {stated}, lab {lab.id}'s "
                               f"queue gives {worst:.1f} min")
            head = (f"lab {lab.id} {lab.name} at {lab.tubes_per_hour:,} tubes an hour, its queue shared by "
                    f"{len(mine)} township(s): {where}: ")
            out += [head + v for v in samples_within_age(s, tplan, tested=at)]
            if worst is not None and worst > limit + 1e-6:
                out.append(head + f"its oldest sample is tested {worst:.0f} min after the swab, "
                           f"{worst - limit:.0f} min over the {limit}-min limit")
        load = loads.get(lab.id)
        stated = None if load is None else load.get("worst_age_at_test_min")
        if (stated is None) != (lab_worst is None) or (lab_worst is not None and abs(stated - lab_worst) > 0.051):
            out.append(f"lab {lab.id} {lab.name}: the city plan gives its worst sample age at test as {stated}, "
                       f"its queue gives {'none' if lab_worst is None else f'{lab_worst:.1f} min'}")
        if lab_worst is not None:
            worst_city = lab_worst if worst_city is None else max(worst_city, lab_worst)
    stated = plan["kpis"]["worst_sample_age_min"]
    if worst_city is not None and (stated is None or abs(stated - worst_city) > 0.051):
        out.append(f"the city plan's worst sample age {stated} is not its labs' queues' {worst_city:.1f} min")
    return out


def verify_city(city: City, plan: dict, folder: Path) -> list[str]:
    """Every violation of a joined city plan, in words.

    Parameters
    ----------
    city
        The city file the plan was made from.
    plan
        The city plan as plain data (its plan.json).
    folder
        The folder that holds the city plan, with each township's folder in it.

    Returns
    -------
    list[str]
        One line per violation; empty when the plan holds.

    Raises
    ------
    KeyError, TypeError
        When ``plan`` is not shaped like a natplan city plan.
    """
    from natplan.models.loader import load_scenario
    from natplan.models.scenario import Role
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.verify import verify

    out: list[str] = []
    p = city.parameters
    rows = {r["id"]: r for r in plan["townships"]}
    labs = {lab.id: lab for lab in city.labs}
    for t in city.townships:
        if t.id not in rows:
            out.append(f"township {t.id} {t.name} has no entry in the city plan")
    for extra in sorted(set(rows) - {t.id for t in city.townships}):
        out.append(f"township {extra} is in the plan but not in the city file")
    tubes_at: dict[str, int] = {}
    queued: dict[str, list[tuple[str, object, dict]]] = {}  # lab id -> (where, scenario, township plan), city order
    finishes = []
    people = 0
    for t in city.townships:
        r = rows.get(t.id)
        if r is None:
            continue
        where = f"township {t.id} {t.name}"
        if not r["planned"]:
            out.append(f"{where} was not planned: " + "; ".join(e["problem"] for e in r["problems"]))
            continue
        tdir = folder / r["folder"]
        try:
            pbytes = (tdir / "plan.json").read_bytes()
            sbytes = (tdir / "scenario.yaml").read_bytes()
        except OSError as e:
            out.append(f"{where}: {e.strerror}: {e.filename}")
            continue
        if hashlib.sha256(pbytes).hexdigest() != r["plan_sha256"]:
            out.append(f"{where}: plan.json is not the one the city plan names (digest differs)")
        if hashlib.sha256(sbytes).hexdigest() != r["scenario_sha256"]:
            out.append(f"{where}: scenario.yaml is not the one the city plan names (digest differs)")
        try:
            s = load_scenario(tdir / "scenario.yaml", travel=TRAVEL).scenario
        except InputError as e:
            out.append(f"{where}: its scenario.yaml does not load: {e.problems[0].format(e.file)}")
            continue
        lab = labs.get(r["lab"])
        if lab is None:
            out.append(f"{where} is sent to lab {r['lab']!r}, which the city file does not have")
        elif s.lab.id != lab.id or s.lab.location != lab.location:
            out.append(f"{where}: its scenario's lab {s.lab.id} is not the lab {lab.id} the city plan gives it")
        if t.scenario is None:
            facts = [("people", s.people, t.people), ("units", len(s.units), t.units),
                     ("groups", len(s.groups), t.groups),
                     ("samplers", sum(g.count(Role.sampler) for g in s.groups), t.samplers)]
            for name, have, want in facts:
                if have != want:
                    out.append(f"{where}: its scenario has {have:,} {name}, the city file {want:,}")
            # the city may have it start later (错峰), never earlier, and the deadline is the city's
            delay = r.get("start_delay_min", 0)
            if not isinstance(delay, int) or delay < 0 or s.parameters.start != p.start + delay:
                out.append(f"{where}: its scenario starts at {_clock(s.parameters.start)}, not "
                           f"{_clock(p.start + delay) if isinstance(delay, int) and delay >= 0 else '—'} as the "
                           "city plan says (the city's start, or later when it is staggered)")
            if s.parameters.deadline != p.deadline or s.parameters.round_days != p.round_days:
                out.append(f"{where}: its scenario's deadline is not the city's")
        for field in ("shared_queue_min", "shared_queue_home_min"):  # what the overview lists must be what it did
            if getattr(s.lab, field) != r.get(field):
                have, said = (f"{v} min" if v else "none" for v in (getattr(s.lab, field), r.get(field)))
                out.append(f"{where}: its scenario keeps {have} for the lab's queue (lab.{field}), the city plan "
                           f"says {said}")
        people += s.people
        tplan = json.loads(pbytes)
        out += [f"{where}: {v}" for v in verify(s, tplan)]
        if lab is not None and s.lab.location is not None:
            reach = p.sample_age_limit_min - 2 * 30 - 10
            minutes = _haversine_min(city, s.station.location, s.lab.location)
            if minutes > reach + 5:  # the plan measured from a point inside the township, not the station
                out.append(f"{where}: lab {lab.id} is {minutes:.0f} min from the station, beyond {reach} min")
        trips = tplan["routing"]["shuttles"]["trips"]
        tubes_at[r["lab"]] = tubes_at.get(r["lab"], 0) + sum(tr["tubes"] for tr in trips)
        if lab is not None:
            queued.setdefault(lab.id, []).append((where, s, tplan))
        finishes.append(tplan["kpis"]["finish"])
    window_h = (p.deadline + p.sample_age_limit_min - p.start) / 60
    for lab_id, tubes in sorted(tubes_at.items()):
        lab = labs.get(lab_id)
        if lab is not None and tubes > lab.tubes_per_hour * window_h:
            out.append(f"lab {lab_id} {lab.name} receives {tubes:,} tubes, more than the "
                       f"{lab.tubes_per_hour * window_h:,.0f} it tests in the round")
    out += _queues_within_age(city, plan, queued)
    k = plan["kpis"]
    if finishes and k["finish"] != max(finishes):
        out.append(f"the city plan's finish {k['finish']} is not its last township's {max(finishes)}")
    if all(r.get("planned") for r in rows.values()) and people != city.people:
        out.append(f"the township scenarios hold {people:,} people, the city file {city.people:,}")
    return out
