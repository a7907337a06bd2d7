"""Village notices: one per village — where to go and when by household range, what to do before
coming and after missing a slot, whom to call; and the same notice as plain text for the village's
WeChat group and its QR code (which holds the schedule and the phone: the
fixed instructions are printed beside it, and a shorter text gives a QR code
a phone reads off a posted sheet).

Part of the printed set's view model (:mod:`natplan.templates.views`).  No
internal code (V01, G001) is printed: residents know their village and
grid by name.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t
from natplan.templates.views import Index, households_label, instruction, span

def notice_file(village_id: str, name: str) -> str:
    """The notice's file name in ``notices/`` (no extension): id and name, safe on any file system."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", f"{village_id}_{name}")


# The most a notice's QR code holds: the bytes of a version-25 code at error level M (117 modules a side,
# which a phone reads off a posted sheet). A longer schedule is shortened (see :func:`qr_text`).
QR_MAX_BYTES = 1199


def notice_text(v: dict[str, Any], round_date: str, lang: str, full: bool = True, detail: bool = True) -> str:
    """The notice as plain text for a WeChat group (*full*), or its schedule alone (for a QR code); without
    *detail* each grid's times are given as one span, without the household ranges."""
    L = lambda key: t(key, lang)  # noqa: E731
    sep = ": " if lang == "en" else "："
    lines = [f"{L('wechat_head_l')}{v['name']} {L('notice')}{L('wechat_head_r')} {round_date}", L("notice_intro")]
    for r in v["rows"]:
        where = r["unit"] + (f" ({r['address']})" if lang == "en" and r["address"] else
                             f"（{r['address']}）" if r["address"] else "")
        if detail:
            lines.append(f"{r['grid']}{sep}{where}")
            lines += [f"  {x}" for x in r["lines"]]
        else:
            first, last = r["lines"][0].split(" ")[0], r["lines"][-1].split(" ")[0]
            lines.append(f"{r['grid']} {first.split('–')[0]}–{last.split('–')[1]} {where}")
    if full:
        lines += [f"{L('before_you_come')}{sep}{v['before']}", f"{L('missed_slot')}{sep}{v['missed']}"]
    if v["phone"]:
        lines.append(f"{L('cadre_phone')}{sep}{v['phone']}")
    return "\n".join(lines) + "\n"


def notice_view(plan: Plan, scenario: Scenario, lang: str, ix: Index | None = None) -> list[dict[str, Any]]:
    """One notice per village: for each of its grids (and unit), the times by household range."""
    ix = ix or Index(plan, scenario)
    slots_by_grid = defaultdict(list)
    for s in plan.slots:
        slots_by_grid[s.grid].append(s)
    before, missed = instruction(scenario, "before_you_come", lang), instruction(scenario, "missed_slot", lang)
    out = []
    for v in scenario.villages:
        rows = []
        for g in v.grids:
            by_unit: dict[str, list] = {}
            for s in sorted(slots_by_grid.get(g.id, []), key=lambda s: (s.start, s.households[0])):
                by_unit.setdefault(s.unit, []).append(s)
            for unit, slots in by_unit.items():
                rows.append({
                    "grid": g.name, "unit": ix.unit_name(unit),
                    "address": getattr(ix.units.get(unit), "address", None) or "",
                    "lines": [f"{span(s.start, s.end)} {households_label(s.households, lang)}" for s in slots],
                })
        n_lines = sum(len(r["lines"]) for r in rows)
        notice = {"id": v.id, "name": v.name, "file": notice_file(v.id, v.name), "grids": [g.name for g in v.grids],
                  "rows": rows, "phone": v.contact_phone or "", "before": before, "missed": missed,
                  "size": "small" if n_lines > 16 else ("medium" if n_lines > 11 else "large")}
        notice["text"] = notice_text(notice, scenario.parameters.date, lang)
        notice["qr_text"] = qr_text(notice, scenario.parameters.date, lang)
        out.append(notice)
    return out



def qr_text(notice: dict[str, Any], round_date: str, lang: str) -> str:
    """What the notice's QR code holds: its schedule by household range; for a village too big for that
    (:data:`QR_MAX_BYTES`), each grid's times as one span; for a still bigger one, the head and the phone."""
    for detail in (True, False):
        text = notice_text(notice, round_date, lang, full=False, detail=detail)
        if len(text.encode("utf-8")) <= QR_MAX_BYTES:
            return text
    head = notice_text({**notice, "rows": []}, round_date, lang, full=False)
    return head[:QR_MAX_BYTES // 3]
