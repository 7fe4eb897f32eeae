"""`dtmaturity backup`: a consistent copy of the whole database as a new DuckDB file. Made here
when no process holds the database file, and by the running app when it does (the request
goes through its spool folder, as `rounds` jobs do: services/scheduler.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dtmaturity import safefiles
from dtmaturity.services import scheduler
from dtmaturity.store import Store, StoreError, backup


class BackupError(Exception):
    """The backup cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    rows: dict[str, int]  # every table of the backup and its rows, read back from the file
    by_server: bool  # made by the running app holding the database


def write(db_path: Path, output: Path, *, timeout: float = 60.0) -> Backup:
    """Write the backup to `output` (replaced whole if it exists, mode 0600: it holds everything
    the database holds, personal data included). `timeout`: how long to wait for the app
    when it holds the database."""
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path}")
    # A link at `output` is replaced, not written through: only the name itself is compared.
    if output.parent.resolve() / output.name == db_path.resolve():
        raise BackupError(f"{output} is the database itself; write the backup to another file")
    output.parent.mkdir(parents=True, exist_ok=True)
    by_server = False
    with safefiles.replacing(output) as path:
        try:
            store = Store(db_path, migrate=False)  # a backup is taken as the file is
        except StoreError as exc:
            if "lock" not in str(exc).lower():
                raise
            scheduler.fetch_copy(db_path, path, timeout=timeout)
            by_server = True
        else:
            try:
                backup.copy_database(store, path)
            finally:
                store.close()
    return Backup(output, backup.row_counts(output), by_server)
