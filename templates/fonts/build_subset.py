#!/usr/bin/env python3
"""Rebuild the bundled Chinese fonts of natplan from Noto Sans CJK.

Not run at install, test or render time: its output (``NotoSansSC-Regular.otf``,
``NotoSansSC-Bold.otf`` and ``OFL.txt`` next to this file) is committed, so a
fresh machine with no CJK font still prints Chinese. Run it again only to change
the character set:

    .venv/bin/python templates/fonts/build_subset.py \
        [--regular /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc] \
        [--bold    /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc]

Needs only fontTools (installed with natplan). The inputs are the Noto Sans CJK
collections (Debian package fonts-noto-cjk, or the .ttc files of
https://github.com/notofonts/noto-cjk). The face named "Noto Sans CJK SC" is
taken out of the collection and subset to:

* ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation,
  Halfwidth and Fullwidth Forms;
* the 6,763 hanzi of GB 2312 (every valid two-byte gb2312 code decoded);
* a few symbols used on rosters (circled numbers, arrows, check boxes...).

The family is renamed "natplan Noto Sans SC" (PostScript names
``natplanNotoSansSC-Regular`` / ``-Bold``) so that it never collides with an
installed Noto CJK: a PDF that names this font was set with the bundled files.
The Reserved Font Name of the licence is "Source", which is not used.

The build is deterministic: the same inputs give byte-identical outputs
(head.modified / created are pinned to the source font's values).
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

SOURCE_FACE = "Noto Sans CJK SC"
FAMILY = "natplan Noto Sans SC"
PS_FAMILY = "natplanNotoSansSC"
OUTPUTS = {"Regular": "NotoSansSC-Regular.otf", "Bold": "NotoSansSC-Bold.otf"}

# Symbols that rosters, notices and route sheets use beyond the ranges below.
ROSTER_SYMBOLS = (
    "".join(chr(c) for c in range(0x2460, 0x2474))  # ①..⑳
    + "℃×→←↑↓✓☐□■●○≤≥±·—…※☎"
    + "√△▲◆◇★☆№°‰−≈≠"  # cheap extras seen on Chinese forms; − for matplotlib
)

# Characters Noto Sans CJK lacks, drawn with a look-alike glyph of the font:
# U+2610 BALLOT BOX -> the glyph of U+25A1 WHITE SQUARE.
ALIASES = {0x2610: 0x25A1}

# OpenType features kept. Horizontal CJK layout only: kerning, proportional /
# half-width punctuation (palt/halt), width variants, ligatures and marks for
# Latin. Dropped: vert/vrt2/vkrn/vpal/vhal (vertical), locl (would pull in the
# JP/KR/TC glyph variants), aalt/hist/ruby/dlig (large closures, unused).
LAYOUT_FEATURES = [
    "kern", "palt", "halt", "pwid", "fwid", "hwid",
    "liga", "calt", "ccmp", "mark", "mkmk",
]

LICENSE_HEADER = (
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), "
    "with Reserved Font Name 'Source'.\n"
    "\n"
    "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
    "This license is copied below, and is also available with a FAQ at:\n"
    "https://openfontlicense.org\n"
    "\n"
    "The files NotoSansSC-Regular.otf and NotoSansSC-Bold.otf in this folder are\n"
    "a Modified Version (subset, renamed \"natplan Noto Sans SC\") of Noto Sans CJK SC\n"
    "2.004, https://github.com/notofonts/noto-cjk\n"
    "\n\n"
)


def gb2312_hanzi() -> list[str]:
    """The 6,763 hanzi of GB 2312: rows 0xB0-0xF7, cells 0xA1-0xFE."""
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.append(ch)
    return out


def gb2312_all() -> list[str]:
    """Every character of GB 2312 (symbols rows 0xA1-0xA9 included)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def wanted_codepoints() -> set[int]:
    cps: set[int] = set()
    cps.update(range(0x20, 0x7F))        # ASCII
    cps.update(range(0xA0, 0x100))       # Latin-1 supplement
    cps.update(range(0x2000, 0x2070))    # General Punctuation
    cps.update(range(0x3000, 0x3040))    # CJK Symbols and Punctuation
    cps.update(range(0xFF00, 0xFFF0))    # Halfwidth and Fullwidth Forms
    cps.update(ord(c) for c in gb2312_all())  # hanzi + GB2312 symbol rows
    cps.update(ord(c) for c in ROSTER_SYMBOLS)
    return cps


