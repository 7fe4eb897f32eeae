"""A dry run (the preview) only reads: it takes no write lock, writes nothing, not even to the
audit log, and counts what the real import of the same file then does. Every kind of file is
covered through its template (imports.TEMPLATE_FORMATS), so a new kind is covered too."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from dtmaturity.services import imports
from dtmaturity.services.context import Context

TABLES = ("unit", "checkin", "answer", "role_pick", "reflection", "action", "import_log")


def _state(ctx: Context) -> dict[str, int]:
    with ctx.store.reader() as cur:
        counts = {
            table: cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (test constants)
            for table in (*TABLES, "audit_log")
        }
    return counts


def _dry_run_while_another_write_holds_the_lock(ctx: Context, path: Path) -> imports.ImportResult:
    """Run the dry run on a thread of its own while another thread's write transaction is open
    (and holds the file's write lock): a dry run that needed the lock could not finish."""
    holding, release = threading.Event(), threading.Event()
    done: dict[str, imports.ImportResult] = {}

    def hold(cur: duckdb.DuckDBPyConnection) -> None:
        holding.set()
        release.wait()

    writer = threading.Thread(target=lambda: ctx.write(hold, "test.hold"))
    writer.start()
    holding.wait()
    try:
        reader = threading.Thread(
            target=lambda: done.update(r=imports.run(ctx, path, dry_run=True))
        )
        reader.start()
        reader.join(timeout=120)  # a bound on a deadlock, not a timing
        finished = not reader.is_alive()
    finally:
        release.set()
        writer.join()
    assert finished, "the dry run waited for another write's lock"
    return done["r"]


@pytest.mark.parametrize("file_format", imports.TEMPLATE_FORMATS)
def test_dry_run_of_every_kind_reads_only_and_counts_what_the_import_does(
    demo_ctx: Context, tmp_path: Path, file_format: str
) -> None:
    path = tmp_path / f"{file_format}.csv"
    text = imports.template(file_format).decode()
    if file_format == "actions":  # owned by a leader the demo has
        with demo_ctx.store.reader() as cur:
            leader = cur.execute(
                "SELECT min(person_id) FROM unit_member WHERE unit_id = 'demo-bruker-01'"
            ).fetchone()[0]
        text = text.replace("kari.nordmann@etat.example", leader)
    path.write_text(text, encoding="utf-8")
    before = _state(demo_ctx)

    preview = _dry_run_while_another_write_holds_the_lock(demo_ctx, path)

    after = _state(demo_ctx)
    assert not preview.written and preview.import_id is None
    # Only the other thread's write is recorded; the dry run wrote nothing anywhere.
    assert after == {**before, "audit_log": before["audit_log"] + 1}
    assert not preview.problems, [p.message("en") for p in preview.problems]
    real = imports.run(demo_ctx, path)
    assert real.written
    assert preview.totals == real.totals
    assert sum(preview.totals) > 0
