"""Connection, transactions and the data version, on a DuckDB file or a PostgreSQL database."""

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
from psycopg_pool import ConnectionPool
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_incrementing

from dtmaturity.domain import settings
from dtmaturity.store import dialect, migrations, pg

T = TypeVar("T")
DEFAULT_DB = Path("data") / "dtmaturity.duckdb"
_CONFLICT_RETRIES = 8
# PostgreSQL: how often (seconds) a process reads the data version other processes advance.
_SHARED_VERSION_EVERY = 1.0


class _FileState:
    """What every Store of this process on one database shares: the lock that serialises its
    writes and the count of writes committed (the data version).

    DuckDB lets one process at a time open a file for writing, so every write to the file goes
    through this process; serialising them here means two writers never conflict (DuckDB would
    abort the later one), and the data version needs no shared row that every write updates.
    On PostgreSQL the lock still queues this process's writes; other processes' writes show
    through the shared counter (`shared`, last read at `shared_read_at`).
    """

    def __init__(self) -> None:
        # Re-entrant: a write started inside another write (same thread) must not deadlock.
        self.write_lock = threading.RLock()
        self._count_lock = threading.Lock()
        self.version = 0
        self.shared = 0
        self.shared_read_at = float("-inf")

    def written(self) -> None:
        with self._count_lock:
            self.version += 1

    def seen(self, shared: int, at: float) -> None:
        with self._count_lock:
            self.shared = max(self.shared, shared)
            self.shared_read_at = at


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


# Any error either database raises (a statement it refused, a lost connection).
DatabaseError = (duckdb.Error, pg.psycopg.Error)


class StoreError(RuntimeError):
    """The database could not be opened or written; the message says why."""


class FileHeld(StoreError):
    """Another process (the running app, or a command) holds the DuckDB file: DuckDB lets one
    process open a file for writing. A command then asks the app (services/spool.py)."""


class WriteFailed(StoreError):
    """A write was refused and rolled back. The message names the write and the kind of
    failure, never a stored value (keys hold e-mail addresses)."""

    def __init__(self, action: str, kind: str) -> None:
        super().__init__(f"The write {action!r} was rolled back ({kind}); nothing was saved.")
        self.action = action
        self.kind = kind


def default_db_path() -> Path | str:
    """DTMATURITY_DB (a file path or a postgresql:// URL), or data/dtmaturity.duckdb relative
    to the working directory."""
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


def _rollback(cur: Any) -> None:
    """Roll back, keeping the error that made us: after a failed write (a full disk, say)
    DuckDB may have ended the transaction itself, and "cannot rollback - no transaction is
    active" would hide the reason; a lost PostgreSQL connection cannot roll back at all."""
    with suppress(duckdb.Error, pg.psycopg.Error):
        cur.rollback()


def _failure(exc: BaseException) -> str | None:
    """What kind of failed write this is, on either database: a conflict with another writer
    (run it again), a refused constraint, a broken database (disk, file, server), or None (a
    fault of the code: raised as it is)."""
    if isinstance(exc, pg.CONFLICTS):
        return "conflict"
    if isinstance(exc, duckdb.TransactionException):
        # A failed commit without a conflict: the disk, say.
        return "conflict" if "conflict" in str(exc).lower() else "broken"
    if isinstance(exc, (duckdb.ConstraintException, *pg.CONSTRAINTS)):
        return "constraint"
    if isinstance(exc, (duckdb.IOException, duckdb.FatalException, *pg.BROKEN)):
        return "broken"
    return None


def _conflict_retries() -> Retrying:
    """Attempts of one write: a conflict with another writer is tried again, up to
    _CONFLICT_RETRIES times, waiting 10 ms more each time; the last conflict is raised."""
    return Retrying(
        retry=retry_if_exception(
            lambda exc: isinstance(exc, WriteFailed) and exc.kind == "conflict"
        ),
        stop=stop_after_attempt(_CONFLICT_RETRIES),
        wait=wait_incrementing(start=0.01, increment=0.01),
        reraise=True,
    )


