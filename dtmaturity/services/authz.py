"""Access checks for the services: every service call states what it needs, and a person whose
roles do not allow it gets AccessDenied, whatever page or address they came from."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from dtmaturity import memo
from dtmaturity.domain import access
from dtmaturity.domain.access import AccessDenied
from dtmaturity.services.context import Context
from dtmaturity.store import Store
from dtmaturity.store import people as sql

F = TypeVar("F", bound=Callable[..., Any])


@memo.memoised(32, of_data=True)
def _parents(store: Store, _version: int) -> dict[str, str | None]:
    with store.reader() as cur:
        return sql.parents(cur)


def parents(ctx: Context) -> dict[str, str | None]:
    """The unit tree (unit → parent), cached until the next write."""
    return _parents(ctx.store, ctx.store.data_version())


def require_dashboard(ctx: Context, unit_id: str) -> None:
    if not access.may_view_dashboard(ctx.actor.grants, unit_id, parents(ctx)):
        raise AccessDenied("access_dashboard", unit=unit_id)


def require_overview(ctx: Context, unit_id: str) -> None:
    if not access.may_view_overview(ctx.actor.grants, unit_id, parents(ctx)):
        raise AccessDenied("access_overview", unit=unit_id)


def require_checkin(ctx: Context, unit_id: str) -> None:
    if not access.may_check_in(ctx.actor.grants, unit_id):
        raise AccessDenied("access_checkin", unit=unit_id)


def require_coordinate(ctx: Context, unit_id: str | None = None) -> None:
    """Coordinator work on a unit (or, without one, on anything at all)."""
    grants = ctx.actor.grants
    allowed = (
        access.may_coordinate_anything(grants)
        if unit_id is None
        else access.may_coordinate(grants, unit_id, parents(ctx))
    )
    if not allowed:
        raise AccessDenied("access_coordinate", unit=unit_id or "")


def require_rounds(ctx: Context, unit_id: str | None = None) -> None:
    """Running quarterly rounds on a unit (or, without one, any at all): admins everywhere,
    coordinators for their subtree."""
    grants = ctx.actor.grants
    allowed = (
        access.may_coordinate_anything(grants)
        if unit_id is None
        else access.may_run_round(grants, unit_id, parents(ctx))
    )
    if not allowed:
        raise AccessDenied("access_rounds", unit=unit_id or "")


def require_admin(ctx: Context) -> None:
    if not access.is_admin(ctx.actor.grants):
        raise AccessDenied("access_admin")


def require_self_or_admin(ctx: Context, person_id: str) -> None:
    if person_id != ctx.actor.user_id and not access.is_admin(ctx.actor.grants):
        raise AccessDenied("access_person")


def dashboard_units(ctx: Context, unit_ids: list[str]) -> list[str]:
    """The units whose dashboards the acting person may see, in the given order."""
    return access.units_where(ctx.actor.grants, unit_ids, parents(ctx), access.may_view_dashboard)


def overview_units(ctx: Context, unit_ids: list[str]) -> list[str]:
    return access.units_where(ctx.actor.grants, unit_ids, parents(ctx), access.may_view_overview)


def checkin_units(ctx: Context, unit_ids: list[str]) -> list[str]:
    return [u for u in unit_ids if access.may_check_in(ctx.actor.grants, u)]


def coordinated_units(ctx: Context, unit_ids: list[str]) -> list[str]:
    return access.units_where(ctx.actor.grants, unit_ids, parents(ctx), access.may_coordinate)


def dashboard(argument: str = "unit_id") -> Callable[[F], F]:
    """Decorate a dashboard service `f(ctx, unit_id, ...)`: refuse units the acting person may
    not see. `argument` names the parameter holding the unit."""
    return _requires_access(argument, require_dashboard)


def overview(argument: str = "node_id") -> Callable[[F], F]:
    """Decorate an overview service `f(ctx, node_id, ...)` (managers of the subtree, admins)."""
    return _requires_access(argument, require_overview)


def _requires_access(argument: str, require: Callable[[Context, str], None]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        import inspect

        position = list(inspect.signature(func).parameters).index(argument)

        @wraps(func)
        def checked(ctx: Context, *args: Any, **kwargs: Any) -> Any:
            unit_id = kwargs[argument] if argument in kwargs else args[position - 1]
            require(ctx, unit_id)
            return func(ctx, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
