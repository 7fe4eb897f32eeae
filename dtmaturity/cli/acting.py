"""The acting context of a command: the operator over the database, opened for the command, or
over a consistent copy the running app makes when it holds the file."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the services are imported by the command that runs: `--help` stays fast
    from dtmaturity.services.context import Context


def command_context(db: Path | None) -> Context:
    """The command line acts as the operator of the server, with every role; the audit log
    names it `cli:<operating-system user>`."""
    from dtmaturity.domain.access import ALL_GRANTS
    from dtmaturity.services.context import Actor, Context
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db)
    actor = Actor(f"cli:{getpass.getuser()}", "command line", ALL_GRANTS, local_mode=True)
    return Context(actor=actor, store=store, framework=framework, lang="en")


def unless_held(db: Path | None) -> Context | None:
    """The acting context, or None when the running app holds the database file (a command
    then asks the app, through the spool folder beside the database)."""
    from dtmaturity.store import FileHeld

    try:
        return command_context(db)
    except FileHeld:
        return None


@contextmanager
def opened(db: Path | None) -> Iterator[Context]:
    """The acting context over the database, closed when the command is done."""
    ctx = command_context(db)
    try:
        yield ctx
    finally:
        ctx.store.close()


@contextmanager
def reading(db: Path | None, wait: float, command: str) -> Iterator[Context]:
    """The acting context for a command that only reads. When the running app holds the
    database file, over a consistent copy of it that the app makes on request (through the
    spool folder beside the database, as `rounds` hands over its jobs), in a private work
    folder removed afterwards."""
    from dtmaturity.services import spool, workdirs
    from dtmaturity.store import default_db_path

    ctx = unless_held(db)
    if ctx is not None:
        try:
            yield ctx
        finally:
            ctx.store.close()
        return
    path = db or default_db_path()
    with workdirs.workdir("copy") as folder:
        copy = folder / "copy.duckdb"
        spool.fetch_copy(path, copy, timeout=wait)
        print(
            f"dtmaturity {command}: the running app holds {path}; reading a consistent copy "
            "of it that the app made just now",
            file=sys.stderr,
        )
        with opened(copy) as ctx:
            yield ctx
