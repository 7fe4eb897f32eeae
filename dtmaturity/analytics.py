"""Dashboard services for the unit and overview pages: small, aggregated frames, cached by data
version, with the privacy thresholds applied here (never in the pages).

Roll-up: a unit's figure is the mean over every answer given for the unit and every unit below
it (one answer per leader, unit, period and item), and `n` is the number of those answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dtmaturity import authz, privacy, units
from dtmaturity.cache import cached_by_data_version
from dtmaturity.cache import clear as clear_cache
from dtmaturity.context import Context
from dtmaturity.i18n import t
from dtmaturity.periods import Period
from dtmaturity.store import dashboards

__all__ = ["cached_by_data_version", "clear_cache"]

MANY_SHARE = 1 / 3  # a role "many take" when at least this share of the group takes it most
REFLECTION_LIMIT = 200  # texts listed at once; the search and filters narrow the rest


def _run_query(cur: dashboards.Cursor, sql: str, frozen: tuple[tuple[str, Any], ...]) -> Any:
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
    return cur.execute(sql, params).df()


_cached_run = cached_by_data_version(_run_query)


def fetch(ctx: Context, query: dashboards.Query) -> pd.DataFrame:
    """Run a dashboard query through the data-version cache."""
    frozen = tuple(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(query.params.items())
    )
    return _cached_run(ctx.store, query.sql, frozen)


def _items(ctx: Context, kind: str) -> tuple[Any, ...]:
    return ctx.framework.themes if kind == "theme" else ctx.framework.competencies


def _with_mean(frame: pd.DataFrame) -> pd.DataFrame:
    frame["mean"] = (frame["total"] / frame["n"].where(frame["n"] > 0)).where(~frame["hidden"])
    return frame


# --- cells with privacy applied ------------------------------------------------------------


def family(ctx: Context, parent_id: str, periods: list[str] | None) -> pd.DataFrame:
    """The children of `parent_id` (each rolled up over its subtree): row_id, period, item_id,
    n, mean, hidden. Hidden cells (too few answers, or guarding against differencing) have no
    mean."""
    k = privacy.thresholds().min_respondents
    cells = fetch(ctx, dashboards.family_cells(parent_id, periods, ctx.actor.user_id))
    return _with_mean(privacy.guard_family(cells, parent_id, k))


def node(ctx: Context, unit_id: str, periods: list[str] | None) -> pd.DataFrame:
    """One unit rolled up over its subtree: period, item_id, n, mean, hidden. Decided within the
    unit's own family, so the overview and the unit page always agree."""
    parent = units.parent_of(ctx, unit_id)
    if parent is not None:
        rows = family(ctx, parent, periods)
        return rows[rows["row_id"] == unit_id].drop(columns="row_id").reset_index(drop=True)
    k = privacy.thresholds().min_respondents
    cells = fetch(ctx, dashboards.family_cells(unit_id, periods, ctx.actor.user_id))
    total = cells.groupby(["period", "item_id"], as_index=False)[["n", "total", "n_own"]].sum()
    total["hidden"] = ~((total["n"] >= k) | ((total["n"] > 0) & (total["n_own"] >= total["n"])))
    return _with_mean(total)


def _name_items(ctx: Context, frame: pd.DataFrame, kind: str | None = None) -> pd.DataFrame:
    items = _items(ctx, kind) if kind else ctx.framework.items
    order = {item.id: position for position, item in enumerate(items)}
    frame = frame[frame["item_id"].isin(order)].copy()
    frame["item"] = [ctx.framework.item_name(i, ctx.lang) for i in frame["item_id"]]
    frame["order"] = frame["item_id"].map(order)
    return frame


# --- unit page --------------------------------------------------------------------------------


