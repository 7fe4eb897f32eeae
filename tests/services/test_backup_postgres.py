"""`dtmaturity backup` of a PostgreSQL database: pg_dump's custom format, on the throw-away
cluster (tests/pgcluster.py), restored with pg_restore into an empty database."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from pgcluster import url_for

from dtmaturity.services import backups

pytestmark = pytest.mark.duckdb_only(
    "makes its own PostgreSQL database from pg_url and backs it up with pg_dump"
)

psycopg = pytest.importorskip("psycopg", reason="SKIPPED: psycopg (PostgreSQL's driver) is missing")


@pytest.fixture
def source(pg_url):
    """A database with a table of rows, the audit log among them; dropped afterwards."""
    with psycopg.connect(pg_url, autocommit=True) as con:
        for name in ("backup_src", "backup_dst"):
            con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute("CREATE DATABASE backup_src")
    with psycopg.connect(url_for(pg_url, "backup_src")) as con:
        con.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY, actor TEXT NOT NULL)")
        con.execute("INSERT INTO audit_log SELECT g, 'kari' || g FROM generate_series(1, 500) g")
    yield url_for(pg_url, "backup_src")
    with psycopg.connect(pg_url, autocommit=True) as con:
        for name in ("backup_src", "backup_dst"):
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_postgresql_database_is_backed_up_by_pg_dump_and_restores_whole(source, pg_url, tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("SKIPPED: pg_dump is missing (Debian package postgresql-client)")
    output = tmp_path / "nightly.dump"
    made = backups.write(source, output)
    assert made.tables == 1 and made.rows is None and not made.by_server
    password = urlsplit(source).password
    assert password and password not in made.source  # the URL shown has no password
    assert output.stat().st_mode & 0o777 == 0o600
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE DATABASE backup_dst")
    target = url_for(pg_url, "backup_dst")
    restored = subprocess.run(
        ["pg_restore", "--dbname", target, str(output)], capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(target) as con:
        assert con.execute("SELECT count(*), sum(id) FROM audit_log").fetchone() == (500, 125250)


def test_a_postgresql_server_that_does_not_answer_is_named_and_nothing_is_written(pg_url, tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("SKIPPED: pg_dump is missing (Debian package postgresql-client)")
    output = tmp_path / "nightly.dump"
    gone = url_for(pg_url, "no_such_database")
    with pytest.raises(backups.BackupError, match="pg_dump could not back up") as failed:
        backups.write(gone, output)
    assert "no_such_database" in str(failed.value)
    assert urlsplit(gone).password not in str(failed.value)
    assert list(tmp_path.iterdir()) == []
