"""Output folders that never lose a user's files.

natplan writes its results into a folder (``natplan plan S -o OUT``).  The
rules, for every command that writes one:

- OUT may be new, empty, or a folder natplan wrote before.  natplan knows its
  own folders by the manifest it leaves in them, :data:`MANIFEST`, which lists
  every file it wrote with its SHA-256.
- Any other folder is refused (:class:`InputError`, exit 2), naming what
  natplan did not write; so is a natplan file changed since natplan wrote it.
  ``force=True`` (``--force``) writes anyway, but even then only the files
  in the manifest are replaced or removed: nothing else is touched.
- The output path is checked (:meth:`OutputFolder.check`) before anything is
  solved: the parent is a folder, OUT is a folder if it exists, it can be
  written, and the rule above holds.
- Writing is all or nothing.  A new folder is filled beside OUT and renamed
  into place.  An existing one is updated by renames inside it: the new files
  are staged in a hidden folder in OUT, each old file is moved aside as its
  replacement goes in, and any failure moves them all back.  No staging
  folder is left behind, whatever the permissions.

Typical use::

    folder = OutputFolder(Path("out"), force=False)
    folder.check()                 # before solving: raises InputError in words
    ...                            # solve and render
    folder.write({"plan.json": b"...", "rosters.pdf": b"..."})
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from natplan.models.atomic import current_umask
from natplan.models.problems import InputError

MANIFEST = ".natplan-manifest.json"
_STAGE_PREFIX = ".natplan-stage-"  # staging folders natplan makes (and always removes) inside OUT
_SHOWN = 6  # foreign names listed in a refusal before "…"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The files natplan wrote into *folder* (relative POSIX path → SHA-256), or None when it has no
    readable manifest."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            return {k: v for k, v in files.items() if _safe_name(k)}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def manifest_bytes(files: dict[str, str]) -> bytes:
    """The manifest's canonical bytes (sorted, so the same files give the same manifest)."""
    body = {"about": "files natplan wrote into this folder; natplan replaces only these",
            "files": dict(sorted(files.items()))}
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode()


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and name != MANIFEST


def _walk(folder: Path) -> list[str]:
    """Every file and symlink below *folder* (relative POSIX paths), and every empty folder (with a
    trailing ``/``)."""
    out = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        rel = Path(root).relative_to(folder)
        for d in list(dirs):
            if (Path(root) / d).is_symlink():  # a link to a folder is an entry, never followed
                dirs.remove(d)
                files.append(d)
        if not dirs and not files and rel != Path("."):
            out.append(rel.as_posix() + "/")
        out += [(rel / f).as_posix() for f in files]
    return out


