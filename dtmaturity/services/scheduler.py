"""The server's background thread, and the spool folder through which the command line hands
it jobs while the server holds the database file.

DuckDB lets one process open a database file, and the running app is that process. So:

- the app starts one daemon thread per process and database (`start`, called when the app
  opens its database). The thread runs the reminder job at start and then every
  DTMATURITY_REMIND_EVERY seconds (default 3600), and looks into the spool folder every second;
- `dtmaturity rounds …` opens the file itself when no process holds it; when the app holds it,
  it writes the job as `<id>.request.json` into the spool folder beside the database
  (`<database>.spool/`), waits for the thread's `<id>.response.json` and prints it
  (`submit`). Only request files owned by the server's own operating-system user (or root)
  are run; they act as `cli:<that user>`.

The server makes the spool folder itself (`prepare_spool`: mode 0700, its own user) and uses
no folder it did not make: a link, another user's folder or one open to others is refused.
Every file in it is opened through `dtmaturity.safefiles`, relative to the folder's
descriptor: without following links, skipping what is not a regular file (a FIFO never
blocks the thread), and an answer is written as a new file renamed into place, so a link
planted under its name is replaced, never written through.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pwd
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from dtmaturity import safefiles
from dtmaturity.domain import settings
from dtmaturity.domain.access import ALL_GRANTS
from dtmaturity.domain.framework import Framework
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.services import reminders, roundjobs
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import Store

REMIND_EVERY = settings.REMIND_EVERY
DEFAULT_EVERY = settings.DEFAULT_REMIND_EVERY
POLL_SECONDS = 1.0
MAX_MESSAGE = 1_000_000  # bytes of one request or response read from the spool
SCHEDULER_ACTOR = "system:scheduler"
log = logging.getLogger("dtmaturity.scheduler")

_threads: dict[str, tuple[threading.Thread, threading.Event]] = {}
_guard = threading.Lock()


class SpoolError(RuntimeError):
    """The spool folder cannot be used safely; the message says why."""


class SpoolTimeout(SpoolError):
    """No server picked up the job in time."""


def spool_dir(db_path: Path | str) -> Path:
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".spool")


def prepare_spool(db_path: Path | str) -> Path | None:
    """The server's spool folder, made now (mode 0700) when missing; SpoolError when what is
    there is not the server's own. None for an in-memory database."""
    if str(db_path) == ":memory:":
        return None
    spool = spool_dir(db_path)
    try:
        return safefiles.private_dir(spool)
    except safefiles.UnsafePathError as exc:
        raise SpoolError(
            f"{exc.strerror}; the server uses only a spool folder it made itself, so "
            "remove it and start the app again"
        ) from None
    except OSError as exc:
        raise SpoolError(f"the spool folder {spool} cannot be made: {exc.strerror}") from None


def interval() -> int:
    """DTMATURITY_REMIND_EVERY in seconds (at least 10); a bad value stops with its name."""
    current = settings.current()
    problem = current.problem(REMIND_EVERY)
    if problem:
        raise ValueError(problem)
    return current.remind_every


def start(store: Store, framework: Framework) -> bool:
    """Start the background thread for this database, once per process. True when started now."""
    if str(store.path) == ":memory:" or store.is_postgres:
        # On PostgreSQL every command opens the database itself: no spool. The scheduled
        # reminders, shared by the app processes (one at a time), are not built yet there:
        # run `dtmaturity rounds remind` on a schedule (cron) instead.
        return False
    key = str(store.path.resolve())
    with _guard:
        running = _threads.get(key)
        if running is not None and running[0].is_alive():
            return False
        every = interval()
        try:
            prepare_spool(store.path)
        except SpoolError as exc:  # reminders still run; serve_spool refuses the folder
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
    if store.is_postgres:
        return
    with _guard:
        running = _threads.pop(str(store.path.resolve()), None)
    if running is not None:
        running[1].set()
        running[0].join(timeout)


def _context(store: Store, framework: Framework, user: str) -> Context:
    actor = Actor(user, user, ALL_GRANTS, local_mode=False)
    return Context(actor=actor, store=store, framework=framework, lang="en")


def _loop(store: Store, framework: Framework, every: int, stopped: threading.Event) -> None:
    spool = spool_dir(store.path)
    next_run = 0.0
    while store.path.exists() and not stopped.is_set():
        try:
            serve_spool(store, framework, spool)
            if time.monotonic() >= next_run:
                next_run = time.monotonic() + every
                report = reminders.run(_context(store, framework, SCHEDULER_ACTOR))
                if report.sent or report.failed:
                    log.info("reminders: %d sent, %d failed", len(report.sent), len(report.failed))
        except MailConfigError as exc:
            log.error("mail settings: %s", exc)
        except Exception as exc:  # keep serving; the next round of the loop tries again
            if "closed" in str(exc).lower() and "connection" in str(exc).lower():
                return  # the store was closed: this process is done with the database
            log.exception("scheduler: %s", type(exc).__name__)
        stopped.wait(POLL_SECONDS)


