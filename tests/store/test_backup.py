"""A consistent copy of the whole database (store/backup.py), as `dtmaturity backup` and the
commands beside the running app make it: every table, view and sequence, as of one moment."""

from __future__ import annotations

import duckdb
import pytest

from dtmaturity.store import Store, StoreError
from dtmaturity.store.backup import copy_database, table_checksums

pytestmark = pytest.mark.duckdb_only(
    "the DuckDB file's own consistent copy; a PostgreSQL database is backed up with pg_dump (tests/services/test_backup_postgres.py)"
)


def catalogue(path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "views": con.execute(
                "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
            ).fetchall(),
            "sequences": con.execute(
                "SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1"
            ).fetchall(),
            "constraints": con.execute(
                "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
                "ORDER BY ALL"
            ).fetchall(),
        }
    finally:
        con.close()


def test_a_copy_holds_every_table_view_sequence_and_constraint_of_the_database(demo_db, tmp_path):
    (tmp_path / "copies").mkdir()
    copy = tmp_path / "copies" / "copy.duckdb"
    store = Store(demo_db)
    try:
        copy_database(store, copy)
    finally:
        store.close()
    original = table_checksums(demo_db)
    assert table_checksums(copy) == original
    assert sum(count for count, _ in original.values()) > 10_000  # the demo, not empty tables
    assert catalogue(copy) == catalogue(demo_db)
    assert [p.name for p in copy.parent.iterdir()] == ["copy.duckdb"]  # no WAL left beside it


def test_a_copy_leaves_out_a_write_not_yet_committed_and_the_write_then_commits(demo_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    store = Store(demo_db)
    try:
        with store.reader() as writer:
            writer.begin()
            writer.execute("DELETE FROM answer")
            copy_database(store, copy)
            writer.commit()
        with store.reader() as cur:
            assert cur.execute("SELECT count(*) FROM answer").fetchone() == (0,)
    finally:
        store.close()
    assert table_checksums(copy)["answer"][0] > 0


def test_a_copy_onto_a_file_that_is_not_a_new_database_is_refused_and_nothing_is_attached(
    demo_db, tmp_path
):
    taken = tmp_path / "taken.duckdb"
    taken.write_text("not a database", encoding="utf-8")
    store = Store(demo_db)
    try:
        with pytest.raises(StoreError, match="taken.duckdb"):
            copy_database(store, taken)
        with store.reader() as cur:
            attached = cur.execute("SELECT database_name FROM duckdb_databases()").fetchall()
        assert all(not name.startswith("dtm_copy") for (name,) in attached)
    finally:
        store.close()
    assert taken.read_text(encoding="utf-8") == "not a database"


def test_checksums_tell_tables_apart_by_content_not_only_by_count(demo_db, tmp_path):
    before = table_checksums(demo_db)
    con = duckdb.connect(str(demo_db))
    con.execute(
        "UPDATE unit SET name = name || ' (x)' WHERE unit_id = (SELECT min(unit_id) FROM unit)"
    )
    con.close()
    after = table_checksums(demo_db)
    assert after["unit"][0] == before["unit"][0]
    assert after["unit"] != before["unit"]
    assert {k: v for k, v in after.items() if k != "unit"} == {
        k: v for k, v in before.items() if k != "unit"
    }
