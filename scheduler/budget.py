"""How long the solvers may search: natplan's default budgets, in one place.

A budget is CP-SAT deterministic time per solver stage (assignment, then
staffing), in deterministic units of about a second each.  Deterministic
time, not wall time, so the same scenario and seed give the same plan on any
machine and under any load.
"""

DEFAULT_TIME_LIMIT = 0.2
"""Per stage of a town's plan: ``natplan plan``, ``compare``, ``minimize`` and :func:`plan_round`."""

CITY_TOWNSHIP_TIME_LIMIT = 0.05
"""Per stage of each township of a city.  Smaller than a town's: a city has a hundred townships (the joint
search then times 20 staffing patterns of a township; a 130,000-person subdistrict finishes about an hour
later on its second day than with a town's budget)."""

LAB_TIME_LIMIT = 1.0
"""For a city's lab assignment (townships to labs, one generalized assignment solved once per city)."""
