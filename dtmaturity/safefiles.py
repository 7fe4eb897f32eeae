"""The one way the app creates, replaces and reads back its own files: work folders, uploads,
transcoded copies, spool messages and outputs such as reports. Another local user cannot
redirect one of these writes onto another file (the database, say) with a symbolic link, nor
stall the server with a FIFO:

- a new file is created with O_CREAT | O_EXCL | O_NOFOLLOW, so it never opens what is there;
- a file that may already exist (a report written again, a spool answer) is written as a new
  sibling and renamed over the name, which replaces a link instead of writing through it;
- a file is read with O_NOFOLLOW | O_NONBLOCK, and only when it is a regular file;
- a private folder is made with mode 0700 and used only while it is a real folder (not a link)
  owned by this process's user, with no access for anyone else.

Used by every ring (domain's transcoding included), so it imports nothing of the app's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
PRIVATE = 0o700
_CHUNK = 1 << 20


class UnsafePathError(OSError):
    """A path the app will not use, because someone else could control what it points at."""


def _describe(path: str | os.PathLike[str], info: os.stat_result) -> str | None:
    """Why a folder (by its lstat/fstat) is not this process's private folder, or None."""
    if stat.S_ISLNK(info.st_mode):
        return f"{path} is a symbolic link, not a folder the app made"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder"
    if info.st_uid != os.geteuid():
        return f"{path} is owned by user id {info.st_uid}, not by the app's user ({os.geteuid()})"
    if info.st_mode & 0o077:
        return f"{path} has mode {stat.S_IMODE(info.st_mode):04o}; only 0700 keeps others out"
    return None


def private_dir(path: str | os.PathLike[str]) -> Path:
    """A folder only this user can enter: made with mode 0700 when missing, and refused
    (UnsafePathError) when it exists as a link, a file, someone else's or open to others."""
    path = Path(path)
    try:
        os.mkdir(path, PRIVATE)
        os.chmod(path, PRIVATE, follow_symlinks=False)  # whatever the umask left
    except FileExistsError:
        pass
    why = _describe(path, os.lstat(path))
    if why:
        raise UnsafePathError(errno.EPERM, why)
    return path


def open_private_dir(path: str | os.PathLike[str], *, any_owner: bool = False) -> int:
    """A descriptor of a private folder (see private_dir), opened without following a link;
    files in it are then opened relative to it (dir_fd), so the folder cannot be swapped.
    `any_owner` accepts a folder of another user (root reading the server's spool)."""
    try:
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafePathError(exc.errno, f"{path} is not a folder (a link or a file)") from None
        raise
    info = os.fstat(fd)
    why = _describe(path, info)
    if why and not (any_owner and info.st_uid != os.geteuid() and not info.st_mode & 0o077):
        os.close(fd)
        raise UnsafePathError(errno.EPERM, why)
    return fd


def _open_new(path: str | os.PathLike[str], perms: int, dir_fd: int | None) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    try:
        return os.open(path, flags, perms, dir_fd=dir_fd)
    except FileExistsError:
        raise UnsafePathError(
            errno.EEXIST, f"{path} exists already; a new file was expected"
        ) from None


@contextlib.contextmanager
def create(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    perms: int = 0o600,
    dir_fd: int | None = None,
    again: bool = False,
) -> Iterator[IO]:
    """A new file, opened for writing (`mode` "wb" or "w"); refuses any path that exists,
    a link included. `again`: a work file made anew in a private folder (a second
    transcoding in the same import) first removes what is at the name, never opening it."""
    if again:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path, dir_fd=dir_fd)
    fd = _open_new(path, perms, dir_fd)
    with os.fdopen(fd, mode, encoding=encoding, newline=newline) as file:
        yield file


def write_new(
    path: str | os.PathLike[str], data: bytes, *, perms: int = 0o600, dir_fd: int | None = None
) -> None:
    """Write `data` to a file that must not exist yet."""
    with create(path, "wb", perms=perms, dir_fd=dir_fd) as file:
        file.write(data)


