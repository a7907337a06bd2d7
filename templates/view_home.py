"""Home-visit team sheets: one per team — its trips, the ordered stops, where the samples go, its meal.

Part of the printed set's view model (:mod:`natplan.templates.views`).
"""
from __future__ import annotations

import math
from typing import Any

from natplan.models.plan import HomeTeam, Plan
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t
from natplan.templates.views import Index, destination, hm, span

NOON = 12 * 60


def next_shuttle(plan: Plan, minute: int):
    """The first shuttle trip that leaves the station at or after *minute* (None when there is none)."""
    later = [x for x in plan.routing.shuttles.trips if x.depart >= minute]
    return min(later, key=lambda x: (x.depart, x.vehicle)) if later else None


def team_meal(team: HomeTeam, meal_min: int, lang: str) -> str:
    """The team's meal: the plan's, when it has one (``meal``: start and end), else the break between
    two trips nearest noon, with the trips after it moved on by the meal's length."""
    planned = getattr(team, "meal", None)
    if planned:
        return t("team_meal_planned_fmt", lang).format(time=span(planned[0], planned[1]))
    if len(team.trips) < 2 or meal_min == 0:
        return t("team_meal_after_fmt", lang).format(time=hm(team.end))
    k = min(range(len(team.trips) - 1), key=lambda i: (abs(team.trips[i][1] - NOON), i))
    back = team.trips[k][1]
    return t("team_meal_fmt", lang).format(n=k + 1, time=span(back, back + meal_min), m=meal_min,
                                           end=hm(team.end + meal_min))


def home_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One sheet per home-visit team: trips of ordered stops (time window, village, grid, household,
    need, minutes driven from the previous place), and after each trip where and when its samples go."""
    ix = ix or Index(plan, scenario)
    p = scenario.parameters
    dest = destination(scenario, lang)
    out = []
    for team in plan.staffing.home_teams:
        trips = []
        n = 0
        for k, (leave, back) in enumerate(team.trips, 1):
            stops, here_free = [], leave
            for sid, minute in team.stops:
                if not leave <= minute <= back:
                    continue
                n += 1
                sp = ix.specials.get(sid)
                grid = sp.grid if sp else ""
                village = ix.village_of_grid.get(grid)
                stops.append({
                    "n": n, "id": sid, "window": span(minute, minute + p.home_visit_service_min),
                    "village": village.name if village else "", "grid": ix.grid_name(grid),
                    "household": str(getattr(sp, "household", None) or ""),
                    "need": t("cat_" + sp.category.value, lang) if sp else "",
                    "drive": t("drive_fmt", lang).format(m=max(0, minute - here_free)),
                })
                here_free = minute + p.home_visit_service_min
            if not stops:
                continue
            tubes = math.ceil(len(stops) / p.pooling_ratio)
            shuttle = next_shuttle(plan, back)
            samples = t("team_samples_fmt", lang).format(time=hm(back), place=ix.place_name(team.returns_to),
                                                         tubes=tubes, people=len(stops))
            if shuttle is not None:
                samples += t("team_shuttle_fmt", lang).format(time=hm(shuttle.depart), vehicle=shuttle.vehicle,
                                                              dest=dest["name"], arrive=hm(shuttle.arrive))
            trips.append({"n": k, "leave": hm(leave), "back": hm(back), "stops": stops, "samples": samples})
        out.append({
            "team": team.team, "start": hm(team.start), "end": hm(team.end), "people": len(team.stops),
            "trips": trips, "meal": team_meal(team, p.meal_break_min, lang),
            "station": scenario.station.name,
        })
    return out
