"""``natplan replan PLAN --scenario S --events E -o OUT``: re-plan the rest of a round after events.

Reads the plan being carried out, its scenario and the events file
(:mod:`natplan.models.events`), re-plans the rest of the day
(:func:`natplan.scheduler.replan.replan`) and writes OUT all at once
(:class:`natplan.outfolder.OutputFolder`): the new ``plan.json`` (with its
events; ``natplan verify`` checks it by the re-plan rules too) and
``plan.xlsx``, ``changes.txt`` (the change list: who must be told, which
sheets to print again, which vehicles change their loop), ``changes.pdf``
(the change list, then only the sheets that changed: the overview and the
shuttle sheets too when they did) and ``notices/`` (the new notice of
each village that gets one, for its WeChat group, with its QR code).
``--full-set`` also lays out the whole printed set, as ``natplan plan``
does (``natplan print OUT`` does it later).  A round that
cannot be re-planned is one line per broken rule with its fix on standard
error, and exit 2.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from natplan.cli.plan import explain
from natplan.models.clock import format_clock as hm
from natplan.models.events import (
    GroupShort,
    LabSlow,
    MorePeople,
    PositivePool,
    UnitClosed,
    VehicleOut,
)
from natplan.models.problems import InputError
from natplan.outfolder import OutputFolder
from natplan.planfile import plan_json, read_plan_json


def replan_command(args) -> int:
    """``natplan replan``: load, check, re-plan, write OUT, print the change list."""
    import time

    from pydantic import ValidationError
    from rich.console import Console

    from natplan.models.events import load_events
    from natplan.models.loader import load_scenario
    from natplan.models.replan import plan_model
    from natplan.routing.network import TRAVEL
    from natplan.scheduler.replan import event_problems, replan

    console = Console(stderr=True, highlight=False)
    folder = OutputFolder(Path(args.output), force=args.force)
    folder.check()  # before anything is solved
    started = time.perf_counter()
    loaded = load_scenario(args.scenario, travel=TRAVEL)
    display = str(args.plan)
    data = read_plan_json(args.plan)
    if isinstance(data, dict) and data.get("kind") == "city":
        raise InputError.single(display, "a city plan: re-plan one township (townships/<id>/plan.json with "
                                         "--scenario townships/<id>/scenario.yaml)")
    try:
        plan = plan_model(data)
    except (ValidationError, TypeError) as e:
        raise InputError.single(display, f"not a natplan plan ({str(e).splitlines()[0]})") from None
    if plan.scenario_sha256 != loaded.digest:
        raise InputError.single(display, f"made from a different version of {args.scenario}; re-plan with the "
                                         f"scenario the plan was made from")
    events = load_events(args.events, loaded.scenario, plan)
    bad = event_problems(loaded.scenario, plan, events.events)
    if bad:
        raise InputError(str(args.events), [events.problem(i, f, m).problems[0] for i, f, m in bad])
    base = hashlib.sha256(Path(args.plan).read_bytes()).hexdigest()
    with console.status("natplan: replan"):
        outcome = replan(loaded.scenario, plan, events.events, base_sha256=base, events_sha256=events.digest)
    for w in outcome.warnings[len(plan.warnings):]:
        console.print(f"warning: {w}")
    if outcome.plan is None:
        for e in outcome.problems:
            print(explain(str(args.events), e), file=sys.stderr)
        return 2
    new = outcome.plan
    text = change_list(loaded.scenario, plan, new, outcome.changes, args.lang)
    files = {"plan.json": plan_json(new), "changes.txt": text.encode("utf-8")}
    with console.status("natplan: render"):
        files.update(render(new, loaded, outcome.changes, args.lang, args.full_set, before=plan, text=text))
    folder.write(files)
    print(text, end="")
    print(f"{args.output}: {', '.join(sorted(files))} ({time.perf_counter() - started:.1f} s)")
    return 0


def render(plan, loaded, changes, lang: str, full: bool, before=None, text: str = "") -> dict[str, bytes]:
    """plan.xlsx, changes.pdf (the change list, then the changed sheets only) and the new notices of the villages
    that get one (``notices/``); with ``full`` the whole set too.

    Parameters
    ----------
    plan
        The re-planned plan.
    loaded
        The scenario file, loaded.
    changes
        What changed (:func:`natplan.scheduler.replan.changes.changes`).
    lang
        "zh" or "en".
    full
        Lay out the whole set too (rosters.pdf, index.html, notices of every village).
    before
        The plan it changed: its overview page is printed again only when it differs (None: always).
    text
        The change list (:func:`change_list`), the first page of changes.pdf.

    Returns
    -------
    dict[str, bytes]
        File name → bytes.
    """
    from natplan.templates.excel import plan_xlsx
    from natplan.templates.outputs import notice_files, now_printed_at, print_data, render_outputs
    from natplan.templates.typeset import typeset
    from natplan.templates.views import overview_view

    printed_at = now_printed_at()
    data = print_data(plan, loaded.scenario, loaded.geometry, lang, printed_at)
    overview = before is None or overview_view(before, loaded.scenario, lang) != data["overview"]
    changed = changed_sheets(data, changes, overview, text)
    out = {"changes.pdf": typeset(changed), **notice_files(changed)}
    if full:
        files, _ = render_outputs(plan, loaded.scenario, loaded.geometry, lang=lang, printed_at=printed_at)
        out.update(files)
    else:
        out["plan.xlsx"] = plan_xlsx(plan, loaded.scenario, lang, views=data)
    return out


def changed_sheets(data: dict, changes, overview: bool = True, text: str = "") -> dict:
    """The view model of changes.pdf: the change list first (``text``, its first line the title), then only the
    sheets that changed: the overview when ``overview``, rosters of changed units, route and handover sheets of
    changed couriers, the shuttle sheets when a trip changed, notices of villages with new slots; never the
    home-visit sheets (a re-plan keeps them) or the planner's notes."""
    units, couriers, villages = set(changes.units), set(changes.couriers), set(changes.villages)
    out = {k: v for k, v in data.items() if k not in ("overview", "notes")}
    if overview:
        out["overview"] = data["overview"]
    if text:
        title, *lines = text.splitlines()
        out["changes"] = {"title": title, "section": word("section", data["lang"]),
                          "lines": [{"indent": len(x) - len(x.lstrip(" ")), "text": x.strip()} for x in lines]}
    out["rosters"] = [r for r in data["rosters"] if r["id"] in units]
    out["routes"] = {k: v for k, v in data["routes"].items() if k != "shuttles" or changes.shuttles}
    out["routes"]["sheets"] = [r for r in data["routes"]["sheets"] if r["vehicle"] in couriers]
    out["handovers"] = [h for h in data["handovers"] if h["vehicle"] in couriers]
    out["notices"] = [n for n in data["notices"] if n["id"] in villages]
    out["teams"] = []
    return out


