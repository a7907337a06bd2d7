"""What a ledger import found: :class:`LedgerReport`, and its report for the terminal in Chinese or English.

The report never shows a full ID number: the problems were written with
masked numbers (:func:`~natplan.models.ledger.ids.mask_id`) by
:func:`~natplan.models.ledger.check.import_ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from natplan.models.problems import Problem

__all__ = ["LedgerReport"]


_TEXT = {
    "zh": {
        "rows": "{file}：共 {rows:,} 行{enc}，合格 {good_rows:,} 行，有问题 {bad_rows:,} 行",
        "encoding": "，{}",
        "ledger": "台账：{people:,} 人，{households:,} 户，覆盖 {grids_on_ledger}/{grids} 个网格；"
                  "特殊人群 卧床 {bedridden}、残疾 {disabled}、高龄 {elderly}",
        "compare": "与场景比对（场景→台账）：{grids} 个网格中 {matching} 个人数一致",
        "more": "  台账人数多于场景的网格 {n} 个：{names}",
        "short": "  台账人数少于场景的网格 {n} 个（有人未登记？）：{names}",
        "more_grids": "… 另 {n} 个",
        "wrong_town": "多数行的村庄不在场景中：--scenario 是否选错了镇？",
        "problems": "问题 {n} 处：",
    },
    "en": {
        "rows": "{file}: {rows:,} rows{enc}: {good_rows:,} good, {bad_rows:,} with problems",
        "encoding": ", {}",
        "ledger": "on the ledger: {people:,} people, {households:,} households in {grids_on_ledger} of {grids} grids; "
                  "special needs {bedridden} bedridden, {disabled} disabled, {elderly} elderly",
        "compare": "against the scenario (scenario→ledger): {matching} of {grids} grids match",
        "more": "  more people on the ledger in {n} grids: {names}",
        "short": "  fewer people on the ledger in {n} grids (someone not registered?): {names}",
        "more_grids": "… {n} more",
        "wrong_town": "most rows name villages the scenario does not have: is --scenario the right town?",
        "problems": "{n} problems:",
    },
}
"""The report's lines in each language, filled from :attr:`LedgerReport.totals`."""


@dataclass(frozen=True, eq=False)
class LedgerReport:
    """What :func:`~natplan.models.ledger.check.import_ledger` found.

    Attributes
    ----------
    file
        The ledger as named in messages.
    problems
        One :class:`~natplan.models.problems.Problem` per broken rule, with ``row``
        the spreadsheet row, in row order (English messages).
    grids
        One row per scenario grid, in file order: ``grid``, ``village``,
        ``name``, ``scenario_people``, ``ledger_people``, ``difference``
        (ledger − scenario), ``scenario_households``, ``households``
        (distinct 户号), ``scenario_special``, ``special``, ``bedridden``,
        ``disabled``, ``elderly``.  Counts come from rows without problems.
    totals
        ``rows``, ``good_rows``, ``bad_rows``, ``people``, ``households``,
        ``special``, ``bedridden``, ``disabled``, ``elderly``, ``grids``,
        ``grids_on_ledger``, ``grids_differing``, ``grids_short`` (grids whose
        scenario has more people than the ledger), ``unknown_village_rows``.
    encoding
        How a CSV was decoded (None for a workbook).
    problems_zh
        The same problems in Chinese.
    """

    file: str
    problems: list[Problem]
    grids: pd.DataFrame
    totals: dict[str, int]
    encoding: str | None = None
    problems_zh: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        """Spreadsheet rows with at least one problem, ascending."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def short(self) -> pd.DataFrame:
        """Grids whose scenario counts more people than the ledger lists."""
        return self.grids[self.grids["difference"] < 0]

    @property
    def ok(self) -> bool:
        """No row problems and no grid with more people in the scenario than on the ledger."""
        return not self.problems and self.short.empty

    def format(self, lang: Literal["zh", "en"] = "zh", limit: int = 10) -> str:
        """The report for the terminal: a short summary, then every problem as ``file: row N: message``.

        Parameters
        ----------
        lang
            ``"zh"`` (default) or ``"en"``.
        limit
            How many differing grids the summary names at the most.

        Returns
        -------
        str
            Lines joined by newlines, without a final newline.
        """
        zh = lang == "zh"
        text = _TEXT["zh" if zh else "en"]
        t, g = self.totals, self.grids

        def grid_list(frame: pd.DataFrame) -> str:
            items = [f"{r.grid} {r.scenario_people}→{r.ledger_people} ({r.difference:+d})"
                     for r in frame.head(limit).itertuples()]
            if len(frame) > limit:
                items.append(text["more_grids"].format(n=len(frame) - limit))
            return ", ".join(items)

        enc = text["encoding"].format(self.encoding) if self.encoding else ""
        lines = [text["rows"].format(file=self.file, enc=enc, **t), text["ledger"].format(**t),
                 text["compare"].format(matching=t["grids"] - t["grids_differing"], **t)]
        for key, frame in (("more", g[g["difference"] > 0]), ("short", self.short)):
            if not frame.empty:
                lines.append(text[key].format(n=len(frame), names=grid_list(frame)))
        if t["unknown_village_rows"] * 2 > t["rows"]:
            lines.append(text["wrong_town"])
        if self.problems:
            lines.append(text["problems"].format(n=len(self.problems)))
        problems = self.problems_zh if zh and self.problems_zh else self.problems
        lines += [p.format(self.file) for p in problems]
        return "\n".join(lines)
