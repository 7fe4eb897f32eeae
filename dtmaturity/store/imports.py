"""SQL for CSV imports: staging with read_csv, validation as SQL, preview, upsert, undo, log.

The file is read by DuckDB into a temporary staging table of text columns c0..cN, whose rowid
is the record's position, so `rowid + 1` is the row a spreadsheet shows (header = row 1).
Column names c0..cN are generated here from integers, never from file content; every value
from the file or the user is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

Cursor = duckdb.DuckDBPyConnection


# Temporary tables number their rows from an offset, so positions are taken relative to the
# first row (the header): ROW is the row a spreadsheet shows, DATA excludes the header.
ROW = "(rowid - (SELECT min(rowid) FROM stage) + 1)"
DATA = "rowid > (SELECT min(rowid) FROM stage)"


def _col(index: int) -> str:
    return f"c{int(index)}"


def stage(cur: Cursor, path: str, delimiter: str, columns: int) -> int:
    """Read the whole file into TEMP TABLE stage; returns the number of data rows.

    The fast path reads in parallel with a fixed column count. A file with short rows (a
    spreadsheet that drops trailing empty cells) is read again with null padding, which DuckDB
    supports only single-threaded when quoted fields span lines.
    """
    names = {_col(i): "VARCHAR" for i in range(columns)}
    options = (
        "delim = ?, header = false, columns = ?, quote = '\"', escape = '\"', auto_detect = false"
    )
    try:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_csv(?, {options})",  # noqa: S608 (constant options)
            [path, delimiter, names],
        )
    except duckdb.Error:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_csv(?, {options}, "  # noqa: S608
            "null_padding = true, parallel = false)",
            [path, delimiter, names],
        )
    return int(cur.execute("SELECT count(*) - 1 FROM stage").fetchone()[0])


def _cell(index: int | None) -> str:
    """A trimmed cell, NULL when empty; NULL when the column is absent."""
    return f"nullif(trim({_col(index)}), '')" if index is not None else "NULL"


def _raw(index: int | None) -> str:
    """A cell exactly as written (free text keeps its spaces), NULL when empty."""
    return f"nullif({_col(index)}, '')" if index is not None else "NULL"


def _not_empty_row(columns: Iterable[int]) -> str:
    parts = [f"{_cell(i)} IS NOT NULL" for i in columns]
    return "(" + " OR ".join(parts or ["false"]) + ")"


def load_answer_rows(
    cur: Cursor,
    *,
    keys: dict[str, int],
    used_columns: Sequence[int],
    long_item: tuple[int, int, int | None] | None,
    wide_items: Sequence[tuple[str, int, int | None, str, str | None]],
) -> None:
    """Split the staging table into TEMP rows (one per data row) and cells (one per answer).

    long_item: (item column, score column, comment column) of a long file.
    wide_items: (item id, score column, comment column, score header, comment header).
    """
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE rows AS
            SELECT {ROW} AS row, {_cell(keys.get("unit"))} AS unit_raw,
                   {_cell(keys.get("period"))} AS period_raw,
                   {_cell(keys.get("respondent"))} AS respondent
            FROM stage WHERE {DATA} AND {_not_empty_row(used_columns)}"""  # noqa: S608 (generated column names)
    )
    selects, params = [], []
    if long_item is not None:
        item, score, comment = long_item
        selects.append(
            f"""SELECT {ROW} AS row, {_cell(item)} AS item_raw, {_cell(score)} AS score_raw,
                       {_raw(comment)} AS comment, NULL AS score_col, NULL AS comment_col
                FROM stage WHERE {DATA} AND {_not_empty_row(used_columns)}"""  # noqa: S608
        )
    for item_id, score, comment, score_header, comment_header in wide_items:
        selects.append(
            f"""SELECT {ROW} AS row, ? AS item_raw, {_cell(score)} AS score_raw,
                       {_raw(comment)} AS comment, ? AS score_col, ? AS comment_col
                FROM stage
                WHERE {DATA} AND ({_cell(score)} IS NOT NULL OR {_raw(comment)} IS NOT NULL)"""  # noqa: S608
        )
        params += [item_id, score_header, comment_header]
    body = " UNION ALL ".join(selects) or (
        "SELECT NULL::BIGINT AS row, NULL AS item_raw, NULL AS score_raw, NULL AS comment, "
        "NULL AS score_col, NULL AS comment_col WHERE false"
    )
    cur.execute(f"CREATE OR REPLACE TEMP TABLE cells AS {body}", params)  # noqa: S608


