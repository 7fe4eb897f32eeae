"""SQL for CSV imports: staging with read_csv, validation as SQL, preview, upsert, undo, log.

The file is read by DuckDB into a temporary staging table of text columns c0..cN, whose rowid
is the record's position, so `rowid + 1` is the row a spreadsheet shows (header = row 1).
Column names c0..cN are generated here from integers, never from file content; every value
from the file or the user is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from dtmaturity.store import plans

Cursor = duckdb.DuckDBPyConnection


def _col(index: int) -> str:
    return f"c{int(index)}"


def stage(cur: Cursor, path: str, delimiter: str, columns: int, skip: int = 0) -> int:
    """Read the whole file into TEMP TABLE stage; returns the number of data rows.

    The fast path reads in parallel with a fixed column count. A file with short rows (a
    spreadsheet that drops trailing empty cells) is read again with null padding, which DuckDB
    supports only single-threaded when quoted fields span lines. Temporary tables number their
    rows from an offset, so TEMP stage_start keeps the header's rowid: a record's spreadsheet
    row is `rowid - start + 1`.
    """
    names = {_col(i): "VARCHAR" for i in range(columns)}
    options = (
        "delim = ?, header = false, columns = ?, skip = ?, quote = '\"', escape = '\"', "
        "auto_detect = false"
    )
    try:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_csv(?, {options})",  # noqa: S608 (constant options)
            [path, delimiter, names, skip],
        )
    except duckdb.Error:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_csv(?, {options}, "  # noqa: S608
            "null_padding = true, parallel = false)",
            [path, delimiter, names, skip],
        )
    count, start = cur.execute("SELECT count(*) - 1, min(rowid) FROM stage").fetchone()
    cur.execute("CREATE OR REPLACE TEMP TABLE stage_start AS SELECT ?::BIGINT AS start", [start])
    return int(count)


# The spreadsheet row of a staged record, and "not the header" (see stage()).
ROW = "(rowid - (SELECT start FROM stage_start) + 1)"
DATA = "rowid > (SELECT start FROM stage_start)"


def _cell(index: int | None) -> str:
    """A trimmed cell, NULL when empty; NULL when the column is absent."""
    return f"nullif(trim({_col(index)}), '')" if index is not None else "NULL"


def _raw(index: int | None) -> str:
    """A cell exactly as written (free text keeps its spaces), NULL when empty."""
    return f"nullif({_col(index)}, '')" if index is not None else "NULL"


def _not_empty_row(columns: Iterable[int]) -> str:
    parts = [f"{_cell(i)} IS NOT NULL" for i in columns]
    return "(" + " OR ".join(parts or ["false"]) + ")"


def _keys(keys: dict[str, int]) -> str:
    return (
        f"{_cell(keys.get('unit'))} AS unit_raw, {_cell(keys.get('period'))} AS period_raw, "
        f"{_cell(keys.get('respondent'))} AS respondent"
    )


def load_answer_rows(
    cur: Cursor,
    *,
    keys: dict[str, int],
    used_columns: Sequence[int],
    long_item: tuple[int, int, int | None] | None,
    wide_items: Sequence[tuple[str, int, int | None, str, str | None]],
) -> None:
    """TEMP cells: one row per answer given, with its row's unit, period and respondent.

    long_item: (item column, score column, comment column) of a long file; every non-empty row
    is a cell, so a row without an item is reported. wide_items: (item id, score column,
    comment column, score header, comment header); a cell exists where a score or comment is.
    """
    selects, params = [], []
    if long_item is not None:
        item, score, comment = long_item
        selects.append(
            f"""SELECT {ROW} AS row, {_keys(keys)}, {_cell(item)} AS item_raw,
                       {_cell(score)} AS score_raw, {_raw(comment)} AS comment,
                       NULL AS score_col, NULL AS comment_col
                FROM stage WHERE {DATA} AND {_not_empty_row(used_columns)}"""  # noqa: S608 (generated column names)
        )
    for item_id, score, comment, score_header, comment_header in wide_items:
        selects.append(
            f"""SELECT {ROW} AS row, {_keys(keys)}, ? AS item_raw, {_cell(score)} AS score_raw,
                       {_raw(comment)} AS comment, ? AS score_col, ? AS comment_col
                FROM stage
                WHERE {DATA} AND ({_cell(score)} IS NOT NULL OR {_raw(comment)} IS NOT NULL)"""  # noqa: S608
        )
        params += [item_id, score_header, comment_header]
    body = " UNION ALL ".join(selects) or (
        "SELECT NULL::BIGINT AS row, NULL AS unit_raw, NULL AS period_raw, NULL AS respondent, "
        "NULL AS item_raw, NULL AS score_raw, NULL AS comment, NULL AS score_col, "
        "NULL AS comment_col WHERE false"
    )
    # A long file's cells are a view: no parameters, and resolve() reads it once anyway.
    kind = "VIEW" if long_item is not None and not wide_items else "TABLE"
    # Each import has a cursor of its own, so the temporary names never clash.
    cur.execute(f"CREATE TEMP {kind} cells AS {body}", params or None)  # noqa: S608 (generated)
    # Rows of a wide file with nothing but role picks or reflections still need their keys
    # checked; in a long file every non-empty row is a cell already.
    only_extras = f"{ROW} NOT IN (SELECT row FROM cells)" if long_item is None else "false"  # noqa: S608
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE rows AS
            SELECT {ROW} AS row, {_keys(keys)} FROM stage
            WHERE {DATA} AND {_not_empty_row(used_columns)} AND {only_extras}"""  # noqa: S608
    )


