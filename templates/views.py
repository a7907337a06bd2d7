"""The printed set's view model: (Plan, Scenario, language) → plain data, every word final.

Both faces of the set read this one model and only lay it out: the print
template (``print/plan.typ``, Typst, for ``rosters.pdf``) and the screen
template (``screen.html``, Jinja, for ``index.html``), so a figure is worked
out once and both show the same text.  Every value here is JSON data
(strings, numbers, lists, dicts); times are already clock strings, hours
``h:mm``, labels in the set's language.

One function per document, in its own module:

* :func:`overview_view` (here) — headline times, KPIs, warnings, the group timetable;
* :func:`notes_view` (here) — the planner's last page (方案说明): solver methods, gaps, bounds;
* :func:`natplan.templates.view_units.roster_view` — one roster per open unit;
* :func:`natplan.templates.view_home.home_view` — one sheet per home-visit team;
* :func:`natplan.templates.view_routes.route_view` — courier and shuttle sheets, handover sheets;
* :func:`natplan.templates.view_notices.notice_view` — one notice per village.

Fields that the staffing and courier planners may add to the plan later are
read with ``getattr(..., default)`` in the one place that needs them, so a
new field shows up on the sheets by changing that place only.
Special-needs people appear by id and category only — never by name.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from natplan.models.clock import format_clock
from natplan.models.plan import Plan
from natplan.models.scenario import ROLE_ZH, Role, Scenario, age_limit_min
from natplan.templates.i18n import LABELS, t
from natplan.templates.messages import method_text, warning_text

ROLE_EN = {
    Role.lead: "Lead",
    Role.sampler: "Sampler",
    Role.registrar: "Registrar",
    Role.order_keeper: "Order keeper",
    Role.disinfector: "Disinfector",
}


def role_label(role: str, lang: str) -> str:
    """A role's name in *lang* (an unknown role as it is)."""
    try:
        r = Role(role)
    except ValueError:
        return role
    return ROLE_EN[r] if lang == "en" else ROLE_ZH[r]


def hm(minute: float | None) -> str:
    """A clock time, "08:30" ("" for None)."""
    return format_clock(minute)


def span(a: float | None, b: float | None) -> str:
    """"08:00–08:30" (an en dash, the same in both languages)."""
    return f"{format_clock(a)}–{format_clock(b)}"


def duration(minutes: float) -> str:
    """Minutes as hours and minutes: 195 → "3:15"."""
    m = int(round(minutes))
    return f"{m // 60}:{m % 60:02d}"


def households_label(rng: tuple[int, int] | list[int], lang: str) -> str:
    """A household range: "第1–30户" / "no. 1–30"."""
    return t("hh_fmt", lang).format(a=rng[0], b=rng[1])


def load_label(tubes: int, boxes: int, lang: str) -> str:
    """"5管 / 1箱" / "5 tubes / 1 box"."""
    return t("load_fmt", lang).format(tubes=tubes, boxes=boxes)


