"""Unprivileged local users the tests act as (the attacker, the PostgreSQL server), created
with useradd when missing. Test workers run in parallel and useradd locks /etc/passwd, so the
creation is serialised through a lock file; a user made meanwhile by another worker is fine."""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import subprocess
from pathlib import Path

LOCK = Path("/tmp/dtmaturity-tests-useradd.lock")


class UserUnavailable(RuntimeError):
    """The user cannot be had here; the message says why."""


def system_user(name: str) -> tuple[int, int]:
    """(uid, gid) of the system user `name`, created when missing (needs root)."""
    if os.geteuid() != 0:
        raise UserUnavailable(f"creating the user {name!r} needs root (CI runs as root)")
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            if shutil.which("useradd") is None:
                raise UserUnavailable(f"there is no useradd to create the user {name!r}") from None
            made = subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                capture_output=True,
                text=True,
            )
            if made.returncode not in (0, 9):  # 9: the user exists (made by another run)
                raise UserUnavailable(
                    f"the OS refused to create the user {name!r}: {made.stderr}"
                ) from None
            entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid
