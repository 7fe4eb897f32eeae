"""SQL for check-in drafts (one per person, unit and quarter). Values are always bound."""

from __future__ import annotations

from datetime import datetime

import duckdb

Cursor = duckdb.DuckDBPyConnection


def save(cur: Cursor, respondent: str, unit_id: str, period: str, content: str) -> None:
    cur.execute(
        """INSERT INTO checkin_draft (respondent, unit_id, period, content, saved_at)
           VALUES (?, ?, ?, ?, current_timestamp)
           ON CONFLICT (respondent, unit_id, period)
           DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at""",
        [respondent, unit_id, period, content],
    )


def load(cur: Cursor, respondent: str, unit_id: str, period: str) -> tuple[str, datetime] | None:
    row = cur.execute(
        """SELECT content, saved_at FROM checkin_draft
           WHERE respondent = ? AND unit_id = ? AND period = ?""",
        [respondent, unit_id, period],
    ).fetchone()
    return (row[0], row[1]) if row else None


def delete(cur: Cursor, respondent: str, unit_id: str, period: str) -> int:
    return int(
        cur.execute(
            "DELETE FROM checkin_draft WHERE respondent = ? AND unit_id = ? AND period = ?",
            [respondent, unit_id, period],
        ).fetchone()[0]
    )
