"""PostgreSQL through psycopg 3: a connection pool, and a cursor that answers the store as a
DuckDB cursor does (`execute(...).fetchall()/.fetchone()/.df()`, `executemany`, `begin`,
`commit`, `rollback`), so the store's functions run unchanged on either database."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
import psycopg.errors
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool
from psycopg_pool import PoolTimeout as PoolTimeoutError

from dtmaturity import safefiles
from dtmaturity.store import dialect

if TYPE_CHECKING:  # loaded where used: a command that reads no frame needs neither
    import pandas as pd
    import pyarrow as pa

# A write that lost a race with another process's write: run it again.
CONFLICTS = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)
CONSTRAINTS = (psycopg.errors.IntegrityError,)
# The server is gone or refused us: nothing was stored.
BROKEN = (psycopg.OperationalError, psycopg.InterfaceError)
_MIGRATION_LOCK = 28_0001  # the advisory lock's key while migrating


class _NumberLoader(Loader):
    """NUMERIC (PostgreSQL's sum of integers, avg, round) as Python numbers, as DuckDB gives
    them: an int when whole, else a float; never a Decimal."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if text.lstrip("-").isdigit():
            return int(text)
        return float(text)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _NumberLoader)
    # TIMESTAMP columns hold UTC, as DuckDB's current_timestamp writes them here.
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET intervalstyle = 'iso_8601'")


def _reset(conn: psycopg.Connection) -> None:
    """A connection back in the pool forgets its TEMP tables, as a closed DuckDB cursor does."""
    conn.execute("DISCARD TEMP")


def open_pool(url: str, *, size: int) -> ConnectionPool:
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True},
        configure=_configure,
        reset=_reset,
        open=False,
        name="dtmaturity",
    )
    pool.open(wait=True, timeout=10)
    return pool


def _value(value: Any) -> Any:
    """A parameter as psycopg dumps it: numpy scalars as Python's, lists element by element."""
    if isinstance(value, str):
        return dialect.storable(value)
    np, pd = sys.modules.get("numpy"), sys.modules.get("pandas")  # a value of theirs: loaded
    if np is not None and isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)) or (np is not None and isinstance(value, np.ndarray)):
        return [_value(v) for v in value]
    if pd is not None and isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _params(params: Sequence[Any] | Mapping[str, Any] | None) -> Any:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return {k: _value(v) for k, v in params.items()}
    return tuple(_value(v) for v in params)


