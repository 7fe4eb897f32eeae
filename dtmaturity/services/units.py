"""The organisation tree: units and their parents."""

from __future__ import annotations

from typing import NamedTuple

from dtmaturity.domain import formats
from dtmaturity.services import authz
from dtmaturity.services.cache import cached_by_data_version
from dtmaturity.services.context import Context
from dtmaturity.store import queries


class UnitChoice(NamedTuple):
    unit_id: str
    name: str
    parent_id: str | None
    depth: int
    is_demo: bool

    @property
    def label(self) -> str:
        """Indented so the tree shows in a flat select box."""
        return "\u2003" * self.depth + self.name


class _Tree(NamedTuple):
    ordered: tuple[UnitChoice, ...]
    by_id: dict[str, UnitChoice]


def _tree_rows(cur: queries.Cursor) -> _Tree:
    rows = [UnitChoice._make(row) for row in queries.units(cur)]
    children: dict[str | None, list[UnitChoice]] = {}
    for unit in rows:  # the store gives parents before children
        children.setdefault(None if unit.depth == 0 else unit.parent_id, []).append(unit)
    ordered: list[UnitChoice] = []

    def visit(parent: str | None) -> None:
        # Siblings as people sort names: "Seksjon 2" before "Seksjon 10", æ, ø, å after z.
        for unit in formats.sorted_names(children.get(parent, []), "nb", key=lambda u: u.name):
            ordered.append(unit)
            visit(unit.unit_id)

    visit(None)
    return _Tree(tuple(ordered), {u.unit_id: u for u in ordered})


_tree = cached_by_data_version(_tree_rows)


def tree(ctx: Context) -> list[UnitChoice]:
    """Every unit, parents before children, siblings by name."""
    return list(_tree(ctx.store).ordered)


def _only(ctx: Context, allowed: list[str]) -> list[UnitChoice]:
    keep = set(allowed)
    return [u for u in tree(ctx) if u.unit_id in keep]


def dashboard_choices(ctx: Context) -> list[UnitChoice]:
    """The units whose dashboards the acting person may see."""
    return _only(ctx, authz.dashboard_units(ctx, [u.unit_id for u in tree(ctx)]))


def overview_choices(ctx: Context) -> list[UnitChoice]:
    """The nodes the acting person may open the overview for."""
    return _only(ctx, authz.overview_units(ctx, [u.unit_id for u in tree(ctx)]))


def checkin_choices(ctx: Context) -> list[UnitChoice]:
    """The units the acting person leads (may check in for)."""
    return _only(ctx, authz.checkin_units(ctx, [u.unit_id for u in tree(ctx)]))


def labels(ctx: Context) -> dict[str, str]:
    return {u.unit_id: u.label for u in tree(ctx)}


def by_id(ctx: Context) -> dict[str, UnitChoice]:
    """Units by id (shared and cached: do not change it)."""
    return _tree(ctx.store).by_id


def name(ctx: Context, unit_id: str) -> str:
    unit = by_id(ctx).get(unit_id)
    return unit.name if unit else unit_id


def parent_of(ctx: Context, unit_id: str) -> str | None:
    """The unit's parent, or None for a top unit (or a parent that is not stored)."""
    index = by_id(ctx)
    unit = index.get(unit_id)
    return unit.parent_id if unit and unit.parent_id in index else None


def children(ctx: Context, unit_id: str) -> list[UnitChoice]:
    return [u for u in tree(ctx) if u.parent_id == unit_id]