@dataclass
class Index:
    """Lookups over a plan and its scenario, built once per render."""

    plan: Plan
    scenario: Scenario

    @cached_property
    def units(self):
        return {u.id: u for u in self.scenario.units}

    @cached_property
    def grids(self):
        return {g.id: g for v in self.scenario.villages for g in v.grids}

    @cached_property
    def village_of_grid(self):
        return {g.id: v for v in self.scenario.villages for g in v.grids}

    @cached_property
    def groups(self):
        return {g.id: g for g in self.scenario.groups}

    @cached_property
    def specials(self):
        return {sp.id: sp for sp in self.scenario.special_needs}

    @cached_property
    def zone_of_unit(self):
        return {u: z for z in self.scenario.zones for u in z.units}

    @cached_property
    def zone_color(self) -> dict[str, str]:
        from natplan.templates.town_map import zone_colors

        return zone_colors([z.id for z in self.scenario.zones])

    @cached_property
    def unit_day(self):
        return {d.unit: d for d in self.plan.units}

    @cached_property
    def open_units(self) -> list[str]:
        """Open units in scenario order."""
        return [u.id for u in self.scenario.units if u.id in self.unit_day]

    @cached_property
    def main_unit_of_grid(self) -> dict[str, str]:
        """The unit of each grid (of its biggest part when a grid is split)."""
        best: dict[str, tuple[int, str]] = {}
        for p in self.plan.assignment.parts:
            if p.grid not in best or p.people > best[p.grid][0]:
                best[p.grid] = (p.people, p.unit)
        return {g: u for g, (_, u) in best.items()}

    @cached_property
    def slots_by_unit(self):
        out = defaultdict(list)
        for s in sorted(self.plan.slots, key=lambda s: (s.start, s.grid, s.households[0])):
            out[s.unit].append(s)
        return out

    @cached_property
    def pickups_by_unit(self):
        """unit → [(pickup, vehicle, loop number)] in time order."""
        out = defaultdict(list)
        for z in self.plan.routing.zones:
            for r in z.routes:
                for n, loop in enumerate(r.loops, 1):
                    for p in loop.stops:
                        out[p.unit].append((p, r.vehicle, n))
        for v in out.values():
            v.sort(key=lambda x: (x[0].time, x[1]))
        return out

    @cached_property
    def home_stop(self) -> dict[str, tuple[str, int]]:
        """special id → (team, clock minute)."""
        out = {}
        for team in self.plan.staffing.home_teams:
            for sid, minute in team.stops:
                out[sid] = (team.team, minute)
        return out

    @cached_property
    def vehicle_names(self) -> dict[str, str]:
        return {v.id: v.name for z in self.scenario.zones for v in z.fleet()} | {
            v.id: v.name for v in self.scenario.station.vehicles}

    def unit_name(self, uid: str | None) -> str:
        u = self.units.get(uid)
        return u.name if u else (uid or "")

    def grid_name(self, gid: str) -> str:
        g = self.grids.get(gid)
        return g.name if g else gid

    def place_name(self, pid: str) -> str:
        """A unit's or the station's name (home-visit samples go to either)."""
        if pid == self.scenario.station.id:
            return self.scenario.station.name
        return self.unit_name(pid)


def scenario_title(s: Scenario, lang: str) -> str:
    if lang == "en" and s.region.name_en:
        return s.region.name_en
    return s.name


KNOWN_CREDITS = {"Synthetic boundary (not surveyed)": "credit_synthetic"}
"""Map credits natplan's generators write, by the key of their words in each language."""


def credit(own: str | None, lang: str) -> str:
    """A map credit in *lang*: OpenStreetMap's (with its ODbL licence when the original names it) for none or
    one that names OpenStreetMap, the words of a credit natplan writes (:data:`KNOWN_CREDITS`), or else the
    text as given."""
    own = own or ""
    if not own or "OpenStreetMap" in own:
        return t("osm_credit", lang) + (t("odbl", lang) if "ODbL" in own else "")
    return t(KNOWN_CREDITS[own], lang) if own in KNOWN_CREDITS else own


def attribution(s: Scenario, lang: str) -> str:
    """The map credit of the town's maps, in the set's language (:func:`credit`)."""
    return credit(s.region.attribution, lang)


def common_view(plan: Plan, scenario: Scenario, lang: str, printed_at: str) -> dict[str, Any]:
    """What every page needs: names, dates, the print time, and every label in *lang* (``L``)."""
    return {
        "lang": lang,
        "html_lang": "en" if lang == "en" else "zh-CN",
        "scenario_name": scenario_title(scenario, lang),
        "round_date": scenario.parameters.date,
        "printed_at": printed_at,
        "printed_label": f"{t('printed_at', lang)} {printed_at}",
        "title": f"{scenario_title(scenario, lang)} {scenario.parameters.date} {t('doc_title', lang)}",
        "attribution": attribution(scenario, lang),
        "L": {key: pair[1] if lang == "en" else pair[0] for key, pair in LABELS.items()},
    }


def instruction(scenario: Scenario, key: str, lang: str) -> str:
    """A short fixed text of the sheets (``courier_late``, ``missed_slot`` ...): the scenario's own
    (``instructions``), or natplan's in *lang*."""
    own = getattr(scenario.instructions, key, None) if scenario.instructions is not None else None
    return own or t("ins_" + key, lang)


