"""Output folders: natplan writes only into new, empty or its own folders, replaces only its own files,
and writes all at once (natplan.outfolder)."""

import json
import os

import pytest

from natplan.outfolder import MANIFEST, OutputFolder, plan_folder_of, read_manifest
from natplan.models.problems import InputError


def snapshot(folder):
    """Every entry below *folder* with its bytes (None for folders), to compare byte for byte."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), folder) + "/"] = None
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                out[os.path.relpath(os.path.join(root, f), folder)] = fh.read()
    return out


def victim(tmp_path):
    v = tmp_path / "victim"
    (v / "sub").mkdir(parents=True)
    (v / "notes.txt").write_text("important\n")
    (v / "sub" / "data.csv").write_text("a,b\n")
    return v


def test_new_folder_gets_files_and_manifest(tmp_path):
    out = tmp_path / "a" / "out"
    OutputFolder(out).write({"plan.json": b"{}", "base/x.pdf": b"%PDF"})
    assert (out / "plan.json").read_bytes() == b"{}"
    assert (out / "base" / "x.pdf").read_bytes() == b"%PDF"
    assert sorted(read_manifest(out)) == ["base/x.pdf", "plan.json"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["out"]  # no staging folder left


def test_foreign_folder_is_refused_and_left_byte_for_byte(tmp_path):
    v = victim(tmp_path)
    before = snapshot(v)
    with pytest.raises(InputError) as e:
        OutputFolder(v, display="out").write({"plan.json": b"{}"})
    assert str(e.value) == ("out: folder holds files natplan did not write (notes.txt, sub/); "
                            "choose an empty folder or pass --force")
    assert snapshot(v) == before


def test_force_keeps_foreign_files(tmp_path):
    v = victim(tmp_path)
    before = snapshot(v)
    OutputFolder(v, force=True).write({"plan.json": b"1"})
    after = snapshot(v)
    assert {k: after[k] for k in before} == before
    assert after["plan.json"] == b"1"
    # a second forced run replaces its own file and still keeps the rest
    OutputFolder(v, force=True).write({"other.json": b"2"})
    after = snapshot(v)
    assert {k: after[k] for k in before} == before
    assert "plan.json" not in after and after["other.json"] == b"2"


def test_natplan_folder_is_replaced(tmp_path):
    out = tmp_path / "out"
    OutputFolder(out).write({"plan.json": b"old", "townships/1/plan.json": b"t1", "gone.pdf": b"x"})
    OutputFolder(out).write({"plan.json": b"new", "townships/2/plan.json": b"t2"})
    assert snapshot(out) == {"plan.json": b"new", "townships/": None, "townships/2/": None,
                             "townships/2/plan.json": b"t2", MANIFEST: (out / MANIFEST).read_bytes()}
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == ["plan.json", "townships/2/plan.json"]


def test_a_changed_natplan_file_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    OutputFolder(out).write({"plan.xlsx": b"ours"})
    (out / "plan.xlsx").write_bytes(b"the user's notes")
    with pytest.raises(InputError, match=r"plan.xlsx \(changed since natplan wrote it\)"):
        OutputFolder(out).write({"plan.xlsx": b"again"})
    assert (out / "plan.xlsx").read_bytes() == b"the user's notes"


def test_empty_folder_is_fine(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    OutputFolder(out).write({"plan.json": b"{}"})
    assert (out / "plan.json").read_bytes() == b"{}"


def test_parent_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError) as e:
        OutputFolder(tmp_path / "f" / "out", display="f/out").check()
    assert str(e.value) == f"f/out: cannot create the folder: {tmp_path / 'f'} is a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_output_is_a_file(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(InputError, match="out: is a file, not a folder"):
        OutputFolder(tmp_path / "out", display="out").check()


def test_a_failed_commit_puts_every_old_file_back(tmp_path):
    out = tmp_path / "out"
    OutputFolder(out).write({"a.json": b"A", "b.json": b"B"})
    before = snapshot(out)
    (out / "b.json").unlink()
    (out / "b.json").mkdir()  # a folder in the way of the second file: the commit fails half-way
    (out / "b.json" / "x").write_text("user")
    before = snapshot(out)
    with pytest.raises((InputError, OSError)):
        OutputFolder(out, force=True).write({"a.json": b"A2", "b.json": b"B2"})
    assert snapshot(out) == before  # a.json was put back; nothing staged is left


def test_a_failure_while_filling_leaves_the_old_output_whole(tmp_path):
    out = tmp_path / "out"
    OutputFolder(out).write({"plan.json": b"old"})
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with OutputFolder(out).staged() as put:
            put("plan.json", b"new")
            raise RuntimeError("the solver failed")
    assert snapshot(out) == before


def test_print_adds_files_beside_foreign_ones(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "plan.json").write_text("{}")  # put there by hand
    OutputFolder(folder).write({"rosters.pdf": b"%PDF"}, replace_all=False)
    assert (folder / "plan.json").read_text() == "{}"
    with pytest.raises(InputError, match=r"holds files natplan did not write \(plan.json\)"):
        OutputFolder(folder).write({"plan.json": b"x"}, replace_all=False)


def test_plan_folder_of_a_township(tmp_path):
    out = tmp_path / "city"
    OutputFolder(out).write({"plan.json": b"{}", "townships/7/plan.json": b"{}"})
    assert plan_folder_of(out / "townships" / "7") == (out.resolve(), "townships/7/")
    assert plan_folder_of(out) == (out.resolve(), "")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; "
                    "tests/scheduler/test_cli_output.py runs this as another user")
def test_read_only_folder(tmp_path):
    out = tmp_path / "out"
    OutputFolder(out).write({"plan.json": b"{}"})
    os.chmod(out, 0o555)
    try:
        with pytest.raises(InputError, match="cannot write into the folder: Permission denied"):
            OutputFolder(out).check()
        assert sorted(os.listdir(out)) == [MANIFEST, "plan.json"]
    finally:
        os.chmod(out, 0o755)
