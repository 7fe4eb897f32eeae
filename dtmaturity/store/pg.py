"""PostgreSQL through psycopg 3: a connection pool, and a cursor that answers the store as a
DuckDB cursor does (`execute(...).fetchall()/.fetchone()/.df()`, `executemany`, `begin`,
`commit`, `rollback`), so the store's functions run unchanged on either database."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import psycopg.errors
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool
from psycopg_pool import PoolTimeout as PoolTimeoutError

from dtmaturity.store import dialect

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
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_value(v) for v in value]
    if isinstance(value, pd.Timestamp):
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
        return self._cur.fetchall() if self._cur.description else []

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone() if self._cur.description else None

    def df(self) -> pd.DataFrame:
        columns = [d.name for d in self._cur.description or ()]
        return pd.DataFrame.from_records(self.fetchall(), columns=columns)

    def begin(self) -> None:
        self._cur.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")

    def commit(self) -> None:
        self._cur.execute("COMMIT")

    def rollback(self) -> None:
        self._cur.execute("ROLLBACK")

    def close(self) -> None:
        self._cur.close()


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
