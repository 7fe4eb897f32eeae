"""Targets on the dashboards: each unit's target per item (rolled up over its subtree, like its
scores), the gap between target and actual, and the units furthest from their targets.

A unit's target for an item and target quarter is the mean of the latest target each leader in
the unit's subtree set for it; `n` counts those targets. The privacy rule of privacy.py applies
exactly as to scores: a target figure from fewer than k leaders is hidden (unless all are the
viewer's own), with the same complementary hiding over the whole tree.
"""

from __future__ import annotations

import pandas as pd

from dtmaturity.services import analytics, authz, fetching, privacy, units
from dtmaturity.services.context import Context
from dtmaturity.store import plans as sql

ALL_PERIODS = sql.ALL_PERIODS
NO_PERIOD = "0000-Q0"  # as_of before every quarter: no targets


def _family(ctx: Context, parent_id: str, as_of: str) -> pd.DataFrame:
    """The children's rows of a family's target cells (each child with its subtree), with
    `hidden` and `reason` from the privacy rule's decision over the whole tree."""
    cells = fetching.fetch(ctx, sql.target_cells(parent_id, ctx.actor.user_id, as_of))
    decision = privacy.targets(ctx, as_of)
    frame = cells[cells["row_id"] != parent_id].reset_index(drop=True)
    frame["reason"] = [
        privacy.reason(decision, period, item_id, (row_id, True))
        for row_id, period, item_id in zip(
            frame["row_id"], frame["period"], frame["item_id"], strict=True
        )
    ]
    frame["hidden"] = frame["reason"].notna()
    return _with_target(frame)


def _with_target(frame: pd.DataFrame) -> pd.DataFrame:
    frame["target"] = (frame["total"] / frame["n"].where(frame["n"] > 0)).where(~frame["hidden"])
    return frame


def node(ctx: Context, unit_id: str, as_of: str = ALL_PERIODS) -> pd.DataFrame:
    """The unit's targets rolled up over its subtree: period (the target quarter), item_id, n,
    target, hidden, reason. Decided over the whole tree, as its scores are."""
    parent = units.parent_of(ctx, unit_id)
    if parent is not None:
        rows = _family(ctx, parent, as_of)
        return rows[rows["row_id"] == unit_id].drop(columns="row_id").reset_index(drop=True)
    cells = fetching.fetch(ctx, sql.target_cells(unit_id, ctx.actor.user_id, as_of))
    total = cells.groupby(["period", "item_id"], as_index=False)[["n", "total", "n_own"]].sum()
    decision = privacy.targets(ctx, as_of)
    total["reason"] = [
        privacy.reason(decision, period, item_id, (unit_id, True))
        for period, item_id in zip(total["period"], total["item_id"], strict=True)
    ]
    total["hidden"] = total["reason"].notna()
    return _with_target(total)


