"""Reading input documents: only regular files, size and depth capped before parsing, duplicate keys,
aliases and tags refused, every problem at its line and field (the reader both scenario and city files use)."""

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from natplan.cli import main
from natplan.models.document import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    parse_document,
    read_bytes,
    read_text,
)
from natplan.models.loader import load_scenario
from natplan.models.problems import InputError
from tests.models.test_city import (
    _problems,  # city_small.yaml with edits: the lines load_city reports
)

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def _lines(text: str) -> list[str]:
    with pytest.raises(InputError) as e:
        parse_document(text, "f.yaml")
    return str(e.value).splitlines()


def test_a_named_pipe_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "town.yaml"
    os.mkfifo(fifo)
    # from the shell, with a timeout: a read that opened the pipe would wait for a writer for ever
    for command in ("validate", "plan"):
        proc = subprocess.run([sys.executable, "-m", "natplan", command, str(fifo)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        message = f"{fifo}: is a named pipe, not a regular file; save the input to a file and give that\n"
        assert (proc.returncode, proc.stderr) == (2, message)


def test_a_device_and_a_folder_are_refused(tmp_path):
    with pytest.raises(InputError) as e:
        read_text(Path("/dev/zero"), "/dev/zero")
    assert str(e.value) == "/dev/zero: is a device, not a regular file; save the input to a file and give that"
    with pytest.raises(InputError) as e:
        load_scenario(tmp_path, display="out")
    assert str(e.value) == "out: is a folder, not a file"
    with pytest.raises(InputError) as e:
        read_bytes(tmp_path / "no" / "such.yaml", "such.yaml")
    assert str(e.value) == "such.yaml: file not found"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: nothing is written, nothing is read
    with pytest.raises(InputError) as e:
        load_scenario(big, display="big.yaml")
    assert str(e.value) == "big.yaml: is larger than 20 MB, the most natplan reads from one file"


def test_nesting_is_capped_before_anything_is_built(tmp_path):
    # 100,000 nested lists overflowed the C stack of the YAML composer (a segfault)
    f = tmp_path / "deep.yaml"
    f.write_text(TINY.read_text(encoding="utf-8") + "  slot_min: "
                 + "[" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(f, display="deep.yaml")
    assert str(e.value) == f"deep.yaml:49: parameters.slot_min{'[0]' * (MAX_DEPTH - 2)}: nested deeper than 64 " \
                           "levels of lists and mappings"
    depth_64 = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_document(depth_64, "f.yaml")[0]["a"] is not None


def test_a_key_given_twice_is_refused_at_its_second_line():
    assert _lines("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\na: 5\n") == [
        "f.yaml:5: b.c: 'c' is given twice in one mapping (first at line 3); delete one",
        "f.yaml:6: a: 'a' is given twice in one mapping (first at line 1); delete one",
    ]
    assert _lines('{"x": [{"k": 1, "k": 2}]}') == [
        "f.yaml:1: x[0].k: 'k' is given twice in one mapping (first at line 1); delete one"]


def test_aliases_merge_keys_tags_and_complex_keys_are_refused():
    assert _lines("a: &x [1, 2]\nb: *x\nc: !!binary aGk=\nd: !!int 12\n? [k]\n: v\n") == [
        "f.yaml:2: b: aliases (*x) are not read; write the value out in full",
        "f.yaml:3: c: the tag !!binary is not read; write the value without it",
        "f.yaml:4: d: the tag !!int is not read; write the value without it",
        "f.yaml:5: a key must be a plain name, not a list or mapping",
    ]
    data, _ = parse_document("a:\n  <<: {b: 1}\n  c: !!str 2\n", "f.yaml")
    assert data == {"a": {"<<": {"b": 1}, "c": "2"}}  # a merge key is only a key, read as unknown later


def test_an_integer_too_long_to_be_a_count_is_refused():
    # 5,000 digits used to raise a ValueError deep inside the YAML constructor
    assert _lines("a: 1\nb: [" + "9" * 5000 + "]\n") == [
        "f.yaml:2: b[0]: a number of 5,000 digits; no value here has more than 30"]
    assert parse_document("a: " + "9" * 30, "f.yaml")[0] == {"a": int("9" * 30)}


def test_a_syntax_error_names_the_field_it_stands_in():
    assert _lines("villages:\n- id: V1\n  grids:\n  - {id: G1, people: [1, 2}\n") == [
        "f.yaml:4: villages[0].grids[0].people: not valid YAML or JSON: expected ',' or ']', but got '}'"]
    # an item shifted out of its list: the error is after the item read last
    assert _lines("groups:\n- id: T1\n  members:\n  - {name: a}\n- {name: b}\n  - {name: c}\n") == [
        "f.yaml:6: groups[1]: not valid YAML or JSON: expected <block end>, but found '<block sequence start>'"]


def test_bytes_that_yaml_or_utf8_refuse_are_reported_at_their_line(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_bytes(b"a: 1\nb: 2\nc: \xff\n")
    with pytest.raises(InputError) as e:
        read_text(f, "f.yaml")
    assert str(e.value) == "f.yaml:3: is not UTF-8 text (byte 0xff at offset 13); save it as UTF-8"
    assert _lines("a: 1\nb: x\x00y\n") == [
        "f.yaml:2: not valid YAML or JSON: the character U+0000 may not stand in a YAML file"]


def test_yaml_1_1_surprises_stay_strings():
    data, _ = parse_document("a: 08:00\nb: no\nc: 2022-03-13\nd: 0x10\ne: 1_000\nf: .nan\n", "f.yaml")
    assert math.isnan(data.pop("f"))  # NaN is read, and refused by the fields that take numbers
    assert data == {"a": "08:00", "b": "no", "c": "2022-03-13", "d": "0x10", "e": 1000}


def test_a_city_file_is_read_by_the_same_reader(tmp_path):
    assert _problems(tmp_path, ("  seed: 7\n", "  seed: 7\n  seed: 8\n")) == [
        "city.yaml:16: parameters.seed: 'seed' is given twice in one mapping (first at line 15); delete one"]
    assert _problems(tmp_path, ("tubes_per_hour: 40}", "tubes_per_hour: true}"),
                     ("people: 6000,", "people: 6000.0,")) == [
        "city.yaml:17: labs[0].tubes_per_hour: Input should be a valid integer (got true)",
        "city.yaml:21: townships[0].people: Input should be a valid integer (got 6000.0)"]
    assert _problems(tmp_path, ("people: 6000, units: 3, groups: 3, samplers: 8",
                                "people: 6000, units: 3, groups: 3, samplers: 800")) == [
        "city.yaml:21: townships[0].samplers: at most 90 samplers a group: 800 samplers need at least 9 groups"]
    assert _problems(tmp_path, ("people: 5000,", "people: 5000000,")) == [
        "city.yaml:23: townships[1].people: at most 2,000,000 people in one township (got 5,000,000)"]


def test_a_city_boundary_file_that_is_missing_is_named_at_its_field(tmp_path):
    assert _problems(tmp_path, ("qingdao_admin_boundaries.geojson", "nothing.geojson")) == [
        f"city.yaml:9: region.boundary: {ROOT / 'scenarios' / 'data' / 'nothing.geojson'}: file not found"]


def test_a_city_file_given_as_a_pipe_goes_nowhere_near_the_pipe(tmp_path, capsys):
    fifo = tmp_path / "city.yaml"
    os.mkfifo(fifo)
    assert main(["validate", str(fifo)]) == 2  # is_city_file does not open it either
    assert capsys.readouterr().err.strip() == f"{fifo}: is a named pipe, not a regular file; " \
                                              "save the input to a file and give that"


def test_a_key_with_a_line_break_in_it_stays_on_one_line():
    assert _lines('"a\\nb": 1\n"a\\nb": 2\n') == [
        "f.yaml:2: 'a\\nb': 'a\\nb' is given twice in one mapping (first at line 1); delete one"]
