"""The whole database moved from a DuckDB file to an empty PostgreSQL database, and checked.

Every table of the schema (enumerated from information_schema, never from a list: a new table
is copied as soon as a migration makes it), the audit log included, and every sequence's
position are copied in one PostgreSQL transaction. Before it commits, each table is checked:
its count of rows and a checksum computed the same way over the rows read back from either
database (`fingerprint`). Any difference rolls the whole copy back.

The target must be empty: no table in its schema holds a row, apart from the two a migration
fills itself (the schema version's record and the data version), which the copy replaces.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg

BATCH = 10_000  # rows read at a time from either database
# Tables a migration fills by itself: an empty, migrated target has rows in these only.
BOOKKEEPING = ("meta", "schema_version")
_TABLES = """SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"""
_COLUMNS = """SELECT column_name, udt_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position"""
_SOURCE_COLUMNS = """SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"""
_TARGET_SEQUENCES = """SELECT sequence_name FROM information_schema.sequences
    WHERE sequence_schema = current_schema() ORDER BY sequence_name"""
# DuckDB keeps a sequence's position in its own catalogue (None: never used).
_SOURCE_SEQUENCES = """SELECT sequence_name, start_value, last_value FROM duckdb_sequences()
    WHERE database_name = current_database() AND schema_name = current_schema()
    ORDER BY sequence_name"""


class TransferError(RuntimeError):
    """The copy was refused or failed its check; nothing was written. The message says why."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class Sequence:
    name: str
    start: int
    last: int | None  # the last value handed out; None when the sequence was never used


def _name(identifier: str) -> str:
    """An identifier from the schema, quoted (names take no bound parameters)."""
    return '"' + identifier.replace('"', '""') + '"'


def _canonical(value: Any) -> Any:
    """A value as the same JSON on either database (both give Python the same types here)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def fingerprint(rows: Iterable[tuple]) -> tuple[int, str]:
    """(count, checksum) of rows: the md5 of each row's canonical text (JSON), added up modulo
    2**128. The sum does not depend on the order rows come in, so neither database's sort
    order (collations differ) and no sort of millions of rows is needed, and it is streamed."""
    total = 0
    count = 0
    for row in rows:
        text = json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        total = (total + int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16)) % (1 << 128)  # noqa: S324 (a checksum, not security)
        count += 1
    return count, f"{total:032x}"


def _batches(cur: Any) -> Iterator[tuple]:
    while rows := cur.fetchmany(BATCH):
        yield from rows


# --- the source: a DuckDB cursor ------------------------------------------------------------


def source_tables(cur: Any) -> list[str]:
    return [name for (name,) in cur.execute(_TABLES).fetchall()]


def source_columns(cur: Any, table: str) -> list[str]:
    return [name for (name,) in cur.execute(_SOURCE_COLUMNS, [table]).fetchall()]


def source_rows(cur: Any, table: str, columns: list[str]) -> Iterator[tuple]:
    cur.execute(f"SELECT {', '.join(map(_name, columns))} FROM {_name(table)}")  # noqa: S608
    return _batches(cur)


def source_sequences(cur: Any) -> list[Sequence]:
    return [Sequence(n, int(s), None if v is None else int(v)) for n, s, v in cur.execute(
        _SOURCE_SEQUENCES
    ).fetchall()]  # fmt: skip


# --- the target: a PostgreSQL connection of its own ------------------------------------------


def connect(url: str) -> psycopg.Connection:
    try:
        con = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as exc:
        raise TransferError(f"cannot connect to the target: {exc}") from None
    con.execute("SET TIME ZONE 'UTC'")
    con.commit()
    return con


def target_holdings(con: psycopg.Connection) -> list[str]:
    """The target's tables that hold rows (its bookkeeping apart): empty when it is empty."""
    full = []
    for (table,) in con.execute(_TABLES).fetchall():
        if table in BOOKKEEPING:
            continue
        row = con.execute(f"SELECT EXISTS (SELECT 1 FROM {_name(table)})").fetchone()  # noqa: S608
        if row and row[0]:
            full.append(table)
    con.rollback()
    return full


def target_tables(con: psycopg.Connection) -> list[str]:
    return [name for (name,) in con.execute(_TABLES).fetchall()]


def target_sequences(con: psycopg.Connection) -> list[str]:
    return [name for (name,) in con.execute(_TARGET_SEQUENCES).fetchall()]


