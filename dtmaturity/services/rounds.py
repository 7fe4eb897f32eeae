"""Quarterly rounds: open, close and reopen them (and start the planned ones). Every change is
one audited write; who may run which round is services/roundaccess.py, following one is
services/roundprogress.py, and the release rule they decide is services/release_rule.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dtmaturity.domain import clock, formats, release
from dtmaturity.domain.periods import Period
from dtmaturity.domain.release import CLOSED, OPEN, PLANNED, Round, RoundError
from dtmaturity.services import authz, release_rule, roundprogress
from dtmaturity.services.context import Context
from dtmaturity.services.roundaccess import may_run, require_run, visible
from dtmaturity.store import people as people_sql
from dtmaturity.store import releases as releases_sql
from dtmaturity.store import rounds as sql

__all__ = ["RoundError", "Round"]


def open_round(
    ctx: Context,
    unit_id: str,
    period: str,
    deadline: date,
    *,
    opens_on: date | None = None,
    today: date | None = None,
) -> Round:
    """Open a round for the unit's subtree (planned when it opens on a later day). The caller
    sends the invitations (reminders.run), so that opening never waits for a mail server."""
    require_run(ctx, unit_id)
    today = today or clock.today()
    opens_on = opens_on or today
    release.validate_new(
        unit_id, period, opens_on, deadline, release_rule.all_rounds(ctx), authz.parents(ctx)
    )
    state = OPEN if opens_on <= today else PLANNED
    # A quarter shown before its round was opened stays shown: changes in it are held.
    shown = release_rule.is_released(ctx, unit_id, period, today)

    def work(cur: sql.Cursor) -> int:
        if shown and releases_sql.has_checkins(
            cur, release_rule.subtree_units(ctx, unit_id), period
        ):
            releases_sql.mark(cur, unit_id, period)
        return sql.insert_round(cur, unit_id, period, opens_on, deadline, state, ctx.actor.user_id)

    round_id = ctx.write(
        work,
        "round.open",
        f"{unit_id}/{period}",
        lambda rid: {"round_id": rid, "state": state, "opens_on": opens_on, "deadline": deadline},
    )
    return next(r for r in release_rule.all_rounds(ctx) if r.round_id == round_id)


def find(ctx: Context, period: str, unit_id: str | None = None) -> Round:
    """The round of a quarter at a unit; without a unit, the only round of that quarter the
    acting person runs."""
    if unit_id is not None:
        require_run(ctx, unit_id)
    candidates = [r for r in visible(ctx) if r.period == period]
    if unit_id is not None:
        candidates = [r for r in candidates if r.unit_id == unit_id]
    if not candidates:
        raise RoundError("round_not_found", period=period, unit=unit_id or "")
    if len(candidates) > 1:
        raise RoundError(
            "round_ambiguous", period=period, units=", ".join(r.unit_id for r in candidates)
        )
    return candidates[0]


def close_round(ctx: Context, period: str, unit_id: str | None = None) -> Round:
    """Close a round: its quarter's figures are released where nothing else keeps them back,
    and no more check-ins are taken for its units (unless late check-ins are allowed). When
    closed rounds now cover every top unit, the quarter is also locked (the period lock)."""
    r = find(ctx, period, unit_id)
    require_run(ctx, r.unit_id)
    if r.state == CLOSED:
        raise RoundError("round_already_closed", unit=r.unit_id, period=period)

    def work(cur: sql.Cursor) -> bool:
        # Decided again inside the transaction (a second press, or another closing meanwhile,
        # must not move closed_at), from the rounds as they are now.
        held = release_rule.gate(cur, [period])
        if any(x.round_id == r.round_id and x.state == CLOSED for x in held.rounds):
            raise RoundError("round_already_closed", unit=r.unit_id, period=period)
        tops = {u for u, parent in held.parents.items() if parent is None}
        closed_tops = {x.unit_id for x in held.rounds if x.state == CLOSED} | {r.unit_id}
        lock = not held.allow_late and tops <= closed_tops
        fresh = lock and period not in held.locked
        sql.set_state(cur, r.round_id, CLOSED, ctx.actor.user_id, lock_set=fresh)
        releases_sql.mark(cur, r.unit_id, period)  # shown now: later changes are held
        if fresh:
            people_sql.lock_period(cur, period, ctx.actor.user_id)
        return lock

    ctx.write(
        work,
        "round.close",
        f"{r.unit_id}/{period}",
        lambda lock: {"round_id": r.round_id, "lock": lock},
    )
    return next(x for x in release_rule.all_rounds(ctx) if x.round_id == r.round_id)


@dataclass(frozen=True)
class CloseQuestion:
    """What closing a round does, for the confirmation asked first: how many of the leaders it
    asks have not answered, the days left to its deadline (negative: past), and whether it
    locks the quarter for the whole organisation."""

    round: Round
    unit: str
    answered: int
    expected: int
    days_left: int
    locks: bool

    @property
    def missing(self) -> int:
        return self.expected - self.answered

    def text(self, lang: str) -> str:
        """ "Lukke runden for Kundesenteret, 2026-Q4? 68 av 68 har ikke svart, og det er 14
        dager igjen til fristen 15. desember. …" """
        from dtmaturity.domain.i18n import t

        days = self.days_left
        key = {0: "round_close_today", 1: "round_close_day"}.get(days, "round_close_days")
        when = t(
            lang,
            "round_close_past" if days < 0 else key,
            days=days,
            deadline=roundprogress.format_day(lang, self.round.deadline),
        )
        return t(
            lang,
            "round_close_question",
            unit=self.unit,
            period=formats.quarter(self.round.period, lang),
            missing=self.missing,
            expected=self.expected,
            when=when,
        ) + (
            " " + t(lang, "round_close_locks", period=formats.quarter(self.round.period, lang))
            if self.locks
            else ""
        )