# ------------------------------------------------------------------------------------------- words

def word(key: str, lang: str, **kw) -> str:
    """The change list's phrase ``replan_<key>`` (:mod:`natplan.templates.i18n`) in ``lang``, filled in."""
    from natplan.templates.i18n import t

    return t(f"replan_{key}", lang).format(**kw)


def _event_line(e, lang: str) -> str:
    if isinstance(e, UnitClosed):
        text = word("unit_closed", lang, unit=e.unit) + (word("reopens", lang, t=hm(e.until)) if e.until else "")
    elif isinstance(e, VehicleOut):
        text = word("vehicle_out", lang, vehicle=e.vehicle) + (word("back", lang, t=hm(e.until)) if e.until else "")
    elif isinstance(e, GroupShort):
        text = word("group_short", lang, group=e.group, members=("、" if lang != "en" else ", ").join(e.members))
    elif isinstance(e, LabSlow):
        text = word("lab_slow", lang, n=e.tubes_per_hour) + (word("until", lang, t=hm(e.until)) if e.until else "")
    elif isinstance(e, MorePeople):
        text = word("more_people", lang, grid=e.grid, n=e.people)
    else:
        assert isinstance(e, PositivePool)
        text = word("positive_pool", lang, unit=e.unit, tube=e.tube)
    return f"  {hm(e.at)} {text}" + (f"（{e.note}）" if e.note and lang != "en" else f" ({e.note})" if e.note else "")