def load_extra_cells(
    cur: Cursor,
    roles: Sequence[tuple[int, str, str]],
    reflections: Sequence[tuple[int, str, str]],
) -> None:
    """TEMP role_cells(row, kind, raw, col) and reflection_cells(row, question_id, text, col)."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE role_cells (row BIGINT, kind VARCHAR, raw VARCHAR, col VARCHAR)"
    )
    for column, kind, header in roles:
        cur.execute(
            f"""INSERT INTO role_cells SELECT {ROW}, ?, {_cell(column)}, ? FROM stage
                WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [kind, header],
        )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE reflection_cells "
        "(row BIGINT, question_id VARCHAR, text VARCHAR, col VARCHAR)"
    )
    for column, question_id, header in reflections:
        cur.execute(
            f"""INSERT INTO reflection_cells SELECT {ROW}, ?, {_raw(column)}, ? FROM stage
                WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [question_id, header],
        )


def distinct_values(cur: Cursor, table: str, column: str) -> list[str]:
    """Distinct non-empty values of a staging column (periods, scores: a handful each)."""
    allowed = {("rows", "period_raw"), ("cells", "score_raw"), ("role_cells", "raw")}
    if (table, column) not in allowed:
        raise ValueError(f"not a staging column: {table}.{column}")
    sql = f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608 (allow-list)
    return [r[0] for r in cur.execute(sql).fetchall()]


def load_lookups(
    cur: Cursor,
    *,
    items: Sequence[tuple[str, str, int, int, str]],
    periods: Sequence[tuple[str, str | None]],
    scores: Sequence[tuple[str, str, float | None]],
    roles: Sequence[tuple[str, str]],
) -> None:
    """Small lookup tables: item names (key, item_id, min, max, scale), parsed periods and
    scores (raw → value per scale), role names (key, role_id), and units by id or unique name."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE item_lookup "
        "(key VARCHAR, item_id VARCHAR, scale_min INTEGER, scale_max INTEGER, scale_id VARCHAR)"
    )
    cur.executemany("INSERT INTO item_lookup VALUES (?, ?, ?, ?, ?)", list(items))
    cur.execute("CREATE OR REPLACE TEMP TABLE period_lookup (raw VARCHAR, period VARCHAR)")
    if periods:
        cur.executemany("INSERT INTO period_lookup VALUES (?, ?)", list(periods))
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE score_lookup (raw VARCHAR, scale_id VARCHAR, value DOUBLE)"
    )
    if scores:
        cur.executemany("INSERT INTO score_lookup VALUES (?, ?, ?)", list(scores))
    cur.execute("CREATE OR REPLACE TEMP TABLE role_lookup (key VARCHAR, role_id VARCHAR)")
    cur.executemany("INSERT INTO role_lookup VALUES (?, ?)", list(roles))
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE unit_lookup AS
           SELECT lower(unit_id) AS key, unit_id FROM unit
           UNION ALL
           SELECT lower(name), min(unit_id) FROM unit
           WHERE lower(name) NOT IN (SELECT lower(unit_id) FROM unit)
           GROUP BY lower(name) HAVING count(*) = 1"""
    )


def resolve_answers(cur: Cursor) -> None:
    """TEMP resolved_rows and resolved_cells: raw text joined to ids, periods and scores."""
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE resolved_rows AS
           SELECT r.*, u.unit_id, p.period
           FROM rows r
           LEFT JOIN unit_lookup u ON u.key = lower(r.unit_raw)
           LEFT JOIN period_lookup p ON p.raw = r.period_raw"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE resolved_cells AS
           SELECT c.*, i.item_id, i.scale_min, i.scale_max, s.value AS score_value
           FROM cells c
           LEFT JOIN item_lookup i ON i.key = lower(c.item_raw)
           LEFT JOIN score_lookup s ON s.raw = c.score_raw AND s.scale_id = i.scale_id"""
    )


