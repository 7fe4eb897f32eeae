"""Migration 9: e-mail addresses compare case-insensitively because they are stored in lower
case. Check-ins that become one keep the one saved last; subjects keep their case."""

from __future__ import annotations

from dtmaturity.store import Store
from dtmaturity.store.migrations import MIGRATIONS

BEFORE = next(v for v, name, _ in MIGRATIONS if "lower case" in name) - 1


def checkin(cur, respondent: str, score: int, updated: str, *, target: int | None = None) -> None:
    cur.execute(
        "INSERT INTO checkin (unit_id, period, respondent, framework_version, updated_at) "
        "VALUES ('u1', '2026-Q1', ?, 'v', ?)",
        [respondent, updated],
    )
    cur.execute(
        "INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max) "
        "VALUES ('u1', '2026-Q1', ?, 'user', ?, 5)",
        [respondent, score],
    )
    cur.execute(
        "INSERT INTO role_pick VALUES ('u1', '2026-Q1', ?, 'most', 'builder')", [respondent]
    )
    if target is not None:
        cur.execute(
            "INSERT INTO target VALUES ('u1', '2026-Q1', ?, 'user', '2027-Q1', ?, 5)",
            [respondent, target],
        )


def test_case_variants_of_an_email_become_one_respondent_keeping_the_latest_checkin(new_db):
    path = new_db
    old = Store(path, migrate=False)
    old.migrate(target=BEFORE)
    with old.reader() as cur:
        cur.execute("INSERT INTO unit (unit_id, name) VALUES ('u1', 'Enhet')")
        checkin(cur, "Kari@Etat.Example", 2, "2026-01-10", target=4)
        checkin(cur, "kari@etat.example", 5, "2026-02-01", target=5)  # saved last: stays
        checkin(cur, "OLA@ETAT.EXAMPLE", 3, "2026-01-05")  # alone: lower-cased
        checkin(cur, "Sub-With-Case", 1, "2026-01-05")  # a subject: unchanged
        cur.execute(
            "INSERT INTO answer_rollup SELECT unit_id, period, item_id, count(score), sum(score) "
            "FROM answer GROUP BY unit_id, period, item_id"
        )
        cur.execute(
            "INSERT INTO person (person_id, email) VALUES ('Per@Etat.Example', 'Per@Etat.Example')"
        )
        cur.execute("INSERT INTO person (person_id, email) VALUES ('per@etat.example', NULL)")
        cur.execute("INSERT INTO role_assignment VALUES ('Per@Etat.Example', 'leader', 'u1')")
        cur.execute("INSERT INTO role_assignment VALUES ('per@etat.example', 'leader', 'u1')")
        cur.execute("INSERT INTO role_assignment VALUES ('Per@Etat.Example', 'manager', 'u1')")
    old.close()

    store = Store(path)
    with store.reader() as cur:
        rows = cur.execute("SELECT respondent, score FROM answer ORDER BY respondent").fetchall()
        assert rows == [
            ("Sub-With-Case", 1),
            ("kari@etat.example", 5),
            ("ola@etat.example", 3),
        ]
        assert cur.execute("SELECT count(*) FROM checkin").fetchone() == (3,)
        assert cur.execute("SELECT count(*) FROM role_pick").fetchone() == (3,)
        assert cur.execute("SELECT respondent, score FROM target").fetchall() == [
            ("kari@etat.example", 5)
        ]
        assert cur.execute("SELECT n, total FROM answer_rollup").fetchall() == [(3, 9)]
        assert cur.execute("SELECT person_id FROM person").fetchall() == [("per@etat.example",)]
        assert sorted(cur.execute("SELECT person_id, role FROM role_assignment").fetchall()) == [
            ("per@etat.example", "leader"),
            ("per@etat.example", "manager"),
        ]
    store.close()


def test_a_lower_step_merged_after_a_higher_one_is_still_applied(new_db):
    """Steps are numbered per branch: a file migrated to a higher step (13) before this one was
    merged must still get it, not skip it because 13 > 9."""
    path = new_db
    Store(path).close()
    store = Store(path, migrate=False)
    with store.reader() as cur:
        cur.execute("DELETE FROM schema_version WHERE version = ?", [BEFORE + 1])
    assert [name.split(":")[0] for name in store.migrate()] == [str(BEFORE + 1)]
    store.close()
