"""Re-plan how the samples reach the lab after events: shuttles and the lab's queue.

(The courier runs themselves: :mod:`natplan.scheduler.replan.couriers`.)

- **Shuttles** before the cut stay.  After it they keep the plan's cadence
  (from the last shuttle that left; boxes leave once handed over at the
  station), each on a station vehicle that is back, not lent to a zone
  then, not out, not standing in for a courier and big enough for the
  boxes (the plan's own vehicle where it can, then those kept for
  shuttles); a departure with no vehicle waits for the first one back.  If
  that breaks the age limit, or the boxes pass every vehicle's capacity,
  the longest shorter cadence (in 5-minute steps) that keeps both is used.
- **A slow lab** tests its tubes in order of arrival at its rate; a tube's
  age then runs to its test.
"""

from __future__ import annotations

import math


from natplan.models.clock import format_clock as hm
from natplan.models.events import LabSlow, VehicleOut
from natplan.models.plan import Explanation, Plan, Routing, Shuttles, ShuttleTrip
from natplan.models.replan import LabQueue, Retest
from natplan.models.scenario import Scenario
from natplan.routing.couriers import AGE_MARGIN_MIN
from natplan.routing.network import lab_minutes
from natplan.routing.shuttles import CADENCE_STEP_MIN, tested_times
from natplan.scheduler.replan.couriers import Window, out_windows, overlaps


def home_batches(plan: Plan, pooling_ratio: int) -> list[tuple[float, int, float]]:
    """Home-visit samples reaching the station: (minute back, tubes, first swab) of each trip."""
    out = []
    for team in plan.staffing.home_teams:
        for leave, back in team.trips:
            on_trip = [t for _, t in team.stops if leave <= t <= back]
            if on_trip:
                out.append((back, math.ceil(len(on_trip) / pooling_ratio), min(on_trip)))
    return out


def station_arrivals(routing: Routing, batches: list[tuple[float, int, float]]) -> list[tuple[float, int, float]]:
    """Boxes reaching the station: (minute, tubes, oldest swab) of every pickup and home-visit trip."""
    out = list(batches)
    for z in routing.zones:
        for r in z.routes:
            for lp in r.loops:
                at = lp.back if getattr(lp, "at_station", None) is None else lp.at_station
                out += [(at, st.tubes, st.earliest_swab) for st in lp.stops]
    return out


def handover_min(s: Scenario) -> int:
    """Minutes from a box's arrival at the station until a shuttle may take it (handed over and signed)."""
    fleet = getattr(s, "fleet", None)
    return getattr(fleet, "station_handover_min", 0) if fleet is not None else 0


def courier_windows(routing: Routing) -> dict[str, list[Window]]:
    """When each vehicle drives courier loops or relays (a station vehicle lent to a zone among them)."""
    out: dict[str, list[Window]] = {}
    for z in routing.zones:
        for r in z.routes:
            out.setdefault(r.vehicle, []).extend((lp.depart, lp.back) for lp in r.loops)
    for relay in getattr(routing, "relays", []):
        out.setdefault(relay.vehicle, []).append((relay.leave, relay.at_station))
    return out


def _free(v: str, t: float, length: int, free_at: dict[str, float], blocked: dict[str, list[Window]]) -> bool:
    return free_at[v] <= t and not any(overlaps((t, t + length), w) for w in blocked.get(v, []))


