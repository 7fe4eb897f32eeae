"""Validation of staged answers as SQL: every problem at once, with row, column and value."""

from __future__ import annotations

import duckdb

from dtmaturity.store import dialect

Cursor = duckdb.DuckDBPyConnection


# A row needs a closer look when any of these holds (one cheap pass over all cells).
_SUSPECT = """unit_id IS NULL OR period IS NULL OR respondent IS NULL OR item_id IS NULL
   OR unit_id NOT IN (SELECT unit_id FROM allowed_unit)
   OR period IN (SELECT period FROM period_lock)
   OR (unit_id, period) IN (SELECT unit_id, period FROM closed_quarter)
   OR period > (SELECT period FROM current_period)
   OR (score_raw IS NOT NULL AND (score_value IS NULL OR score_value <> floor(score_value)
       OR score_value < scale_min OR score_value > scale_max))
   OR length(comment) > $max_comment
   OR respondent IN (SELECT respondent FROM odd_respondents)"""

# Each problem: (row, column header or role, value, message key, detail 1, detail 2).
_ROW_KEY_PROBLEMS = """
SELECT DISTINCT row, 'unit' AS col, unit_raw AS value, 'import_missing_unit' AS key,
       NULL AS a, NULL AS b FROM checked WHERE unit_raw IS NULL
UNION SELECT row, 'unit', unit_raw, 'import_unknown_unit', NULL, NULL
  FROM checked WHERE unit_raw IS NOT NULL AND unit_id IS NULL
UNION SELECT row, 'period', period_raw, 'import_missing_period', NULL, NULL
  FROM checked WHERE period_raw IS NULL
UNION SELECT row, 'period', period_raw, 'import_bad_period', NULL, NULL
  FROM checked WHERE period_raw IS NOT NULL AND period IS NULL
UNION SELECT row, 'respondent', NULL, 'import_missing_respondent', NULL, NULL
  FROM checked WHERE respondent IS NULL
UNION SELECT row, 'respondent', respondent, 'import_bad_respondent', NULL, NULL
  FROM checked WHERE NOT RESPONDENT_MATCHES
     OR length(respondent) > 254
UNION SELECT row, 'unit', unit_raw, 'import_unit_not_allowed', NULL, NULL
  FROM checked WHERE unit_id NOT IN (SELECT unit_id FROM allowed_unit)
UNION SELECT row, 'period', period_raw, 'import_period_locked', NULL, NULL
  FROM checked WHERE period IN (SELECT period FROM period_lock)
UNION SELECT row, 'period', period_raw, 'import_round_closed', unit_id, period
  FROM checked WHERE period NOT IN (SELECT period FROM period_lock)
   AND (unit_id, period) IN (SELECT unit_id, period FROM closed_quarter)
UNION SELECT row, 'period', period_raw, 'error_future_period', period, NULL
  FROM checked WHERE period > (SELECT period FROM current_period)
"""
_CELL_PROBLEMS = """
SELECT row, coalesce(score_col, 'item'), item_raw, 'import_missing_item', NULL, NULL
  FROM suspect WHERE item_raw IS NULL
UNION ALL SELECT row, 'item', item_raw, 'import_unknown_item', NULL, NULL
  FROM suspect WHERE item_raw IS NOT NULL AND item_id IS NULL
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_not_number', NULL, NULL
  FROM suspect c WHERE item_id IS NULL AND score_raw IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM score_lookup s WHERE s.raw = c.score_raw AND s.value IS NOT NULL)
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_not_number', NULL, NULL
  FROM suspect WHERE item_id IS NOT NULL AND score_raw IS NOT NULL AND score_value IS NULL
UNION ALL SELECT row, coalesce(score_col, 'score'), score_raw, 'import_score_range',
       scale_min::VARCHAR, scale_max::VARCHAR
  FROM suspect
  WHERE score_value IS NOT NULL
    AND (score_value <> floor(score_value) OR score_value < scale_min OR score_value > scale_max)
UNION ALL SELECT row, coalesce(comment_col, 'comment'), left(comment, 40) || '…',
       'import_comment_too_long', length(comment)::VARCHAR, $max_comment::VARCHAR
  FROM suspect WHERE length(comment) > $max_comment
UNION ALL SELECT row, col, raw, 'import_unknown_role', NULL, NULL
  FROM role_cells_resolved WHERE role_id IS NULL
UNION ALL SELECT row, min(col), NULL, 'error_too_many_roles',
       count(DISTINCT role_id)::VARCHAR, $max_roles::VARCHAR
  FROM role_cells_resolved WHERE role_id IS NOT NULL
  GROUP BY row, kind HAVING count(DISTINCT role_id) > $max_roles
UNION ALL SELECT row, col, left(text, 40) || '…', 'import_reflection_too_long',
       length(text)::VARCHAR, $max_reflection::VARCHAR
  FROM reflection_cells WHERE length(text) > $max_reflection
"""
# The same key twice: one hash aggregate over all cells on a number per key, counting only (the
# keys' text or a list of rows per key would hold every row of the file again), then the exact
# keys of the few cells whose number is found twice, and their rows.
_DUPLICATES = """
SELECT x.row, 'respondent', x.respondent, 'import_duplicate_key', d.first_row::VARCHAR, x.item_id
FROM twice x JOIN (
    SELECT unit_id, period, respondent, item_id, min(row) AS first_row
    FROM twice GROUP BY unit_id, period, respondent, item_id HAVING count(*) > 1
) d USING (unit_id, period, respondent, item_id)
WHERE x.row <> d.first_row
UNION ALL
SELECT DISTINCT x.row, 'respondent', x.respondent, 'import_duplicate_checkin',
       d.first_row::VARCHAR, NULL
FROM resolved_extra_rows x JOIN (
    SELECT unit_id, period, respondent, min(row) AS first_row
    FROM resolved_extra_rows
    WHERE unit_id IS NOT NULL AND period IS NOT NULL AND respondent IS NOT NULL
      AND row IN (SELECT row FROM role_cells UNION SELECT row FROM reflection_cells)
    GROUP BY unit_id, period, respondent HAVING count(DISTINCT row) > 1
) d USING (unit_id, period, respondent)
WHERE x.row <> d.first_row
  AND x.row IN (SELECT row FROM role_cells UNION SELECT row FROM reflection_cells)
"""


