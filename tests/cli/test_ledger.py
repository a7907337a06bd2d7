"""Tests of cli/ledger.py: ``natplan ledger import``, its printing, exit codes and the --update write."""

import argparse
import re
from pathlib import Path

import pytest

from natplan.cli import main
from natplan.cli.ledger import ledger_import_main
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError

DATA = Path(__file__).resolve().parents[1] / "data" / "ledger"
FULL_ID = re.compile(r"\d{17}[\dX]")


def _args(**kw):
    base = dict(encoding=None, map=[], update=None, lang="en")
    return argparse.Namespace(**{**base, **kw})


def test_main_exit_codes_and_update(tmp_path, capsys):
    scenario = DATA / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "bad_rows.csv", scenario=scenario)) == 1
    out = capsys.readouterr().out
    assert f"{DATA / 'bad_rows.csv'}: row 3: bad ID number 370285********1235: bad check digit" in out
    # a clean ledger: exit 0 and the scenario written with ledger_people
    target = tmp_path / "out" / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "good.csv", scenario=scenario, update=target)) == 0
    assert [g.ledger_people for g in load_scenario(target).scenario.grids()] == [3, 2, 2]
    # bad rows: nothing written
    other = tmp_path / "other.yaml"
    assert ledger_import_main(_args(file=DATA / "bad_rows.csv", scenario=scenario, update=other)) == 1
    assert not other.exists()
    # a ledger one person short in G1: exit 1, not written unless filled from the ledger
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "short.csv").write_text("\n".join(lines[:1] + lines[2:]), encoding="utf-8")
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario)) == 1
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario, update=other)) == 1
    assert not other.exists()
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario, update=other, fill=True)) == 0
    assert [(g.people, g.ledger_people) for g in load_scenario(other).scenario.grids()] == [(2, 2), (2, 2), (2, 2)]
    # unreadable input propagates as InputError (the CLI exits 2)
    with pytest.raises(InputError):
        ledger_import_main(_args(file=DATA / "utf16.csv", scenario=scenario))
    with pytest.raises(InputError, match="--map"):
        ledger_import_main(_args(file=DATA / "good.csv", scenario=scenario, map=["姓名"]))


def test_main_says_why_nothing_was_written(tmp_path, capsys):
    scenario = DATA / "town.yaml"
    other = tmp_path / "other.yaml"
    assert ledger_import_main(_args(file=DATA / "bad_rows.csv", scenario=scenario, update=other, lang="zh")) == 1
    assert capsys.readouterr().out.splitlines()[-1] == f"{other}: 未写入：请先修正上面列出的问题行"
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "short.csv").write_text("\n".join(lines[:1] + lines[2:]), encoding="utf-8")
    assert ledger_import_main(_args(file=tmp_path / "short.csv", scenario=scenario, update=other)) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"{other}: villages[0].grids[0].people: grid G1 has 3 people but its ledger lists 2",
        f"{other}: not written: the updated scenario breaks the rules above (--fill takes people from the ledger)",
    ]
    assert not other.exists()


def test_main_update_elsewhere_keeps_the_boundary_file(tmp_path, capsys):
    # the scenario refers to its boundary by a relative path; the update is written to another folder
    src = tmp_path / "in"
    src.mkdir()
    text = (DATA / "town.yaml").read_text(encoding="utf-8")
    boundary = re.search(r"  boundary:\n    type: Polygon\n    coordinates: (.*)\n", text)
    (src / "town.geojson").write_text(f'{{"type": "Polygon", "coordinates": {boundary.group(1)}}}', encoding="utf-8")
    (src / "town.yaml").write_text(text.replace(boundary.group(0), "  boundary: town.geojson\n"), encoding="utf-8")
    target = tmp_path / "out" / "deeper" / "town.yaml"
    assert ledger_import_main(_args(file=DATA / "good.csv", scenario=src / "town.yaml", update=target, lang="zh")) == 0
    assert "boundary: ../../in/town.geojson" in target.read_text(encoding="utf-8")
    updated = load_scenario(target)
    assert updated.geometry is not None and [g.ledger_people for g in updated.scenario.grids()] == [3, 2, 2]
    out = capsys.readouterr().out
    assert "与场景比对（场景→台账）：3 个网格中 3 个人数一致" in out
    assert out.splitlines()[-1] == f"{target}：已写入各网格台账人数"
    assert not FULL_ID.search(out + target.read_text(encoding="utf-8"))


