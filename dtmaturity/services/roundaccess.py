"""Who may see and run which round: admins run rounds anywhere, coordinators for their subtree."""

from __future__ import annotations

from dtmaturity.domain import access
from dtmaturity.domain.release import Round
from dtmaturity.services import authz, release_rule
from dtmaturity.services.context import Context


def may_run(ctx: Context, unit_id: str) -> bool:
    return access.may_run_round(ctx.actor.grants, unit_id, authz.parents(ctx))


def require_run(ctx: Context, unit_id: str) -> None:
    authz.require_rounds(ctx, unit_id)


def visible(ctx: Context) -> list[Round]:
    """The rounds the acting person runs: all for an admin, their subtree's for a coordinator."""
    authz.require_rounds(ctx)
    return [r for r in release_rule.all_rounds(ctx) if may_run(ctx, r.unit_id)]


def unit_choices(ctx: Context) -> list:
    """The units the acting person may run a round for (UnitChoice, in tree order)."""
    from dtmaturity.services import units

    return [u for u in units.tree(ctx) if may_run(ctx, u.unit_id)]
