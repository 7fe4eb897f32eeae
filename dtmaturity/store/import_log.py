"""The import log and undo: put back what an import replaced, keeping newer work."""

from __future__ import annotations

import duckdb

from dtmaturity.store import plans
from dtmaturity.store.import_writes import refresh_rollup

Cursor = duckdb.DuckDBPyConnection


def import_log(cur: Cursor, limit: int = 200) -> list[tuple]:
    return cur.execute(
        """SELECT import_id, imported_at, file_name, format, dialect, answers_new,
                  answers_updated, answers_unchanged, rows_rejected, units_new, units_updated,
                  actor, sha256, undone_at, undone_by, other_changes, rows_total
           FROM import_log ORDER BY import_id DESC LIMIT ?""",
        [limit],
    ).fetchall()


def import_status(cur: Cursor, import_id: int) -> tuple | None:
    return cur.execute(
        "SELECT import_id, undone_at, actor FROM import_log WHERE import_id = ?", [import_id]
    ).fetchone()


def quarters(cur: Cursor, import_id: int) -> list[tuple[str, str]]:
    """(unit_id, period) of every check-in whose answers, roles or reflections the import
    wrote: what undoing it would change."""
    return cur.execute(
        """SELECT unit_id, period FROM answer WHERE import_id = $id
           UNION SELECT unit_id, period FROM import_answer_change WHERE import_id = $id
           UNION SELECT unit_id, period FROM import_checkin_created WHERE import_id = $id
           UNION SELECT unit_id, period FROM import_role_change WHERE import_id = $id
           UNION SELECT unit_id, period FROM import_reflection_change WHERE import_id = $id
           ORDER BY 1, 2""",
        {"id": import_id},
    ).fetchall()


def undo_import(cur: Cursor, import_id: int, actor: str) -> dict[str, int]:
    """Put back what the import replaced, for every value nobody has changed since.

    A value changed after the import (a later check-in or import of the same key) is kept, and
    counted as `kept`, so undo never destroys newer work.
    """
    restored = _undo_answers(cur, import_id)
    for key, value in plans.undo_action_import(cur, import_id).items():
        restored[key] += value
    kept = restored.pop("kept")
    kept += _undo_roles_and_reflections(cur, import_id)
    cur.execute(
        """DELETE FROM checkin USING import_checkin_created x
           WHERE x.import_id = ? AND checkin.unit_id = x.unit_id AND checkin.period = x.period
             AND checkin.respondent = x.respondent
             AND NOT EXISTS (SELECT 1 FROM answer a WHERE a.unit_id = x.unit_id
                             AND a.period = x.period AND a.respondent = x.respondent)
             AND NOT EXISTS (SELECT 1 FROM role_pick a WHERE a.unit_id = x.unit_id
                             AND a.period = x.period AND a.respondent = x.respondent)
             AND NOT EXISTS (SELECT 1 FROM reflection a WHERE a.unit_id = x.unit_id
                             AND a.period = x.period AND a.respondent = x.respondent)""",
        [import_id],
    )
    units = _undo_units(cur, import_id)
    cur.execute(
        "UPDATE import_log SET undone_at = now(), undone_by = ? WHERE import_id = ?",
        [actor, import_id],
    )
    return {**restored, "kept": kept, **units}


