"""A write that conflicts with another connection's transaction on the same row is tried
again (Store.write, with tenacity), lands once, and after the last attempt fails whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtmaturity.store import AuditEntry, Store, WriteFailed, queries
from dtmaturity.store.db import _CONFLICT_RETRIES

AUDIT = AuditEntry("test", "test.conflict")


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "conflicts.duckdb")
    opened.write(
        lambda cur: queries.upsert_units(cur, [("u1", "A", None, False)]),
        audit=AuditEntry("test", "test.setup"),
    )
    yield opened
    opened.close()


def renaming(store: Store, conflicts: int, attempts: list[int]):
    """A write renaming u1 to 'C' whose first `conflicts` attempts meet another connection
    holding an uncommitted change of the same row (a real DuckDB conflict), which then
    commits 'B'."""

    def work(cur) -> None:
        attempts.append(1)
        if len(attempts) <= conflicts:
            with store.reader() as other:
                other.begin()
                other.execute("UPDATE unit SET name = 'B' WHERE unit_id = 'u1'")
                try:
                    cur.execute("UPDATE unit SET name = 'C' WHERE unit_id = 'u1'")
                finally:
                    other.commit()
        cur.execute("UPDATE unit SET name = 'C' WHERE unit_id = 'u1'")

    return work


def name_and_audits(store: Store) -> tuple[str, int]:
    with store.reader() as cur:
        name = cur.execute("SELECT name FROM unit WHERE unit_id = 'u1'").fetchone()[0]
        count = cur.execute(
            "SELECT count(*) FROM audit_log WHERE action = ?", [AUDIT.action]
        ).fetchone()[0]
    return name, count


def test_a_write_that_meets_a_conflict_is_tried_again_and_lands_once(store):
    attempts: list[int] = []
    version = store.data_version()
    store.write(renaming(store, 2, attempts), audit=AUDIT)
    assert len(attempts) == 3
    assert name_and_audits(store) == ("C", 1)
    assert store.data_version() > version


def test_a_write_that_conflicts_every_time_fails_whole_after_the_last_attempt(store):
    attempts: list[int] = []
    with pytest.raises(WriteFailed) as raised:
        store.write(renaming(store, _CONFLICT_RETRIES, attempts), audit=AUDIT)
    assert raised.value.kind == "conflict" and "test.conflict" in str(raised.value)
    assert len(attempts) == _CONFLICT_RETRIES
    assert name_and_audits(store) == ("B", 0)  # the other connection's change, none of ours


def test_a_failure_that_is_no_conflict_is_not_tried_again(store):
    attempts: list[int] = []

    def broken(cur) -> None:
        attempts.append(1)
        cur.execute("UPDATE unit SET name = 'C' WHERE unit_id = 'u1'")
        raise ValueError("a fault of the code")

    with pytest.raises(ValueError, match="a fault of the code"):
        store.write(broken, audit=AUDIT)
    assert len(attempts) == 1
    assert name_and_audits(store) == ("A", 0)
