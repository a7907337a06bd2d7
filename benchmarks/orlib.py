"""Read OR-Library generalized assignment instances.

The format (Beasley's OR-Library, ``gap1`` … ``gap12``, ``gapa`` … ``gapd``)
is whitespace-separated integers: ``m n``, then the ``m x n`` costs row by
row (agent by agent), the ``m x n`` weights, and the ``m`` capacities.  The
original ``gapN.txt`` files hold several problems behind a leading count;
the files under ``../shared/benchmarks/gap_orlib`` hold one each.
"""

from __future__ import annotations

import numpy as np

from natplan.scheduler.gap import GapData

__all__ = ["read_orlib"]


def read_orlib(path) -> GapData:
    """Read one OR-Library GAP instance (``m n``, costs, weights, capacities).

    Files holding several problems (a leading count) return the first one.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    GapData
        The dense instance, every (job, agent) pair an arc.

    Raises
    ------
    ValueError
        When the file holds too few numbers for the sizes it announces.
    """
    with open(path) as fh:
        tok = np.array(fh.read().split(), dtype=np.int64)
    # a file with a leading problem count has an odd header: "P m n ..."
    def parse(off):
        m, n = int(tok[off]), int(tok[off + 1])
        need = off + 2 + 2 * m * n + m
        if need > tok.size:
            return None
        p = off + 2
        c = tok[p : p + m * n].reshape(m, n)
        p += m * n
        w = tok[p : p + m * n].reshape(m, n)
        p += m * n
        cap = tok[p : p + m]
        return c, w, cap, need

    r = parse(0)
    if r is None or r[3] != tok.size:
        r2 = parse(1)
        if r2 is not None:
            r = r2
    if r is None:
        raise ValueError("not an OR-Library GAP file")
    c, w, cap, _ = r
    return GapData.from_dense(c, w, cap)
