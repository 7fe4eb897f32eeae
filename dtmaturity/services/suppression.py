"""The privacy rule's decisions (dtmaturity/domain/privacy.py) for the dashboards: which cells
are hidden and why, per quarter and measure, over the whole unit tree, so that every page
hides the same cells. Decided from counts the store aggregates (dtmaturity/store/guard.py) and
cached per data version and viewer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from dtmaturity.domain import privacy
from dtmaturity.domain.privacy import Cell
from dtmaturity.services import cache, fetching
from dtmaturity.services.context import Context
from dtmaturity.store import guard
from dtmaturity.store.guard import HiddenCell
from dtmaturity.store.querying import Query

# (quarter, key) -> the hidden cells of that column and why. The key is an item for scores and
# targets, '' for check-ins (role picks and reflections).
Decision = Mapping[tuple[str, str], Mapping[Cell, str]]


class _Decisions:
    """Decisions per (store, data version, counts query, k): the counts come through the same
    cache as every dashboard query; the rule runs once per data version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo: dict[tuple[Any, ...], Decision] = {}

    def get(self, ctx: Context, query: Query, k: int) -> Decision:
        frozen = tuple(
            (key, tuple(v) if isinstance(v, list) else v) for key, v in sorted(query.params.items())
        )
        key = (ctx.store, ctx.store.data_version(), query.sql, frozen, k)
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None:
            return hit
        tree = fetching.fetch(ctx, guard.unit_parents())
        parents = {
            unit: (None if pd.isna(parent) else parent)
            for unit, parent in zip(tree["unit_id"], tree["parent_id"], strict=True)
        }
        counts = fetching.fetch(ctx, query)
        columns: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
        for unit_id, period, item, n, n_own in zip(
            counts["unit_id"],
            counts["period"],
            counts["key"],
            counts["n"],
            counts["n_own"],
            strict=True,
        ):
            columns.setdefault((period, item), {})[unit_id] = (int(n), int(n_own))
        tree = tuple(sorted(parents.items(), key=lambda pair: pair[0]))
        decision = {
            column: _column(tree, tuple(sorted(groups.items())), k)
            for column, groups in columns.items()
        }
        with self._lock:
            if len(self._memo) >= 256:
                self._memo.clear()
            self._memo[key] = decision
        return decision

    def cache_clear(self) -> None:
        with self._lock:
            self._memo.clear()


@lru_cache(maxsize=4096)
def _column(
    tree: tuple[tuple[str, str | None], ...],
    groups: tuple[tuple[str, tuple[int, int]], ...],
    k: int,
) -> Mapping[Cell, str]:
    """One column's decision, cached by its content: a new check-in changes the columns of its
    own quarter only, so the other quarters' decisions are reused."""
    return privacy.suppress(dict(tree), dict(groups), k)


_decisions = _Decisions()
cache.register(_decisions)
cache.register(_column)


def _decision(ctx: Context, query: Query, k: int) -> Decision:
    return _decisions.get(ctx, query, k)


def k_respondents() -> int:
    return privacy.thresholds().min_respondents


def scores(ctx: Context, periods: list[str] | None, item_ids: list[str]) -> Decision:
    """Hidden score cells per (quarter, item) in `periods` (None: every quarter)."""
    query = guard.score_groups(periods, sorted(item_ids), ctx.actor.user_id)
    return _decision(ctx, query, k_respondents())


def checkins(ctx: Context, periods: list[str] | None, k: int) -> Decision:
    """Hidden check-in groups per (quarter, '') with threshold `k`: role picks use
    min_respondents, reflections min_reflections."""
    return _decision(ctx, guard.checkin_groups(periods, ctx.actor.user_id), k)


def targets(ctx: Context, as_of: str) -> Decision:
    """Hidden target cells per (target quarter, item), counting targets set up to `as_of`."""
    return _decision(ctx, guard.target_groups(as_of, ctx.actor.user_id), k_respondents())


def reason(decision: Decision, period: str, key: str, cell: Cell) -> str | None:
    """Why the cell is hidden (privacy.FEW or privacy.PROTECT), or None when it is shown."""
    return decision.get((period, key), {}).get(cell)


def hidden_cells(decision: Decision, units: Iterable[str]) -> list[HiddenCell]:
    """The hidden cells of the given units, as a score query binds them."""
    wanted = set(units)
    return sorted(
        (unit_id, below, period, key, why)
        for (period, key), cells in decision.items()
        for (unit_id, below), why in cells.items()
        if unit_id in wanted
    )
