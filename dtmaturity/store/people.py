"""SQL for people, role assignments, period locks, settings, the audit log and personal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from dtmaturity.store import person_columns

if TYPE_CHECKING:  # the frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

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
           WHERE (CAST(? AS VARCHAR) IS NOT NULL AND sub = ?)
              OR (CAST(? AS VARCHAR) IS NOT NULL AND lower(email) = lower(?) AND sub IS NULL)
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
           WHERE (CAST(? AS VARCHAR) IS NOT NULL AND (lower(email) = lower(?) OR person_id = lower(?)))
              OR (CAST(? AS VARCHAR) IS NOT NULL AND (sub = ? OR person_id = ?))
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


@dataclass(frozen=True)
class Spellings:
    """Every spelling a person's data may carry. E-mail addresses (their id or registered
    e-mail) compare in any case (`Kari@Etat.Example` is kari@etat.example), so they are kept in
    lower case; an OIDC subject is case-sensitive and compares exactly."""

    emails: list[str]
    subjects: list[str]

    def matches(self, column: str) -> tuple[str, list]:
        """(SQL condition, parameters): the id column holds one of these spellings."""
        return f'(lower("{column}") = ANY(?) OR "{column}" = ANY(?))', [self.emails, self.subjects]

    def mentions(self, column: str) -> tuple[list[str], list[str]]:
        """(SQL conditions, parameters): the text column contains one of these spellings."""
        parts = [f'strpos(lower("{column}"), ?) > 0' for _ in self.emails]
        parts += [f'strpos("{column}", ?) > 0' for _ in self.subjects]
        return parts, [*self.emails, *self.subjects]


def spellings(cur: Cursor, person_id: str) -> Spellings:
    """How a person may be named anywhere: their id, registered e-mail and subject."""
    row = cur.execute("SELECT email, sub FROM person WHERE person_id = ?", [person_id]).fetchone()
    values = {person_id, *(value for value in (row or ()) if value)}
    emails = sorted({v.lower() for v in values if "@" in v})
    return Spellings(emails, sorted(v for v in values if "@" not in v))


def _relations(cur: Cursor) -> dict[str, tuple[bool, dict[str, bool]]]:
    """Every table and view of the database: name -> (is a view, {column: may be NULL})."""
    rows = cur.execute(
        """SELECT c.table_name, t.table_type = 'VIEW', c.column_name, c.is_nullable = 'YES'
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema
            AND t.table_name = c.table_name
           WHERE c.table_catalog = current_database() AND c.table_schema = current_schema()
           ORDER BY c.table_name, c.ordinal_position"""
    ).fetchall()
    out: dict[str, tuple[bool, dict[str, bool]]] = {}
    for name, is_view, column, nullable in rows:
        out.setdefault(name, (bool(is_view), {}))[1][column] = bool(nullable)
    return out


def _naming(table: str, columns: dict[str, bool], kinds: tuple[str, ...], ids: Spellings):
    """(SQL condition, parameters): a row of `table` names the person in a column of `kinds`
    (an id column holding one of their spellings, a text column mentioning one)."""
    parts: list[str] = []
    params: list = []
    for column, kind in person_columns.PERSON_COLUMNS[table].items():
        if column not in columns or kind not in kinds:
            continue
        if kind in person_columns.ID_KINDS:
            condition, values = ids.matches(column)
            parts.append(condition)
            params += values
        else:
            conditions, values = ids.mentions(column)
            parts += conditions
            params += values
    return " OR ".join(parts), params


def person_data(cur: Cursor, person_id: str) -> dict[str, pd.DataFrame]:
    """Everything stored about a person, table by table: every row of every table and view in
    which a column of person_columns.PERSON_COLUMNS names them (their id, e-mail or subject, or
    text that mentions one; see Spellings). Actions come with the items they work on."""
    ids = spellings(cur, person_id)
    kinds = (*person_columns.ID_KINDS, *person_columns.MENTION_KINDS)
    out: dict[str, pd.DataFrame] = {}
    for table, (_, columns) in sorted(_relations(cur).items()):
        if table not in person_columns.PERSON_COLUMNS:
            continue
        condition, params = _naming(table, columns, kinds, ids)
        if condition:
            every = ", ".join(str(n) for n in range(1, len(columns) + 1))  # each column in turn
            sql = f'SELECT * FROM "{table}" WHERE {condition} ORDER BY {every}'  # noqa: S608
            out[table] = cur.execute(sql, params).df()
    if "action" in out:
        items = cur.execute(
            """SELECT action_id, string_agg(item_id, '|' ORDER BY item_id) AS items
               FROM action_item WHERE action_id = ANY(?) GROUP BY action_id""",
            [[int(a) for a in out["action"]["action_id"]]],
        ).df()
        out["action"] = out["action"].merge(items, on="action_id", how="left")
    return out


# How erasure counts are named (the Administration page and the command line show them):
# `<name>_deleted` and `<name>_anonymised`, the name being the table's unless listed here.
_COUNT_NAMES = {
    "reflection": "reflections",
    "role_assignment": "assignments",
    "answer": "answers",
    "target": "targets",
    "action": "actions",
    "checkin": "checkins",
    "role_pick": "role_picks",
    "audit_log": "audit_entries",
    "mail_message": "mails",
    "checkin_draft": "drafts",
    "meeting": "meetings",
    "meeting_note": "meeting_notes",
    "held_change": "held_changes",
}


def erase_person(cur: Cursor, person_id: str, pseudonym: str) -> dict[str, int]:
    """Erase a person from every table person_columns.PERSON_COLUMNS lists (which a test keeps
    complete against the schema): rows that are theirs are deleted, their scores move to the
    random `pseudonym` (their comments and import marks emptied), records of what they did name
    ERASED, and text that mentions them is deleted or emptied. Views follow their tables.

    Every spelling counts (their id, e-mail and subject: e-mails in any case, subjects
    exactly). Returns how many rows of each table were deleted and how many anonymised, and
    how many comments went (counts only, no content)."""
    ids = spellings(cur, person_id)
    mine, params = ids.matches("respondent")
    comments = cur.execute(
        f"SELECT count(comment) FROM answer WHERE {mine}",  # noqa: S608 (a fixed column)
        params,
    ).fetchone()
    counts = {"comments_deleted": int(comments[0]) if comments else 0}

    def run(sql: str, params: list) -> int:
        row = cur.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    for table, (is_view, columns) in sorted(_relations(cur).items()):
        spec = person_columns.PERSON_COLUMNS.get(table)
        if spec is None or is_view:
            continue
        for what, (sql, params) in _erasure_statements(table, columns, ids, pseudonym):
            key = f"{_COUNT_NAMES.get(table, table)}_{what}"
            counts[key] = counts.get(key, 0) + run(sql, params)
    return counts


def _emptied(column: str, columns: dict[str, bool]) -> str:
    """SQL that empties a column: NULL, or '' where the column may not be NULL."""
    return f'"{column}" = NULL' if columns.get(column, True) else f"\"{column}\" = ''"


def _erasure_statements(
    table: str, columns: dict[str, bool], ids: Spellings, pseudonym: str
) -> list[tuple[str, tuple[str, list]]]:
    """("deleted" or "anonymised", (SQL, parameters)) of each statement that erases the person
    from `table`, following its PERSON_COLUMNS."""
    spec = {c: k for c, k in person_columns.PERSON_COLUMNS[table].items() if c in columns}
    out: list[tuple[str, tuple[str, list]]] = []
    condition, params = _naming(
        table, columns, (person_columns.ROW, person_columns.MENTION_ROW), ids
    )
    if condition:
        out.append(("deleted", (f'DELETE FROM "{table}" WHERE {condition}', params)))  # noqa: S608
    emptied = [c for c, k in spec.items() if k == person_columns.WITH_ROW]
    emptied += list(person_columns.CLEARED_WITH_PSEUDONYM.get(table, ()))
    for column in (c for c, k in spec.items() if k == person_columns.PSEUDONYM):
        mine, params = ids.matches(column)
        sets = ", ".join([f'"{column}" = ?', *(_emptied(c, columns) for c in emptied)])
        sql = f'UPDATE "{table}" SET {sets} WHERE {mine}'  # noqa: S608
        out.append(("anonymised", (sql, [pseudonym, *params])))
    condition, params = _naming(
        table, columns, (person_columns.ERASED, person_columns.MENTION_CLEAR), ids
    )
    if condition:
        sets, values = [], []
        for column, kind in spec.items():
            if kind == person_columns.ERASED:
                mine, matched = ids.matches(column)
                sets.append(f'"{column}" = CASE WHEN {mine} THEN ? ELSE "{column}" END')
                values += [*matched, ERASED]
            elif kind == person_columns.MENTION_CLEAR:
                sets.append(_emptied(column, columns))
        sql = f'UPDATE "{table}" SET {", ".join(sets)} WHERE {condition}'  # noqa: S608
        out.append(("anonymised", (sql, values + params)))
    return out


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
