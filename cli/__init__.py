"""The ``natplan`` command line: every command, its arguments and its printing.

Library modules never see ``argparse``: each command here reads its
arguments, calls the library with typed values and prints the result.
"""

from natplan.cli.main import main

__all__ = ["main"]
