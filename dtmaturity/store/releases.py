"""Released quarters in the database: marks that a quarter's figures were shown, the changes
held back since (`held_change`), and each version that was shown before a change, with its
counts, tree and what the change altered (`release_version`, `release_count`, `release_tree`,
`release_change`). The rule is in dtmaturity/domain/privacy.py (`hide_across`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dtmaturity.store import import_writes

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection


def mark(cur: Cursor, unit_id: str, period: str) -> None:
    """Record that the quarter's figures of the unit's subtree have been shown."""
    cur.execute(
        "INSERT INTO release_mark (unit_id, period) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [unit_id, period],
    )


def marks(cur: Cursor) -> set[tuple[str, str]]:
    return {(u, p) for u, p in cur.execute("SELECT unit_id, period FROM release_mark").fetchall()}


def has_checkins(cur: Cursor, unit_ids: list[str], period: str) -> bool:
    """Whether any of these units has a check-in for the quarter (so a figure was shown)."""
    row = cur.execute(
        "SELECT count(*) FROM checkin WHERE period = ? AND unit_id = ANY(?::VARCHAR[])",
        [period, unit_ids],
    ).fetchone()
    return bool(row and row[0])


def units_with_checkins(cur: Cursor, periods: list[str]) -> list[tuple[str, str]]:
    """(unit, quarter) of every unit with a check-in for one of these quarters."""
    if not periods:
        return []
    return cur.execute(
        "SELECT DISTINCT unit_id, period FROM checkin WHERE period = ANY(?::VARCHAR[])",
        [list(periods)],
    ).fetchall()


# --- changes held back ------------------------------------------------------------------------


def hold(
    cur: Cursor,
    key: tuple[str, str, str],
    *,
    source: str,
    import_id: int | None,
    actor: str,
    payload: str,
) -> None:
    """Hold a check-in (or one respondent's imported rows) for a released quarter; saving the
    same check-in again, or importing the same file's rows again, replaces what was held."""
    cur.execute(
        """DELETE FROM held_change
           WHERE unit_id = ? AND period = ? AND respondent = ? AND source = ?
             AND import_id IS NOT DISTINCT FROM ?""",
        [*key, source, import_id],
    )
    cur.execute(
        """INSERT INTO held_change (unit_id, period, respondent, source, import_id, actor, payload)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [*key, source, import_id, actor, payload],
    )


def held(cur: Cursor, period: str | None = None, unit_ids: list[str] | None = None) -> pd.DataFrame:
    """Held changes (oldest first): held_id, unit_id, period, respondent, source, import_id,
    actor, payload, held_at."""
    return cur.execute(
        """SELECT held_id, unit_id, period, respondent, source, import_id, actor, payload, held_at
           FROM held_change
           WHERE (CAST($period AS VARCHAR) IS NULL OR period = $period)
             AND ($all_units OR unit_id = ANY($units))
           ORDER BY held_id""",
        {"period": period, "all_units": unit_ids is None, "units": list(unit_ids or [])},
    ).df()


def held_checkin(cur: Cursor, key: tuple[str, str, str]) -> str | None:
    """The payload of the acting person's held check-in, if any."""
    row = cur.execute(
        """SELECT payload FROM held_change WHERE unit_id = ? AND period = ? AND respondent = ?
             AND source = 'checkin' ORDER BY held_id DESC LIMIT 1""",
        list(key),
    ).fetchone()
    return row[0] if row else None


def drop_held(cur: Cursor, held_ids: list[int]) -> None:
    cur.execute("DELETE FROM held_change WHERE held_id = ANY(?::INTEGER[])", [held_ids])


def drop_held_import(cur: Cursor, import_id: int) -> int:
    """Undoing an import drops what it had held back."""
    row = cur.execute(
        "DELETE FROM held_change WHERE import_id = ? RETURNING held_id", [import_id]
    ).fetchall()
    return len(row)


# --- versions shown before a change -------------------------------------------------------------


def version_count(cur: Cursor, period: str) -> int:
    row = cur.execute("SELECT count(*) FROM release_version WHERE period = ?", [period]).fetchone()
    return int(row[0]) if row else 0


def snapshot(cur: Cursor, period: str, actor: str, reason: str) -> int:
    """Keep the counts and tree of the quarter as shown now, before a change: the next version
    number. Scores per item and check-ins (the groups behind role picks and reflections)."""
    version = version_count(cur, period) + 1
    cur.execute(
        "INSERT INTO release_version (period, version, taken_by, reason) VALUES (?, ?, ?, ?)",
        [period, version, actor, reason],
    )
    cur.execute(
        """INSERT INTO release_count
           SELECT period, ?, 'score', item_id, unit_id, sum(n)::INTEGER FROM answer_rollup
           WHERE period = ? AND n > 0 GROUP BY period, item_id, unit_id""",
        [version, period],
    )
    cur.execute(
        """INSERT INTO release_count
           SELECT period, ?, 'checkin', '', unit_id, count(*)::INTEGER FROM checkin
           WHERE period = ? GROUP BY period, unit_id""",
        [version, period],
    )
    cur.execute(
        "INSERT INTO release_tree SELECT ?, ?, unit_id, parent_id FROM unit", [period, version]
    )
    return version


def record_changes(
    cur: Cursor, period: str, version: int, rows: list[tuple[str, str, str, int]]
) -> None:
    """What a re-release changed: (kind, key, unit_id, respondents changed) for `version`."""
    if rows:
        cur.executemany(
            "INSERT INTO release_change VALUES (?, ?, ?, ?, ?, ?)",
            [(period, version, *row) for row in rows],
        )


def snapshots(cur: Cursor) -> dict[str, pd.DataFrame]:
    """Every kept version: `counts` (period, version, kind, key, unit_id, n), `trees` (period,
    version, unit_id, parent_id) and `changes` (period, version, kind, key, unit_id, changed)."""
    return {
        "counts": cur.execute(
            "SELECT * FROM release_count ORDER BY period, version, kind, key, unit_id"
        ).df(),
        "trees": cur.execute("SELECT * FROM release_tree ORDER BY period, version, unit_id").df(),
        "changes": cur.execute(
            "SELECT * FROM release_change ORDER BY period, version, kind, key, unit_id"
        ).df(),
    }


def periods_with_checkins(cur: Cursor) -> list[str]:
    return [
        p for (p,) in cur.execute("SELECT DISTINCT period FROM checkin ORDER BY period").fetchall()
    ]


# --- imported rows held back and published ------------------------------------------------------


def import_pairs(cur: Cursor) -> list[tuple[str, str]]:
    """The (unit, quarter) pairs an import in progress would change (its TEMP changes)."""
    return cur.execute(
        """SELECT unit_id, period FROM changes WHERE status <> 'unchanged'
           UNION SELECT unit_id, period FROM role_changes
           UNION SELECT unit_id, period FROM reflection_changes
           ORDER BY 1, 2"""
    ).fetchall()


def divert_import(
    cur: Cursor, pairs: list[tuple[str, str]]
) -> list[tuple[tuple[str, str, str], dict]]:
    """Take the changes of these (unit, quarter) pairs out of an import in progress: per
    respondent, what the import would write there (answers, role picks, reflections). The
    import then writes the rest."""
    if not pairs:
        return []
    cur.execute("CREATE OR REPLACE TEMP TABLE late_pairs (unit_id VARCHAR, period VARCHAR)")
    cur.executemany("INSERT INTO late_pairs VALUES (?, ?)", pairs)
    held: dict[tuple[str, str, str], dict] = {}

    def entry(key: tuple) -> dict:
        return held.setdefault(tuple(key), {"answers": [], "roles": [], "reflections": []})

    for *key, item, score, scale_max, comment in cur.execute(
        """SELECT unit_id, period, respondent, item_id, new_score, new_scale_max, new_comment
           FROM changes JOIN late_pairs USING (unit_id, period)
           WHERE status <> 'unchanged' ORDER BY 1, 2, 3, 4"""
    ).fetchall():
        entry(key)["answers"].append([item, score, scale_max, comment])
    for *key, kind, roles in cur.execute(
        """SELECT unit_id, period, respondent, kind, new_roles
           FROM role_changes JOIN late_pairs USING (unit_id, period) ORDER BY 1, 2, 3, 4"""
    ).fetchall():
        entry(key)["roles"].append([kind, list(roles)])
    for *key, question, text in cur.execute(
        """SELECT unit_id, period, respondent, question_id, new_answer
           FROM reflection_changes JOIN late_pairs USING (unit_id, period) ORDER BY 1, 2, 3, 4"""
    ).fetchall():
        entry(key)["reflections"].append([question, text])
    for table in ("changes", "role_changes", "reflection_changes"):
        cur.execute(
            f"DELETE FROM {table} WHERE (unit_id, period) IN (SELECT unit_id, period FROM late_pairs)"  # noqa: S608 (fixed names)
        )
    return sorted(held.items())


def apply_imported(
    cur: Cursor, key: tuple[str, str, str], import_id: int, payload: dict, framework_version: str
) -> None:
    """Write one respondent's held imported rows as the import would have (kept for its undo)."""
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE wanted (item_id VARCHAR, score SMALLINT,
               scale_max SMALLINT, comment VARCHAR)"""
    )
    if payload["answers"]:
        cur.executemany("INSERT INTO wanted VALUES (?, ?, ?, ?)", payload["answers"])
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE changes AS
           SELECT $unit AS unit_id, $period AS period, $who AS respondent, w.item_id,
                  a.score AS old_score, a.scale_max AS old_scale_max, a.comment AS old_comment,
                  a.import_id AS old_import_id,
                  coalesce(w.score, a.score) AS new_score,
                  CASE WHEN w.score IS NULL THEN coalesce(a.scale_max, w.scale_max)
                       ELSE w.scale_max END AS new_scale_max,
                  coalesce(w.comment, a.comment) AS new_comment,
                  CASE WHEN a.unit_id IS NULL THEN 'new'
                       WHEN coalesce(w.score, a.score) IS NOT DISTINCT FROM a.score
                        AND coalesce(w.comment, a.comment) IS NOT DISTINCT FROM a.comment
                       THEN 'unchanged' ELSE 'updated' END AS status
           FROM wanted w
           LEFT JOIN answer a ON a.unit_id = $unit AND a.period = $period
            AND a.respondent = $who AND a.item_id = w.item_id""",
        {"unit": key[0], "period": key[1], "who": key[2]},
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_changes (unit_id VARCHAR, period VARCHAR,
               respondent VARCHAR, kind VARCHAR, new_roles VARCHAR[], old_roles VARCHAR[])"""
    )
    for kind, roles in payload["roles"]:
        cur.execute(
            """INSERT INTO role_changes
               SELECT ?, ?, ?, ?, list_sort(?::VARCHAR[]),
                      (SELECT array_agg(role_id ORDER BY role_id) FROM role_pick WHERE unit_id = ?
                         AND period = ? AND respondent = ? AND kind = ?)""",
            [*key, kind, roles, *key, kind],
        )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE reflection_changes (unit_id VARCHAR, period VARCHAR,
               respondent VARCHAR, question_id VARCHAR, old_answer VARCHAR, new_answer VARCHAR)"""
    )
    for question, text in payload["reflections"]:
        cur.execute(
            """INSERT INTO reflection_changes
               SELECT ?, ?, ?, ?, (SELECT answer FROM reflection WHERE unit_id = ?
                 AND period = ? AND respondent = ? AND question_id = ?), ?""",
            [*key, question, *key, question, text],
        )
    import_writes.write_answers(cur, import_id, framework_version)


def shown_periods(cur: Cursor, current_period: str) -> list[str]:
    """Quarters whose figures may have been shown: ended ones with check-ins, and marked ones."""
    return [
        p
        for (p,) in cur.execute(
            """SELECT DISTINCT period FROM checkin WHERE period < ?
               UNION SELECT period FROM release_mark ORDER BY 1""",
            [current_period],
        ).fetchall()
    ]


def keep_before_tree_change(cur: Cursor, actor: str, current_period: str) -> list[str]:
    """Before units move (every writer that changes a `unit.parent_id` calls this in its
    transaction): keep the version of every quarter that may have been shown, so that later
    figures are decided against it. Returns those quarters."""
    periods = shown_periods(cur, current_period)
    for period in periods:
        snapshot(cur, period, actor, "units moved")
    return periods


def parents_change(cur: Cursor, changes_table: str, unit: str, new_parent: str) -> bool:
    """Whether a TEMP table of unit changes would give an existing unit another parent."""
    row = cur.execute(
        f"""SELECT count(*) FROM {changes_table} c JOIN unit u ON u.unit_id = c.{unit}
            WHERE c.{new_parent} IS DISTINCT FROM u.parent_id"""  # noqa: S608 (fixed names)
    ).fetchone()
    return bool(row and row[0])


def keep_before_import_undo(cur: Cursor, import_id: int, actor: str, current_period: str) -> None:
    """Before an import is undone (in its transaction): keep the version of every quarter that
    may have been shown and that the undo changes, with the respondents it changes per unit and
    item, so that the figures after it are decided against the ones before."""
    shown = set(shown_periods(cur, current_period))
    touched = cur.execute(
        """WITH rows AS (
               SELECT unit_id, period, respondent, item_id FROM answer WHERE import_id = $id
               UNION SELECT unit_id, period, respondent, item_id
               FROM import_answer_change WHERE import_id = $id
           )
           SELECT period, 'score' AS kind, item_id AS key, unit_id,
                  count(DISTINCT respondent)::INTEGER
           FROM rows GROUP BY period, item_id, unit_id
           UNION ALL
           SELECT period, 'checkin', '', unit_id, count(DISTINCT respondent)::INTEGER
           FROM rows GROUP BY period, unit_id
           ORDER BY 1, 2, 3, 4""",
        {"id": import_id},
    ).fetchall()
    by_period: dict[str, list[tuple[str, str, str, int]]] = {}
    for period, kind, key, unit, n in touched:
        if period in shown:
            by_period.setdefault(period, []).append((kind, key, unit, n))
    for period, rows in sorted(by_period.items()):
        version = snapshot(cur, period, actor, "import undone")
        record_changes(cur, period, version + 1, rows)