@authz.dashboard()
def item_trend(ctx: Context, unit_id: str, kind: str) -> pd.DataFrame:
    """Mean score and n per item of `kind` ("theme" or "competency") and period, with names.
    Hidden cells keep their n but have no mean (`hidden` is True)."""
    frame = _name_items(ctx, node(ctx, unit_id, None), kind)
    frame = frame[frame["n"] > 0]
    # Framework order, so legends and tables list items as the model does.
    columns = ["item_id", "period", "mean", "n", "item", "hidden"]
    return frame.sort_values(["order", "period"])[columns].reset_index(drop=True)


@authz.dashboard()
def latest_periods(ctx: Context, unit_id: str) -> list[str]:
    """Periods with answers in the unit's subtree, newest first."""
    return list(fetch(ctx, dashboards.periods(unit_id))["period"])


@authz.overview()
def overview_periods(ctx: Context, node_id: str) -> list[str]:
    """latest_periods() for the overview, which needs the right to compare the units below."""
    return latest_periods(ctx, node_id)


@authz.dashboard()
def competency_profile(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Each competency's mean in the latest period and the one before it (rows per period)."""
    periods = latest_periods(ctx, unit_id)[:2]
    frame = item_trend(ctx, unit_id, "competency")
    return frame[frame["period"].isin(periods)].reset_index(drop=True)


@authz.dashboard()
def compare(ctx: Context, unit_id: str, item_id: str) -> pd.DataFrame:
    """The unit, its parent and the whole organisation over time for one item: group, role
    (unit | parent | organisation), period, mean, n, hidden."""
    chain = [("unit", unit_id)]
    parent = units.parent_of(ctx, unit_id)
    if parent is not None:
        chain.append(("parent", parent))
        root = units.root_of(ctx, unit_id)
        if root != parent:
            chain.append(("organisation", root))
    names = units.by_id(ctx)
    frames = []
    for level, (role, member) in enumerate(chain):
        cells = node(ctx, member, None)
        cells = cells[(cells["item_id"] == item_id) & (cells["n"] > 0)]
        frames.append(cells.assign(role=role, group=names[member].name, level=level))
    # Each series is guarded within its own family, so the parent minus the unit can never
    # reveal a group of fewer than k (see privacy.py).
    frame = pd.concat(frames, ignore_index=True)
    columns = ["group", "role", "period", "mean", "n", "hidden", "level"]
    return frame.sort_values(["level", "period"])[columns].reset_index(drop=True)


def _role_frame(
    ctx: Context, unit_id: str, period: str, include_below: bool
) -> tuple[pd.DataFrame, bool]:
    query = dashboards.role_counts(
        unit_id,
        period,
        include_below=include_below,
        role_ids=[r.id for r in ctx.framework.roles],
        me=ctx.actor.user_id,
    )
    frame = fetch(ctx, query)
    n = int(frame["n"].iloc[0]) if len(frame) else 0
    n_own = int(frame["n_own"].iloc[0]) if len(frame) else 0
    hidden = not privacy.visible(n, n_own, privacy.thresholds().min_respondents)
    frame["role"] = [ctx.framework.role_name(r, ctx.lang) for r in frame["role_id"]]
    frame["share"] = frame["count"] / frame["n"].where(frame["n"] > 0)
    return frame.drop(columns="n_own"), hidden


@authz.dashboard()
def role_distribution(
    ctx: Context, unit_id: str, period: str, *, include_below: bool = True
) -> pd.DataFrame:
    """Role picks per kind in one period: kind, role_id, count, n (check-ins), role, share.
    Empty when the group is too small to show (see `roles_hidden`)."""
    frame, hidden = _role_frame(ctx, unit_id, period, include_below)
    if hidden:
        return frame.iloc[0:0]
    return frame[frame["count"] > 0].reset_index(drop=True)


@authz.dashboard()
def roles_hidden(ctx: Context, unit_id: str, period: str, *, include_below: bool = True) -> bool:
    """True when the group had check-ins that period but too few to show its roles."""
    frame, hidden = _role_frame(ctx, unit_id, period, include_below)
    return hidden and bool(len(frame)) and int(frame["n"].iloc[0]) > 0


@authz.dashboard()
def role_balance(
    ctx: Context, unit_id: str, period: str, *, include_below: bool = True
) -> pd.DataFrame:
    """Per role: how many in the group take it most often, want it, should take it more often,
    and a status: "lacking" (nobody takes it most often) or "many" (at least a third do)."""
    frame, hidden = _role_frame(ctx, unit_id, period, include_below)
    if hidden or frame.empty or int(frame["n"].iloc[0]) == 0:
        return pd.DataFrame(columns=["role_id", "role", "most", "want", "more", "n", "status"])
    n = int(frame["n"].iloc[0])
    counts = {
        (kind, role): count
        for kind, role, count in frame[["kind", "role_id", "count"]].itertuples(index=False)
    }
    rows = []
    for role in ctx.framework.roles:
        most = counts.get(("most", role.id), 0)
        status = "lacking" if most == 0 else ("many" if most >= MANY_SHARE * n else "")
        rows.append(
            (
                role.id,
                role.name[ctx.lang],
                most,
                counts.get(("want", role.id), 0),
                counts.get(("more", role.id), 0),
                n,
                status,
            )
        )
    return pd.DataFrame(rows, columns=["role_id", "role", "most", "want", "more", "n", "status"])


@dataclass(frozen=True)
class ReflectionView:
    rows: pd.DataFrame  # period, question_id, answer, question
    hidden: pd.DataFrame  # period, matching: texts not shown because the group is too small
    matching: int  # texts that match the filters in the shown periods
    limit: int


@authz.dashboard()
def reflection_view(
    ctx: Context,
    unit_id: str,
    *,
    question: str = "",
    periods: list[str] | None = None,
    search: str = "",
    limit: int = REFLECTION_LIMIT,
) -> ReflectionView:
    """Reflection answers (never who wrote them) in the unit's subtree, filtered by question,
    periods and a text search. Periods in which fewer than the reflection threshold of leaders
    checked in are withheld and counted in `hidden`."""
    threshold = privacy.thresholds().min_reflections
    search = search.strip()
    tally = fetch(
        ctx,
        dashboards.reflection_periods(
            unit_id, question=question, search=search, me=ctx.actor.user_id
        ),
    )
    if periods is not None:
        tally = tally[tally["period"].isin(periods)]
    tally = tally[tally["matching"] > 0]
    # A boolean Series, not a list: an empty list would select columns and drop them all.
    shown = pd.Series(
        [
            privacy.reflections_visible(pool, own, threshold)
            for pool, own in zip(tally["pool"], tally["pool_own"], strict=True)
        ],
        index=tally.index,
        dtype=bool,
    )
    allowed = tally[shown]
    rows = fetch(
        ctx,
        dashboards.reflection_rows(
            unit_id, list(allowed["period"]), question=question, search=search, limit=limit
        ),
    )
    texts = {q.id: q.text[ctx.lang] for q in ctx.framework.questions}
    rows["question"] = [texts.get(q, q) for q in rows["question_id"]]
    hidden = tally[~shown][["period", "matching"]].reset_index(drop=True)
    return ReflectionView(rows, hidden, int(allowed["matching"].sum()), limit)


@authz.dashboard()
def reflections(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Reflection answers (period, question, answer) that may be shown, without who wrote them."""
    return reflection_view(ctx, unit_id).rows


# --- overview page ---------------------------------------------------------------------------


def comparison_periods(period: str) -> tuple[str, str]:
    """The period before `period` and the same quarter a year earlier."""
    current = Period.parse(period)
    return str(current.previous()), str(current.same_quarter_last_year())


@authz.overview()
def overview_cells(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """The node (as "all of it") and each unit directly below it, per item of `kind`, in
    `period`, the period before and the same quarter last year: row_id, unit, is_total, period,
    item_id, item, mean, n, hidden."""
    periods = [period, *comparison_periods(period)]
    names = units.by_id(ctx)
    total = node(ctx, node_id, periods).assign(row_id=node_id, is_total=True)
    rows = family(ctx, node_id, periods)
    rows = rows[rows["row_id"] != node_id].assign(is_total=False)
    frame = pd.concat([total, rows], ignore_index=True)
    frame = _name_items(ctx, frame[frame["n"] > 0], kind)
    frame["unit"] = [names[r].name if r in names else r for r in frame["row_id"]]
    frame["unit_order"] = np.where(frame["is_total"], "", frame["unit"])
    columns = ["row_id", "unit", "is_total", "period", "item_id", "item", "mean", "n", "hidden"]
    frame = frame.sort_values(["unit_order", "order"])
    return frame[columns].reset_index(drop=True)


@authz.overview()
def heatmap(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Cells of the latest period only (one per unit row and item)."""
    frame = overview_cells(ctx, node_id, period, kind)
    return frame[frame["period"] == period].reset_index(drop=True)


@authz.overview()
def changes(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Per unit row and item: mean now, the period before and a year before, and the changes
    (none where either side is hidden or missing)."""
    previous, year_ago = comparison_periods(period)
    cells = overview_cells(ctx, node_id, period, kind)
    keys = ["row_id", "unit", "is_total", "item_id", "item"]
    wide = cells.pivot_table(index=keys, columns="period", values="mean", dropna=False)
    wide = wide.reindex(columns=[period, previous, year_ago]).reset_index()
    wide.columns = [*keys, "mean", "mean_previous", "mean_year_ago"]
    wide = wide[wide["mean"].notna()].copy()
    wide["change_previous"] = wide["mean"] - wide["mean_previous"]
    wide["change_year"] = wide["mean"] - wide["mean_year_ago"]
    order = {item.id: i for i, item in enumerate(_items(ctx, kind))}
    wide["order"] = wide["item_id"].map(order)
    wide["unit_order"] = np.where(wide["is_total"], "", wide["unit"])
    return (
        wide.sort_values(["unit_order", "order"])
        .drop(columns=["order", "unit_order"])
        .reset_index(drop=True)
    )


def largest_changes(frame: pd.DataFrame, column: str, count: int = 5) -> tuple[pd.DataFrame, ...]:
    """The largest improvements and declines (units below the node only) in `column`."""
    below = frame[~frame["is_total"] & frame[column].notna()]
    up = below[below[column] > 0].sort_values([column, "unit"], ascending=[False, True])
    down = below[below[column] < 0].sort_values([column, "unit"], ascending=[True, True])
    return up.head(count).reset_index(drop=True), down.head(count).reset_index(drop=True)


@authz.overview()
def likert(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Share of each score per item over the node's subtree, laid out for a diverging bar:
    item_id, item, score, count, n, share, start, end (scores below the middle to the left)."""
    visible_items = node(ctx, node_id, [period])
    visible_items = set(visible_items.loc[~visible_items["hidden"], "item_id"])
    frame = fetch(ctx, dashboards.likert(node_id, period))
    frame = _name_items(ctx, frame[frame["item_id"].isin(visible_items)], kind)
    if frame.empty:
        return frame.assign(n=[], share=[], start=[], end=[], label=[])
    scale = {item.id: item.scale for item in _items(ctx, kind)}
    frame["n"] = frame.groupby("item_id")["count"].transform("sum")
    frame["share"] = frame["count"] / frame["n"]
    frame["middle"] = [(scale[i].min + scale[i].max) / 2 for i in frame["item_id"]]
    frame["label"] = [
        f"{s} – {scale[i].level(int(s)).label[ctx.lang]}"
        for i, s in zip(frame["item_id"], frame["score"], strict=True)
    ]
    frame = frame.sort_values(["order", "score"]).reset_index(drop=True)
    # Left of zero: the negative scores and half of the middle one.
    weight = np.where(
        frame["score"] < frame["middle"], 1.0, np.where(frame["score"] == frame["middle"], 0.5, 0.0)
    )
    negative = (frame["share"] * weight).groupby(frame["item_id"]).transform("sum")
    frame["end"] = frame.groupby("item_id")["share"].cumsum() - negative
    frame["start"] = frame["end"] - frame["share"]
    columns = ["item_id", "item", "score", "label", "count", "n", "share", "start", "end"]
    return frame[columns]


@authz.overview()
def spread(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Where each unit below the node lies among them, per item: unit, item, mean, n, and the
    unit's rank from the top; hidden units are left out."""
    cells = heatmap(ctx, node_id, period, kind)
    cells = cells[~cells["is_total"] & ~cells["hidden"]].copy()
    cells["rank"] = cells.groupby("item_id")["mean"].rank(ascending=False, method="min")
    cells["of"] = cells.groupby("item_id")["mean"].transform("count")
    return cells.reset_index(drop=True)


@authz.overview()
def participation(ctx: Context, node_id: str, first: str, last: str) -> pd.DataFrame:
    """Check-ins per unit row and period against the leaders registered there: unit, period,
    checked_in, expected, missing, rate. Counts of check-ins reveal no answers, so they are
    shown whatever their size."""
    names = units.by_id(ctx)
    frame = fetch(ctx, dashboards.participation(node_id, first, last))
    frame = frame[(frame["expected"] > 0) | (frame["checked_in"] > 0)].copy()
    frame["unit"] = [
        (names[r].name if r in names else r)
        + (f" ({t(ctx.lang, 'own_leaders')})" if r == node_id else "")
        for r in frame["row_id"]
    ]
    frame["missing"] = (frame["expected"] - frame["checked_in"]).clip(lower=0)
    frame["rate"] = frame["checked_in"] / frame["expected"].where(frame["expected"] > 0)
    frame["own_first"] = frame["row_id"] != node_id
    frame = frame.sort_values(["own_first", "unit", "period"]).drop(columns="own_first")
    return frame.reset_index(drop=True)


# --- text alternatives ---------------------------------------------------------------------


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
            f"{p}: " + (t(ctx.lang, "too_few") if pd.isna(m) else f"{m:.2f}")
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
        f"{g}: {m:.2f} (n={n})"
        for g, m, n in zip(latest["group"], latest["mean"], latest["n"], strict=True)
    ]
    return t(ctx.lang, "compare_summary", period=last, values="; ".join(parts))


def heatmap_summary(ctx: Context, frame: pd.DataFrame) -> str:
    shown = frame[~frame["hidden"] & ~frame["is_total"]]
    hidden = int((frame["hidden"]).sum())
    if shown.empty:
        return t(ctx.lang, "too_few_all")
    best = shown.loc[shown["mean"].idxmax()]
    worst = shown.loc[shown["mean"].idxmin()]
    return t(
        ctx.lang,
        "heatmap_summary",
        best_unit=best["unit"],
        best_item=best["item"],
        best=best["mean"],
        worst_unit=worst["unit"],
        worst_item=worst["item"],
        worst=worst["mean"],
        hidden=hidden,
    )


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
        parts.append(f"{item}: {low:.0%} / {high:.0%}")
    return t(ctx.lang, "likert_summary", values="; ".join(parts))


def participation_summary(ctx: Context, frame: pd.DataFrame) -> str:
    if frame.empty:
        return t(ctx.lang, "no_data")
    last = frame["period"].max()
    latest = frame[frame["period"] == last]
    return t(
        ctx.lang,
        "participation_summary",
        period=last,
        checked=int(latest["checked_in"].sum()),
        expected=int(latest["expected"].sum()),
        missing=int(latest["missing"].sum()),
    )
