"""The consistent copy a command asks the server for through the spool folder, within one
process (between processes, beside the real server: tests/cli/test_beside_app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dtmaturity.services import spool
from dtmaturity.store.backup import table_checksums

pytestmark = pytest.mark.duckdb_only(
    "the spool hand-off exists for the DuckDB file only, which one process holds"
)


def rows(ctx) -> dict[str, int]:
    with ctx.store.reader() as cur:
        tables = [
            name
            for (name,) in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        ]
        return {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def test_a_copy_asked_for_is_made_by_the_server_side_and_moved_to_the_command(demo_ctx, tmp_path):
    folder = spool.prepare_spool(demo_ctx.store.path)
    target = tmp_path / "mine" / "copy.duckdb"
    target.parent.mkdir()
    failed: list[BaseException] = []

    def command_line() -> None:
        try:
            spool.fetch_copy(demo_ctx.store.path, target, timeout=60)
        except BaseException as exc:  # shown by the assertion below
            failed.append(exc)

    caller = threading.Thread(target=command_line)
    caller.start()
    while caller.is_alive():
        spool.serve_spool(demo_ctx.store, demo_ctx.framework, folder)
        time.sleep(0.05)
    assert not failed, failed
    copied = {name: count for name, (count, _) in table_checksums(target).items()}
    assert copied == rows(demo_ctx)
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(folder.iterdir()) == []  # the copy moved out, nothing left in the spool
    assert [p.name for p in target.parent.iterdir()] == ["copy.duckdb"]


def test_a_copy_or_answer_left_for_a_command_that_no_longer_runs_is_removed(demo_ctx):
    folder = spool.prepare_spool(demo_ctx.store.path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{gone.stdout.strip()}-0a{spool.COPY_SUFFIX}"
    alive = f"{os.getpid()}-0b{spool.COPY_SUFFIX}"
    answer = f"{gone.stdout.strip()}-0c.response.json"
    mine = f"{os.getpid()}-0d.response.json"
    for name in (dead, f"{dead}.wal", alive, answer, mine):
        (folder / name).write_bytes(b"x")
    spool.serve_spool(demo_ctx.store, demo_ctx.framework, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([alive, mine])


def test_a_server_that_makes_no_copy_is_reported_with_its_reason(demo_ctx, tmp_path):
    """An older server, say, that does not know the request."""
    folder = spool.prepare_spool(demo_ctx.store.path)

    def older_server() -> None:
        while not (requests := list(folder.glob("*.request.json"))):
            time.sleep(0.05)
        job_id = requests[0].name.removesuffix(".request.json")
        reply = {"exit": 2, "out": [], "err": ["unknown rounds command 'copy'"]}
        (folder / f"{job_id}.response.json").write_text(json.dumps(reply), encoding="utf-8")
        requests[0].unlink()

    server = threading.Thread(target=older_server)
    server.start()
    target = tmp_path / "copy.duckdb"
    with pytest.raises(spool.SpoolError, match="made no copy of it: unknown rounds command"):
        spool.fetch_copy(demo_ctx.store.path, target, timeout=60)
    server.join(timeout=60)
    assert not target.exists()


def test_the_copy_job_is_no_rounds_job():
    from dtmaturity.services import roundjobs

    assert spool.COPY_JOB not in roundjobs.COMMANDS


def test_a_copy_path_through_a_folder_descriptor_stays_in_that_folder(tmp_path):
    from dtmaturity import safefiles

    first, moved = tmp_path / "first", tmp_path / "moved"
    first.mkdir()
    folder = os.open(first, os.O_RDONLY)
    try:
        path = safefiles.in_folder(folder, "x.duckdb", first)
        first.rename(moved)
        Path(path).write_bytes(b"here")  # into the folder, wherever it is now
    finally:
        os.close(folder)
    assert (moved / "x.duckdb").read_bytes() == b"here"
    assert not first.exists()


def test_a_job_the_server_took_but_did_not_finish_in_time_is_told_apart_from_no_server(
    demo_ctx, tmp_path
):
    folder = spool.prepare_spool(demo_ctx.store.path)

    def busy_server() -> None:  # takes the request, as the thread does, and is still at it
        while not (requests := list(folder.glob("*.request.json"))):
            time.sleep(0.05)
        requests[0].rename(requests[0].with_name("taken.working"))

    server = threading.Thread(target=busy_server)
    server.start()
    with pytest.raises(spool.SpoolTimeout, match="took the job but did not finish it within"):
        spool.fetch_copy(demo_ctx.store.path, tmp_path / "copy.duckdb", timeout=5)
    server.join(timeout=60)
    assert not (tmp_path / "copy.duckdb").exists()
