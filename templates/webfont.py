"""The bundled font for ``index.html``, cut down to the characters the page uses and embedded as a data
URI, so a phone shows the page in the set's font with no network and no file outside the page.

HarfBuzz's subsetter (``libharfbuzz-subset``, which the Makefile installs) cuts the font in milliseconds;
without it fontTools does the same in about half a second.  Only the regular face is embedded: a browser
draws bold from it.
"""
from __future__ import annotations

import base64
import ctypes
import ctypes.util
import functools

from natplan.templates.render import FONT_FAMILY, FONT_FILES


@functools.lru_cache(maxsize=1)
def _harfbuzz():
    """The HarfBuzz subset library with the few functions used, or None."""
    name = ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0"
    try:
        hb = ctypes.CDLL(name)
    except OSError:
        return None
    p = ctypes.c_void_p
    for fn, res, args in [
        ("hb_blob_create", p, [ctypes.c_char_p, ctypes.c_uint, ctypes.c_int, p, p]),
        ("hb_face_create", p, [p, ctypes.c_uint]),
        ("hb_subset_input_create_or_fail", p, []),
        ("hb_subset_input_unicode_set", p, [p]),
        ("hb_set_add", None, [p, ctypes.c_uint32]),
        ("hb_subset_or_fail", p, [p, p]),
        ("hb_face_reference_blob", p, [p]),
        ("hb_blob_get_data", ctypes.POINTER(ctypes.c_char), [p, ctypes.POINTER(ctypes.c_uint)]),
        ("hb_blob_destroy", None, [p]), ("hb_face_destroy", None, [p]), ("hb_subset_input_destroy", None, [p]),
    ]:
        f = getattr(hb, fn)
        f.restype, f.argtypes = res, args
    return hb


@functools.lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return FONT_FILES["normal"].read_bytes()


def _subset_harfbuzz(hb, font: bytes, codepoints: list[int]) -> bytes | None:
    blob = hb.hb_blob_create(font, len(font), 1, None, None)  # 1: read-only, the bytes stay alive
    face = hb.hb_face_create(blob, 0)
    inp = hb.hb_subset_input_create_or_fail()
    try:
        unicodes = hb.hb_subset_input_unicode_set(inp)
        for cp in codepoints:
            hb.hb_set_add(unicodes, cp)
        sub = hb.hb_subset_or_fail(face, inp)
        if not sub:
            return None
        out_blob = hb.hb_face_reference_blob(sub)
        n = ctypes.c_uint()
        data = hb.hb_blob_get_data(out_blob, ctypes.byref(n))
        result = ctypes.string_at(data, n.value)
        hb.hb_blob_destroy(out_blob)
        hb.hb_face_destroy(sub)
        return result
    finally:
        hb.hb_subset_input_destroy(inp)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _subset_fonttools(font: bytes, text: str) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["kern", "palt", "liga"]
    face = TTFont(io.BytesIO(font), lazy=True)
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(face)
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def subset_font(text: str) -> bytes:
    """The bundled regular face with only the glyphs of *text* (and ASCII), as OpenType bytes."""
    codepoints = sorted({ord(ch) for ch in set(text)} | set(range(0x20, 0x7F)))  # set(): C speed on 2 MB pages
    hb = _harfbuzz()
    if hb is not None:
        data = _subset_harfbuzz(hb, _font_bytes(), codepoints)
        if data:
            return data
    return _subset_fonttools(_font_bytes(), "".join(map(chr, codepoints)))


def font_face_rule(text: str) -> str:
    """An ``@font-face`` rule declaring :data:`FONT_FAMILY` as the subset of *text*, embedded."""
    data = base64.b64encode(subset_font(text)).decode("ascii")
    return ('@font-face { font-family: "%s"; font-style: normal; font-weight: 400 700; '
            'src: url(data:font/otf;base64,%s) format("opentype"); }' % (FONT_FAMILY, data))


FONT_MARKER = "/* natplan-screen-font */"
"""Where a screen template wants the font: :func:`embed_font` replaces it with the ``@font-face`` rule."""


def embed_font(html: str) -> str:
    """*html* with :data:`FONT_MARKER` replaced by the font subset to the page's own characters, embedded."""
    return html.replace(FONT_MARKER, font_face_rule(html), 1)
