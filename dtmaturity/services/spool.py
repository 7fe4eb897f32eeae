"""The spool folder beside a DuckDB file, through which the command line hands jobs to the
server holding the database (DuckDB lets one process open a file, and the running app is that
process).

`dtmaturity rounds …` opens the file itself when no process holds it; when the app holds it,
it writes the job as `<id>.request.json` into the spool folder beside the database
(`<database>.spool/`), waits for the server's `<id>.response.json` and prints it (`submit`).
The server's background thread (services/scheduler.py) looks into the folder every second
(`serve_spool`). Only request files owned by the server's own operating-system user (or root)
are run; they act as `cli:<that user>`.

The server makes the spool folder itself (`prepare_spool`: mode 0700, its own user) and uses
no folder it did not make: a link, another user's folder or one open to others is refused.
Every file in it is opened through `dtmaturity.safefiles`, relative to the folder's
descriptor: without following links, skipping what is not a regular file (a FIFO never
blocks the thread), and an answer is written as a new file renamed into place, so a link
planted under its name is replaced, never written through.

Commands that only read (`export`, `report`) and `backup` ask the server the same way for a
consistent copy of the database (`fetch_copy`): the job `{"command": "copy"}`, which the
server answers by writing the copy into the spool folder (store/backup.py), and the command
moves it into a file of its own. A copy whose command no longer runs is removed by the next
request (its name carries the command's process id).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pwd
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from dtmaturity import safefiles
from dtmaturity.domain.framework import Framework
from dtmaturity.services import roundjobs
from dtmaturity.services.context import acting_for
from dtmaturity.store import Store, StoreError, backup, dialect

MAX_MESSAGE = 1_000_000  # bytes of one request or response read from the spool
COPY_JOB = "copy"  # the job asking for a consistent copy of the database (not a rounds job)
COPY_SUFFIX = ".copy.duckdb"
log = logging.getLogger("dtmaturity.spool")


class SpoolError(RuntimeError):
    """The spool folder cannot be used safely; the message says why."""


class SpoolTimeout(SpoolError):
    """No server picked up the job in time."""


def spool_dir(db_path: Path | str) -> Path:
    path = Path(db_path).resolve()
    return path.with_name(path.name + ".spool")


def prepare_spool(db_path: Path | str) -> Path | None:
    """The server's spool folder, made now (mode 0700) when missing; SpoolError when what is
    there is not the server's own. None for an in-memory database, and for PostgreSQL (the
    command line opens that database itself)."""
    if str(db_path) == ":memory:" or dialect.is_postgres(str(db_path)):
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
        _sweep_copies(folder)
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
    elif job.get("command") == COPY_JOB:
        outcome = _copy(store, folder, job_id)
    else:
        outcome = roundjobs.execute(acting_for(store, framework, f"cli:{owner}"), job)
        outcome.err.insert(0, f"(run by the dtmaturity server holding {store.path})")
    answer = json.dumps(outcome.as_dict(), ensure_ascii=False).encode("utf-8")
    safefiles.replace(f"{job_id}.response.json", answer, perms=0o600, dir_fd=folder)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(working, dir_fd=folder)
    return 1


def _remove_copy(folder: int, name: str) -> None:
    for leftover in (name, f"{name}.wal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover, dir_fd=folder)


def _copy(store: Store, folder: int, job_id: str) -> roundjobs.Outcome:
    """A consistent copy of the database, written into the spool folder for the command that
    asked (the request's owner, checked above: the server's own user or root)."""
    name = f"{job_id}{COPY_SUFFIX}"
    _remove_copy(folder, name)
    try:
        backup.copy_database(store, safefiles.in_folder(folder, name, spool_dir(store.path)))
    except StoreError as exc:
        _remove_copy(folder, name)
        return roundjobs.Outcome(2, err=[str(exc)])
    return roundjobs.Outcome(0, out=[name])


def _sweep_copies(folder: int) -> None:
    """Remove the copies and answers whose command no longer runs (it crashed, or gave up
    waiting): a job's name starts with its command's process id."""
    for name in os.listdir(folder):
        pid, dash, _ = name.partition("-")
        left = COPY_SUFFIX in name or name.endswith(".response.json")
        if dash and pid.isdigit() and left and not _alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def fetch_copy(db_path: Path | str, target: Path | str, timeout: float = 60.0) -> None:
    """Have the server holding the database make a consistent copy of it, and move that copy
    to the new file `target` (mode 0600: it holds everything the database holds). SpoolError
    when no server answers in time or it made no copy."""
    outcome = submit(db_path, {"command": COPY_JOB}, timeout=timeout)
    names = outcome.out[:1]
    if outcome.exit != 0 or not names or not names[0].endswith(COPY_SUFFIX) or "/" in names[0]:
        said = "; ".join(line for line in outcome.err if not line.startswith("(run by"))
        raise SpoolError(
            f"the dtmaturity server holding {db_path} made no copy of it: "
            f"{said or 'it does not know the request (an older version?)'}"
        )
    folder = _open_spool(spool_dir(db_path), time.monotonic(), db_path, timeout)
    try:
        with (
            safefiles.open_regular(names[0], dir_fd=folder) as copy,
            safefiles.create(target, perms=0o600) as out,
        ):
            shutil.copyfileobj(copy, out, 1 << 20)
    finally:
        _remove_copy(folder, names[0])
        os.close(folder)


def submit(db_path: Path | str, job: dict[str, Any], timeout: float = 60.0) -> roundjobs.Outcome:
    """Hand a job to the server holding the database and wait for its outcome. The spool
    folder is the server's (made by it); one that is a link or open to others is refused."""
    spool = spool_dir(db_path)
    deadline = time.monotonic() + timeout
    folder = _open_spool(spool, deadline, db_path, timeout)
    job_id = f"{os.getpid()}-{uuid.uuid4().hex}"  # the process id: see _sweep_copies
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
        try:  # withdraw it, unless the server has taken it
            os.unlink(request, dir_fd=folder)
        except FileNotFoundError:
            raise SpoolTimeout(
                f"the dtmaturity server holding {db_path} took the job but did not finish it "
                f"within {timeout:.0f} s; it goes on with it (a large database takes longer: "
                "try a larger --wait)"
            ) from None
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
