"""``natplan schema -o FILE`` and ``natplan generate PRESET -o FILE``: a file that exists is never replaced
unless ``--force`` says so (one line, exit 2, the file untouched); with ``--force`` it is replaced whole."""

from __future__ import annotations

import json

import pytest

from natplan.cli.main import main

COMMANDS = {"schema": ["schema"], "generate": ["generate", "qixia"]}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_existing_file_is_refused_and_left_as_it_was(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("my notes\n", encoding="utf-8")
    assert main([*COMMANDS[command], "-o", "mine.yaml"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "natplan: mine.yaml exists; choose another name or pass --force\n"
    assert captured.out == ""
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # no temporary file left


def test_a_link_to_nothing_counts_as_a_file_that_exists(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.json").symlink_to(tmp_path / "elsewhere.json")
    assert main(["schema", "-o", "schema.json"]) == 2
    assert capsys.readouterr().err == "natplan: schema.json exists; choose another name or pass --force\n"
    assert not (tmp_path / "elsewhere.json").exists()


def test_force_replaces_the_file_whole(tmp_path, capsys):
    target = tmp_path / "schema.json"
    target.write_text("old\n", encoding="utf-8")
    assert main(["schema", "-o", str(target), "--force"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema.json"]


def test_a_new_file_is_written_without_force(tmp_path, capsys):
    target = tmp_path / "sub" / "schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Scenario"


def test_a_folder_or_a_file_in_place_of_a_folder_is_one_line(tmp_path, capsys):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    assert main(["schema", "-o", str(tmp_path), "--force"]) == 2
    assert capsys.readouterr().err == f"natplan: {tmp_path} is a folder; give the file to write\n"
    assert main(["schema", "-o", str(tmp_path / "plain" / "s.json")]) == 2
    assert capsys.readouterr().err == (f"natplan: cannot write {tmp_path / 'plain' / 's.json'}: "
                                       f"{tmp_path / 'plain'} is a file, not a folder\n")
