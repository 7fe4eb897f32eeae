"""The release rule the dashboards use to choose their quarter (domain/release.py), read from
the rounds, and the gate: whether answers may still go into a quarter whose round has closed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from dtmaturity import memo
from dtmaturity.domain import access, clock, release
from dtmaturity.domain.release import CLOSED, Round
from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import Store
from dtmaturity.store import people as people_sql
from dtmaturity.store import rounds as sql

if TYPE_CHECKING:  # imported where used: an import's check needs the gate, not pandas
    import pandas as pd

ALLOW_LATE_KEY = "rounds_allow_late"
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
        unit_id, periods, all_rounds(ctx), authz.parents(ctx), today or clock.today()
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


def subtree_units(ctx: Context, unit_id: str) -> list[str]:
    parents = authz.parents(ctx)
    return [u for u in parents if unit_id in access.ancestors_and_self(u, parents)]


def top_units(ctx: Context) -> list[str]:
    """The units without a parent."""
    return [u for u, parent in authz.parents(ctx).items() if parent is None]


# --- the gate: answers into a quarter -----------------------------------------------------------


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