def close_question(
    ctx: Context, period: str, unit_id: str | None = None, today: date | None = None
) -> CloseQuestion:
    """What closing this round would do, said before it is closed (page and command line)."""
    r = find(ctx, period, unit_id)
    if r.state == CLOSED:
        raise RoundError("round_already_closed", unit=r.unit_id, period=period)
    table = roundprogress.progress(ctx, r)
    others = [
        x for x in release_rule.all_rounds(ctx) if x.period == period and x.round_id != r.round_id
    ]
    closed_tops = {x.unit_id for x in others if x.state == CLOSED} | {r.unit_id}
    locks = not release_rule.allow_late(ctx) and set(release_rule.top_units(ctx)) <= closed_tops
    return CloseQuestion(
        round=r,
        unit=roundprogress._names(ctx).get(r.unit_id, r.unit_id),
        answered=int(table["answered"].sum()),
        expected=int(table["expected"].sum()),
        days_left=release.days_left(r.deadline, today or clock.today()),
        locks=locks,
    )


def reopen_round(ctx: Context, period: str, unit_id: str | None = None) -> Round:
    """Open a closed round again (audited): its quarter's figures are withdrawn until it closes
    again, and a period lock that closing it set is lifted."""
    r = find(ctx, period, unit_id)
    require_run(ctx, r.unit_id)
    if r.state != CLOSED:
        raise RoundError("round_not_closed", unit=r.unit_id, period=period)

    def work(cur: sql.Cursor) -> bool:
        lifted = sql.lock_set(cur, r.round_id)
        if lifted:
            people_sql.unlock_period(cur, period)
        sql.set_state(cur, r.round_id, OPEN, ctx.actor.user_id, lock_set=False)
        return lifted

    ctx.write(
        work,
        "round.reopen",
        f"{r.unit_id}/{period}",
        lambda lifted: {"round_id": r.round_id, "unlocked": lifted},
    )
    return next(x for x in release_rule.all_rounds(ctx) if x.round_id == r.round_id)


def start_planned(ctx: Context, today: date | None = None) -> list[Round]:
    """Planned rounds whose opening day has come are opened (the scheduler calls this)."""
    today = today or clock.today()
    started = []
    for r in release_rule.all_rounds(ctx):
        if r.state == PLANNED and today >= r.opens_on and may_run(ctx, r.unit_id):
            ctx.write(
                lambda cur, r=r: sql.set_state(cur, r.round_id, OPEN, ctx.actor.user_id),
                "round.start",
                f"{r.unit_id}/{r.period}",
                {"round_id": r.round_id},
            )
            started.append(r)
    return started


def period_choices(today: date | None = None) -> list[str]:
    """The quarters a round is usually opened for: the current one first, then the next and
    the one just ended."""
    current = Period.current(today)
    return [str(current), str(current.shift(1)), str(current.previous())]
