"""Generalized assignment (GAP) engine on plain data.

Puts *jobs* (micro-grids, weight = people) whole into *agents* (sampling
units, capacity = people per round) at least total cost (person-distance
walked).  Minimisation.

Build a :class:`GapData`, call :func:`solve_gap`, read the
:class:`GapResult`.  The engine combines, one module each:

* :mod:`~natplan.scheduler.gap.data`: the instance, the result, the sorted
  internal form and the evaluation of a solution;
* :mod:`~natplan.scheduler.gap.bounds`: lower bounds (LP by GLOP, the
  transportation relaxation, the Lagrangian with its knapsacks);
* :mod:`~natplan.scheduler.gap.construct`: the start (regret greedy, flow
  rounding by diving, repair, shift moves);
* :mod:`~natplan.scheduler.gap.cpsat`: the CP-SAT model;
* :mod:`~natplan.scheduler.gap.lns`: the large-neighbourhood search;
* :mod:`~natplan.scheduler.gap.portfolio`: full-model CP-SAT beside the LNS;
* :mod:`~natplan.scheduler.gap.solve`: the pipeline, its determinism, and
  the result.

:mod:`~natplan.scheduler.gap.baseline` holds the plain CP-SAT model the
benchmarks compare against; the OR-Library reader is ``benchmarks/orlib.py``.
"""

from natplan.scheduler.gap.data import GapData, GapResult
from natplan.scheduler.gap.solve import solve_gap

__all__ = ["GapData", "GapResult", "solve_gap"]
