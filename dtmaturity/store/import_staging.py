"""Staging a file for import: read_csv into TEMP stage, then the answer cells and lookups.

The file is read by DuckDB into a temporary staging table of text columns c0..cN, whose rowid
is the record's position, so `rowid + 1` is the row a spreadsheet shows (header = row 1).
Column names c0..cN are generated here from integers, never from file content; every value
from the file or the user is a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import duckdb

from dtmaturity.store import pg

Cursor = duckdb.DuckDBPyConnection


def _col(index: int) -> str:
    return f"c{int(index)}"


class StageError(ValueError):
    """The file could not be read as CSV. `key` names the message; `row` is where DuckDB
    stopped. Never the line's content: DuckDB's own message quotes it ("Original Line: …"),
    and a line holds e-mails and comments, so only the kind of error and its line survive."""

    def __init__(self, key: str, row: int | None = None, **params: object) -> None:
        self.key, self.row, self.params = key, row, params
        super().__init__(key if row is None else f"{key} (row {row})")


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _stage_error(exc: duckdb.Error, skip: int) -> StageError:
    text = str(exc)
    line = _LINE.search(text)
    row = int(line.group(1)) - skip if line else None
    columns = _COLUMNS.search(text)
    if "unterminated quote" in text:
        return StageError("csv_unterminated_quote", row)
    if columns and int(columns.group(2)) > int(columns.group(1)):
        return StageError(
            "csv_too_many_columns", row, expected=columns.group(1), found=columns.group(2)
        )
    if "Maximum line size" in text or "maximum_line_size" in text:
        return StageError("csv_line_too_long", row)
    if "unicode" in text.lower() or "utf-8" in text.lower():
        return StageError("csv_bad_bytes_at", row)
    return StageError("csv_malformed_at" if row else "csv_malformed_file", row)


def stage(
    cur: Cursor,
    path: str,
    delimiter: str,
    columns: int,
    skip: int = 0,
    *,
    header_rows: int = 1,
    odd_quotes: bool = False,
    first_row: int = 1,
) -> int:
    """Read the whole file into TEMP TABLE stage; returns the number of data rows.

    Runs outside the write transaction (Store.write's `prepare`), so a failed read can be
    tried another way. The fast path reads in parallel with a fixed column count. A file with
    short rows (a spreadsheet that drops trailing empty cells) is read again with null padding,
    in parallel unless quoted fields span lines; single-threaded null padding would read an
    unterminated quote as the end of the file, so it is used only when every quote is closed
    (`odd_quotes` false). Temporary tables number their rows from an offset, so TEMP
    stage_start keeps the header's rowid: a record's spreadsheet row is `rowid - start + 1`;
    data starts after `header_rows` records. `first_row`: the sheet's row of the header, when
    rows above it were left out (a workbook's title), so messages name the sheet's rows.
    """
    if not isinstance(cur, duckdb.DuckDBPyConnection):
        # PostgreSQL: DuckDB reads the file in memory; stage keeps DuckDB's rowid as a column.
        return pg.read_with_duckdb(
            cur,
            lambda mem: stage(
                mem, path, delimiter, columns, skip,
                header_rows=header_rows, odd_quotes=odd_quotes, first_row=first_row,
            ),
            {"stage": "SELECT rowid, * FROM stage", "stage_start": "SELECT * FROM stage_start"},
        )  # fmt: skip
    names = {_col(i): "VARCHAR" for i in range(columns)}
    options = (
        "delim = ?, header = false, columns = ?, skip = ?, quote = '\"', escape = '\"', "
        "auto_detect = false"
    )
    create = f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM read_csv(?, {options}"  # noqa: S608 (constant options)
    params = [path, delimiter, names, skip]
    try:
        cur.execute(create + ")", params)
    except duckdb.Error as exc:
        first = _stage_error(exc, skip)
        if not (_COLUMNS.search(str(exc)) and first.key != "csv_too_many_columns"):
            raise first from None
        try:
            cur.execute(create + ", null_padding = true)", params)
        except duckdb.Error as again:
            if "parallel" not in str(again):
                raise _stage_error(again, skip) from None
            if odd_quotes:
                raise StageError("csv_unterminated_quote") from None
            try:
                cur.execute(create + ", null_padding = true, parallel = false)", params)
            except duckdb.Error as last:
                raise _stage_error(last, skip) from None
    count, start = cur.execute("SELECT count(*), min(rowid) FROM stage").fetchone()
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE stage_start AS "
        "SELECT ?::BIGINT - ?::BIGINT AS start, ?::BIGINT + ?::BIGINT AS first_data",
        [start, first_row - 1, start, header_rows],
    )
    return max(int(count) - header_rows, 0)


@contextmanager
def read_snapshot(cur: Cursor) -> Iterator[None]:
    """A read transaction over the database as it stands, for a dry run's checks: the TEMP
    tables made in it are gone afterwards, and nothing is written (no write lock is taken)."""
    cur.begin()
    try:
        yield
    finally:
        with suppress(duckdb.Error):
            cur.rollback()


# The spreadsheet row of a staged record, and "not a header row" (see stage()).
ROW = "(rowid - (SELECT start FROM stage_start) + 1)"
DATA = "rowid >= (SELECT first_data FROM stage_start)"


def _cell(index: int | None) -> str:
    """A trimmed cell, NULL when empty; NULL when the column is absent."""
    return f"nullif(trim({_col(index)}), '')" if index is not None else "NULL"


def _raw(index: int | None) -> str:
    """A cell exactly as written (free text keeps its spaces), NULL when empty."""
    return f"nullif({_col(index)}, '')" if index is not None else "NULL"


def _not_empty_row(columns: Iterable[int]) -> str:
    parts = [f"{_cell(i)} IS NOT NULL" for i in columns]
    return "(" + " OR ".join(parts or ["false"]) + ")"


_PREFIX = re.compile(r"^[a-z]+$")


def _respondent(keys: dict[str, int], prefix: str | None) -> str:
    """The respondent: an e-mail compared case-insensitively (stored in lower case), other ids as
    written. In a survey tool's file an empty e-mail or the tool's `anonymous` falls to the
    other e-mail column (`respondent_alt`: the form's own e-mail question, or the tool's column
    when that question was mapped as the respondent), then to the tool's response id as
    `tool:id` (`prefix` is a tool name from surveytools.TOOLS, checked here)."""
    tool = prefix is not None and bool(_PREFIX.match(prefix))
    people = []
    for key in ("respondent", "respondent_alt"):
        if key not in keys:
            continue
        email = _cell(keys[key])
        if key == "respondent_alt":  # a second source counts only where it holds an address
            people.append(f"CASE WHEN strpos({email}, '@') > 0 THEN lower({email}) END")
            continue
        anonymous = f"WHEN lower({email}) IN ('anonymous', 'anonym') THEN NULL " if tool else ""
        people.append(
            f"CASE WHEN strpos({email}, '@') > 0 THEN lower({email}) {anonymous}ELSE {email} END"
        )
    if tool and "respondent_id" in keys:
        people.append(f"'{prefix}:' || {_cell(keys['respondent_id'])}")
    if not people:
        return "NULL"
    return people[0] if len(people) == 1 else f"coalesce({', '.join(people)})"


def _keys(keys: dict[str, int], prefix: str | None = None) -> str:
    return (
        f"{_cell(keys.get('unit'))} AS unit_raw, {_cell(keys.get('period'))} AS period_raw, "
        f"{_respondent(keys, prefix)} AS respondent"
    )


def load_answer_rows(
    cur: Cursor,
    *,
    keys: dict[str, int],
    used_columns: Sequence[int],
    long_item: tuple[int, int, int | None] | None,
    wide_items: Sequence[tuple[str, int, int | None, str, str | None]],
    respondent_prefix: str | None = None,
) -> None:
    """TEMP cells: one row per answer given, with its row's unit, period and respondent.

    long_item: (item column, score column, comment column) of a long file; every non-empty row
    is a cell, so a row without an item is reported. wide_items: (item id, score column,
    comment column, score header, comment header); a cell exists where a score or comment is.
    """
    selects = []
    if long_item is not None:
        item, score, comment = long_item
        selects.append(
            f"""SELECT {ROW} AS row, {_keys(keys, respondent_prefix)}, {_cell(item)} AS item_raw,
                       {_cell(score)} AS score_raw, {_raw(comment)} AS comment,
                       NULL::INTEGER AS col
                FROM stage WHERE {DATA} AND {_not_empty_row(used_columns)}"""  # noqa: S608 (generated column names)
        )
    # A wide file's item ids and headers (from the file) are bound into TEMP wide_columns, so
    # that `cells` is a view over the staged file with no parameters, as a long file's is:
    # resolve_answers reads it once, and the cells are not copied before they are resolved. A
    # cell names its column by number (`col`); the headers are looked up for messages only.
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE wide_columns "
        "(n INTEGER, item VARCHAR, score_col VARCHAR, comment_col VARCHAR)"
    )
    if wide_items:
        columns = [list(c) for c in zip(*wide_items, strict=True)]
        cur.execute(
            "INSERT INTO wide_columns SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [list(range(len(wide_items))), columns[0], columns[3], columns[4]],
        )
    for n, (_, score, comment, _, _) in enumerate(wide_items):
        selects.append(
            f"""SELECT {ROW} AS row, {_keys(keys, respondent_prefix)}, w.item AS item_raw,
                       {_cell(score)} AS score_raw, {_raw(comment)} AS comment, w.n AS col
                FROM stage CROSS JOIN (SELECT n, item FROM wide_columns WHERE n = {int(n)}) AS w
                WHERE {DATA} AND ({_cell(score)} IS NOT NULL OR {_raw(comment)} IS NOT NULL)"""  # noqa: S608
        )
    body = " UNION ALL ".join(selects) or (
        "SELECT NULL::BIGINT AS row, NULL::VARCHAR AS unit_raw, NULL::VARCHAR AS period_raw, "
        "NULL::VARCHAR AS respondent, NULL::VARCHAR AS item_raw, NULL::VARCHAR AS score_raw, "
        "NULL::VARCHAR AS comment, NULL::INTEGER AS col "
        "WHERE false"
    )
    # Each import has a cursor of its own, so the temporary names never clash.
    cur.execute(f"CREATE TEMP VIEW cells AS {body}")  # noqa: S608 (generated)
    # Rows of a wide file with nothing but role picks or reflections still need their keys
    # checked; in a long file every non-empty row is a cell already.
    only_extras = f"{ROW} NOT IN (SELECT row FROM cells)" if long_item is None else "false"  # noqa: S608
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE rows AS
            SELECT {ROW} AS row, {_keys(keys, respondent_prefix)} FROM stage
            WHERE {DATA} AND {_not_empty_row(used_columns)} AND {only_extras}"""  # noqa: S608
    )


def load_extra_cells(
    cur: Cursor,
    keys: dict[str, int],
    roles: Sequence[tuple[int, str, str]],
    reflections: Sequence[tuple[int, str, str]],
    respondent_prefix: str | None = None,
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
            f"""INSERT INTO role_cells SELECT {ROW}, {_keys(keys, respondent_prefix)}, ?, {_cell(column)}, ?
                FROM stage WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [kind, header],
        )
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE reflection_cells (row BIGINT, {key_types}, "
        "question_id VARCHAR, text VARCHAR, col VARCHAR)"
    )
    for column, question_id, header in reflections:
        cur.execute(
            f"""INSERT INTO reflection_cells SELECT {ROW}, {_keys(keys, respondent_prefix)}, ?, {_raw(column)}, ?
                FROM stage WHERE {DATA} AND {_cell(column)} IS NOT NULL""",  # noqa: S608
            [question_id, header],
        )


@dataclass(frozen=True)
class StagedValues:
    """The distinct values of a staged file that are parsed in Python: a handful of quarter
    cells (or one timestamp per response) and scores."""

    periods: list[str]
    scores: list[str]


def staged_values(cur: Cursor, period: int | None, scores: Sequence[int]) -> StagedValues:
    """StagedValues read from the staged file's own columns (`period`: the quarter's column,
    `scores`: the score columns), not through the cells: a cell's other columns are not
    worked out for this. Every data row with a quarter or a score is a cell or a row of
    keys (both columns count as used), so these are the values the cells hold."""
    found = []
    for columns in ([period] if period is not None else [], scores):
        if not columns:
            found.append([])
            continue
        union = " UNION ALL ".join(
            f"SELECT {_cell(c)} AS raw, min(rowid) AS first FROM stage WHERE {DATA} GROUP BY 1"  # noqa: S608 (generated names)
            for c in columns
        )
        rows = cur.execute(  # in the order they first appear in the file
            f"""SELECT raw FROM ({union}) AS staged WHERE raw IS NOT NULL
                GROUP BY raw ORDER BY min(first)"""  # noqa: S608
        ).fetchall()
        found.append([raw for (raw,) in rows])
    return StagedValues(*found)


def check_respondents(cur: Cursor) -> list[str]:
    """TEMP respondents: each distinct respondent of the resolved cells and rows once, so that
    the checks of its text run once per respondent rather than once per cell. Returns those
    that could break the one-line rule (anything but printable ASCII, or `=?`;
    domain/textrules.py decides)."""
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE respondents AS
           SELECT DISTINCT respondent FROM (
               SELECT respondent FROM resolved
               UNION ALL SELECT respondent FROM resolved_extra_rows) AS staged
           WHERE respondent IS NOT NULL"""
    )
    return [
        respondent
        for (respondent,) in cur.execute(
            """SELECT respondent FROM respondents
               WHERE respondent !~ '^[ -~]*$' OR strpos(respondent, '=?') > 0"""
        ).fetchall()
    ]


