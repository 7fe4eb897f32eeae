"""SQL behind the score dashboards (unit and overview pages): each query returns a small
aggregated frame, summed from `answer_rollup` (one row per unit, period and item) rather than
from every answer, with the cells the privacy rule hid (dtmaturity/store/privacy.py) marked and
without a mean, items, units and roles named from parameters and rows in display order, so a
service only fetches the finished frame.
"""

from __future__ import annotations

from dtmaturity.store.privacy import PRIVACY_CELLS, HiddenCell, cells_params
from dtmaturity.store.querying import SUBTREE, Query, compose

_NO_NODE_FAMILIES = ", node_families(family) AS (SELECT NULL::VARCHAR WHERE false)\n"

NODE_TREND_SQL = compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $unit)",
    _NO_NODE_FAMILIES,
    PRIVACY_CELLS,
    """
SELECT c.item_id, c.period, c.mean, c.n, i.item, c.hidden, c.reason
FROM spot_cells c JOIN items i USING (item_id)
WHERE c.n > 0
ORDER BY i.item_order, c.period
""",
)


def node_trend(
    unit_id: str, periods: list[str] | None, items: list[tuple[str, str]], hidden: list[HiddenCell]
) -> Query:
    """One unit rolled up over its subtree, per item (id, name; in framework order) and period:
    item_id, period, mean, n, item, hidden, reason. Hidden cells keep their n but have no
    mean."""
    params = {"unit": unit_id, **cells_params(periods, items, hidden)}
    return Query("node_trend", NODE_TREND_SQL, params)


_NODE_AND_CHILDREN = compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $node), node_families(family) AS (SELECT $node)",
    PRIVACY_CELLS,
    """
, rows AS (
    SELECT unit_id AS row_id, true AS is_total, period, item_id, n, mean, hidden, reason
    FROM spot_cells
    UNION ALL
    SELECT row_id, false, period, item_id, n, mean, hidden, reason
    FROM privacy_cells WHERE family = $node AND row_id <> $node
), named AS (
    SELECT r.row_id, coalesce(u.name, r.row_id) AS unit, r.is_total, r.period, r.item_id, i.item,
           r.mean, r.n, r.hidden, r.reason, i.item_order,
           CASE WHEN r.is_total THEN '' ELSE coalesce(u.name, r.row_id) END AS unit_order
    FROM rows r JOIN items i USING (item_id) LEFT JOIN unit u ON u.unit_id = r.row_id
    WHERE r.n > 0
)
""",
)

OVERVIEW_CELLS_SQL = compose(
    _NODE_AND_CHILDREN,
    """
SELECT row_id, unit, is_total, period, item_id, item, mean, n, hidden, reason
FROM named
ORDER BY unit_order, item_order, row_id, period
""",
)


def overview_cells(
    node_id: str, periods: list[str], items: list[tuple[str, str]], hidden: list[HiddenCell]
) -> Query:
    """The node (as "all of it", `is_total`) and each unit directly below it, per item and
    period: row_id, unit, is_total, period, item_id, item, mean, n, hidden, reason."""
    params = {"node": node_id, **cells_params(periods, items, hidden)}
    return Query("overview_cells", OVERVIEW_CELLS_SQL, params)