def change_list(s, before, after, changes, lang: str = "zh") -> str:
    """The change list in words: the events, who must be told, the sheets to print again, the vehicles whose
    loops change, retests, the lab, and the round's finish before and after.

    Parameters
    ----------
    s
        The scenario.
    before, after
        The plan and its re-plan (:class:`natplan.models.replan.ReplannedPlan`).  When ``before`` is a re-plan
        itself, only this re-plan's events, rate changes, stand-ins and retests are listed.
    changes
        :func:`natplan.scheduler.replan.changes.changes`.
    lang
        "zh" (default) or "en".
    """
    r = after.replan
    was = getattr(before, "replan", None)  # a re-planned plan re-planned again: what it had stays unsaid

    def new(items, old_items):
        return [x for x in items if x not in old_items]

    rates = new(r.rates, was.rates if was else [])
    substitutes = new(r.substitutes, was.substitutes if was else [])
    retests = new(r.retests, was.retests if was else [])
    names = {v.id: v.name for v in s.villages} | {g.id: g.name for g in s.grids()} | {u.id: u.name for u in s.units}
    sep = ", " if lang == "en" else "、"

    def named(ids) -> str:
        return sep.join(f"{i} {names.get(i, '')}".strip() for i in ids) or word("none", lang)

    lines = [word("title", lang, town=s.region.name if lang != "en" else s.region.name_en or s.region.name,
                  cut=hm(r.cut), notice=r.notice_min), word("events", lang)]
    lines += [_event_line(e, lang) for e in r.new_events]
    lines.append(word("notices", lang, n=len(changes.villages)))
    village_of = {g.id: v.id for v in s.villages for g in v.grids}
    for vid in changes.villages:
        lines.append(f"  {vid} {names[vid]}")
        for gid, slots in changes.grid_slots.items():
            if village_of[gid] == vid:
                text = "; ".join(word("slot", lang, unit=x.unit, span=f"{hm(x.start)}–{hm(x.end)}",
                                      hh=word("hh", lang, a=x.households[0], b=x.households[1]), n=x.people)
                                 for x in slots)
                lines.append(f"    {gid} {names[gid]}: {text}")
    lines.append(word("moves", lang, n=sum(m.people for m in changes.moves)))
    lines += ["  " + word("move", lang, grid=f"{m.grid} {names[m.grid]}", n=m.people,
                          src=m.unit_from or word("new_people", lang), dst=m.unit_to) for m in changes.moves]
    lines.append(word("rosters", lang, n=len(changes.units)) + ": " + named(changes.units))
    lines.append(word("groups", lang, n=len(changes.groups)) + ": " + (sep.join(changes.groups) or word("none", lang)))
    lines += ["  " + word("rates", lang, unit=x.unit, t=hm(x.start), n=f"{x.rate_per_hour:.0f}", group=x.group)
              for x in rates]
    lines.append(word("couriers", lang, n=len(changes.couriers)) + ": "
                 + (sep.join(changes.couriers) or word("none", lang)))
    lines += ["  " + word("stand_in", lang, route=x.route, vehicle=x.vehicle, times=sep.join(hm(d) for d in x.departs))
              for x in substitutes]
    lines.append(word("shuttles", lang, cut=hm(r.cut), c=after.routing.shuttles.cadence_min) if changes.shuttles
                 else word("shuttles_same", lang))
    for x in retests:
        who = sep.join(f"{m.grid} " + word("hh", lang, a=m.households[0], b=m.households[1]) for m in x.members)
        how = word("home", lang) if x.mode == "home" else word(
            "at_unit", lang, unit=x.place, span=f"{hm(x.first_swab)}–{hm(x.last_swab)}")
        lines.append(word("retest", lang, unit=x.unit, tube=x.tube, n=x.people, who=who, how=how, team=x.team,
                          leave=hm(x.leave), lab=hm(x.lab_arrive)))
    for q in r.lab:
        lines.append(word("lab", lang, t=hm(q.start), n=q.tubes_per_hour, done=hm(q.done, missing="—"),
                          age=f"{q.worst_age_min:.0f}"))

    def age(x):
        return "—" if x is None else f"{x:.0f}"

    lines.append(word("finish", lang, a=hm(changes.finish[0]), b=hm(changes.finish[1]),
                      x=age(changes.worst_age_min[0]), y=age(changes.worst_age_min[1])))
    return "\n".join(lines) + "\n"
