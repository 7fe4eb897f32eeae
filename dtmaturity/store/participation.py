"""SQL for participation: check-ins per unit row and quarter against the leaders registered
there. Counts of check-ins reveal no answers, so they are shown whatever their size."""

from __future__ import annotations

from dtmaturity.store.querying import FAMILY, Query, compose

PARTICIPATION_SQL = compose(
    FAMILY,
    """
, expected AS (
    SELECT m.row_id, count(*)::BIGINT AS expected
    FROM unit_member um JOIN members m USING (unit_id)
    GROUP BY m.row_id
), checked AS (
    -- A check-in from someone who is not a registered leader of its unit (a survey-tool
    -- import, say) is counted apart: it was not expected there.
    SELECT m.row_id, c.period,
           count(*) FILTER (WHERE um.unit_id IS NOT NULL)::BIGINT AS checked_in,
           count(*) FILTER (WHERE um.unit_id IS NULL)::BIGINT AS unregistered
    FROM checkin c JOIN members m USING (unit_id)
    LEFT JOIN unit_member um
      ON um.unit_id = c.unit_id AND lower(um.person_id) = lower(c.respondent)
    WHERE c.period BETWEEN $first AND $last
    GROUP BY m.row_id, c.period
), quarters AS (
    SELECT DISTINCT period FROM checked
), counted AS (
    SELECT m.row_id, q.period, coalesce(c.checked_in, 0) AS checked_in,
           coalesce(c.unregistered, 0) AS unregistered, coalesce(e.expected, 0) AS expected
    FROM (SELECT DISTINCT row_id FROM members) m
    CROSS JOIN quarters q
    LEFT JOIN checked c ON c.row_id = m.row_id AND c.period = q.period
    LEFT JOIN expected e ON e.row_id = m.row_id
)
SELECT c.row_id, c.period, c.checked_in, c.expected, c.unregistered,
       coalesce(u.name, c.row_id) || CASE WHEN c.row_id = $parent THEN $own_suffix ELSE '' END
           AS unit,
       greatest(c.expected - c.checked_in, 0) AS missing,
       CASE WHEN c.expected > 0 THEN c.checked_in::FLOAT8 / c.expected END AS rate
FROM counted c LEFT JOIN unit u ON u.unit_id = c.row_id
WHERE c.expected > 0 OR c.checked_in > 0 OR c.unregistered > 0
ORDER BY c.row_id <> $parent, unit, c.period
""",
)


def participation(parent_id: str, first: str, last: str, own_suffix: str) -> Query:
    """Check-ins per row (child subtree, or the parent's own leaders, named with `own_suffix`)
    and period against the number of leaders registered there: row_id, period, checked_in
    (by registered leaders), expected, unregistered (check-ins by people not registered as
    leaders of their unit), unit, missing, rate. The parent's own row first, then by name."""
    return Query(
        "participation",
        PARTICIPATION_SQL,
        {"parent": parent_id, "first": first, "last": last, "own_suffix": own_suffix},
    )
