"""Labels: every key the code asks for exists in both languages, with the same placeholders."""

import re
import string
from pathlib import Path

from natplan.models.scenario import Instructions, SpecialCategory
from natplan.models.summary import summarize
from natplan.scheduler.whatif import VARY_KEYS
from natplan.templates.comparison import COLUMNS
from natplan.templates.excel import SHEETS
from natplan.templates.i18n import LABELS, t

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")
LABEL_USE = re.compile(r"\bL\.([a-z0-9_]+)")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_lookup_and_fallback():
    assert (t("people"), t("people", "zh"), t("people", "en")) == ("人数", "人数", "People")
    assert t("no_such_label", "en") == "no_such_label"
    assert t("hh_fmt", "en").format(a=1, b=30) == "no. 1–30"


def test_both_languages_say_something_with_the_same_placeholders():
    """The same fields in both; a sentence may take a field's form in its own language (``<field>_zh``,
    ``<field>_en``)."""
    for key, (zh, en) in LABELS.items():
        assert zh.strip() and en.strip(), key
        assert {f.removesuffix("_zh") for f in _fields(zh)} == {f.removesuffix("_en") for f in _fields(en)}, key


def test_every_literal_key_in_the_code_and_the_templates_has_a_label():
    used = set()
    for folder in ("templates", "cli"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html"):
                used |= set(CALL.findall(path.read_text(encoding="utf-8")))
    used -= {"key", "cat_", "cmp_", "status_", "ins_"}  # a parameter name and the prefixes below
    # the print and screen templates read labels as L.key (see the last test)
    read = set(LABEL_USE.findall((ROOT / "templates" / "print" / "plan.typ").read_text(encoding="utf-8")))
    assert len(used) > 60 and len(used | read) > 100
    assert sorted(used - set(LABELS)) == []


def test_every_key_made_from_a_prefix_has_a_label(tiny):
    made = {f"cat_{c.value}" for c in SpecialCategory} | {f"status_{s}" for s in ("ok", "low", "high")}
    made |= {f"ins_{k}" for k in Instructions.model_fields}
    made |= {f"cmp_{k}" for k in (*VARY_KEYS, *COLUMNS)} | set(SHEETS)
    summary = summarize(tiny.scenario)
    made |= set(summary.counts) | {c.key for c in summary.checks}
    assert sorted(made - set(LABELS)) == []



def test_every_label_the_print_and_screen_templates_use_exists():
    """The Typst and the screen template read labels as ``L.key`` from the view model's label table."""
    used = set()
    for name in ("print/plan.typ", "screen.html"):
        used |= set(LABEL_USE.findall((ROOT / "templates" / name).read_text(encoding="utf-8")))
    assert len(used) > 60
    assert sorted(used - set(LABELS)) == []