class Cursor:
    """A psycopg cursor with the DuckDB cursor's face, over one pooled connection."""

    is_postgres = True  # what a migration step asks (migrations.PostgresOnly)

    def __init__(self, conn: psycopg.Connection) -> None:
        self.connection = conn
        self._cur = conn.cursor()

    def execute(self, sql: str, params: Any = None) -> Cursor:
        drop, sql = dialect.temp_table_replaced(sql)
        if drop is not None:
            self._cur.execute(drop)
        self._cur.execute(dialect.to_psycopg(sql), _params(params))  # type: ignore[arg-type]
        return self

    def executemany(self, sql: str, rows: Any) -> Cursor:
        self._cur.executemany(dialect.to_psycopg(sql), [_params(r) for r in rows])  # type: ignore[arg-type]
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self._cur.description:
            return self._cur.fetchall()
        # DuckDB answers an INSERT, UPDATE or DELETE with one row: the count of rows it changed.
        return [(self._cur.rowcount,)] if self._cur.rowcount >= 0 else []

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._cur.description:
            return self._cur.fetchone()
        return (self._cur.rowcount,) if self._cur.rowcount >= 0 else None

    def df(self) -> pd.DataFrame:
        import pandas as pd

        columns = [d.name for d in self._cur.description or ()]
        return pd.DataFrame.from_records(self.fetchall(), columns=columns)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A pandas frame as a TEMP table of this connection (DuckDB reads the frame in place;
        PostgreSQL gets a copy of its rows)."""
        columns = ", ".join(f'"{c}" {_column_type(frame[c])}' for c in frame.columns)
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")
        names = ", ".join(f'"{c}"' for c in frame.columns)
        with self._cur.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_value(v) for v in row])

    def unregister(self, name: str) -> None:
        self._cur.execute(f"DROP TABLE IF EXISTS {name}")

    def sql(self, query: str, params: Any = None) -> _Relation:
        """A query to write out as CSV (DuckDB's relation's `write_csv`)."""
        return _Relation(self._cur, query, params)

    def begin(self) -> None:
        self._cur.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")

    def commit(self) -> None:
        self._cur.execute("COMMIT")

    def rollback(self) -> None:
        self._cur.execute("ROLLBACK")

    def close(self) -> None:
        self._cur.close()


def _column_type(column: pd.Series) -> str:
    kind = column.dtype.kind
    return {"i": "BIGINT", "u": "BIGINT", "f": "FLOAT8", "b": "BOOLEAN", "M": "TIMESTAMP"}.get(
        kind, "VARCHAR"
    )


class _Relation:
    def __init__(self, cur: psycopg.Cursor, query: str, params: Any) -> None:
        self._cur, self._query, self._params = cur, query, params

    def to_arrow_table(self) -> pa.Table:
        import pyarrow as pa

        self._cur.execute(dialect.to_psycopg(self._query), _params(self._params))
        columns = [d.name for d in self._cur.description or ()]
        rows = self._cur.fetchall()
        return pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})

    def write_csv(self, path: str, *, header: bool = True, sep: str = ",", quotechar: str = '"'):
        """The rows as CSV, streamed by the server (COPY ... TO STDOUT) into the file."""
        # COPY takes no parameters: the values are bound on the client (quoted by psycopg).
        binder = psycopg.ClientCursor(self._cur.connection)
        query = binder.mogrify(dialect.to_psycopg(self._query), _params(self._params))
        options = (
            f"FORMAT csv, HEADER {str(header).lower()}, DELIMITER '{sep}', QUOTE '{quotechar}'"
        )
        with (
            safefiles.create(path) as out,
            self._cur.copy(f"COPY ({query}) TO STDOUT ({options})") as copy,
        ):
            for block in copy:
                out.write(block)


@contextmanager
def cursor(pool: ConnectionPool) -> Iterator[Cursor]:
    with pool.connection() as conn:
        cur = Cursor(conn)
        try:
            yield cur
        finally:
            cur.close()
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.rollback()


PoolTimeout = PoolTimeoutError


_PG_TYPES = {"BIGINT": "BIGINT", "INTEGER": "INTEGER", "DOUBLE": "FLOAT8", "BOOLEAN": "BOOLEAN"}


def read_with_duckdb(cur: Cursor, read: Callable[[Any], object], tables: dict[str, str]) -> Any:
    """Files are read by DuckDB (read_csv) on either database: `read(con)` runs on an in-memory
    DuckDB, and then each of `tables` (TEMP table name: the SELECT that gives its rows there)
    becomes a TEMP table of this PostgreSQL connection with the same columns and rows."""
    import duckdb

    mem = duckdb.connect()
    try:
        result = read(mem)
        for name, select in tables.items():
            relation = mem.execute(select)
            names = [d[0] for d in relation.description]
            types = [_PG_TYPES.get(str(d[1]), "VARCHAR") for d in relation.description]
            columns = ", ".join(f'"{n}" {t}' for n, t in zip(names, types, strict=True))
            rows = relation.fetchall()
            cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")
            quoted = ", ".join(f'"{n}"' for n in names)
            with cur._cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_value(v) for v in row])
        return result
    finally:
        mem.close()


@contextmanager
def migration_lock(cur: Cursor) -> Iterator[None]:
    """One process at a time migrates: the others wait, then find nothing left to do."""
    cur.execute("SELECT pg_advisory_lock(?)", [_MIGRATION_LOCK])
    try:
        yield
    finally:
        cur.execute("SELECT pg_advisory_unlock(?)", [_MIGRATION_LOCK])


def bump_data_version(cur: Cursor) -> int:
    """Advance the data version every process reads (its own statement, after the write's
    commit: a reader never sees the new version before the data it stands for)."""
    return _version(cur, "UPDATE meta SET value = value + 1 WHERE key = ? RETURNING value")


def read_data_version(cur: Cursor) -> int:
    return _version(cur, "SELECT value FROM meta WHERE key = ?")


def _version(cur: Cursor, sql: str) -> int:
    try:
        row = cur.execute(sql, ["data_version"]).fetchone()
    except psycopg.errors.UndefinedTable:  # a database migrated only part way (a test's)
        return 0
    return int(row[0]) if row else 0
