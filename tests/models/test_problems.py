"""Problems in input files: ``file:line: field.path: message``, one per line."""

from natplan.models.problems import InputError, Problem, format_loc


def test_format_loc():
    assert format_loc(("villages", 3, "grids", 0, "people")) == "villages[3].grids[0].people"
    assert format_loc(("lab",)) == "lab"
    assert format_loc((2, "id")) == "[2].id"
    assert format_loc(()) == ""


def test_problem_lines():
    assert Problem("unknown grid 'G7'", ("special_needs", 1, "grid"), line=19).format("t.yaml") == (
        "t.yaml:19: special_needs[1].grid: unknown grid 'G7'")
    assert Problem("the file is empty").format("t.yaml") == "t.yaml: the file is empty"
    assert Problem("missing id", ("id",), row=4).format("l.csv") == "l.csv: row 4: id: missing id"
    assert Problem("lies outside", ("units", 0, "open"), line=3, severity="warning").format("t.yaml") == (
        "t.yaml:3: warning: units[0].open: lies outside")


def test_input_error_lists_every_problem():
    e = InputError("t.yaml", [Problem("a", ("x",), line=1), Problem("b", line=2)])
    assert str(e) == "t.yaml:1: x: a\nt.yaml:2: b"
    assert (e.file, [p.message for p in e.problems]) == ("t.yaml", ["a", "b"])
    single = InputError.single("--runs", "must be at least 1")
    assert str(single) == "--runs: must be at least 1"
