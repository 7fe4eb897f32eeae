"""SQL for reflections: the free-text answers of a unit's subtree (never who wrote them), and
per quarter how many leaders checked in (the pool a text could come from)."""

from __future__ import annotations

from dtmaturity.store.querying import SUBTREE, Query, compose

_REFLECTION_FILTER = """
    ($question = '' OR r.question_id = $question)
    AND ($search = '' OR strpos(lower(r.answer), lower($search)) > 0)
"""

REFLECTION_PERIODS_SQL = compose(
    SUBTREE,
    """
, pool AS (
    SELECT c.period, count(*)::BIGINT AS pool
    FROM checkin c JOIN subtree USING (unit_id)
    WHERE $all_periods OR c.period = ANY($periods)
    GROUP BY c.period
), matching AS (
    SELECT r.period, count(*)::BIGINT AS texts,
           count(*) FILTER (WHERE """,
    _REFLECTION_FILTER,
    """)::BIGINT AS matching
    FROM reflection r JOIN subtree USING (unit_id)
    GROUP BY r.period
)
SELECT p.period, p.pool, m.matching, m.texts
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
) -> Query:
    """Per period (of `periods`, or all) with reflections matching the filters: how many leaders
    checked in (the pool a text could come from), how many texts match and how many it has in
    all (`texts`: what a hidden period reports, so that no filter probes it). Whether a period's
    texts may be shown is the privacy rule's decision for the cell (unit, below), made by the
    service."""
    return Query(
        "reflection_periods",
        REFLECTION_PERIODS_SQL,
        {
            "unit": unit_id,
            "all_periods": periods is None,
            "periods": list(periods or []),
            "question": question,
            "search": search,
        },
    )


REFLECTION_ROWS_SQL = compose(
    SUBTREE,
    """
, questions AS (
    SELECT unnest($question_ids::VARCHAR[]) AS question_id,
           unnest($question_texts::VARCHAR[]) AS question
)
SELECT r.period, r.question_id, r.answer, coalesce(q.question, r.question_id) AS question
FROM reflection r JOIN subtree USING (unit_id) LEFT JOIN questions q USING (question_id)
WHERE r.period = ANY($periods) AND """,
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