def _types(con: psycopg.Connection, table: str, columns: list[str]) -> list[str]:
    """The target's type of each column, in `columns`' order, as COPY is told them."""
    found = dict(con.execute(_COLUMNS, [table]).fetchall())
    missing = [c for c in columns if c not in found]
    if missing:
        raise TransferError(f"the target's table {table} has no column {', '.join(missing)}")
    return [f"{found[c][1:]}[]" if found[c].startswith("_") else found[c] for c in columns]


def write_table(
    con: psycopg.Connection, table: str, columns: list[str], rows: Iterable[tuple]
) -> None:
    """Replace the target table's rows with `rows` (inside the caller's transaction)."""
    types = _types(con, table, columns)
    con.execute(f"DELETE FROM {_name(table)}")  # noqa: S608 (bookkeeping only: checked empty)
    names = ", ".join(map(_name, columns))
    with con.cursor().copy(f"COPY {_name(table)} ({names}) FROM STDIN") as copy:  # noqa: S608
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def target_fingerprint(con: psycopg.Connection, table: str, columns: list[str]) -> tuple[int, str]:
    """(count, checksum) of the target table as this transaction sees it."""
    with con.cursor(name=f"dtm_check_{table}") as cur:
        cur.itersize = BATCH
        cur.execute(f"SELECT {', '.join(map(_name, columns))} FROM {_name(table)}")  # noqa: S608
        return fingerprint(cur)


def set_sequence(con: psycopg.Connection, seq: Sequence) -> None:
    if seq.last is None:
        con.execute("SELECT setval(%s, %s, false)", [_name(seq.name), seq.start])
    else:
        con.execute("SELECT setval(%s, %s, true)", [_name(seq.name), seq.last])


def sequence_position(con: psycopg.Connection, name: str) -> int | None:
    """The last value the target's sequence handed out, None when it has handed out none."""
    last, called = con.execute(f"SELECT last_value, is_called FROM {_name(name)}").fetchone()  # noqa: S608
    return int(last) if called else None


@dataclass(frozen=True)
class CopyReport:
    tables: list[TableCheck]
    sequences: list[Sequence]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def copy_database(source: Any, url: str) -> CopyReport:
    """Copy every table and sequence of the DuckDB Store `source` into the PostgreSQL database
    at `url`, which is migrated to the same schema and empty; each table checked by count and
    checksum before one commit. TransferError (and nothing written) on any difference."""
    with source.reader() as cur, connect(url) as con:
        tables = source_tables(cur)
        theirs = target_tables(con)
        if tables != theirs:
            raise TransferError(
                "the target's schema differs from the file's (tables only in the file: "
                f"{', '.join(sorted(set(tables) - set(theirs))) or '-'}; only in the target: "
                f"{', '.join(sorted(set(theirs) - set(tables))) or '-'})"
            )
        sequences = source_sequences(cur)
        if [s.name for s in sequences] != target_sequences(con):
            raise TransferError("the target's sequences differ from the file's")
        checks = []
        try:
            for table in tables:
                columns = source_columns(cur, table)
                write_table(con, table, columns, source_rows(cur, table, columns))
                rows, checksum = fingerprint(source_rows(cur, table, columns))
                copied = target_fingerprint(con, table, columns)
                if copied != (rows, checksum):
                    raise TransferError(
                        f"table {table}: the file has {rows} rows (checksum {checksum}), the "
                        f"copy {copied[0]} (checksum {copied[1]}); nothing was copied"
                    )
                checks.append(TableCheck(table, rows, checksum))
            for seq in sequences:
                set_sequence(con, seq)
                if sequence_position(con, seq.name) != seq.last:
                    raise TransferError(f"sequence {seq.name}: its position was not copied")
        except psycopg.Error as exc:
            con.rollback()
            raise TransferError(f"the copy failed and was rolled back: {exc}") from None
        except BaseException:
            con.rollback()
            raise
        con.commit()
        gather_statistics(con)
    return CopyReport(checks, sequences)


def gather_statistics(con: psycopg.Connection) -> None:
    """ANALYZE the whole database: one filled in a single transaction has no planner statistics
    until autovacuum gets round to it, and the first queries after the move would be planned
    blind."""
    con.execute("ANALYZE")
    con.commit()