def rows_with_respondents(cur: Cursor, respondents: Sequence[str]) -> list[tuple[int, str]]:
    """(row, respondent) of every staged row whose respondent is one of `respondents` (after
    resolve_answers: the staging table itself may be gone)."""
    if not respondents:
        return []
    return cur.execute(
        """SELECT DISTINCT row, respondent FROM (
               SELECT row, respondent FROM resolved
               UNION ALL SELECT row, respondent FROM resolved_extra_rows) AS staged
           WHERE respondent = ANY(?) ORDER BY row""",
        [list(respondents)],
    ).fetchall()


def first_row_with_period(cur: Cursor, raw: str) -> int | None:
    """The first data row whose quarter cell is `raw` (to name it in a message)."""
    found = cur.execute("SELECT min(row) FROM all_rows WHERE period_raw = ?", [raw]).fetchone()
    return int(found[0]) if found and found[0] is not None else None


_LOOKUPS = {"item_lookup", "period_lookup", "score_lookup", "role_lookup"}
_TYPES = {"VARCHAR", "INTEGER", "FLOAT8"}


def _insert_columns(cur: Cursor, table: str, rows: Sequence[tuple], types: list[str]) -> None:
    """Insert rows as one statement of unnested lists (executemany is one statement per row:
    seconds for the tens of thousands of distinct timestamps of a survey export)."""
    if table not in _LOOKUPS or not set(types) <= _TYPES:
        raise ValueError(f"not a lookup table: {table}")
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    selects = ", ".join(f"unnest(?::{kind}[])" for kind in types)
    cur.execute(f"INSERT INTO {table} SELECT {selects}", [list(c) for c in columns])  # noqa: S608 (allow-listed names)


