"""SQL for people, role assignments, period locks, settings, the audit log and personal data."""

from __future__ import annotations

import duckdb
import pandas as pd

Cursor = duckdb.DuckDBPyConnection

# Every table that holds a person's own check-in data, keyed by respondent.
PERSONAL_TABLES = ("answer", "role_pick", "reflection", "checkin")


def parents(cur: Cursor) -> dict[str, str | None]:
    return dict(cur.execute("SELECT unit_id, parent_id FROM unit").fetchall())


def find_person(cur: Cursor, *, email: str | None, sub: str | None) -> tuple | None:
    """(person_id, name) of the person signing in with this OIDC subject, else with this
    e-mail (any case). A person registered with a subject signs in with that subject only: an
    e-mail alone never opens a record that has one (the subject is case-sensitive)."""
    return cur.execute(
        """SELECT person_id, name FROM person
           WHERE (? IS NOT NULL AND sub = ?)
              OR (? IS NOT NULL AND lower(email) = lower(?) AND sub IS NULL)
           ORDER BY (sub IS NOT DISTINCT FROM ?) DESC, person_id LIMIT 1""",
        [sub, sub, email, email, sub],
    ).fetchone()


def person(cur: Cursor, person_id: str) -> tuple[str, str | None, str | None, str | None] | None:
    """(person_id, name, email, sub) of one person."""
    return cur.execute(
        "SELECT person_id, name, email, sub FROM person WHERE person_id = ?", [person_id]
    ).fetchone()


def people_with_identity(cur: Cursor, *, email: str | None, sub: str | None) -> list[tuple]:
    """(person_id, name, email, sub) of everyone registered with this e-mail (any case) or
    this subject (exact), the person whose id is the e-mail first."""
    return cur.execute(
        """SELECT person_id, name, email, sub FROM person
           WHERE (? IS NOT NULL AND (lower(email) = lower(?) OR person_id = lower(?)))
              OR (? IS NOT NULL AND (sub = ? OR person_id = ?))
           ORDER BY person_id""",
        [email, email, email, sub, sub, sub],
    ).fetchall()


def grants(cur: Cursor, person_id: str) -> list[tuple[str, str]]:
    return cur.execute(
        "SELECT role, unit_id FROM role_assignment WHERE person_id = ? ORDER BY role, unit_id",
        [person_id],
    ).fetchall()


def people(cur: Cursor) -> pd.DataFrame:
    """Every person with their assignments (one row per assignment, or one without)."""
    return cur.execute(
        """SELECT p.person_id, p.name, p.email, p.sub, r.role, r.unit_id
           FROM person p LEFT JOIN role_assignment r USING (person_id)
           ORDER BY p.person_id, r.role, r.unit_id"""
    ).df()


def insert_person(
    cur: Cursor, person_id: str, *, name: str | None, email: str | None, sub: str | None
) -> None:
    cur.execute(
        """INSERT INTO person (person_id, name, email, sub) VALUES (?, ?, ?, ?)
           ON CONFLICT (person_id) DO NOTHING""",
        [person_id, name, email, sub],
    )


def update_person(
    cur: Cursor, person_id: str, *, name: str | None, email: str | None, sub: str | None
) -> None:
    """Set the given fields of an existing person (None leaves a field as it is)."""
    cur.execute(
        """UPDATE person SET name = coalesce(?, name), email = coalesce(?, email),
               sub = coalesce(?, sub) WHERE person_id = ?""",
        [name, email, sub, person_id],
    )


def add_grant(cur: Cursor, person_id: str, role: str, unit_id: str) -> bool:
    """True when the assignment is new."""
    exists = cur.execute(
        "SELECT count(*) FROM role_assignment WHERE person_id = ? AND role = ? AND unit_id = ?",
        [person_id, role, unit_id],
    ).fetchone()[0]
    if not exists:
        cur.execute("INSERT INTO role_assignment VALUES (?, ?, ?)", [person_id, role, unit_id])
    return not exists


def remove_grant(cur: Cursor, person_id: str, role: str, unit_id: str) -> bool:
    removed = cur.execute(
        "DELETE FROM role_assignment WHERE person_id = ? AND role = ? AND unit_id = ?",
        [person_id, role, unit_id],
    ).fetchone()[0]
    return bool(removed)


# --- period locks and settings --------------------------------------------------------------


def locked_periods(cur: Cursor) -> list[str]:
    return [r[0] for r in cur.execute("SELECT period FROM period_lock ORDER BY period").fetchall()]


def lock_period(cur: Cursor, period: str, actor: str) -> None:
    cur.execute(
        "INSERT INTO period_lock (period, locked_by) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [period, actor],
    )


