"""Writing one file all at once: a temporary file beside it, then a rename.

The one atomic file writer of natplan, for every file it writes alone (a
PDF, a scenario updated from a ledger, a generated scenario, a ledger).
Output folders (:mod:`natplan.outfolder`) use it too.  It lives in models,
the bottom of the house, so that the ledger writer can use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process's file-creation mask (read without changing it for long)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then move the temporary file onto ``path``.

    A failed write leaves ``path`` as it was; the file gets the usual permissions
    (``mkstemp`` would leave it readable by its owner only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
