"""SQL for people, role assignments, period locks, settings, the audit log and personal data."""

from __future__ import annotations

import duckdb
import pandas as pd

from dtmaturity.store import meetings

Cursor = duckdb.DuckDBPyConnection

# What an erased person's actions name as owner and author.
ERASED = "erased"

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


def language_of(cur: Cursor, person_id: str) -> str | None:
    row = cur.execute(
        "SELECT language FROM person_language WHERE person_id = ?", [person_id]
    ).fetchone()
    return row[0] if row else None


def set_language(cur: Cursor, person_id: str, language: str) -> None:
    cur.execute(
        """INSERT INTO person_language (person_id, language) VALUES (?, ?)
           ON CONFLICT (person_id) DO UPDATE
           SET language = excluded.language, updated_at = now()""",
        [person_id, language],
    )


# --- one person's data: export, erasure ------------------------------------------------------


def identifiers(cur: Cursor, person_id: str) -> list[str]:
    """Every spelling a person's data may carry, in lower case: their id and their e-mail.
    Respondents and owners compare in any case (`Kari@Etat.Example` is kari@etat.example)."""
    row = cur.execute("SELECT email FROM person WHERE person_id = ?", [person_id]).fetchone()
    return sorted({person_id.lower(), *([row[0].lower()] if row and row[0] else [])})


def person_data(cur: Cursor, person_id: str) -> dict[str, pd.DataFrame]:
    """Everything stored about a person, table by table: record, roles, check-ins with their
    answers, role picks, reflections and targets, the actions they own, created or last
    changed, and the audit entries they made or that name them."""
    ids = identifiers(cur, person_id)
    out = {
        "person": cur.execute("SELECT * FROM person WHERE person_id = ?", [person_id]).df(),
        "role_assignment": cur.execute(
            "SELECT * FROM role_assignment WHERE person_id = ?", [person_id]
        ).df(),
        "person_language": cur.execute(
            "SELECT * FROM person_language WHERE person_id = ?", [person_id]
        ).df(),
    }
    for table in (*PERSONAL_TABLES, "target"):
        sql = f"SELECT * FROM {table} WHERE lower(respondent) IN ? ORDER BY ALL"  # noqa: S608
        out[table] = cur.execute(sql, [ids]).df()
    out["action"] = cur.execute(
        """SELECT a.*, (SELECT string_agg(item_id, '|' ORDER BY item_id) FROM action_item i
                        WHERE i.action_id = a.action_id) AS items
           FROM action a
           WHERE lower(owner) IN ? OR lower(created_by) IN ? OR lower(updated_by) IN ?
           ORDER BY action_id""",
        [ids, ids, ids],
    ).df()
    out.update(meetings.person_data(cur, ids))
    out["checkin_draft"] = cur.execute(
        "SELECT * FROM checkin_draft WHERE lower(respondent) IN ? ORDER BY ALL", [ids]
    ).df()
    out["audit_log"] = cur.execute(
        """SELECT audit_id, logged_at, actor, action, target FROM audit_log
           WHERE lower(actor) IN ? OR list_has_any(string_split(lower(target), '/'), ?)
           ORDER BY 1""",
        [ids, ids],
    ).df()
    return out