def pick_face(ttc_path: Path):
    coll = TTCollection(str(ttc_path))
    for font in coll.fonts:
        if font["name"].getDebugName(1) == SOURCE_FACE:
            return font
    raise SystemExit(f"{ttc_path}: no face named {SOURCE_FACE!r}")


def rename(font, style: str) -> None:
    ps_name = f"{PS_FAMILY}-{style}"
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    name = font["name"]
    version = name.getDebugName(5) or ""
    old_unique = name.getDebugName(3) or ""
    for rec in list(name.names):
        if rec.nameID in (16, 17, 18, 21, 22):
            name.removeNames(nameID=rec.nameID)
    # Windows and Mac English names only; drop the localised (CJK) family names
    # that still say "思源黑体"/"Noto Sans CJK".
    name.names = [r for r in name.names
                  if (r.platformID, r.langID) in ((3, 0x409), (1, 0))
                  or r.nameID not in (1, 2, 3, 4, 6)]
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(style, 2, 3, 1, 0x409)
    name.setName(f"{old_unique};natplan-subset", 3, 3, 1, 0x409)
    name.setName(full, 4, 3, 1, 0x409)
    name.setName(ps_name, 6, 3, 1, 0x409)
    name.removeNames(platformID=1)
    name.setName(f"{version}; natplan subset", 5, 3, 1, 0x409)
    # CFF: the PostScript name lives in the Top DICT / FDArray too.
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    cff.fontNames = [ps_name]
    top.FullName = full
    top.FamilyName = FAMILY
    if hasattr(top, "FDArray"):
        for fd in top.FDArray:
            fd_name = getattr(fd, "FontName", None)
            if fd_name:
                fd.FontName = re.sub(r"^[^-]+", PS_FAMILY, fd_name)
    cff.topDictIndex[0] = top


def build_face(ttc_path: Path, style: str, out_path: Path) -> None:
    font = pick_face(ttc_path)
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_bounds = True
    options.recalc_timestamp = False   # reproducible output
    options.hinting = True             # CFF hints: small, help at low dpi
    options.desubroutinize = False     # keep CFF subroutines (smaller file)
    options.drop_tables += ["vhea", "vmtx", "VORG"]  # no vertical writing
    options.glyph_names = False
    subsetter = subset.Subsetter(options=options)
    cmap = font.getBestCmap()
    unicodes = sorted(cp for cp in wanted_codepoints() if cp in cmap)
    lacking = [c for c in ROSTER_SYMBOLS if ord(c) not in cmap and ord(c) not in ALIASES]
    if lacking:
        print(f"warning: {ttc_path.name} has no glyph for {''.join(lacking)!r}")
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for alias, target in ALIASES.items():
                if target in table.cmap and alias not in table.cmap:
                    table.cmap[alias] = table.cmap[target]
    rename(font, style)
    font.recalcTimestamp = False       # reproducible: keep head.modified
    tmp = out_path.with_suffix(".otf.tmp")
    font.save(str(tmp), reorderTables=True)
    tmp.replace(out_path)
    got = len(font.getBestCmap())
    size = out_path.stat().st_size
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()[:16]
    print(f"{out_path.name}: {got} code points, {len(font.getGlyphOrder())} glyphs, "
          f"{size / 1e6:.2f} MB, sha256 {digest}")


def write_license(out_path: Path) -> None:
    if not DEBIAN_COPYRIGHT.exists():
        if out_path.exists():
            print(f"{DEBIAN_COPYRIGHT} missing; keeping existing {out_path.name}")
            return
        raise SystemExit(f"{DEBIAN_COPYRIGHT} missing and no OFL.txt to keep")
    text = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
    m = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, re.M)
    if not m:
        raise SystemExit("could not find the SIL-1.1 text in " + str(DEBIAN_COPYRIGHT))
    body = []
    for line in m.group(1).splitlines():
        line = line[1:]  # Debian copyright: one leading space, '.' = blank line
        body.append("" if line == "." else line)
    out_path.write_text(LICENSE_HEADER + "\n".join(body).rstrip() + "\n", encoding="utf-8")
    print(f"{out_path.name}: written")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regular", type=Path, default=NOTO_DIR / "NotoSansCJK-Regular.ttc")
    ap.add_argument("--bold", type=Path, default=NOTO_DIR / "NotoSansCJK-Bold.ttc")
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    assert len(gb2312_hanzi()) == 6763, "GB 2312 should have 6,763 hanzi"
    build_face(args.regular, "Regular", args.out / OUTPUTS["Regular"])
    build_face(args.bold, "Bold", args.out / OUTPUTS["Bold"])
    write_license(args.out / "OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
