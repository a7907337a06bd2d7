"""Reading an input document (YAML or JSON, UTF-8) so that no file can crash, hang or mislead natplan.

Before anything is parsed:

- only a regular file is opened (:func:`read_bytes` checks with ``os.stat``
  first: a named pipe, a device or a folder is one line of error, never a
  hang), and it is read only up to a size limit (:data:`MAX_DOCUMENT_BYTES`);
- bytes that are not UTF-8 are reported with their line.

:func:`parse_document` then walks the YAML event stream once, before any
node tree is built, and refuses in one pass, each with its line and field
path:

- nesting deeper than :data:`MAX_DEPTH` (a file of 100,000 ``[`` would
  otherwise overflow the C stack of the YAML composer);
- a key given twice in one mapping (YAML lets the last one silently win);
- aliases (``*name``), merge keys and tags other than ``!!str``, which would
  let a small file expand into a huge document or change a value's type;
- keys that are lists or mappings, and integers too long to be a count.

A syntax error is reported at its line with the field it stands in.  Plain
YAML 1.1 surprises are switched off: ``08:00`` and ``no`` stay strings (YAML
1.1 would read 480 and False), and dates stay strings.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from natplan.models.problems import InputError, Loc, Problem

MAX_DOCUMENT_BYTES = 20_000_000
"""Largest scenario or city file read (20 MB: a town of two million people, with its special-needs list,
takes about 10 MB; the Qingdao city file takes 32 kB)."""
MAX_GEOJSON_BYTES = 200_000_000
"""Largest boundary (GeoJSON) file read (the 135 township boundaries of Qingdao at full OSM detail take 1.6 MB)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings read (a scenario needs about 7; inline GeoJSON about 10)."""
MAX_DIGITS = 30
"""Longest integer read, in digits (no count natplan takes has more than 10)."""


class _PyLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's sexagesimal ints, yes/no booleans, dates and merge keys."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same with libyaml's parser when installed (several times faster on a town's file); a file it
    refuses is read again by :class:`_PyLoader`, whose messages say more."""


_DROP = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp",
         "tag:yaml.org,2002:merge"}
_PyLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_INT = r"^[-+]?(?:0|[1-9][0-9_]*)$"
for _tag, _rx, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))  # the dict is shared with _PyLoader
_IS_INT = re.compile(_INT)
_TAGS_READ = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def read_bytes(path: Path, display: str, limit: int | None = None) -> bytes:
    """The bytes of an input file, or :class:`InputError` in words.

    Parameters
    ----------
    path
        The file.
    display
        How to name it in messages.
    limit
        Largest size read, in bytes (None: no limit).

    Raises
    ------
    InputError
        Missing, a folder, not a regular file (a named pipe or a device is
        never opened, so it cannot hang the read), over ``limit``, unreadable
        or empty.
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError.single(display, "file not found") from None
    except (OSError, ValueError) as e:  # ValueError: a NUL in the name
        raise InputError.single(display, f"cannot be read ({getattr(e, 'strerror', None) or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError.single(display, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a plain file")
        raise InputError.single(display, f"is {kind}, not a regular file; save the input to a file and give that")
    too_big = (f"is larger than {limit / 1e6:,.0f} MB, the most natplan reads from one file"
               if limit is not None else "")
    if limit is not None and st.st_size > limit:
        raise InputError.single(display, too_big)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # replaced between the stat and the open
                raise InputError.single(display, "is not a regular file")
            data = f.read() if limit is None else f.read(limit + 1)
    except OSError as e:
        raise InputError.single(display, f"cannot be read ({e.strerror})") from None
    if limit is not None and len(data) > limit:
        raise InputError.single(display, too_big)
    if not data.strip():
        raise InputError.single(display, "the file is empty")
    return data


def decode_text(data: bytes, display: str) -> str:
    """UTF-8 bytes (with or without a byte-order mark) as text, or :class:`InputError` naming the line of
    the first byte that is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError.single(
            display, f"is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8",
            line=data.count(b"\n", 0, e.start) + 1) from None
    if not text.strip():
        raise InputError.single(display, "the file is empty")
    return text