def load_extra_cells(
    cur: Cursor,
    keys: dict[str, int],
    roles: Sequence[tuple[int, str, str]],
    reflections: Sequence[tuple[int, str, str]],
) -> None:
    """TEMP role_cells(row, keys, kind, raw, col) and reflection_cells(row, keys, question_id,
    text, col) from a wide file's optional columns."""
    key_types = "unit_raw VARCHAR, period_raw VARCHAR, respondent VARCHAR"
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE role_cells (row BIGINT, {key_types}, kind VARCHAR, "
        "raw VARCHAR, col VARCHAR)"
    )
    for column, kind, header in roles:
        cur.execute(
            f"""INSERT INTO role_cells SELECT {ROW}, {_keys(keys)}, ?, {_cell(column)}, ?
                FROM stage WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [kind, header],
        )
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE reflection_cells (row BIGINT, {key_types}, "
        "question_id VARCHAR, text VARCHAR, col VARCHAR)"
    )
    for column, question_id, header in reflections:
        cur.execute(
            f"""INSERT INTO reflection_cells SELECT {ROW}, {_keys(keys)}, ?, {_raw(column)}, ?
                FROM stage WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [question_id, header],
        )


def distinct_values(cur: Cursor, table: str, column: str) -> list[str]:
    """Distinct non-empty values of a staging column (periods, scores: a handful each)."""
    allowed = {("all_rows", "period_raw"), ("cells", "score_raw")}
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
    allowed_units: Sequence[str] | None = None,
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
    # The units the acting person may import for (None: all of them).
    if allowed_units is None:
        cur.execute("CREATE OR REPLACE TEMP TABLE allowed_unit AS SELECT unit_id FROM unit")
    else:
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE allowed_unit AS SELECT unnest(?::VARCHAR[]) AS unit_id",
            [list(allowed_units)],
        )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE unit_lookup AS
           SELECT lower(unit_id) AS key, unit_id FROM unit
           UNION ALL
           SELECT lower(name), min(unit_id) FROM unit
           WHERE lower(name) NOT IN (SELECT lower(unit_id) FROM unit)
           GROUP BY lower(name) HAVING count(*) = 1"""
    )


def all_rows_view(cur: Cursor) -> None:
    """VIEW all_rows: the keys of every data row, wherever they came from."""
    cur.execute(
        """CREATE OR REPLACE TEMP VIEW all_rows AS
           SELECT row, unit_raw, period_raw, respondent FROM cells
           UNION ALL SELECT row, unit_raw, period_raw, respondent FROM rows
           UNION ALL SELECT row, unit_raw, period_raw, respondent FROM role_cells
           UNION ALL SELECT row, unit_raw, period_raw, respondent FROM reflection_cells"""
    )


def resolve_answers(cur: Cursor) -> None:
    """TEMP resolved: each answer cell with unit, period, item and score looked up; and the
    same for the rows and the role and reflection cells (small)."""
    lookups = """LEFT JOIN unit_lookup u ON u.key = lower(x.unit_raw)
                 LEFT JOIN period_lookup p ON p.raw = x.period_raw"""
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE resolved AS
            SELECT x.*, u.unit_id, p.period, i.item_id, i.scale_min, i.scale_max,
                   s.value AS score_value
            FROM cells x {lookups}
            LEFT JOIN item_lookup i ON i.key = lower(x.item_raw)
            LEFT JOIN score_lookup s ON s.raw = x.score_raw AND s.scale_id = i.scale_id"""  # noqa: S608 (constants)
    )
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE resolved_extra_rows AS
            SELECT x.row, x.unit_raw, x.period_raw, x.respondent, u.unit_id, p.period
            FROM (SELECT row, unit_raw, period_raw, respondent FROM rows
                  UNION SELECT row, unit_raw, period_raw, respondent FROM role_cells
                  UNION SELECT row, unit_raw, period_raw, respondent FROM reflection_cells) x
            {lookups}"""  # noqa: S608 (constants)
    )


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


# A row needs a closer look when any of these holds (one cheap pass over all cells).
_SUSPECT = """unit_id IS NULL OR period IS NULL OR respondent IS NULL OR item_id IS NULL
   OR unit_id NOT IN (SELECT unit_id FROM allowed_unit)
   OR period IN (SELECT period FROM period_lock)
   OR (score_raw IS NOT NULL AND (score_value IS NULL OR score_value <> floor(score_value)
       OR score_value < scale_min OR score_value > scale_max))
   OR length(comment) > $max_comment"""

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
UNION SELECT row, 'unit', unit_raw, 'import_unit_not_allowed', NULL, NULL
  FROM checked WHERE unit_id NOT IN (SELECT unit_id FROM allowed_unit)
UNION SELECT row, 'period', period_raw, 'import_period_locked', NULL, NULL
  FROM checked WHERE period IN (SELECT period FROM period_lock)
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
UNION ALL SELECT row, col, left(text, 40) || '…', 'import_reflection_too_long',
       length(text)::VARCHAR, $max_reflection::VARCHAR
  FROM reflection_cells WHERE length(text) > $max_reflection
"""
# The same key twice: one hash aggregate over all cells, then only the duplicates.
_DUPLICATES = """
SELECT unnest(list_filter(rows, lambda r: r <> first_row)) AS row, 'respondent', respondent,
       'import_duplicate_key', first_row::VARCHAR, item_id
FROM (
    SELECT respondent, item_id, min(row) AS first_row, list(row) AS rows
    FROM resolved
    WHERE unit_id IS NOT NULL AND period IS NOT NULL AND respondent IS NOT NULL
      AND item_id IS NOT NULL
    GROUP BY unit_id, period, respondent, item_id HAVING count(*) > 1
)
UNION ALL
SELECT unnest(list_filter(rows, lambda r: r <> first_row)), 'respondent', respondent,
       'import_duplicate_checkin', first_row::VARCHAR, NULL
FROM (
    SELECT respondent, min(row) AS first_row, list(DISTINCT row) AS rows
    FROM resolved_extra_rows
    WHERE unit_id IS NOT NULL AND period IS NOT NULL AND respondent IS NOT NULL
      AND row IN (SELECT row FROM role_cells UNION SELECT row FROM reflection_cells)
    GROUP BY unit_id, period, respondent HAVING count(DISTINCT row) > 1
)
"""


