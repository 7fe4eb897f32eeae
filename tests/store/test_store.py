"""The store on a real database (each test on both): migrations, transactions, upserts,
concurrency."""

import subprocess
import sys
import threading
import time

import pytest

from dtmaturity.store import AuditEntry, Store, StoreError, WriteFailed, queries
from dtmaturity.store.migrations import LATEST, MIGRATIONS, PostgresOnly

TEST_AUDIT = AuditEntry("test", "test.setup")

KEY = ("u1", "2026-Q3", "kari@etat.example")


def add_unit(store: Store, unit_id: str = "u1") -> None:
    store.write(
        lambda cur: queries.upsert_units(cur, [(unit_id, "Enhet 1", None, False)]), audit=TEST_AUDIT
    )


def save(store: Store, answers, *, roles=(), reflections=(), key=KEY) -> bool:
    return store.write(
        lambda cur: queries.save_checkin(
            cur,
            key,
            framework_version="2026.1+abc",
            answers=list(answers),
            roles=list(roles),
            reflections=list(reflections),
        ),
        audit=TEST_AUDIT,
    )


def answers_in(path) -> list[tuple]:
    """The answers stored, read through a Store opened afresh."""
    store = Store(path, migrate=False)
    try:
        with store.reader() as cur:
            sql = "SELECT item_id, score, comment FROM answer ORDER BY item_id"
            return cur.execute(sql).fetchall()
    finally:
        store.close()


def test_new_database_is_created_at_the_latest_schema(new_db):
    store = Store(new_db)
    assert store.schema_version() == LATEST
    assert store.migrate() == []  # nothing left to do


def test_the_indexes_only_postgresql_needs_are_made_there_alone(new_db, database):
    """Every PostgresOnly statement of every step (an index its planner needs) runs on
    PostgreSQL and nowhere else; the names are read from the steps themselves."""
    wanted = {
        statement.sql.split()[2]
        for _, _, statements in MIGRATIONS
        for statement in statements
        if isinstance(statement, PostgresOnly)
    }
    assert wanted, "no PostgreSQL-only index left: drop this test and PostgresOnly"
    store = Store(new_db)
    try:
        with store.reader() as cur:
            if database == "postgresql":
                sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            else:
                sql = "SELECT index_name FROM duckdb_indexes()"
            found = {row[0] for row in cur.execute(sql).fetchall()}
    finally:
        store.close()
    assert (wanted <= found) if database == "postgresql" else not (wanted & found)


def test_an_older_database_file_is_upgraded_and_keeps_its_data(new_db):
    path = new_db
    old = Store(path, migrate=False)
    old.migrate(target=1)
    with old.reader() as cur:
        cur.execute("INSERT INTO unit (unit_id, name) VALUES ('u1', 'Gammel enhet')")
        cur.execute(
            "INSERT INTO checkin (unit_id, period, respondent, framework_version) "
            "VALUES ('u1', '2025-Q1', 'ola', '2025.1+old')"
        )
        cur.execute("INSERT INTO answer VALUES ('u1', '2025-Q1', 'ola', 'user', 2, 5, 'før')")
    assert old.schema_version() == 1
    old.close()

    upgraded = Store(path)
    assert upgraded.schema_version() == LATEST
    with upgraded.reader() as cur:
        assert cur.execute("SELECT name FROM unit").fetchall() == [("Gammel enhet",)]
        assert cur.execute("SELECT score, comment FROM answer").fetchall() == [(2, "før")]
        assert cur.execute("SELECT count(*) FROM role_pick").fetchone() == (0,)
    upgraded.close()


def test_resubmitting_updates_in_place_without_duplicates(new_db):
    store = Store(new_db)
    add_unit(store)
    assert save(store, [("user", 2, 5, None), ("data", 3, 5, "x")]) is False
    assert save(store, [("user", 4, 5, "bedre")]) is True
    with store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (1,)
        rows = cur.execute("SELECT item_id, score, comment FROM answer").fetchall()
    assert rows == [("user", 4, "bedre")]


