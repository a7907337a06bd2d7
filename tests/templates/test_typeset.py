"""The typesetting process (natplan.templates.typeset): Typst with the bundled fonts only, embedded, and the
process that serves the PDFs.

Typst is never loaded in the test process itself: its threads would hang a process forked after it (see
the module), so the compiler is tried in a child process of its own.
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from natplan.templates.typeset import Typesetter, compile_json, typesetter  # noqa: E402
from tests.templates.conftest import PRINTED  # noqa: E402
from tests.templates.pdfs import embedded_font_names  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = {"natplanNotoSansSC-Regular", "natplanNotoSansSC-Bold"}


def _face(name: str) -> str:
    """"/WEVHNN+natplanNotoSansSC-Regular-Identity-H" -> "natplanNotoSansSC-Regular"."""
    return name.lstrip("/").split("+", 1)[-1].removesuffix("-Identity-H")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, bytes]:
    """PDFs from natplan's compiler (``ours``), and for the document that asks for a system font, also
    from Typst with the system fonts (``system``), made in a child process."""
    out = tmp_path_factory.mktemp("typst")
    script = textwrap.dedent(f"""
        from pathlib import Path

        import typst

        from natplan.templates.render import FONTS_DIR, TEMPLATES_DIR
        from natplan.templates.typeset import compiler

        out = Path({str(out)!r})
        chinese = ('#set text(font: "natplan Noto Sans SC")\\n'
                   '夏格庄镇 检测单元 *核酸检测通知* Page 1 of 2 #"370285********1234"')
        system = '#set text(font: "DejaVu Sans")\\nDejaVu 夏格庄镇 *检测单元*'
        (out / "chinese.pdf").write_bytes(compiler().compile(input=chinese.encode(), pdf_tags=False))
        (out / "asks_system.pdf").write_bytes(compiler().compile(input=system.encode(), pdf_tags=False))
        plain = typst.Compiler(system.encode(), root=str(TEMPLATES_DIR), font_paths=[str(FONTS_DIR)])
        (out / "system.pdf").write_bytes(plain.compile(pdf_tags=False))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {p.stem: p.read_bytes() for p in out.iterdir()}


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


# ------------------------------------------------------------------ the compiler
def test_chinese_is_printed_in_the_bundled_fonts_embedded(compiled):
    """Chinese text (regular and bold) reads back from the PDF, set in the two bundled faces only, each
    embedded."""
    pdf = compiled["chinese"]
    words = ["夏格庄镇", "检测单元", "核酸检测通知", "Page", "1", "of", "2", "370285********1234"]
    assert _text(pdf).split() == words
    assert {_face(n) for n in embedded_font_names(pdf)} == BUNDLED


def test_no_system_font_is_ever_used(compiled):
    """A document asking for a font of this machine's (DejaVu Sans) does not get it: the compiler ignores the
    system fonts, so the PDF is the same on a machine that has none; its Chinese is in the bundled faces."""
    system = {_face(n) for n in embedded_font_names(compiled["system"])}
    if "DejaVuSans" not in system:
        pytest.skip("no DejaVu Sans on this machine: nothing to ignore")
    ours = {_face(n) for n in embedded_font_names(compiled["asks_system"])}
    assert "DejaVuSans" not in ours
    assert BUNDLED <= ours
    assert _text(compiled["asks_system"]).split() == ["DejaVu", "夏格庄镇", "检测单元"]


def test_an_unknown_template_is_refused():
    with pytest.raises(ValueError, match=r"^no print template 'roster'; one of plan, city, comparison$"):
        compile_json("{}", "roster")


# ------------------------------------------------------------------ the typesetting process
def test_the_process_names_the_error_and_lays_out_the_next_document(tiny, tiny_plan, tiny_set):
    """An error is sent back with its type and message; the same process then lays out the tiny set, the
    same bytes as the shared typesetter's."""
    from natplan.templates.outputs import print_data

    ts = Typesetter()
    try:
        with pytest.raises(RuntimeError, match=r"^Typst could not lay the printed set out: ValueError: "
                                               r"no print template 'roster'; one of plan, city, comparison$"):
            ts.submit({}, "roster").result(timeout=120)
        assert ts.alive()
        pdf = ts.submit(print_data(tiny_plan, tiny.scenario, tiny.geometry, "zh", PRINTED)).result(timeout=300)
    finally:
        ts.close()
    assert pdf == tiny_set[0]["rosters.pdf"]


def test_one_typesetter_per_process_and_a_new_one_after_it_ended():
    first = typesetter()
    assert typesetter() is first and first.alive()
    first.close()
    second = typesetter()
    assert second is not first and second.alive()
    assert typesetter() is second
