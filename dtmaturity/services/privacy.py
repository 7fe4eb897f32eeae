"""The privacy rule's decisions (dtmaturity/domain/privacy.py) for the dashboards: which cells
are hidden and why, per quarter and measure, over the whole unit tree, so that every page
hides the same cells. Decided from counts the store aggregates (dtmaturity/store/privacy.py) and
cached per data version and viewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from dtmaturity import memo
from dtmaturity.domain import privacy
from dtmaturity.domain.access import ALL_GRANTS, Grant
from dtmaturity.domain.framework import Framework
from dtmaturity.domain.privacy import Cell
from dtmaturity.services import fetching
from dtmaturity.services.cache import cached_by_data_version
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import Store
from dtmaturity.store import privacy as privacy_sql
from dtmaturity.store import releases as releases_sql
from dtmaturity.store.privacy import HiddenCell
from dtmaturity.store.querying import Cursor, Query

# (quarter, key) -> the hidden cells of that column and why. The key is an item for scores and
# targets, '' for check-ins (role picks and reflections).
Decision = Mapping[tuple[str, str], Mapping[Cell, str]]


def _frozen(query: Query) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (key, tuple(v) if isinstance(v, list) else v) for key, v in sorted(query.params.items())
    )


def _read_columns(
    cur: Cursor, sql: str, frozen: tuple[tuple[str, Any], ...]
) -> privacy_sql.CountColumns:
    params = {key: list(v) if isinstance(v, tuple) else v for key, v in frozen}
    return privacy_sql.read_columns(cur, Query("counts", sql, params))


_read = cached_by_data_version(_read_columns)


class _Decisions:
    """Decisions per (store, data version, counts query, viewer, k). The counts are the same for
    every viewer and read once per data version; a column is decided once for all viewers
    who see the same cells and know no answer in it (`privacy.knowledge_matters`), and again,
    with what they know marked, for a viewer who knows some."""

    def __init__(self) -> None:
        self._memo: memo.Memo[Decision] = memo.Memo(256, of_data=True)

    def get(
        self,
        ctx: Context,
        counts: Query,
        known: Query,
        k: int,
        kind: str,
        wanted: tuple[frozenset[str] | None, frozenset[str] | None] = (None, None),
    ) -> Decision:
        """The decisions of the columns wanted (quarters, keys; None: all of them)."""
        grants = tuple(sorted(ctx.actor.grants))
        key = (ctx.store, ctx.store.data_version(), counts.sql, _frozen(counts), _frozen(known))
        key += (grants, k, kind, wanted)
        periods, keys = wanted
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        read = _read(ctx.store, counts.sql, _frozen(counts))
        seen = _seen(read, grants)
        mine: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
        rows = fetching.fetch(ctx, known)
        for unit_id, period, item, n_known, n_own in zip(
            rows["unit_id"],
            rows["period"],
            rows["key"],
            rows["n_known"],
            rows["n_own"],
            strict=True,
        ):
            mine.setdefault((period, item), {})[unit_id] = (int(n_known), int(n_own))
        shown_before = _versions(ctx.store).get(kind, {})
        decision = {}
        for column, (units, ns) in read.columns.items():
            if (periods is not None and column[0] not in periods) or (
                keys is not None and column[1] not in keys
            ):
                continue
            knows = None
            viewer = mine.get(column)
            if viewer and privacy.knowledge_matters({u: c[0] for u, c in viewer.items()}):
                knows = tuple(viewer.get(read.unit_ids[i], (0, 0)) for i in units)
            if column in shown_before:
                groups = {
                    read.unit_ids[i]: (int(n), *(viewer or {}).get(read.unit_ids[i], (0, 0)))
                    for i, n in zip(units, ns, strict=True)
                }
                decision[column] = _across(shown_before[column], read.parents, groups, grants, k)
            else:
                decision[column] = _columns.decide(read, units, ns, knows, seen, k)
        return self._memo.put(key, decision)


# kind ('score' or 'checkin') -> (quarter, key) -> the versions shown before a change (each
# its tree, counts and what changed since the one before) and what changed since the last one.
Shown = dict[str, dict[tuple[str, str], tuple[list[privacy.Version], dict[str, int]]]]


def _read_versions(cur: Cursor) -> Shown:
    kept = releases_sql.snapshots(cur)
    trees: dict[str, dict[int, dict[str, str | None]]] = {}
    for row in kept["trees"].itertuples():
        parent = None if pd.isna(row.parent_id) else str(row.parent_id)
        trees.setdefault(row.period, {}).setdefault(int(row.version), {})[row.unit_id] = parent
    counts: dict[tuple[str, str, str], dict[int, dict[str, int]]] = {}
    for row in kept["counts"].itertuples():
        at = counts.setdefault((row.kind, row.period, row.key), {})
        at.setdefault(int(row.version), {})[row.unit_id] = int(row.n)
    changes: dict[tuple[str, str, str], dict[int, dict[str, int]]] = {}
    for row in kept["changes"].itertuples():
        at = changes.setdefault((row.kind, row.period, row.key), {})
        at.setdefault(int(row.version), {})[row.unit_id] = int(row.changed)
    shown: Shown = {}
    for kind, period, key in sorted(set(counts) | set(changes)):
        numbers = sorted(trees.get(period, {}))
        if not numbers:
            continue
        here, changed = counts.get((kind, period, key), {}), changes.get((kind, period, key), {})
        versions = [
            privacy.Version(
                trees[period][v],
                {u: (n, 0, 0) for u, n in here.get(v, {}).items()},
                changed.get(v, {}),
            )
            for v in numbers
        ]
        shown.setdefault(kind, {})[(period, key)] = (versions, changed.get(numbers[-1] + 1, {}))
    return shown


_versions = cached_by_data_version(_read_versions)


def _across(
    before: tuple[list[privacy.Version], dict[str, int]],
    parents: Mapping[str, str | None],
    groups: dict[str, privacy.Counts],
    grants: tuple[Grant, ...],
    k: int,
) -> Mapping[Cell, str]:
    """A column of a quarter whose earlier versions were shown (privacy.hide_across), with
    what the viewer knows now marked in every version."""
    versions, changed = before

    def knowing(version: privacy.Version) -> privacy.Version:
        marked = {
            u: (n, min(n, groups.get(u, privacy.NONE)[1]), min(n, groups.get(u, privacy.NONE)[2]))
            for u, (n, _, _) in version.groups.items()
        }
        return privacy.Version(version.parents, marked, version.changed)

    chain = [knowing(v) for v in versions] + [privacy.Version(parents, groups, changed)]
    return privacy.hide_across(chain, k, lambda tree: privacy.seen_cells(grants, tree))


# (tree, units, grants) -> the cells seen; None (every cell) is a value, so kept in a tuple.
_seen_memo: memo.Memo[tuple[frozenset[Cell] | None]] = memo.Memo(1024, of_data=True)


def _seen(read: privacy_sql.CountColumns, grants: tuple[Grant, ...]) -> frozenset[Cell] | None:
    """The cells the viewer can see (privacy.seen_cells), once per tree and set of grants."""
    key = (read.tree_key, tuple(read.unit_ids), grants)
    hit = _seen_memo.get(key)
    if hit is None:
        hit = _seen_memo.put(key, (privacy.seen_cells(grants, read.parents),))
    return hit[0]


class _ColumnDecisions:
    """One column's decision, cached by its content (the tree, the units and counts, what the
    viewer knows where it matters, the cells they see, k): a new check-in changes the columns
    of its own quarter only, so the other quarters' decisions are reused, and a column where
    the viewer knows nothing (`knows` None) is decided once for every viewer with their cells."""

    def __init__(self) -> None:
        self._memo: memo.Memo[Mapping[Cell, str]] = memo.Memo(8192, of_data=True)

    def decide(
        self,
        read: privacy_sql.CountColumns,
        units: np.ndarray,
        ns: np.ndarray,
        knows: tuple[tuple[int, int], ...] | None,
        seen: frozenset[Cell] | None,
        k: int,
    ) -> Mapping[Cell, str]:
        key = (read.tree_key, units.tobytes(), ns.tobytes(), knows, seen, k)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        known = knows or ((0, 0),) * len(units)
        groups = {
            read.unit_ids[i]: (int(n), kn, own)
            for i, n, (kn, own) in zip(units, ns, known, strict=True)
        }
        return self._memo.put(key, privacy.hide(read.parents, groups, k, seen))


_decisions = _Decisions()
_columns = _ColumnDecisions()


def _decision(
    ctx: Context,
    counts: Query,
    known: Query,
    k: int,
    kind: str,
    periods: list[str] | None = None,
    keys: set[str] | None = None,
) -> Decision:
    wanted = (
        None if periods is None else frozenset(periods),
        None if keys is None else frozenset(keys),
    )
    return _decisions.get(ctx, counts, known, k, kind, wanted)


def k_respondents() -> int:
    return privacy.thresholds().min_respondents


def _columns_of(decision: Decision, periods: list[str] | None, keys: set[str] | None) -> Decision:
    wanted = None if periods is None else set(periods)
    return {
        (period, key): cells
        for (period, key), cells in decision.items()
        if (wanted is None or period in wanted) and (keys is None or key in keys)
    }


def scores(ctx: Context, periods: list[str] | None, item_ids: list[str]) -> Decision:
    """Hidden score cells per (quarter, item) in `periods` (None: every quarter).

    The counts of the quarters asked for are read in one query per data version, and only
    their columns are decided (each on its own, cached by its content and the viewer's
    cells)."""
    items = sorted({item.id for item in ctx.framework.items} | set(item_ids))
    every = _decision(
        ctx,
        privacy_sql.score_groups(periods, items),
        privacy_sql.score_known(periods, items, ctx.actor.user_id),
        k_respondents(),
        "score",
        periods,
        set(item_ids),
    )
    return _columns_of(every, periods, set(item_ids))


def checkins(ctx: Context, periods: list[str] | None, k: int) -> Decision:
    """Hidden check-in groups per (quarter, '') with threshold `k`: role picks use
    min_respondents, reflections min_reflections (read for every quarter, as `scores`)."""
    every = _decision(
        ctx,
        privacy_sql.checkin_groups(periods),
        privacy_sql.checkin_known(periods, ctx.actor.user_id),
        k,
        "checkin",
        periods,
    )
    return _columns_of(every, periods, None)


def targets(ctx: Context, as_of: str) -> Decision:
    """Hidden target cells per (target quarter, item), counting targets set up to `as_of`."""
    return _decision(
        ctx,
        privacy_sql.target_groups(as_of),
        privacy_sql.target_known(as_of, ctx.actor.user_id),
        k_respondents(),
        "target",
    )


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


def warm(store: Store, framework: Framework) -> None:
    """Decide every quarter's scores and check-in groups once, at start-up, for an admin who
    knows no answer: every viewer who sees every cell and knows no answer in a column shares
    those decisions, so the first visitors do not wait for the rule to run over the tree."""
    try:
        limits = privacy.thresholds()
    except privacy.PrivacySettingError:
        return  # the page says what is wrong with the setting (ui.context)
    ctx = Context(Actor(user_id="", display_name="", grants=ALL_GRANTS), store, framework)
    scores(ctx, None, [item.id for item in framework.items])
    for k in sorted({limits.min_respondents, limits.min_reflections}):
        checkins(ctx, None, k)
