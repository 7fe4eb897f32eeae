"""Quarterly rounds: open, follow, close and reopen them, and the release rule the dashboards
use to choose their quarter (domain/release.py).

Admins run rounds anywhere, coordinators for their subtree. Every change is one audited write.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from dtmaturity import memo
from dtmaturity.domain import access, formats, release
from dtmaturity.domain.periods import Period
from dtmaturity.domain.release import CLOSED, OPEN, PLANNED, Round, RoundError
from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import Store
from dtmaturity.store import people as people_sql
from dtmaturity.store import releases as releases_sql
from dtmaturity.store import rounds as sql

if TYPE_CHECKING:  # imported where used: an import's check needs the gate, not pandas
    import pandas as pd

__all__ = ["RoundError", "Round"]

ALLOW_LATE_KEY = "rounds_allow_late"
BABEL_LOCALES = {"nb": "nb", "nn": "nn", "en": "en_GB"}
F = TypeVar("F", bound=Callable[..., Any])


# --- reading rounds, the release rule -----------------------------------------------------------


@memo.memoised(32, of_data=True)
def _rounds(store: Store, _version: int) -> tuple[Round, ...]:
    with store.reader() as cur:
        return tuple(sql.rounds(cur))


def all_rounds(ctx: Context) -> list[Round]:
    """Every round, newest quarter first (cached until the next write). No access check: the
    release rule needs them all; what people are shown goes through `visible`."""
    return list(_rounds(ctx.store, ctx.store.data_version()))


def released_periods(
    ctx: Context, unit_id: str, periods: list[str], today: date | None = None
) -> list[str]:
    """The periods (in the given order) whose figures are released for the unit's subtree."""
    return release.released(
        unit_id, periods, all_rounds(ctx), authz.parents(ctx), today or date.today()
    )


def is_released(ctx: Context, unit_id: str, period: str, today: date | None = None) -> bool:
    return bool(released_periods(ctx, unit_id, [period], today))


def released_only(unit: str = "node_id", period: str = "period") -> Callable[[F], F]:
    """Decorate a dashboard service `f(ctx, unit, period, ...) -> DataFrame`: for a quarter
    that is not released for the unit it returns no rows (same columns), so a figure of an
    open quarter never leaves the service, whichever page or call asked for it."""

    def decorate(func: F) -> F:
        import inspect

        names = list(inspect.signature(func).parameters)

        @functools.wraps(func)
        def only_released(ctx: Context, *args: Any, **kwargs: Any) -> Any:
            bound = dict(zip(names[1:], args, strict=False)) | kwargs
            frame = func(ctx, *args, **kwargs)
            if is_released(ctx, bound[unit], bound[period]):
                return frame
            import pandas as pd

            return frame.iloc[0:0] if isinstance(frame, pd.DataFrame) else frame

        return only_released  # type: ignore[return-value]

    return decorate


