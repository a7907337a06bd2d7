"""natplan: plans a round of mass nucleic-acid testing in a town or a city.

The distribution installs one package, ``natplan``; its parts live in the
repository's top-level folders (see the README's "How the code is laid out"):

- :mod:`natplan.models` — scenario, plan and city models, reading and validating files;
- :mod:`natplan.scheduler` — assignment, slots, staffing, what-if, the plan pipeline, verify;
- :mod:`natplan.routing` — travel times, courier loops, shuttles, home-visit routes;
- :mod:`natplan.templates` — views and templates, rendering to PDF / HTML / Excel;
- :mod:`natplan.cli` — the ``natplan`` command line (the only place that parses arguments);
- :mod:`natplan.outfolder`, :mod:`natplan.processes` — safe output folders and worker processes;
- :mod:`natplan.planfile` — the one writer and reader of plan.json, for towns and cities.
"""

__version__ = "0.1.0"