def destination(scenario: Scenario, lang: str) -> dict[str, Any]:
    """Where the shuttles go: the lab, or a city transfer point (by the scenario's flag, else its name)."""
    lab = scenario.lab
    transfer = lab.transfer_point if lab.transfer_point is not None else "转运" in lab.name
    return {"name": lab.name, "address": lab.address or "", "transfer": transfer,
            "kind": t("transfer_point" if transfer else "lab_only", lang)}


# ------------------------------------------------------------------ headline times
def headline_times(plan: Plan, scenario: Scenario, lang: str) -> list[dict[str, Any]]:
    """The round's four ends, each on its own line: walk-in sampling done, home visits done, the last
    sample at the lab (or transfer point), and all results (the lab's queue at its capacity)."""
    p = scenario.parameters
    k = plan.kpis
    teams = plan.staffing.home_teams
    home_done = max((m + p.home_visit_service_min for team in teams for _, m in team.stops), default=None)
    carried = [x for x in plan.routing.shuttles.trips if x.tubes]
    at_lab = max((x.arrive for x in carried), default=None)
    dest = destination(scenario, lang)
    rows = [
        {"label": t("done_walk_in", lang), "value": hm(k.finish), "alert": k.finish > p.deadline,
         "note": f"{t('deadline', lang)} {hm(p.deadline)}"},
        {"label": t("done_home", lang), "value": hm(home_done) if home_done is not None else t("none", lang),
         "alert": home_done is not None and home_done > p.deadline,
         "note": t("home_teams_fmt", lang).format(n=len(teams))},
        {"label": t("done_at_lab", lang).format(kind=dest["kind"]), "value": hm(at_lab), "alert": False,
         "note": dest["name"]},
    ]
    tested = [x.tested for x in carried if getattr(x, "tested", None) is not None]
    if scenario.lab.tubes_per_hour and carried:
        if tested:  # the plan has the lab's queue already
            done = max(tested)
        else:
            from natplan.scheduler.city import lab_queue

            done, _ = lab_queue([(x.arrive, x.tubes) for x in carried], scenario.lab.tubes_per_hour)
        rows.append({"label": t("done_results", lang), "value": hm(done), "alert": False,
                     "note": t("lab_rate_fmt", lang).format(n=scenario.lab.tubes_per_hour)})
    else:
        rows.append({"label": t("done_results", lang), "value": "—", "alert": False,
                     "note": t("lab_rate_missing", lang)})
    return rows


# ------------------------------------------------------------------ overview
def overview_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> dict[str, Any]:
    """Headline times, KPIs (no solver figures: those are on the notes page), warnings, the group timetable."""
    ix = ix or Index(plan, scenario)
    k, p, s = plan.kpis, scenario.parameters, scenario
    mins, metres = t("minutes", lang), t("metres", lang)
    available = sum(z.vehicles_available for z in plan.routing.zones)
    fleet_use = plan.routing.fleet
    if fleet_use is not None:  # the zones' vehicles and the station's that the shuttles leave free
        available = fleet_use.available - len(fleet_use.shuttle_vehicles)
    sh = plan.routing.shuttles
    rows = [
        ("people", f"{k.people:,}", ""),
        ("walk_in", f"{k.walk_in:,}", ""),
        ("home_visits", f"{k.home_visits:,}", t("home_teams_fmt", lang).format(n=len(plan.staffing.home_teams))),
        ("units_open", f"{k.units_open} / {len(s.units)}", ""),
        ("groups_used", f"{k.groups_used} / {len(s.groups)}", ""),
        ("peak_queue", f"{k.peak_queue:.0f}", f"{t('waiting_room', lang)} ≤ {min(u.waiting_room for u in s.units)}"),
        ("worst_age", "" if k.worst_sample_age_min is None else f"{k.worst_sample_age_min:.0f} {mins}",
         f"{t('age_limit', lang)} {p.sample_age_limit_min} {mins}" + _kept_for_queue(s, lang)),
        ("courier_vehicles", f"{k.courier_vehicles or 0} / {available}", ""),
        ("shuttle_vehicles", f"{sh.vehicles_used} / {len(s.station.vehicles)}",
         t("every_min", lang).format(n=sh.cadence_min)),
        ("walk_mean", f"{k.walk_mean_m:,.0f} {metres}", ""),
        ("walk_max", f"{k.walk_max_m:,.0f} {metres}", f"≤ {p.max_walk_m:,} {metres}"),
    ]
    alerts = {"courier_vehicles": (k.courier_vehicles or 0) > available or bool(fleet_use and fleet_use.extra),
              "worst_age": (k.worst_sample_age_min or 0) > age_limit_min(s)}
    kpis = [{"label": t(key, lang), "value": value, "note": note, "alert": alerts.get(key, False)}
            for key, value, note in rows]
    fleet = fleet_view(plan, scenario, lang)
    kpis += fleet["rows"]  # vehicles used, units by interval, what strict loops would need

    by_group = defaultdict(list)
    for v in plan.staffing.visits:
        by_group[v.group].append(v)
    timetable = []
    for g in s.groups:
        visits = sorted(by_group.get(g.id, []), key=lambda v: v.arrive)
        if visits:
            timetable.append({"id": g.id, "name": g.name, "size": len(g.members), "stays": [{
                "unit": v.unit, "unit_name": ix.unit_name(v.unit),
                "arrive": hm(v.arrive), "open": hm(v.open), "close": hm(v.close), "leave": hm(v.leave),
            } for v in visits]})
    return {"headline": headline_times(plan, scenario, lang), "kpis": kpis, "timetable": timetable,
            "warnings": [warning_text(w, lang, i) for i, w in enumerate(plan.warnings)], "fleet": fleet}


