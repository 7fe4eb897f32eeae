"""SQL behind the overview and unit dashboards. Every query returns a small aggregated frame.

Each query is built as a `Query` (constant SQL text plus bound parameters) and run by `run`, so
the benchmark can time exactly the same SQL bare on DuckDB. Sums come from `answer_rollup` (one
row per unit, period and item) rather than from every answer. The queries also apply the privacy
rules (dtmaturity/privacy.py), name items, units and roles (from names passed as parameters) and
put rows in display order, so a service only fetches the finished frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

Cursor = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: dict[str, Any]


def run(cur: Cursor, query: Query) -> pd.DataFrame:
    return cur.execute(query.sql, query.params).df()


def _compose(*parts: str) -> str:
    """Join constant SQL fragments (never values: those are bound parameters)."""
    return "".join(parts)


# Every unit below $parent, labelled with the child of $parent it sits under (`row_id`), plus
# $parent itself for the answers given directly at the parent.
_FAMILY = """
WITH RECURSIVE branch(unit_id, row_id) AS (
    SELECT unit_id, unit_id FROM unit WHERE parent_id = $parent
    UNION ALL
    SELECT u.unit_id, b.row_id FROM unit u JOIN branch b ON u.parent_id = b.unit_id
), members AS (
    SELECT unit_id, row_id FROM branch
    UNION ALL
    SELECT unit_id, unit_id FROM unit WHERE unit_id = $parent
)
"""

_SUBTREE = """
WITH RECURSIVE subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $unit
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id
)
"""

# --- guarded cells: the privacy rules of dtmaturity/privacy.py, decided inside DuckDB --------
#
# A query that shows scores starts with its own `spots(unit_id, ...)` (units shown as one row
# each, rolled up over their subtree) and `node_families(family)` (units whose children are
# shown as rows). `_GUARDED_CELLS` then builds, for every family involved (a parent, its children
# each with their subtree, and the answers given at the parent itself), n, the sum of scores
# and the actor's own n per row, period and item, and decides `hidden`:
# - a cell from fewer than $k answers is hidden, unless every answer in it is the actor's own;
# - differencing: in each family cell (family, period, item) whose hidden rows hold some but
#   fewer than $k answers, the visible children are hidden too, smallest n first (ties by id),
#   while the hidden answers before them number fewer than $k.
# A spot is decided within its parent's family; a top unit (no stored parent) is decided on its
# own (family '': its cell is the sum of its own family's rows). So the overview and the unit
# page always agree.
_GUARDED_CELLS = """
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
), own AS (
    SELECT unit_id, period, item_id, count(*) AS n_own
    FROM answer
    WHERE respondent = $me AND score IS NOT NULL
      AND list_contains($item_ids, item_id)
      AND ($all_periods OR list_contains($periods, period))
    GROUP BY ALL
), family_cells AS (
    SELECT m.family, m.row_id, r.period, r.item_id,
           sum(r.n)::BIGINT AS n, sum(r.total)::BIGINT AS total,
           coalesce(sum(o.n_own), 0)::BIGINT AS n_own
    FROM answer_rollup r
    JOIN members m USING (unit_id)
    LEFT JOIN own o USING (unit_id, period, item_id)
    WHERE list_contains($item_ids, r.item_id)
      AND ($all_periods OR list_contains($periods, r.period))
    GROUP BY m.family, m.row_id, r.period, r.item_id
), top_cells AS (
    SELECT '' AS family, family AS row_id, period, item_id,
           sum(n)::BIGINT AS n, sum(total)::BIGINT AS total, sum(n_own)::BIGINT AS n_own
    FROM family_cells
    WHERE family IN (SELECT unit_id FROM placed WHERE family = '')
    GROUP BY family, period, item_id
), flagged AS (
    SELECT *, NOT (n >= $k OR (n > 0 AND n_own >= n)) AS small
    FROM (SELECT * FROM family_cells UNION ALL SELECT * FROM top_cells)
), summed AS (
    SELECT *,
           sum(CASE WHEN small THEN n ELSE 0 END) OVER family_cell AS hidden_n,
           coalesce(sum(CASE WHEN row_id <> family AND n > 0 AND NOT small THEN n ELSE 0 END)
               OVER (family_cell ORDER BY n, row_id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS hidden_before
    FROM flagged
    WINDOW family_cell AS (PARTITION BY family, period, item_id)
), guarded AS (
    SELECT family, row_id, period, item_id, n, total,
           small OR (row_id <> family AND n > 0 AND hidden_n > 0 AND hidden_n + hidden_before < $k)
               AS hidden,
           CASE WHEN NOT hidden AND n > 0 THEN total / n END AS mean
    FROM summed
), spot_cells AS (
    SELECT s.*, g.period, g.item_id, g.n, g.mean, g.hidden
    FROM placed s JOIN guarded g ON g.family = s.family AND g.row_id = s.unit_id
)
"""


def _cells_params(
    periods: list[str] | None, items: list[tuple[str, str]], me: str, k: int
) -> dict[str, Any]:
    return {
        "all_periods": periods is None,
        "periods": list(periods or []),
        "item_ids": [item_id for item_id, _ in items],
        "item_names": [name for _, name in items],
        "me": me,
        "k": k,
    }


_NO_NODE_FAMILIES = ", node_families(family) AS (SELECT NULL::VARCHAR WHERE false)\n"

NODE_TREND_SQL = _compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $unit)",
    _NO_NODE_FAMILIES,
    _GUARDED_CELLS,
    """
SELECT c.item_id, c.period, c.mean, c.n, i.item, c.hidden
FROM spot_cells c JOIN items i USING (item_id)
WHERE c.n > 0
ORDER BY i.item_order, c.period
""",
)


def node_trend(
    unit_id: str, periods: list[str] | None, items: list[tuple[str, str]], me: str, k: int
) -> Query:
    """One unit rolled up over its subtree, per item (id, name; in framework order) and period:
    item_id, period, mean, n, item, hidden. Hidden cells keep their n but have no mean."""
    params = {"unit": unit_id, **_cells_params(periods, items, me, k)}
    return Query("node_trend", NODE_TREND_SQL, params)


_NODE_AND_CHILDREN = _compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $node), node_families(family) AS (SELECT $node)",
    _GUARDED_CELLS,
    """
, rows AS (
    SELECT unit_id AS row_id, true AS is_total, period, item_id, n, mean, hidden
    FROM spot_cells
    UNION ALL
    SELECT row_id, false, period, item_id, n, mean, hidden
    FROM guarded WHERE family = $node AND row_id <> $node
), named AS (
    SELECT r.row_id, coalesce(u.name, r.row_id) AS unit, r.is_total, r.period, r.item_id, i.item,
           r.mean, r.n, r.hidden, i.item_order,
           CASE WHEN r.is_total THEN '' ELSE coalesce(u.name, r.row_id) END AS unit_order
    FROM rows r JOIN items i USING (item_id) LEFT JOIN unit u ON u.unit_id = r.row_id
    WHERE r.n > 0
)
""",
)

OVERVIEW_CELLS_SQL = _compose(
    _NODE_AND_CHILDREN,
    """
SELECT row_id, unit, is_total, period, item_id, item, mean, n, hidden
FROM named
ORDER BY unit_order, item_order, row_id, period
""",
)


def overview_cells(
    node_id: str, periods: list[str], items: list[tuple[str, str]], me: str, k: int
) -> Query:
    """The node (as "all of it", `is_total`) and each unit directly below it, per item and
    period: row_id, unit, is_total, period, item_id, item, mean, n, hidden."""
    params = {"node": node_id, **_cells_params(periods, items, me, k)}
    return Query("overview_cells", OVERVIEW_CELLS_SQL, params)


CHANGES_SQL = _compose(
    _NODE_AND_CHILDREN,
    """
, wide AS (
    SELECT row_id, unit, is_total, item_id, item, unit_order, item_order,
           max(mean) FILTER (WHERE period = $period) AS mean,
           max(mean) FILTER (WHERE period = $previous) AS mean_previous,
           max(mean) FILTER (WHERE period = $year_ago) AS mean_year_ago
    FROM named
    GROUP BY ALL
)
SELECT row_id, unit, is_total, item_id, item, mean, mean_previous, mean_year_ago,
       mean - mean_previous AS change_previous, mean - mean_year_ago AS change_year
FROM wide
WHERE mean IS NOT NULL
ORDER BY unit_order, item_order, row_id
""",
)


def changes(
    node_id: str,
    period: str,
    previous: str,
    year_ago: str,
    items: list[tuple[str, str]],
    me: str,
    k: int,
) -> Query:
    """Per row of the overview and item: mean now, the period before and a year before, and the
    changes (none where either side is hidden or missing)."""
    params = {
        "node": node_id,
        "period": period,
        "previous": previous,
        "year_ago": year_ago,
        **_cells_params([period, previous, year_ago], items, me, k),
    }
    return Query("changes", CHANGES_SQL, params)


SPREAD_SQL = _compose(
    _NODE_AND_CHILDREN,
    """
SELECT row_id, unit, is_total, period, item_id, item, mean, n, hidden,
       (rank() OVER (PARTITION BY item_id ORDER BY mean DESC))::DOUBLE AS rank,
       count(*) OVER (PARTITION BY item_id) AS "of"
FROM named
WHERE NOT is_total AND NOT hidden
ORDER BY unit_order, item_order, row_id
""",
)


def spread(node_id: str, period: str, items: list[tuple[str, str]], me: str, k: int) -> Query:
    """The shown units below the node in one period, with their rank per item (1 = highest
    mean) among `of` units."""
    params = {"node": node_id, **_cells_params([period], items, me, k)}
    return Query("spread", SPREAD_SQL, params)


COMPARE_SQL = _compose(
    """
WITH RECURSIVE ancestors(unit_id, depth) AS (
    SELECT unit_id, 0 FROM unit WHERE unit_id = $unit
    UNION ALL
    SELECT p.unit_id, a.depth + 1
    FROM ancestors a JOIN unit u ON u.unit_id = a.unit_id JOIN unit p ON p.unit_id = u.parent_id
    WHERE a.depth < 64
), spots(unit_id, role, level) AS (
    SELECT unit_id, CASE depth WHEN 0 THEN 'unit' WHEN 1 THEN 'parent' ELSE 'organisation' END,
           least(depth, 2)::BIGINT
    FROM ancestors
    WHERE depth <= 1 OR depth = (SELECT max(depth) FROM ancestors)
)""",
    _NO_NODE_FAMILIES,
    _GUARDED_CELLS,
    """
SELECT coalesce(u.name, c.unit_id) AS "group", c.role, c.period, c.mean, c.n, c.hidden, c.level
FROM spot_cells c LEFT JOIN unit u USING (unit_id)
WHERE c.n > 0
ORDER BY c.level, c.period
""",
)


def compare(unit_id: str, item: tuple[str, str], me: str, k: int) -> Query:
    """The unit, its parent and its top unit over time for one item, each decided within its
    own family: group, role (unit | parent | organisation), period, mean, n, hidden, level."""
    params = {"unit": unit_id, **_cells_params(None, [item], me, k)}
    return Query("compare", COMPARE_SQL, params)


LIKERT_SQL = _compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $node)",
    _NO_NODE_FAMILIES,
    _GUARDED_CELLS,
    """
, subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $node
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id
), levels AS (
    SELECT unnest($level_items::VARCHAR[]) AS item_id, unnest($level_scores::INTEGER[]) AS score,
           unnest($level_labels::VARCHAR[]) AS label
), middles AS (
    SELECT unnest($item_ids::VARCHAR[]) AS item_id, unnest($item_middles::DOUBLE[]) AS middle
), counts AS (
    SELECT a.item_id, a.score, count(*)::BIGINT AS count
    FROM answer a JOIN subtree USING (unit_id)
    WHERE a.period = $period AND a.score IS NOT NULL
      AND a.item_id IN (SELECT item_id FROM spot_cells WHERE NOT hidden)
    GROUP BY a.item_id, a.score
), shares AS (
    SELECT c.*, sum(c.count) OVER per_item AS n, c.count / sum(c.count) OVER per_item AS share,
           CASE WHEN c.score < m.middle THEN 1.0 WHEN c.score = m.middle THEN 0.5 ELSE 0.0 END
               AS left_weight
    FROM counts c JOIN middles m USING (item_id)
    WINDOW per_item AS (PARTITION BY c.item_id)
), laid AS (
    SELECT *,
           sum(share) OVER (PARTITION BY item_id ORDER BY score ROWS UNBOUNDED PRECEDING)
           - sum(share * left_weight) OVER (PARTITION BY item_id) AS "end"
    FROM shares
)
SELECT l.item_id, i.item, l.score, v.label, l.count, l.n::BIGINT AS n, l.share,
       l."end" - l.share AS start, l."end"
FROM laid l JOIN items i USING (item_id) LEFT JOIN levels v USING (item_id, score)
ORDER BY i.item_order, l.score
""",
)


def likert(
    node_id: str,
    period: str,
    items: list[tuple[str, str, float]],
    levels: list[tuple[str, int, str]],
    me: str,
    k: int,
) -> Query:
    """Share of each score per item (id, name, middle of its scale) over the node's subtree in
    one period, laid out for a diverging bar (scores below the middle left of zero, the middle
    one split across it): item_id, item, score, label, count, n, share, start, end. Items whose
    figure for the node is hidden are left out. `levels` names each (item, score)."""
    params = {
        "node": node_id,
        "period": period,
        **_cells_params([period], [(i, name) for i, name, _ in items], me, k),
        "item_middles": [middle for _, _, middle in items],
        "level_items": [item_id for item_id, _, _ in levels],
        "level_scores": [score for _, score, _ in levels],
        "level_labels": [label for _, _, label in levels],
    }
    return Query("likert", LIKERT_SQL, params)


PARTICIPATION_SQL = _compose(
    _FAMILY,
    """
, expected AS (
    SELECT m.row_id, count(*)::BIGINT AS expected
    FROM unit_member um JOIN members m USING (unit_id)
    GROUP BY m.row_id
), checked AS (
    SELECT m.row_id, c.period, count(*)::BIGINT AS checked_in
    FROM checkin c JOIN members m USING (unit_id)
    WHERE c.period BETWEEN $first AND $last
    GROUP BY m.row_id, c.period
), quarters AS (
    SELECT DISTINCT period FROM checked
), counted AS (
    SELECT m.row_id, q.period, coalesce(c.checked_in, 0) AS checked_in,
           coalesce(e.expected, 0) AS expected
    FROM (SELECT DISTINCT row_id FROM members) m
    CROSS JOIN quarters q
    LEFT JOIN checked c ON c.row_id = m.row_id AND c.period = q.period
    LEFT JOIN expected e ON e.row_id = m.row_id
)
SELECT c.row_id, c.period, c.checked_in, c.expected,
       coalesce(u.name, c.row_id) || CASE WHEN c.row_id = $parent THEN $own_suffix ELSE '' END
           AS unit,
       greatest(c.expected - c.checked_in, 0) AS missing,
       CASE WHEN c.expected > 0 THEN c.checked_in / c.expected END AS rate
FROM counted c LEFT JOIN unit u ON u.unit_id = c.row_id
WHERE c.expected > 0 OR c.checked_in > 0
ORDER BY c.row_id <> $parent, unit, c.period
""",
)


def participation(parent_id: str, first: str, last: str, own_suffix: str) -> Query:
    """Check-ins per row (child subtree, or the parent's own leaders, named with `own_suffix`)
    and period against the number of leaders registered there: row_id, period, checked_in,
    expected, unit, missing, rate. The parent's own row first, then by name."""
    return Query(
        "participation",
        PARTICIPATION_SQL,
        {"parent": parent_id, "first": first, "last": last, "own_suffix": own_suffix},
    )


PERIODS_SQL = _compose(
    _SUBTREE,
    """
SELECT DISTINCT r.period FROM answer_rollup r JOIN subtree USING (unit_id) ORDER BY r.period DESC
""",
)


def periods(unit_id: str) -> Query:
    """Periods with answers in the unit's subtree, newest first."""
    return Query("periods", PERIODS_SQL, {"unit": unit_id})


_GROUP = """
WITH RECURSIVE subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $unit
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id WHERE $below
)
"""

ROLE_COUNTS_SQL = _compose(
    _GROUP,
    """
, picks AS (
    SELECT r.kind, r.role_id, count(*)::BIGINT AS count
    FROM role_pick r JOIN subtree USING (unit_id)
    WHERE r.period = $period
    GROUP BY r.kind, r.role_id
), respondents AS (
    SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE c.respondent = $me)::BIGINT AS n_own
    FROM checkin c JOIN subtree USING (unit_id)
    WHERE c.period = $period
), kinds AS (
    SELECT unnest(['most', 'want', 'more']) AS kind, generate_subscripts(['most', 'want', 'more'], 1)
        AS kind_order
), roles AS (
    SELECT unnest($roles::VARCHAR[]) AS role_id, unnest($role_names::VARCHAR[]) AS role,
           generate_subscripts($roles::VARCHAR[], 1) AS role_order
), counted AS (
    SELECT k.kind, r.role_id, coalesce(p.count, 0)::BIGINT AS count, s.n, r.role,
           k.kind_order, r.role_order, s.n_own
    FROM kinds k CROSS JOIN roles r CROSS JOIN respondents s
    LEFT JOIN picks p ON p.kind = k.kind AND p.role_id = r.role_id
), balanced AS (
    SELECT *,
           sum(count) FILTER (WHERE kind = 'most') OVER per_role AS most,
           sum(count) FILTER (WHERE kind = 'want') OVER per_role AS want,
           sum(count) FILTER (WHERE kind = 'more') OVER per_role AS more
    FROM counted
    WINDOW per_role AS (PARTITION BY role_id)
)
SELECT kind, role_id, count, n, role,
       CASE WHEN n > 0 THEN count / n END AS share,
       NOT (n >= $k OR (n > 0 AND n_own >= n)) AS hidden,
       most::BIGINT AS most, want::BIGINT AS want, more::BIGINT AS more,
       CASE WHEN most = 0 THEN 'lacking' WHEN most >= $many_share * n THEN 'many' ELSE '' END
           AS status
FROM balanced
ORDER BY kind_order, role_order
""",
)


def role_counts(
    unit_id: str,
    period: str,
    *,
    include_below: bool,
    roles: list[tuple[str, str]],
    me: str,
    k: int,
    many_share: float,
) -> Query:
    """Per kind (most, want, more) and role (id, name; in framework order), the leaders picking
    it in one period, zero included: kind, role_id, count, n (check-ins), role, share; `hidden`
    when the group is too small to show (privacy.py); and per role the counts of each kind and
    a status, "lacking" (nobody takes it most often) or "many" (at least `many_share` do)."""
    return Query(
        "role_counts",
        ROLE_COUNTS_SQL,
        {
            "unit": unit_id,
            "period": period,
            "below": include_below,
            "roles": [role_id for role_id, _ in roles],
            "role_names": [name for _, name in roles],
            "me": me,
            "k": k,
            "many_share": many_share,
        },
    )


_REFLECTION_FILTER = """
    ($question = '' OR r.question_id = $question)
    AND ($search = '' OR contains(lower(r.answer), lower($search)))
"""

REFLECTION_PERIODS_SQL = _compose(
    _SUBTREE,
    """
, pool AS (
    SELECT c.period, count(*)::BIGINT AS pool,
           count(*) FILTER (WHERE c.respondent = $me)::BIGINT AS pool_own
    FROM checkin c JOIN subtree USING (unit_id)
    WHERE $all_periods OR list_contains($periods, c.period)
    GROUP BY c.period
), matching AS (
    SELECT r.period, count(*)::BIGINT AS matching
    FROM reflection r JOIN subtree USING (unit_id)
    WHERE """,
    _REFLECTION_FILTER,
    """
    GROUP BY r.period
)
SELECT p.period, p.pool, p.pool_own, m.matching,
       p.pool >= $threshold OR (p.pool > 0 AND p.pool_own >= p.pool) AS shown
FROM pool p JOIN matching m USING (period)
ORDER BY p.period DESC
""",
)


def reflection_periods(
    unit_id: str,
    *,
    periods: list[str] | None,
    question: str,
    search: str,
    me: str,
    threshold: int,
) -> Query:
    """Per period (of `periods`, or all) with reflections matching the filters: how many leaders
    checked in (the pool a text could come from), how many of those were the actor, how many
    texts match, and whether they may be `shown` (privacy.py: at least `threshold` leaders, or
    only the actor)."""
    return Query(
        "reflection_periods",
        REFLECTION_PERIODS_SQL,
        {
            "unit": unit_id,
            "all_periods": periods is None,
            "periods": list(periods or []),
            "question": question,
            "search": search,
            "me": me,
            "threshold": threshold,
        },
    )


REFLECTION_ROWS_SQL = _compose(
    _SUBTREE,
    """
, questions AS (
    SELECT unnest($question_ids::VARCHAR[]) AS question_id,
           unnest($question_texts::VARCHAR[]) AS question
)
SELECT r.period, r.question_id, r.answer, coalesce(q.question, r.question_id) AS question
FROM reflection r JOIN subtree USING (unit_id) LEFT JOIN questions q USING (question_id)
WHERE list_contains($periods, r.period) AND """,
    _REFLECTION_FILTER,
    """
ORDER BY r.period DESC, r.question_id, r.answer
LIMIT $limit
""",
)


def reflection_rows(
    unit_id: str,
    periods: list[str],
    *,
    question: str,
    search: str,
    limit: int,
    questions: list[tuple[str, str]],
) -> Query:
    """Reflection texts (no names) of the given periods that match the filters, newest first,
    with the text of their question (id, text)."""
    return Query(
        "reflection_rows",
        REFLECTION_ROWS_SQL,
        {
            "unit": unit_id,
            "periods": list(periods),
            "question": question,
            "search": search,
            "limit": limit,
            "question_ids": [question_id for question_id, _ in questions],
            "question_texts": [text for _, text in questions],
        },
    )
