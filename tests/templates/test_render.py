"""The rendering base: Jinja2 filters and environment, the bundled CJK fonts, matplotlib's labels.

The PDFs are Typst's: their text and fonts are checked in tests/templates/test_typeset.py and
test_outputs.py.
"""
from __future__ import annotations

import warnings

import pytest

from natplan.templates import render
from natplan.templates.render import environment, missing_glyphs, pct, render_html, thousands
from natplan.models.ledger.ids import mask_id

DOC = """{% extends "report.html" %}
{% block content %}
{% for unit in units %}
<section class="page">
<h1>{{ town }}{{ unit.name }} 检测单元名册</h1>
<p>采样 {{ unit.start | hhmm }}–{{ unit.end | hhmm }}，应检 {{ unit.people | thousands }} 人，备注：{{ note }}</p>
<table>
<thead><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>签到</th></tr></thead>
<tbody>
{% for p in unit.rows %}
<tr><td>{{ loop.index }}</td><td>{{ p.name }}</td><td>{{ p.id | mask_id }}</td><td>☐</td></tr>
{% endfor %}
</tbody>
</table>
<div class="signatures">采样员 <span class="sign">签字</span></div>
</section>
{% endfor %}
<section class="page notice"><h1>通知</h1><p>请携带身份证，按时参加核酸检测。</p></section>
{% endblock %}
"""

CONTEXT = dict(
    title="夏格庄镇 第3轮",
    html_lang="zh-CN",
    town="夏格庄镇",
    note="<script>alert(1)</script>",
    units=[
        dict(name="第1", start=480, end=690, people=33438,
             rows=[dict(name="王秀英", id="370285199001011234")] * 5),
    ],
)


def _render_doc(**overrides) -> str:
    return environment().from_string(DOC).render(**{**CONTEXT, **overrides})


# ---------------------------------------------------------------- filters
def test_filters():
    hhmm = render.FILTERS["hhmm"]
    assert hhmm(510) == "08:30"
    assert hhmm(0) == "00:00"
    assert hhmm(1439) == "23:59"
    assert hhmm(509.6) == "08:30"
    assert hhmm(None) == ""
    assert thousands(33438) == "33,438"
    assert thousands(1234567.891, 1) == "1,234,567.9"
    assert mask_id("370285199001011234") == "370285********1234"
    assert mask_id("37028519900101123X") == "370285********123X"
    assert mask_id("12345") == "********"  # the one rule of natplan.models.ledger.ids
    assert render.FILTERS["mask_id"] is mask_id
    assert pct(0.853) == "85%"
    assert pct(0.853, 1) == "85.3%"


def test_filters_in_templates():
    env = environment()
    out = env.from_string("{{ 510|hhmm }} {{ 33438|thousands }} {{ i|mask_id }} {{ 0.5|pct }}").render(
        i="370285199001011234")
    assert out == "08:30 33,438 370285********1234 50%"


def test_autoescape_and_strict_undefined():
    html = _render_doc()
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "370285********1234" in html and "08:00–11:30" in html and "33,438" in html
    with pytest.raises(Exception, match="town"):
        environment().from_string(DOC).render(**{k: v for k, v in CONTEXT.items() if k != "town"})


def test_render_html_file_template_is_autoescaped():
    from natplan.templates.webfont import FONT_MARKER

    html = render_html("report.html", title="<b>x</b>", html_lang="zh-CN")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert 'lang="zh-CN"' in html
    assert html.count(FONT_MARKER) == 1  # where webfont.embed_font puts the font
    assert "table.r td::before { content: attr(data-label);" in html  # screen.css inlined
    assert "file://" not in html


def test_missing_glyphs():
    assert missing_glyphs("夏格庄𠀀") == {"𠀀"}
    assert missing_glyphs("夏格庄镇 检测单元\n①⑳℃×→←↑↓✓☐□■●○≤≥±·—…※☎ABCé，。") == set()
    assert missing_glyphs("") == set()


def test_bundled_fonts_present():
    for path in render.FONT_FILES.values():
        assert path.is_file()
        assert 500_000 < path.stat().st_size < 8_000_000
    assert (render.FONTS_DIR / "OFL.txt").read_text(encoding="utf-8").startswith(
        "Copyright 2014-2021 Adobe")


def test_no_source_file_imports_weasyprint():
    """Every PDF is laid out by Typst: no module of natplan's, nor a benchmark, imports WeasyPrint (not even
    lazily, inside a function), so the dependency is not needed."""
    from tests.test_layout import FOLDERS, ROOT, imports_of

    files = [p for folder in (*FOLDERS.values(), "benchmarks") for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 50
    users = [p for p in files if any(m.split(".")[0] == "weasyprint" for m in imports_of(p))]
    assert [str(p.relative_to(ROOT)) for p in users] == []


# ---------------------------------------------------------------- matplotlib
def test_matplotlib_chinese_without_missing_glyph_warnings(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    assert render.register_matplotlib_font() == render.FONT_FAMILY
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = Figure(figsize=(4, 3))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.bar(["夏格庄村", "东坡村"], [1200, -300])
        ax.set_title("各村应检人数", fontweight="bold")
        fig.savefig(tmp_path / "chart.png", dpi=50)
    assert (tmp_path / "chart.png").stat().st_size > 1000