def _owner(uid: int) -> str | None:
    """The operating-system user owning a request, if the server may act for them."""
    if uid not in (os.getuid(), 0):
        return None
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def serve_spool(store: Store, framework: Framework, spool: Path) -> int:
    """Run every request waiting in the spool folder; returns how many were answered. A
    folder that is not the server's own is not used at all."""
    try:
        folder = safefiles.open_private_dir(spool)
    except FileNotFoundError:
        return 0
    except OSError as exc:
        log.error("spool: %s; not used", exc.strerror or exc)
        return 0
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".request.json"))
        return sum(_serve_one(store, framework, folder, name) for name in names)
    finally:
        os.close(folder)


def _serve_one(store: Store, framework: Framework, folder: int, name: str) -> int:
    job_id = name.removesuffix(".request.json")
    working = f"{job_id}.working"
    try:  # one taker per request; a link or FIFO is renamed as itself, never opened
        os.rename(name, working, src_dir_fd=folder, dst_dir_fd=folder)
    except FileNotFoundError:
        return 0
    job: object = None
    owner = None
    regular = True
    try:
        raw, info = safefiles.read_regular(working, limit=MAX_MESSAGE, dir_fd=folder)
        owner = _owner(info.st_uid)
        job = json.loads(raw.decode("utf-8"))
    except safefiles.UnsafePathError:  # a link, a FIFO, a device: never opened
        regular = False
    except (OSError, ValueError):
        job = None
    if not regular:
        outcome = roundjobs.Outcome(2, err=["refused: the request is not a regular file"])
    elif owner is None:
        outcome = roundjobs.Outcome(1, err=["refused: the request is not owned by the "
                                            "user running the server"])  # fmt: skip
    elif not isinstance(job, dict):
        outcome = roundjobs.Outcome(2, err=["refused: the request is not a JSON object"])
    else:
        outcome = roundjobs.execute(_context(store, framework, f"cli:{owner}"), job)
        outcome.err.insert(0, f"(run by the dtmaturity server holding {store.path})")
    answer = json.dumps(outcome.as_dict(), ensure_ascii=False).encode("utf-8")
    safefiles.replace(f"{job_id}.response.json", answer, perms=0o600, dir_fd=folder)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(working, dir_fd=folder)
    return 1


def submit(db_path: Path | str, job: dict[str, Any], timeout: float = 60.0) -> roundjobs.Outcome:
    """Hand a job to the server holding the database and wait for its outcome. The spool
    folder is the server's (made by it); one that is a link or open to others is refused."""
    spool = spool_dir(db_path)
    deadline = time.monotonic() + timeout
    folder = _open_spool(spool, deadline, db_path, timeout)
    job_id = uuid.uuid4().hex
    request = f"{job_id}.request.json"
    response = f"{job_id}.response.json"
    try:
        safefiles.write_new(f"{job_id}.part", json.dumps(job).encode("utf-8"), dir_fd=folder)
        os.rename(f"{job_id}.part", request, src_dir_fd=folder, dst_dir_fd=folder)
        while time.monotonic() < deadline:
            try:
                raw, _ = safefiles.read_regular(response, limit=MAX_MESSAGE, dir_fd=folder)
            except FileNotFoundError:
                time.sleep(0.2)
                continue
            except safefiles.UnsafePathError as exc:
                raise SpoolError(f"the answer in {spool} cannot be trusted: {exc}") from None
            os.unlink(response, dir_fd=folder)
            return roundjobs.Outcome.from_dict(json.loads(raw.decode("utf-8")))
        with contextlib.suppress(FileNotFoundError):  # withdraw it, unless taken just now
            os.unlink(request, dir_fd=folder)
    finally:
        os.close(folder)
    raise _timeout(db_path, spool, timeout)


def _open_spool(spool: Path, deadline: float, db_path: Path | str, timeout: float) -> int:
    """The server's spool folder, waited for until `deadline` (a server starting up)."""
    while True:
        try:
            return safefiles.open_private_dir(spool, any_owner=os.geteuid() == 0)
        except FileNotFoundError:
            if time.monotonic() >= deadline:
                raise _timeout(db_path, spool, timeout) from None
            time.sleep(0.2)
        except OSError as exc:
            raise SpoolError(f"the spool folder cannot be used: {exc.strerror or exc}") from None


def _timeout(db_path: Path | str, spool: Path, timeout: float) -> SpoolTimeout:
    return SpoolTimeout(
        f"the database {db_path} is in use by another process, and no dtmaturity server "
        f"picked up the job from {spool} within {timeout:.0f} s (is the process holding the "
        "file a dtmaturity app started with this version?)"
    )
