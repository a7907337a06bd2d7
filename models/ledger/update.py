"""Writing a ledger's counts back into a scenario.

:func:`apply_to_scenario` sets each grid's ``ledger_people`` (and, with
``fill``, its ``people`` and ``households``) from a
:class:`~natplan.models.ledger.report.LedgerReport`.
:func:`update_scenario` does that for a scenario file: it re-checks the
result, keeps a relative boundary path pointing at the same file from the
new place, and gives the YAML text with a header saying which ledger the
counts came from (by name and SHA-256, never its content).  Writing the
text is the caller's job.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from natplan.models.checks import run_checks
from natplan.models.generate import scenario_to_yaml
from natplan.models.ledger.report import LedgerReport
from natplan.models.loader import LoadedScenario
from natplan.models.problems import Problem
from natplan.models.scenario import Scenario

__all__ = ["ScenarioUpdate", "apply_to_scenario", "update_scenario"]


def apply_to_scenario(report: LedgerReport, scenario: Scenario, fill: bool = False) -> Scenario:
    """A copy of ``scenario`` with each grid's ``ledger_people`` from the ledger.

    Parameters
    ----------
    report
        From :func:`~natplan.models.ledger.check.import_ledger` on this scenario.
    scenario
        Not changed.
    fill
        Also set each grid's ``people`` and ``households`` from the ledger.

    Returns
    -------
    Scenario
        Not re-checked (run :func:`natplan.models.checks.run_checks` on it,
        or use :func:`update_scenario`).
    """
    counts = report.grids.set_index("grid")
    villages = []
    for v in scenario.villages:
        grids = []
        for g in v.grids:
            if g.id not in counts.index:
                grids.append(g)
                continue
            c = counts.loc[g.id]
            update: dict[str, Any] = {"ledger_people": int(c["ledger_people"])}
            if fill:
                update.update(people=int(c["ledger_people"]), households=int(c["households"]))
            grids.append(g.model_copy(update=update))
        villages.append(v.model_copy(update={"grids": grids}))
    return scenario.model_copy(update={"villages": villages})


@dataclass(frozen=True)
class ScenarioUpdate:
    """A scenario with the ledger's counts, ready to be written (or not).

    Attributes
    ----------
    scenario
        The updated scenario (its boundary path rebased for the target).
    errors
        The scenario checks' errors on it; when there are any, it must not be written.
    text
        The YAML to write: the old file's heading comments, a line naming the
        ledger, then the scenario.  Empty when there are errors.
    """

    scenario: Scenario
    errors: list[Problem]
    text: str

    @property
    def ok(self) -> bool:
        """The update passes the scenario checks and may be written."""
        return not self.errors


def update_scenario(report: LedgerReport, loaded: LoadedScenario, ledger: Path, target: Path, *,
                    fill: bool = False) -> ScenarioUpdate:
    """The scenario file ``loaded`` with the ledger's counts, as it is to be written at ``target``.

    Parameters
    ----------
    report
        From :func:`~natplan.models.ledger.check.import_ledger`; refuse the
        update yourself when it has problems.
    loaded
        The scenario file as loaded.
    ledger
        The ledger file (its name and SHA-256 go into the header comment).
    target
        Where the text will be written: a relative ``region.boundary`` is
        rewritten relative to its folder.
    fill
        Also set each grid's ``people`` and ``households`` from the ledger.

    Returns
    -------
    ScenarioUpdate
    """
    new = _rebase_boundary(apply_to_scenario(report, loaded.scenario, fill=fill), loaded.path, target)
    errors = [p for p in run_checks(new, loaded.geometry) if p.severity == "error"]
    if errors:
        return ScenarioUpdate(new, errors, "")
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()[:12]
    header = _header_comments(loaded.path)
    header += ("\n" if header else "") + (
        f"ledger_people{', people and households' if fill else ''} from the people ledger {ledger.name} "
        f"(sha256 {digest}…, {report.totals['good_rows']:,} rows) by natplan ledger import.")
    return ScenarioUpdate(new, [], scenario_to_yaml(new, header))


def _rebase_boundary(scenario: Scenario, source: Path, target: Path) -> Scenario:
    """Keep a relative ``region.boundary`` path pointing at the same file from ``target``'s folder."""
    b = scenario.region.boundary
    if not isinstance(b, str) or Path(b).is_absolute():
        return scenario
    moved = os.path.relpath((source.parent / b).resolve(), target.resolve().parent)
    if moved == b:
        return scenario
    return scenario.model_copy(update={"region": scenario.region.model_copy(update={"boundary": moved})})


def _header_comments(path: Path) -> str:
    """The comment lines heading a scenario file, without an earlier ledger note."""
    lines = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    text = "\n".join(lines)
    return text.split("\nledger_people", 1)[0] if not text.startswith("ledger_people") else ""
