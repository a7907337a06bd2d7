"""``-o`` as a user meets it: foreign folders refused, --force keeps them, natplan folders replaced, the path
checked before anything is solved, and no worker process outliving natplan."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import natplan.scheduler.pipeline as pipeline
from natplan.cli import main
from tests.models.test_outfolder import snapshot, victim

ROOT = Path(__file__).resolve().parents[2]
NATPLAN = [sys.executable, "-m", "natplan"]


def test_foreign_folder_refused_byte_for_byte(tmp_path, capsys, data_dir):
    v = victim(tmp_path)
    before = snapshot(v)
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(v)]) == 2
    err = capsys.readouterr().err
    assert err == (f"{v}: folder holds files natplan did not write (notes.txt, sub/); "
                   "choose an empty folder or pass --force\n")
    assert snapshot(v) == before


def test_force_keeps_foreign_files_and_a_rerun_replaces_natplan_files(tmp_path, capsys, data_dir):
    v = victim(tmp_path)
    before = snapshot(v)
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(v), "--force"]) == 0
    after = snapshot(v)
    assert {k: after[k] for k in before} == before
    assert {"plan.json", "rosters.pdf", "plan.xlsx", "index.html", ".natplan-manifest.json"} <= set(after)
    # without the foreign files, the folder is natplan's: a plain rerun replaces it
    os.remove(v / "notes.txt")
    shutil.rmtree(v / "sub")
    (v / "plan.json").write_bytes(b"")  # the user emptied a natplan file: it is theirs now
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(v)]) == 2
    assert "plan.json (changed since natplan wrote it)" in capsys.readouterr().err


def test_natplan_folder_is_replaced(tmp_path, data_dir):
    out = tmp_path / "out"
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(out)]) == 0
    first = (out / "plan.json").read_bytes()
    (out / "plan.json").write_bytes(first)  # the same bytes: still natplan's
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(out), "--seed", "7"]) == 0
    assert sorted(os.listdir(out)) == [".natplan-manifest.json", "index.html", "notices", "plan.json", "plan.xlsx",
                                       "rosters.pdf"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


@pytest.fixture
def no_solving(monkeypatch):
    """plan_round fails the test if it is reached: the output path must be refused before."""
    def reached(*a, **kw):
        raise AssertionError("the round was planned before the output path was checked")

    monkeypatch.setattr(pipeline, "plan_round", reached)


def test_parent_is_a_file_before_solving(tmp_path, capsys, data_dir, no_solving):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "out"
    assert main(["plan", str(data_dir / "tiny.yaml"), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"{out}: cannot create the folder: {tmp_path / 'file'} is a file, not a folder\n"
    assert sorted(os.listdir(tmp_path)) == ["file"]


def other_user() -> list[str]:
    """A command prefix that runs as a user who cannot write root's folders (root ignores permissions)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_read_only_folder_before_solving(data_dir):
    base = Path(tempfile.mkdtemp(prefix="natplan-ro-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        out = base / "out"
        out.mkdir()
        (out / "plan.json").write_text("{}")
        (out / ".natplan-manifest.json").write_text(
            '{"files": {"plan.json": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}}')
        os.chmod(out, 0o555)
        before = snapshot(base)
        env = {**os.environ, "HOME": str(base)}
        t0 = time.monotonic()
        r = subprocess.run([*other_user(), *NATPLAN, "plan", str(data_dir / "tiny.yaml"), "-o", str(out)],
                           capture_output=True, text=True, env=env, cwd=base, timeout=120)
        assert r.returncode == 2, r.stderr
        assert r.stderr == f"{out}: cannot write into the folder: Permission denied\n"
        assert r.stdout == ""
        assert snapshot(base) == before  # nothing left behind, not even a hidden staging folder
    finally:
        os.chmod(base / "out", 0o755)
        shutil.rmtree(base)


def children_of(pid: int) -> set[int]:
    """Process ids whose parent is *pid* (from /proc)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def alive(pid: int) -> bool:
    """Running (not a zombie waiting to be reaped) by its process id."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_no_worker_outlives_natplan(tmp_path, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen([*NATPLAN, "plan", str(ROOT / "scenarios" / "xiagezhuang.yaml"), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    kids: set[int] = set()
    deadline = time.monotonic() + 60
    while len(kids) < 2 and time.monotonic() < deadline and proc.poll() is None:
        kids |= children_of(proc.pid)  # the render workers and the solve worker start at once
        time.sleep(0.05)
    time.sleep(1.0)
    kids |= children_of(proc.pid)
    assert len(kids) >= 2 and proc.poll() is None, "natplan plan started no workers, or ended too soon"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    time.sleep(5)
    assert [k for k in kids if alive(k)] == []
    assert not out.exists()
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert err.strip().splitlines()[-1] == "natplan: interrupted; nothing was written"
    elif sig == signal.SIGTERM:
        assert proc.returncode == 143
    assert sorted(os.listdir(tmp_path)) == []
