"""SQL for units, check-ins, dashboards, export and demo data. Every value is a bound parameter."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection

# The unit and everything below it; the first parameter is the unit id.
_SUBTREE_CTE = """
WITH RECURSIVE subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = ?
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id
)
"""


def _in_subtree(sql: str) -> str:
    """Prefix a constant query with the `subtree` CTE (its first parameter is the unit id)."""
    return _SUBTREE_CTE + sql  # noqa: S608 (both parts are constants; values are bound)


# --- framework versions -------------------------------------------------------------------


def register_framework(
    cur: Cursor, *, version_key: str, framework_id: str, version: str, sha256: str, content: str
) -> None:
    """Keep a copy of every framework version a check-in was made with."""
    cur.execute(
        """INSERT INTO framework_version (version_key, framework_id, version, sha256, content)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        [version_key, framework_id, version, sha256, content],
    )


def framework_registered(cur: Cursor, version_key: str) -> bool:
    """Whether this framework version's text is kept already."""
    row = cur.execute(
        "SELECT count(*) FROM framework_version WHERE version_key = ?", [version_key]
    ).fetchone()
    return bool(row and row[0])


def framework_versions(cur: Cursor) -> pd.DataFrame:
    return cur.execute(
        "SELECT version_key, version, registered_at FROM framework_version ORDER BY registered_at"
    ).df()


# --- units -----------------------------------------------------------------------------------


def units(cur: Cursor) -> list[tuple[str, str, str | None, int, bool]]:
    """(unit_id, name, parent_id, depth, is_demo) in tree order: each parent before its children."""
    return cur.execute(
        """
        WITH RECURSIVE tree(unit_id, name, parent_id, is_demo, depth, sort_path) AS (
            SELECT unit_id, name, parent_id, is_demo, 0, ARRAY[name]
            FROM unit
            WHERE parent_id IS NULL OR parent_id NOT IN (SELECT unit_id FROM unit)
            UNION ALL
            SELECT u.unit_id, u.name, u.parent_id, u.is_demo, t.depth + 1,
                   array_append(t.sort_path, u.name)
            FROM unit u JOIN tree t ON u.parent_id = t.unit_id
            WHERE t.depth < 50
        )
        SELECT unit_id, name, parent_id, depth, is_demo FROM tree ORDER BY sort_path
        """
    ).fetchall()


def upsert_units(cur: Cursor, rows: Iterable[tuple[str, str, str | None, bool]]) -> None:
    cur.executemany(
        """INSERT INTO unit (unit_id, name, parent_id, is_demo) VALUES (?, ?, ?, ?)
           ON CONFLICT (unit_id) DO UPDATE
           SET name = excluded.name, parent_id = excluded.parent_id""",
        list(rows),
    )


# --- check-ins -------------------------------------------------------------------------------


def save_checkin(
    cur: Cursor,
    key: tuple[str, str, str],
    *,
    framework_version: str,
    answers: list[tuple[str, int | None, int, str | None]],
    roles: list[tuple[str, str]],
    reflections: list[tuple[str, str]],
    not_known: list[str] | tuple[str, ...] = (),
) -> bool:
    """Insert or replace one check-in with all its parts. Returns True when it already existed.
    `not_known`: the items among `answers` answered "do not know" (their score is NULL).

    Run inside a transaction (Store.write): the deletes and inserts land together or not at all.
    """
    existed = cur.execute(
        "SELECT count(*) FROM checkin WHERE unit_id = ? AND period = ? AND respondent = ?", key
    ).fetchone()[0]
    cur.execute(
        """INSERT INTO checkin (unit_id, period, respondent, framework_version)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (unit_id, period, respondent) DO UPDATE
           SET framework_version = excluded.framework_version, updated_at = now()""",
        [*key, framework_version],
    )
    for table in ("answer", "role_pick", "reflection"):
        cur.execute(
            f"DELETE FROM {table} WHERE unit_id = ? AND period = ? AND respondent = ?",  # noqa: S608 (fixed table names)
            key,
        )
    if answers:
        cur.executemany(
            "INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max, comment,"
            " not_known) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, *row, row[0] in set(not_known) and row[1] is None) for row in answers],
        )
    if roles:
        cur.executemany("INSERT INTO role_pick VALUES (?, ?, ?, ?, ?)", [(*key, *r) for r in roles])
    if reflections:
        cur.executemany(
            "INSERT INTO reflection VALUES (?, ?, ?, ?, ?)", [(*key, *r) for r in reflections]
        )
    refresh_rollup(cur, unit_id=key[0], period=key[1])
    return bool(existed)