def unlock_period(cur: Cursor, period: str) -> None:
    cur.execute("DELETE FROM period_lock WHERE period = ?", [period])


def setting(cur: Cursor, key: str) -> str | None:
    row = cur.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_setting(cur: Cursor, key: str, value: str, actor: str) -> str | None:
    """Store a setting; returns the value it replaces."""
    before = setting(cur, key)
    cur.execute(
        """INSERT INTO setting (key, value, updated_by) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value,
               updated_by = excluded.updated_by, updated_at = now()""",
        [key, value, actor],
    )
    return before


# --- the audit log ---------------------------------------------------------------------------


def audit_log(cur: Cursor, limit: int) -> pd.DataFrame:
    return cur.execute(
        """SELECT audit_id, logged_at, actor, action, target, details FROM audit_log
           ORDER BY audit_id DESC LIMIT ?""",
        [limit],
    ).df()


# --- one person's data: export, erasure ------------------------------------------------------


def person_data(cur: Cursor, person_id: str) -> dict[str, pd.DataFrame]:
    """Everything stored about a person, table by table."""
    out = {
        "person": cur.execute("SELECT * FROM person WHERE person_id = ?", [person_id]).df(),
        "role_assignment": cur.execute(
            "SELECT * FROM role_assignment WHERE person_id = ?", [person_id]
        ).df(),
    }
    for table in PERSONAL_TABLES:
        sql = f"SELECT * FROM {table} WHERE respondent = ? ORDER BY ALL"  # noqa: S608 (fixed names)
        out[table] = cur.execute(sql, [person_id]).df()
    out["audit_log"] = cur.execute(
        "SELECT audit_id, logged_at, action, target FROM audit_log WHERE actor = ? ORDER BY 1",
        [person_id],
    ).df()
    return out


def erase_person(cur: Cursor, person_id: str, pseudonym: str) -> dict[str, int]:
    """Erase a person's free text and identity; keep their scores and role picks under an
    unlinkable pseudonym so the organisation's historical figures do not shift.

    Returns counts of what was deleted or anonymised (no content).
    """
    counts: dict[str, int] = {}
    counts["reflections_deleted"] = cur.execute(
        "DELETE FROM reflection WHERE respondent = ?", [person_id]
    ).fetchone()[0]
    counts["comments_deleted"] = cur.execute(
        "SELECT count(*) FROM answer WHERE respondent = ? AND comment IS NOT NULL", [person_id]
    ).fetchone()[0]
    # Copies kept for undoing imports would bring the content back: they go too.
    for table in ("import_answer_change", "import_role_change", "import_reflection_change"):
        cur.execute(f"DELETE FROM {table} WHERE respondent = ?", [person_id])  # noqa: S608
    cur.execute(
        "UPDATE import_checkin_created SET respondent = ? WHERE respondent = ?",
        [pseudonym, person_id],
    )
    counts["answers_anonymised"] = cur.execute(
        "UPDATE answer SET respondent = ?, comment = NULL, import_id = NULL WHERE respondent = ?",
        [pseudonym, person_id],
    ).fetchone()[0]
    counts["role_picks_anonymised"] = cur.execute(
        "UPDATE role_pick SET respondent = ? WHERE respondent = ?", [pseudonym, person_id]
    ).fetchone()[0]
    counts["checkins_anonymised"] = cur.execute(
        "UPDATE checkin SET respondent = ? WHERE respondent = ?", [pseudonym, person_id]
    ).fetchone()[0]
    counts["assignments_deleted"] = cur.execute(
        "DELETE FROM role_assignment WHERE person_id = ?", [person_id]
    ).fetchone()[0]
    counts["person_deleted"] = cur.execute(
        "DELETE FROM person WHERE person_id = ?", [person_id]
    ).fetchone()[0]
    return {k: int(v) for k, v in counts.items()}


def purge_before(cur: Cursor, period: str, *, dry_run: bool) -> dict[str, int]:
    """Delete check-ins (and their answers, role picks, reflections) of quarters before
    `period`; with dry_run only count them."""
    counts = {}
    for table in (*PERSONAL_TABLES, "answer_rollup"):
        sql = f"SELECT count(*) FROM {table} WHERE period < ?"  # noqa: S608 (fixed names)
        counts[table] = int(cur.execute(sql, [period]).fetchone()[0])
    if not dry_run:
        for table in (*PERSONAL_TABLES, "answer_rollup", "import_answer_change"):
            cur.execute(f"DELETE FROM {table} WHERE period < ?", [period])  # noqa: S608
        for table in ("import_role_change", "import_reflection_change", "import_checkin_created"):
            cur.execute(f"DELETE FROM {table} WHERE period < ?", [period])  # noqa: S608
    return counts
