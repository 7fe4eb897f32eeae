"""SQL for the demo organisation: the generated agency inserted from frames, the national-scale
one generated inside DuckDB from hashes, and removing either (every demo row is marked is_demo).
Every value is a bound parameter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dtmaturity.store.queries import Cursor, rebuild_rollup, upsert_units

if TYPE_CHECKING:  # frames come from the demo generator; importing pandas costs start-up
    import pandas as pd


def insert_demo(
    cur: Cursor,
    *,
    units: list[tuple[str, str, str | None, bool]],
    checkins: pd.DataFrame,
    answers: pd.DataFrame,
    roles: pd.DataFrame,
    reflections: pd.DataFrame,
    members: pd.DataFrame,
) -> None:
    """Bulk-insert a generated organisation; the frames' columns match the tables."""
    upsert_units(cur, units)
    cur.register("demo_members", members)
    _register_demo_leaders(cur, "SELECT unit_id, person_id FROM demo_members")
    cur.unregister("demo_members")
    for table, frame in (
        ("checkin", checkins),
        ("answer", answers),
        ("role_pick", roles),
        ("reflection", reflections),
    ):
        cur.register("demo_frame", frame)
        columns = ", ".join(frame.columns)
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM demo_frame")  # noqa: S608 (fixed names)
        cur.unregister("demo_frame")
    rebuild_rollup(cur, demo_only=True)


def has_demo(cur: Cursor) -> bool:
    return bool(cur.execute("SELECT count(*) FROM unit WHERE is_demo").fetchone()[0])


def delete_demo(cur: Cursor) -> int:
    """Remove the demo units and every check-in made for them; returns the units removed."""
    demo_units = "SELECT unit_id FROM unit WHERE is_demo"
    cur.execute(
        f"DELETE FROM action_item WHERE action_id IN "  # noqa: S608 (constant text)
        f"(SELECT action_id FROM action WHERE unit_id IN ({demo_units}))"
    )
    tables = ("answer_rollup", "answer", "role_pick", "reflection", "checkin", "role_assignment")
    for table in (*tables, "target", "action"):
        cur.execute(f"DELETE FROM {table} WHERE unit_id IN ({demo_units})")  # noqa: S608 (fixed names)
    cur.execute(
        """DELETE FROM person WHERE is_demo
           AND person_id NOT IN (SELECT person_id FROM role_assignment)"""
    )
    return int(cur.execute("DELETE FROM unit WHERE is_demo").fetchone()[0])


def _register_demo_leaders(cur: Cursor, members_sql: str, params: dict | None = None) -> None:
    """Demo leaders become people with a leader assignment on their unit (marked as demo)."""
    cur.execute(
        f"""INSERT INTO person (person_id, email, is_demo)
            SELECT DISTINCT person_id, lower(person_id), true FROM ({members_sql}) AS members
            ON CONFLICT DO NOTHING""",  # noqa: S608 (constant queries from this module)
        params,
    )
    cur.execute(
        f"""INSERT INTO role_assignment SELECT person_id, 'leader', unit_id FROM ({members_sql}) AS members
            ON CONFLICT DO NOTHING""",  # noqa: S608
        params,
    )


