"""Connection, transactions and the data version."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from dtmaturity.domain import settings
from dtmaturity.store import migrations

T = TypeVar("T")
DEFAULT_DB = Path("data") / "dtmaturity.duckdb"
_CONFLICT_RETRIES = 8


class _FileState:
    """What every Store of this process on one database file shares: the lock that serialises
    its writes and the count of writes committed (the data version).

    DuckDB lets one process at a time open a file for writing, so every write to the file goes
    through this process; serialising them here means two writers never conflict (DuckDB would
    abort the later one), and the data version needs no shared row that every write updates.
    """

    def __init__(self) -> None:
        # Re-entrant: a write started inside another write (same thread) must not deadlock.
        self.write_lock = threading.RLock()
        self._count_lock = threading.Lock()
        self.version = 0

    def written(self) -> None:
        with self._count_lock:
            self.version += 1


_files: dict[str, _FileState] = {}
_files_lock = threading.Lock()


def _file_state(key: str) -> _FileState:
    with _files_lock:
        return _files.setdefault(key, _FileState())


def forget_data_versions() -> None:
    """Kept for the benchmarks: the data version is held in memory and costs no lookup."""


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


class WriteFailed(StoreError):
    """A write was refused and rolled back. The message names the write and the kind of
    failure, never a stored value (keys hold e-mail addresses)."""

    def __init__(self, action: str, kind: str) -> None:
        super().__init__(f"The write {action!r} was rolled back ({kind}); nothing was saved.")
        self.action = action
        self.kind = kind


def default_db_path() -> Path:
    """DTMATURITY_DB, or data/dtmaturity.duckdb relative to the working directory."""
    return settings.current().db or DEFAULT_DB


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
        self._file = _file_state(
            f"memory:{id(self)}" if str(self.path) == ":memory:" else str(self.path.resolve())
        )
        if migrate:
            self.migrate()

    def close(self) -> None:
        self._con.close()

    def migrate(self, target: int | None = None) -> list[str]:
        """Bring the schema up to date (or up to `target`); returns the names applied."""
        with self._file.write_lock, self._lock:
            try:
                applied = migrations.apply(self._con, target)
            except migrations.NewerSchemaError as exc:
                raise StoreError(f"Database {self.path}: {exc}") from exc
        self._file.written()  # a step may change data
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
        invalidates: bool = True,
    ) -> T:
        """Run `work(cursor)` in one transaction, record it in the audit log and advance the data
        version. Every write names its audit entry, so no write goes unrecorded.

        `invalidates=False` is for a write to tables that no cached reader reads (a check-in
        draft, written at every click in the form): the data version stays, so the dashboards'
        cached results stay valid for everyone. Otherwise each leader's click at quarter end
        would make every other viewer's next page recompute from scratch.

        A failure rolls everything back. Writes to one file are serialised within the process
        (see `_FileState`): simultaneous check-ins queue for a few milliseconds each instead of
        conflicting, and a large import runs once, with the check-ins that arrive meanwhile
        saved right after it. A conflict with some other connection is still retried.
        `prepare(cursor)` runs on the same cursor just before the transaction, outside it and
        outside the write lock: reading a file into TEMP tables there may fail and be tried
        another way without aborting the transaction, and holds up no other writer.
        """
        for attempt in range(_CONFLICT_RETRIES):
            with self.reader() as cur:
                if prepare is not None:
                    prepare(cur)
                with self._file.write_lock:
                    cur.begin()
                    try:
                        result = work(cur)
                        _record(cur, audit, result)
                        cur.commit()
                        if invalidates:
                            self._file.written()
                        return result
                    except duckdb.TransactionException as exc:
                        _rollback(cur)
                        if "conflict" not in str(exc).lower():  # a failed commit: the disk, say
                            raise StoreError(
                                f"Could not write to the database {self.path}: {exc}"
                            ) from None
                        if attempt == _CONFLICT_RETRIES - 1:
                            raise WriteFailed(audit.action, "conflict") from None
                    except duckdb.ConstraintException:
                        # DuckDB's message spells the key (a respondent's e-mail, say): it goes
                        # neither into the error nor, through the exception chain, into a log.
                        _rollback(cur)
                        raise WriteFailed(audit.action, "constraint") from None
                    except (duckdb.IOException, duckdb.FatalException) as exc:
                        # A full disk or a lost file: nothing was stored; say so in plain words.
                        _rollback(cur)
                        raise StoreError(
                            f"Could not write to the database {self.path}: {exc}"
                        ) from None
                    except BaseException:
                        _rollback(cur)
                        raise
            time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def data_version(self) -> int:
        """A number that every committed write through this process increases; caches key on it
        (with the Store, so a Store opened later on the file, after another process wrote to it,
        never reuses older results). Held in memory, with no lookup and no shared row for every
        write to update: only this process can write to the file while it has it open."""
        return self._file.version