def _named(ctx: Context, frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    items = ctx.framework.themes if kind == "theme" else ctx.framework.competencies
    order = {item.id: i for i, item in enumerate(items)}
    frame = frame[frame["item_id"].isin(order)].copy()
    frame["item"] = [ctx.framework.item_name(i, ctx.lang) for i in frame["item_id"]]
    frame["order"] = frame["item_id"].map(order)
    return frame


@authz.dashboard()
def unit_targets(
    ctx: Context, unit_id: str, kind: str, *, as_of: str = ALL_PERIODS
) -> pd.DataFrame:
    """Every target quarter's target per item of `kind`: item_id, item, period, target, n,
    hidden, reason (hidden rows keep n but have no target). By default the targets set up to
    the latest released quarter: targets set in an open round wait for it to close, like its
    scores."""
    if as_of == ALL_PERIODS:
        as_of = (analytics.latest_periods(ctx, unit_id) or [NO_PERIOD])[0]
    frame = _named(ctx, node(ctx, unit_id, as_of), kind)
    frame = frame[frame["n"] > 0].sort_values(["order", "period"])
    columns = ["item_id", "item", "period", "target", "n", "hidden", "reason"]
    return frame[columns].reset_index(drop=True)


def _nearest(targets: pd.DataFrame, reference: str, keys: list[str]) -> pd.DataFrame:
    """Per key, the target of the nearest target quarter at or after `reference`."""
    ahead = targets[targets["period"] >= reference]
    first = ahead.groupby(keys)["period"].transform("min")
    return ahead[ahead["period"] == first]


@authz.dashboard()
def gaps(ctx: Context, unit_id: str, kind: str, *, period: str | None = None) -> pd.DataFrame:
    """Per item of `kind`: the mean in `period` (default: the latest with answers), the target
    for the nearest target quarter at or after it, and the gap (target minus mean; none where
    either figure is hidden or missing). Columns: item_id, item, period, mean, n,
    target_period, target, n_target, target_hidden, gap, and why a hidden figure is hidden:
    reason (the mean), target_reason (privacy.FEW or privacy.PROTECT)."""
    periods = analytics.latest_periods(ctx, unit_id)
    if period is None:
        period = periods[0] if periods else None
    columns = [
        "item_id", "item", "period", "mean", "n",
        "target_period", "target", "n_target", "target_hidden", "gap", "reason", "target_reason",
    ]  # fmt: skip
    if period is None:
        return pd.DataFrame(columns=columns)
    as_of = period if period in periods else ALL_PERIODS
    trend = analytics.item_trend(ctx, unit_id, kind)
    actual = trend[trend["period"] == period][["item_id", "item", "mean", "n", "reason"]]
    targets = _nearest(unit_targets(ctx, unit_id, kind, as_of=as_of), period, ["item_id"])
    targets = targets.rename(
        columns={
            "period": "target_period",
            "n": "n_target",
            "hidden": "target_hidden",
            "reason": "target_reason",
        }
    ).drop(columns="item")
    frame = actual.merge(targets, on="item_id", how="outer")
    frame["item"] = [ctx.framework.item_name(i, ctx.lang) for i in frame["item_id"]]
    frame["period"] = period
    frame["gap"] = frame["target"] - frame["mean"]
    order = {item.id: i for i, item in enumerate(ctx.framework.items)}
    frame = frame.assign(order=frame["item_id"].map(order)).sort_values("order")
    return frame[columns].reset_index(drop=True)


@authz.overview()
def furthest(ctx: Context, node_id: str, period: str, kind: str, count: int = 10) -> pd.DataFrame:
    """The units directly below `node_id` furthest from their targets in `period`: per unit the
    mean gap over the items of `kind` that have both a visible mean and a visible target (the
    target of the nearest target quarter at or after `period`, set up to `period`), and the item
    with the largest gap. Columns: row_id, unit, items, mean_gap, largest_item, largest_gap."""
    columns = ["row_id", "unit", "items", "mean_gap", "largest_item", "largest_gap"]
    targets = _named(ctx, _family(ctx, node_id, period), kind)
    targets = _nearest(targets[~targets["hidden"]], period, ["row_id", "item_id"])
    actual = analytics.heatmap(ctx, node_id, period, kind)
    actual = actual[~actual["hidden"] & ~actual["is_total"]][["row_id", "item_id", "mean"]]
    cells = targets.merge(actual, on=["row_id", "item_id"])
    if cells.empty:
        return pd.DataFrame(columns=columns)
    cells["gap"] = cells["target"] - cells["mean"]
    largest = cells.sort_values(["gap", "order"], ascending=[False, True]).drop_duplicates("row_id")
    summary = cells.groupby("row_id", as_index=False).agg(
        items=("gap", "size"), mean_gap=("gap", "mean")
    )
    summary = summary.merge(
        largest[["row_id", "item", "gap"]].rename(
            columns={"item": "largest_item", "gap": "largest_gap"}
        ),
        on="row_id",
    )
    names = units.by_id(ctx)
    summary["unit"] = [names[r].name if r in names else r for r in summary["row_id"]]
    summary = summary.sort_values(["mean_gap", "unit"], ascending=[False, True]).head(count)
    return summary[columns].reset_index(drop=True)