def _sibling(name: str) -> str:
    return f".{name[:200]}.{secrets.token_hex(6)}.part"


def replace(
    path: str | os.PathLike[str], data: bytes, *, perms: int = 0o666, dir_fd: int | None = None
) -> None:
    """Write `data` as the file `path`, whatever is there now (a file, a link, a FIFO): into a
    new sibling first, which is then renamed over the name. A link at `path` is replaced,
    never written through, and a reader never sees half a file. `perms` goes through the
    umask (0o666: as an ordinary new file)."""
    path = Path(path)
    partial = path.with_name(_sibling(path.name))
    write_new(partial, data, perms=perms, dir_fd=dir_fd)
    try:
        os.replace(partial, path, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial, dir_fd=dir_fd)
        raise


def publish(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Copy a finished work file onto `target` the way replace() writes (a new sibling renamed
    over the name), so a large output need not be held in memory."""
    target = Path(target)
    partial = target.with_name(_sibling(target.name))
    try:
        with open_regular(source) as reader, create(partial, perms=0o666) as out:
            shutil.copyfileobj(reader, out, _CHUNK)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def in_folder(dir_fd: int, name: str, folder: str | os.PathLike[str]) -> str:
    """A path to `name` in the folder open as `dir_fd`, for a library that takes only paths
    (DuckDB making a database file): through /proc/self/fd where there is one, so a folder
    renamed or swapped meanwhile cannot redirect it; elsewhere `folder`/`name`."""
    proc = f"/proc/self/fd/{dir_fd}"
    return f"{proc}/{name}" if os.path.isdir(proc) else os.path.join(folder, name)


@contextlib.contextmanager
def replacing(target: str | os.PathLike[str], *, perms: int = 0o600) -> Iterator[str]:
    """A path at which a library that writes only by path makes a new file (DuckDB, a
    database), renamed over `target` when the block ends without error, as replace() writes:
    the path is in a new private folder beside `target` (so nobody else can plant a link at
    it), reached through that folder's descriptor; the file gets `perms`; the folder and
    anything left in it are removed afterwards, whatever happens."""
    target = Path(target)
    parent = os.open(target.parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    work = _sibling(target.name)
    try:
        os.mkdir(work, PRIVATE, dir_fd=parent)
        folder = os.open(work, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=parent)
        try:
            why = _describe(work, os.fstat(folder))
            if why:
                raise UnsafePathError(errno.EPERM, why)
            yield in_folder(folder, target.name, target.parent / work)
            made = os.open(target.name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC, dir_fd=folder)
            try:
                os.fchmod(made, perms)
            finally:
                os.close(made)
            os.replace(target.name, target.name, src_dir_fd=folder, dst_dir_fd=parent)
        finally:
            os.close(folder)
    finally:
        shutil.rmtree(work, dir_fd=parent, ignore_errors=True)
        os.close(parent)


@contextlib.contextmanager
def open_regular(path: str | os.PathLike[str], *, dir_fd: int | None = None) -> Iterator[IO]:
    """A regular file opened for reading in binary, without following a link and without
    blocking on a FIFO or device (UnsafePathError for those)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | os.O_NOCTTY | _CLOEXEC,
                     dir_fd=dir_fd)  # fmt: skip
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePathError(exc.errno, f"{path} is a symbolic link") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UnsafePathError(errno.EINVAL, f"{path} is not a regular file")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as file:
        yield file


def read_regular(
    path: str | os.PathLike[str], *, limit: int | None = None, dir_fd: int | None = None
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (at most `limit`) and its status (owner, mode), read as
    open_regular opens it."""
    with open_regular(path, dir_fd=dir_fd) as file:
        info = os.fstat(file.fileno())
        return file.read(-1 if limit is None else limit), info


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A new private folder under the system's temporary folder (mkdtemp: mode 0700, a name
    nobody could guess), removed on the way out whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        why = _describe(folder, os.lstat(folder))
        if why:
            raise UnsafePathError(errno.EPERM, why)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