def _schedule(s: Scenario, old: Shuttles, arrivals, cut: int, cadence: int, blocked: dict[str, list[Window]]
              ) -> list[ShuttleTrip]:
    """Shuttles from the cut on every ``cadence`` minutes after the last one before it (see the module)."""
    p = s.parameters
    travel = lab_minutes(s)
    trip, round_trip = travel + s.lab.handover_min, 2 * travel + s.lab.handover_min
    capacity = {v.id: v.capacity_boxes for v in s.station.vehicles}
    # the vehicles kept for shuttles first; a station vehicle lent to a zone may shuttle when its loops are done
    fleet = list(dict.fromkeys([v for v in old.vehicles if v in capacity] + list(capacity)))
    done = [t for t in old.trips if t.depart < cut]
    free_at = {v: 0.0 for v in fleet}
    for t in done:
        free_at[t.vehicle] = max(free_at.get(t.vehicle, 0.0), t.back)
    shipped = max((t.depart for t in done), default=-math.inf)
    ready = handover_min(s)
    arrivals = [(a + ready, tubes, oldest) for a, tubes, oldest in arrivals]  # when a shuttle may take them
    waiting = sorted(a for a in arrivals if a[0] > shipped and a[1] > 0)
    if not waiting:
        return []
    anchor = shipped if done else math.ceil(min(a[0] for a in arrivals))
    was = {t.depart: t.vehicle for t in old.trips if t.depart >= cut}
    out: list[ShuttleTrip] = []
    k = 0
    t = anchor
    while t < cut or (done and t <= shipped):
        k += 1
        t = anchor + k * cadence
    while waiting:
        if waiting[0][0] > t:
            k = max(k + 1, math.ceil((waiting[0][0] - anchor) / cadence))
            t = anchor + k * cadence
            continue
        tubes = sum(a[1] for a in waiting if a[0] <= t)
        boxes = math.ceil(tubes / p.tubes_per_box)
        if boxes > max(capacity[v] for v in fleet):
            raise _NoVehicle(t)  # a shorter cadence carries less at once
        ready = sorted((v for v in fleet if capacity[v] >= boxes and _free(v, t, round_trip, free_at, blocked)),
                       key=lambda v: (v != was.get(t), free_at[v], fleet.index(v)))
        if not ready:  # wait for the first vehicle back (or back in service)
            later = [x for x in list(free_at.values()) + [w[1] for ws in blocked.values() for w in ws]
                     if t < x < math.inf]
            if not later:
                raise _NoVehicle(t)
            t = math.ceil(min(later))
            continue
        v = ready[0]
        batch = [a for a in waiting if a[0] <= t]
        waiting = [a for a in waiting if a[0] > t]
        oldest = min(a[2] for a in batch)
        out.append(ShuttleTrip(vehicle=v, depart=int(t), arrive=int(t + trip), back=int(t + round_trip), tubes=tubes,
                               boxes=boxes, oldest_swab=round(oldest, 1), worst_age_min=0.0))
        free_at[v] = t + round_trip
        k = max(k + 1, math.floor((t - anchor) / cadence) + 1)
        t = anchor + k * cadence
    return _aged(s, done, out)


def _aged(s: Scenario, done: list[ShuttleTrip], after: list[ShuttleTrip]) -> list[ShuttleTrip]:
    """``after`` with each trip's test time (the lab's own queue, when it has a capacity) and oldest age."""
    tested = tested_times([(t.arrive, t.tubes) for t in done + after], s.lab.tubes_per_hour)[len(done):]
    capacity = s.lab.tubes_per_hour is not None
    return [t.model_copy(update={"tested": math.ceil(when - 1e-9) if capacity else None,
                                 "worst_age_min": round(when - t.oldest_swab, 1)}) for t, when in zip(after, tested)]


class _NoVehicle(Exception):
    def __init__(self, minute: float):
        self.minute = minute


def replan_shuttles(s: Scenario, old: Shuttles, routing: Routing, arrivals, cut: int, outs: list[VehicleOut],
                    reserved: dict[str, list[Window]]) -> tuple[Shuttles, list[Explanation]]:
    """The shuttles: those before the cut as they were, the rest re-planned (see the module docstring).

    Parameters
    ----------
    s
        The scenario.
    old
        The plan's shuttles.
    routing
        The re-planned courier loops (station vehicles lent to zones are not free for shuttles then).
    arrivals
        Boxes reaching the station: (minute, tubes, oldest swab) (:func:`station_arrivals`).
    cut
        The re-plan's time.
    outs
        The ``vehicle_out`` events (station vehicles among them are not used while out).
    reserved
        Station vehicles standing in for couriers, and when.

    Returns
    -------
    (Shuttles, problems)
    """
    p = s.parameters
    limit = p.sample_age_limit_min
    blocked = {v: list(ws) for v, ws in out_windows(outs).items()}
    for v, ws in [*reserved.items(), *courier_windows(routing).items()]:
        blocked.setdefault(v, []).extend(ws)
    done = [t for t in old.trips if t.depart < cut]
    tried = []
    step = CADENCE_STEP_MIN
    for cadence in [old.cadence_min, *range(old.cadence_min - step, step - 1, -step)]:
        try:
            after = _schedule(s, old, arrivals, cut, cadence, blocked)
        except _NoVehicle:
            continue
        worst = max((t.worst_age_min for t in after), default=0.0)
        tried.append((cadence, worst, after))
    keep = [c for c in tried if c[0] == old.cadence_min and c[1] <= limit]
    fresh = [c for c in tried if c[1] <= limit - AGE_MARGIN_MIN] or [c for c in tried if c[1] <= limit]
    chosen = keep or sorted(fresh, key=lambda c: -c[0])[:1]
    problems = []
    if not chosen:
        named = {v: ws for v, ws in [*out_windows(outs).items(), *reserved.items()]}
        ways = [f"{v} {hm(a)}–{'' if b == math.inf else hm(b)}" for v, ws in sorted(named.items()) for a, b in ws]
        best = min(tried, key=lambda c: c[1]) if tried else None
        what = (f"samples reach the lab up to {best[1]:.0f} min after the swab, over the {limit}-min limit"
                if best else "no station vehicle is left to take the boxes to the lab")
        problems.append(Explanation(where="station", problem=f"with the station's vehicles out or standing in "
                                    f"({'; '.join(ways)}), {what}",
                                    fix=f"lend the station a vehicle from {hm(cut)}, or bring one back sooner"))
        chosen = [best] if best else [(old.cadence_min, 0.0, [])]
    cadence, _, after = chosen[0]
    trips = done + after
    used = {t.vehicle for t in trips}
    shuttles = old.model_copy(update={
        "cadence_min": cadence, "vehicles_used": len(used), "trips": trips,
        "vehicles": list(dict.fromkeys(old.vehicles + [t.vehicle for t in after])),
        "worst_age_min": round(max((t.worst_age_min for t in trips), default=0.0), 1),
        "lab_wait_min": round(max([old.lab_wait_min]
                                  + [t.tested - t.arrive for t in after if t.tested is not None]), 1)})
    return shuttles, problems