# A uniform number in [0, 1) from a hash of its arguments: deterministic, no Python loop.
_NATIONAL_DEMO_SQL = """
CREATE OR REPLACE TEMP TABLE demo_checkin AS
SELECT m.unit_id, p.period, p.step, m.person_id AS respondent
FROM unit_member m
JOIN unit u USING (unit_id)
CROSS JOIN (SELECT unnest($periods) AS period, unnest(range(len($periods))) AS step) p
WHERE u.is_demo AND hash(m.person_id, p.period, 'miss') % 100 >= $miss_percent;

INSERT INTO checkin (unit_id, period, respondent, framework_version, is_demo)
SELECT unit_id, period, respondent, $version, true FROM demo_checkin ORDER BY period, unit_id;

INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max, comment)
WITH items AS (
    SELECT unnest($item_ids) AS item_id, unnest($scale_maxes) AS scale_max
), drawn AS (
    SELECT c.unit_id, c.period, c.respondent, i.item_id, i.scale_max,
           1.7 + 1.8 * (hash(c.unit_id, i.item_id, 'start') % 1000003) / 1000003.0
             + (-0.02 + 0.1 * (hash(c.unit_id, 'pace') % 1000003) / 1000003.0) * c.step
             + 0.95 * ((hash(c.respondent, c.period, i.item_id, 'a') % 1000003)
                     + (hash(c.respondent, c.period, i.item_id, 'b') % 1000003)
                     + (hash(c.respondent, c.period, i.item_id, 'c') % 1000003)
                     + (hash(c.respondent, c.period, i.item_id, 'd') % 1000003)) / 1000003.0
             - 1.9 AS level,
           hash(c.respondent, c.period, i.item_id, 'comment') % 1000 AS comment_draw
    FROM demo_checkin c CROSS JOIN items i
)
SELECT unit_id, period, respondent, item_id,
       greatest(1, least(scale_max, round(level)))::SMALLINT,
       scale_max,
       CASE WHEN comment_draw < 15
            THEN $comments[(1 + comment_draw % len($comments))::BIGINT] END
FROM drawn
ORDER BY period, unit_id;

INSERT INTO role_pick (unit_id, period, respondent, kind, role_id)
SELECT DISTINCT unit_id, period, respondent, kind, role_id FROM (
    SELECT c.unit_id, c.period, c.respondent, k.kind,
           $role_ids[(1 + CASE WHEN k.kind = 'most'
                THEN hash(c.unit_id, 'favourite') % 100 + hash(c.respondent, c.period, pick) % 4
                ELSE hash(c.respondent, c.period, k.kind, pick) END % len($role_ids))::BIGINT]
           AS role_id
    FROM demo_checkin c
    CROSS JOIN (SELECT unnest(ARRAY['most', 'want', 'more']) AS kind) k
    CROSS JOIN range(2) r(pick)
    WHERE pick = 0 OR hash(c.respondent, c.period, k.kind, 'second') % 2 = 0
)
ORDER BY period, unit_id;

INSERT INTO reflection (unit_id, period, respondent, question_id, answer)
SELECT unit_id, period, respondent,
       $question_ids[(1 + hash(respondent, period, 'question') % len($question_ids))::BIGINT],
       $reflections[(1 + hash(respondent, period, 'text') % len($reflections))::BIGINT]
FROM demo_checkin
WHERE hash(respondent, period, 'reflect') % 100 < 25
ORDER BY period, unit_id;

DROP TABLE demo_checkin;
"""


def insert_national_demo(
    cur: Cursor,
    *,
    units: pd.DataFrame,
    leaders_per_unit: int,
    periods: list[str],
    version: str,
    item_ids: list[str],
    scale_maxes: list[int],
    role_ids: list[str],
    question_ids: list[str],
    comments: list[str],
    reflections: list[str],
    miss_percent: int = 5,
) -> None:
    """Insert a large generated organisation: units from `units`, everything else generated by
    SQL from hashes (deterministic, seconds for millions of answers)."""
    cur.register("demo_units", units)
    cur.execute(
        """INSERT INTO unit (unit_id, name, parent_id, is_demo)
           SELECT unit_id, name, parent_id, true FROM demo_units"""
    )
    cur.unregister("demo_units")
    _register_demo_leaders(
        cur,
        """SELECT unit_id, replace(unit_id, 'nat-', '') || '.leder' || k || '@etaten.example'
                  AS person_id
           FROM unit, generate_series(1, $leaders) t(k) WHERE is_demo""",
        {"leaders": leaders_per_unit},
    )
    params = {
        "periods": periods,
        "miss_percent": miss_percent,
        "version": version,
        "item_ids": item_ids,
        "scale_maxes": scale_maxes,
        "role_ids": role_ids,
        "question_ids": question_ids,
        "comments": comments,
        "reflections": reflections,
    }
    for statement in _NATIONAL_DEMO_SQL.split(";\n"):
        if statement.strip():
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            cur.execute(statement, used)
    rebuild_rollup(cur, demo_only=True)


def demo_counts(cur: Cursor) -> dict[str, int]:
    """What removing the demo deletes: its units, their check-ins and their actions."""
    row = cur.execute(
        """SELECT (SELECT count(*) FROM unit WHERE is_demo),
                  (SELECT count(*) FROM checkin
                    WHERE unit_id IN (SELECT unit_id FROM unit WHERE is_demo)),
                  (SELECT count(*) FROM action
                    WHERE unit_id IN (SELECT unit_id FROM unit WHERE is_demo))"""
    ).fetchone()
    return {"units": int(row[0]), "checkins": int(row[1]), "actions": int(row[2])}