def _kept_for_queue(s: Scenario, lang: str) -> str:
    """What of the age limit a township keeps for a lab it shares with others (set by the city), in words; ""
    when nothing."""
    every, home = s.lab.shared_queue_min or 0, s.lab.shared_queue_home_min or 0
    if not every and not home:
        return ""
    more = t("kept_home", lang).format(n=home) if home > every else ""
    return t("kept_for_queue", lang).format(n=every, home=more)


# ------------------------------------------------------------------ the courier fleet
def fleet_choice_text(c, plan: Plan, scenario: Scenario, lang: str) -> str:
    """One thing the courier plan does because strict loops do not fit the vehicles, and why, in words
    (a :class:`natplan.models.plan.FleetChoice`)."""
    zones = {z.id: z for z in scenario.zones}
    sep = t("list_sep", lang)
    fleet = plan.routing.fleet
    zone = zones.get(c.zone)
    base = zone.interval_min if zone else 0
    words = {"zone": c.zone, "zone_name": zone.name if zone else c.zone, "vehicles": sep.join(c.vehicles) or "—",
             "units": sep.join(c.units), "at": hm(c.at), "needed": c.needed, "have": c.have, "to_zone": c.to_zone,
             "interval": c.interval_min, "base": base, "loop": c.loop_min, "point": c.meeting_point,
             "h": scenario.fleet.station_handover_min, "limit": scenario.parameters.sample_age_limit_min}
    if c.kind == "interval" and c.reason == "short" and fleet is not None:
        words.update(needed=fleet.strict_needed, have=fleet.available)
    key = {"lend": "fleet_lend", "move": "fleet_move"}.get(c.kind, f"fleet_{c.kind}_{c.reason}")
    return t(key, lang).format(**words)


