"""The store when its environment fails: a database from a newer dtmaturity, a file that is not
a database, a file another process holds, a full disk. Each gives StoreError with the reason;
nothing is changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from dtmaturity.cli import main
from dtmaturity.store import FileHeld, Store, StoreError
from dtmaturity.store.migrations import LATEST

ROOT = Path(__file__).resolve().parents[2]


def newer(path: Path) -> None:
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO schema_version (version, name) VALUES (?, 'from the future')", [LATEST + 5]
    )
    con.close()


def test_a_database_from_a_newer_schema_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "db.duckdb"
    newer(path)
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert f"schema version is {LATEST + 5}" in str(refused.value)
    assert f"version {LATEST})" in str(refused.value)


def test_migrate_refuses_a_newer_database_with_a_message(tmp_path, capsys):
    path = tmp_path / "db.duckdb"
    newer(path)
    assert main(["--db", str(path), "migrate"]) == 2
    err = capsys.readouterr().err
    assert str(LATEST + 5) in err and str(LATEST) in err and "Traceback" not in err


def test_a_file_that_is_not_a_database_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "db.duckdb"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert str(path) in str(refused.value)


def test_a_database_held_by_another_process_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "db.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(path)!r}); print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(FileHeld) as refused:  # the kind a command asks the app on
            Store(path)
        assert "another dtmaturity process" in str(refused.value)
    finally:
        holder.communicate("")


FULL_DISK = textwrap.dedent(
    """
    import sys
    from dtmaturity.store import AuditEntry, Store, StoreError
    store = Store(sys.argv[1])
    try:
        for i in range(100_000):
            store.write(
                lambda cur: cur.execute(
                    "INSERT INTO setting VALUES (?, ?, 'test', now())", [f"k{i}", "v" * 20_000]
                ),
                audit=AuditEntry("test", "test.fill"),
            )
    except StoreError as exc:
        print("StoreError:", exc)
    """
)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare to mount a small tmpfs")
def test_a_full_disk_says_no_space_left_on_device(tmp_path):
    """A 4 MB tmpfs in a private mount namespace (unshare, no root needed) fills up."""
    folder = tmp_path / "small"
    folder.mkdir()
    script = tmp_path / "fill.py"
    script.write_text(FULL_DISK, encoding="utf-8")
    command = (
        f"mount -t tmpfs -o size=4m tmpfs {folder} && {sys.executable} {script} {folder}/db.duckdb"
    )
    run = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    if "mount" in run.stderr and "StoreError" not in run.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    assert "StoreError:" in run.stdout, run.stdout + run.stderr
    assert "no space left on device" in run.stdout.lower()
    assert "cannot rollback" not in run.stdout
