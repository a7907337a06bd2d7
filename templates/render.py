"""Rendering base for natplan's pages: the Jinja2 environment (the screen pages of the town set, the city
and the comparison) and the bundled fonts.

Every PDF natplan's commands write (rosters.pdf, changes.pdf, city.pdf,
compare.pdf) is laid out by Typst from the same fonts: see
:mod:`natplan.templates.typeset`.

* :func:`environment` / :func:`render_html` — Jinja2 on this folder, autoescaped,
  strict about undefined variables, with formatting filters only.
* :data:`FONT_FILES` — the bundled "natplan Noto Sans SC" fonts
  (``templates/fonts``), which Typst embeds (subset) in every PDF and
  :mod:`natplan.templates.webfont` embeds in the screen pages, so Chinese
  prints and shows on machines without any CJK font.
* :func:`register_matplotlib_font` — the same fonts for chart labels.
* :func:`missing_glyphs` — characters (rare hanzi in names...) the bundled
  font cannot show, so callers can warn before printing.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from pathlib import Path
from typing import Any

import jinja2

from natplan.models.clock import format_clock
from natplan.models.ledger.ids import mask_id

TEMPLATES_DIR = Path(__file__).resolve().parent
FONTS_DIR = TEMPLATES_DIR / "fonts"
FONT_FAMILY = "natplan Noto Sans SC"
FONT_FILES = {
    "normal": FONTS_DIR / "NotoSansSC-Regular.otf",
    "bold": FONTS_DIR / "NotoSansSC-Bold.otf",
}

__all__ = [
    "FONT_FAMILY", "FONT_FILES", "TEMPLATES_DIR",
    "environment", "render_html",
    "register_matplotlib_font", "missing_glyphs",
    "thousands", "pct",
]


# --------------------------------------------------------------------------
# filters (formatting only)
# --------------------------------------------------------------------------
def thousands(value: Any, digits: int = 0) -> str:
    """33438 -> "33,438"; thousands(1234.5, 1) -> "1,234.5"; None -> ""."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and digits == 0:
        return f"{value:,}"
    return f"{float(value):,.{digits}f}"


def pct(value: Any, digits: int = 0) -> str:
    """Fraction -> percent: 0.853 -> "85%", pct(0.853, 1) -> "85.3%"; None -> ""."""
    if value is None:
        return ""
    v = float(value)
    if math.isnan(v):
        return ""
    return f"{v * 100:.{digits}f}%"


FILTERS = {"hhmm": format_clock, "thousands": thousands, "mask_id": mask_id, "pct": pct}


# --------------------------------------------------------------------------
# Jinja2
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment on ``templates/`` (cached; do not mutate).

    Autoescaping is on for .html/.htm/.xml and for templates from strings;
    undefined variables raise; blocks are trimmed.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml"), default_for_string=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render_html(template_name: str, **context: Any) -> str:
    """Render ``templates/<template_name>`` with *context* to an HTML string."""
    return environment().get_template(template_name).render(**context)


# --------------------------------------------------------------------------
# matplotlib
# --------------------------------------------------------------------------
def register_matplotlib_font() -> str:
    """Add the bundled fonts to matplotlib and make them the default family.

    Returns the family name. Safe to call more than once. Also turns off the
    Unicode minus sign so every tick label is drawn from the same font.
    PNG and SVG output work; for PDF keep ``pdf.fonttype`` at 3 (the default):
    matplotlib cannot embed these CFF-based OpenType fonts as Type 42.
    """
    from matplotlib import font_manager, rcParams

    known = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    for path in FONT_FILES.values():
        if path.resolve() not in known:
            font_manager.fontManager.addfont(str(path))
    rcParams["font.family"] = "sans-serif"
    sans = [FONT_FAMILY] + [f for f in rcParams["font.sans-serif"] if f != FONT_FAMILY]
    rcParams["font.sans-serif"] = sans
    rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


# --------------------------------------------------------------------------
# coverage
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    sets = []
    for path in FONT_FILES.values():
        font = TTFont(str(path), lazy=True)
        try:
            sets.append(set(font.getBestCmap()))
        finally:
            font.close()
    return frozenset(set.intersection(*sets))


_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def missing_glyphs(text: str) -> set[str]:
    """Characters of *text* the bundled fonts (regular and bold) cannot show.

    Control and format characters (newline, tab, zero-width joiners...) are
    ignored. ``missing_glyphs("夏格庄𠀀") == {"𠀀"}``.
    """
    covered = _covered()
    return {
        ch for ch in set(text)
        if ord(ch) not in covered and unicodedata.category(ch) not in _INVISIBLE
    }

