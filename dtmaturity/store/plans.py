"""SQL for targets and actions. Values are always bound parameters.

Target figures are aggregated here (one row per unit row, target period and item), in the same
family shape as the dashboards' answer cells, so the same privacy rule applies to them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import duckdb

from dtmaturity.domain.plan import ActionDraft
from dtmaturity.store.querying import FAMILY, Query, compose

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection
ALL_PERIODS = "9999-Q4"  # as_of that includes every target ever set

# --- targets ---------------------------------------------------------------------------------


def save_targets(
    cur: Cursor,
    key: tuple[str, str, str],
    target_period: str | None,
    rows: list[tuple[str, int, int]],
) -> None:
    """Replace one check-in's targets: (item_id, score, scale_max) for `target_period`.
    Runs inside the check-in's transaction."""
    cur.execute("DELETE FROM target WHERE unit_id = ? AND period = ? AND respondent = ?", list(key))
    if rows and target_period:
        cur.executemany(
            """INSERT INTO target
               (unit_id, period, respondent, item_id, target_period, score, scale_max)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(*key, item, target_period, score, scale_max) for item, score, scale_max in rows],
        )


def load_targets(cur: Cursor, key: tuple[str, str, str]) -> tuple[str | None, dict[str, int]]:
    """One check-in's target period and target per item."""
    rows = cur.execute(
        """SELECT item_id, target_period, score FROM target
           WHERE unit_id = ? AND period = ? AND respondent = ? ORDER BY item_id""",
        list(key),
    ).fetchall()
    period = rows[0][1] if rows else None
    return period, {item: int(score) for item, _, score in rows}


# The latest target each leader set for a unit, item and target period (a later check-in's
# target for the same quarter replaces an earlier one), counted per family row.
TARGET_CELLS_SQL = compose(
    FAMILY,
    """
, latest AS (
    SELECT DISTINCT ON (unit_id, respondent, item_id, target_period)
           unit_id, respondent, item_id, target_period, score
    FROM target
    WHERE period <= $as_of
    ORDER BY unit_id, respondent, item_id, target_period, period DESC
)
SELECT m.row_id, l.target_period AS period, l.item_id,
       count(*)::BIGINT AS n, sum(l.score)::BIGINT AS total,
       count(*) FILTER (WHERE l.respondent = $me)::BIGINT AS n_own
FROM latest l JOIN members m USING (unit_id)
GROUP BY m.row_id, l.target_period, l.item_id
""",
)


def target_cells(parent_id: str, me: str, as_of: str = ALL_PERIODS) -> Query:
    """n, sum and the actor's own n of the targets per (row, target period, item) for the
    children of `parent_id` (each with its subtree) and the targets set at the parent itself.
    Only targets set in check-ins up to `as_of` count."""
    return Query("target_cells", TARGET_CELLS_SQL, {"parent": parent_id, "me": me, "as_of": as_of})


# --- actions ---------------------------------------------------------------------------------

ACTION_COLUMNS = (
    "action_id",
    "unit_id",
    "items",
    "description",
    "owner",
    "due_period",
    "status",
    "closed_period",
    "created_period",
    "source_question",
)


def unit_members(cur: Cursor, unit_id: str) -> list[str]:
    """The people registered to the unit (person ids), sorted."""
    rows = cur.execute(
        "SELECT person_id FROM unit_member WHERE unit_id = ? ORDER BY person_id", [unit_id]
    ).fetchall()
    return [r[0] for r in rows]


def members_of_units(cur: Cursor, unit_ids: list[str]) -> set[tuple[str, str]]:
    rows = cur.execute(
        "SELECT unit_id, person_id FROM unit_member WHERE unit_id = ANY(?)",
        [list(unit_ids)],
    ).fetchall()
    return {(u, p) for u, p in rows}


def insert_action(
    cur: Cursor, draft: ActionDraft, *, closed_period: str | None, created_period: str, actor: str
) -> int:
    """Store a new action as the draft describes it (a form, a file, the demo); its id."""
    row = cur.execute(
        """INSERT INTO action (unit_id, description, owner, due_period, status, closed_period,
                               created_period, source_question, created_by, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING action_id""",
        [
            draft.unit_id,
            draft.description,
            draft.owner,
            draft.due_period,
            draft.status,
            closed_period,
            created_period,
            draft.source_question,
            actor,
            actor,
        ],
    ).fetchone()
    action_id = int(row[0])
    _set_items(cur, action_id, draft.items)
    return action_id


def _set_items(cur: Cursor, action_id: int, items: Iterable[str]) -> None:
    cur.execute("DELETE FROM action_item WHERE action_id = ?", [action_id])
    cur.executemany(
        "INSERT INTO action_item VALUES (?, ?)",
        [(action_id, item) for item in dict.fromkeys(items)],
    )


def update_action(
    cur: Cursor, action_id: int, draft: ActionDraft, *, closed_period: str | None, actor: str
) -> None:
    """Give an action what the draft says (its unit and source question stay as they were)."""
    cur.execute(
        """UPDATE action SET description = ?, owner = ?, due_period = ?, status = ?,
                  closed_period = ?, updated_by = ?, updated_at = now()
           WHERE action_id = ?""",
        [
            draft.description,
            draft.owner,
            draft.due_period,
            draft.status,
            closed_period,
            actor,
            action_id,
        ],
    )
    _set_items(cur, action_id, draft.items)


def set_status(
    cur: Cursor, action_id: int, *, status: str, closed_period: str | None, actor: str
) -> None:
    cur.execute(
        """UPDATE action SET status = ?, closed_period = ?, updated_by = ?, updated_at = now()
           WHERE action_id = ?""",
        [status, closed_period, actor, action_id],
    )


_ACTIONS_SQL = """
SELECT a.action_id, a.unit_id,
       coalesce(string_agg(i.item_id, '|' ORDER BY i.item_id), '') AS items,
       a.description, a.owner, a.due_period, a.status, a.closed_period, a.created_period,
       a.source_question
FROM action a LEFT JOIN action_item i USING (action_id)
WHERE ($unit = '' OR a.unit_id = $unit)
  AND ($open_only = false OR a.status IN ('planned', 'in_progress'))
GROUP BY a.action_id, a.unit_id, a.description, a.owner, a.due_period, a.status,
         a.closed_period, a.created_period, a.source_question
ORDER BY a.unit_id, a.due_period, a.action_id
"""


def actions(cur: Cursor, unit_id: str = "", *, open_only: bool = False) -> pd.DataFrame:
    """Actions of one unit (or every unit with ""), items joined by '|'."""
    return cur.execute(_ACTIONS_SQL, {"unit": unit_id, "open_only": open_only}).df()


def action_states(cur: Cursor, action_ids: list[int]) -> dict[int, tuple[str, str, str | None]]:
    """(unit_id, status, closed_period) of the given actions that exist."""
    rows = cur.execute(
        "SELECT action_id, unit_id, status, closed_period FROM action WHERE action_id = ANY(?)",
        [list(action_ids)],
    ).fetchall()
    return {int(a): (u, s, c) for a, u, s, c in rows}


def action_by_description(cur: Cursor, unit_id: str, description: str) -> int | None:
    """The oldest action of the unit with exactly this description (import matches on it)."""
    row = cur.execute(
        "SELECT min(action_id) FROM action WHERE unit_id = ? AND description = ?",
        [unit_id, description],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


# --- undo of actions imports -----------------------------------------------------------------


def snapshot(cur: Cursor, action_id: int) -> str | None:
    """The action's state as JSON (what an import may change), or None when it is gone."""
    row = cur.execute(
        """SELECT description, owner, due_period, status, closed_period
           FROM action WHERE action_id = ?""",
        [action_id],
    ).fetchone()
    if not row:
        return None
    items = cur.execute(
        "SELECT item_id FROM action_item WHERE action_id = ? ORDER BY item_id", [action_id]
    ).fetchall()
    names = ("description", "owner", "due_period", "status", "closed_period")
    state = {**dict(zip(names, row, strict=True)), "items": [i for (i,) in items]}
    # As DuckDB's to_json wrote it before: compact, UTF-8 as it is.
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def record_import_change(
    cur: Cursor, import_id: int, action_id: int, before: str | None, after: str
) -> None:
    cur.execute(
        "INSERT INTO import_action_change VALUES (?, ?, ?, ?)",
        [import_id, action_id, before, after],
    )


def undo_action_import(cur: Cursor, import_id: int) -> dict[str, int]:
    """Put back each action as it was before the import, unless changed since (kept)."""
    import json

    counts = {"removed": 0, "restored": 0, "kept": 0}
    changes = cur.execute(
        "SELECT action_id, before, after FROM import_action_change WHERE import_id = ?",
        [import_id],
    ).fetchall()
    for action_id, before, after in changes:
        if snapshot(cur, action_id) != after:
            counts["kept"] += 1
        elif before is None:
            cur.execute("DELETE FROM action_item WHERE action_id = ?", [action_id])
            cur.execute("DELETE FROM action WHERE action_id = ?", [action_id])
            counts["removed"] += 1
        else:
            old = json.loads(before)
            cur.execute(
                """UPDATE action SET description = ?, owner = ?, due_period = ?, status = ?,
                          closed_period = ? WHERE action_id = ?""",
                [old["description"], old["owner"], old["due_period"], old["status"],
                 old["closed_period"], action_id],
            )  # fmt: skip
            _set_items(cur, action_id, old["items"])
            counts["restored"] += 1
    return counts
