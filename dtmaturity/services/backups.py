"""`dtmaturity backup`: a consistent copy of the whole database as a new file.

- A DuckDB file: a new DuckDB file, made here when no process holds the database file, and by
  the running app when it does (the request goes through its spool folder, as `rounds` jobs
  do: services/spool.py).
- A PostgreSQL database (a postgresql:// URL): PostgreSQL's own `pg_dump` in its custom
  format (one snapshot of the whole database, while the apps keep serving), restored with
  `pg_restore`. The password goes to pg_dump in its environment, never on its command line,
  where other local users could read it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from dtmaturity import safefiles
from dtmaturity.services import spool
from dtmaturity.store import FileHeld, Store, backup

POSTGRES = ("postgresql://", "postgres://")


class BackupError(Exception):
    """The backup cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Backup:
    source: str  # the database backed up, as it may be shown (a URL without its password)
    path: Path
    tables: int  # tables in the backup, read back from the file
    rows: int | None  # rows in them (None: a pg_dump archive, whose rows are not counted)
    by_server: bool  # made by the running app holding the database file


def write(db: Path | str, output: Path, *, timeout: float = 60.0) -> Backup:
    """Write the backup to `output` (replaced whole if it exists, mode 0600: it holds everything
    the database holds, personal data included). `timeout`: how long to wait for the app
    when it holds a DuckDB file."""
    if str(db).startswith(POSTGRES):
        return _postgres(str(db), output)
    db_path = Path(db)
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
        except FileHeld:
            spool.fetch_copy(db_path, path, timeout=timeout)
            by_server = True
        else:
            try:
                backup.copy_database(store, path)
            finally:
                store.close()
    counts = backup.row_counts(output)
    return Backup(str(db_path), output, len(counts), sum(counts.values()), by_server)


def _without_password(url: str) -> tuple[str, str | None]:
    """The URL without its password, and the password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}")), unquote(parts.password)


def _postgres(url: str, output: Path) -> Backup:
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise BackupError(
            "pg_dump or pg_restore is missing: a PostgreSQL database is backed up with "
            "PostgreSQL's own tools (Debian package postgresql-client, of the server's version "
            "or newer)"
        )
    shown, password = _without_password(url)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    output.parent.mkdir(parents=True, exist_ok=True)
    with safefiles.replacing(output) as path, safefiles.create(path, perms=0o600) as archive:
        done = subprocess.run(
            [pg_dump, "--format=custom", "--dbname", shown],
            env=env,
            stdout=archive,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump could not back up {shown}: {done.stderr.strip()}")
    listed = subprocess.run(
        [pg_restore, "--list", str(output)],
        capture_output=True,
        text=True,
    )
    tables = sum(" TABLE DATA " in line for line in listed.stdout.splitlines())
    return Backup(shown, output, tables, None, False)