def read_text(path: Path, display: str, limit: int | None = MAX_DOCUMENT_BYTES) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes, or raise :class:`InputError` in words
    (see :func:`read_bytes` and :func:`decode_text`)."""
    return decode_text(read_bytes(path, display, limit), display)


def read_json(path: Path, display: str, limit: int | None = MAX_GEOJSON_BYTES) -> Any:
    """Read a JSON file (a GeoJSON boundary) of at most ``limit`` bytes.

    Raises
    ------
    InputError
        As :func:`read_text`, or when the text is not JSON (with the line), is
        nested too deep or holds an integer too long to read.
    """
    text = read_text(path, display, limit)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError.single(display, f"not valid JSON: {e.msg}", line=e.lineno) from None
    except RecursionError:
        raise InputError.single(display, "not valid JSON: nested too deep") from None
    except ValueError as e:  # an integer of thousands of digits
        raise InputError.single(display, f"not valid JSON: {e}") from None


class _Frame:
    """A list or mapping open in the event stream: where it is, and what has been seen in it."""

    __slots__ = ("index", "key", "keys", "loc", "mapping", "want_key")

    def __init__(self, loc: Loc, mapping: bool):
        self.loc, self.mapping = loc, mapping
        self.index, self.key, self.keys, self.want_key = 0, None, {}, True

    def child_loc(self) -> Loc:
        """The field path of the node that comes next in this list or mapping."""
        if not self.mapping:
            return (*self.loc, self.index)
        return self.loc if self.want_key or self.key is None else (*self.loc, self.key)

    def done(self) -> None:
        """A node inside has ended: the next is the next item, or the value after a key, or the next key."""
        if self.mapping:
            self.want_key = not self.want_key
        else:
            self.index += 1


def _line(event) -> int:
    return event.start_mark.line + 1


def _digits(value: str) -> int:
    return len(value.lstrip("+-").replace("_", ""))


def _scan(text: str, loader_class) -> tuple[list[Problem], yaml.YAMLError | None, Loc]:
    """Walk the events of ``text`` (nothing is built).

    Returns the problems found (see the module docstring); the syntax error
    the parser raised, if any; and the field path it was reading then.
    """
    problems: list[Problem] = []
    stack: list[_Frame] = []
    last: Loc = ()  # the path of the last node read
    loader = None
    try:
        loader = loader_class(text)  # the Python reader refuses characters YAML does not allow here
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
                if stack:
                    stack[-1].done()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue  # the starts and ends of the stream and the document
            top = stack[-1] if stack else None
            loc = last = top.child_loc() if top else ()
            as_key = top is not None and top.mapping and top.want_key
            problems += _node_problems(event, loc)
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                if as_key:
                    top.key = _key(event, top, loc, problems)
                if top:
                    top.done()
                continue
            # the start of a list or a mapping
            if as_key:
                problems.append(Problem("a key must be a plain name, not a list or mapping", loc, _line(event)))
                top.key = None
            if len(stack) >= MAX_DEPTH:
                problems.append(Problem(f"nested deeper than {MAX_DEPTH} levels of lists and mappings",
                                        loc, _line(event)))
                return problems, None, loc
            stack.append(_Frame(loc, isinstance(event, yaml.MappingStartEvent)))
    except yaml.YAMLError as e:
        # where the parser stood; at the top level (it may have closed the lists the error broke), the
        # item read last, e.g. groups[15]
        top = stack[-1] if stack else None
        here = (top.child_loc() if top.mapping else top.loc) if top else ()
        return problems, e, here or last[:2]
    finally:
        if loader is not None:
            loader.dispose()
    return problems, None, ()


def _node_problems(event: yaml.NodeEvent, loc: Loc) -> list[Problem]:
    """What is refused in one node: an alias, a tag, an integer too long."""
    out = []
    if isinstance(event, yaml.AliasEvent):
        out.append(Problem(f"aliases (*{event.anchor}) are not read; write the value out in full", loc, _line(event)))
    elif event.tag not in _TAGS_READ:
        tag = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
        out.append(Problem(f"the tag {tag} is not read; write the value without it", loc, _line(event)))
    elif isinstance(event, yaml.ScalarEvent) and not event.style and _IS_INT.match(event.value) \
            and _digits(event.value) > MAX_DIGITS:
        out.append(Problem(f"a number of {_digits(event.value):,} digits; no value here has more than {MAX_DIGITS}",
                           loc, _line(event)))
    return out


def _key(event: yaml.NodeEvent, top: _Frame, loc: Loc, problems: list[Problem]) -> str | None:
    """The key a scalar names in its mapping; a key given before is a problem."""
    if isinstance(event, yaml.AliasEvent):
        return None
    first = top.keys.get(event.value)
    if first is not None:
        problems.append(Problem(f"{event.value!r} is given twice in one mapping (first at line {first}); "
                                "delete one", (*loc, event.value), _line(event)))
    else:
        top.keys[event.value] = _line(event)
    return event.value


def parse_document(text: str, display: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML (JSON is YAML) into plain data and its node tree (for line numbers).

    Raises
    ------
    InputError
        For the problems in the module docstring and for a syntax error, each
        with its line and, where it stands inside a field, its path.
    """
    problems, error, _ = _scan(text, _Loader)
    if error is not None:  # read again by the Python parser, whose messages say more
        problems, error, loc = _scan(text, _PyLoader)
        if error is not None:
            problems.append(_yaml_problem(error, text, loc))
    if problems:
        raise InputError(display, problems)
    try:
        return _compose(text, _Loader)
    except yaml.YAMLError:
        pass
    try:
        return _compose(text, _PyLoader)
    except yaml.YAMLError as e:
        raise InputError(display, [_yaml_problem(e, text, ())]) from None


def _yaml_problem(e: yaml.YAMLError, text: str, loc: Loc) -> Problem:
    """One problem for a YAML error, at its line."""
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        what = e.problem or "not valid YAML"
        return Problem(f"not valid YAML or JSON: {what}", loc, mark.line + 1 if mark else None)
    if isinstance(e, yaml.reader.ReaderError) and isinstance(e.position, int):
        what = (f"the character U+{e.character:04X} may not stand in a YAML file"
                if isinstance(e.character, int) else e.reason)
        return Problem(f"not valid YAML or JSON: {what}", loc, text.count("\n", 0, e.position) + 1)
    return Problem(f"not valid YAML or JSON: {e}", loc)


def _compose(text: str, loader_class) -> tuple[Any, yaml.Node | None]:
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
