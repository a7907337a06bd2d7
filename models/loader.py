"""Read a scenario file (YAML or JSON, UTF-8) into a validated :class:`Scenario`.

Every problem is reported with the file, the line and the field path, e.g.
``xiagezhuang.yaml:41: villages[2].grids[0].people: Input should be greater
than or equal to 0``.  The file is read by :mod:`natplan.models.document`
(regular files only, size and nesting capped before parsing, duplicate keys
refused, ``08:00`` and ``no`` kept as strings), checked field by field by
:mod:`natplan.models.scenario` (strict types, bounded numbers) and then rule
by rule by :mod:`natplan.models.checks`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from natplan.models.checks import TravelTimes, run_checks
from natplan.models.document import (
    MAX_DOCUMENT_BYTES,
    _Loader,  # noqa: F401 — the tests read YAML as natplan does
    decode_text,
    line_of,
    parse_document,
    read_bytes,
    read_json,
    read_text,
)
from natplan.models.problems import InputError, Loc, Problem
from natplan.models.scenario import Scenario

__all__ = ["LoadedScenario", "boundary_geometry", "load_boundary", "load_scenario", "locate", "read_bytes",
           "read_linked_json", "read_text", "validate_document"]  # read_bytes, read_text: natplan.models.document's

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and what was read with it."""

    scenario: Scenario
    path: Path
    digest: str  # sha256 of the file's bytes
    geometry: BaseGeometry | None  # the region boundary, if any
    warnings: tuple[str, ...] = field(default=())


def _field_loc(raw: tuple, data: Any, error_type: str) -> Loc:
    """A pydantic error's place in the file: its path without the names pydantic adds for union members
    and validators (``str``, ``dict[str,any]``, ``function-after[…]``), which stand nowhere in the file."""
    out: list[str | int] = []
    here = data
    for k, part in enumerate(raw):
        if (isinstance(here, dict) and part in here) or \
                (isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)):
            here = here[part]
        elif not (k == len(raw) - 1 and error_type == "missing" and isinstance(here, dict)):
            continue
        out.append(part)
    return tuple(out)


_TYPE_ERRORS = {"int_type", "float_type", "string_type", "bool_type", "int_from_float", "finite_number",
                "dict_type", "list_type", "model_type"}