# --- the answer rollup (kept in step with `answer` by every writer) --------------------------

_ROLLUP_INSERT = """
INSERT INTO answer_rollup
SELECT unit_id, period, item_id, count(score), sum(score)
FROM answer
WHERE score IS NOT NULL AND {where}
GROUP BY unit_id, period, item_id
ORDER BY period, unit_id, item_id
"""


def refresh_rollup(cur: Cursor, *, unit_id: str, period: str) -> None:
    """Recompute the rollup rows of one unit and period. Whoever writes `answer` calls this
    (or `rebuild_rollup`) in the same transaction, so dashboards never see stale sums."""
    cur.execute("DELETE FROM answer_rollup WHERE unit_id = ? AND period = ?", [unit_id, period])
    cur.execute(
        _ROLLUP_INSERT.format(where="unit_id = ? AND period = ?"),  # noqa: S608 (constant text)
        [unit_id, period],
    )


def rebuild_rollup(cur: Cursor, *, demo_only: bool = False) -> None:
    """Recompute the rollup of every unit (or of the demo units only) from the answers."""
    where = "unit_id IN (SELECT unit_id FROM unit WHERE is_demo)" if demo_only else "true"
    cur.execute(f"DELETE FROM answer_rollup WHERE {where}")  # noqa: S608 (constant text)
    cur.execute(_ROLLUP_INSERT.format(where=where))  # noqa: S608 (constant text)


ROLLUP_MISMATCHES = """
WITH truth AS (
    SELECT unit_id, period, item_id, count(score) AS n, sum(score) AS total
    FROM answer WHERE score IS NOT NULL GROUP BY unit_id, period, item_id
), mismatch AS (
    (SELECT * FROM truth
     EXCEPT ALL SELECT unit_id, period, item_id, n, total FROM answer_rollup)
    UNION ALL
    (SELECT unit_id, period, item_id, n, total FROM answer_rollup
     EXCEPT ALL SELECT * FROM truth)
)
SELECT count(*) FROM mismatch
"""


def rollup_mismatches(cur: Cursor) -> int:
    """How many roll-up rows differ from a recount of the answers: 0 when every write kept the
    roll-up true. The SQL takes no parameters, so a bare DuckDB or psycopg connection (the
    benchmarks') runs it as the store's cursor does."""
    return int(cur.execute(ROLLUP_MISMATCHES).fetchone()[0])


def load_checkin(cur: Cursor, key: tuple[str, str, str]) -> dict | None:
    """One check-in as plain parts, or None."""
    head = cur.execute(
        """SELECT framework_version, updated_at FROM checkin
           WHERE unit_id = ? AND period = ? AND respondent = ?""",
        key,
    ).fetchone()
    if head is None:
        return None
    where = "WHERE unit_id = ? AND period = ? AND respondent = ?"
    answers = cur.execute(
        f"SELECT item_id, score, comment, not_known FROM answer {where}",  # noqa: S608
        key,
    ).fetchall()
    roles = cur.execute(f"SELECT kind, role_id FROM role_pick {where} ORDER BY role_id", key)  # noqa: S608
    role_rows = roles.fetchall()
    reflections = cur.execute(f"SELECT question_id, answer FROM reflection {where}", key).fetchall()  # noqa: S608
    return {
        "framework_version": head[0],
        "updated_at": head[1],
        "answers": answers,
        "roles": role_rows,
        "reflections": reflections,
    }


def previous_period_with_checkin(
    cur: Cursor, unit_id: str, period: str, respondent: str
) -> str | None:
    """The latest quarter before `period` in which this person checked in for this unit (a
    check-in held for a released quarter counts: it is theirs)."""
    row = cur.execute(
        """SELECT max(period) FROM (
               SELECT period FROM checkin WHERE unit_id = $u AND respondent = $r
               UNION ALL
               SELECT period FROM held_change
               WHERE unit_id = $u AND respondent = $r AND source = 'checkin'
           ) AS mine WHERE period < $p""",
        {"u": unit_id, "r": respondent, "p": period},
    ).fetchone()
    return row[0] if row else None


