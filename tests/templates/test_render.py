"""The rendering base: Jinja2 filters, bundled CJK fonts, PDF output.

PDFs are checked with pypdf only (no poppler on CI). One test renders in a
subprocess with an empty fontconfig, i.e. a machine without any system font,
to prove the bundled fonts alone print Chinese.
"""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from markupsafe import Markup

pypdf = pytest.importorskip("pypdf")

from natplan.models.atomic import current_umask  # noqa: E402
from natplan.templates import render  # noqa: E402
from natplan.templates.render import (  # noqa: E402
    environment, missing_glyphs, pct, render_html, thousands, write_pdf,
)
from natplan.models.ledger.ids import mask_id  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

DOC = """{% extends "base.html" %}
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
    scenario_name="夏格庄镇 第3轮",
    round_date="2022-11-25",
    town="夏格庄镇",
    note="<script>alert(1)</script>",
    units=[
        dict(name="第1", start=480, end=690, people=33438,
             rows=[dict(name="王秀英", id="370285199001011234")] * 5),
    ],
)


def _render_doc(**overrides) -> str:
    return environment().from_string(DOC).render(**{**CONTEXT, **overrides})


def _fonts(resources, seen=None):
    """Every font dictionary reachable from a page's resources (XObjects too)."""
    seen = set() if seen is None else seen
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobj in (resources.get("/XObject") or {}).values():
        xobj = xobj.get_object()
        key = id(xobj)
        if key not in seen and "/Resources" in xobj:
            seen.add(key)
            yield from _fonts(xobj["/Resources"], seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(d.get_object()) for d in font["/DescendantFonts"])
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by content streams in the PDF itself
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _check_pdf(path: Path) -> tuple[list[str], set[str]]:
    reader = pypdf.PdfReader(str(path))
    texts = [page.extract_text() for page in reader.pages]
    names = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources")):
            names.add(str(font.get("/BaseFont")))
            assert _embedded(font), f"font not embedded: {font.get('/BaseFont')}"
    return texts, names


@pytest.fixture(scope="module")
def chinese_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "roster.pdf"
    write_pdf(_render_doc(), path)
    return path


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
    with pytest.raises(Exception, match="town"):
        environment().from_string(DOC).render(**{k: v for k, v in CONTEXT.items() if k != "town"})


def test_render_html_file_template_is_autoescaped():
    html = render_html("base.html", title="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'lang="zh-CN"' in html
    assert "natplan Noto Sans SC" in html  # print.css inlined, font declared
    assert render.FONT_FILES["normal"].as_uri() in html


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


# ---------------------------------------------------------------- PDF
def test_pdf_text_and_fonts(chinese_pdf):
    texts, names = _check_pdf(chinese_pdf)
    assert len(texts) == 2
    joined = "\n".join(texts)
    for needle in ("夏格庄镇", "检测单元", "第 1 页", "第 2 页", "共 2 页", "370285********1234",
                   "08:00", "33,438", "<script>alert(1)</script>", "通知", "2022-11-25"):
        assert needle in joined, needle
    assert "第 1 页" in texts[0] and "第 2 页" in texts[1]
    assert any(re.search(r"NotoSans.*SC", n.replace("-", "")) for n in names), names


def test_pdf_english_footer(tmp_path):
    path = write_pdf(_render_doc(lang="en"), tmp_path / "en.pdf")
    texts, _ = _check_pdf(path)
    assert "Page 1 of 2" in texts[0]
    assert "第 1 页" not in texts[0]


def test_write_pdf_plain_html_is_atomic(tmp_path):
    """Bare HTML (no base.html) still gets print.css and the fonts; no temp files left."""
    path = tmp_path / "out" / "plain.pdf"
    write_pdf("<html><body><p>检测单元 A4</p></body></html>", path)
    texts, names = _check_pdf(path)
    assert "检测单元" in texts[0] and "第 1 页" in texts[0]
    assert any("NotoSans" in n.replace("-", "") for n in names)
    assert [p.name for p in path.parent.iterdir()] == ["plain.pdf"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()


def test_pdf_without_any_system_font(tmp_path):
    """A fresh machine: fontconfig with no font directories at all."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    out = tmp_path / "fresh.pdf"
    script = textwrap.dedent(f"""
        import warnings
        warnings.simplefilter("ignore")  # "No fonts configured in FontConfig"
        from tests.templates.test_render import _render_doc
        from natplan.templates.render import write_pdf
        write_pdf(_render_doc(), {str(out)!r})
    """)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    env.pop("FONTCONFIG_PATH", None)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    texts, names = _check_pdf(out)
    assert "夏格庄镇" in texts[0] and "第 1 页" in texts[0]
    assert names and all("NotoSans" in n.replace("-", "") for n in names), names


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


def test_font_face_css_is_markup():
    css = render.font_face_css()
    assert isinstance(css, Markup)
    assert css.count("@font-face") == 2
    assert "file://" in css


def test_pdf_without_note_rules_is_the_same_pdf():
    """pdf_bytes_and_pages drops WeasyPrint's footnote/note user-agent rules (natplan prints no notes):
    the PDF must be the one plain WeasyPrint makes, byte for byte."""
    import weasyprint

    from natplan.templates.render import _html_class, pdf_bytes_and_pages

    assert _html_class() is not weasyprint.HTML, "WeasyPrint changed: the faster class fell back"
    html = _render_doc()
    pdf, pages = pdf_bytes_and_pages(html)
    plain = weasyprint.HTML(string=html, base_url=render.TEMPLATES_DIR.as_uri() + "/").write_pdf()
    assert pdf == plain
    assert pages == len(pypdf.PdfReader(__import__("io").BytesIO(pdf)).pages) > 1
