"""Dashboard queries for the unit page: small, aggregated frames, cached by data version."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

import pandas as pd

from dtmaturity.context import Context
from dtmaturity.i18n import t
from dtmaturity.store import Store, queries


def cached_by_data_version(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Cache a query per (store, data version, arguments): a write makes new results visible at
    once, and repeated views of unchanged data cost one tiny version lookup."""

    @lru_cache(maxsize=512)
    def run(store: Store, _version: int, args: tuple[Any, ...]) -> pd.DataFrame:
        with store.reader() as cur:
            return func(cur, *args)

    @wraps(func)
    def wrapper(store: Store, *args: Any) -> pd.DataFrame:
        return run(store, store.data_version(), args).copy()

    return wrapper


_item_trend = cached_by_data_version(queries.item_trend)
_role_distribution = cached_by_data_version(queries.role_distribution)
_reflections = cached_by_data_version(queries.reflections)


def item_trend(ctx: Context, unit_id: str, kind: str) -> pd.DataFrame:
    """Mean score and n per item of `kind` ("theme" or "competency") and period, with names."""
    items = ctx.framework.themes if kind == "theme" else ctx.framework.competencies
    order = {item.id: position for position, item in enumerate(items)}
    frame = _item_trend(ctx.store, unit_id, tuple(order))
    frame["item"] = [ctx.framework.item_name(i, ctx.lang) for i in frame["item_id"]]
    frame["order"] = frame["item_id"].map(order)
    # Framework order, so legends and tables list items as the model does.
    return frame.sort_values(["order", "period"]).drop(columns="order").reset_index(drop=True)


def latest_periods(ctx: Context, unit_id: str) -> list[str]:
    """Periods with check-ins in the unit's subtree, newest first."""
    with ctx.store.reader() as cur:
        return queries.periods_with_answers(cur, unit_id)


def competency_profile(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Each competency's mean in the latest period and the one before it (rows per period)."""
    periods = latest_periods(ctx, unit_id)[:2]
    frame = item_trend(ctx, unit_id, "competency")
    return frame[frame["period"].isin(periods)].reset_index(drop=True)


def role_distribution(ctx: Context, unit_id: str, period: str) -> pd.DataFrame:
    """Role picks per kind in one period: role, kind, count, n (check-ins), share."""
    frame = _role_distribution(ctx.store, unit_id, period)
    frame["role"] = [ctx.framework.role_name(r, ctx.lang) for r in frame["role_id"]]
    frame["share"] = frame["count"] / frame["n"].where(frame["n"] > 0)
    return frame


def reflections(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Reflection answers (period, question, answer), without who wrote them."""
    frame = _reflections(ctx.store, unit_id)
    texts = {q.id: q.text[ctx.lang] for q in ctx.framework.questions}
    frame["question"] = [texts.get(q, q) for q in frame["question_id"]]
    return frame


def trend_summary(ctx: Context, frame: pd.DataFrame) -> str:
    """A sentence that carries the chart's message for screen readers and without colour."""
    if frame.empty:
        return t(ctx.lang, "no_data")
    periods = sorted(frame["period"].unique())
    latest = frame[frame["period"] == periods[-1]].sort_values("mean")
    return t(
        ctx.lang,
        "trend_summary",
        periods=len(periods),
        first=periods[0],
        last=periods[-1],
        best=latest.iloc[-1]["item"],
        best_mean=latest.iloc[-1]["mean"],
        worst=latest.iloc[0]["item"],
        worst_mean=latest.iloc[0]["mean"],
    )


def profile_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "no_data")
    parts = []
    for item, group in frame.groupby("item", sort=False):
        by_period = group.sort_values("period", ascending=False)
        values = " / ".join(
            f"{p}: {m:.2f}" for p, m in zip(by_period["period"], by_period["mean"], strict=True)
        )
        parts.append(f"{item} ({values})")
    return "; ".join(parts) + "."


def roles_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "roles_empty")
    parts = []
    for kind in ("most", "want", "more"):
        picks = frame[frame["kind"] == kind].sort_values("count", ascending=False)
        if not picks.empty:
            top = ", ".join(
                f"{r} ({c})" for r, c in zip(picks["role"][:3], picks["count"][:3], strict=True)
            )
            parts.append(f"{t(ctx.lang, f'role_kind_{kind}')}: {top}")
    return "; ".join(parts) + "."
