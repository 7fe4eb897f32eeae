"""The server's background thread: the scheduled work (round invitations and reminders), and
serving the spool folder through which the command line hands jobs to the server holding a
DuckDB file (services/spool.py).

On PostgreSQL several app processes share the database and the command line opens it itself:
the thread does only the scheduled work, and only in the one process that holds the
database's scheduler lease (`Duty`), which another process takes over when that one dies.

On a DuckDB file the app starts one daemon thread per process and database (`start`, called
when the app opens its database). The thread runs the reminder job at start and then every
DTMATURITY_REMIND_EVERY seconds (default 3600), and looks into the spool folder every second.
"""

from __future__ import annotations

import logging
import threading
import time

from dtmaturity.domain import settings
from dtmaturity.domain.framework import Framework
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.services import reminders, spool
from dtmaturity.services.context import acting_for
from dtmaturity.store import Store, leases

REMIND_EVERY = settings.REMIND_EVERY
DEFAULT_EVERY = settings.DEFAULT_REMIND_EVERY
POLL_SECONDS = 1.0
SCHEDULER_ACTOR = "system:scheduler"
log = logging.getLogger("dtmaturity.scheduler")

_threads: dict[str, tuple[threading.Thread, threading.Event]] = {}
_guard = threading.Lock()


def interval() -> int:
    """DTMATURITY_REMIND_EVERY in seconds (at least 10); a bad value stops with its name."""
    return settings.current().usable(REMIND_EVERY).remind_every


def _key(store: Store) -> str:
    return f"postgres:{store.url}" if store.is_postgres else str(store.path.resolve())


def start(store: Store, framework: Framework) -> bool:
    """Start the background thread for this database, once per process. True when started now."""
    if str(store.path) == ":memory:":
        return False
    key = _key(store)
    with _guard:
        running = _threads.get(key)
        if running is not None and running[0].is_alive():
            return False
        every = interval()
        if not store.is_postgres:  # the command line opens a PostgreSQL database itself
            try:
                spool.prepare_spool(store.path)
            except spool.SpoolError as exc:  # reminders still run; serve_spool refuses the folder
                log.error("spool: %s", exc)
        stopped = threading.Event()
        thread = threading.Thread(
            target=_loop,
            args=(store, framework, every, stopped),
            name="dtmaturity-scheduler",
            daemon=True,
        )
        _threads[key] = (thread, stopped)
        thread.start()
        return True


def stop(store: Store, timeout: float = 30.0) -> None:
    """Stop this database's thread and wait for it (before closing the store)."""
    with _guard:
        running = _threads.pop(_key(store), None)
    if running is not None:
        running[1].set()
        running[0].join(timeout)


class Duty:
    """The scheduled work of one process on one database: the reminder run (round invitations
    and reminders), at once when this process takes the duty on and then every `every`
    seconds.

    One process at a time has the duty, chosen through the database. On PostgreSQL it is the
    process holding the scheduler lease (store/leases.py), which it keeps while it lives; every
    other process tries to take it at each tick, so when the holder dies (its connection drops
    and the server releases the lock) the next process to tick takes over and runs at once.
    On a DuckDB file this process is the only one, and always has the duty."""

    def __init__(self, store: Store, framework: Framework, every: int) -> None:
        self.store = store
        self.framework = framework
        self.every = every
        self._lease = leases.Lease(store.url, leases.SCHEDULER) if store.is_postgres else None
        self._next_run = 0.0

    def ours(self) -> bool:
        """Whether this process has the duty now (taking it when free)."""
        if self._lease is None:
            return True
        if self._lease.take():
            return True
        self._next_run = 0.0  # whoever takes the duty over runs at once
        return False

    def tick(self, now: float) -> reminders.RunReport | None:
        """Run the reminders when this process has the duty and they are due; the run's
        report, or None when nothing ran."""
        if not self.ours() or now < self._next_run:
            return None
        self._next_run = now + self.every
        return reminders.run(acting_for(self.store, self.framework, SCHEDULER_ACTOR))

    def close(self) -> None:
        """Give the duty up (another process takes it at its next tick)."""
        if self._lease is not None:
            self._lease.close()


def _serving(store: Store) -> bool:
    return store.is_postgres or store.path.exists()


def _loop(store: Store, framework: Framework, every: int, stopped: threading.Event) -> None:
    folder = None if store.is_postgres else spool.spool_dir(store.path)
    duty = Duty(store, framework, every)
    try:
        while _serving(store) and not stopped.is_set():
            try:
                if folder is not None:
                    spool.serve_spool(store, framework, folder)
                report = duty.tick(time.monotonic())
                if report is not None and (report.sent or report.failed):
                    log.info("reminders: %d sent, %d failed", len(report.sent), len(report.failed))
            except MailConfigError as exc:
                log.error("mail settings: %s", exc)
            except Exception as exc:  # keep serving; the next round of the loop tries again
                if _closed(exc):
                    return  # the store was closed: this process is done with the database
                log.exception("scheduler: %s", type(exc).__name__)
            stopped.wait(POLL_SECONDS)
    finally:
        duty.close()


def _closed(exc: Exception) -> bool:
    text = str(exc).lower()
    return "closed" in text and ("connection" in text or "pool" in text)