class Store:
    """One database, migrated to the latest schema on open: a DuckDB file (a path, the
    default) or a PostgreSQL database (a postgresql:// URL, through a pool of connections)."""

    def __init__(
        self, path: Path | str | None = None, *, migrate: bool = True, pool_size: int = 10
    ) -> None:
        location = path if path else default_db_path()
        self._pool: ConnectionPool | None = None
        if dialect.is_postgres(location):
            self.url = str(location)
            self.path: Any = self.url  # to open it again; messages show `dialect.shown(url)`
            self.shown = dialect.shown(self.url)
            self._open_postgres(pool_size)
            self._file = _file_state(f"postgres:{self.url}")
        else:
            self.url = None
            self.path = Path(location)
            self.shown = str(self.path)
            self._open_duckdb()
            # In-memory databases are private to their connection; files are shared per process.
            self._file = _file_state(
                f"memory:{id(self)}" if str(self.path) == ":memory:" else str(self.path.resolve())
            )
        self._lock = threading.Lock()
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.close()  # a refused database is left as it was, and nothing held open
                raise

    @property
    def is_postgres(self) -> bool:
        return self._pool is not None

    def _open_postgres(self, pool_size: int) -> None:
        try:
            self._pool = pg.open_pool(self.url or "", size=pool_size)
        except (pg.psycopg.Error, pg.PoolTimeout) as exc:
            raise StoreError(f"Cannot open database {self.shown}: {exc}") from None

    def _open_duckdb(self) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise FileHeld(
                    f"Cannot open database {self.shown}: {exc}. Is another dtmaturity process "
                    "(the app or a command) using it? DuckDB allows one writing process per file."
                ) from exc
            raise StoreError(f"Cannot open database {self.shown}: {exc}") from exc
        except (duckdb.Error, OSError) as exc:  # not a database file, unreadable, a newer DuckDB
            raise StoreError(f"Cannot open database {self.shown}: {exc}") from exc
        # DuckDB would otherwise pre-aggregate the whole answer rollup by (unit, period, item)
        # before joining it to the subtree, which makes subtree roll-ups 5-10x slower
        # (benchmarks/README.md). GLOBAL, so every cursor of this database gets it.
        self._con.execute("SET GLOBAL disabled_optimizers = 'partial_aggregate_pushdown'")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        else:
            self._con.close()

    def migrate(self, target: int | None = None) -> list[str]:
        """Bring the schema up to date (or up to `target`); returns the names applied."""
        with self._file.write_lock, self.reader() as cur:
            try:
                if self._pool is not None:  # one process at a time migrates a server database
                    with pg.migration_lock(cur):
                        applied = migrations.apply(cur, target)
                else:
                    applied = migrations.apply(cur, target)
            except migrations.NewerSchemaError as exc:
                raise StoreError(f"Database {self.shown}: {exc}") from exc
            self._written(cur)  # a step may change data
        return applied

    def schema_version(self) -> int:
        with self.reader() as cur:
            return migrations.current_version(cur)

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A cursor of its own for the calling thread, closed afterwards."""
        if self._pool is not None:
            try:
                with pg.cursor(self._pool) as cur:
                    yield cur
            except pg.PoolTimeout as exc:
                raise StoreError(f"The database {self.shown} does not answer: {exc}") from None
            return
        with self._lock:
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def write(
        self,
        work: Callable[[Any], T],
        *,
        audit: AuditEntry,
        prepare: Callable[[Any], object] | None = None,
        invalidates: bool = True,
    ) -> T:
        """Run `work(cursor)` in one transaction, record it in the audit log and advance the data
        version. Every write names its audit entry, so no write goes unrecorded.

        `invalidates=False` is for a write to tables that no cached reader reads (a check-in
        draft, written at every click in the form): the data version stays, so the dashboards'
        cached results stay valid for everyone. Otherwise each leader's click at quarter end
        would make every other viewer's next page recompute from scratch.

        A failure rolls everything back. Writes to one database are serialised within the
        process (see `_FileState`): simultaneous check-ins queue for a few milliseconds each
        instead of conflicting, and a large import runs once, with the check-ins that arrive
        meanwhile saved right after it. A conflict with some other connection (on PostgreSQL,
        another process: its transactions are SERIALIZABLE) is retried.
        `prepare(cursor)` runs on the same cursor just before the transaction, outside it and
        outside the write lock: reading a file into TEMP tables there may fail and be tried
        another way without aborting the transaction, and holds up no other writer.
        """
        for attempt in _conflict_retries():
            with attempt, self._write_cursor(prepare) as cur:
                cur.begin()
                try:
                    result = work(cur)
                    _record(cur, audit, result)
                    cur.commit()
                except BaseException as exc:
                    _rollback(cur)
                    kind = _failure(exc)
                    if kind == "constraint":
                        # The message spells the key (a respondent's e-mail, say): it goes
                        # neither into the error nor, through the exception chain, into a log.
                        raise WriteFailed(audit.action, "constraint") from None
                    if kind == "broken":
                        # A full disk, a lost file or server: nothing was stored; say so.
                        raise StoreError(
                            f"Could not write to the database {self.shown}: {exc}"
                        ) from None
                    if kind != "conflict":
                        raise
                    # Tried again (_conflict_retries); after the last attempt, the error.
                    raise WriteFailed(audit.action, "conflict") from None
                else:
                    if invalidates:
                        self._written(cur)
                    return result
        raise AssertionError("unreachable")

    @contextmanager
    def _write_cursor(self, prepare: Callable[[Any], object] | None) -> Iterator[Any]:
        """A cursor, prepared, holding this process's write lock. On PostgreSQL a write
        without `prepare` takes the lock first and its pooled connection then: the threads
        queued for the lock hold no connection, so the one writing can always get a second
        (a write may read through another cursor) however many wait."""
        if self._pool is not None and prepare is None:
            with self._file.write_lock, self.reader() as cur:
                yield cur
            return
        with self.reader() as cur:
            if prepare is not None:
                prepare(cur)
            with self._file.write_lock:
                yield cur

    def _written(self, cur: Any) -> None:
        """A write committed: advance the data version (on PostgreSQL, the shared one, whose
        new value this process knows at once)."""
        if self._pool is None:
            self._file.written()
        else:
            self._file.seen(pg.bump_data_version(cur), time.monotonic())

    def data_version(self) -> int:
        """A number that every committed write increases; caches key on it (with the Store, so a
        Store opened later on the file, after another process wrote to it, never reuses older
        results).

        On a DuckDB file it is held in memory, with no lookup and no shared row for every write
        to update: only this process can write to the file while it has it open. On PostgreSQL
        other processes write too: each write also adds one to a shared counter (the `meta`
        row 'data_version', after its commit), which is read at most once a second, so a
        write elsewhere shows here within a second and a page's many lookups cost one read."""
        if self._pool is None:
            return self._file.version
        state = self._file
        now = time.monotonic()
        if now - state.shared_read_at >= _SHARED_VERSION_EVERY:
            with self.reader() as cur:
                state.seen(pg.read_data_version(cur), now)
        return state.shared
