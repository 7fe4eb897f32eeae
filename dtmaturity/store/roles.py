"""SQL for role picks: which roles the leaders of a unit (with or without the units below it)
take, want and should take more often, per quarter."""

from __future__ import annotations

from dtmaturity.store.querying import Query, compose

_GROUP = """
WITH RECURSIVE subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $unit
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id WHERE $below
)
"""

ROLE_COUNTS_SQL = compose(
    _GROUP,
    """
, picks AS (
    SELECT r.kind, r.role_id, count(*)::BIGINT AS count
    FROM role_pick r JOIN subtree USING (unit_id)
    WHERE r.period = $period
    GROUP BY r.kind, r.role_id
), respondents AS (
    SELECT count(*)::BIGINT AS n
    FROM checkin c JOIN subtree USING (unit_id)
    WHERE c.period = $period
), kinds AS (
    SELECT unnest(ARRAY['most', 'want', 'more']) AS kind,
           generate_subscripts(ARRAY['most', 'want', 'more'], 1)
        AS kind_order
), roles AS (
    SELECT unnest($roles::VARCHAR[]) AS role_id, unnest($role_names::VARCHAR[]) AS role,
           generate_subscripts($roles::VARCHAR[], 1) AS role_order
), counted AS (
    SELECT k.kind, r.role_id, coalesce(p.count, 0)::BIGINT AS count, s.n, r.role,
           k.kind_order, r.role_order
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
       CASE WHEN n > 0 THEN count::FLOAT8 / n END AS share,
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
    many_share: float,
) -> Query:
    """Per kind (most, want, more) and role (id, name; in framework order), the leaders picking
    it in one period, zero included: kind, role_id, count, n (check-ins), role, share; and per
    role the counts of each kind and a status, "lacking" (nobody takes it most often) or "many"
    (at least `many_share` do). Whether the group may be shown is the privacy rule's decision
    for the cell (unit, include_below), made by the service."""
    return Query(
        "role_counts",
        ROLE_COUNTS_SQL,
        {
            "unit": unit_id,
            "period": period,
            "below": include_below,
            "roles": [role_id for role_id, _ in roles],
            "role_names": [name for _, name in roles],
            "many_share": many_share,
        },
    )
