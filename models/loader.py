"""Read a scenario file (YAML or JSON, UTF-8) into a validated :class:`Scenario`.

Every problem is reported with the file, the line and the field path, e.g.
``xiagezhuang.yaml:41: villages[2].grids[0].people: Input should be greater
than or equal to 0``.  YAML is read with a safe loader that keeps ``08:00``
and ``no`` as strings (YAML 1.1 would turn ``8:00`` into 480 and ``no`` into
False).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from natplan.models.checks import run_checks
from natplan.models.problems import InputError, Loc, Problem
from natplan.models.scenario import Scenario


class _PyLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's sexagesimal ints, yes/no booleans and dates."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same with libyaml's parser when installed (several times faster on a town's file); a file it
    refuses is read again by :class:`_PyLoader`, whose messages say more."""


_DROP = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_PyLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _rx, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9_]*)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))  # the dict is shared with _PyLoader


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and what was read with it."""

    scenario: Scenario
    path: Path
    digest: str  # sha256 of the file's bytes
    geometry: BaseGeometry | None  # the region boundary, if any
    warnings: tuple[str, ...] = field(default=())


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of an input file, or :class:`InputError` in words (missing, a folder, unreadable, empty)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(display, "file not found") from None
    except IsADirectoryError:
        raise InputError.single(display, "is a folder, not a file") from None
    except OSError as e:
        raise InputError.single(display, f"cannot be read ({e.strerror})") from None
    if not data.strip():
        raise InputError.single(display, "the file is empty")
    return data


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file, or raise :class:`InputError` in words."""
    data = read_bytes(path, display)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError.single(
            display, f"is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise InputError.single(display, "the file is empty")
    return text


def parse_document(text: str, display: str) -> tuple[Any, yaml.Node]:
    """Parse YAML (JSON is YAML) into plain data and its node tree (for line numbers)."""
    try:
        return _parse(text, _Loader)
    except yaml.YAMLError:
        pass
    try:
        return _parse(text, _PyLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = e.problem or "not valid YAML"
        raise InputError.single(display, f"not valid YAML or JSON: {what}", line=line) from None
    except yaml.YAMLError as e:
        raise InputError.single(display, f"not valid YAML or JSON: {e}") from None


def _parse(text: str, loader_class) -> tuple[Any, yaml.Node]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()  # parsed once: the data is constructed from the same node tree
        return (None if node is None else loader.construct_document(node)), node
    finally:
        loader.dispose()


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the field at ``loc`` (or of its nearest parent that exists)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    node = value
                    line = key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _pydantic_problems(err: ValidationError, node: yaml.Node) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if isinstance(p, int) or not any(c in p for c in "[]()-,"))
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `natplan schema` lists the fields)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        problems.append(Problem(msg, loc=loc, line=line_of(node, loc)))
    return problems


def load_boundary(region_boundary: Any, base: Path, display: str) -> BaseGeometry | None:
    """Load the region boundary (path or inline GeoJSON) as one shapely geometry."""
    if region_boundary is None:
        return None
    if isinstance(region_boundary, str):
        bpath = (base / region_boundary).resolve()
        text = read_text(bpath, f"{display}: region.boundary {region_boundary}")
        try:
            gj = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError.single(display, f"boundary file {region_boundary} is not JSON ({e.msg}, line {e.lineno})",
                                    loc=("region", "boundary")) from None
    else:
        gj = region_boundary
    try:
        if gj.get("type") == "FeatureCollection":
            from shapely.ops import unary_union

            return unary_union([shape(f["geometry"]) for f in gj["features"]])
        if gj.get("type") == "Feature":
            return shape(gj["geometry"])
        return shape(gj)
    except Exception as e:  # shapely raises many kinds for bad GeoJSON
        raise InputError.single(display, f"boundary is not a GeoJSON polygon ({e})",
                                loc=("region", "boundary")) from None


def load_scenario(path: str | Path, display: str | None = None) -> LoadedScenario:
    """Read, validate and check a scenario file.

    Parameters
    ----------
    path
        A ``.yaml``, ``.yml`` or ``.json`` file, UTF-8.
    display
        How to name the file in messages (default: the path as given).

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
    text = read_text(path, display)
    data, node = parse_document(text, display)
    if not isinstance(data, dict):
        raise InputError.single(display, "the top level must be a mapping of fields (name:, region:, villages: …)",
                                line=1)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(display, _pydantic_problems(err, node)) from None
    geometry = load_boundary(scenario.region.boundary, path.parent, display)
    found = [replace(p, line=line_of(node, p.loc)) for p in run_checks(scenario, geometry)]
    errors = [p for p in found if p.severity == "error"]
    if errors:
        raise InputError(display, errors)
    warnings = tuple(p.format(display) for p in found if p.severity == "warning")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedScenario(scenario, path, digest, geometry, warnings)