@dataclass
class OutputFolder:
    """A folder natplan is about to write (see the module's docstring for the rules).

    *path* is the folder; *force* writes into a folder that holds files natplan
    did not write (they are kept). *display* is how messages name the folder.
    """

    path: Path
    force: bool = False
    display: str | None = None

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.display = self.display or str(self.path)

    def _error(self, message: str) -> InputError:
        return InputError.single(self.display, message)

    # ---- the checks, before anything is solved ----

    def check(self, names: list[str] | None = None) -> None:
        """Raise :class:`InputError` (one line) unless the folder can be written by the rules.

        With *names* (a command that adds files to a folder, as ``print``) only
        those files must be natplan's or absent; the folder may hold others.
        """
        path = self.path
        # the nearest part of the path that exists must be a folder we can write into
        probe = path
        while not os.path.lexists(probe):
            if probe.parent == probe:
                break
            probe = probe.parent
        if probe != path:
            if not probe.is_dir():
                raise self._error(f"cannot create the folder: {probe} is a file, not a folder")
            self._check_writable(probe)
            return
        if path.is_symlink() and not path.is_dir():
            raise self._error("is a link to nothing (or to a file), not a folder")
        if not path.is_dir():
            raise self._error("is a file, not a folder; choose a folder")
        foreign = self.foreign(names)
        if foreign and not self.force:
            shown = ", ".join(foreign[:_SHOWN]) + (" …" if len(foreign) > _SHOWN else "")
            raise self._error(f"folder holds files natplan did not write ({shown}); "
                              "choose an empty folder or pass --force")
        self._check_writable(path)
        for name in read_manifest(path) or {}:
            parent = (path / name).parent
            if parent.is_dir() and parent != path:
                self._check_writable(parent)

    def _check_writable(self, folder: Path) -> None:
        """Make and remove a staging folder in *folder*: the only test that holds for root, ACLs and
        read-only mounts alike."""
        try:
            tmp = tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=folder)
            os.rmdir(tmp)
        except OSError as e:
            where = "" if folder == self.path else f" ({folder})"
            raise self._error(f"cannot write into the folder{where}: {e.strerror or e}") from None

    def foreign(self, names: list[str] | None = None) -> list[str]:
        """What the folder holds that natplan did not write (top-level names, folders with a ``/``), and
        natplan files changed since (marked so). Empty for a new or empty folder. With *names*, only those
        of *names* that exist are looked at."""
        if not self.path.is_dir():
            return []
        manifest = read_manifest(self.path) or {}
        changed: list[str] = []
        tops: dict[str, None] = {}
        entries = _walk(self.path) if names is None else [n for n in names if os.path.lexists(self.path / n)]
        for rel in sorted(entries):
            if rel == MANIFEST and manifest is not None and (self.path / MANIFEST).is_file():
                continue
            if rel.startswith(_STAGE_PREFIX) and rel.split("/")[0].startswith(_STAGE_PREFIX):
                continue  # a staging folder of an earlier natplan run that was killed: ours
            if rel in manifest:
                full = self.path / rel
                if full.is_symlink() or not full.is_file() or sha256_file(full) != manifest[rel]:
                    changed.append(f"{rel} (changed since natplan wrote it)")
                continue
            if rel.endswith("/") and any(k.startswith(rel) for k in manifest):
                continue  # an emptied folder of natplan's own
            head, sep, _ = rel.partition("/")
            tops[head + ("/" if sep else "")] = None
        return list(tops) + changed

    # ---- writing ----

    def write(self, files: dict[str, bytes], *, replace_all: bool = True) -> None:
        """Write *files* (relative POSIX path → bytes) all at once, with the manifest.

        With *replace_all* (``plan``, ``compare``) the files of the previous run
        that are not in *files* are removed (only those: they are in its
        manifest). Without it (``print``), *files* are added to or replace the
        folder's natplan files and the rest stay.
        """
        with self.staged(replace_all=replace_all, names=None if replace_all else list(files)) as put:
            for name, data in files.items():
                put(name, data)

    @contextmanager
    def staged(self, *, replace_all: bool = True, names: list[str] | None = None):
        """Yield ``put(name, data)`` to add files one at a time (a city's townships as they come); they go
        into place together when the block ends, and not at all if it raises."""
        self.check(names)  # the folder may have changed while the plan was solved
        fresh = not os.path.lexists(self.path)
        if fresh:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.natplan-", dir=self.path.parent))
            new_dir = stage
        else:
            stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=self.path))
            new_dir = stage / "new"
            new_dir.mkdir()
        digests: dict[str, str] = {}
        mode = 0o666 & ~current_umask()

        def put(name: str, data: bytes) -> None:
            if not _safe_name(name):
                raise ValueError(f"not a file name inside the folder: {name!r}")
            target = new_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, mode)
            digests[name] = hashlib.sha256(data).hexdigest()

        try:
            yield put
            if fresh:
                os.chmod(stage, 0o777 & ~current_umask())  # mkdtemp makes 0700; the folder is for people
                (stage / MANIFEST).write_bytes(manifest_bytes(digests))
                os.rename(stage, self.path)  # fails, rather than replacing, if something appeared meanwhile
            else:
                self._commit(stage, new_dir, digests, replace_all)
        except BaseException:
            _remove_tree(stage)
            raise

    def _commit(self, stage: Path, new_dir: Path, digests: dict[str, str], replace_all: bool) -> None:
        """Move the staged files into the existing folder; on any failure, put every old file back."""
        path = self.path
        old = read_manifest(path) or {}
        aside = stage / "old"
        aside.mkdir()
        moved: list[tuple[Path, Path]] = []  # (where it was, where it is now) for the roll-back
        created: list[Path] = []
        made_dirs: list[Path] = []
        (new_dir / MANIFEST).write_bytes(manifest_bytes(digests if replace_all else {**old, **digests}))
        gone = [n for n in old if n not in digests] if replace_all else []
        try:
            for name in [*digests, MANIFEST, *gone]:
                target = path / name
                if os.path.lexists(target):
                    if target.is_dir() and not target.is_symlink():
                        raise OSError(f"{name} is a folder in the way of a file")
                    keep = aside / name
                    keep.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(target, keep)
                    moved.append((target, keep))
                if name in digests or name == MANIFEST:
                    for parent in reversed(PurePosixPath(name).parents[:-1]):
                        if not (path / parent).is_dir():
                            (path / parent).mkdir()
                            made_dirs.append(path / parent)
                    os.rename(new_dir / name, target)
                    created.append(target)
        except BaseException:
            for target in reversed(created):
                target.unlink(missing_ok=True)
            for target, keep in reversed(moved):
                os.rename(keep, target)
            for d in reversed(made_dirs):
                try:
                    d.rmdir()
                except OSError:
                    pass
            raise
        _remove_tree(stage)
        for name in gone:  # folders that held only natplan's removed files
            parent = (path / name).parent
            while parent != path:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent


def _remove_tree(folder: Path) -> None:
    """Remove a staging folder natplan made, making its folders writable first if they are not."""
    def onerror(func, name, _exc):
        try:
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            func(name)
        except OSError:
            pass

    if os.path.lexists(folder):
        shutil.rmtree(folder, onerror=onerror)


def plan_folder_of(folder: Path) -> tuple[Path, str]:
    """The natplan output folder that holds *folder* (itself, or the nearest parent with a manifest that
    lists files below it, as a city's ``townships/<id>``), and *folder*'s path relative to it."""
    folder = Path(folder).resolve()
    for root in [folder, *folder.parents]:
        manifest = read_manifest(root)
        if manifest is not None:
            rel = "" if root == folder else folder.relative_to(root).as_posix() + "/"
            if root == folder or any(k.startswith(rel) for k in manifest):
                return root, rel
    return folder, ""
