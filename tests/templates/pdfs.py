"""Reading natplan's PDFs in tests, with pypdf only (no poppler on CI): the fonts a page uses, and whether
each is embedded in the file."""
from __future__ import annotations

import io


def page_fonts(resources, seen=None):
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
            yield from page_fonts(xobj["/Resources"], seen)


def is_embedded(font) -> bool:
    """Whether the font's glyphs are in the PDF itself (a font file, or a Type 3 font's own drawings)."""
    if font.get("/Subtype") == "/Type0":
        return all(is_embedded(d.get_object()) for d in font["/DescendantFonts"])
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by content streams in the PDF itself
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def embedded_font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts on every page of *pdf*, asserting that each is embedded."""
    import pypdf

    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page_fonts(page.get("/Resources")):
            assert is_embedded(font), f"font not embedded: {font.get('/BaseFont')}"
            names.add(str(font.get("/BaseFont")))
    return names
