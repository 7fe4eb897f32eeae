"""Work folders for imports and exports: the uploaded file and its transcoded copy live in one,
removed when the import ends (also after a dry run or an error), and folders left behind by a
process that crashed (`kill -9`, a power cut) are removed by the next import. A work folder is
made by `dtmaturity.safefiles.workdir` (mode 0700, an unguessable name), and the files in it
are created through `safefiles` too (new files only, never through a link).

Each folder's name carries the process id (`dtmaturity-import-<pid>-…`), so a folder whose
process no longer runs is known to be left over.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dtmaturity import safefiles

PREFIX = "dtmaturity-"
_LEFT_OVER = re.compile(r"^dtmaturity-[a-z]+-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    return True


def _ours(entry: Path) -> bool:
    """A real folder (not a link) of this user: never another user's look-alike."""
    try:
        info = entry.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()


def sweep(root: Path | None = None) -> int:
    """Remove work folders of processes that no longer run; returns how many."""
    root = root or Path(tempfile.gettempdir())
    removed = 0
    try:
        entries = list(root.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = _LEFT_OVER.match(entry.name)
        if not match or not _ours(entry):
            continue
        pid = int(match.group(1))
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


@contextmanager
def workdir(kind: str = "import") -> Iterator[Path]:
    """A private folder for one import or export, removed on the way out whatever happens."""
    sweep()
    with safefiles.workdir(prefix=f"{PREFIX}{kind}-{os.getpid()}-") as folder:
        yield folder
