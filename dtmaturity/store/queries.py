"""SQL for the core records: framework versions, units, check-ins with their answer rollup, and
the answer export (the demo organisation: store/demo.py). Every value is a bound parameter."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection


# --- framework versions -------------------------------------------------------------------


def register_framework(
    cur: Cursor, *, version_key: str, framework_id: str, version: str, sha256: str, content: str
) -> None:
    """Keep a copy of every framework version a check-in was made with."""
    cur.execute(
        """INSERT INTO framework_version (version_key, framework_id, version, sha256, content)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        [version_key, framework_id, version, sha256, content],
    )


def framework_registered(cur: Cursor, version_key: str) -> bool:
    """Whether this framework version's text is kept already."""
    row = cur.execute(
        "SELECT count(*) FROM framework_version WHERE version_key = ?", [version_key]
    ).fetchone()
    return bool(row and row[0])


def framework_versions(cur: Cursor) -> pd.DataFrame:
    return cur.execute(
        "SELECT version_key, version, registered_at FROM framework_version ORDER BY registered_at"
    ).df()


# --- units -----------------------------------------------------------------------------------


def units(cur: Cursor) -> list[tuple[str, str, str | None, int, bool]]:
    """(unit_id, name, parent_id, depth, is_demo) in tree order: each parent before its children."""
    return cur.execute(
        """
        WITH RECURSIVE tree(unit_id, name, parent_id, is_demo, depth, sort_path) AS (
            SELECT unit_id, name, parent_id, is_demo, 0, ARRAY[name]
            FROM unit
            WHERE parent_id IS NULL OR parent_id NOT IN (SELECT unit_id FROM unit)
            UNION ALL
            SELECT u.unit_id, u.name, u.parent_id, u.is_demo, t.depth + 1,
                   array_append(t.sort_path, u.name)
            FROM unit u JOIN tree t ON u.parent_id = t.unit_id
            WHERE t.depth < 50
        )
        SELECT unit_id, name, parent_id, depth, is_demo FROM tree ORDER BY sort_path
        """
    ).fetchall()


def upsert_units(cur: Cursor, rows: Iterable[tuple[str, str, str | None, bool]]) -> None:
    cur.executemany(
        """INSERT INTO unit (unit_id, name, parent_id, is_demo) VALUES (?, ?, ?, ?)
           ON CONFLICT (unit_id) DO UPDATE
           SET name = excluded.name, parent_id = excluded.parent_id""",
        list(rows),
    )


# --- check-ins -------------------------------------------------------------------------------


def save_checkin(
    cur: Cursor,
    key: tuple[str, str, str],
    *,
    framework_version: str,
    answers: list[tuple[str, int | None, int, str | None]],
    roles: list[tuple[str, str]],
    reflections: list[tuple[str, str]],
    not_known: list[str] | tuple[str, ...] = (),
) -> bool:
    """Insert or replace one check-in with all its parts. Returns True when it already existed.
    `not_known`: the items among `answers` answered "do not know" (their score is NULL).

    Run inside a transaction (Store.write): the deletes and inserts land together or not at all.
    """
    existed = cur.execute(
        "SELECT count(*) FROM checkin WHERE unit_id = ? AND period = ? AND respondent = ?", key
    ).fetchone()[0]
    cur.execute(
        """INSERT INTO checkin (unit_id, period, respondent, framework_version)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (unit_id, period, respondent) DO UPDATE
           SET framework_version = excluded.framework_version, updated_at = now()""",
        [*key, framework_version],
    )
    for table in ("answer", "role_pick", "reflection"):
        cur.execute(
            f"DELETE FROM {table} WHERE unit_id = ? AND period = ? AND respondent = ?",  # noqa: S608 (fixed table names)
            key,
        )
    if answers:
        cur.executemany(
            "INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max, comment,"
            " not_known) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, *row, row[0] in set(not_known) and row[1] is None) for row in answers],
        )
    if roles:
        cur.executemany("INSERT INTO role_pick VALUES (?, ?, ?, ?, ?)", [(*key, *r) for r in roles])
    if reflections:
        cur.executemany(
            "INSERT INTO reflection VALUES (?, ?, ?, ?, ?)", [(*key, *r) for r in reflections]
        )
    refresh_rollup(cur, unit_id=key[0], period=key[1])
    return bool(existed)


# --- the answer rollup (kept in step with `answer` by every writer) --------------------------

_ROLLUP_INSERT = """
INSERT INTO answer_rollup
SELECT unit_id, period, item_id, count(score), sum(score)
FROM answer
WHERE score IS NOT NULL AND {where}
GROUP BY unit_id, period, item_id
ORDER BY period, unit_id, item_id
"""


def refresh_rollup(cur: Cursor, *, unit_id: str, period: str) -> None:
    """Recompute the rollup rows of one unit and period. Whoever writes `answer` calls this
    (or `rebuild_rollup`) in the same transaction, so dashboards never see stale sums."""
    cur.execute("DELETE FROM answer_rollup WHERE unit_id = ? AND period = ?", [unit_id, period])
    cur.execute(
        _ROLLUP_INSERT.format(where="unit_id = ? AND period = ?"),  # noqa: S608 (constant text)
        [unit_id, period],
    )


