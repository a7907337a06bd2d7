"""verify.people's households_called: planted violations on the frozen tiny plan (tests/scheduler/verify/conftest.py),
the exact words.  G1 (40 households) is called in two slots, households 1-30 and 31-40."""

from natplan.scheduler.verify.people import households_called


def test_every_household_is_called(tiny, frozen):
    assert households_called(tiny.scenario, frozen) == []


def test_households_never_called(tiny, frozen):
    frozen["slots"][1]["households"] = [31, 38]
    assert households_called(tiny.scenario, frozen) == ["grid G1 part 1: households 39–40 are never called"]


def test_households_skipped_between_slots(tiny, frozen):
    frozen["slots"][0]["households"] = [1, 20]
    assert households_called(tiny.scenario, frozen) == [
        "grid G1 part 1: a slot calls households 31–40, but 21–30 are not called before it"]


def test_households_the_grid_does_not_have(tiny, frozen):
    frozen["assignment"]["parts"][0]["households"] = [1, 45]
    assert households_called(tiny.scenario, frozen) == ["grid G1 part 1: households 1–45, the grid has 1–40"]
    frozen["assignment"]["parts"][0]["households"] = [1, 40]
    frozen["slots"][1]["households"] = [31, 44]
    assert households_called(tiny.scenario, frozen) == [
        "grid G1 part 1: a slot calls households 31–44, outside the part's 1–40"]
