"""The what-if comparison as a table, charts, a workbook, a web page and a PDF.

:func:`comparison_view` turns the rows of :func:`natplan.scheduler.whatif.compare`
into labelled cells (all formatting decisions here); :func:`comparison_page`
is the whole page's view model, which ``print/comparison.typ`` lays out for
print (Typst) and ``comparison.html`` for a screen.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import TYPE_CHECKING

from natplan.models.clock import format_clock as hm
from natplan.models.scenario import Scenario
from natplan.templates.i18n import t

if TYPE_CHECKING:
    from natplan.scheduler.whatif import VariantResult

COLUMNS = ("groups", "units", "samplers", "vehicles", "finish", "finish_ratio", "peak_queue", "worst_age",
           "walk_mean_m", "walk_max_m", "courier_vehicles", "fleet_used", "longest_interval", "staff_hours",
           "peak_p95", "finish_p95")
KEYS = 4  # the first columns name the variant; an infeasible row spans the rest with its reason


def comparison_view(rows: list[VariantResult], lang: str = "zh") -> tuple[list[str], list[dict]]:
    """Headers and formatted cells, one row per variant; P95 columns only when simulated."""
    optional = {"peak_p95": "peak_p95", "finish_p95": "finish_p95", "fleet_used": "vehicles_used",
                "longest_interval": "longest_interval"}  # shown only when some row has them
    cols = [c for c in COLUMNS if c not in optional or any(getattr(r, optional[c]) is not None for r in rows)]
    out = []
    for r in rows:
        cells = []
        for c in cols:
            v = getattr(r, c) if c != "fleet_used" else (
                None if r.vehicles_used is None else f"{r.vehicles_used} / {r.vehicles_available}")
            if v is None or v == "":
                cells.append("—")
            elif c in ("finish", "finish_p95"):
                cells.append(hm(v))
            elif c == "finish_ratio":
                cells.append(f"{v:.2f}")
            elif c in ("peak_queue", "worst_age", "walk_mean_m", "walk_max_m", "peak_p95", "staff_hours"):
                cells.append(f"{v:,.0f}")
            else:
                cells.append(str(v))
        out.append({"feasible": r.feasible, "cells": cells if r.feasible else cells[:KEYS],
                    "why": r.why, "span": len(cols) - KEYS})
    return [t("cmp_" + c, lang) for c in cols], out


def fleet_sentences(rows: list[VariantResult], lang: str = "zh") -> list[str]:
    """For each interval variant: "Strict 30-minute loops everywhere need N vehicles: M more than you have"."""
    out = []
    for r in rows:
        if r.feasible and "interval" in r.variant and r.vehicles_used is not None:
            key = "strict_short_fmt" if r.vehicles_lacking else "strict_fits_fmt"
            out.append(t(key, lang).format(interval=r.variant["interval"], n=r.vehicles_used, m=r.vehicles_lacking))
    return out


def charts(rows: list[VariantResult], vary: list[tuple[str, list]], lang: str = "zh",
           fmt: str = "png") -> list[tuple[str, bytes, str]]:
    """Finish time and peak queue against the first varied resource, one line per value of the second:
    ``(file name, bytes, caption)`` of each, as PNG or (*fmt* ``"svg"``) SVG, the same bytes for the same rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from natplan.templates.render import register_matplotlib_font

    register_matplotlib_font()
    x_key = vary[0][0]
    line_key = vary[1][0] if len(vary) > 1 else None
    out = []
    for metric, label in (("finish", t("cmp_finish", lang)), ("peak_queue", t("cmp_peak_queue", lang))):
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
        lines = defaultdict(list)
        for r in rows:
            if r.feasible:
                lines[r.variant.get(line_key) if line_key else None].append((r.variant[x_key], getattr(r, metric)))
        for key in sorted(lines, key=lambda k: (k is None, k)):
            pts = sorted(lines[key])
            name = f"{t('cmp_' + line_key, lang)} = {key}" if line_key else label
            ax.plot([p[0] for p in pts], [p[1] / 60 if metric == "finish" else p[1] for p in pts], marker="o", label=name)
        ax.set_xlabel(t("cmp_" + x_key, lang))
        ax.set_ylabel(label)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        if metric == "finish":
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: hm(v * 60)))
        ax.grid(alpha=0.3)
        if lines:
            ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        if fmt == "svg":
            with matplotlib.rc_context({"svg.hashsalt": "natplan"}):
                fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
        out.append((f"{metric}.{fmt}", buf.getvalue(), f"{label} — {t('cmp_' + x_key, lang)}"))
    return out