def lab_batches(shuttles: Shuttles, arrivals, retests: list[Retest]) -> list[tuple[float, int, float]]:
    """Tubes reaching the lab: (minute, tubes, oldest swab) of every pickup, by the first shuttle after it
    reaches the station, and of every retest team."""
    trips = sorted(shuttles.trips, key=lambda t: t.depart)
    out = []
    for at, tubes, oldest in arrivals:
        if tubes:
            ride = next((t for t in trips if t.depart >= at), None)
            if ride is not None:
                out.append((float(ride.arrive), tubes, oldest))
    out += [(float(r.lab_arrive), r.people, float(r.first_swab)) for r in retests]
    return sorted(out)


def lab_queue(e: LabSlow, batches: list[tuple[float, int, float]], normal: int | None = None,
              rate: float | None = None) -> tuple[float | None, float, int]:
    """(last test, worst age swab-to-test, tubes) of the tubes that reach a lab slowed by ``e`` while it is slow.

    The lab tests its tubes one after another in order of arrival: one every ``60 / rate`` minutes while it
    is slow, at its ``normal`` rate otherwise (at once when it has none); the ages are of every tube it tests.

    >>> lab_queue(LabSlow(kind="lab_slow", at=600, tubes_per_hour=60), [(600, 3, 590), (601, 2, 595)])
    (604.0, 12.0, 5)
    """
    rate = e.tubes_per_hour if rate is None else rate
    end = math.inf if e.until is None else e.until
    free, done, worst, count = -math.inf, None, 0.0, 0
    for arrive, tubes, oldest in batches:
        slow = e.at <= arrive < end
        count += tubes if slow else 0
        t = max(arrive, free)
        for _ in range(tubes):
            last = t
            per_hour = rate if e.at <= t < end else normal
            t += 60 / per_hour if per_hour else 0.0
        free = t
        worst = max(worst, last - oldest)
        if slow:
            done = last if done is None else max(done, last)
    return done, worst, count


def replan_lab(s: Scenario, slow: list[LabSlow], batches) -> tuple[list[LabQueue], list[Explanation]]:
    """The lab's queue for each ``lab_slow`` event; the least rate that keeps the age limit when it breaks."""
    limit = s.parameters.sample_age_limit_min
    out, problems = [], []
    for e in slow:
        done, worst, tubes = lab_queue(e, batches, s.lab.tubes_per_hour)
        out.append(LabQueue(start=e.at, until=e.until, tubes_per_hour=e.tubes_per_hour, tubes=tubes,
                            done=None if done is None else math.ceil(done), worst_age_min=round(worst, 1)))
        if worst > limit + 1e-6:
            lo, hi = e.tubes_per_hour, 100_000
            while lo < hi:  # the least rate whose worst age is within the limit
                mid = (lo + hi) // 2
                if lab_queue(e, batches, s.lab.tubes_per_hour, mid)[1] <= limit + 1e-6:
                    hi = mid
                else:
                    lo = mid + 1
            problems.append(Explanation(
                where="lab", problem=f"at {e.tubes_per_hour} tubes an hour from {hm(e.at)} the lab tests the last "
                f"tubes {worst:.0f} min after the swab, over the {limit}-min limit",
                fix=f"the lab must test at least {lo} tubes an hour from {hm(e.at)}, or send the boxes to a second "
                    f"lab while it is slow"))
    return out, problems
