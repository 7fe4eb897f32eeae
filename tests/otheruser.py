"""A second, unprivileged local user for attack tests: created here (useradd) when the tests
run as root, as CI does, and used to run the attacker's steps in a child process with that
user's ids. Where the OS refuses (not root, no useradd), the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from osusers import UserUnavailable, system_user

ATTACKER = "dtmattacker"


def attacker_ids() -> tuple[int, int]:
    """(uid, gid) of the attacker, created when missing; skips loudly where that cannot be."""
    if os.geteuid() != 0:
        pytest.skip(
            "SKIPPED: acting as a second, unprivileged user needs root (CI runs as root); "
            "run the tests as root to run these attacks"
        )
    try:
        return system_user(ATTACKER)
    except UserUnavailable as exc:
        pytest.skip(f"SKIPPED: {exc}")


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