def test_a_write_that_fails_halfway_leaves_the_database_as_it_was(new_db):
    path = new_db
    store = Store(path)
    add_unit(store)
    save(store, [("user", 2, 5, "første"), ("data", 3, 5, None)])
    version = store.data_version()
    # The second answer breaks a NOT NULL constraint after the old answers were deleted.
    with pytest.raises(WriteFailed, match="constraint"):
        save(store, [("user", 5, 5, "ny"), (None, 1, 5, None)])
    assert store.data_version() == version
    store.close()
    assert answers_in(path) == [("data", 3, None), ("user", 2, "første")]


def test_every_write_bumps_the_data_version(new_db):
    store = Store(new_db)
    before = store.data_version()
    add_unit(store)
    assert store.data_version() == before + 1


def test_two_sessions_submitting_at_once_both_land(new_db):
    store = Store(new_db)
    add_unit(store)
    errors: list[BaseException] = []

    def submit(respondent: str) -> None:
        try:
            for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
                save(store, [("user", 3, 5, None)], key=("u1", period, respondent))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(f"leader{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (12,)
        assert cur.execute("SELECT count(*) FROM answer").fetchone() == (12,)


def test_units_come_in_tree_order(new_db):
    store = Store(new_db)
    store.write(
        lambda cur: queries.upsert_units(
            cur,
            [
                ("b", "Bravo", "root", False),
                ("root", "Etaten", None, False),
                ("a", "Alfa", "root", False),
                ("a1", "Alfa én", "a", False),
            ],
        ),
        audit=TEST_AUDIT,
    )
    with store.reader() as cur:
        assert [(u[0], u[3]) for u in queries.units(cur)] == [
            ("root", 0),
            ("a", 1),
            ("a1", 2),
            ("b", 1),
        ]


def test_values_are_bound_not_formatted(new_db):
    store = Store(new_db)
    evil = "u1'); DROP TABLE answer; --"
    store.write(
        lambda cur: queries.upsert_units(cur, [(evil, "Robert'); --", None, False)]),
        audit=TEST_AUDIT,
    )
    save(store, [("user", 1, 5, "'; DELETE FROM unit; --")], key=(evil, "2026-Q1", "x"))
    with store.reader() as cur:
        assert cur.execute("SELECT unit_id FROM unit").fetchall() == [(evil,)]
        assert cur.execute("SELECT comment FROM answer").fetchall() == [
            ("'; DELETE FROM unit; --",)
        ]


def test_a_write_by_another_process_advances_the_data_version_here(new_db, database):
    """Caches key on the data version: on PostgreSQL another app process (or a command) writes
    too, and this process must learn of it within seconds, not only of its own writes."""
    if database == "duckdb":
        pytest.skip("DuckDB lets one process at a time open a file for writing")
    store = Store(new_db)
    before = store.data_version()
    writer = (
        "import sys; from dtmaturity.store import AuditEntry, Store, queries;"
        "s = Store(sys.argv[1]);"
        "s.write(lambda c: queries.upsert_units(c, [('u9', 'Other', None, False)]),"
        " audit=AuditEntry('test', 'test.other_process')); s.close()"
    )
    subprocess.run([sys.executable, "-c", writer, new_db], check=True, timeout=120)
    deadline = time.monotonic() + 30
    while store.data_version() == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.data_version() > before
    with store.reader() as cur:
        assert cur.execute("SELECT name FROM unit").fetchall() == [("Other",)]
    store.close()


def test_a_database_written_by_a_newer_dtmaturity_is_refused_untouched(new_db):
    store = Store(new_db)
    with store.reader() as cur:
        cur.execute(
            "INSERT INTO schema_version (version, name) VALUES (?, 'from the future')", [LATEST + 1]
        )
    store.close()
    with pytest.raises(StoreError, match=f"schema version is {LATEST + 1}, newer"):
        Store(new_db)
    again = Store(new_db, migrate=False)
    assert again.schema_version() == LATEST + 1
    again.close()
