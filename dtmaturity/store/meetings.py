"""SQL for leader-group meetings: the meeting per unit and quarter, the group's notes per step,
the actions it agreed, and the summary kept when it closed."""

from __future__ import annotations

import duckdb
import pandas as pd

Cursor = duckdb.DuckDBPyConnection

MEETING_COLUMNS = "meeting_id, unit_id, period, opened_by, opened_at, closed_by, closed_at, summary"


def insert_meeting(cur: Cursor, unit_id: str, period: str, actor: str) -> int:
    row = cur.execute(
        """INSERT INTO meeting (unit_id, period, opened_by) VALUES (?, ?, ?)
           RETURNING meeting_id""",
        [unit_id, period, actor],
    ).fetchone()
    return int(row[0])


def meeting(cur: Cursor, meeting_id: int) -> tuple | None:
    """(meeting_id, unit_id, period, opened_by, opened_at, closed_by, closed_at, summary)."""
    return cur.execute(
        f"SELECT {MEETING_COLUMNS} FROM meeting WHERE meeting_id = ?",  # noqa: S608
        [meeting_id],
    ).fetchone()


def open_meeting(cur: Cursor, unit_id: str, period: str) -> tuple | None:
    """The unit's meeting of this quarter that is not closed yet, the latest one."""
    return cur.execute(
        f"""SELECT {MEETING_COLUMNS} FROM meeting
            WHERE unit_id = ? AND period = ? AND closed_at IS NULL
            ORDER BY meeting_id DESC LIMIT 1""",  # noqa: S608
        [unit_id, period],
    ).fetchone()


def previous_closed(cur: Cursor, unit_id: str, period: str) -> tuple | None:
    """The unit's last closed meeting of a quarter before `period`."""
    return cur.execute(
        f"""SELECT {MEETING_COLUMNS} FROM meeting
            WHERE unit_id = ? AND period < ? AND closed_at IS NOT NULL
            ORDER BY period DESC, closed_at DESC LIMIT 1""",  # noqa: S608
        [unit_id, period],
    ).fetchone()


def closed_meetings(cur: Cursor, unit_id: str) -> pd.DataFrame:
    """The unit's closed meetings, newest first: meeting_id, period, closed_at, closed_by."""
    return cur.execute(
        """SELECT meeting_id, period, closed_at, closed_by FROM meeting
           WHERE unit_id = ? AND closed_at IS NOT NULL
           ORDER BY period DESC, closed_at DESC""",
        [unit_id],
    ).df()


def insert_note(cur: Cursor, meeting_id: int, step: str, note: str, actor: str) -> int:
    row = cur.execute(
        """INSERT INTO meeting_note (meeting_id, step, note, written_by) VALUES (?, ?, ?, ?)
           RETURNING note_id""",
        [meeting_id, step, note, actor],
    ).fetchone()
    return int(row[0])


def notes(cur: Cursor, meeting_id: int) -> pd.DataFrame:
    """note_id, step, note, written_by, written_at in the order written."""
    return cur.execute(
        """SELECT note_id, step, note, written_by, written_at FROM meeting_note
           WHERE meeting_id = ? ORDER BY note_id""",
        [meeting_id],
    ).df()


def link_action(cur: Cursor, meeting_id: int, action_id: int, step: str) -> None:
    cur.execute(
        "INSERT INTO meeting_action (meeting_id, action_id, step) VALUES (?, ?, ?)",
        [meeting_id, action_id, step],
    )


def action_links(cur: Cursor, meeting_id: int) -> pd.DataFrame:
    """action_id, step of the actions the meeting agreed, in the order agreed."""
    return cur.execute(
        "SELECT action_id, step FROM meeting_action WHERE meeting_id = ? ORDER BY action_id",
        [meeting_id],
    ).df()


def close(cur: Cursor, meeting_id: int, actor: str, summary: str) -> None:
    cur.execute(
        """UPDATE meeting SET closed_by = ?, closed_at = current_timestamp, summary = ?
           WHERE meeting_id = ? AND closed_at IS NULL""",
        [actor, summary, meeting_id],
    )


# --- one person's data (called by store/people.py) ------------------------------------------