# Each problem: (row, column header or NULL, value, message key, detail 1, detail 2).
_ROW_PROBLEMS = """
SELECT row, 'unit' AS col, unit_raw AS value, 'import_missing_unit' AS key, NULL AS a, NULL AS b
  FROM resolved_rows WHERE unit_raw IS NULL
UNION ALL SELECT row, 'unit', unit_raw, 'import_unknown_unit', NULL, NULL
  FROM resolved_rows WHERE unit_raw IS NOT NULL AND unit_id IS NULL
UNION ALL SELECT row, 'period', period_raw, 'import_missing_period', NULL, NULL
  FROM resolved_rows WHERE period_raw IS NULL
UNION ALL SELECT row, 'period', period_raw, 'import_bad_period', NULL, NULL
  FROM resolved_rows WHERE period_raw IS NOT NULL AND period IS NULL
UNION ALL SELECT row, 'respondent', NULL, 'import_missing_respondent', NULL, NULL
  FROM resolved_rows WHERE respondent IS NULL
UNION ALL SELECT row, coalesce(score_col, 'item'), item_raw, 'import_missing_item', NULL, NULL
  FROM resolved_cells WHERE item_raw IS NULL
UNION ALL SELECT row, 'item', item_raw, 'import_unknown_item', NULL, NULL
  FROM resolved_cells WHERE item_raw IS NOT NULL AND item_id IS NULL
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_not_number', NULL, NULL
  FROM resolved_cells WHERE item_id IS NOT NULL AND score_raw IS NOT NULL AND score_value IS NULL
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_not_number', NULL, NULL
  FROM resolved_cells c WHERE item_id IS NULL AND score_raw IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM score_lookup s WHERE s.raw = c.score_raw AND s.value IS NOT NULL)
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_range',
       scale_min::VARCHAR, scale_max::VARCHAR
  FROM resolved_cells
  WHERE score_value IS NOT NULL
    AND (score_value <> floor(score_value) OR score_value < scale_min OR score_value > scale_max)
UNION ALL SELECT row, coalesce(comment_col, 'comment'), left(comment, 40) || '…',
       'import_comment_too_long', length(comment)::VARCHAR, ?::VARCHAR
  FROM resolved_cells WHERE length(comment) > ?
UNION ALL SELECT row, col, raw, 'import_unknown_role', NULL, NULL
  FROM role_cells_resolved WHERE role_id IS NULL
UNION ALL SELECT row, col, left(text, 40) || '…', 'import_reflection_too_long',
       length(text)::VARCHAR, ?::VARCHAR
  FROM reflection_cells WHERE length(text) > ?
UNION ALL SELECT row, 'respondent', respondent, 'import_duplicate_key', first_row::VARCHAR, item_id
  FROM (
    SELECT c.row, r.respondent, c.item_id,
           min(c.row) OVER (PARTITION BY r.unit_id, r.period, r.respondent, c.item_id) AS first_row
    FROM resolved_cells c JOIN resolved_rows r USING (row)
    WHERE r.unit_id IS NOT NULL AND r.period IS NOT NULL AND r.respondent IS NOT NULL
      AND c.item_id IS NOT NULL
  ) WHERE row <> first_row
UNION ALL SELECT row, 'respondent', respondent, 'import_duplicate_checkin', first_row::VARCHAR, NULL
  FROM (
    SELECT row, respondent,
           min(row) OVER (PARTITION BY unit_id, period, respondent) AS first_row
    FROM resolved_rows
    WHERE unit_id IS NOT NULL AND period IS NOT NULL AND respondent IS NOT NULL
      AND row IN (SELECT row FROM role_cells UNION SELECT row FROM reflection_cells)
  ) WHERE row <> first_row
"""