def fleet_view(plan: Plan, scenario: Scenario, lang: str) -> dict[str, Any]:
    """The fleet on the overview: what strict loops would need, units by interval, and every choice in words."""
    f = plan.routing.fleet
    if f is None:
        return {"title": t("fleet_title", lang), "strict": "", "choices": [], "rows": []}
    interval = min((z.interval_min for z in scenario.zones), default=30)
    strict = ""
    if f.strict_needed is not None:
        more = f.strict_needed - f.available
        strict = (t("strict_short_fmt", lang).format(interval=interval, n=f.strict_needed, m=more) if more > 0
                  else t("strict_fits_fmt", lang).format(interval=interval, n=f.strict_needed))
    sep = t("list_sep", lang)
    every = sep.join(t("every_count_fmt", lang).format(n=k, k=n) for k, n in f.units_by_interval.items())
    used_note = t("fleet_used_note", lang).format(shuttles=sep.join(f.shuttle_vehicles) or "—",
                                                  lent=sep.join(f.lent) or "—")
    if f.extra:
        used_note += "；" if lang != "en" else "; "
        used_note += t("fleet_extra_note", lang).format(n=f.extra)
    rows = [
        {"label": t("fleet_used", lang), "value": f"{f.used} / {f.available}", "note": used_note,
         "alert": f.used > f.available or f.extra > 0},
        {"label": t("units_by_interval", lang), "value": every, "note": "", "alert": False},
    ]
    if f.strict_needed is not None:
        rows.append({"label": t("strict_need", lang), "value": str(f.strict_needed), "note": strict,
                     "alert": False})
    choices = [fleet_choice_text(c, plan, scenario, lang) for c in f.choices] or [t("fleet_none", lang)]
    return {"title": t("fleet_title", lang), "strict": strict, "choices": choices, "rows": rows}


def fleet_notes(plan: Plan, scenario: Scenario, lang: str, zone: str, vehicle: str, units: list[str]) -> list[str]:
    """The fleet choices that concern one route sheet: its zone's lending of this vehicle, and its units'."""
    f = plan.routing.fleet
    if f is None:
        return []
    mine = set(units)
    out = []
    for c in f.choices:
        if (c.kind == "lend" and c.zone == zone and vehicle in c.vehicles) or (
                c.kind in ("interval", "move") and mine & set(c.units)) or (
                c.kind == "relay" and (c.zone == zone or vehicle in c.vehicles)):
            out.append(fleet_choice_text(c, plan, scenario, lang))
    return out


# ------------------------------------------------------------------ the planner's notes
def _gap(stats, lang: str) -> str:
    text = f"{stats.gap * 100:.2f}%"
    return f"{text}（{t('optimal', lang)}）" if stats.optimal and lang != "en" else (
        f"{text} ({t('optimal', lang)})" if stats.optimal else text)


def notes_view(plan: Plan, scenario: Scenario, lang: str) -> dict[str, Any]:
    """The last page, for the planner: how each part was solved and how far from proven best it may be."""
    k, sh = plan.kpis, plan.routing.shuttles
    rows = [
        {"label": t("gap_assign", lang), "value": _gap(plan.assignment.stats, lang),
         "note": method_text(plan.assignment.stats.method, lang)},
        {"label": t("gap_staff", lang), "value": _gap(plan.staffing.stats, lang),
         "note": method_text(plan.staffing.stats.method, lang)},
        {"label": t("gap_route", lang), "value": _gap(plan.routing.stats, lang),
         "note": method_text(plan.routing.stats.method, lang)},
        {"label": t("bound", lang), "value": hm(k.bound), "note": f"{t('finish_ratio', lang)} {k.finish_ratio:.2f}"},
        {"label": t("courier_lower_bound", lang), "value": f"{plan.routing.stats.bound:.0f}",
         "note": t("needed_fmt", lang).format(n=k.courier_vehicles or 0)},
        {"label": t("fewest_shuttles", lang), "value": str(sh.fewest_vehicles),
         "note": t("used_fmt", lang).format(n=sh.vehicles_used)},
    ]
    return {"rows": rows, "seed": plan.seed, "sha": plan.scenario_sha256[:12], "version": plan.natplan_version}


def all_views(plan: Plan, scenario: Scenario, lang: str, printed_at: str) -> dict[str, Any]:
    """The whole set's view model (both templates read it)."""
    from natplan.templates.view_home import home_view
    from natplan.templates.view_notices import notice_view
    from natplan.templates.view_routes import handover_view, route_view
    from natplan.templates.view_units import roster_view

    ix = Index(plan, scenario)
    return {
        **common_view(plan, scenario, lang, printed_at),
        "overview": overview_view(plan, scenario, lang, ix),
        "rosters": roster_view(plan, scenario, lang, ix),
        "teams": home_view(plan, scenario, lang, ix),
        "routes": route_view(plan, scenario, lang, ix),
        "handovers": handover_view(plan, scenario, lang, ix),
        "notices": notice_view(plan, scenario, lang, ix),
        "notes": notes_view(plan, scenario, lang),
    }