def _undo_answers(cur: Cursor, import_id: int) -> dict[str, int]:
    """Answers still carrying this import's mark go back to what they were before it."""
    marked = cur.execute("SELECT count(*) FROM answer WHERE import_id = ?", [import_id]).fetchone()
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE affected AS
           SELECT DISTINCT unit_id, period FROM answer WHERE import_id = ?""",
        [import_id],
    )
    restored = cur.execute(
        """UPDATE answer SET score = x.old_score, scale_max = x.old_scale_max,
                             comment = x.old_comment, import_id = x.old_import_id
           FROM import_answer_change x
           WHERE x.import_id = ? AND answer.import_id = x.import_id
             AND answer.unit_id = x.unit_id AND answer.period = x.period
             AND answer.respondent = x.respondent AND answer.item_id = x.item_id""",
        [import_id],
    ).fetchone()[0]
    removed = cur.execute("DELETE FROM answer WHERE import_id = ?", [import_id]).fetchone()[0]
    changed = cur.execute(
        "SELECT count(*) FROM import_answer_change WHERE import_id = ?", [import_id]
    ).fetchone()[0]
    new_total = cur.execute(
        # An actions import counts new actions there, not answers.
        "SELECT CASE WHEN format = 'actions' THEN 0 ELSE answers_new END FROM import_log "
        "WHERE import_id = ?",
        [import_id],
    ).fetchone()[0]
    kept = (changed + new_total) - int(marked[0])
    refresh_rollup(cur)
    return {"removed": int(removed), "restored": int(restored), "kept": max(kept, 0)}


def _undo_roles_and_reflections(cur: Cursor, import_id: int) -> int:
    kept = 0
    changes = cur.execute(
        """SELECT x.unit_id, x.period, x.respondent, x.kind, x.old_roles, x.new_roles,
                  (SELECT array_agg(role_id ORDER BY role_id) FROM role_pick p WHERE p.unit_id = x.unit_id
                   AND p.period = x.period AND p.respondent = x.respondent AND p.kind = x.kind)
           FROM import_role_change x WHERE x.import_id = ?""",
        [import_id],
    ).fetchall()
    for unit_id, period, respondent, kind, old_roles, new_roles, current in changes:
        if (current or []) != (new_roles or []):
            kept += 1
            continue
        key = [unit_id, period, respondent, kind]
        cur.execute(
            "DELETE FROM role_pick WHERE unit_id = ? AND period = ? AND respondent = ? AND kind = ?",
            key,
        )
        for role_id in old_roles or []:
            cur.execute("INSERT INTO role_pick VALUES (?, ?, ?, ?, ?)", [*key, role_id])
    touched = cur.execute(
        """SELECT count(*) FROM import_reflection_change x
           JOIN reflection f USING (unit_id, period, respondent, question_id)
           WHERE x.import_id = ? AND f.answer IS DISTINCT FROM x.new_answer""",
        [import_id],
    ).fetchone()[0]
    cur.execute(
        """DELETE FROM reflection USING import_reflection_change x
           WHERE x.import_id = ? AND x.old_answer IS NULL AND reflection.answer = x.new_answer
             AND reflection.unit_id = x.unit_id AND reflection.period = x.period
             AND reflection.respondent = x.respondent AND reflection.question_id = x.question_id""",
        [import_id],
    )
    cur.execute(
        """UPDATE reflection SET answer = x.old_answer FROM import_reflection_change x
           WHERE x.import_id = ? AND x.old_answer IS NOT NULL AND reflection.answer = x.new_answer
             AND reflection.unit_id = x.unit_id AND reflection.period = x.period
             AND reflection.respondent = x.respondent AND reflection.question_id = x.question_id""",
        [import_id],
    )
    return kept + int(touched)


def _undo_units(cur: Cursor, import_id: int) -> dict[str, int]:
    """Restore renamed or moved units and remove new ones nobody has used since; how many
    units were restored, removed and kept (in use, or changed since)."""
    restored = cur.execute(
        """UPDATE unit SET name = x.old_name, parent_id = x.old_parent_id
           FROM import_unit_change x
           WHERE x.import_id = ? AND x.existed AND unit.unit_id = x.unit_id
             AND unit.name = x.new_name AND unit.parent_id IS NOT DISTINCT FROM x.new_parent_id""",
        [import_id],
    ).fetchone()[0]
    # New units go deepest first, so a parent is removed only after its new children.
    removed_total = 0
    for _ in range(50):
        removed = cur.execute(
            """DELETE FROM unit USING import_unit_change x
               WHERE x.import_id = ? AND NOT x.existed AND unit.unit_id = x.unit_id
                 AND unit.name = x.new_name
                 AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.unit_id = unit.unit_id)
                 AND NOT EXISTS (SELECT 1 FROM unit k WHERE k.parent_id = unit.unit_id)""",
            [import_id],
        ).fetchone()[0]
        removed_total += int(removed)
        if not removed:
            break
    kept = cur.execute(
        """SELECT count(*) FROM import_unit_change x JOIN unit u USING (unit_id)
           WHERE x.import_id = ? AND (NOT x.existed OR u.name IS DISTINCT FROM x.old_name
                 OR u.parent_id IS DISTINCT FROM x.old_parent_id)""",
        [import_id],
    ).fetchone()[0]
    return {
        "units_restored": int(restored),
        "units_removed": removed_total,
        "units_kept": int(kept),
    }
