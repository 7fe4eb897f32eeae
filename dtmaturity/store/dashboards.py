"""SQL behind the overview and unit dashboards. Every query returns a small aggregated frame.

Each query is built as a `Query` (constant SQL text plus bound parameters) and run by `run`, so
the benchmark can time exactly the same SQL bare on DuckDB. Sums come from `answer_rollup` (one
row per unit, period and item) rather than from every answer.
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

FAMILY_CELLS_SQL = _compose(
    _FAMILY,
    """
, own AS (
    SELECT unit_id, period, item_id, count(*) AS n_own
    FROM answer
    WHERE respondent = $me AND score IS NOT NULL
    GROUP BY ALL
)
SELECT m.row_id, r.period, r.item_id,
       sum(r.n)::BIGINT AS n, sum(r.total)::BIGINT AS total,
       coalesce(sum(o.n_own), 0)::BIGINT AS n_own
FROM answer_rollup r
JOIN members m USING (unit_id)
LEFT JOIN own o USING (unit_id, period, item_id)
WHERE $all_periods OR list_contains($periods, r.period)
GROUP BY m.row_id, r.period, r.item_id
""",
)


def family_cells(parent_id: str, periods: list[str] | None, me: str) -> Query:
    """n, sum of scores and the actor's own n per (row, period, item) for the children of
    `parent_id` (each with its whole subtree) and for the answers given at the parent itself."""
    return Query(
        "family_cells",
        FAMILY_CELLS_SQL,
        {
            "parent": parent_id,
            "all_periods": periods is None,
            "periods": list(periods or []),
            "me": me,
        },
    )


LIKERT_SQL = _compose(
    _SUBTREE,
    """
SELECT a.item_id, a.score, count(*)::BIGINT AS count
FROM answer a JOIN subtree USING (unit_id)
WHERE a.period = $period AND a.score IS NOT NULL
GROUP BY a.item_id, a.score
""",
)


def likert(unit_id: str, period: str) -> Query:
    """How many answers gave each score, per item, over the unit's subtree in one period."""
    return Query("likert", LIKERT_SQL, {"unit": unit_id, "period": period})


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
)
SELECT m.row_id, q.period, coalesce(c.checked_in, 0) AS checked_in,
       coalesce(e.expected, 0) AS expected
FROM (SELECT DISTINCT row_id FROM members) m
CROSS JOIN quarters q
LEFT JOIN checked c ON c.row_id = m.row_id AND c.period = q.period
LEFT JOIN expected e ON e.row_id = m.row_id
""",
)


def participation(parent_id: str, first: str, last: str) -> Query:
    """Check-ins per row (child subtree, or the parent's own leaders) and period, against the
    number of leaders registered there."""
    return Query(
        "participation", PARTICIPATION_SQL, {"parent": parent_id, "first": first, "last": last}
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
), grid AS (
    SELECT k.kind, r.role_id
    FROM (SELECT unnest(['most', 'want', 'more']) AS kind) k,
         (SELECT unnest($roles::VARCHAR[]) AS role_id) r
)
SELECT g.kind, g.role_id, coalesce(p.count, 0)::BIGINT AS count, s.n, s.n_own
FROM grid g
LEFT JOIN picks p USING (kind, role_id)
CROSS JOIN respondents s
""",
)


def role_counts(
    unit_id: str, period: str, *, include_below: bool, role_ids: list[str], me: str
) -> Query:
    """Leaders picking each role (zero included) per kind in one period, and the group's size."""
    return Query(
        "role_counts",
        ROLE_COUNTS_SQL,
        {
            "unit": unit_id,
            "period": period,
            "below": include_below,
            "roles": list(role_ids),
            "me": me,
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
    GROUP BY c.period
), matching AS (
    SELECT r.period, count(*)::BIGINT AS matching
    FROM reflection r JOIN subtree USING (unit_id)
    WHERE """,
    _REFLECTION_FILTER,
    """
    GROUP BY r.period
)
SELECT p.period, p.pool, p.pool_own, coalesce(m.matching, 0)::BIGINT AS matching
FROM pool p LEFT JOIN matching m USING (period)
ORDER BY p.period DESC
""",
)


def reflection_periods(unit_id: str, *, question: str, search: str, me: str) -> Query:
    """Per period: how many leaders checked in (the pool a text could come from), how many of
    those were the actor, and how many reflections match the filters."""
    return Query(
        "reflection_periods",
        REFLECTION_PERIODS_SQL,
        {"unit": unit_id, "question": question, "search": search, "me": me},
    )


REFLECTION_ROWS_SQL = _compose(
    _SUBTREE,
    """
SELECT r.period, r.question_id, r.answer
FROM reflection r JOIN subtree USING (unit_id)
WHERE list_contains($periods, r.period) AND """,
    _REFLECTION_FILTER,
    """
ORDER BY r.period DESC, r.question_id, r.answer
LIMIT $limit
""",
)


def reflection_rows(
    unit_id: str, periods: list[str], *, question: str, search: str, limit: int
) -> Query:
    """Reflection texts (no names) of the given periods that match the filters, newest first."""
    return Query(
        "reflection_rows",
        REFLECTION_ROWS_SQL,
        {
            "unit": unit_id,
            "periods": list(periods),
            "question": question,
            "search": search,
            "limit": limit,
        },
    )