def own_periods(cur: Cursor, unit_id: str, respondent: str) -> set[str]:
    """The quarters in which this person has a check-in for this unit, stored or held."""
    rows = cur.execute(
        """SELECT period FROM checkin WHERE unit_id = $u AND respondent = $r
           UNION
           SELECT period FROM held_change
           WHERE unit_id = $u AND respondent = $r AND source = 'checkin'""",
        {"u": unit_id, "r": respondent},
    ).fetchall()
    return {row[0] for row in rows}


# --- dashboards (aggregated in SQL; a few hundred rows at most) --------------------------------


def item_trend(cur: Cursor, unit_id: str, item_ids: list[str]) -> pd.DataFrame:
    """Mean score and number of answers per item and period over the unit's subtree."""
    return cur.execute(
        _in_subtree(
            """
        SELECT a.item_id, a.period, avg(a.score) AS mean, count(*) AS n
        FROM answer a JOIN subtree USING (unit_id)
        WHERE a.score IS NOT NULL AND a.item_id = ANY(?)
        GROUP BY a.item_id, a.period
        ORDER BY a.period, a.item_id
        """
        ),
        [unit_id, list(item_ids)],
    ).df()


def role_distribution(cur: Cursor, unit_id: str, period: str) -> pd.DataFrame:
    """How many leaders picked each role, per kind, in one period, with the number of check-ins."""
    return cur.execute(
        _in_subtree(
            """
        , picks AS (
            SELECT r.kind, r.role_id, count(*) AS count
            FROM role_pick r JOIN subtree USING (unit_id)
            WHERE r.period = ?
            GROUP BY r.kind, r.role_id
        ), respondents AS (
            SELECT count(*) AS n FROM checkin c JOIN subtree USING (unit_id) WHERE c.period = ?
        )
        SELECT picks.kind, picks.role_id, picks.count, respondents.n
        FROM picks, respondents
        ORDER BY picks.kind, picks.role_id
        """
        ),
        [unit_id, period, period],
    ).df()


def reflections(cur: Cursor, unit_id: str) -> pd.DataFrame:
    """Reflection answers in the unit's subtree, newest period first; no names."""
    return cur.execute(
        _in_subtree(
            """
        SELECT r.period, r.question_id, r.answer
        FROM reflection r JOIN subtree USING (unit_id)
        ORDER BY r.period DESC, r.question_id, r.answer
        """
        ),
        [unit_id],
    ).df()


# --- export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = ("unit_id", "period", "respondent", "item_id", "score", "comment")


# The first characters of text a spreadsheet would run: =, +, -, @, tab, carriage return.
_FORMULA = "('=', '+', '-', '@', chr(9), chr(13))"


def export_answers(cur: Cursor, path: Path) -> int:
    """Write every answer as long-format UTF-8 CSV sorted by its keys; returns the row count."""
    # Formula-safe (as services.exports.neutralise): a text cell starting with =, +, -, @, tab
    # or carriage return gets a leading apostrophe, so a spreadsheet shows it as text.
    safe = ", ".join(
        c
        if c == "score"
        else f"CASE WHEN left({c}, 1) IN {_FORMULA} THEN '''' || {c} ELSE {c} END AS {c}"
        for c in ("unit_id", "period", "respondent", "item_id", "score", "comment")
    )
    relation = cur.sql(
        f"SELECT {safe} FROM answer ORDER BY unit_id, period, respondent, item_id"  # noqa: S608
    )
    relation.write_csv(str(path), header=True, sep=",", quotechar='"')
    return int(cur.execute("SELECT count(*) FROM answer").fetchone()[0])


# --- demo data -------------------------------------------------------------------------------


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


def count_rows(cur: Cursor) -> dict[str, int]:
    out = {}
    for table in ("unit", "checkin", "answer", "role_pick", "reflection"):
        out[table] = int(cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    return out


# --- national-scale demo, generated inside DuckDB ---------------------------------------------

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


def warm(cur: Cursor) -> None:
    """Read the columns the dashboards read most (the units and the answer rollup), so the
    first visitor finds them in DuckDB's buffer rather than in the file."""
    cur.execute("SELECT count(*), count(parent_id) FROM unit").fetchall()
    cur.execute("SELECT count(DISTINCT period), sum(n), sum(total) FROM answer_rollup").fetchall()


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
