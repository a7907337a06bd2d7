"""Rendering base for natplan's pages: the Jinja2 environment (the screen pages of the town set, the city
and the comparison), the bundled fonts, and an HTML-to-PDF path with WeasyPrint.

Every PDF natplan's commands write (rosters.pdf, changes.pdf, city.pdf,
compare.pdf) is laid out by Typst from the same fonts: see
:mod:`natplan.templates.typeset`.  :func:`write_pdf` and
:func:`pdf_bytes_and_pages` (WeasyPrint, ``base.html``, ``print.css``) are
no longer on any command's path; they stay, with their tests, until the
WeasyPrint dependency is dropped.

* :func:`environment` / :func:`render_html` — Jinja2 on this folder, autoescaped,
  strict about undefined variables, with formatting filters only.
* :func:`write_pdf` — WeasyPrint, A4, with the bundled "natplan Noto Sans SC"
  fonts (``templates/fonts``) declared by ``@font-face`` and embedded (subset)
  in the PDF, so Chinese prints on machines without any CJK font.
* :func:`register_matplotlib_font` — the same fonts for chart labels.
* :func:`missing_glyphs` — characters (rare hanzi in names...) the bundled
  font cannot show, so callers can warn before printing.

Render a whole set (all stations, all pages) as ONE HTML document and call
:func:`write_pdf` once: fonts are loaded and subset once per document.
"""
from __future__ import annotations

import functools
import math
import os
import unicodedata
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from natplan.models.clock import format_clock
from natplan.models.ledger.ids import mask_id
from natplan.models.atomic import write_atomic

TEMPLATES_DIR = Path(__file__).resolve().parent
FONTS_DIR = TEMPLATES_DIR / "fonts"
FONT_FAMILY = "natplan Noto Sans SC"
FONT_FILES = {
    "normal": FONTS_DIR / "NotoSansSC-Regular.otf",
    "bold": FONTS_DIR / "NotoSansSC-Bold.otf",
}
PRINT_CSS = TEMPLATES_DIR / "print.css"
# Markers that tell write_pdf the HTML already carries these rules.
_FONT_MARKER = "/* natplan-font-face */"
_CSS_MARKER = "/* natplan print.css */"

__all__ = [
    "FONT_FAMILY", "FONT_FILES", "TEMPLATES_DIR",
    "environment", "render_html", "write_pdf", "pdf_bytes_and_pages", "font_face_css",
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
def font_face_css() -> Markup:
    """``@font-face`` rules for the bundled fonts, with absolute file URLs."""
    rules = [_FONT_MARKER]
    for weight, path in FONT_FILES.items():
        rules.append(
            "@font-face { font-family: \"%s\"; font-style: normal; font-weight: %s; "
            "src: url(\"%s\") format(\"opentype\"); }"
            % (FONT_FAMILY, weight, path.as_uri())
        )
    return Markup("\n".join(rules))


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
    env.globals["font_face_css"] = font_face_css
    env.globals["font_family"] = FONT_FAMILY
    return env


def render_html(template_name: str, **context: Any) -> str:
    """Render ``templates/<template_name>`` with *context* to an HTML string."""
    return environment().get_template(template_name).render(**context)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------
def write_pdf(html: str, path: str | os.PathLike, base_url: str | None = None) -> Path:
    """Write *html* as a PDF at *path* (atomically: temp file + ``os.replace``).

    The bundled fonts are declared with ``@font-face`` (unless the HTML already
    has them, as ``base.html`` does) and embedded as subsets by WeasyPrint.
    ``print.css`` is added if the HTML does not inline it. *base_url* resolves
    relative URLs (images, charts); default: the templates folder.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    path = Path(path)
    font_config = FontConfiguration()
    stylesheets = _stylesheets(html, font_config)
    document = HTML(string=html, base_url=base_url or TEMPLATES_DIR.as_uri() + "/")
    write_atomic(path, lambda tmp: document.write_pdf(str(tmp), stylesheets=stylesheets, font_config=font_config))
    return path


@functools.lru_cache(maxsize=1)
def _html_class():
    """WeasyPrint's ``HTML``, or a subclass whose user-agent stylesheet lacks the five rules for
    footnote and note pseudo-elements (``::footnote-call`` ...). Those rules match every element, so
    WeasyPrint computes five extra styles per element; natplan prints no footnotes, the PDF is byte for
    byte the same, and layout takes about 12 % less time. Falls back to plain ``HTML`` if WeasyPrint's
    internals (``weasyprint.html.UA``, ``HTML._ua_stylesheets``) are not as in the pinned version."""
    import re

    from weasyprint import CSS, HTML

    try:
        from weasyprint import html as wp_html

        ua, counter_style = wp_html.UA, wp_html.UA_COUNTER_STYLE
        if not callable(getattr(HTML, "_ua_stylesheets", None)):
            return HTML
        slim, n = re.subn(r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^\n]*\}\n",
                          "", ua, flags=re.M)
        if n != 5:  # not the stylesheet we know
            return HTML
        sheet = CSS(string=slim, counter_style=counter_style)
    except Exception:  # noqa: BLE001 - any surprise: the plain class
        return HTML

    class NoNotesHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet] if not forms else [sheet, wp_html.UA_FORM_STYLESHEET]

    return NoNotesHTML


def pdf_bytes_and_pages(html: str, base_url: str | None = None) -> tuple[bytes, int]:
    """Lay *html* out like :func:`write_pdf` and return the PDF's bytes and its number of pages.

    For documents without footnotes (natplan's own), see :func:`_html_class`."""
    from weasyprint.text.fonts import FontConfiguration

    HTML = _html_class()

    font_config = FontConfiguration()
    stylesheets = _stylesheets(html, font_config)
    document = HTML(string=html, base_url=base_url or TEMPLATES_DIR.as_uri() + "/").render(
        stylesheets=stylesheets, font_config=font_config)
    return document.write_pdf(), len(document.pages)


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


def _stylesheets(html: str, font_config) -> list:
    """The bundled fonts' @font-face and print.css, unless the HTML carries them already."""
    from weasyprint import CSS

    out = []
    if _FONT_MARKER not in html:
        out.append(CSS(string=str(font_face_css()), font_config=font_config))
    if _CSS_MARKER not in html:
        out.append(CSS(filename=str(PRINT_CSS), font_config=font_config))
    return out
