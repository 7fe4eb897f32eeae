"""The privacy guard's SQL (dtmaturity/domain/privacy.py states the rule).

Two halves:
- the counts the rule decides from: per unit, quarter and measure, the answers given at the unit
  itself that count towards k, and how many of them are the viewer's own (`score_groups`,
  `checkin_groups`, `target_groups`, with `unit_parents` for the tree). An imported answer or
  check-in counts only when its respondent is a registered leader of the unit, so nobody can
  import made-up respondents to lift a group over k;
- `GUARDED_CELLS`, the fragment every score query starts from: it sums the answer rollup per
  shown cell and marks the cells the rule hid (bound as parameters, with their reason), so a
  hidden cell keeps its n but has no mean.
"""

from __future__ import annotations

from typing import Any

from dtmaturity.store.querying import Query, compose

UNIT_PARENTS_SQL = "SELECT unit_id, parent_id FROM unit ORDER BY unit_id"


def unit_parents() -> Query:
    """Every unit and its parent (NULL at the top)."""
    return Query("unit_parents", UNIT_PARENTS_SQL, {})


# Imported rows whose respondent is not a registered leader of the unit (holds its leader role;
# e-mails compared without case): they do not count towards k. Found from the imported answers
# only (few, and filtered first), never by a lookup per answer.
_UNREGISTERED_IMPORTS = """
WITH unregistered AS (
    SELECT a.unit_id, a.period, a.respondent, a.item_id, a.score
    FROM answer a
    LEFT JOIN (SELECT unit_id, lower(person_id) AS who FROM unit_member) m
      ON m.unit_id = a.unit_id AND m.who = lower(a.respondent)
    WHERE a.import_id IS NOT NULL AND m.who IS NULL
      AND ($all_periods OR list_contains($periods, a.period))
)
"""

SCORE_GROUPS_SQL = compose(
    _UNREGISTERED_IMPORTS,
    """
, uncounted AS (
    SELECT unit_id, period, item_id, count(*) AS n,
           count(*) FILTER (WHERE respondent = $me) AS n_own
    FROM unregistered
    WHERE score IS NOT NULL AND list_contains($item_ids, item_id)
    GROUP BY ALL
), own AS (
    SELECT unit_id, period, item_id, count(*) AS n_own
    FROM answer
    WHERE respondent = $me AND score IS NOT NULL
      AND list_contains($item_ids, item_id)
      AND ($all_periods OR list_contains($periods, period))
    GROUP BY ALL
)
SELECT r.unit_id, r.period, r.item_id AS key,
       (r.n - coalesce(x.n, 0))::BIGINT AS n,
       (coalesce(o.n_own, 0) - coalesce(x.n_own, 0))::BIGINT AS n_own
FROM answer_rollup r
LEFT JOIN uncounted x USING (unit_id, period, item_id)
LEFT JOIN own o USING (unit_id, period, item_id)
WHERE list_contains($item_ids, r.item_id)
  AND ($all_periods OR list_contains($periods, r.period))
""",
)


def score_groups(periods: list[str] | None, item_ids: list[str], me: str) -> Query:
    """Per unit, quarter and item: the answers given at the unit that count towards k (`n`) and
    the viewer's among them (`n_own`); `key` is the item."""
    return Query(
        "score_groups",
        SCORE_GROUPS_SQL,
        {
            "all_periods": periods is None,
            "periods": list(periods or []),
            "item_ids": list(item_ids),
            "me": me,
        },
    )


CHECKIN_GROUPS_SQL = compose(
    _UNREGISTERED_IMPORTS,
    """
, uncounted AS (
    SELECT DISTINCT unit_id, period, respondent FROM unregistered
), marked AS (
    SELECT c.unit_id, c.period, c.respondent, x.respondent IS NULL AS counts
    FROM checkin c
    LEFT JOIN uncounted x USING (unit_id, period, respondent)
    WHERE $all_periods OR list_contains($periods, c.period)
)
SELECT unit_id, period, '' AS key,
       count(*) FILTER (WHERE counts)::BIGINT AS n,
       count(*) FILTER (WHERE counts AND respondent = $me)::BIGINT AS n_own
FROM marked
GROUP BY unit_id, period
""",
)