def comparison_xlsx(headers: list[str], view: list[dict], scenario: Scenario) -> bytes:
    """One sheet, laid out like the plan's workbook (header frozen, A4 landscape)."""
    from datetime import datetime

    from natplan.templates.excel import add_sheet, new_workbook

    stamp = datetime.fromisoformat(scenario.parameters.date)
    wb = new_workbook(f"{scenario.name} {t('cmp_title', 'zh')}", stamp)
    add_sheet(wb, "compare", list(headers) + [t("cmp_why", "zh")],
              (r["cells"] + [""] * (len(headers) - len(r["cells"])) + [r["why"]] for r in view), landscape=True)
    return wb.to_bytes()


def comparison_page(scenario: Scenario, vary: list[tuple[str, list]], rows: list[VariantResult], lang: str = "zh",
                    printed_at: str = "") -> dict:
    """The comparison's view model: every word, figure and chart (SVG text) that compare.pdf
    (``print/comparison.typ``) and compare.html show, so that both read the same.

    Parameters
    ----------
    scenario
        The base scenario.
    vary
        The varied resources and their values, as given to ``natplan compare``.
    rows
        One result per variant.
    lang
        "zh" or "en".
    printed_at
        The print time on the pages.

    Returns
    -------
    dict
        Plain data (JSON-ready).
    """
    headers, view = comparison_view(rows, lang)
    return {
        "lang": lang, "html_lang": "en" if lang == "en" else "zh-CN", "title": t("cmp_title", lang),
        "scenario_name": scenario.name, "round_date": scenario.parameters.date,
        "printed_label": f"{t('cmp_printed', lang)} {printed_at}",
        "L": {"varied": t("cmp_varied", lang), "deadline": t("cmp_deadline", lang), "why": t("cmp_why", lang)},
        "varied": "; ".join(f"{t('cmp_' + k, lang)} {', '.join(hm(v) if k == 'deadline' else str(v) for v in vals)}"
                            for k, vals in vary),
        "deadline": hm(scenario.parameters.deadline), "headers": headers, "rows": view,
        "notes": fleet_sentences(rows, lang),
        "charts": [{"svg": svg[svg.index(b"<svg"):].decode("utf-8"), "caption": caption}  # no XML prologue: inline
                   for _, svg, caption in charts(rows, vary, lang, "svg")],
    }


def comparison_files(scenario: Scenario, vary: list[tuple[str, list]], rows: list[VariantResult], lang: str = "zh",
                     printed_at: str = "") -> dict[str, bytes]:
    """compare.xlsx, compare.html (self-contained), compare.pdf (laid out by Typst) and the chart PNGs, the
    page and the PDF from one view model (:func:`comparison_page`)."""
    from natplan.templates.render import render_html
    from natplan.templates.typeset import typesetter
    from natplan.templates.webfont import embed_font

    page = comparison_page(scenario, vary, rows, lang, printed_at)
    pdf = typesetter().submit(page, "comparison")
    files = {"compare.xlsx": comparison_xlsx(page["headers"], page["rows"], scenario),
             "compare.html": embed_font(render_html("comparison.html", **page)).encode("utf-8")}
    files.update({name: png for name, png, _ in charts(rows, vary, lang)})
    files["compare.pdf"] = pdf.result()
    return files
