"""A throw-away PostgreSQL cluster for the tests and the benchmarks: Debian's `postgresql`
binaries (installed by `make test`), a new cluster in a temporary folder, listening on a free
port on loopback only, its unix socket in that folder, tuned for speed over durability
(fsync off), stopped and removed at the end.

PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as a dedicated
unprivileged user (`dtmpostgres`, created with useradd when missing). Run as anyone else, it
runs as that user.

Use it as the session fixture `pg_url` (registered for every test by `-p pgcluster` in
pyproject.toml), or from a script as `with pg_cluster() as cluster: cluster.url`. Where no
PostgreSQL can run here, the fixture skips the test saying why and `pg_cluster` raises
`PgUnavailable` with the reason.
"""

from __future__ import annotations

import atexit
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from appserver import free_port
from osusers import UserUnavailable, system_user

SERVER_USER = "dtmpostgres"  # the OS user the cluster runs as when the tests run as root
ROLE = "dtmaturity"  # the cluster's superuser, whom the URL names
START_LIMIT_S = 120  # pg_ctl waits for the server to accept connections, at most this long
ATTEMPTS = 3  # a free port may be taken between choosing it and binding it: try again

# Speed over durability: the cluster is thrown away after the run.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'1GB'",
    "checkpoint_timeout": "'30min'",
    "jit": "off",
    "max_connections": "200",  # several app processes with a connection pool each
    "shared_buffers": "'128MB'",
    "unix_socket_permissions": "0700",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


class PgUnavailable(RuntimeError):
    """No PostgreSQL can run here; the message says why and what to install."""


@dataclass(frozen=True)
class PgCluster:
    url: str  # postgresql://ROLE:PASSWORD@127.0.0.1:PORT/postgres
    port: int
    folder: Path  # data directory, socket and log live here
    log: Path
    bindir: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def bindir() -> Path:
    """The folder with initdb and pg_ctl: `pg_config --bindir`, else the newest
    /usr/lib/postgresql/*/bin (Debian keeps the server binaries off PATH)."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    candidates += [Path(p) for p in reversed(versions)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PgUnavailable(
        "PostgreSQL's server binaries (initdb, pg_ctl) are missing: install Debian's "
        "`postgresql` package (`make test` does so when it runs as root)"
    )


def server_user() -> tuple[int, int] | None:
    """(uid, gid) to run the server as: None (this process's user) unless this is root; as root
    the dedicated unprivileged user, created when missing."""
    if os.geteuid() != 0:
        return None
    try:
        return system_user(SERVER_USER)
    except UserUnavailable as exc:
        raise PgUnavailable(
            f"running as root, PostgreSQL must run as an unprivileged user, and {exc}"
        ) from None


def _run(command: list[str], ids: tuple[int, int] | None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
    user = {} if ids is None else {"user": ids[0], "group": ids[1], "extra_groups": []}
    return subprocess.run(
        command,
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=START_LIMIT_S + 30,
        **user,
    )


def _initdb(folder: Path, bin_: Path, ids: tuple[int, int] | None) -> str:
    """A new cluster in folder/data; returns its superuser's password."""
    password = secrets.token_urlsafe(18)
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if ids is not None:
        os.chown(pwfile, *ids)
    made = _run(
        [
            str(bin_ / "initdb"), "--pgdata", str(folder / "data"), "--username", ROLE,
            "--pwfile", str(pwfile), "--auth-host=scram-sha-256", "--auth-local=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ],
        ids,
    )  # fmt: skip
    pwfile.unlink()
    if made.returncode != 0:
        raise PgUnavailable(f"initdb failed ({made.returncode}):\n{made.stdout}\n{made.stderr}")
    return password


def _start(folder: Path, bin_: Path, ids: tuple[int, int] | None) -> int:
    """Start the server on a free port; returns the port."""
    failure = ""
    for _ in range(ATTEMPTS):
        port = free_port()
        settings = {**SETTINGS, "port": str(port), "unix_socket_directories": f"'{folder}'"}
        conf = "".join(f"{name} = {value}\n" for name, value in settings.items())
        (folder / "data" / "postgresql.auto.conf").write_text(conf, encoding="utf-8")
        log = folder / "server.log"
        started = _run(
            [str(bin_ / "pg_ctl"), "--pgdata", str(folder / "data"), "--log", str(log),
             "--wait", f"--timeout={START_LIMIT_S}", "start"],
            ids,
        )  # fmt: skip
        if started.returncode == 0:
            return port
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        failure = f"{started.stdout}\n{started.stderr}\n{text}"
        _stop(folder, bin_, ids)  # in case it half started
        if "already in use" not in text:
            break
    raise PgUnavailable(f"the PostgreSQL server did not start:\n{failure}")


def _stop(folder: Path, bin_: Path, ids: tuple[int, int] | None) -> None:
    if (folder / "data" / "postmaster.pid").exists():
        _run(
            [
                str(bin_ / "pg_ctl"),
                "--pgdata",
                str(folder / "data"),
                "--mode=fast",
                "--wait",
                "stop",
            ],
            ids,
        )


def url_for(url: str, database: str) -> str:
    """The same server's URL for another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    """A running throw-away cluster, stopped and removed afterwards (also at interpreter exit,
    should the caller never return here). Raises PgUnavailable where none can run."""
    bin_ = bindir()
    ids = server_user()
    # /tmp: a short path (a unix socket's path has at most 107 bytes) that the server's user
    # can reach, unlike a TMPDIR under root's home.
    folder = Path(tempfile.mkdtemp(prefix="dtm-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    if ids is not None:
        os.chown(folder, *ids)  # mode 0700 from mkdtemp: only the server's user (and root)

    def remove() -> None:
        _stop(folder, bin_, ids)
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    try:
        password = _initdb(folder, bin_, ids)
        port = _start(folder, bin_, ids)
        url = f"postgresql://{ROLE}:{password}@127.0.0.1:{port}/postgres"
        yield PgCluster(url, port, folder, folder / "server.log", bin_)
    finally:
        remove()
        atexit.unregister(remove)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The base URL of this session's throw-away PostgreSQL cluster (database `postgres`; make
    a database of your own with CREATE DATABASE and `url_for`). Skips loudly where PostgreSQL
    cannot run here."""
    try:
        with pg_cluster() as cluster:
            yield cluster.url
    except PgUnavailable as reason:
        pytest.skip(f"SKIPPED: no PostgreSQL for the tests: {reason}")