def test_natplan_ledger_import(tmp_path, capsys):
    scenario = str(DATA / "town.yaml")
    assert main(["ledger", "import", str(DATA / "good.csv"), "--scenario", scenario, "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"{DATA / 'good.csv'}: 7 rows, UTF-8: 7 good, 0 with problems"
    assert main(["ledger", "import", str(DATA / "good.csv"), "--scenario", scenario, "--map", "姓名=nom"]) == 2
    assert capsys.readouterr().err == ("--map: '姓名=nom': unknown field 'nom'; "
                                       "fields: name, id_number, village, grid, household, phone, special\n")


@pytest.mark.parametrize("make, target, message", [
    # once FileExistsError from mkdir: the folder to write into is a file
    (lambda t: (t / "afile").write_text("x"), "afile/new.yaml", "cannot be written: {t}/afile is a file, not a folder"),
    (lambda t: (t / "afile").write_text("x"), "afile/deeper/new.yaml",
     "cannot be written: {t}/afile is a file, not a folder"),
    # once IsADirectoryError from the rename: the target is a folder
    (lambda t: (t / "adir").mkdir(), "adir", "is a folder, not a file; give the file to write the updated scenario to"),
])
def test_update_into_a_place_that_cannot_take_a_file(tmp_path, capsys, make, target, message):
    make(tmp_path)
    path = tmp_path / target
    code = main(["ledger", "import", str(DATA / "good.csv"), "--scenario", str(DATA / "town.yaml"), "--update",
                 str(path), "--lang", "en"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"{path}: {message.format(t=tmp_path)}\n")


def test_an_id_number_typed_in_groups_is_never_printed_whole(tmp_path, capsys):
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",甲村,", ",370285 19900307 1234,")  # the ID typed again into the village cell
    lines[2] = lines[2].replace(",1组,", ",370285-1985-0615-0028,")
    (tmp_path / "l.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ledger", "import", str(tmp_path / "l.csv"), "--scenario", str(DATA / "town.yaml"), "--lang",
                 "en"]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'l.csv'}: row 2: unknown village 370285********1234" in out
    assert f"{tmp_path / 'l.csv'}: row 3: unknown grid 370285********0028 in village 甲村 (V1)" in out
    assert not FULL_ID.search(re.sub(r"(?<=\d)[ -](?=\d)", "", out))


def _import(*extra: str) -> list[str]:
    return ["ledger", "import", str(DATA / "good.csv"), "--lang", "en", *extra]


def test_update_never_replaces_a_file_natplan_was_not_told_to(tmp_path, capsys):
    # an existing file that is not the scenario: refused before the ledger is read, left as it was
    notes = tmp_path / "notes.yaml"
    notes.write_text("my notes\n", encoding="utf-8")
    code = main(_import("--scenario", str(DATA / "town.yaml"), "--update", str(notes)))
    assert (code, *capsys.readouterr()) == (2, "", f"natplan: {notes} exists; choose another name or pass --force\n")
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    # --force is the instruction to replace it (no backup: natplan was told)
    assert main(_import("--scenario", str(DATA / "town.yaml"), "--update", str(notes), "--force")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{notes}: written with each grid's ledger count"
    assert [g.ledger_people for g in load_scenario(notes).scenario.grids()] == [3, 2, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.yaml"]


def test_update_of_the_scenario_itself_keeps_the_text_it_had(tmp_path, capsys):
    town = tmp_path / "town.yaml"
    before = (DATA / "town.yaml").read_bytes()
    town.write_bytes(before)
    assert main(_import("--scenario", str(town), "--update", str(town))) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{town}: written with each grid's ledger count; the file as it was is kept as town.yaml.bak")
    assert (tmp_path / "town.yaml.bak").read_bytes() == before
    assert [g.ledger_people for g in load_scenario(town).scenario.grids()] == [3, 2, 2]
    # again (say, after the ledger was corrected): the first backup stays, the next one is new
    once = town.read_bytes()
    assert main(_import("--scenario", str(town), "--update", str(town), "--lang", "zh")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{town}：已写入各网格台账人数；原文件另存为 town.yaml.bak2"
    assert (tmp_path / "town.yaml.bak").read_bytes() == before
    assert (tmp_path / "town.yaml.bak2").read_bytes() == once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["town.yaml", "town.yaml.bak", "town.yaml.bak2"]


def test_update_through_a_link_to_the_scenario_writes_the_file_and_keeps_the_link(tmp_path, capsys):
    town = tmp_path / "town.yaml"
    town.write_bytes((DATA / "town.yaml").read_bytes())
    link = tmp_path / "current.yaml"
    link.symlink_to(town.name)
    assert main(_import("--scenario", str(town), "--update", str(link))) == 0
    assert link.is_symlink() and [g.ledger_people for g in load_scenario(town).scenario.grids()] == [3, 2, 2]
    assert (tmp_path / "town.yaml.bak").read_bytes() == (DATA / "town.yaml").read_bytes()


def test_a_scenario_changed_while_its_ledger_was_read_is_not_written(tmp_path, capsys, monkeypatch):
    import natplan.cli.ledger as cli_ledger

    town = tmp_path / "town.yaml"
    town.write_bytes((DATA / "town.yaml").read_bytes())
    edited = town.read_text(encoding="utf-8") + "# an edit saved meanwhile\n"
    read = cli_ledger.read_ledger

    def read_while_edited(*a, **kw):  # someone saves the scenario while the ledger is read
        town.write_text(edited, encoding="utf-8")
        return read(*a, **kw)

    monkeypatch.setattr(cli_ledger, "read_ledger", read_while_edited)
    code = main(_import("--scenario", str(town), "--update", str(town)))
    err = capsys.readouterr().err
    assert (code, err) == (2, f"{town}: changed since natplan read it; nothing was written: run the import again\n")
    assert town.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in tmp_path.iterdir()) == ["town.yaml"]


def test_a_backup_is_kept_where_files_cannot_be_linked(tmp_path, monkeypatch):
    from natplan.cli.ledger import keep_backup

    def no_links(a, b):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", no_links)
    town = tmp_path / "town.yaml"
    town.write_text("a\n", encoding="utf-8")
    (tmp_path / "town.yaml.bak").write_text("older\n", encoding="utf-8")
    assert keep_backup(town, b"a\n") == tmp_path / "town.yaml.bak2"
    assert (tmp_path / "town.yaml.bak").read_text(encoding="utf-8") == "older\n"
    assert (tmp_path / "town.yaml.bak2").read_bytes() == b"a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["town.yaml", "town.yaml.bak", "town.yaml.bak2"]
