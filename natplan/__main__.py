"""``python -m natplan`` runs the command line."""

import sys

from natplan.cli import main

sys.exit(main())
