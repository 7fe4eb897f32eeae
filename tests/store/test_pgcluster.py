"""The throw-away PostgreSQL cluster the tests run on (tests/pgcluster.py): it starts, takes a
connection on loopback with its password only, runs as an unprivileged user, and is gone
afterwards."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pgcluster import PgUnavailable, pg_cluster, url_for

psycopg = pytest.importorskip("psycopg", reason="SKIPPED: psycopg (PostgreSQL's driver) is missing")


def owner_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid in /proc/{pid}/status")


def running(pid: int) -> bool:
    """Whether the process runs (an exited one may linger as a zombie until it is reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_the_session_cluster_takes_a_connection_and_a_database_of_its_own(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as con:
        assert con.execute("SELECT 1 + 1").fetchone() == (2,)
        con.execute("DROP DATABASE IF EXISTS harness_check")
        con.execute("CREATE DATABASE harness_check")
    with psycopg.connect(url_for(pg_url, "harness_check")) as con:
        assert con.execute("SELECT current_database()").fetchone() == ("harness_check",)
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP DATABASE harness_check")


def test_a_cluster_listens_on_loopback_only_with_a_password_runs_unprivileged_and_is_gone_after():
    try:
        cluster_cm = pg_cluster()
        cluster = cluster_cm.__enter__()
    except PgUnavailable as reason:
        pytest.skip(f"SKIPPED: no PostgreSQL for the tests: {reason}")
    try:
        with psycopg.connect(cluster.url) as con:
            settings = dict(
                con.execute(
                    "SELECT name, setting FROM pg_settings WHERE name IN "
                    "('listen_addresses', 'fsync', 'port', 'unix_socket_directories')"
                ).fetchall()
            )
            assert settings == {
                "listen_addresses": "127.0.0.1",
                "fsync": "off",
                "port": str(cluster.port),
                "unix_socket_directories": str(cluster.folder),
            }
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        assert owner_uid(postmaster) != 0, "PostgreSQL runs as root"
        without_password = urlsplit(cluster.url)._replace(
            netloc=f"{urlsplit(cluster.url).username}@127.0.0.1:{cluster.port}"
        )
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(without_password.geturl(), connect_timeout=10).close()
    finally:
        cluster_cm.__exit__(None, None, None)
    assert not running(postmaster), "the server still runs after the cluster ended"
    assert not cluster.folder.exists(), "the cluster's folder is left behind"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url, connect_timeout=5).close()
