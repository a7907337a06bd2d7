"""Synthetic ledgers: a whole town's people made up from a scenario, for tests and demonstrations.

These are the only ledgers natplan makes that hold full ID numbers; they
are valid (GB 11643) but invented, in the region of Laixi city, and their
phone numbers use the unallocated ``100`` prefix.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from natplan.models.ledger.columns import FIELDS, HEADER_ZH, SPECIAL_ZH
from natplan.models.ledger.ids import id_check_char
from natplan.models.scenario import Scenario, SpecialCategory

__all__ = ["REGION_CODE", "synthesize_ledger"]

REGION_CODE = "370285"
"""Laixi city (莱西市), Qingdao: the region code of synthetic ID numbers."""

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶姜"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文海燕春梅金凤德胜利晓东宁波"


def _split_households(rng: np.random.Generator, people: int, households: int) -> np.ndarray:
    """Household sizes: ``households`` positive ints summing to ``people``."""
    households = min(max(households, 1), people)
    return 1 + rng.multinomial(people - households, np.full(households, 1 / households))


def synthesize_ledger(scenario: Scenario, seed: int = 0) -> pd.DataFrame:
    """A whole town's ledger made up from a scenario, one row per person.

    Each grid gets exactly its ``people`` rows in exactly its ``households``
    households (户号 ``G001-001`` …); the grid's special-needs people are
    flagged (卧床 / 残疾 / 高龄) on as many rows; ID numbers are valid
    (GB 11643, region :data:`REGION_CODE`, born on or before the round date,
    elderly people 80 or older) and unique; names are drawn from short lists
    of surnames and given names; phones use the unallocated ``100`` prefix so
    no real number is made up.  The same scenario and seed give the same
    ledger.

    Parameters
    ----------
    scenario
        The town: its grids' ``people`` and ``households``, its
        ``special_needs`` and its round date.
    seed
        The random seed.

    Returns
    -------
    pandas.DataFrame
        Columns 姓名, 身份证号, 村/社区, 网格, 户号, 联系电话, 特殊人群 (strings).
    """
    rng = np.random.default_rng(seed)
    round_date = dt.date.fromisoformat(scenario.parameters.date)
    special_of: dict[str, list[SpecialCategory]] = defaultdict(list)
    for p in scenario.special_needs:
        special_of[p.grid].append(p.category)
    age_range = {None: (0, 90), SpecialCategory.elderly: (80, 99), SpecialCategory.bedridden: (55, 96),
                 SpecialCategory.disabled: (8, 85)}
    used: set[str] = set()
    rows: list[tuple[str, ...]] = []
    for v in scenario.villages:
        for g in v.grids:
            if g.people == 0:
                continue
            sizes = _split_households(rng, g.people, g.households)
            cats: list[SpecialCategory | None] = [None] * g.people
            flagged = special_of[g.id][:g.people]
            for pos, cat in zip(rng.choice(g.people, size=len(flagged), replace=False), flagged):
                cats[int(pos)] = cat
            n, width = g.people, max(3, len(str(len(sizes))))
            lo = np.array([age_range[c][0] for c in cats])
            hi = np.array([age_range[c][1] for c in cats])
            days = (lo * 365 + (lo + 3) // 4 + rng.random(n) * ((hi + 1 - lo) * 365 - 1)).astype(int)
            seqs = rng.integers(500, size=n) * 2 + rng.integers(2, size=n)  # odd: male, even: female
            family = rng.integers(len(_SURNAMES), size=len(sizes))
            own = np.where(rng.random(n) < 0.7, np.repeat(family, sizes), rng.integers(len(_SURNAMES), size=n))
            given_len = rng.integers(1, 3, size=n)
            given = rng.integers(len(_GIVEN), size=(n, 2))
            phones = rng.integers(10**8, size=n)
            household = np.repeat(np.arange(1, len(sizes) + 1), sizes)
            for k in range(n):
                born = round_date - dt.timedelta(days=int(days[k]))
                seq = int(seqs[k])
                while (first17 := f"{REGION_CODE}{born:%Y%m%d}{seq:03d}") in used:
                    seq = (seq + 2) % 1000
                used.add(first17)
                name = _SURNAMES[own[k]] + "".join(_GIVEN[i] for i in given[k, :given_len[k]])
                phone = f"100{phones[k]:08d}" if days[k] >= 16 * 366 else ""
                rows.append((name, first17 + id_check_char(first17), v.name, g.name,
                             f"{g.id}-{household[k]:0{width}d}", phone, SPECIAL_ZH.get(cats[k], "")))
    return pd.DataFrame(rows, columns=[HEADER_ZH[f] for f in FIELDS], dtype=str)