def answer_problems(cur: Cursor, max_comment: int, max_reflection: int) -> list[tuple]:
    """Every problem in the staged answers, in one pass, ordered by row.

    One scan picks the suspect cells; the detailed checks then run on those few only.
    """
    params = {"max_comment": max_comment, "max_reflection": max_reflection}
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE suspect AS SELECT * FROM resolved WHERE {_SUSPECT}",  # noqa: S608 (constants)
        {"max_comment": max_comment},
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE checked AS
           SELECT row, unit_raw, period_raw, respondent, unit_id, period FROM suspect
           UNION ALL SELECT row, unit_raw, period_raw, respondent, unit_id, period
           FROM resolved_extra_rows"""
    )
    sql = f"""SELECT * FROM ({_ROW_KEY_PROBLEMS} UNION ALL {_CELL_PROBLEMS}
              UNION ALL {_DUPLICATES}) ORDER BY 1, 2, 4"""  # noqa: S608 (constant query)
    return cur.execute(sql, params).fetchall()


def select_valid(cur: Cursor, bad_rows: Sequence[int]) -> None:
    """TEMP changes: each answer of a row without problems, against what is stored now, and
    TEMP role_changes and reflection_changes for a wide file's optional columns."""
    cur.execute("CREATE OR REPLACE TEMP TABLE bad_rows (row BIGINT)")
    if bad_rows:
        cur.execute("INSERT INTO bad_rows SELECT unnest(?::BIGINT[])", [list(bad_rows)])
    # An empty score and comment is "not answered": nothing to write for that cell.
    keep = "WHERE (x.score_value IS NOT NULL OR x.comment IS NOT NULL)"
    if bad_rows:
        keep += " AND x.row NOT IN (SELECT row FROM bad_rows)"
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE changes AS
            SELECT x.unit_id, x.period, x.respondent, x.item_id,
                   a.score AS old_score, a.scale_max AS old_scale_max, a.comment AS old_comment,
                   a.import_id AS old_import_id,
                   coalesce(x.score_value::SMALLINT, a.score) AS new_score,
                   CASE WHEN x.score_value IS NULL THEN coalesce(a.scale_max, x.scale_max)
                        ELSE x.scale_max END AS new_scale_max,
                   coalesce(x.comment, a.comment) AS new_comment,
                   CASE WHEN a.unit_id IS NULL THEN 'new'
                        WHEN coalesce(x.score_value::SMALLINT, a.score) IS NOT DISTINCT FROM a.score
                         AND coalesce(x.comment, a.comment) IS NOT DISTINCT FROM a.comment
                        THEN 'unchanged'
                        ELSE 'updated' END AS status
            FROM resolved x
            LEFT JOIN answer a USING (unit_id, period, respondent, item_id)
            {keep}"""  # noqa: S608 (constants)
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE valid_extra_rows AS
           SELECT row, unit_id, period, respondent FROM resolved_extra_rows
           WHERE row NOT IN (SELECT row FROM bad_rows)"""
    )
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_changes AS
           WITH wanted AS (
               SELECT r.unit_id, r.period, r.respondent, c.kind,
                      list_sort(list_distinct(list(c.role_id))) AS new_roles
               FROM role_cells_resolved c JOIN valid_extra_rows r USING (row)
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
           WHERE import_id = ?""",
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
    _refresh_rollup(cur)
    counts = cur.execute(
        """SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'updated'),
                  count(*) FILTER (WHERE status = 'unchanged') FROM changes"""
    ).fetchone()
    return int(counts[0]), int(counts[1]), int(counts[2])


def _refresh_rollup(cur: Cursor) -> None:
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
        "SELECT import_id, undone_at, actor FROM import_log WHERE import_id = ?", [import_id]
    ).fetchone()


def unit_moves_back(cur: Cursor, import_id: int) -> list[tuple[str, str | None]]:
    """(unit, parent it would go back to) for each unit that undoing the import would move."""
    return cur.execute(
        """SELECT x.unit_id, x.old_parent_id FROM import_unit_change x JOIN unit u USING (unit_id)
           WHERE x.import_id = ? AND x.existed AND u.name = x.new_name
             AND u.parent_id IS NOT DISTINCT FROM x.new_parent_id
             AND x.old_parent_id IS DISTINCT FROM x.new_parent_id""",
        [import_id],
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
    kept += _undo_units(cur, import_id)
    cur.execute(
        "UPDATE import_log SET undone_at = now(), undone_by = ? WHERE import_id = ?",
        [actor, import_id],
    )
    return {**restored, "kept": kept}


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
    _refresh_rollup(cur)
    return {"removed": int(removed), "restored": int(restored), "kept": max(kept, 0)}


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
