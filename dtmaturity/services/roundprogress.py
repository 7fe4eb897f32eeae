"""Following a round: who it asks, who has answered (progress, the dashboards' participation)
and the check-ins due from the acting person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dtmaturity.domain import access, clock, formats, release
from dtmaturity.domain.periods import Period
from dtmaturity.domain.release import OPEN, Round
from dtmaturity.services import authz, release_rule
from dtmaturity.services.context import Context
from dtmaturity.services.roundaccess import require_run
from dtmaturity.store import rounds as sql

if TYPE_CHECKING:
    import pandas as pd

BABEL_LOCALES = {"nb": "nb", "nn": "nn", "en": "en_GB"}


def invitees(ctx: Context, unit_id: str, period: str) -> pd.DataFrame:
    """Who a round for `unit_id` and `period` would invite, before it is opened: unit_id,
    person_id, email, lang (the leaders registered in the unit's subtree)."""
    require_run(ctx, unit_id)
    with ctx.store.reader() as cur:
        return sql.expected(cur, release_rule.subtree_units(ctx, unit_id), period)


def expected(ctx: Context, r: Round) -> pd.DataFrame:
    """The leaders a round asks: unit_id, person_id, email, lang, checked_in (no answers)."""
    with ctx.store.reader() as cur:
        return sql.expected(cur, release_rule.subtree_units(ctx, r.unit_id), r.period)


def progress(ctx: Context, r: Round) -> pd.DataFrame:
    """Per unit of the round: unit_id, unit, expected (registered leaders), answered (of
    them), missing. Counts of check-ins only, never answers, so no threshold applies."""
    require_run(ctx, r.unit_id)
    frame = expected(ctx, r)
    names = _names(ctx)
    units_in = release_rule.subtree_units(ctx, r.unit_id)
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
    today = today or clock.today()
    current = str(Period.current(today))
    parents = authz.parents(ctx)
    open_rounds = [
        r
        for r in release_rule.all_rounds(ctx)
        if release.state_on(r, today) == OPEN
        and (
            unit_id in access.ancestors_and_self(r.unit_id, parents)
            or r.unit_id in access.ancestors_and_self(unit_id, parents)
        )
    ]
    period = open_rounds[0].period if open_rounds else current
    if release_rule.is_released(ctx, unit_id, period, today):
        return None
    counted = release_rule.subtree_units(ctx, unit_id)
    if open_rounds:  # count those the rounds ask, not the whole subtree
        asked = {
            u
            for r in open_rounds
            if r.period == period
            for u in release_rule.subtree_units(ctx, r.unit_id)
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
    today = today or clock.today()
    names = _names(ctx)
    found = []
    for r in release_rule.all_rounds(ctx):
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
