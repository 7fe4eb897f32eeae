"""Writing staged answers: what changes, the preview, the upsert that keeps old values for
undo, and the dashboards' roll-up."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

Cursor = duckdb.DuckDBPyConnection


def select_valid(cur: Cursor, bad_rows: Sequence[int]) -> None:
    """TEMP changes: each answer of a row without problems, against what is stored now, and
    TEMP role_changes and reflection_changes for a wide file's optional columns.

    `changes` is TEMP resolved itself (import_staging.resolve_answers joined the stored
    answers and computed the change columns), with the other cells deleted: inside the write
    transaction a dropped table's memory is freed only at its end, so a copy would be held
    beside it until the commit."""
    cur.execute("CREATE OR REPLACE TEMP TABLE bad_rows (row BIGINT)")
    if bad_rows:
        cur.execute("INSERT INTO bad_rows SELECT unnest(?::BIGINT[])", [list(bad_rows)])
    cur.execute("DROP TABLE IF EXISTS changes")
    cur.execute("ALTER TABLE resolved RENAME TO changes")
    # An empty score and comment is "not answered": nothing to write for that cell.
    drop = "score_value IS NULL AND comment IS NULL"
    if bad_rows:
        drop += " OR row IN (SELECT row FROM bad_rows)"
    cur.execute(f"DELETE FROM changes WHERE {drop}")  # noqa: S608 (constants)
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE valid_extra_rows AS
           SELECT row, unit_id, period, respondent FROM resolved_extra_rows
           WHERE row NOT IN (SELECT row FROM bad_rows)"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_changes AS
           WITH wanted AS (
               SELECT r.unit_id, r.period, r.respondent, c.kind,
                      array_agg(DISTINCT c.role_id ORDER BY c.role_id) AS new_roles
               FROM role_cells_resolved c JOIN valid_extra_rows r USING (row)
               GROUP BY r.unit_id, r.period, r.respondent, c.kind
           ), current AS (
               SELECT unit_id, period, respondent, kind, array_agg(role_id ORDER BY role_id) AS old_roles
               FROM role_pick GROUP BY unit_id, period, respondent, kind
           )
           SELECT w.*, c.old_roles FROM wanted w LEFT JOIN current c
               USING (unit_id, period, respondent, kind)
           WHERE c.old_roles IS DISTINCT FROM w.new_roles"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE reflection_changes AS
           SELECT w.unit_id, w.period, w.respondent, w.question_id,
                  f.answer AS old_answer, w.text AS new_answer
           FROM (SELECT r.unit_id, r.period, r.respondent, c.question_id, c.text
                 FROM reflection_cells c JOIN valid_extra_rows r USING (row)) w
           LEFT JOIN reflection f USING (unit_id, period, respondent, question_id)
           WHERE f.answer IS DISTINCT FROM w.text"""
    )


def preview(cur: Cursor) -> list[tuple[str, str, int, int, int]]:
    """(unit_id, period, new, updated, unchanged) answers per unit and period."""
    return cur.execute(
        """SELECT unit_id, period,
                  count(*) FILTER (WHERE status = 'new'),
                  count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged')
           FROM changes GROUP BY unit_id, period ORDER BY unit_id, period"""
    ).fetchall()


def extra_change_counts(cur: Cursor) -> tuple[int, int]:
    roles = cur.execute("SELECT count(*) FROM role_changes").fetchone()[0]
    reflections = cur.execute("SELECT count(*) FROM reflection_changes").fetchone()[0]
    return int(roles), int(reflections)


def new_import(
    cur: Cursor,
    *,
    file_name: str,
    sha256: str,
    file_format: str,
    dialect: str,
    actor: str,
    rows_total: int,
    rows_rejected: int,
) -> int:
    row = cur.execute(
        """INSERT INTO import_log
               (file_name, sha256, format, dialect, actor, rows_total, rows_rejected)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING import_id""",
        [file_name, sha256, file_format, dialect, actor, rows_total, rows_rejected],
    ).fetchone()
    return int(row[0])


