"""Connection, transactions and the data version."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from dtmaturity.store import migrations

T = TypeVar("T")
DEFAULT_DB = Path("data") / "dtmaturity.duckdb"
_CONFLICT_RETRIES = 8
# How long a data version read from the database is reused. Writes through `Store.write` in
# this process forget it at once (and DuckDB lets no other process write while we have the file
# open), so this only bounds how long a version bumped some other way could go unseen.
VERSION_MEMO_SECONDS = 1.0


class _VersionMemo:
    """The last data version read per database file, shared by every Store of this process on
    that file, so that one page run (a dozen cached queries) costs one version lookup."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo: dict[str, tuple[int, float]] = {}
        self._writes: dict[str, int] = {}

    def get(self, key: str) -> tuple[int | None, int]:
        """(version or None when unknown or stale, the write count to pass to `put`)."""
        with self._lock:
            memo = self._memo.get(key)
            writes = self._writes.get(key, 0)
        if memo is not None and time.monotonic() - memo[1] < VERSION_MEMO_SECONDS:
            return memo[0], writes
        return None, writes

    def put(self, key: str, version: int, writes: int, read_at: float) -> None:
        """Remember a version read at `read_at`, unless a write landed since `get`."""
        with self._lock:
            if self._writes.get(key, 0) == writes:
                self._memo[key] = (version, read_at)

    def written(self, key: str) -> None:
        with self._lock:
            self._writes[key] = self._writes.get(key, 0) + 1
            self._memo.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._memo.clear()


_versions = _VersionMemo()


def forget_data_versions() -> None:
    """Read the data version from the database again on next use (benchmarks time it)."""
    _versions.clear()


@dataclass(frozen=True)
class AuditEntry:
    """What a write is, for the audit log: who, what, on what, and ids before/after.

    `details` may be a function of the write's result (an import's new id, say); it must never
    hold the content of answers, comments or reflections, only ids and counts.
    """

    actor: str
    action: str
    target: str | None = None
    details: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None


class StoreError(RuntimeError):
    """The database could not be opened or written; the message says why."""


def default_db_path() -> Path:
    """DTMATURITY_DB, or data/dtmaturity.duckdb relative to the working directory."""
    return Path(os.environ.get("DTMATURITY_DB") or DEFAULT_DB)


def _record(cur: duckdb.DuckDBPyConnection, audit: AuditEntry, result: object) -> None:
    details = audit.details(result) if callable(audit.details) else audit.details
    cur.execute(
        "INSERT INTO audit_log (actor, action, target, details) VALUES (?, ?, ?, ?)",
        [
            audit.actor,
            audit.action,
            audit.target,
            json.dumps(details, ensure_ascii=False, default=str) if details else None,
        ],
    )


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back, keeping the error that made us: after a failed write (a full disk, say)
    DuckDB may have ended the transaction itself, and "cannot rollback - no transaction is
    active" would hide the reason."""
    with suppress(duckdb.Error):
        cur.rollback()


class Store:
    """One DuckDB database file, migrated to the latest schema on open."""

    def __init__(self, path: Path | str | None = None, *, migrate: bool = True) -> None:
        self.path = Path(path) if path else default_db_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"Cannot open database {self.path}: {exc}. Is another dtmaturity process "
                    "(the app or a command) using it? DuckDB allows one writing process per file."
                ) from exc
            raise StoreError(f"Cannot open database {self.path}: {exc}") from exc
        except (duckdb.Error, OSError) as exc:  # not a database file, unreadable, a newer DuckDB
            raise StoreError(f"Cannot open database {self.path}: {exc}") from exc
        # DuckDB would otherwise pre-aggregate the whole answer rollup by (unit, period, item)
        # before joining it to the subtree, which makes subtree roll-ups 5-10x slower
        # (benchmarks/README.md). GLOBAL, so every cursor of this database gets it.
        self._con.execute("SET GLOBAL disabled_optimizers = 'partial_aggregate_pushdown'")
        self._lock = threading.Lock()
        # In-memory databases are private to their connection; files are shared per process.
        self._version_key = (
            f"memory:{id(self)}" if str(self.path) == ":memory:" else str(self.path.resolve())
        )
        if migrate:
            self.migrate()

    def close(self) -> None:
        self._con.close()

    def migrate(self, target: int | None = None) -> list[str]:
        """Bring the schema up to date (or up to `target`); returns the names applied."""
        with self._lock:
            try:
                applied = migrations.apply(self._con, target)
            except migrations.NewerSchemaError as exc:
                raise StoreError(f"Database {self.path}: {exc}") from exc
        _versions.written(self._version_key)  # a step may change data without a version bump
        return applied

    def schema_version(self) -> int:
        with self.reader() as cur:
            return migrations.current_version(cur)

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for the calling thread, closed afterwards."""
        with self._lock:
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def write(
        self,
        work: Callable[[duckdb.DuckDBPyConnection], T],
        *,
        audit: AuditEntry,
        prepare: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
    ) -> T:
        """Run `work(cursor)` in one transaction, record it in the audit log and bump the data
        version. Every write names its audit entry, so no write goes unrecorded.

        A failure rolls everything back. A conflict with a concurrent writer (two sessions
        submitting at once) is retried, so both writes land. `prepare(cursor)` runs on the same
        cursor just before the transaction, outside it: reading a file into TEMP tables there
        may fail and be tried another way without aborting the transaction.
        """
        for attempt in range(_CONFLICT_RETRIES):
            with self.reader() as cur:
                if prepare is not None:
                    prepare(cur)
                cur.begin()
                try:
                    result = work(cur)
                    _record(cur, audit, result)
                    cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
                    cur.commit()
                    _versions.written(self._version_key)
                    return result
                except duckdb.TransactionException as exc:
                    _rollback(cur)
                    if "conflict" not in str(exc).lower():  # a failed commit: the disk, say
                        raise StoreError(
                            f"Could not write to the database {self.path}: {exc}"
                        ) from exc
                    if attempt == _CONFLICT_RETRIES - 1:
                        raise
                except (duckdb.IOException, duckdb.FatalException) as exc:
                    # A full disk or a lost file: nothing was stored; say so in plain words.
                    _rollback(cur)
                    raise StoreError(f"Could not write to the database {self.path}: {exc}") from exc
                except BaseException:
                    _rollback(cur)
                    raise
            time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def data_version(self) -> int:
        """A number that every committed write increases; caches key on it. Reused for up to
        VERSION_MEMO_SECONDS, and read again at once after a write through `write`."""
        version, writes = _versions.get(self._version_key)
        if version is not None:
            return version
        read_at = time.monotonic()
        with self.reader() as cur:
            row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        version = int(row[0]) if row else 0
        _versions.put(self._version_key, version, writes, read_at)
        return version
