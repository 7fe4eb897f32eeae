"""The organisation tree: units and their parents."""

from __future__ import annotations

from dataclasses import dataclass

from dtmaturity.context import Context
from dtmaturity.store import queries


@dataclass(frozen=True)
class UnitChoice:
    unit_id: str
    name: str
    parent_id: str | None
    depth: int
    is_demo: bool

    @property
    def label(self) -> str:
        """Indented so the tree shows in a flat select box."""
        return "\u2003" * self.depth + self.name


def tree(ctx: Context) -> list[UnitChoice]:
    """Every unit, parents before children, siblings by name."""
    with ctx.store.reader() as cur:
        return [UnitChoice(*row) for row in queries.units(cur)]


def labels(ctx: Context) -> dict[str, str]:
    return {u.unit_id: u.label for u in tree(ctx)}