def resolve_extras(cur: Cursor) -> None:
    """Role names in role cells resolved to ids: one row per name in a cell."""
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_cells_resolved AS
           SELECT c.row, c.kind, c.col, part.raw, l.role_id
           FROM role_cells c,
                (SELECT unnest(regexp_split_to_array(trim(c.raw), '\\s*[|;,]\\s*')) AS raw) part
           LEFT JOIN role_lookup l ON l.key = lower(part.raw)
           WHERE part.raw <> ''"""
    )


def answer_problems(cur: Cursor, max_comment: int, max_reflection: int) -> list[tuple]:
    """Every problem in the staged answers, in one pass, ordered by row."""
    sql = f"SELECT * FROM ({_ROW_PROBLEMS}) ORDER BY row, col"  # noqa: S608 (constant query)
    return cur.execute(sql, [max_comment, max_comment, max_reflection, max_reflection]).fetchall()


def select_valid(cur: Cursor, bad_rows: Sequence[int]) -> None:
    """TEMP valid (one row per answer to write) from rows without problems."""
    cur.execute("CREATE OR REPLACE TEMP TABLE bad_rows (row BIGINT)")
    if bad_rows:
        cur.execute("INSERT INTO bad_rows SELECT unnest(?::BIGINT[])", [list(bad_rows)])
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE valid_rows AS
           SELECT row, unit_id, period, respondent FROM resolved_rows
           WHERE row NOT IN (SELECT row FROM bad_rows)"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE valid AS
           SELECT r.unit_id, r.period, r.respondent, c.item_id, c.scale_max,
                  c.score_value::SMALLINT AS score, c.comment
           FROM resolved_cells c JOIN valid_rows r USING (row)"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE changes AS
           SELECT v.unit_id, v.period, v.respondent, v.item_id,
                  a.unit_id IS NOT NULL AS existed,
                  a.score AS old_score, a.scale_max AS old_scale_max, a.comment AS old_comment,
                  coalesce(v.score, a.score) AS new_score,
                  CASE WHEN v.score IS NULL THEN coalesce(a.scale_max, v.scale_max)
                       ELSE v.scale_max END AS new_scale_max,
                  coalesce(v.comment, a.comment) AS new_comment,
                  CASE WHEN a.unit_id IS NULL THEN 'new'
                       WHEN coalesce(v.score, a.score) IS NOT DISTINCT FROM a.score
                        AND coalesce(v.comment, a.comment) IS NOT DISTINCT FROM a.comment
                       THEN 'unchanged'
                       ELSE 'updated' END AS status
           FROM valid v
           LEFT JOIN answer a USING (unit_id, period, respondent, item_id)"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_changes AS
           WITH wanted AS (
               SELECT r.unit_id, r.period, r.respondent, c.kind,
                      list_sort(list_distinct(list(c.role_id))) AS new_roles
               FROM role_cells_resolved c JOIN valid_rows r USING (row)
               GROUP BY ALL
           ), current AS (
               SELECT unit_id, period, respondent, kind, list_sort(list(role_id)) AS old_roles
               FROM role_pick GROUP BY ALL
           )
           SELECT w.*, c.old_roles FROM wanted w LEFT JOIN current c
               USING (unit_id, period, respondent, kind)
           WHERE c.old_roles IS DISTINCT FROM w.new_roles"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE reflection_changes AS
           SELECT r.unit_id, r.period, r.respondent, c.question_id,
                  f.answer AS old_answer, c.text AS new_answer
           FROM reflection_cells c JOIN valid_rows r USING (row)
           LEFT JOIN reflection f USING (unit_id, period, respondent, question_id)
           WHERE f.answer IS DISTINCT FROM c.text"""
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

    Returns (new, updated, unchanged) answers.
    """
    cur.execute(
        """INSERT INTO import_answer_change
           SELECT ?, unit_id, period, respondent, item_id, existed, old_score, old_scale_max,
                  old_comment, new_score, new_scale_max, new_comment
           FROM changes WHERE status <> 'unchanged'""",
        [import_id],
    )
    cur.execute(
        """INSERT INTO import_checkin_created
           SELECT DISTINCT ?, v.unit_id, v.period, v.respondent FROM valid_rows v
           WHERE NOT EXISTS (SELECT 1 FROM checkin c WHERE c.unit_id = v.unit_id
                             AND c.period = v.period AND c.respondent = v.respondent)
             AND (EXISTS (SELECT 1 FROM changes x WHERE x.unit_id = v.unit_id
                          AND x.period = v.period AND x.respondent = v.respondent)
                  OR EXISTS (SELECT 1 FROM role_changes x WHERE x.unit_id = v.unit_id
                          AND x.period = v.period AND x.respondent = v.respondent)
                  OR EXISTS (SELECT 1 FROM reflection_changes x WHERE x.unit_id = v.unit_id
                          AND x.period = v.period AND x.respondent = v.respondent))""",
        [import_id],
    )
    cur.execute(
        """INSERT INTO checkin (unit_id, period, respondent, framework_version)
           SELECT unit_id, period, respondent, ? FROM import_checkin_created
           WHERE import_id = ?""",
        [framework_version, import_id],
    )
    cur.execute(
        """INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max, comment)
           SELECT unit_id, period, respondent, item_id, new_score, new_scale_max, new_comment
           FROM changes WHERE status = 'new'"""
    )
    cur.execute(
        """UPDATE answer SET score = c.new_score, scale_max = c.new_scale_max,
                             comment = c.new_comment
           FROM changes c
           WHERE c.status = 'updated' AND answer.unit_id = c.unit_id
             AND answer.period = c.period AND answer.respondent = c.respondent
             AND answer.item_id = c.item_id"""
    )
    _write_roles_and_reflections(cur, import_id)
    counts = cur.execute(
        """SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged') FROM changes"""
    ).fetchone()
    return int(counts[0]), int(counts[1]), int(counts[2])


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


# --- units files -----------------------------------------------------------------------------


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


