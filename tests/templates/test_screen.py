"""index.html on a phone: self-contained (no file:// or machine paths, the font embedded), a jump list to
every village, unit, vehicle and team, the same text as the PDF, and — in a real headless Chromium at
390 px — nothing wider than the screen (a screenshot is kept in the test's temporary folder)."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pytest

pypdf = pytest.importorskip("pypdf")

from natplan.templates.views import all_views  # noqa: E402
from tests.templates.conftest import PRINTED  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
# Measures, inside the page, what sticks out past the right edge (SVG parts are clipped by their picture).
PROBE = """<script>
window.addEventListener('load', () => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.ownerSVGElement) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 0.5) out.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
  }
  parent.postMessage(JSON.stringify({width: w, scroll: document.documentElement.scrollWidth, over: out}), '*');
});
</script>"""
# Chromium's window is at least 500 px wide: the page is shown in a frame of a phone's width.
HOST = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="page.html" style="width:%dpx;height:%dpx;border:0;display:block"></iframe>
<pre id="result"></pre>
<script>window.addEventListener('message', e => { document.getElementById('result').textContent = e.data; });</script>
</body></html>""" % (PHONE_WIDTH, PHONE_HEIGHT)


def browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def run_browser(exe: str, url: str, *args: str) -> str:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=10000",
           f"--window-size=500,{PHONE_HEIGHT}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout


def test_no_file_urls_and_the_font_embedded(tiny_set):
    html = tiny_set[0]["index.html"].decode()
    assert "file://" not in html
    assert not re.search(r'(src|href)="/', html)  # no absolute paths
    assert re.search(r'@font-face \{ font-family: "natplan Noto Sans SC";[^}]*url\(data:font/otf;base64,', html)
    assert 'name="viewport"' in html


def test_jump_list_reaches_every_village_unit_vehicle_and_team(tiny, tiny_plan, xia_set, xiagezhuang):
    for scenario, plan, html in ((tiny.scenario, tiny_plan, None), (xiagezhuang.scenario, xia_set[0],
                                                                     xia_set[1]["index.html"].decode())):
        if html is None:
            from natplan.templates.outputs import render_outputs

            html = render_outputs(plan, scenario, None, printed_at=PRINTED)[0]["index.html"].decode()
        ids = set(re.findall(r'id="([^"]+)"', html))
        links = re.findall(r'href="#([^"]+)"', html)
        assert set(links) <= ids
        assert {f"v-{v.id}" for v in scenario.villages} <= set(links)
        assert {f"u-{d.unit}" for d in plan.units} <= set(links)
        assert {f"r-{r.vehicle}" for z in plan.routing.zones for r in z.routes} <= set(links)
        assert {f"t-{t.team}" for t in plan.staffing.home_teams} <= set(links)


def test_screen_and_print_show_the_same_text(tiny, tiny_plan, tiny_set):
    """Both faces read one view model: every slot, notice line, pickup and headline of it is on both."""
    from html import unescape

    files, _ = tiny_set
    html = unescape(re.sub(r"<[^>]+>", " ", files["index.html"].decode()))
    pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files["rosters.pdf"])).pages)
    views = all_views(tiny_plan, tiny.scenario, "zh", PRINTED)
    strings = [h["value"] for h in views["overview"]["headline"]] + [h["label"] for h in views["overview"]["headline"]]
    for u in views["rosters"]:
        strings += [s["households"] for s in u["slots"]] + [s["time"] for s in u["slots"]] + [u["homes"], u["finish"]]
        strings += [b for g in u["groups"] for r in g["rows"] for b in r["blocks"]]
    for n in views["notices"]:
        strings += [x for r in n["rows"] for x in r["lines"]] + [n["before"], n["missed"]]
    for tm in views["teams"]:
        strings += [tr["samples"] for tr in tm["trips"]] + [tm["meal"]]
    flat = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - line breaks differ between the faces
    html_flat, pdf_flat = flat(html), flat(pdf)
    missing = [(s, flat(s) in html_flat, flat(s) in pdf_flat) for s in strings
               if not (flat(s) in html_flat and flat(s) in pdf_flat)]
    assert missing == []


@pytest.mark.skipif(browser() is None, reason="no Chromium on this machine (Debian: apt-get install chromium); "
                                              "the 390-px phone check needs a real browser")
def test_nothing_overflows_a_390_px_phone(tiny, tiny_plan, xia_set, tmp_path):
    from natplan.templates.outputs import render_outputs

    exe = browser()
    long = tiny.scenario.model_dump()
    long["villages"][0]["grids"][0]["name"] = "甲村第一居民小组（东风路以北、解放路以东的全部住户）" * 2
    long["units"][0]["name"] = "LongUnitNameWithoutAnySpaceToBreakAt" * 2
    from natplan.models.scenario import Scenario

    pages = {"xiagezhuang": xia_set[1]["index.html"].decode(),
             "long": render_outputs(tiny_plan, Scenario.model_validate(long), tiny.geometry,
                                    printed_at=PRINTED)[0]["index.html"].decode()}
    for name, html in pages.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "page.html").write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        (folder / "host.html").write_text(HOST, encoding="utf-8")
        dom = run_browser(exe, (folder / "host.html").as_uri(), "--dump-dom")
        found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
        assert found and found.group(1), f"{name}: the page did not report (browser output: {dom[-300:]!r})"
        result = json.loads(found.group(1).replace("&quot;", '"'))
        assert result["width"] == PHONE_WIDTH, result
        assert result["scroll"] <= PHONE_WIDTH and result["over"] == [], (name, result)
        shot = folder / "phone.png"
        run_browser(exe, (folder / "host.html").as_uri(), f"--screenshot={shot}")
        assert shot.is_file() and shot.stat().st_size > 10_000