def _shown(value: Any) -> str:
    """A value as the file wrote it, briefly: ``true``, ``'many'``, ``2.5``, a list."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _pydantic_problems(err: ValidationError, node: yaml.Node | None, data: Any = None) -> list[Problem]:
    problems: list[Problem] = []
    for e in err.errors(include_url=False):
        loc = _field_loc(e["loc"], data, e["type"])
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `natplan schema` lists the fields)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif e["type"] in _TYPE_ERRORS:
            msg += f" (got {_shown(e['input'])})"
        problem = Problem(msg, loc=loc, line=line_of(node, loc))
        if problem not in problems:
            problems.append(problem)
    return problems


def validate_document(model: type[M], data: Any, node: yaml.Node | None, display: str, fields: str) -> M:
    """Validate parsed data against a model, every problem with its line and field path.

    Parameters
    ----------
    model
        :class:`Scenario` or :class:`~natplan.models.city.City`.
    data, node
        From :func:`natplan.models.document.parse_document`.
    display
        How to name the file in messages.
    fields
        The first fields of such a file, for the message when the top level is not a mapping.

    Raises
    ------
    InputError
        With every problem pydantic finds.
    """
    if not isinstance(data, dict):
        raise InputError.single(display, f"the top level must be a mapping of fields ({fields} …)", line=1)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise InputError(display, _pydantic_problems(err, node, data)) from None


def read_linked_json(ref: str, base: Path, display: str, loc: Loc, node: yaml.Node | None) -> Any:
    """Read the JSON file a field names (a boundary), its problems reported at that field.

    Parameters
    ----------
    ref
        The path as the field gives it, relative to ``base``.
    base
        The folder of the file that names it.
    display, loc, node
        The naming file, the field's path in it and its node tree, for messages.

    Raises
    ------
    InputError
        ``file:line: region.boundary: data/x.geojson: file not found`` and the like.
    """
    line = line_of(node, loc)
    try:
        return read_json(base / ref, ref)
    except InputError as e:
        raise InputError(display, [Problem(p.format(ref), loc, line) for p in e.problems]) from None


def boundary_geometry(gj: Any, display: str, loc: Loc, line: int | None) -> BaseGeometry:
    """A GeoJSON geometry, Feature or FeatureCollection as one shapely geometry with an area.

    Raises
    ------
    InputError
        When it is not GeoJSON, has no area, or has coordinates that are not
        finite WGS84 degrees.
    """
    def bad(why: str) -> InputError:
        return InputError.single(display, f"boundary is not a GeoJSON polygon ({why})", loc=loc, line=line)

    try:
        if gj.get("type") == "FeatureCollection":
            from shapely.ops import unary_union

            geometry = unary_union([shape(f["geometry"]) for f in gj["features"]])
        elif gj.get("type") == "Feature":
            geometry = shape(gj["geometry"])
        else:
            geometry = shape(gj)
        bounds, area = geometry.bounds, geometry.area
    except Exception as e:  # noqa: BLE001 — shapely raises many kinds for bad GeoJSON
        raise bad(f"{type(e).__name__}: {e}") from None
    if geometry.is_empty or not all(math.isfinite(b) for b in bounds):
        raise bad("no finite coordinates")
    if not (-180 <= bounds[0] and bounds[2] <= 180 and -90 <= bounds[1] and bounds[3] <= 90):
        raise bad(f"coordinates outside WGS84 degrees: {bounds}")
    if not area > 0:
        raise bad(f"a {geometry.geom_type} has no area")
    return geometry


def load_boundary(region_boundary: Any, base: Path, display: str,
                  node: yaml.Node | None = None) -> BaseGeometry | None:
    """Load the region boundary (path or inline GeoJSON) as one shapely geometry.

    Parameters
    ----------
    region_boundary
        ``region.boundary`` of a scenario: a path relative to ``base``, inline GeoJSON, or None.
    base
        The scenario file's folder.
    display, node
        The scenario file's name and node tree, for messages at ``region.boundary``'s line.

    Raises
    ------
    InputError
        See :func:`read_linked_json` and :func:`boundary_geometry`.
    """
    if region_boundary is None:
        return None
    loc = ("region", "boundary")
    gj = region_boundary
    if isinstance(region_boundary, str):
        gj = read_linked_json(region_boundary, base, display, loc, node)
        if not isinstance(gj, dict):
            raise InputError.single(display, f"{region_boundary}: not a GeoJSON object", loc=loc,
                                    line=line_of(node, loc))
    return boundary_geometry(gj, display, loc, line_of(node, loc))


def load_scenario(path: str | Path, display: str | None = None, travel: TravelTimes | None = None) -> LoadedScenario:
    """Read, validate and check a scenario file.

    Parameters
    ----------
    path
        A ``.yaml``, ``.yml`` or ``.json`` file, UTF-8, at most
        :data:`natplan.models.document.MAX_DOCUMENT_BYTES`.
    display
        How to name the file in messages (default: the path as given).
    travel
        Van travel times for the rules that need them (pass
        :data:`natplan.routing.network.TRAVEL`, as every natplan command does);
        without them those rules (:data:`natplan.models.checks.TRAVEL_RULES`) are
        not checked.

    Returns
    -------
    LoadedScenario

    Raises
    ------
    InputError
        With every problem found, each naming the line and field.
    """
    path = Path(path)
    display = display or str(path)
    data = read_bytes(path, display, MAX_DOCUMENT_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    parsed, node = parse_document(decode_text(data, display), display)
    scenario = validate_document(Scenario, parsed, node, display, "name:, region:, villages:")
    geometry = load_boundary(scenario.region.boundary, path.parent, display, node)
    found = [replace(p, line=line_of(node, p.loc)) for p in run_checks(scenario, geometry, travel)]
    errors = [p for p in found if p.severity == "error"]
    if errors:
        raise InputError(display, errors)
    warnings = tuple(p.format(display) for p in found if p.severity == "warning")
    return LoadedScenario(scenario, path, digest, geometry, warnings)


def locate(loaded: LoadedScenario, problems: list[Problem]) -> list[Problem]:
    """``problems`` found in a loaded scenario after loading (e.g. by
    :func:`natplan.models.summary.summarize`), each at its line in the file.

    The file is read again for its node tree; a file that has become unreadable since leaves the lines out.
    """
    try:
        _, node = parse_document(decode_text(read_bytes(loaded.path, str(loaded.path), MAX_DOCUMENT_BYTES), ""), "")
    except InputError:
        return problems
    return [replace(p, line=line_of(node, p.loc)) for p in problems]