# --- the log and undo ------------------------------------------------------------------------


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
        "SELECT import_id, undone_at FROM import_log WHERE import_id = ?", [import_id]
    ).fetchone()


def undo_import(cur: Cursor, import_id: int, actor: str) -> dict[str, int]:
    """Put back what the import replaced, for every value nobody has changed since.

    A value changed after the import (a later check-in or import of the same key) is kept, and
    counted as `kept`, so undo never destroys newer work.
    """
    restored = _undo_answers(cur, import_id)
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
    kept += _undo_units(cur, import_id)
    cur.execute(
        "UPDATE import_log SET undone_at = now(), undone_by = ? WHERE import_id = ?",
        [actor, import_id],
    )
    return {**restored, "kept": kept}


_SAME_KEY = """answer.unit_id = x.unit_id AND answer.period = x.period
   AND answer.respondent = x.respondent AND answer.item_id = x.item_id"""
_UNTOUCHED = """answer.score IS NOT DISTINCT FROM x.new_score
   AND answer.comment IS NOT DISTINCT FROM x.new_comment"""


def _undo_answers(cur: Cursor, import_id: int) -> dict[str, int]:
    total = cur.execute(
        "SELECT count(*) FROM import_answer_change WHERE import_id = ?", [import_id]
    ).fetchone()[0]
    deleted = cur.execute(
        f"""DELETE FROM answer USING import_answer_change x
            WHERE x.import_id = ? AND NOT x.existed AND {_SAME_KEY} AND {_UNTOUCHED}""",  # noqa: S608 (constants)
        [import_id],
    ).fetchone()[0]
    updated = cur.execute(
        f"""UPDATE answer SET score = x.old_score, scale_max = x.old_scale_max,
                              comment = x.old_comment
            FROM import_answer_change x
            WHERE x.import_id = ? AND x.existed AND {_SAME_KEY} AND {_UNTOUCHED}""",  # noqa: S608
        [import_id],
    ).fetchone()[0]
    return {
        "removed": int(deleted),
        "restored": int(updated),
        "kept": int(total - deleted - updated),
    }


def _undo_roles_and_reflections(cur: Cursor, import_id: int) -> int:
    kept = 0
    changes = cur.execute(
        """SELECT x.unit_id, x.period, x.respondent, x.kind, x.old_roles, x.new_roles,
                  (SELECT list_sort(list(role_id)) FROM role_pick p WHERE p.unit_id = x.unit_id
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


def _undo_units(cur: Cursor, import_id: int) -> int:
    """Restore renamed or moved units and remove new ones nobody has used since."""
    cur.execute(
        """UPDATE unit SET name = x.old_name, parent_id = x.old_parent_id
           FROM import_unit_change x
           WHERE x.import_id = ? AND x.existed AND unit.unit_id = x.unit_id
             AND unit.name = x.new_name AND unit.parent_id IS NOT DISTINCT FROM x.new_parent_id""",
        [import_id],
    )
    # New units go deepest first, so a parent is removed only after its new children.
    for _ in range(50):
        removed = cur.execute(
            """DELETE FROM unit USING import_unit_change x
               WHERE x.import_id = ? AND NOT x.existed AND unit.unit_id = x.unit_id
                 AND unit.name = x.new_name
                 AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.unit_id = unit.unit_id)
                 AND NOT EXISTS (SELECT 1 FROM unit k WHERE k.parent_id = unit.unit_id)""",
            [import_id],
        ).fetchone()[0]
        if not removed:
            break
    kept = cur.execute(
        """SELECT count(*) FROM import_unit_change x JOIN unit u USING (unit_id)
           WHERE x.import_id = ? AND (NOT x.existed OR u.name IS DISTINCT FROM x.old_name
                 OR u.parent_id IS DISTINCT FROM x.old_parent_id)""",
        [import_id],
    ).fetchone()[0]
    return int(kept)


# --- saved header mappings -------------------------------------------------------------------


def saved_mapping(cur: Cursor, signature: str) -> str | None:
    row = cur.execute(
        "SELECT mapping FROM header_mapping WHERE signature = ?", [signature]
    ).fetchone()
    return row[0] if row else None


def save_mapping(cur: Cursor, signature: str, mapping_json: str, actor: str) -> None:
    cur.execute(
        """INSERT INTO header_mapping (signature, mapping, saved_by) VALUES (?, ?, ?)
           ON CONFLICT (signature) DO UPDATE
           SET mapping = excluded.mapping, saved_by = excluded.saved_by, saved_at = now()""",
        [signature, mapping_json, actor],
    )
