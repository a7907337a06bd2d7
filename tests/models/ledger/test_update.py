"""Tests of models/ledger/update.py: the ledger's counts written back into a scenario."""

import hashlib
import shutil

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.read import read_ledger
from natplan.models.ledger.update import apply_to_scenario, update_scenario
from natplan.models.loader import load_scenario
from tests.models.ledger.conftest import DATA, FULL_ID


def test_apply_to_scenario(town):
    report = import_ledger(read_ledger(DATA / "bad_rows.csv"), town, "bad_rows.csv")
    new = apply_to_scenario(report, town)
    assert [g.ledger_people for g in new.grids()] == [2, 0, 1]
    assert [g.people for g in new.grids()] == [3, 2, 2]  # not filled
    filled = apply_to_scenario(report, town, fill=True)
    assert [(g.people, g.households) for g in filled.grids()] == [(2, 2), (0, 0), (1, 1)]
    assert [g.ledger_people for g in town.grids()] == [None, None, None]  # input untouched


def test_update_scenario_text(tmp_path):
    loaded = load_scenario(DATA / "town.yaml")
    ledger = DATA / "good.csv"
    report = import_ledger(read_ledger(ledger), loaded.scenario, "good.csv")
    update = update_scenario(report, loaded, ledger, tmp_path / "town.yaml")
    assert update.ok and update.errors == []
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()[:12]
    assert update.text.startswith(
        "# A two-village town for the ledger tests (tests/models/ledger/).\n"
        "# Its grids match good.csv: 甲村1组 3 people in 2 households, 甲村2组 2 in 2,\n"
        "# 乙村1组 2 in 1; one special-needs person in each grid.\n"
        f"# ledger_people from the people ledger good.csv (sha256 {digest}…, 7 rows) by natplan ledger\n"
        "# import.\nname: 台账测试镇\n")
    assert [g.ledger_people for g in update.scenario.grids()] == [3, 2, 2]
    assert not FULL_ID.search(update.text)
    # updating the updated file again replaces the ledger note instead of adding a second one
    (tmp_path / "town.yaml").write_text(update.text, encoding="utf-8")
    again = update_scenario(report, load_scenario(tmp_path / "town.yaml"), ledger, tmp_path / "town.yaml", fill=True)
    assert again.text.count("# ledger_people") == 1
    assert "# ledger_people, people and households from the people ledger good.csv" in again.text


def test_update_scenario_refuses_a_short_ledger(tmp_path):
    loaded = load_scenario(DATA / "town.yaml")
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "short.csv").write_text("\n".join(lines[:1] + lines[2:]), encoding="utf-8")  # G1 one short
    report = import_ledger(read_ledger(tmp_path / "short.csv"), loaded.scenario, "short.csv")
    update = update_scenario(report, loaded, tmp_path / "short.csv", tmp_path / "new.yaml")
    assert not update.ok and update.text == ""
    assert [p.format("new.yaml") for p in update.errors] == [
        "new.yaml: villages[0].grids[0].people: grid G1 has 3 people but its ledger lists 2"]
    filled = update_scenario(report, loaded, tmp_path / "short.csv", tmp_path / "new.yaml", fill=True)
    assert filled.ok and [(g.people, g.ledger_people) for g in filled.scenario.grids()] == [(2, 2), (2, 2), (2, 2)]


def test_update_scenario_rebases_a_relative_boundary(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DATA / "town.yaml", src / "town.yaml")
    text = (src / "town.yaml").read_text(encoding="utf-8")
    start = text.index("  boundary:\n")
    end = text.index("villages:")
    (src / "town.geojson").write_text(
        '{"type": "Polygon", "coordinates": [[[120.0, 36.0], [120.02, 36.0], [120.02, 36.02], [120.0, 36.02], '
        '[120.0, 36.0]]]}', encoding="utf-8")
    (src / "town.yaml").write_text(text[:start] + "  boundary: town.geojson\n" + text[end:], encoding="utf-8")
    loaded = load_scenario(src / "town.yaml")
    report = import_ledger(read_ledger(DATA / "good.csv"), loaded.scenario, "good.csv")
    def boundary(target):
        return update_scenario(report, loaded, DATA / "good.csv", target).scenario.region.boundary

    assert boundary(tmp_path / "a" / "b" / "t.yaml") == "../../in/town.geojson"
    assert boundary(src / "t.yaml") == "town.geojson"  # the same folder: unchanged
