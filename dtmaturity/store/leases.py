"""Leases: which process does a piece of work that one process at a time must do, chosen
through the database.

On PostgreSQL a lease is a session-level advisory lock (pg_try_advisory_lock) held on a
connection of its own, outside the pool: the lock lives as long as that connection. When the
process holding it dies (or its connection drops), the server ends the session, the lock is
released, and the next process to try takes it. Nothing is written, so a lease costs no row
and no cleanup.

On a DuckDB file one process at a time has the database open, so that process holds every
lease (`held_by_file`); callers need no lease object there.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress

import psycopg

# Advisory lock keys of this app (28_0001 is the migration lock, store/pg.py).
SCHEDULER = 28_0002  # the process doing the scheduled work (rounds' invitations, reminders)
SENDING = 28_0003  # the one run of reminders sending mail right now (app or command line)
_CONNECT_TIMEOUT = 10  # seconds
# A lease's session names the process holding it (pg_stat_activity.application_name), so an
# operator, or a test, sees which process has the duty.
APPLICATION = "dtmaturity-lease-pid-"


class Lease:
    """One advisory lock on one PostgreSQL database, taken and kept on a dedicated connection."""

    def __init__(self, url: str, key: int) -> None:
        self._url = url
        self._key = key
        self._con: psycopg.Connection | None = None
        self._held = False

    def take(self) -> bool:
        """True when this lease is ours now: kept since last time (its connection still
        answers), or taken just now. False when another session holds it or the database
        cannot be reached (then the next call tries again on a new connection)."""
        try:
            if self._con is None or self._con.closed:
                self._held = False
                self._con = psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=_CONNECT_TIMEOUT,
                    application_name=f"{APPLICATION}{os.getpid()}",
                )
            if self._held:
                self._con.execute("SELECT 1")  # a dropped connection has lost the lock
                return True
            row = self._con.execute("SELECT pg_try_advisory_lock(%s)", [self._key]).fetchone()
            self._held = bool(row and row[0])
        except psycopg.Error:
            self.close()
            return False
        return self._held

    def wait(self, timeout: float, every: float = 0.2) -> bool:
        """Take the lease, waiting up to `timeout` seconds for its holder to let it go."""
        deadline = time.monotonic() + timeout
        while not self.take():
            if time.monotonic() >= deadline:
                return False
            time.sleep(every)
        return True

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        """Let the lease go (the connection stays, for taking it again)."""
        if self._held and self._con is not None and not self._con.closed:
            with suppress(psycopg.Error):
                self._con.execute("SELECT pg_advisory_unlock(%s)", [self._key])
        self._held = False

    def close(self) -> None:
        """Let the lease go by ending its session (what a process's death does too)."""
        self._held = False
        if self._con is not None:
            with suppress(psycopg.Error):
                self._con.close()
        self._con = None


_HOLDERS = """SELECT a.application_name FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ((l.classid::BIGINT << 32) | l.objid::BIGINT) = %s"""


def holders(url: str, key: int) -> list[int]:
    """The process ids holding this lease now (at most one), as their sessions name them."""
    with psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT) as con:
        names = [name for (name,) in con.execute(_HOLDERS, [key]).fetchall()]
    return [int(n.removeprefix(APPLICATION)) for n in names if n.startswith(APPLICATION)]
