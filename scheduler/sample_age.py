"""Sample age under delays: a plan's courier loops and shuttles replayed with varying van times.

The plan times every courier loop (station → units → station) and puts the
boxes on the first shuttle to the lab after the loop is back.  On the day,
each drive takes its planned minutes times a log-normal factor (mean
``travel_factor``, coefficient of variation ``travel_cv``, one factor per
drive).  The replay keeps to the plan's timetable:

- a van never reaches a unit before the time on its handover sheet (it
  waits), and starts a loop at the planned minute or when it is back from
  the previous loop, whichever is later, so a late van stays late;
- a box reaches the station when its loop is back; a late pickup can miss
  its shuttle and wait for the next one;
- shuttles leave on the plan's timetable (every ``cadence`` minutes) when
  boxes are waiting and a vehicle is there (otherwise when the first vehicle
  is back), with every box that is in by then; the drive to the lab and
  back varies like the couriers'.

A sample's age is from its swab to the lab's handover.  The swabs are the
plan's (the oldest swab in each pickup, as the handover sheet has it): the
replay measures what the roads do to the plan, not the queues, and a pickup
carries its planned tubes even when it is late (a slight overstatement: a
late van would also take younger tubes closed meanwhile).  With no
variability (``travel_cv = 0``, ``travel_factor = 1``) every box reaches the
lab exactly when the plan says, so the ages are the plan's (when the plan's
loops and shuttles are ones its vehicles can drive: a zone whose loop is
longer than its interval is planned as if it were not, and the replay lets
that van run late).

Home-visit samples reach the station when their team is back, as planned;
they share the shuttles but are not counted against any unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from natplan.routing.couriers import HANDOVER_S

HANDOVER_MIN = HANDOVER_S / 60  # a stop's handover at a unit


@dataclass(frozen=True)
class AgeModel:
    """A plan's courier timetable and shuttles, as arrays (:func:`age_model`).

    A *box* is what one stop hands over (its tubes, with their oldest swab),
    or one home-visit trip's samples (``unit`` -1).  The timetable is a list
    of *legs*, one per drive, in the order each van drives them.
    """

    units: tuple[str, ...]  # units whose boxes are counted, in result order
    box_unit: np.ndarray  # index into units, -1 for home visits
    box_oldest: np.ndarray  # oldest swab in the box
    box_loop: np.ndarray  # loop that brings the box in, -1 for home visits
    home_arrival: np.ndarray  # station arrival of home-visit boxes (NaN for the others)
    loop_route: np.ndarray  # van of each loop; loops of a van are consecutive and in time order
    loop_depart: np.ndarray  # planned departure of each loop
    loop_back: np.ndarray  # planned return of each loop
    leg_loop: np.ndarray  # loop of each leg
    leg_drive: np.ndarray  # planned minutes of driving
    leg_due: np.ndarray  # planned arrival at the leg's unit (-inf for the drive back to the station)
    shuttle_first: float  # the shuttle timetable: first departure (any departure, back by cadences)
    cadence: float
    lab_travel: float  # station to lab, each way
    lab_handover: float
    shuttle_vehicles: int

    @property
    def legs(self) -> int:
        return len(self.leg_drive)


def age_model(plan: dict) -> AgeModel:
    """The courier loops, shuttles and home-visit returns of a plan, ready to replay.

    Parameters
    ----------
    plan
        The plan as plain data (plan.json).

    Returns
    -------
    AgeModel
        The timetable; no boxes when the plan moves no tubes.
    """
    units = sorted({st["unit"] for z in plan["routing"]["zones"] for rt in z["routes"]
                    for lp in rt["loops"] for st in lp["stops"] if st["tubes"] > 0})
    index = {u: k for k, u in enumerate(units)}
    box_unit, box_oldest, box_loop, home = [], [], [], []
    loop_route, loop_depart, loop_back = [], [], []
    leg_loop, leg_drive, leg_due = [], [], []
    routes = [rt for z in plan["routing"]["zones"] for rt in z["routes"]]
    for r, rt in enumerate(routes):
        for lp in sorted(rt["loops"], key=lambda x: x["depart"]):
            li = len(loop_depart)
            loop_route.append(r)
            loop_depart.append(float(lp["depart"]))
            loop_back.append(float(lp["back"]))
            at = float(lp["depart"])  # where the planned van is: left the last place at this minute
            for st in lp["stops"]:
                leg_loop.append(li)
                leg_drive.append(max(0.0, st["time"] - at))
                leg_due.append(float(st["time"]))
                at = st["time"] + HANDOVER_MIN
                if st["tubes"] > 0:
                    box_unit.append(index[st["unit"]])
                    box_oldest.append(float(st["earliest_swab"]))
                    box_loop.append(li)
                    home.append(math.nan)
            leg_loop.append(li)
            leg_drive.append(max(0.0, lp["back"] - at))
            leg_due.append(-math.inf)
    for team in plan["staffing"]["home_teams"]:
        for leave, back in team["trips"]:
            on_trip = [t for _, t in team["stops"] if leave <= t <= back]
            if on_trip:  # the team's tubes, with its first swab of the trip
                box_unit.append(-1)
                box_oldest.append(float(min(on_trip)))
                box_loop.append(-1)
                home.append(float(back))
    sh = plan["routing"]["shuttles"]
    trips = sh["trips"]
    trip = trips[0]["arrive"] - trips[0]["depart"] if trips else 0
    travel = sh["round_trip_min"] - trip
    return AgeModel(
        units=tuple(units), box_unit=np.array(box_unit, dtype=np.int64), box_oldest=np.array(box_oldest),
        box_loop=np.array(box_loop, dtype=np.int64), home_arrival=np.array(home),
        loop_route=np.array(loop_route, dtype=np.int64), loop_depart=np.array(loop_depart),
        loop_back=np.array(loop_back), leg_loop=np.array(leg_loop, dtype=np.int64), leg_drive=np.array(leg_drive),
        leg_due=np.array(leg_due), shuttle_first=float(trips[0]["depart"]) if trips else 0.0,
        cadence=float(sh["cadence_min"]), lab_travel=float(travel), lab_handover=float(trip - travel),
        shuttle_vehicles=max(1, int(sh["vehicles_used"])))


def planned_unit_ages(plan: dict) -> dict[str, float]:
    """Each unit's oldest sample at the lab, as the plan times it (its shuttles' timetable).

    Parameters
    ----------
    plan
        The plan as plain data.

    Returns
    -------
    dict[str, float]
        Minutes from swab to lab handover of the unit's oldest sample, by unit id
        (units that hand over no tubes are left out).
    """
    trips = sorted(plan["routing"]["shuttles"]["trips"], key=lambda t: t["depart"])
    h = (plan["routing"].get("fleet") or {}).get("handover_min", 0)  # boxes leave once handed over (issue #15)
    out: dict[str, float] = {}
    for z in plan["routing"]["zones"]:
        for rt in z["routes"]:
            for lp in rt["loops"]:
                ready = (lp["back"] if lp.get("at_station") is None else lp["at_station"]) + h  # a relay's: later
                for st in lp["stops"]:
                    if st["tubes"] > 0:
                        shuttle = next(t for t in trips if t["depart"] >= ready)
                        age = shuttle["arrive"] - st["earliest_swab"]
                        out[st["unit"]] = max(out.get(st["unit"], -math.inf), age)
    return dict(sorted(out.items()))


def factors_needed(model: AgeModel) -> int:
    """How many drive factors one replay uses: one per courier leg, two per possible shuttle."""
    return model.legs + 2 * len(model.box_unit)


def worst_ages(model: AgeModel, factors: np.ndarray) -> np.ndarray:
    """Replay the plan's couriers and shuttles with the given drive factors.

    Parameters
    ----------
    model
        The plan's timetable (:func:`age_model`).
    factors
        ``(replications, factors_needed(model))``: each drive's minutes are
        multiplied by its factor; the courier legs first, in timetable order,
        then the shuttles' (to the lab, back) in departure order.

    Returns
    -------
    numpy.ndarray
        ``(replications, len(model.units))``: the oldest sample of each unit
        at the lab handover, in minutes since its swab.
    """
    factors = np.asarray(factors, dtype=float)
    if factors.ndim != 2 or factors.shape[1] != factors_needed(model):
        raise ValueError(f"factors must have shape (replications, {factors_needed(model)}), not {factors.shape}")
    reps = len(factors)
    back = _loops_back(model, factors[:, :model.legs])
    boxes = len(model.box_unit)
    arrival = np.where(model.box_loop >= 0, back[:, np.maximum(model.box_loop, 0)], model.home_arrival)
    shuttle = factors[:, model.legs:].reshape(reps, boxes, 2)
    age = _at_lab(model, arrival, shuttle) - model.box_oldest
    out = np.full((reps, len(model.units)), np.nan)
    for u in range(len(model.units)):
        out[:, u] = age[:, model.box_unit == u].max(axis=1)
    return out


def _loops_back(model: AgeModel, factors: np.ndarray) -> np.ndarray:
    """``(replications, loops)``: when each loop is back at the station."""
    reps = len(factors)
    back = np.empty((reps, len(model.loop_depart)))
    van_free = np.full(reps, -np.inf)
    at = van_free
    last_loop = -1
    for leg in range(model.legs):
        lp = model.leg_loop[leg]
        if lp != last_loop:  # a new loop: the van leaves as planned, or when it is back from the last one
            if last_loop >= 0 and model.loop_route[lp] != model.loop_route[last_loop]:
                van_free = np.full(reps, -np.inf)
            at = np.maximum(model.loop_depart[lp], van_free)
            last_loop = lp
        at = at + model.leg_drive[leg] * factors[:, leg]
        if np.isfinite(model.leg_due[leg]):
            at = np.maximum(at, model.leg_due[leg]) + HANDOVER_MIN  # never before the handover sheet's time
        else:
            back[:, lp] = at
            van_free = at
    return back


def _at_lab(model: AgeModel, arrival: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """``(replications, boxes)``: when each box is handed over at the lab."""
    reps, boxes = arrival.shape
    rows = np.arange(reps)
    lab = np.full((reps, boxes), np.nan)
    if boxes == 0:
        return lab
    shipped = np.zeros((reps, boxes), dtype=bool)
    vehicles = np.full((reps, model.shuttle_vehicles), -np.inf)  # when each is back at the station
    departures = np.zeros(reps, dtype=np.int64)
    k = math.ceil((arrival.min() - model.shuttle_first) / model.cadence)
    while not shipped.all():
        due = model.shuttle_first + k * model.cadence
        go = (~shipped & (arrival <= due)).any(axis=1)
        if go.any():
            v = vehicles.argmin(axis=1)
            depart = np.maximum(due, vehicles[rows, v])
            take = ~shipped & (arrival <= depart[:, None]) & go[:, None]
            f = factors[rows, np.minimum(departures, boxes - 1)]
            at_lab = depart + model.lab_travel * f[:, 0] + model.lab_handover
            lab = np.where(take, at_lab[:, None], lab)
            vehicles[rows[go], v[go]] = (at_lab + model.lab_travel * f[:, 1])[go]
            shipped |= take
            departures += go
            k += 1
        else:  # nothing in yet: on to the next departure that has a box
            waiting = np.where(shipped, np.inf, arrival).min()
            k = max(k + 1, math.ceil((waiting - model.shuttle_first) / model.cadence))
    return lab
