"""``natplan ledger import``: the command-line side of :mod:`natplan.models.ledger`."""

from __future__ import annotations

import os
from pathlib import Path

from natplan.models.ledger import import_ledger, parse_map, read_ledger, update_scenario
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError
from natplan.models.atomic import write_atomic


def check_update_target(target: Path) -> None:
    """Refuse an ``--update`` path that cannot take a file, before the ledger is read.

    Raises
    ------
    InputError
        When ``target`` is a folder, when the nearest existing folder above it is a file, or when that folder
        cannot be written to.
    """
    display = str(target)
    if target.is_dir():
        raise InputError.single(display, "is a folder, not a file; give the file to write the updated scenario to")
    probe = target.parent
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise InputError.single(display, f"cannot be written: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError.single(display, f"cannot be written: no permission to write in {probe}")


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
          bad rows and the result passes the scenario checks;
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
        For unreadable input, or an ``update`` path that cannot take a file (the CLI prints it and exits 2).
    """
    zh = (getattr(args, "lang", "zh") or "zh") == "zh"
    if getattr(args, "update", None) is not None:
        check_update_target(Path(args.update))
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
    try:
        write_atomic(target, lambda tmp: tmp.write_text(update.text, encoding="utf-8"))
    except OSError as e:
        raise InputError.single(str(target), f"cannot be written ({e.strerror or e})") from None
    print(f"{target}：已写入各网格台账人数" if zh else f"{target}: written with each grid's ledger count")
    return 0
