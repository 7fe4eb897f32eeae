"""Text alternatives of the dashboard charts: a sentence or two per chart that carries its
message for screen readers and without colour, from the same small frame the chart draws."""

from __future__ import annotations

import pandas as pd

from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.services.context import Context


def trend_summary(ctx: Context, frame: pd.DataFrame) -> str:
    """A sentence that carries the chart's message for screen readers and without colour."""
    shown = frame[~frame["hidden"]] if "hidden" in frame else frame
    if shown.empty:
        return t(ctx.lang, "no_data") if frame.empty else t(ctx.lang, "too_few_all")
    periods = sorted(shown["period"].unique())
    latest = shown[shown["period"] == periods[-1]].sort_values("mean")
    return t(
        ctx.lang,
        "trend_summary",
        periods=len(periods),
        first=formats.quarter(periods[0], ctx.lang),  # running text: quarters by name
        last=formats.quarter(periods[-1], ctx.lang),
        best=latest.iloc[-1]["item"],
        best_mean=formats.mean(latest.iloc[-1]["mean"], ctx.lang),
        worst=latest.iloc[0]["item"],
        worst_mean=formats.mean(latest.iloc[0]["mean"], ctx.lang),
    )


def profile_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "no_data")
    parts = []
    for item, group in frame.groupby("item", sort=False):
        by_period = group.sort_values("period", ascending=False)
        values = " / ".join(
            f"{p}: " + (t(ctx.lang, "too_few") if pd.isna(m) else formats.mean(m, ctx.lang))
            for p, m in zip(by_period["period"], by_period["mean"], strict=True)
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


def balance_summary(ctx: Context, frame: pd.DataFrame) -> str:
    """Which roles the group lacks and which many take, in words."""
    lacking = ", ".join(frame.loc[frame["status"] == "lacking", "role"]) or "–"
    many = ", ".join(frame.loc[frame["status"] == "many", "role"]) or "–"
    return t(ctx.lang, "balance_summary", lacking=lacking, many=many)


def compare_summary(ctx: Context, frame: pd.DataFrame) -> str:
    shown = frame[~frame["hidden"]]
    if shown.empty:
        return t(ctx.lang, "too_few_all")
    last = shown["period"].max()
    latest = shown[shown["period"] == last]
    parts = [
        f"{g}: {formats.mean(m, ctx.lang)} (n={n})"
        for g, m, n in zip(latest["group"], latest["mean"], latest["n"], strict=True)
    ]
    shown = formats.quarter(last, ctx.lang)
    return t(ctx.lang, "compare_summary", period=shown, values="; ".join(parts))


def heatmap_summary(ctx: Context, frame: pd.DataFrame) -> str:
    """The highest and lowest cell, and how many cells are hidden for each reason."""
    shown = frame[~frame["hidden"] & ~frame["is_total"]]
    if shown.empty:
        return t(ctx.lang, "too_few_all")
    best = shown.loc[shown["mean"].idxmax()]
    worst = shown.loc[shown["mean"].idxmin()]
    parts = [
        t(
            ctx.lang,
            "heatmap_best_worst",
            best_unit=best["unit"],
            best_item=best["item"],
            best=formats.mean(best["mean"], ctx.lang),
            worst_unit=worst["unit"],
            worst_item=worst["item"],
            worst=formats.mean(worst["mean"], ctx.lang),
        )
    ]
    protect = int((frame["hidden"] & (frame["reason"] == privacy.PROTECT)).sum())
    few = int(frame["hidden"].sum()) - protect
    if few:
        parts.append(t(ctx.lang, "hidden_few_count", count=few))
    if protect:
        parts.append(t(ctx.lang, "hidden_protect_count", count=protect))
    return " ".join(parts)


def likert_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "too_few_all")
    parts = []
    for item, group in frame.groupby("item", sort=False):
        low = (
            group.loc[group["end"] <= 0, "share"].sum()
            + group.loc[(group["start"] < 0) & (group["end"] > 0), "share"].sum() / 2
        )
        high = (
            group.loc[group["start"] >= 0, "share"].sum()
            + group.loc[(group["start"] < 0) & (group["end"] > 0), "share"].sum() / 2
        )
        parts.append(
            f"{item}: {formats.percent(low, ctx.lang)} / {formats.percent(high, ctx.lang)}"
        )
    return t(ctx.lang, "likert_summary", values="; ".join(parts))


def participation_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "no_data")
    last = frame["period"].max()
    latest = frame[frame["period"] == last]
    expected = int(latest["expected"].sum())
    unregistered = int(latest["unregistered"].sum()) if "unregistered" in latest else 0
    parts = []
    if expected:
        parts.append(
            t(
                ctx.lang,
                "participation_summary",
                period=last,
                checked=int(latest["checked_in"].sum()),
                expected=expected,
                missing=int(latest["missing"].sum()),
            )
        )
    if unregistered:
        shown = formats.quarter(last, ctx.lang)
        parts.append(t(ctx.lang, "participation_unregistered", period=shown, n=unregistered))
    return " ".join(parts) or t(ctx.lang, "no_data")