def write_answers(cur: Cursor, import_id: int, framework_version: str) -> tuple[int, int, int]:
    """Apply TEMP changes, role_changes and reflection_changes, keeping what they replace.
    (Also run once per respondent when a re-release publishes an import's held rows: the
    check-ins it created earlier are there already.)

    A new answer is marked with the import's id (undo removes it while it still carries the
    mark); an updated answer's old value is copied to import_answer_change. Returns (new,
    updated, unchanged) answers.
    """
    cur.execute(
        """INSERT INTO import_answer_change
           SELECT ?, unit_id, period, respondent, item_id, old_score, old_scale_max,
                  old_comment, old_import_id
           FROM changes WHERE status = 'updated'""",
        [import_id],
    )
    cur.execute(
        """INSERT INTO import_checkin_created
           SELECT ?, unit_id, period, respondent FROM (
               SELECT DISTINCT unit_id, period, respondent FROM changes WHERE status = 'new'
               UNION SELECT unit_id, period, respondent FROM role_changes
               UNION SELECT unit_id, period, respondent FROM reflection_changes
           ) k
           WHERE NOT EXISTS (SELECT 1 FROM checkin c WHERE c.unit_id = k.unit_id
                             AND c.period = k.period AND c.respondent = k.respondent)""",
        [import_id],
    )
    cur.execute(
        """INSERT INTO checkin (unit_id, period, respondent, framework_version)
           SELECT unit_id, period, respondent, ? FROM import_checkin_created
           WHERE import_id = ?
           ON CONFLICT DO NOTHING""",
        [framework_version, import_id],
    )
    cur.execute(
        """INSERT INTO answer
               (unit_id, period, respondent, item_id, score, scale_max, comment, import_id)
           SELECT unit_id, period, respondent, item_id, new_score, new_scale_max, new_comment, ?
           FROM changes WHERE status = 'new'""",
        [import_id],
    )
    cur.execute(
        """UPDATE answer SET score = c.new_score, scale_max = c.new_scale_max,
                             comment = c.new_comment, import_id = ?
           FROM changes c
           WHERE c.status = 'updated' AND answer.unit_id = c.unit_id
             AND answer.period = c.period AND answer.respondent = c.respondent
             AND answer.item_id = c.item_id""",
        [import_id],
    )
    _write_roles_and_reflections(cur, import_id)
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE affected AS
           SELECT DISTINCT unit_id, period FROM changes WHERE status <> 'unchanged'"""
    )
    refresh_rollup(cur)
    counts = cur.execute(
        """SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged') FROM changes"""
    ).fetchone()
    return int(counts[0]), int(counts[1]), int(counts[2])


def refresh_rollup(cur: Cursor) -> None:
    """Recompute the dashboards' answer_rollup for the (unit, period) pairs in TEMP affected."""
    cur.execute(
        """DELETE FROM answer_rollup USING affected a
           WHERE answer_rollup.unit_id = a.unit_id AND answer_rollup.period = a.period"""
    )
    cur.execute(
        """INSERT INTO answer_rollup
           SELECT x.unit_id, x.period, x.item_id, count(x.score), sum(x.score)
           FROM answer x JOIN affected USING (unit_id, period)
           WHERE x.score IS NOT NULL
           GROUP BY x.unit_id, x.period, x.item_id"""
    )


def _write_roles_and_reflections(cur: Cursor, import_id: int) -> None:
    cur.execute(
        "INSERT INTO import_role_change SELECT ?, unit_id, period, respondent, kind, old_roles, "
        "new_roles FROM role_changes",
        [import_id],
    )
    cur.execute(
        """DELETE FROM role_pick USING role_changes c
           WHERE role_pick.unit_id = c.unit_id AND role_pick.period = c.period
             AND role_pick.respondent = c.respondent AND role_pick.kind = c.kind"""
    )
    cur.execute(
        """INSERT INTO role_pick
           SELECT unit_id, period, respondent, kind, unnest(new_roles) FROM role_changes"""
    )
    cur.execute(
        "INSERT INTO import_reflection_change SELECT ?, unit_id, period, respondent, "
        "question_id, old_answer, new_answer FROM reflection_changes",
        [import_id],
    )
    cur.execute(
        """INSERT INTO reflection (unit_id, period, respondent, question_id, answer)
           SELECT unit_id, period, respondent, question_id, new_answer FROM reflection_changes
           ON CONFLICT (unit_id, period, respondent, question_id)
           DO UPDATE SET answer = excluded.answer"""
    )


def finish_import(cur: Cursor, import_id: int, counts: dict[str, int]) -> None:
    cur.execute(
        """UPDATE import_log SET answers_new = ?, answers_updated = ?, answers_unchanged = ?,
                  units_new = ?, units_updated = ?, other_changes = ?
           WHERE import_id = ?""",
        [
            counts.get("new", 0),
            counts.get("updated", 0),
            counts.get("unchanged", 0),
            counts.get("units_new", 0),
            counts.get("units_updated", 0),
            counts.get("other", 0),
            import_id,
        ],
    )