def checkin_groups(periods: list[str] | None, me: str) -> Query:
    """Per unit and quarter: the check-ins at the unit that count towards k (the group behind
    role picks and reflections: a check-in with an imported answer from someone who is not a
    registered leader of the unit does not) and the viewer's among them; `key` is ''."""
    return Query(
        "checkin_groups",
        CHECKIN_GROUPS_SQL,
        {"all_periods": periods is None, "periods": list(periods or []), "me": me},
    )


# The latest target each leader set for a unit, item and target quarter (a later check-in's
# target for the same quarter replaces an earlier one). Targets are set in check-ins only.
TARGET_GROUPS_SQL = """
WITH latest AS (
    SELECT DISTINCT unit_id, respondent, item_id, target_period
    FROM target
    WHERE period <= $as_of
)
SELECT unit_id, target_period AS period, item_id AS key, count(*)::BIGINT AS n,
       count(*) FILTER (WHERE respondent = $me)::BIGINT AS n_own
FROM latest
GROUP BY unit_id, target_period, item_id
"""


def target_groups(as_of: str, me: str) -> Query:
    """Per unit, target quarter and item: the leaders whose latest target (set up to `as_of`)
    counts, and whether one is the viewer; `period` is the target quarter, `key` the item."""
    return Query("target_groups", TARGET_GROUPS_SQL, {"as_of": as_of, "me": me})


# --- the shown cells of the score dashboards -------------------------------------------------
#
# A query that shows scores starts with its own `spots(unit_id, ...)` (units shown as one row
# each, rolled up over their subtree) and `node_families(family)` (units whose children are
# shown as rows). `GUARDED_CELLS` then builds, for every family involved (a parent, its children
# each with their subtree, and the answers given at the parent itself), n and the sum of scores
# per row, period and item, and marks `hidden` (with `reason`) the cells in the bound list of
# hidden cells: a family's child row is the cell (child, below), its own row (parent, not
# below), a top unit's row (unit, below).
GUARDED_CELLS = """
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
    WHERE list_contains($item_ids, r.item_id)
      AND ($all_periods OR list_contains($periods, r.period))
    GROUP BY m.family, m.row_id, r.period, r.item_id
), top_cells AS (
    SELECT '' AS family, family AS row_id, period, item_id,
           sum(n)::BIGINT AS n, sum(total)::BIGINT AS total
    FROM family_cells
    WHERE family IN (SELECT unit_id FROM placed WHERE family = '')
    GROUP BY family, period, item_id
), guarded AS (
    SELECT c.family, c.row_id, c.period, c.item_id, c.n, c.total,
           h.reason IS NOT NULL AS hidden, h.reason,
           CASE WHEN h.reason IS NULL AND c.n > 0 THEN c.total / c.n END AS mean
    FROM (SELECT * FROM family_cells UNION ALL SELECT * FROM top_cells) c
    LEFT JOIN hidden_cells h
      ON h.unit_id = c.row_id AND h.below = (c.row_id <> c.family)
     AND h.period = c.period AND h.item_id = c.item_id
), spot_cells AS (
    SELECT s.*, g.period, g.item_id, g.n, g.mean, g.hidden, g.reason
    FROM placed s JOIN guarded g ON g.family = s.family AND g.row_id = s.unit_id
)
"""

# A hidden cell as bound: (unit_id, below, period, key, reason).
HiddenCell = tuple[str, bool, str, str, str]


def cells_params(
    periods: list[str] | None, items: list[tuple[str, str]], hidden: list[HiddenCell]
) -> dict[str, Any]:
    """The parameters of GUARDED_CELLS: periods (None: all), items (id, name; in display
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