def released_rows(ctx: Context, unit_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows (period, ...) of quarters released for the unit. A quarter in progress is no
    group's figure, even where every answer in it is the viewer's own: those are shown apart,
    as the viewer's answers (`own_pending`)."""
    periods = sorted(set(frame["period"]))
    shown = set(released_periods(ctx, unit_id, periods))
    return frame[frame["period"].isin(shown)].reset_index(drop=True)


def own_pending(ctx: Context, unit_id: str, items: list[tuple[str, str]]) -> pd.DataFrame:
    """The viewer's own answers in the unit's subtree for quarters not yet released: item_id,
    item, period, score (never drawn as the group's figure)."""
    units = subtree_units(ctx, unit_id)
    with ctx.store.reader() as cur:
        periods = sql.own_periods(cur, units, ctx.actor.user_id)
    released = set(released_periods(ctx, unit_id, periods))
    pending = [p for p in periods if p not in released]
    with ctx.store.reader() as cur:
        mine = sql.own_scores(cur, units, pending, ctx.actor.user_id, [i for i, _ in items])
    order = {item_id: i for i, (item_id, _) in enumerate(items)}
    mine = mine.assign(item=mine["item_id"].map(dict(items)), order=mine["item_id"].map(order))
    mine = mine.sort_values(["period", "order"], ignore_index=True)
    return mine[["item_id", "item", "period", "score"]]


def released_or_own_periods(ctx: Context, unit_id: str, pools: dict[str, int]) -> set[str]:
    """Of these periods (period -> check-ins in the unit's subtree), the released ones and the
    unreleased ones whose every check-in is the viewer's own (a leader sees their own texts)."""
    shown = set(released_periods(ctx, unit_id, sorted(pools)))
    pending = [p for p in pools if p not in shown]
    if pending:
        with ctx.store.reader() as cur:
            own = sql.own_checkin_counts(
                cur, subtree_units(ctx, unit_id), pending, ctx.actor.user_id
            )
        shown |= {p for p in pending if pools[p] > 0 and own.get(p) == pools[p]}
    return shown


def released_compare_rows(ctx: Context, unit_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the unit/parent/organisation comparison whose own group is released."""
    chain = access.ancestors_and_self(unit_id, authz.parents(ctx))
    groups = {
        "unit": chain[0],
        "parent": chain[1] if len(chain) > 1 else None,
        "organisation": chain[-1],
    }
    keep = []
    for role, period in zip(frame["role"], frame["period"], strict=True):
        group = groups.get(role)
        keep.append(group is not None and is_released(ctx, group, period))
    return frame[keep].reset_index(drop=True)


def covering(ctx: Context, unit_id: str, period: str) -> Round | None:
    return release.covering(unit_id, period, all_rounds(ctx), authz.parents(ctx))


@dataclass(frozen=True)
class Gate:
    """Whether answers may go into a quarter, as read inside one write transaction: the
    period locks, the late check-in setting, the unit tree and the quarters' rounds."""

    rounds: tuple[Round, ...]
    parents: dict[str, str | None]
    allow_late: bool
    locked: frozenset[str]

    def refusal(self, unit_id: str, period: str) -> str | None:
        """The message key of the reason answers cannot go into this unit's quarter, or None."""
        if period in self.locked:  # a round closed over every top unit locks it too
            return "error_period_locked"
        if self._round_closed(unit_id, period):
            return "error_round_closed"
        return None

    def _round_closed(self, unit_id: str, period: str) -> bool:
        r = release.covering(unit_id, period, self.rounds, self.parents)
        return r is not None and r.state == CLOSED and not self.allow_late

    def closed_units(self, period: str) -> list[str]:
        """The units whose round for this quarter is closed to new answers (a period lock
        aside: that closes the quarter everywhere)."""
        if self.allow_late or not any(r.state == CLOSED for r in self.rounds):
            return []
        return [u for u in self.parents if self._round_closed(u, period)]


def gate(cur: sql.Cursor, periods: list[str], *, hold: bool = True) -> Gate:
    """Call inside the transaction of every write that puts answers into these quarters (a
    check-in, an import, an import's undo), and decide from it in that transaction; closing
    decides in its own. Those transactions do not overlap (see store.rounds.claim), so a
    write either commits before the close or is refused. `hold=False` only reads (in a
    transaction of its own, so that it sees one state), for a message shown before writing."""
    if hold:
        return _gate(cur, sql.claim(cur, periods))
    cur.begin()
    try:
        return gate_as_read(cur, periods)
    finally:
        cur.rollback()  # read only


def gate_as_read(cur: sql.Cursor, periods: list[str]) -> Gate:
    """The gate as it stands, read inside a read transaction the caller holds (an import's dry
    run: it decides nothing, so it holds no round)."""
    return _gate(cur, sql.of_periods(cur, periods))


def _gate(cur: sql.Cursor, quarter_rounds: list[Round]) -> Gate:
    return Gate(
        rounds=tuple(quarter_rounds),
        parents=people_sql.parents(cur),
        allow_late=people_sql.setting(cur, ALLOW_LATE_KEY) == "1",
        locked=frozenset(people_sql.locked_periods(cur)),
    )


def allow_late(ctx: Context) -> bool:
    with ctx.store.reader() as cur:
        return people_sql.setting(cur, ALLOW_LATE_KEY) == "1"


def set_allow_late(ctx: Context, allowed: bool) -> None:
    """Admins only: whether check-ins are accepted after a round has closed."""
    authz.require_admin(ctx)
    value = "1" if allowed else "0"
    ctx.write(
        lambda cur: people_sql.set_setting(cur, ALLOW_LATE_KEY, value, ctx.actor.user_id),
        "setting.update",
        ALLOW_LATE_KEY,
        {"value": value},
    )


# --- who may see and run which round -------------------------------------------------------------


def may_run(ctx: Context, unit_id: str) -> bool:
    return access.may_run_round(ctx.actor.grants, unit_id, authz.parents(ctx))


def require_run(ctx: Context, unit_id: str) -> None:
    authz.require_rounds(ctx, unit_id)


def visible(ctx: Context) -> list[Round]:
    """The rounds the acting person runs: all for an admin, their subtree's for a coordinator."""
    authz.require_rounds(ctx)
    return [r for r in all_rounds(ctx) if may_run(ctx, r.unit_id)]


# --- open, close, reopen -------------------------------------------------------------------------


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
    today = today or date.today()
    opens_on = opens_on or today
    release.validate_new(unit_id, period, opens_on, deadline, all_rounds(ctx), authz.parents(ctx))
    state = OPEN if opens_on <= today else PLANNED
    # A quarter shown before its round was opened stays shown: changes in it are held.
    shown = is_released(ctx, unit_id, period, today)

    def work(cur: sql.Cursor) -> int:
        if shown and releases_sql.has_checkins(cur, subtree_units(ctx, unit_id), period):
            releases_sql.mark(cur, unit_id, period)
        return sql.insert_round(cur, unit_id, period, opens_on, deadline, state, ctx.actor.user_id)

    round_id = ctx.write(
        work,
        "round.open",
        f"{unit_id}/{period}",
        lambda rid: {"round_id": rid, "state": state, "opens_on": opens_on, "deadline": deadline},
    )
    return next(r for r in all_rounds(ctx) if r.round_id == round_id)


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


def top_units(ctx: Context) -> list[str]:
    """The units without a parent."""
    return [u for u, parent in authz.parents(ctx).items() if parent is None]


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
        held = gate(cur, [period])
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
    return next(x for x in all_rounds(ctx) if x.round_id == r.round_id)


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
            deadline=format_day(lang, self.round.deadline),
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
    table = progress(ctx, r)
    others = [x for x in all_rounds(ctx) if x.period == period and x.round_id != r.round_id]
    closed_tops = {x.unit_id for x in others if x.state == CLOSED} | {r.unit_id}
    locks = not allow_late(ctx) and set(top_units(ctx)) <= closed_tops
    return CloseQuestion(
        round=r,
        unit=_names(ctx).get(r.unit_id, r.unit_id),
        answered=int(table["answered"].sum()),
        expected=int(table["expected"].sum()),
        days_left=release.days_left(r.deadline, today or date.today()),
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
    return next(x for x in all_rounds(ctx) if x.round_id == r.round_id)


def start_planned(ctx: Context, today: date | None = None) -> list[Round]:
    """Planned rounds whose opening day has come are opened (the scheduler calls this)."""
    today = today or date.today()
    started = []
    for r in all_rounds(ctx):
        if r.state == PLANNED and today >= r.opens_on and may_run(ctx, r.unit_id):
            ctx.write(
                lambda cur, r=r: sql.set_state(cur, r.round_id, OPEN, ctx.actor.user_id),
                "round.start",
                f"{r.unit_id}/{r.period}",
                {"round_id": r.round_id},
            )
            started.append(r)
    return started


# --- following a round ---------------------------------------------------------------------------


def subtree_units(ctx: Context, unit_id: str) -> list[str]:
    parents = authz.parents(ctx)
    return [u for u in parents if unit_id in access.ancestors_and_self(u, parents)]


def invitees(ctx: Context, unit_id: str, period: str) -> pd.DataFrame:
    """Who a round for `unit_id` and `period` would invite, before it is opened: unit_id,
    person_id, email, lang (the leaders registered in the unit's subtree)."""
    require_run(ctx, unit_id)
    with ctx.store.reader() as cur:
        return sql.expected(cur, subtree_units(ctx, unit_id), period)


def expected(ctx: Context, r: Round) -> pd.DataFrame:
    """The leaders a round asks: unit_id, person_id, email, lang, checked_in (no answers)."""
    with ctx.store.reader() as cur:
        return sql.expected(cur, subtree_units(ctx, r.unit_id), r.period)


def progress(ctx: Context, r: Round) -> pd.DataFrame:
    """Per unit of the round: unit_id, unit, expected (registered leaders), answered (of
    them), missing. Counts of check-ins only, never answers, so no threshold applies."""
    require_run(ctx, r.unit_id)
    frame = expected(ctx, r)
    names = _names(ctx)
    units_in = subtree_units(ctx, r.unit_id)
    import pandas as pd

    rows = []
    for unit_id in sorted(units_in, key=lambda u: names.get(u, u)):
        mine = frame[frame["unit_id"] == unit_id]
        answered = int(mine["checked_in"].sum())
        rows.append((unit_id, names.get(unit_id, unit_id), len(mine), answered))
    table = pd.DataFrame(rows, columns=["unit_id", "unit", "expected", "answered"])
    table["missing"] = table["expected"] - table["answered"]
    return table


@dataclass(frozen=True)
class Participation:
    """An unreleased quarter's only figure: how many of the expected leaders have answered."""

    period: str
    answered: int
    expected: int
    deadline: date | None
    state: str


def participation(ctx: Context, unit_id: str, today: date | None = None) -> Participation | None:
    """For the dashboards: the quarter in progress for this unit (an open round covering it,
    else the current quarter while it has check-ins), counted over the unit's subtree."""
    today = today or date.today()
    current = str(Period.current(today))
    parents = authz.parents(ctx)
    open_rounds = [
        r
        for r in all_rounds(ctx)
        if release.state_on(r, today) == OPEN
        and (
            unit_id in access.ancestors_and_self(r.unit_id, parents)
            or r.unit_id in access.ancestors_and_self(unit_id, parents)
        )
    ]
    period = open_rounds[0].period if open_rounds else current
    if is_released(ctx, unit_id, period, today):
        return None
    counted = subtree_units(ctx, unit_id)
    if open_rounds:  # count those the rounds ask, not the whole subtree
        asked = {
            u for r in open_rounds if r.period == period for u in subtree_units(ctx, r.unit_id)
        }
        counted = [u for u in counted if u in asked]
    with ctx.store.reader() as cur:
        frame = sql.expected(cur, counted, period)
    if frame.empty:
        return None
    answered = int(frame["checked_in"].sum())
    if not open_rounds and not answered:
        return None
    r = open_rounds[0] if open_rounds else None
    return Participation(
        period, answered, len(frame), r.deadline if r else None, r.state if r else ""
    )


@dataclass(frozen=True)
class Due:
    """A check-in a leader is asked for: unit, quarter, deadline, days left."""

    unit_id: str
    unit: str
    period: str
    deadline: date
    days_left: int

    def line(self, lang: str) -> str:
        """ "Egenvurdering for Kundesenteret, 4. kvartal 2026: frist 15. desember, 5 dager igjen"."""
        from dtmaturity.domain.i18n import t

        days = self.days_left
        key = {0: "due_line_today", 1: "due_line_one"}.get(days, "due_line")
        return t(
            lang,
            "due_line_late" if days < 0 else key,
            unit=self.unit,
            period=formats.quarter(self.period, lang),  # running text: the quarter by name
            deadline=format_day(lang, self.deadline),
            days=days,
        )


def due_for_me(ctx: Context, today: date | None = None) -> list[Due]:
    """The check-ins open rounds ask of the acting person and that they have not made yet."""
    today = today or date.today()
    names = _names(ctx)
    found = []
    for r in all_rounds(ctx):
        if release.state_on(r, today) != OPEN:
            continue
        frame = expected(ctx, r)
        mine = frame[(frame["person_id"] == ctx.actor.user_id) & ~frame["checked_in"]]
        for unit_id in mine["unit_id"]:
            found.append(
                Due(
                    unit_id,
                    names.get(unit_id, unit_id),
                    r.period,
                    r.deadline,
                    release.days_left(r.deadline, today),
                )
            )
    return sorted(found, key=lambda d: (d.deadline, d.unit))


def _names(ctx: Context) -> dict[str, str]:
    from dtmaturity.services import units

    return {u.unit_id: u.name for u in units.tree(ctx)}


def format_day(lang: str, day: date) -> str:
    """ "15. desember" / "15 December"."""
    from babel.dates import format_skeleton

    return format_skeleton("dMMMM", day, locale=BABEL_LOCALES.get(lang, "nb"))


def unit_choices(ctx: Context) -> list:
    """The units the acting person may run a round for (UnitChoice, in tree order)."""
    from dtmaturity.services import units

    return [u for u in units.tree(ctx) if may_run(ctx, u.unit_id)]


def period_choices(today: date | None = None) -> list[str]:
    """The quarters a round is usually opened for: the current one first, then the next and
    the one just ended."""
    current = Period.current(today)
    return [str(current), str(current.shift(1)), str(current.previous())]