CHANGES_SQL = compose(
    _NODE_AND_CHILDREN,
    """
, wide AS (
    SELECT row_id, unit, is_total, item_id, item, unit_order, item_order,
           max(mean) FILTER (WHERE period = $period) AS mean,
           max(mean) FILTER (WHERE period = $previous) AS mean_previous,
           max(mean) FILTER (WHERE period = $year_ago) AS mean_year_ago
    FROM named
    GROUP BY row_id, unit, is_total, item_id, item, unit_order, item_order
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
    hidden: list[HiddenCell],
) -> Query:
    """Per row of the overview and item: mean now, the period before and a year before, and the
    changes (none where either side is hidden or missing)."""
    params = {
        "node": node_id,
        "period": period,
        "previous": previous,
        "year_ago": year_ago,
        **cells_params([period, previous, year_ago], items, hidden),
    }
    return Query("changes", CHANGES_SQL, params)


SPREAD_SQL = compose(
    _NODE_AND_CHILDREN,
    """
SELECT row_id, unit, is_total, period, item_id, item, mean, n, hidden,
       (rank() OVER (PARTITION BY item_id ORDER BY mean DESC))::FLOAT8 AS rank,
       count(*) OVER (PARTITION BY item_id) AS "of"
FROM named
WHERE NOT is_total AND NOT hidden
ORDER BY unit_order, item_order, row_id
""",
)


def spread(
    node_id: str, period: str, items: list[tuple[str, str]], hidden: list[HiddenCell]
) -> Query:
    """The shown units below the node in one period, with their rank per item (1 = highest
    mean) among `of` units."""
    params = {"node": node_id, **cells_params([period], items, hidden)}
    return Query("spread", SPREAD_SQL, params)


COMPARE_SQL = compose(
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
    PRIVACY_CELLS,
    """
SELECT coalesce(u.name, c.unit_id) AS "group", c.role, c.period, c.mean, c.n, c.hidden, c.reason,
       c.level, c.unit_id
FROM spot_cells c LEFT JOIN unit u USING (unit_id)
WHERE c.n > 0
ORDER BY c.level, c.period
""",
)


def compare(unit_id: str, item: tuple[str, str], hidden: list[HiddenCell]) -> Query:
    """The unit, its parent and its top unit over time for one item: group, role (unit | parent
    | organisation), period, mean, n, hidden, reason, level, unit_id."""
    params = {"unit": unit_id, **cells_params(None, [item], hidden)}
    return Query("compare", COMPARE_SQL, params)


LIKERT_SQL = compose(
    "WITH RECURSIVE spots(unit_id) AS (SELECT $node)",
    _NO_NODE_FAMILIES,
    PRIVACY_CELLS,
    """
, subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $node
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id
), levels AS (
    SELECT unnest($level_items::VARCHAR[]) AS item_id, unnest($level_scores::INTEGER[]) AS score,
           unnest($level_labels::VARCHAR[]) AS label
), middles AS (
    SELECT unnest($item_ids::VARCHAR[]) AS item_id, unnest($item_middles::FLOAT8[]) AS middle
), counts AS (
    SELECT a.item_id, a.score, count(*)::BIGINT AS count
    FROM answer a JOIN subtree USING (unit_id)
    WHERE a.period = $period AND a.score IS NOT NULL
      AND a.item_id IN (SELECT item_id FROM spot_cells WHERE NOT hidden)
    GROUP BY a.item_id, a.score
), shares AS (
    SELECT c.*, sum(c.count) OVER per_item AS n, c.count::FLOAT8 / sum(c.count) OVER per_item AS share,
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
    hidden: list[HiddenCell],
) -> Query:
    """Share of each score per item (id, name, middle of its scale) over the node's subtree in
    one period, laid out for a diverging bar (scores below the middle left of zero, the middle
    one split across it): item_id, item, score, label, count, n, share, start, end. Items whose
    figure for the node is hidden are left out. `levels` names each (item, score)."""
    params = {
        "node": node_id,
        "period": period,
        **cells_params([period], [(i, name) for i, name, _ in items], hidden),
        "item_middles": [middle for _, _, middle in items],
        "level_items": [item_id for item_id, _, _ in levels],
        "level_scores": [score for _, score, _ in levels],
        "level_labels": [label for _, _, label in levels],
    }
    return Query("likert", LIKERT_SQL, params)


PERIODS_SQL = compose(
    SUBTREE,
    """
SELECT DISTINCT r.period FROM answer_rollup r JOIN subtree USING (unit_id) ORDER BY r.period DESC
""",
)


def periods(unit_id: str) -> Query:
    """Periods with answers in the unit's subtree, newest first."""
    return Query("periods", PERIODS_SQL, {"unit": unit_id})
