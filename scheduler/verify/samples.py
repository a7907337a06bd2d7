"""Verify: sample age — every sample tested within the age limit, the lab's queue counted (the fleet's rules,
collection and tubes carried, are in :mod:`.fleet`)."""

from __future__ import annotations

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario, age_limit_min, kept_for_queue_words


def tested_at(trips: list[dict], tubes_per_hour: int | None) -> dict[int, float]:
    """When the lab has taken up the last tube of each trip (by position in ``trips``): its tubes join the lab's
    queue in the order the trips arrive and are taken up at ``tubes_per_hour``; without a capacity, on arrival."""
    if tubes_per_hour is None:
        return {k: float(t["arrive"]) for k, t in enumerate(trips)}
    out, free = {}, float("-inf")
    for k in sorted(range(len(trips)), key=lambda k: (trips[k]["arrive"], k)):
        free = max(free, float(trips[k]["arrive"])) + trips[k]["tubes"] * 60 / tubes_per_hour
        out[k] = free
    return out


def samples_within_age(s: Scenario, plan: dict, tested: dict[int, float] | None = None) -> list[str]:
    """Each box is ready at the station when it is there and handed over (``fleet.station_handover_min``; a relay's
    boxes when the relay is back), leaves on the first shuttle after that, and is tested within the age limit: on
    arrival at the lab, or, when the lab's capacity is given, when the lab's queue reaches it.  ``tested`` (each
    trip's test time, by position) replaces the lab's own queue: a city's lab shared by several townships.  A
    township's own queue is held to the limit less the minutes it keeps for the shared one (``lab.shared_queue_min``),
    as it was planned."""
    limit = s.parameters.sample_age_limit_min if tested is not None else age_limit_min(s)
    words = f"{limit}-min limit" + kept_for_queue_words(s, limit)
    h = s.fleet.station_handover_min
    trips = plan["routing"]["shuttles"]["trips"]
    word = "reach the lab" if s.lab.tubes_per_hour is None and tested is None else "are tested"
    tested = tested_at(trips, s.lab.tubes_per_hour) if tested is None else tested
    order = sorted(range(len(trips)), key=lambda k: (trips[k]["depart"], k))
    out = []

    def test_time(ready):
        going = [k for k in order if trips[k]["depart"] >= ready]
        if not going:
            return None
        first = trips[going[0]]["depart"]
        return max(tested[k] for k in going if trips[k]["depart"] == first)  # a departure on several vehicles

    for zc in plan["routing"]["zones"]:
        for route in zc["routes"]:
            for lp in route["loops"]:
                ready = (lp["back"] if lp.get("at_station") is None else lp["at_station"]) + h
                for st in lp["stops"]:
                    if not st["tubes"]:
                        continue
                    at = test_time(ready)
                    if at is None:
                        out.append(f"unit {st['unit']}: the box picked up at {hm(st['time'])} has no shuttle to the "
                                   "lab")
                    elif at - st["earliest_swab"] > limit + 1e-6:
                        out.append(f"unit {st['unit']}: samples from {hm(st['earliest_swab'])} {word} at "
                                   f"{hm(at)}, {at - st['earliest_swab']:.0f} min, over the {words}")
    for team in plan["staffing"]["home_teams"]:
        for a, b in team["trips"]:
            times = [t for _, t in team["stops"] if a <= t <= b]
            at = test_time(b + h)
            if times and (at is None or at - min(times) > limit + 1e-6):
                out.append(f"home-visit team {team['team']}: samples from {hm(min(times))} are over the {words}")
    return out
