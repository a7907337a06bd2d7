"""Helpers to build small scenarios in code (documented in tests/conftest.py)."""

from natplan.models.scenario import Scenario


def tiny_with(tiny, **changes) -> Scenario:
    """The tiny scenario with top-level or parameter fields replaced (``parameters__deadline=...``)."""
    s = tiny.scenario
    params = {k.split("__", 1)[1]: v for k, v in changes.items() if k.startswith("parameters__")}
    top = {k: v for k, v in changes.items() if not k.startswith("parameters__")}
    data = s.model_dump()
    data["parameters"].update(params)
    data.update(top)
    return Scenario.model_validate(data)