def load_lookups(
    cur: Cursor,
    *,
    items: Sequence[tuple[str, str, int, int, str]],
    periods: Sequence[tuple[str, str | None]],
    scores: Sequence[tuple[str, str, float | None]],
    roles: Sequence[tuple[str, str]],
    allowed_units: Sequence[str] | None = None,
    current_period: str | None = None,
) -> None:
    """Small lookup tables: item names (key, item_id, min, max, scale), parsed periods and
    scores (raw → value per scale), role names (key, role_id), and units by id or unique name."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE item_lookup "
        "(key VARCHAR, item_id VARCHAR, scale_min INTEGER, scale_max INTEGER, scale_id VARCHAR)"
    )
    _insert_columns(
        cur, "item_lookup", items, ["VARCHAR", "VARCHAR", "INTEGER", "INTEGER", "VARCHAR"]
    )
    cur.execute("CREATE OR REPLACE TEMP TABLE period_lookup (raw VARCHAR, period VARCHAR)")
    _insert_columns(cur, "period_lookup", periods, ["VARCHAR", "VARCHAR"])
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE score_lookup (raw VARCHAR, scale_id VARCHAR, value FLOAT8)"
    )
    _insert_columns(cur, "score_lookup", scores, ["VARCHAR", "VARCHAR", "FLOAT8"])
    # The current quarter: like the check-in form, an import takes none after it.
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE current_period AS SELECT ?::VARCHAR AS period",
        [current_period or "9999-Q4"],
    )
    cur.execute("CREATE OR REPLACE TEMP TABLE role_lookup (key VARCHAR, role_id VARCHAR)")
    _insert_columns(cur, "role_lookup", roles, ["VARCHAR", "VARCHAR"])
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


# A score as stored: SMALLINT, NULL when it is no whole number a SMALLINT holds (such a cell is
# a problem, so its row is never written; the cast must not fail on it before that is known).
_SCORE = """CASE WHEN s.value = floor(s.value) AND s.value BETWEEN -32768 AND 32767
                 THEN s.value::SMALLINT END"""


def resolve_answers(cur: Cursor) -> None:
    """TEMP resolved: each answer cell with unit, period, item and score looked up, and beside
    it the answer stored under its key and what writing it would make of that (the columns of
    import_writes' TEMP changes, which select_valid makes of this table in place: the cells
    are copied once, not again for the changes); and the keys of the rows and the role and
    reflection cells (small)."""
    lookups = """LEFT JOIN unit_lookup u ON u.key = lower(x.unit_raw)
                 LEFT JOIN period_lookup p ON p.raw = x.period_raw"""
    new_score = f"coalesce({_SCORE}, a.score)"
    new_comment = "coalesce(x.comment, a.comment)"
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE resolved AS
            SELECT x.*, u.unit_id, p.period, i.item_id, i.scale_min, i.scale_max,
                   s.value AS score_value,
                   a.score AS old_score, a.scale_max AS old_scale_max, a.comment AS old_comment,
                   a.import_id AS old_import_id,
                   {new_score} AS new_score,
                   CASE WHEN s.value IS NULL THEN coalesce(a.scale_max, i.scale_max)
                        ELSE i.scale_max END AS new_scale_max,
                   {new_comment} AS new_comment,
                   CASE WHEN a.unit_id IS NULL THEN 'new'
                        WHEN {new_score} IS NOT DISTINCT FROM a.score
                         AND {new_comment} IS NOT DISTINCT FROM a.comment
                        THEN 'unchanged'
                        ELSE 'updated' END AS status
            FROM cells x {lookups}
            LEFT JOIN item_lookup i ON i.key = lower(x.item_raw)
            LEFT JOIN score_lookup s ON s.raw = x.score_raw AND s.scale_id = i.scale_id
            LEFT JOIN answer a ON a.unit_id = u.unit_id AND a.period = p.period
                AND a.respondent = x.respondent AND a.item_id = i.item_id"""  # noqa: S608 (constants)
    )
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE resolved_extra_rows AS
            SELECT x.row, x.unit_raw, x.period_raw, x.respondent, u.unit_id, p.period
            FROM (SELECT row, unit_raw, period_raw, respondent FROM rows
                  UNION SELECT row, unit_raw, period_raw, respondent FROM role_cells
                  UNION SELECT row, unit_raw, period_raw, respondent FROM reflection_cells) x
            {lookups}"""  # noqa: S608 (constants)
    )


def drop(cur: Cursor, *tables: str) -> None:
    """Free the memory of TEMP tables an import no longer reads (the staged file once its cells
    are resolved; the resolved cells once the changes are chosen): the file's copies are not
    all held at once. CASCADE: on PostgreSQL the views over a dropped table (cells over stage,
    say) go with it, as DuckDB lets them go unread; each import makes its views anew."""
    for table in tables:
        if table not in _DROPPABLE:
            raise ValueError(f"not a staging table: {table}")
        cur.execute(f"DROP TABLE IF EXISTS {table} CASCADE")  # noqa: S608 (allow-listed names)


_DROPPABLE = {"stage", "resolved", "suspect", "checked"}


def resolve_extras(cur: Cursor) -> None:
    """Role names in role cells resolved to ids: one row per name in a cell."""
    cur.execute(
        """CREATE OR REPLACE TEMP TABLE role_cells_resolved AS
           SELECT c.row, c.kind, c.col, part.raw, l.role_id
           FROM role_cells c CROSS JOIN LATERAL
                (SELECT unnest(regexp_split_to_array(trim(c.raw), '\\s*[|;,]\\s*')) AS raw) part
           LEFT JOIN role_lookup l ON l.key = lower(part.raw)
           WHERE part.raw <> ''"""
    )
