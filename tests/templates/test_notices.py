"""Village notices: the QR code on the sheet, on the page and in notices/ reads back as the notice's text
(decoded by zxing-cpp from the SVG drawn into pixels here); the WeChat messages; household ranges kept on
one line in the PDF."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest

pypdf = pytest.importorskip("pypdf")
zxingcpp = pytest.importorskip("zxingcpp")

from natplan.templates.views import all_views  # noqa: E402
from tests.templates.conftest import PRINTED  # noqa: E402

MOVE = re.compile(r"([Mmh])(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?")


def svg_modules(svg: str) -> np.ndarray:
    """The dark modules of a segno QR SVG (one path of horizontal runs, ``M x y`` / ``m dx dy`` / ``h n``)."""
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // 4  # drawn at scale 4, quiet zone included
    d = re.search(r' d="([^"]+)"', svg).group(1)
    grid = np.zeros((size, size), dtype=bool)
    x = y = 0.0
    for op, a, b in MOVE.findall(d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            n = float(a)
            grid[int(y - 0.5), int(x):int(x + n)] = True
            x += n
    return grid


def decode(svg: str) -> str:
    from PIL import Image

    grid = svg_modules(svg)
    pixels = np.where(np.kron(grid, np.ones((6, 6), dtype=bool)), 0, 255).astype(np.uint8)
    (found,) = zxingcpp.read_barcodes(Image.fromarray(pixels))
    return found.text


@pytest.fixture(scope="module")
def views(tiny, tiny_plan):
    return all_views(tiny_plan, tiny.scenario, "zh", PRINTED)


def test_qr_codes_read_back_as_the_notice(tiny_set, views):
    files, _ = tiny_set
    html = files["index.html"].decode()
    for n in views["notices"]:
        svg = files[f"notices/{n['file']}.svg"].decode()
        assert decode(svg) == n["qr_text"]
        assert svg in html  # the same code on the phone page


def test_every_xiagezhuang_qr_code_reads_back(xia_set):
    _, files = xia_set
    texts = {name[:-4]: data.decode() for name, data in files.items() if name.endswith(".txt")}
    svgs = [name for name in files if name.endswith(".svg")]
    assert len(svgs) == len(texts) == 54
    for name in svgs:
        text = decode(files[name].decode())
        full = texts[name[:-4]]
        # the code holds the notice's head and schedule: the message's lines up to its instructions
        assert full.startswith(text.rstrip("\n").rsplit("\n", 1)[0]) and text.splitlines()[0] == full.splitlines()[0]


def test_wechat_messages_one_per_village(tiny_set, views):
    files, _ = tiny_set
    (n,) = views["notices"]
    text = files["notices/V1_甲村.txt"].decode("utf-8")
    assert text == n["text"]
    assert "V1" not in text.splitlines()[0]  # residents read the village's name, not its code
    assert "检测前：采样前 30 分钟内不要进食" in text and "错过时段：" in text


def test_household_ranges_stay_on_one_line_in_the_pdf(xia_set, xiagezhuang):
    plan, files = xia_set
    views = all_views(plan, xiagezhuang.scenario, "zh", PRINTED)
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files["rosters.pdf"])).pages]
    notices = {re.search(r"核酸检测通知 (\S+) 第", t).group(1): t for t in pages if re.search(r"核酸检测通知 \S+ 第", t)}
    checked = 0
    for n in views["notices"]:
        lines = notices[n["name"]].splitlines()
        for row in n["rows"]:
            for slot in row["lines"]:
                time, households = slot.split(" ")  # a line may break between the two, never inside either
                assert any(time in x for x in lines) and any(households in x for x in lines), (n["name"], slot)
                checked += 1
        assert not any(re.search(r"第\d*–?\d*$", x) or re.match(r"\d*–?\d*户", x) for x in lines), n["name"]
    assert checked == len(plan.slots)