def rebuild_rollup(cur: Cursor, *, demo_only: bool = False) -> None:
    """Recompute the rollup of every unit (or of the demo units only) from the answers."""
    where = "unit_id IN (SELECT unit_id FROM unit WHERE is_demo)" if demo_only else "true"
    cur.execute(f"DELETE FROM answer_rollup WHERE {where}")  # noqa: S608 (constant text)
    cur.execute(_ROLLUP_INSERT.format(where=where))  # noqa: S608 (constant text)


ROLLUP_MISMATCHES = """
WITH truth AS (
    SELECT unit_id, period, item_id, count(score) AS n, sum(score) AS total
    FROM answer WHERE score IS NOT NULL GROUP BY unit_id, period, item_id
), mismatch AS (
    (SELECT * FROM truth
     EXCEPT ALL SELECT unit_id, period, item_id, n, total FROM answer_rollup)
    UNION ALL
    (SELECT unit_id, period, item_id, n, total FROM answer_rollup
     EXCEPT ALL SELECT * FROM truth)
)
SELECT count(*) FROM mismatch
"""


def rollup_mismatches(cur: Cursor) -> int:
    """How many roll-up rows differ from a recount of the answers: 0 when every write kept the
    roll-up true. The SQL takes no parameters, so a bare DuckDB or psycopg connection (the
    benchmarks') runs it as the store's cursor does."""
    return int(cur.execute(ROLLUP_MISMATCHES).fetchone()[0])


def load_checkin(cur: Cursor, key: tuple[str, str, str]) -> dict | None:
    """One check-in as plain parts, or None."""
    head = cur.execute(
        """SELECT framework_version, updated_at FROM checkin
           WHERE unit_id = ? AND period = ? AND respondent = ?""",
        key,
    ).fetchone()
    if head is None:
        return None
    where = "WHERE unit_id = ? AND period = ? AND respondent = ?"
    answers = cur.execute(
        f"SELECT item_id, score, comment, not_known FROM answer {where}",  # noqa: S608
        key,
    ).fetchall()
    roles = cur.execute(f"SELECT kind, role_id FROM role_pick {where} ORDER BY role_id", key)  # noqa: S608
    role_rows = roles.fetchall()
    reflections = cur.execute(f"SELECT question_id, answer FROM reflection {where}", key).fetchall()  # noqa: S608
    return {
        "framework_version": head[0],
        "updated_at": head[1],
        "answers": answers,
        "roles": role_rows,
        "reflections": reflections,
    }


def previous_period_with_checkin(
    cur: Cursor, unit_id: str, period: str, respondent: str
) -> str | None:
    """The latest quarter before `period` in which this person checked in for this unit (a
    check-in held for a released quarter counts: it is theirs)."""
    row = cur.execute(
        """SELECT max(period) FROM (
               SELECT period FROM checkin WHERE unit_id = $u AND respondent = $r
               UNION ALL
               SELECT period FROM held_change
               WHERE unit_id = $u AND respondent = $r AND source = 'checkin'
           ) AS mine WHERE period < $p""",
        {"u": unit_id, "r": respondent, "p": period},
    ).fetchone()
    return row[0] if row else None


def own_periods(cur: Cursor, unit_id: str, respondent: str) -> set[str]:
    """The quarters in which this person has a check-in for this unit, stored or held."""
    rows = cur.execute(
        """SELECT period FROM checkin WHERE unit_id = $u AND respondent = $r
           UNION
           SELECT period FROM held_change
           WHERE unit_id = $u AND respondent = $r AND source = 'checkin'""",
        {"u": unit_id, "r": respondent},
    ).fetchall()
    return {row[0] for row in rows}


# --- export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = ("unit_id", "period", "respondent", "item_id", "score", "comment")


# The first characters of text a spreadsheet would run: =, +, -, @, tab, carriage return.
_FORMULA = "('=', '+', '-', '@', chr(9), chr(13))"


def export_answers(cur: Cursor, path: Path) -> int:
    """Write every answer as long-format UTF-8 CSV sorted by its keys; returns the row count."""
    # Formula-safe (as services.exports.neutralise): a text cell starting with =, +, -, @, tab
    # or carriage return gets a leading apostrophe, so a spreadsheet shows it as text.
    safe = ", ".join(
        c
        if c == "score"
        else f"CASE WHEN left({c}, 1) IN {_FORMULA} THEN '''' || {c} ELSE {c} END AS {c}"
        for c in ("unit_id", "period", "respondent", "item_id", "score", "comment")
    )
    relation = cur.sql(
        f"SELECT {safe} FROM answer ORDER BY unit_id, period, respondent, item_id"  # noqa: S608
    )
    relation.write_csv(str(path), header=True, sep=",", quotechar='"')
    return int(cur.execute("SELECT count(*) FROM answer").fetchone()[0])


def count_rows(cur: Cursor) -> dict[str, int]:
    out = {}
    for table in ("unit", "checkin", "answer", "role_pick", "reflection"):
        out[table] = int(cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    return out


def warm(cur: Cursor) -> None:
    """Read the columns the dashboards read most (the units and the answer rollup), so the
    first visitor finds them in DuckDB's buffer rather than in the file."""
    cur.execute("SELECT count(*), count(parent_id) FROM unit").fetchall()
    cur.execute("SELECT count(DISTINCT period), sum(n), sum(total) FROM answer_rollup").fetchall()