def answer_problems(
    cur: Cursor,
    max_comment: int,
    max_reflection: int,
    max_roles: int = 3,
    respondent_pattern: str = ".*",
) -> list[tuple]:
    """Every problem in the staged answers, in one pass, ordered by row. Expects the TEMP
    table closed_quarter (store.rounds.load_closed_quarters).

    One scan picks the suspect cells; the detailed checks then run on those few only.
    """
    on_postgres = not isinstance(cur, duckdb.DuckDBPyConnection)
    matches = dialect.full_match(on_postgres, "respondent", "respondent_pattern")
    if on_postgres:
        respondent_pattern = dialect.postgres_regex(respondent_pattern)
    params = {
        "max_comment": max_comment,
        "max_reflection": max_reflection,
        "max_roles": max_roles,
        "respondent_pattern": respondent_pattern,
    }
    # Each respondent's text is checked once (TEMP respondents, import_staging), not per cell.
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE odd_respondents AS SELECT respondent FROM respondents "  # noqa: S608 (constants)
        f"WHERE NOT {matches} OR length(respondent) > 254",
        {"respondent_pattern": respondent_pattern},
    )
    cur.execute(
        # A cell's column headers (TEMP wide_columns, by number) for the suspect cells only.
        "CREATE OR REPLACE TEMP TABLE suspect AS SELECT resolved.*, w.score_col, w.comment_col "
        "FROM resolved LEFT JOIN wide_columns w ON w.n = resolved.col WHERE " + _SUSPECT,  # noqa: S608 (constants)
        {"max_comment": max_comment},
    )
    _cells_twice(cur, on_postgres)
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE checked AS
           SELECT row, unit_raw, period_raw, respondent, unit_id, period FROM suspect
           UNION ALL SELECT row, unit_raw, period_raw, respondent, unit_id, period
           FROM resolved_extra_rows"""
    )
    sql = f"""SELECT * FROM ({_ROW_KEY_PROBLEMS} UNION ALL {_CELL_PROBLEMS}
              UNION ALL {_DUPLICATES}) AS problems ORDER BY 1, 2, 4"""  # noqa: S608 (constant query)
    return cur.execute(sql.replace("RESPONDENT_MATCHES", matches), params).fetchall()


_KEY = (
    "unit_id IS NOT NULL AND period IS NOT NULL AND respondent IS NOT NULL AND item_id IS NOT NULL"
)


def _cells_twice(cur: Cursor, on_postgres: bool) -> None:
    """TEMP twice: the resolved cells whose key may be in the file twice (on DuckDB: its hash
    is; on PostgreSQL: the key is). Exact duplicates are found among these."""
    columns = "unit_id, period, respondent, item_id"
    key = f"({columns})" if on_postgres else f"hash({columns})"
    kept = columns if on_postgres else f"{key} AS h"
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE twice_key AS SELECT {kept} FROM resolved WHERE {_KEY}
            GROUP BY {key} HAVING count(*) > 1"""  # noqa: S608 (constants)
    )
    found = cur.execute("SELECT count(*) FROM twice_key").fetchone()
    where = "false"
    if found and found[0]:
        where = f"{key} IN (SELECT {columns if on_postgres else 'h'} FROM twice_key)"  # noqa: S608 (constants)
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE twice AS SELECT row, {columns} FROM resolved "  # noqa: S608 (constants)
        f"WHERE {_KEY} AND {where}"
    )
