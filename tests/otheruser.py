"""A second, unprivileged local user for attack tests: created here (useradd) when the tests
run as root, as CI does, and used to run the attacker's steps in a child process with that
user's ids. Where the OS refuses (not root, no useradd), the test is skipped with the reason."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ATTACKER = "dtmattacker"


def attacker_ids() -> tuple[int, int]:
    """(uid, gid) of the attacker, created when missing; skips loudly where that cannot be."""
    if os.geteuid() != 0:
        pytest.skip(
            "SKIPPED: acting as a second, unprivileged user needs root (CI runs as root); "
            "run the tests as root to run these attacks"
        )
    try:
        entry = pwd.getpwnam(ATTACKER)
    except KeyError:
        if shutil.which("useradd") is None:
            pytest.skip("SKIPPED: no useradd to create the second user for the attack")
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ATTACKER],
            capture_output=True,
            text=True,
        )
        if made.returncode not in (0, 9):  # 9: the user exists (made by a parallel test)
            pytest.skip(f"SKIPPED: the OS refused to create a second user: {made.stderr}")
        entry = pwd.getpwnam(ATTACKER)
    return entry.pw_uid, entry.pw_gid


def as_attacker(script: str) -> None:
    """Run a shell script as the attacker (no supplementary groups); fails the test with the
    attacker's output if a step of theirs fails."""
    uid, gid = attacker_ids()
    done = subprocess.run(
        ["/bin/sh", "-ec", script],
        user=uid,
        group=gid,
        extra_groups=[],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"the attacker's step failed: {done.stderr}"


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder every local user may write into, sticky like /tmp (mode 1777): where a
    database, its spool or a report folder lives when others can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="dtm-shared-", dir="/tmp"))
    os.chmod(folder, 0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
