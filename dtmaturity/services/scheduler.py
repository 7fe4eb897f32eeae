"""The server's background thread, and the spool folder through which the command line hands
it jobs while the server holds the database file.

DuckDB lets one process open a database file, and the running app is that process. So:

- the app starts one daemon thread per process and database (`start`, called when the app
  opens its database). The thread runs the reminder job at start and then every
  DTMATURITY_REMIND_EVERY seconds (default 3600), and looks into the spool folder every second;
- `dtmaturity rounds …` opens the file itself when no process holds it; when the app holds it,
  it writes the job as `<id>.request.json` into the spool folder beside the database
  (`<database>.spool/`, created with mode 0700), waits for the thread's
  `<id>.response.json` and prints it (`submit`). Only request files owned by the server's own
  operating-system user (or root) are run; they act as `cli:<that user>`.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from dtmaturity.domain.access import ALL_GRANTS
from dtmaturity.domain.framework import Framework
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.services import reminders, roundjobs
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import Store

REMIND_EVERY = "DTMATURITY_REMIND_EVERY"
DEFAULT_EVERY = 3600
POLL_SECONDS = 1.0
SCHEDULER_ACTOR = "system:scheduler"
log = logging.getLogger("dtmaturity.scheduler")

_threads: dict[str, tuple[threading.Thread, threading.Event]] = {}
_guard = threading.Lock()


def spool_dir(db_path: Path | str) -> Path:
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".spool")


def interval() -> int:
    """DTMATURITY_REMIND_EVERY in seconds (at least 10); a bad value stops with its name."""
    text = os.environ.get(REMIND_EVERY, "").strip()
    if not text:
        return DEFAULT_EVERY
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 10:
        raise ValueError(f"{REMIND_EVERY}={text!r} must be a whole number of seconds, at least 10")
    return value


def start(store: Store, framework: Framework) -> bool:
    """Start the background thread for this database, once per process. True when started now."""
    if str(store.path) == ":memory:":
        return False
    key = str(store.path.resolve())
    with _guard:
        running = _threads.get(key)
        if running is not None and running[0].is_alive():
            return False
        every = interval()
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


def _owner(path: Path) -> str | None:
    """The operating-system user owning a request, if the server may act for them."""
    uid = path.stat().st_uid
    if uid not in (os.getuid(), 0):
        return None
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def serve_spool(store: Store, framework: Framework, spool: Path) -> int:
    """Run every request waiting in the spool folder; returns how many were run."""
    if not spool.is_dir():
        return 0
    done = 0
    for request in sorted(spool.glob("*.request.json")):
        job_id = request.name.removesuffix(".request.json")
        working = request.with_name(f"{job_id}.working")
        try:
            request.rename(working)  # one taker per request
        except FileNotFoundError:
            continue
        owner = _owner(working)
        try:
            job = json.loads(working.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            job = None
        if owner is None:
            outcome = roundjobs.Outcome(1, err=["refused: the request is not owned by the "
                                                "user running the server"])  # fmt: skip
        elif not isinstance(job, dict):
            outcome = roundjobs.Outcome(2, err=["refused: the request is not a JSON object"])
        else:
            outcome = roundjobs.execute(_context(store, framework, f"cli:{owner}"), job)
            outcome.err.insert(0, f"(run by the dtmaturity server holding {store.path})")
        _write_atomic(spool / f"{job_id}.response.json", outcome.as_dict())
        working.unlink(missing_ok=True)
        done += 1
    return done


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


class SpoolTimeout(RuntimeError):
    """No server picked up the job in time."""


def submit(db_path: Path | str, job: dict[str, Any], timeout: float = 60.0) -> roundjobs.Outcome:
    """Hand a job to the server holding the database and wait for its outcome."""
    spool = spool_dir(db_path)
    spool.mkdir(mode=0o700, exist_ok=True)
    job_id = uuid.uuid4().hex
    request = spool / f"{job_id}.request.json"
    response = spool / f"{job_id}.response.json"
    partial = spool / f"{job_id}.part"
    partial.write_text(json.dumps(job), encoding="utf-8")
    partial.replace(request)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if response.exists():
            data = json.loads(response.read_text(encoding="utf-8"))
            response.unlink(missing_ok=True)
            return roundjobs.Outcome.from_dict(data)
        time.sleep(0.2)
    request.unlink(missing_ok=True)  # withdraw it, unless the server took it just now
    raise SpoolTimeout(
        f"the database {db_path} is in use by another process, and no dtmaturity server "
        f"picked up the job from {spool} within {timeout:.0f} s (is the process holding the "
        "file a dtmaturity app started with this version?)"
    )
