"""SQL for units files (the org tree): load, check, preview and write.

Answer files are staged, checked and written by import_staging, import_checks and import_writes;
the import log, undo and saved header mappings live in import_log and header_mappings.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dtmaturity.store.import_staging import DATA, ROW, _cell, _not_empty_row

Cursor = duckdb.DuckDBPyConnection


def load_unit_rows(cur: Cursor, keys: dict[str, int], used_columns: Sequence[int]) -> None:
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE unit_rows AS
            SELECT {ROW} AS row, {_cell(keys.get("unit"))} AS unit_id,
                   {_cell(keys.get("name"))} AS name, {_cell(keys.get("parent"))} AS parent_id
            FROM stage WHERE {DATA} AND {_not_empty_row(used_columns)}"""  # noqa: S608
    )


def unit_rows(cur: Cursor) -> list[tuple[int, str | None, str | None, str | None]]:
    return cur.execute(
        "SELECT row, unit_id, name, parent_id FROM unit_rows ORDER BY row"
    ).fetchall()


def existing_parents(cur: Cursor) -> dict[str, str | None]:
    return dict(cur.execute("SELECT unit_id, parent_id FROM unit").fetchall())


def unit_problems(cur: Cursor) -> list[tuple]:
    """Missing id or name, the same unit twice, a parent that exists nowhere."""
    return cur.execute(
        """SELECT row, 'unit', NULL, 'import_missing_unit', NULL, NULL FROM unit_rows
           WHERE unit_id IS NULL
           UNION ALL SELECT row, 'name', NULL, 'import_missing_name', NULL, NULL FROM unit_rows
           WHERE name IS NULL
           UNION ALL SELECT row, 'unit', unit_id, 'import_duplicate_unit', first_row::VARCHAR, NULL
           FROM (SELECT row, unit_id, min(row) OVER (PARTITION BY unit_id) AS first_row
                 FROM unit_rows WHERE unit_id IS NOT NULL) WHERE row <> first_row
           UNION ALL SELECT row, 'parent', parent_id, 'import_unknown_parent', NULL, NULL
           FROM unit_rows r WHERE parent_id IS NOT NULL
             AND parent_id NOT IN (SELECT unit_id FROM unit_rows WHERE unit_id IS NOT NULL)
             AND parent_id NOT IN (SELECT unit_id FROM unit)
           ORDER BY 1"""
    ).fetchall()


def select_valid_units(
    cur: Cursor, bad_rows: Sequence[int]
) -> list[tuple[str, str, int, int, int]]:
    """TEMP unit_changes; returns the preview row ('units', '', new, updated, unchanged)."""
    cur.execute("CREATE OR REPLACE TEMP TABLE bad_rows (row BIGINT)")
    if bad_rows:
        cur.execute("INSERT INTO bad_rows SELECT unnest(?::BIGINT[])", [list(bad_rows)])
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE unit_changes AS
           SELECT r.unit_id, u.unit_id IS NOT NULL AS existed, u.name AS old_name,
                  u.parent_id AS old_parent_id, r.name AS new_name, r.parent_id AS new_parent_id,
                  CASE WHEN u.unit_id IS NULL THEN 'new'
                       WHEN u.name = r.name AND u.parent_id IS NOT DISTINCT FROM r.parent_id
                       THEN 'unchanged' ELSE 'updated' END AS status
           FROM unit_rows r LEFT JOIN unit u USING (unit_id)
           WHERE r.row NOT IN (SELECT row FROM bad_rows)"""
    )
    row = cur.execute(
        """SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged') FROM unit_changes"""
    ).fetchone()
    return [("", "", int(row[0]), int(row[1]), int(row[2]))]


def write_units(cur: Cursor, import_id: int) -> tuple[int, int, int]:
    cur.execute(
        """INSERT INTO import_unit_change SELECT ?, unit_id, existed, old_name, old_parent_id,
                  new_name, new_parent_id FROM unit_changes WHERE status <> 'unchanged'""",
        [import_id],
    )
    cur.execute(
        """INSERT INTO unit (unit_id, name, parent_id)
           SELECT unit_id, new_name, new_parent_id FROM unit_changes WHERE status = 'new'"""
    )
    cur.execute(
        """UPDATE unit SET name = c.new_name, parent_id = c.new_parent_id FROM unit_changes c
           WHERE c.status = 'updated' AND unit.unit_id = c.unit_id"""
    )
    row = cur.execute(
        """SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged') FROM unit_changes"""
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def unit_moves_back(cur: Cursor, import_id: int) -> list[tuple[str, str | None]]:
    """(unit, parent it would go back to) for each unit that undoing the import would move."""
    return cur.execute(
        """SELECT x.unit_id, x.old_parent_id FROM import_unit_change x JOIN unit u USING (unit_id)
           WHERE x.import_id = ? AND x.existed AND u.name = x.new_name
             AND u.parent_id IS NOT DISTINCT FROM x.new_parent_id
             AND x.old_parent_id IS DISTINCT FROM x.new_parent_id""",
        [import_id],
    ).fetchall()
