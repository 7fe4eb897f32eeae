"""Rounds, who they expect, and the e-mails sent for them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import duckdb

from dtmaturity.domain.release import Round

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection


_ROUND_COLUMNS = "round_id, unit_id, period, opens_on, deadline, state, closed_at"


def rounds(cur: Cursor) -> list[Round]:
    rows = cur.execute(
        f"SELECT {_ROUND_COLUMNS} FROM round ORDER BY period DESC, unit_id"  # noqa: S608 (constant columns)
    ).fetchall()
    return [_round(r) for r in rows]


def insert_round(
    cur: Cursor, unit_id: str, period: str, opens_on: date, deadline: date, state: str, actor: str
) -> int:
    row = cur.execute(
        """INSERT INTO round (unit_id, period, opens_on, deadline, state, created_by)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING round_id""",
        [unit_id, period, opens_on, deadline, state, actor],
    ).fetchone()
    return int(row[0])


def set_state(
    cur: Cursor, round_id: int, state: str, actor: str, *, lock_set: bool | None = None
) -> None:
    """Open (from planned or closed) or close a round; closing records who and when."""
    closing = state == "closed"
    cur.execute(
        """UPDATE round SET state = ?,
               closed_by = CASE WHEN ? THEN ? ELSE NULL END,
               closed_at = CASE WHEN ? THEN current_timestamp ELSE NULL END,
               lock_set = coalesce(?, lock_set)
           WHERE round_id = ?""",
        [state, closing, actor, closing, lock_set, round_id],
    )


def of_periods(cur: Cursor, periods: list[str]) -> list[Round]:
    """The rounds of these quarters (a read: see `claim` for a write)."""
    rows = cur.execute(
        f"SELECT {_ROUND_COLUMNS} FROM round WHERE period = ANY(?::VARCHAR[])",  # noqa: S608 (constant columns)
        [sorted(set(periods))],
    ).fetchall()
    return [_round(r) for r in rows]


def claim(cur: Cursor, periods: list[str]) -> list[Round]:
    """The rounds of these quarters, read inside a write that puts answers into them, and
    held by that write until it commits.

    What orders such a write and a close is that each decides inside its own transaction
    and that the two cannot overlap. With DuckDB they cannot: one process writes the file,
    and Store.write runs its writes one at a time (the file's write lock), each transaction
    beginning inside the lock, so it sees every write committed before it. Where sessions do
    write at once (the planned PostgreSQL port) this UPDATE takes the round rows' lock, which
    the close's UPDATE also needs: the later waits for the earlier to commit and then reads
    its outcome.

    DuckDB's own optimistic conflict check is not relied on: it drops `SET state = state`
    as a no-op, and an UPDATE of a row not changed since the last checkpoint was seen to
    commit beside a concurrent one without a conflict (DuckDB 2.0.1).
    """
    cur.execute(
        "UPDATE round SET state = state WHERE period = ANY(?::VARCHAR[])",
        [sorted(set(periods))],
    )
    return of_periods(cur, periods)


def _round(r: tuple) -> Round:
    """A row of _ROUND_COLUMNS as a Round: its fields in their order, then when it closed."""
    *fields, closed_at = r
    return Round(*fields, closed_at=closed_at)


def load_closed_quarters(cur: Cursor, pairs: list[tuple[str, str]]) -> None:
    """TEMP closed_quarter(unit_id, period): where a write must not put answers (an import
    checks its rows against it)."""
    cur.execute("CREATE OR REPLACE TEMP TABLE closed_quarter (unit_id VARCHAR, period VARCHAR)")
    if pairs:
        cur.execute(
            "INSERT INTO closed_quarter SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [[u for u, _ in pairs], [p for _, p in pairs]],
        )


def lock_set(cur: Cursor, round_id: int) -> bool:
    row = cur.execute("SELECT lock_set FROM round WHERE round_id = ?", [round_id]).fetchone()
    return bool(row and row[0])


def expected(cur: Cursor, unit_ids: list[str], period: str) -> pd.DataFrame:
    """The leaders registered to these units, with their address, language and whether they
    have checked in for the quarter: unit_id, person_id, email, lang, checked_in."""
    return cur.execute(
        """SELECT m.unit_id, m.person_id,
                  coalesce(p.email, CASE WHEN m.person_id LIKE '%@%' THEN m.person_id END)
                      AS email,
                  coalesce(pl.language, 'nb') AS lang,
                  c.respondent IS NOT NULL AS checked_in
           FROM unit_member m
           LEFT JOIN person p ON p.person_id = m.person_id
           LEFT JOIN person_language pl ON pl.person_id = m.person_id
           LEFT JOIN checkin c
                  ON c.unit_id = m.unit_id AND c.period = ? AND c.respondent = m.person_id
           WHERE m.unit_id = ANY(?::VARCHAR[])
           ORDER BY m.unit_id, m.person_id""",
        [period, unit_ids],
    ).df()


def checkin_counts(cur: Cursor, unit_ids: list[str], period: str) -> pd.DataFrame:
    """Check-ins per unit for the quarter (anyone's, registered or not): unit_id, checkins."""
    return cur.execute(
        """SELECT unit_id, count(*)::BIGINT AS checkins FROM checkin
           WHERE period = ? AND unit_id = ANY(?::VARCHAR[]) GROUP BY unit_id""",
        [period, unit_ids],
    ).df()


def messages(cur: Cursor, round_ids: list[int] | None = None) -> pd.DataFrame:
    """The e-mail log: mail_id, round_id, period, unit_id, person_id, email, kind, lang,
    status, attempts, last_error, created_at, updated_at, sent_at."""
    return cur.execute(
        """SELECT m.mail_id, m.round_id, r.period, m.unit_id, m.person_id, m.email, m.kind,
                  m.lang, m.status, m.attempts, m.last_error, m.created_at, m.updated_at,
                  m.sent_at
           FROM mail_message m JOIN round r USING (round_id)
           WHERE ?::INTEGER[] IS NULL OR m.round_id = ANY(?::INTEGER[])
           ORDER BY m.mail_id""",
        [round_ids, round_ids],
    ).df()


def claim_message(
    cur: Cursor,
    round_id: int,
    unit_id: str,
    person_id: str,
    kind: str,
    email: str | None,
    lang: str,
) -> int | None:
    """Mark a message as being sent now (new, or a failed one retried). None when it is sent
    already or being sent by someone else: a message goes out at most once."""
    row = cur.execute(
        """SELECT mail_id, status FROM mail_message
           WHERE round_id = ? AND unit_id = ? AND person_id = ? AND kind = ?""",
        [round_id, unit_id, person_id, kind],
    ).fetchone()
    if row is None:
        created = cur.execute(
            """INSERT INTO mail_message (round_id, unit_id, person_id, kind, email, lang, status)
               VALUES (?, ?, ?, ?, ?, ?, 'pending') RETURNING mail_id""",
            [round_id, unit_id, person_id, kind, email, lang],
        ).fetchone()
        return int(created[0])
    if row[1] != "failed":
        return None
    cur.execute(
        """UPDATE mail_message SET status = 'pending', email = ?, lang = ?,
               updated_at = current_timestamp WHERE mail_id = ?""",
        [email, lang, row[0]],
    )
    return int(row[0])


def finish_message(cur: Cursor, mail_id: int, *, error: str | None) -> None:
    """Record the outcome of one attempt: sent, or failed with the reason."""
    cur.execute(
        """UPDATE mail_message SET
               status = CASE WHEN CAST(? AS VARCHAR) IS NULL THEN 'sent' ELSE 'failed' END,
               attempts = attempts + 1,
               last_error = ?,
               updated_at = current_timestamp,
               sent_at = CASE WHEN CAST(? AS VARCHAR) IS NULL THEN current_timestamp ELSE sent_at END
           WHERE mail_id = ?""",
        [error, error, error, mail_id],
    )


def sent_kinds(cur: Cursor, round_id: int) -> dict[tuple[str, str], dict[str, date]]:
    """(unit, person) → {kind: day sent} of the messages sent for a round."""
    rows = cur.execute(
        """SELECT unit_id, person_id, kind, CAST(sent_at AS DATE) FROM mail_message
           WHERE round_id = ? AND status = 'sent'""",
        [round_id],
    ).fetchall()
    found: dict[tuple[str, str], dict[str, date]] = {}
    for unit_id, person_id, kind, day in rows:
        found.setdefault((unit_id, person_id), {})[kind] = day
    return found


def unfinished(cur: Cursor) -> list[int]:
    """Messages left 'pending' (the process stopped while sending): shown as failed and
    retried, since nothing says whether they went out."""
    rows = cur.execute("SELECT mail_id FROM mail_message WHERE status = 'pending'").fetchall()
    return [r[0] for r in rows]


def own_scores(
    cur: Cursor, unit_ids: list[str], periods: list[str], me: str, item_ids: list[str]
) -> pd.DataFrame:
    """The viewer's own scores per period and item over these units (their mean where they
    answered for several): period, item_id, score, n_own."""
    return cur.execute(
        """SELECT period, item_id, avg(score)::FLOAT8 AS score, count(score)::BIGINT AS n_own
           FROM answer
           WHERE lower(respondent) = lower(?) AND score IS NOT NULL
             AND unit_id = ANY(?::VARCHAR[]) AND period = ANY(?::VARCHAR[])
             AND item_id = ANY(?::VARCHAR[])
           GROUP BY period, item_id
           ORDER BY period, item_id""",
        [me, unit_ids, periods, item_ids],
    ).df()


def own_periods(cur: Cursor, unit_ids: list[str], me: str) -> list[str]:
    """The quarters in which the viewer answered for any of these units."""
    rows = cur.execute(
        """SELECT DISTINCT period FROM checkin
           WHERE lower(respondent) = lower(?) AND unit_id = ANY(?::VARCHAR[])
           ORDER BY period""",
        [me, unit_ids],
    ).fetchall()
    return [str(period) for (period,) in rows]


def own_checkin_counts(
    cur: Cursor, unit_ids: list[str], periods: list[str], me: str
) -> dict[str, int]:
    """The viewer's own check-ins per period over these units."""
    rows = cur.execute(
        """SELECT period, count(*)::BIGINT FROM checkin
           WHERE respondent = ? AND unit_id = ANY(?::VARCHAR[])
             AND period = ANY(?::VARCHAR[])
           GROUP BY period""",
        [me, unit_ids, periods],
    ).fetchall()
    return {str(period): int(n) for period, n in rows}
