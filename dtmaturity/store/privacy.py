"""The privacy rule's SQL (dtmaturity/domain/privacy.py states the rule).

Two halves:
- the counts the rule decides from: per unit, quarter and measure, every answer given at the
  unit itself (`score_groups`, `checkin_groups`, `target_groups`: the same for every viewer,
  one row per column), and apart from them how many the viewer knows, because they gave them
  or imported them (`score_known`, `checkin_known`, `target_known`: few rows); `unit_parents`
  gives the tree. Rows a viewer imported never count towards k for that viewer, so nobody can
  import made-up respondents to lift a group over k for themselves;
- `PRIVACY_CELLS`, the fragment every score query starts from: it sums the answer rollup per
  shown cell and marks the cells the rule hid (bound as parameters, with their reason), so a
  hidden cell keeps its n but has no mean.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from dtmaturity.store.querying import Cursor, Query, compose

UNIT_PARENTS_SQL = "SELECT unit_id, parent_id FROM unit ORDER BY unit_id"


def unit_parents() -> Query:
    """Every unit and its parent (NULL at the top)."""
    return Query("unit_parents", UNIT_PARENTS_SQL, {})


# The answers a viewer knows: those they gave, and the rows of files they imported (e-mails
# compared without case). Few rows, read per viewer. Written as two disjoint arms rather than
# one condition with OR, so that each arm is an index lookup on PostgreSQL (migration 42: the
# answers by folded respondent and by import) instead of a scan of every answer.
_KNOWN_ANSWERS = """
WITH my_imports AS (
    SELECT import_id FROM import_log WHERE lower(actor) = lower($me)
), known AS (
    SELECT a.unit_id, a.period, a.item_id, a.respondent, a.score, true AS mine
    FROM answer a
    WHERE lower(a.respondent) = lower($me)
      AND ($all_periods OR a.period = ANY($periods))
    UNION ALL
    SELECT a.unit_id, a.period, a.item_id, a.respondent, a.score, false AS mine
    FROM answer a JOIN my_imports m ON m.import_id = a.import_id
    WHERE lower(a.respondent) <> lower($me)
      AND ($all_periods OR a.period = ANY($periods))
)
"""


def _per_column(sql: str) -> str:
    """Counts per unit as one row per column (quarter and key): each unit's position in
    `UNIT_PARENTS_SQL`'s order and its count packed into one number (position × 2³² + count),
    in one list, so a column reaches the privacy rule as arrays, without a Python object per
    unit. One list rather than two ordered ones: SQL promises no common order to two
    aggregates without an ORDER BY each, and ordering each column's list took PostgreSQL a
    sort per column (300 ms for every quarter of the national demo's themes, 170 ms without);
    `read_columns` orders them."""
    return compose(_PER_COLUMN_HEAD, sql, _PER_COLUMN_TAIL)


_PACKED = 2**32  # a count is below it, and a position is shifted above it (as in the SQL)

_PER_COLUMN_HEAD = """
WITH unit_ix AS (
    SELECT unit_id, (row_number() OVER (ORDER BY unit_id) - 1)::BIGINT AS ix FROM unit
)
SELECT c.period, c.key, array_agg(x.ix * 4294967296 + c.n::BIGINT) AS cells
FROM (
"""
_PER_COLUMN_TAIL = """
) c JOIN unit_ix x USING (unit_id)
WHERE c.n > 0
GROUP BY c.period, c.key
ORDER BY c.period, c.key
"""


@dataclass(frozen=True)
class CountColumns:
    """The unit tree and one counts query's columns, read in one transaction so the units'
    positions match the tree. `columns` maps (quarter, key) to the positions in `unit_ids` of
    the units with counted answers and their counts (int32 arrays)."""

    unit_ids: tuple[str, ...]
    parents: dict[str, str | None]
    tree_key: str  # a digest of the tree: decisions are cached by it
    columns: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]


def read_columns(cur: Cursor, counts: Query) -> CountColumns:
    """The tree and `counts` (a `score_groups`, `checkin_groups` or `target_groups` query)."""
    cur.begin()
    try:
        tree = cur.execute(UNIT_PARENTS_SQL).fetchall()
        table = cur.sql(counts.sql, params=counts.params).to_arrow_table()
    finally:
        cur.rollback()  # read only
    unit_ids = tuple(unit for unit, _ in tree)
    if table.num_rows == 0:
        return CountColumns(unit_ids, dict(tree), "", {})
    digest = hashlib.sha256("\n".join(f"{u}\t{p or ''}" for u, p in tree).encode()).hexdigest()
    cells = table.column("cells").combine_chunks()
    offsets = cells.offsets.to_numpy()
    packed = cells.values.to_numpy(zero_copy_only=False)[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    # Each column's cells in the units' order: sorted by column, then by the packed number,
    # whose high bits are the position (one cell per unit and column).
    column_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    packed = packed[np.lexsort((packed, column_of))]
    positions = (packed >> 32).astype(np.int32)
    numbers = (packed & (_PACKED - 1)).astype(np.int32)
    columns = {
        (period, key): (
            positions[offsets[i] : offsets[i + 1]],
            numbers[offsets[i] : offsets[i + 1]],
        )
        for i, (period, key) in enumerate(
            zip(table.column("period").to_pylist(), table.column("key").to_pylist(), strict=True)
        )
    }
    return CountColumns(unit_ids, dict(tree), digest, columns)


# Every answer counts, registered leader or not (what the viewer knows is marked apart).
SCORE_COUNTS_SQL = """
SELECT r.unit_id, r.period, r.item_id AS key, r.n::BIGINT AS n
FROM answer_rollup r
WHERE r.item_id = ANY($item_ids)
  AND ($all_periods OR r.period = ANY($periods))
"""

SCORE_KNOWN_SQL = compose(
    _KNOWN_ANSWERS,
    """SELECT unit_id, period, item_id AS key, count(*)::BIGINT AS n_known,
       count(*) FILTER (WHERE mine)::BIGINT AS n_own
FROM known
WHERE score IS NOT NULL AND item_id = ANY($item_ids)
GROUP BY unit_id, period, item_id""",
)


def score_groups(periods: list[str] | None, item_ids: list[str]) -> Query:
    """Per quarter and item (`key`): the units with answers given at the unit, and how many
    (the same for every viewer)."""
    return Query(
        "score_groups",
        _per_column(SCORE_COUNTS_SQL),
        {"all_periods": periods is None, "periods": list(periods or []), "item_ids": item_ids},
    )


def score_known(periods: list[str] | None, item_ids: list[str], me: str) -> Query:
    """Per unit, quarter and item (`key`): how many answers the viewer knows (`n_known`: gave
    or imported) and gave (`n_own`)."""
    return Query(
        "score_known",
        SCORE_KNOWN_SQL,
        {
            "all_periods": periods is None,
            "periods": list(periods or []),
            "item_ids": list(item_ids),
            "me": me,
        },
    )


CHECKIN_COUNTS_SQL = """
SELECT unit_id, period, '' AS key, count(*)::BIGINT AS n
FROM checkin
WHERE $all_periods OR period = ANY($periods)
GROUP BY unit_id, period
"""

# The check-ins the viewer gave, and those with an answer the viewer knows (a row of their
# import), joined by the check-in's key (not tested per check-in, which PostgreSQL would do
# for each of them).
CHECKIN_KNOWN_SQL = compose(
    _KNOWN_ANSWERS,
    """, known_checkins AS (
    SELECT unit_id, period, respondent FROM checkin
    WHERE lower(respondent) = lower($me) AND ($all_periods OR period = ANY($periods))
    UNION
    SELECT unit_id, period, respondent FROM known
)
SELECT c.unit_id, c.period, '' AS key, count(*)::BIGINT AS n_known,
       count(*) FILTER (WHERE lower(c.respondent) = lower($me))::BIGINT AS n_own
FROM checkin c JOIN known_checkins k
  ON k.unit_id = c.unit_id AND k.period = c.period AND k.respondent = c.respondent
GROUP BY c.unit_id, c.period""",
)


def checkin_groups(periods: list[str] | None) -> Query:
    """Per quarter (`key` ''): the units and their check-ins (the group behind role picks and
    reflections), every respondent counted."""
    return Query(
        "checkin_groups",
        _per_column(CHECKIN_COUNTS_SQL),
        {"all_periods": periods is None, "periods": list(periods or [])},
    )


def checkin_known(periods: list[str] | None, me: str) -> Query:
    """Per unit and quarter (`key` ''): the check-ins the viewer knows (gave, or imported a
    row of) and gave."""
    return Query(
        "checkin_known",
        CHECKIN_KNOWN_SQL,
        {"all_periods": periods is None, "periods": list(periods or []), "me": me},
    )


# The latest target each leader set for a unit, item and target quarter (a later check-in's
# target for the same quarter replaces an earlier one). Targets are set in check-ins only.
_LATEST_TARGETS = """
WITH latest AS (
    SELECT DISTINCT unit_id, respondent, item_id, target_period
    FROM target
    WHERE period <= $as_of
)
"""

TARGET_COUNTS_SQL = compose(
    _LATEST_TARGETS,
    """SELECT unit_id, target_period AS period, item_id AS key, count(*)::BIGINT AS n
FROM latest
GROUP BY unit_id, target_period, item_id""",
)

TARGET_KNOWN_SQL = compose(
    _LATEST_TARGETS,
    """SELECT unit_id, target_period AS period, item_id AS key, count(*)::BIGINT AS n_known,
       count(*)::BIGINT AS n_own
FROM latest
WHERE lower(respondent) = lower($me)
GROUP BY unit_id, target_period, item_id""",
)


def target_groups(as_of: str) -> Query:
    """Per target quarter (`period`) and item (`key`): the units and their leaders whose
    latest target (set up to `as_of`) counts."""
    return Query("target_groups", _per_column(TARGET_COUNTS_SQL), {"as_of": as_of})


def target_known(as_of: str, me: str) -> Query:
    """Per unit, target quarter and item: the viewer's latest target (known and given: targets
    are set in check-ins only)."""
    return Query("target_known", TARGET_KNOWN_SQL, {"as_of": as_of, "me": me})


# --- the shown cells of the score dashboards -------------------------------------------------
#
# A query that shows scores starts with its own `spots(unit_id, ...)` (units shown as one row
# each, rolled up over their subtree) and `node_families(family)` (units whose children are
# shown as rows). `PRIVACY_CELLS` then builds, for every family involved (a parent, its children
# each with their subtree, and the answers given at the parent itself), n and the sum of scores
# per row, period and item, and marks `hidden` (with `reason`) the cells in the bound list of
# hidden cells: a family's child row is the cell (child, below), its own row (parent, not
# below), a top unit's row (unit, below).
PRIVACY_CELLS = """
, placed AS (
    SELECT s.*, coalesce(p.unit_id, '') AS family
    FROM spots s JOIN unit u USING (unit_id) LEFT JOIN unit p ON p.unit_id = u.parent_id
), families AS (
    SELECT family FROM placed WHERE family <> ''
    UNION SELECT unit_id FROM placed WHERE family = ''
    UNION SELECT family FROM node_families
), members(family, row_id, unit_id) AS (
    -- Seeded with the parents themselves (their row holds the answers given at the parent), not
    -- their children: DuckDB estimates a recursive CTE at about 1,000 times its seed, and a
    -- small estimate makes it hash the members rather than the whole answer rollup.
    SELECT u.unit_id, u.unit_id, u.unit_id FROM families f JOIN unit u ON u.unit_id = f.family
    UNION ALL
    SELECT m.family, CASE WHEN m.row_id = m.family THEN u.unit_id ELSE m.row_id END, u.unit_id
    FROM members m JOIN unit u ON u.parent_id = m.unit_id
), items AS (
    SELECT unnest($item_ids::VARCHAR[]) AS item_id, unnest($item_names::VARCHAR[]) AS item,
           generate_subscripts($item_ids::VARCHAR[], 1) AS item_order
), hidden_cells AS (
    SELECT unnest($hidden_units::VARCHAR[]) AS unit_id,
           unnest($hidden_below::BOOLEAN[]) AS below,
           unnest($hidden_periods::VARCHAR[]) AS period,
           unnest($hidden_items::VARCHAR[]) AS item_id,
           unnest($hidden_reasons::VARCHAR[]) AS reason
), family_cells AS (
    SELECT m.family, m.row_id, r.period, r.item_id,
           sum(r.n)::BIGINT AS n, sum(r.total)::BIGINT AS total
    FROM answer_rollup r
    JOIN members m USING (unit_id)
    WHERE r.item_id = ANY($item_ids)
      AND ($all_periods OR r.period = ANY($periods))
    GROUP BY m.family, m.row_id, r.period, r.item_id
), top_cells AS (
    SELECT '' AS family, family AS row_id, period, item_id,
           sum(n)::BIGINT AS n, sum(total)::BIGINT AS total
    FROM family_cells
    WHERE family IN (SELECT unit_id FROM placed WHERE family = '')
    GROUP BY family, period, item_id
), privacy_cells AS (
    SELECT c.family, c.row_id, c.period, c.item_id, c.n, c.total,
           h.reason IS NOT NULL AS hidden, h.reason,
           CASE WHEN h.reason IS NULL AND c.n > 0 THEN c.total::FLOAT8 / c.n END AS mean
    FROM (SELECT * FROM family_cells UNION ALL SELECT * FROM top_cells) c
    LEFT JOIN hidden_cells h
      ON h.unit_id = c.row_id AND h.below = (c.row_id <> c.family)
     AND h.period = c.period AND h.item_id = c.item_id
), spot_cells AS (
    SELECT s.*, g.period, g.item_id, g.n, g.mean, g.hidden, g.reason
    FROM placed s JOIN privacy_cells g ON g.family = s.family AND g.row_id = s.unit_id
)
"""

# A hidden cell as bound: (unit_id, below, period, key, reason).
HiddenCell = tuple[str, bool, str, str, str]


def cells_params(
    periods: list[str] | None, items: list[tuple[str, str]], hidden: list[HiddenCell]
) -> dict[str, Any]:
    """The parameters of PRIVACY_CELLS: periods (None: all), items (id, name; in display
    order) and the hidden cells the privacy rule decided for them."""
    return {
        "all_periods": periods is None,
        "periods": list(periods or []),
        "item_ids": [item_id for item_id, _ in items],
        "item_names": [name for _, name in items],
        "hidden_units": [h[0] for h in hidden],
        "hidden_below": [h[1] for h in hidden],
        "hidden_periods": [h[2] for h in hidden],
        "hidden_items": [h[3] for h in hidden],
        "hidden_reasons": [h[4] for h in hidden],
    }
