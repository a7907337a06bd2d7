"""Joint planning: who goes where and which group works where and when, decided together.

- :mod:`.data` — the instance: grids as jobs within walking distance of units, groups, travel, rules;
- :mod:`.bound` — a lower bound of the earliest finish (an LP, bisected on the finish);
- :mod:`.construct` — a first plan from the bound's loads (list scheduling), the search's start;
- :mod:`.model` — the CP-SAT model on grids and stays: the earliest finish, then the least walking;
- :mod:`.realise` — stays to visits, rosters, minute-by-minute capacity, slots and each unit's day;
- :mod:`.solve` — :func:`plan_joint`, the method end to end.
"""

from natplan.scheduler.joint.solve import JointResult, plan_joint

__all__ = ["JointResult", "plan_joint"]
