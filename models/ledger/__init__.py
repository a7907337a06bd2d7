"""The people ledger (人员登记台账): read a town's spreadsheet, check it, count it per grid.

A town keeps one row per person: name, ID number, village, grid, household
and, for the special-needs ledger, why the person is sampled at home.  This
package reads such a sheet (``.xlsx`` or ``.csv`` in UTF-8 or GB18030) into
a DataFrame with canonical column names, checks every row and reports each
broken one by its spreadsheet row number (the header is row 1), counts
people, households and special-needs people per grid, and writes those
counts back into a scenario.

One concept a module:

- :mod:`~natplan.models.ledger.ids` — ID numbers (GB 11643-1999) and
  :func:`mask_id`, the one masking rule for ID and phone numbers;
- :mod:`~natplan.models.ledger.columns` — fields, the headers towns use, ``--map``;
- :mod:`~natplan.models.ledger.read` — decoding and reading CSV and xlsx;
- :mod:`~natplan.models.ledger.check` — the row checks and the counts per grid;
- :mod:`~natplan.models.ledger.report` — :class:`LedgerReport`, in Chinese or English;
- :mod:`~natplan.models.ledger.update` — the counts written back into a scenario;
- :mod:`~natplan.models.ledger.synthetic` — made-up ledgers for tests and demonstrations;
- :mod:`~natplan.models.ledger.write` — writing a ledger as xlsx or CSV.

The command ``natplan ledger import`` is :mod:`natplan.cli.ledger`.

ID numbers (居民身份证号码) are personal data: every message, report and
file natplan writes shows them masked (``370285********1234``).  The only
files holding full ID numbers are the synthetic ledgers made by
:func:`synthesize_ledger` for tests and demonstrations.

>>> check_id_number("11010519491231002X") is None   # the example in GB 11643
True
>>> mask_id("11010519491231002X")
'110105********002X'
"""

from natplan.models.ledger.check import import_ledger
from natplan.models.ledger.columns import (
    DEFAULT_MAPPING, FIELDS, HEADER_ZH, NO_SPECIAL, REQUIRED, SPECIAL_VALUES, SPECIAL_ZH, parse_map, resolve_mapping,
)
from natplan.models.ledger.ids import check_id_number, hide_ids, id_check_char, mask_id, normalize_id
from natplan.models.ledger.read import UNREADABLE_ENCODING, decode_ledger, read_ledger
from natplan.models.ledger.report import LedgerReport
from natplan.models.ledger.synthetic import REGION_CODE, synthesize_ledger
from natplan.models.ledger.update import ScenarioUpdate, apply_to_scenario, update_scenario
from natplan.models.ledger.write import ledger_bytes, write_ledger

__all__ = [
    "DEFAULT_MAPPING", "FIELDS", "HEADER_ZH", "NO_SPECIAL", "REGION_CODE", "REQUIRED", "SPECIAL_VALUES", "SPECIAL_ZH",
    "UNREADABLE_ENCODING",
    "LedgerReport", "ScenarioUpdate",
    "apply_to_scenario", "check_id_number", "decode_ledger", "hide_ids", "id_check_char", "import_ledger",
    "ledger_bytes", "mask_id", "normalize_id", "parse_map", "read_ledger", "resolve_mapping", "synthesize_ledger",
    "update_scenario", "write_ledger",
]
