"""Command-line interface: `dtmaturity demo | export | backup | copy | migrate | import | imports |
actions | report | rounds | people | purge | audit` (also `python -m dtmaturity`).

One small function per command; its docstring is its `--help`. Each command imports the
services it needs when it runs, so `dtmaturity --help` imports none of them.

The modules, one per command group, in the order `dtmaturity --help` lists them:
- root: the `dtmaturity` group, its --db option, the errors all commands share, `main`;
- options (--lang, --dry-run, --wait) and acting (the operator's context over the database);
- database: migrate, demo, export, backup, copy;
- imports: import, imports list | undo, actions import;
- report: report;
- rounds: rounds open | list | remind | close | reopen;
- people: people import | export | erase, purge, audit.
"""

from dtmaturity.cli.root import cli, command_paths, main

# Importing a module registers its commands, in this order: the order of `--help` and the README.
# isort: off
from dtmaturity.cli import database  # noqa: F401
from dtmaturity.cli import imports  # noqa: F401
from dtmaturity.cli import report  # noqa: F401
from dtmaturity.cli import rounds  # noqa: F401
from dtmaturity.cli import people  # noqa: F401
# isort: on

__all__ = ["cli", "command_paths", "main"]
