"""Every printed output of a plan, as bytes, for the pipeline to write.

``files, warnings = render_outputs(plan, scenario, geometry, lang, printed_at)``
gives ``plan.xlsx``, ``rosters.pdf``, ``index.html`` and ``notices/`` (one
plain-text message per village, ready for its WeChat group, and its QR code
as SVG); ``plan.json`` is the pipeline's.

One view model (:func:`natplan.templates.views.all_views`) and one set of
pictures (:func:`natplan.templates.figures.figures`) feed both faces: Typst
lays out the PDF in a typesetting process of its own
(:mod:`natplan.templates.typeset`, whose fonts are already loaded), while
this process writes the workbook and the page for the screen.

Names the bundled font cannot print (rare hanzi) do not stop anything: they
are listed in ``warnings``.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

from natplan.models.plan import Plan
from natplan.models.scenario import Scenario
from natplan.templates.excel import plan_xlsx
from natplan.templates.render import environment, missing_glyphs
from natplan.templates.typeset import Typesetter, typesetter
from natplan.templates.views import all_views

CHINA = timezone(timedelta(hours=8))


def now_printed_at() -> str:
    """The print time shown on every page, China time to the minute: now, or SOURCE_DATE_EPOCH when set
    (so that a rerun gives the same pages).

    Raises
    ------
    InputError
        When SOURCE_DATE_EPOCH is set but is not a whole number of seconds
        from 1970 to 9999.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return datetime.now(CHINA).strftime("%Y-%m-%d %H:%M")
    try:
        if not (epoch.strip().isascii() and epoch.strip().isdigit()):
            raise ValueError(epoch)
        when = datetime.fromtimestamp(int(epoch), CHINA)
    except (ValueError, OverflowError, OSError):
        from natplan.models.problems import InputError

        raise InputError.single("SOURCE_DATE_EPOCH", f"must be a whole number of seconds since 1970-01-01 00:00 UTC, "
                                                     f"got {epoch[:40]!r}") from None
    return when.strftime("%Y-%m-%d %H:%M")


def glyph_warnings(scenario: Scenario) -> list[str]:
    """One warning per printed name with characters the bundled font lacks."""
    s = scenario
    named = [("town", s.name, s.name), ("station", s.station.id, s.station.name), ("lab", s.lab.id, s.lab.name)]
    named += [("village", v.id, v.name) for v in s.villages]
    named += [("grid", g.id, g.name) for v in s.villages for g in v.grids]
    named += [("unit", u.id, u.name) for u in s.units]
    named += [("group", g.id, g.name) for g in s.groups]
    named += [("member", g.id, m.name) for g in s.groups for m in g.members]
    named += [("zone", z.id, z.name) for z in s.zones]
    named += [("vehicle", v.id, v.name) for v in s.station.vehicles]
    out = []
    for kind, ident, text in named:
        missing = missing_glyphs(text)
        if missing:
            chars = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in sorted(missing))
            out.append(f"{kind} {ident} {text}: the bundled font cannot print {chars}; it shows as a blank box")
    return out


def print_data(plan: Plan, scenario: Scenario, geometry, lang: str, printed_at: str) -> dict[str, Any]:
    """The view model of the whole set with its pictures (``figures``): what both templates read."""
    from natplan.templates.figures import figures

    views = all_views(plan, scenario, lang, printed_at)
    views["figures"] = figures(plan, scenario, geometry, views)
    return views


def screen_html(data: dict[str, Any]) -> str:
    """``index.html``: the set for a phone or a screen, with the font subset to its own characters embedded."""
    from natplan.templates.webfont import embed_font

    return embed_font(environment().get_template("screen.html").render(**data))


def notice_files(data: dict[str, Any]) -> dict[str, bytes]:
    """``notices/<id>_<village>.txt`` (the message for the village's WeChat group) and ``.svg`` (its QR
    code) for every village."""
    out = {}
    for n in data["notices"]:
        out[f"notices/{n['file']}.txt"] = n["text"].encode("utf-8")
        out[f"notices/{n['file']}.svg"] = data["figures"]["qr"][n["id"]].encode("utf-8")
    return out


def render_pool() -> Typesetter:
    """A typesetting process for :func:`render_outputs` that loads Typst and the fonts as it starts: create
    it early (before solving) and that runs beside the solver; ``close()`` it when done."""
    return Typesetter()


def render_outputs(plan: Plan, scenario: Scenario, geometry=None, lang: str = "zh",
                   printed_at: str | None = None, *, pool=None) -> tuple[dict[str, bytes], list[str]]:
    """Render plan.xlsx, rosters.pdf, index.html and the notices.

    Parameters
    ----------
    plan, scenario
        The plan and the scenario it was made from.
    geometry
        The town boundary (``LoadedScenario.geometry``) for the maps, or None.
    lang
        "zh" (default) or "en": every word of the set; names stay as in the scenario.
    printed_at
        The print time shown on every page; default now (China time).
        Pass a fixed string for repeatable output.
    pool
        The typesetting process to lay the PDF out on (:func:`render_pool`, started early so that its fonts
        are loaded) while this process writes the rest; default: this process's own
        (:func:`natplan.templates.typeset.typesetter`).

    Returns
    -------
    (files, warnings)
        ``files`` maps file names (``notices/…`` inside a folder) to bytes; ``warnings`` lists names the
        bundled font cannot print.
    """
    printed_at = printed_at or now_printed_at()
    warnings = glyph_warnings(scenario)
    data = print_data(plan, scenario, geometry, lang, printed_at)
    pdf = (pool or typesetter()).submit(data)
    files = {"plan.xlsx": plan_xlsx(plan, scenario, lang, views=data),
             "index.html": screen_html(data).encode("utf-8"),
             **notice_files(data)}
    files["rosters.pdf"] = pdf.result()
    return files, warnings