def erase_person(cur: Cursor, person_id: str, pseudonym: str, hashed: str) -> dict[str, int]:
    """Erase a person's free text and identity; keep their scores, role picks and targets under
    an unlinkable pseudonym so the organisation's historical figures do not shift.

    Every spelling of the person counts (their id and e-mail in any case). Actions they own or
    changed keep their plan but name ERASED (not the pseudonym: the audit log says who created
    which action, and would link the pseudonym back); audit entries about the person's own data
    (a target such as `unit/period/e-mail`) name the one-way hash instead, as does their actor
    field there, so the log cannot re-link the pseudonymised scores. Returns counts of what was
    deleted or anonymised (no content).
    """
    ids = identifiers(cur, person_id)
    counts: dict[str, int] = {}

    def run(sql: str, params: list) -> int:
        row = cur.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    counts["reflections_deleted"] = run(
        "DELETE FROM reflection WHERE lower(respondent) IN ?", [ids]
    )
    counts["comments_deleted"] = run(
        "SELECT count(*) FROM answer WHERE lower(respondent) IN ? AND comment IS NOT NULL", [ids]
    )
    counts["drafts_deleted"] = run("DELETE FROM checkin_draft WHERE lower(respondent) IN ?", [ids])
    # Copies kept for undoing imports would bring the content back: they go too.
    for table in ("import_answer_change", "import_role_change", "import_reflection_change"):
        cur.execute(f"DELETE FROM {table} WHERE lower(respondent) IN ?", [ids])  # noqa: S608
    cur.execute(
        "UPDATE import_checkin_created SET respondent = ? WHERE lower(respondent) IN ?",
        [pseudonym, ids],
    )
    counts["answers_anonymised"] = run(
        """UPDATE answer SET respondent = ?, comment = NULL, import_id = NULL
           WHERE lower(respondent) IN ?""",
        [pseudonym, ids],
    )
    counts["role_picks_anonymised"] = run(
        "UPDATE role_pick SET respondent = ? WHERE lower(respondent) IN ?", [pseudonym, ids]
    )
    counts["targets_anonymised"] = run(
        "UPDATE target SET respondent = ? WHERE lower(respondent) IN ?", [pseudonym, ids]
    )
    counts["checkins_anonymised"] = run(
        "UPDATE checkin SET respondent = ? WHERE lower(respondent) IN ?", [pseudonym, ids]
    )
    counts["actions_anonymised"] = run(
        """UPDATE action SET
               owner = CASE WHEN lower(owner) IN ? THEN ? ELSE owner END,
               created_by = CASE WHEN lower(created_by) IN ? THEN ? ELSE created_by END,
               updated_by = CASE WHEN lower(updated_by) IN ? THEN ? ELSE updated_by END
           WHERE lower(owner) IN ? OR lower(created_by) IN ? OR lower(updated_by) IN ?""",
        [ids, ERASED, ids, ERASED, ids, ERASED, ids, ids, ids],
    )
    # Snapshots kept for undoing actions imports name the owner: they go.
    for person in ids:
        cur.execute(
            """DELETE FROM import_action_change
               WHERE contains(lower(coalesce(before, '')), ?) OR contains(lower(after), ?)""",
            [person, person],
        )
    counts["audit_entries_anonymised"] = run(
        """UPDATE audit_log SET target = ?,
               actor = CASE WHEN lower(actor) IN ? THEN ? ELSE actor END
           WHERE list_has_any(string_split(lower(target), '/'), ?)""",
        [hashed, ids, hashed, ids],
    )
    counts.update(meetings.erase_person(cur, ids, ERASED))
    counts["assignments_deleted"] = run(
        "DELETE FROM role_assignment WHERE person_id = ?", [person_id]
    )
    counts["person_deleted"] = run("DELETE FROM person WHERE person_id = ?", [person_id])
    cur.execute(
        "DELETE FROM person_language WHERE person_id = ? OR lower(person_id) IN ?",
        [person_id, ids],
    )
    return counts


def purge_before(cur: Cursor, period: str, *, dry_run: bool) -> dict[str, int]:
    """Delete check-ins (and their answers, role picks, reflections, targets) of quarters before
    `period`; with dry_run only count them."""
    counts = {}
    for table in (*PERSONAL_TABLES, "target", "answer_rollup"):
        sql = f"SELECT count(*) FROM {table} WHERE period < ?"  # noqa: S608 (fixed names)
        counts[table] = int(cur.execute(sql, [period]).fetchone()[0])
    if not dry_run:
        for table in (*PERSONAL_TABLES, "target", "answer_rollup", "import_answer_change"):
            cur.execute(f"DELETE FROM {table} WHERE period < ?", [period])  # noqa: S608
        tables = ("import_role_change", "import_reflection_change", "import_checkin_created")
        for table in (*tables, "checkin_draft"):
            cur.execute(f"DELETE FROM {table} WHERE period < ?", [period])  # noqa: S608
    return counts
