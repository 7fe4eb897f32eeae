"""A consistent copy of the whole DuckDB database as a new file, made while the app serves: for
`dtmaturity backup`, and for `export` and `report` beside the running app, which read such a
copy (services/spool.py hands the request to the server holding the file).

The copy is one read transaction (`COPY FROM DATABASE` into a freshly attached file): it holds
every table, view and sequence (with its current value) as of one moment, writers carry on
meanwhile and never wait for it, and the copy is a database file of its own, closed and
complete when `copy_database` returns.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import duckdb

from dtmaturity.store.db import Store, StoreError


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def copy_database(store: Store, target: str | Path) -> None:
    """Write the database as it is now into the new DuckDB file `target` (which must not
    exist). A failure removes nothing of the database and leaves no attached copy behind."""
    alias = f"dtm_copy_{uuid.uuid4().hex}"
    with store.reader() as cur:
        (source,) = cur.execute("SELECT current_database()").fetchone()
        # ATTACH and COPY take no bound parameters for names; the path is ours (the caller's
        # new file) and both are quoted.
        try:
            cur.execute(f"ATTACH {_literal(str(target))} AS {_identifier(alias)}")
        except duckdb.Error as exc:
            raise StoreError(f"Cannot create the copy {target}: {exc}") from None
        try:
            cur.begin()
            cur.execute(f"COPY FROM DATABASE {_identifier(source)} TO {_identifier(alias)}")
            cur.commit()
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                cur.rollback()
            raise StoreError(f"Cannot copy the database {store.path} to {target}: {exc}") from None
        finally:
            cur.execute(f"DETACH {_identifier(alias)}")


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND NOT internal AND NOT temporary ORDER BY table_name"
        ).fetchall()
    ]


def table_checksums(path: str | Path) -> dict[str, tuple[int, int]]:
    """Every table of a database file with its number of rows and a checksum of their content
    (independent of row order), read without changing the file: two files with the same
    checksums hold the same rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        sums = {}
        for name in _tables(con):
            table = _identifier(name)  # a name from the catalogue, quoted
            count, digest = con.execute(
                f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {table} AS t"  # noqa: S608
            ).fetchone()
            sums[name] = (count, digest)
        return sums
    finally:
        con.close()


def row_counts(path: str | Path) -> dict[str, int]:
    """Every table of a database file and its number of rows, read without changing it."""
    return {name: count for name, (count, _) in table_checksums(path).items()}
