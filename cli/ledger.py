"""``natplan ledger import``: the command-line side of :mod:`natplan.models.ledger`.

``--update FILE`` writes the scenario with the ledger's counts.  natplan replaces no file it did not write unless
told to: FILE is a new file; or the ``--scenario`` file itself, which is the instruction to update it in place
(the text it had is kept beside it as ``FILE.bak``, and nothing is written if it changed since natplan read it);
any other existing file is refused without ``--force``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from natplan.models.ledger import import_ledger, parse_map, read_ledger, update_scenario
from natplan.models.loader import LoadedScenario, load_scenario
from natplan.models.problems import InputError
from natplan.models.atomic import current_umask, write_atomic


BACKUPS = 100  # FILE.bak, FILE.bak2 … FILE.bak100: the texts a scenario updated in place had


def same_file(a: Path, b: Path | None) -> bool:
    """``a`` and ``b`` are one existing file (through links too)."""
    try:
        return b is not None and os.path.samefile(a, b)
    except OSError:
        return False


def check_update_target(target: Path, scenario: Path | None = None, force: bool = False) -> None:
    """Refuse an ``--update`` path that cannot or may not take the file, before the ledger is read.

    Parameters
    ----------
    target
        The ``--update`` path.
    scenario
        The ``--scenario`` file: updating it in place is allowed (see :func:`write_update`).
    force
        ``--force``: replace an existing file other than the scenario.

    Raises
    ------
    InputError
        When ``target`` is a folder; when it exists, is not the scenario and ``force`` is not given
        (``natplan: FILE exists; choose another name or pass --force``); when the nearest existing folder
        above it is a file, or when that folder cannot be written to.
    """
    display = str(target)
    if target.is_dir():
        raise InputError.single(display, "is a folder, not a file; give the file to write the updated scenario to")
    if os.path.lexists(target) and not force and not same_file(target, scenario):
        raise InputError.single("natplan", f"{display} exists; choose another name or pass --force")
    probe = target.parent
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise InputError.single(display, f"cannot be written: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError.single(display, f"cannot be written: no permission to write in {probe}")


def keep_backup(path: Path, data: bytes) -> Path:
    """Write ``data`` beside ``path`` as ``NAME.bak`` (or ``NAME.bak2`` … when that exists): a new file, never one
    that exists, written whole or not at all.

    Returns
    -------
    Path
        The backup written.

    Raises
    ------
    OSError
        When it cannot be written; FileExistsError when all :data:`BACKUPS` names are taken.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())
        for k in range(1, BACKUPS + 1):
            backup = path.with_name(f"{path.name}.bak{k if k > 1 else ''}")
            try:
                os.link(tmp, backup)  # fails when the name is taken: nothing is replaced
                return backup
            except FileExistsError:
                continue
            except OSError:  # a file system with no links (a FAT stick): made new, written in place
                try:
                    with open(backup, "xb") as f:
                        f.write(data)
                    return backup
                except FileExistsError:
                    continue
        raise FileExistsError(f"{path.name}.bak … {path.name}.bak{BACKUPS} all exist")
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_update(target: Path, text: str, loaded: LoadedScenario) -> Path | None:
    """Write the updated scenario ``text`` at ``target``, atomically.

    When ``target`` is the scenario file itself it is updated in place: only when it still holds the bytes that
    were read (its SHA-256 is ``loaded.digest``), and the text it had is kept first (:func:`keep_backup`).

    Returns
    -------
    Path or None
        The backup, when the scenario was updated in place.

    Raises
    ------
    InputError
        When the scenario changed since it was read (nothing is written), or the file cannot be written.
    """
    backup = None
    try:
        if same_file(target, loaded.path):
            target = Path(os.path.realpath(target))  # a link to the scenario stays a link
            now = target.read_bytes()
            if hashlib.sha256(now).hexdigest() != loaded.digest:
                raise InputError.single(str(target), "changed since natplan read it; nothing was written: "
                                                     "run the import again")
            backup = keep_backup(target, now)
        write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as e:
        raise InputError.single(str(target), f"cannot be written ({e.strerror or e})") from None
    return backup


def ledger_import_main(args) -> int:
    """``natplan ledger import FILE --scenario S``: check a ledger, print the report, optionally update.

    Parameters
    ----------
    args
        The parsed arguments:

        - ``file`` (Path): the ledger, ``.xlsx`` or ``.csv``;
        - ``scenario`` (Path): the scenario file;
        - ``encoding`` (str or None): CSV encoding, None to detect;
        - ``map`` (list of ``HEADER=FIELD`` strings, may be empty);
        - ``update`` (Path or None): write the scenario with each grid's
          ``ledger_people`` here (atomically), only when the ledger has no
          bad rows and the result passes the scenario checks: a new file, or
          the scenario itself (:func:`write_update`);
        - optional ``force`` (bool, default False): with ``update``, replace
          an existing file other than the scenario;
        - ``lang`` (``"zh"`` or ``"en"``);
        - optional ``fill`` (bool, default False): with ``update``, also set
          each grid's ``people`` and ``households`` from the ledger;
        - optional ``sheet`` (str or None): workbook sheet, default the first.

    Returns
    -------
    int
        0 when every row is good and no grid has more people in the scenario
        than on the ledger (after the update, if one was written); 1 when
        rows have problems (listed) or grids fall short.

    Raises
    ------
    InputError
        For unreadable input, an ``update`` path that cannot or may not take the file (an existing file other
        than the scenario without ``force``), or a scenario that changed while it was updated (the CLI prints it
        and exits 2).
    """
    zh = (getattr(args, "lang", "zh") or "zh") == "zh"
    if getattr(args, "update", None) is not None:
        check_update_target(Path(args.update), Path(args.scenario), bool(getattr(args, "force", False)))
    mapping = parse_map(getattr(args, "map", None))
    loaded = load_scenario(args.scenario)
    ledger = Path(args.file)
    df = read_ledger(ledger, mapping, sheet=getattr(args, "sheet", None),
                     encoding=getattr(args, "encoding", None), display=str(args.file))
    report = import_ledger(df, loaded.scenario, str(args.file), mapping)
    print(report.format("zh" if zh else "en"))
    if getattr(args, "update", None) is None:
        return 0 if report.ok else 1
    target = Path(args.update)
    if report.problems:
        print(f"{target}: 未写入：请先修正上面列出的问题行" if zh else
              f"{target}: not written: fix the rows listed above first")
        return 1
    update = update_scenario(report, loaded, ledger, target, fill=bool(getattr(args, "fill", False)))
    if not update.ok:
        for p in update.errors:
            print(p.format(str(target)))
        print(f"{target}: 未写入：更新后的场景不合规（可用 --fill 按台账填写人数）" if zh else
              f"{target}: not written: the updated scenario breaks the rules above "
              "(--fill takes people from the ledger)")
        return 1
    backup = write_update(target, update.text, loaded)
    said = f"{target}：已写入各网格台账人数" if zh else f"{target}: written with each grid's ledger count"
    if backup is not None:
        said += f"；原文件另存为 {backup.name}" if zh else f"; the file as it was is kept as {backup.name}"
    print(said)
    return 0
