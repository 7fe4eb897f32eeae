"""Period locks: a locked quarter takes no more check-ins or edits (admins lock and open)."""

from __future__ import annotations

from dtmaturity.domain.periods import Period
from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import people as sql


def locked_periods(ctx: Context) -> list[str]:
    with ctx.store.reader() as cur:
        return sql.locked_periods(cur)


def set_lock(ctx: Context, period: str, locked: bool) -> None:
    """Lock a quarter (no more check-ins or edits) or open it again. Admins only."""
    authz.require_admin(ctx)
    Period.parse(period)
    ctx.write(
        (lambda cur: sql.lock_period(cur, period, ctx.actor.user_id))
        if locked
        else (lambda cur: sql.unlock_period(cur, period)),
        "period.lock" if locked else "period.unlock",
        period,
    )
