"""Dashboard services for the unit and overview pages: small, aggregated frames, cached by data
version, with the privacy thresholds applied here (never in the pages). Their text
alternatives are services/chartsummaries.py.

Roll-up: a unit's figure is the mean over every answer given for the unit and every unit below
it (one answer per leader, unit, period and item), and `n` is the number of those answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.domain.importformat import GENERAL_COMMENT
from dtmaturity.domain.periods import Period
from dtmaturity.services import authz, fetching, release_rule, units
from dtmaturity.services import privacy as privacy_decisions
from dtmaturity.services.cache import cached_by_data_version
from dtmaturity.services.cache import clear as clear_cache
from dtmaturity.services.context import Context
from dtmaturity.services.fetching import fetch
from dtmaturity.store import dashboards

__all__ = ["cached_by_data_version", "clear_cache", "fetch"]

MANY_SHARE = 1 / 3  # a role "many take" when at least this share of the group takes it most
REFLECTION_LIMIT = 200  # texts listed at once; the search and filters narrow the rest


def _items(ctx: Context, kind: str) -> tuple[Any, ...]:
    return ctx.framework.themes if kind == "theme" else ctx.framework.competencies


def _named(ctx: Context, kind: str) -> list[tuple[str, str]]:
    """(id, name) of the items of `kind`, in framework order: the SQL names and sorts with it."""
    return [(item.id, ctx.framework.item_name(item.id, ctx.lang)) for item in _items(ctx, kind)]


def _hidden(
    ctx: Context, periods: list[str] | None, items: list[tuple[str, str]], unit_ids: list[str]
) -> list:
    """The hidden score cells of these units, as the score queries bind them."""
    decision = privacy_decisions.scores(ctx, periods, [item_id for item_id, _ in items])
    return privacy_decisions.hidden_cells(decision, unit_ids)


def _with_children(ctx: Context, node_id: str) -> list[str]:
    return [node_id, *(u.unit_id for u in units.children(ctx, node_id))]


def _lineage(ctx: Context, unit_id: str) -> list[str]:
    """The unit, its parent and its top unit."""
    chain = [unit_id]
    while (parent := units.parent_of(ctx, chain[-1])) is not None and parent not in chain:
        chain.append(parent)
    return [unit_id, *chain[1:2], chain[-1]]


# --- unit page --------------------------------------------------------------------------------


@authz.dashboard()
def item_trend(ctx: Context, unit_id: str, kind: str) -> pd.DataFrame:
    """Mean score and n per item of `kind` ("theme" or "competency") and period, with names, in
    framework order. Hidden cells keep their n but have no mean (`hidden` is True, `reason`
    says why: privacy.FEW or privacy.PROTECT). Decided over the whole tree (privacy.py), so the
    overview and the unit page agree."""
    items = _named(ctx, kind)
    query = dashboards.node_trend(unit_id, None, items, _hidden(ctx, None, items, [unit_id]))
    # Released quarters only (release_rule.py, domain/release.py); the viewer's own answers in a
    # quarter in progress are `own_pending`, never the group's line.
    return release_rule.released_rows(ctx, unit_id, fetching.fetch(ctx, query))


@authz.dashboard()
def own_pending(ctx: Context, unit_id: str, kind: str) -> pd.DataFrame:
    """The viewer's own answers to the items of `kind` in quarters not yet released for the
    unit: item_id, item, period, score. Shown apart, labelled as theirs and unpublished."""
    return release_rule.own_pending(ctx, unit_id, _named(ctx, kind))


@authz.dashboard()
def latest_periods(ctx: Context, unit_id: str) -> list[str]:
    """Released periods with answers in the unit's subtree, newest first (the latest finished
    quarter is the default everywhere; an open quarter's figures wait for its round to close)."""
    periods = fetching.fetch(ctx, dashboards.periods(unit_id))["period"].tolist()
    return release_rule.released_periods(ctx, unit_id, periods)


@authz.overview()
def overview_periods(ctx: Context, node_id: str) -> list[str]:
    """latest_periods() for the overview, which needs the right to compare the units below."""
    return latest_periods(ctx, node_id)


def latest_finished(ctx: Context, unit_id: str | None = None) -> str | None:
    """The default quarter of the dashboards and the report: the latest released quarter with
    answers for the unit (without one: the latest released for every top unit)."""
    unit_ids = [unit_id] if unit_id else release_rule.top_units(ctx)
    latest = [latest_periods(ctx, u) for u in unit_ids]
    found = [periods[0] for periods in latest if periods]
    return min(found) if found else None


@authz.dashboard()
def competency_profile(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Each competency's mean in the latest released period and the one before it (rows per
    period)."""
    trend = item_trend(ctx, unit_id, "competency")
    periods = sorted(set(trend["period"]), reverse=True)[:2]
    return trend[trend["period"].isin(periods)].reset_index(drop=True)


@authz.dashboard()
def compare(ctx: Context, unit_id: str, item_id: str) -> pd.DataFrame:
    """The unit, its parent and the whole organisation over time for one item: group, role
    (unit | parent | organisation), period, mean, n, hidden, level."""
    # Decided over the whole tree, so the parent minus the unit never reveals a group of
    # fewer than k (see privacy.py).
    item = (item_id, ctx.framework.item_name(item_id, ctx.lang))
    hidden = _hidden(ctx, None, [item], _lineage(ctx, unit_id))
    frame = fetching.fetch(ctx, dashboards.compare(unit_id, item, hidden))
    return release_rule.released_compare_rows(ctx, unit_id, frame)


def _role_frame(ctx: Context, unit_id: str, period: str, include_below: bool) -> pd.DataFrame:
    query = dashboards.role_counts(
        unit_id,
        period,
        include_below=include_below,
        roles=[(r.id, ctx.framework.role_name(r.id, ctx.lang)) for r in ctx.framework.roles],
        many_share=MANY_SHARE,
    )
    frame = fetching.fetch(ctx, query)
    # The group behind the picks is the check-ins of the cell (unit, with or without below),
    # decided with the scores' threshold over the whole tree.
    decision = privacy_decisions.checkins(ctx, [period], privacy_decisions.k_respondents())
    why = privacy_decisions.reason(decision, period, "", (unit_id, include_below))
    return frame.assign(hidden=why is not None, reason=why)


@authz.dashboard()
def roles_hidden_reason(
    ctx: Context, unit_id: str, period: str, *, include_below: bool = True
) -> str | None:
    """Why the group's role picks are not shown (privacy.FEW or privacy.PROTECT), or None."""
    frame = _role_frame(ctx, unit_id, period, include_below)
    if frame.empty or int(frame["n"].iat[0]) == 0:
        return None
    return frame["reason"].iat[0]


@authz.dashboard()
@release_rule.released_only("unit_id")
def role_distribution(
    ctx: Context, unit_id: str, period: str, *, include_below: bool = True
) -> pd.DataFrame:
    """Role picks per kind in one period: kind, role_id, count, n (check-ins), role, share.
    Empty when the group is too small to show (see `roles_hidden`)."""
    frame = _role_frame(ctx, unit_id, period, include_below)
    shown = frame[~frame["hidden"] & (frame["count"] > 0)]
    return shown[["kind", "role_id", "count", "n", "role", "share"]].reset_index(drop=True)


@authz.dashboard()
def roles_hidden(ctx: Context, unit_id: str, period: str, *, include_below: bool = True) -> bool:
    """True when the group had check-ins that period but too few to show its roles."""
    frame = _role_frame(ctx, unit_id, period, include_below)
    return bool(len(frame)) and bool(frame["hidden"].iat[0]) and int(frame["n"].iat[0]) > 0


BALANCE_COLUMNS = ["role_id", "role", "most", "want", "more", "n", "status"]


@authz.dashboard()
@release_rule.released_only("unit_id")
def role_balance(
    ctx: Context, unit_id: str, period: str, *, include_below: bool = True
) -> pd.DataFrame:
    """Per role: how many in the group take it most often, want it, should take it more often,
    and a status: "lacking" (nobody takes it most often) or "many" (at least a third do)."""
    frame = _role_frame(ctx, unit_id, period, include_below)
    if frame.empty or frame["hidden"].iat[0] or int(frame["n"].iat[0]) == 0:
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    return frame[frame["kind"] == "most"][BALANCE_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class ReflectionView:
    rows: pd.DataFrame  # period, question_id, answer, question
    # period, matching (all the period's texts, whatever the filters), reason: not shown, and why
    hidden: pd.DataFrame
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
    search = search.strip()
    tally = fetching.fetch(
        ctx,
        dashboards.reflection_periods(unit_id, periods=periods, question=question, search=search),
    )
    # Released quarters, and one in progress whose texts are all one's own (release_rule.py): an open
    # quarter's texts wait for its round to close.
    pools = dict(zip(tally["period"], tally["pool"], strict=True))
    tally = tally[
        tally["period"].isin(release_rule.released_or_own_periods(ctx, unit_id, pools))
    ].copy()
    decision = privacy_decisions.checkins(ctx, periods, privacy.thresholds().min_reflections)
    tally["reason"] = [
        privacy_decisions.reason(decision, p, "", (unit_id, True)) or None for p in tally["period"]
    ]
    shown = tally["reason"].isna() & (tally["pool"] > 0)
    # A hidden period is listed, with all its texts counted, whatever the filters: a search
    # that changed its count (or whether it is listed) would tell what a small group wrote.
    tally["matching"] = tally["matching"].where(shown, tally["texts"])
    tally = tally[~shown | (tally["matching"] > 0)]
    shown = shown[tally.index]
    rows = fetching.fetch(
        ctx,
        dashboards.reflection_rows(
            unit_id,
            tally["period"][shown].tolist(),
            question=question,
            search=search,
            limit=limit,
            questions=[
                *((q.id, q.text[ctx.lang]) for q in ctx.framework.questions),
                # An import's free-text question that matched no item (importformat).
                (GENERAL_COMMENT, t(ctx.lang, "general_comment")),
            ],
        ),
    )
    hidden = tally[~shown][["period", "matching", "reason"]].reset_index(drop=True)
    return ReflectionView(rows, hidden, int(tally["matching"][shown].sum()), limit)


@authz.dashboard()
def reflections(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Reflection answers (period, question, answer) that may be shown, without who wrote them."""
    return reflection_view(ctx, unit_id).rows


# --- overview page ---------------------------------------------------------------------------


def comparison_periods(period: str) -> tuple[str, str]:
    """The period before `period` and the same quarter a year earlier."""
    current = Period.parse(period)
    return str(current.previous()), str(current.same_quarter_last_year())


def _units_in_natural_order(frame: pd.DataFrame, *, node_id: str | None = None) -> pd.DataFrame:
    """Rows of units by name as people sort them ("Seksjon 2" before "Seksjon 10", æ, ø and å
    after z), the node's own row first; the order within a unit is kept."""
    if frame.empty or "unit" not in frame:
        return frame
    if "is_total" in frame:
        total = frame["is_total"].astype(bool)
    elif node_id is not None and "row_id" in frame:
        total = frame["row_id"] == node_id
    else:
        total = pd.Series(False, index=frame.index)
    rank = {name: i for i, name in enumerate(formats.sorted_names(frame["unit"].unique(), "nb"))}
    keys = pd.DataFrame({"below": ~total, "rank": frame["unit"].map(rank)}, index=frame.index)
    order = keys.sort_values(["below", "rank"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


@authz.overview()
@release_rule.released_only()
def overview_cells(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """The node (as "all of it") and each unit directly below it, per item of `kind`, in
    `period`, the period before and the same quarter last year: row_id, unit, is_total, period,
    item_id, item, mean, n, hidden, reason (privacy.py: decided over the whole tree)."""
    periods = [period, *comparison_periods(period)]
    items = _named(ctx, kind)
    hidden = _hidden(ctx, periods, items, _with_children(ctx, node_id))
    return _units_in_natural_order(
        fetching.fetch(ctx, dashboards.overview_cells(node_id, periods, items, hidden))
    )


@authz.overview()
@release_rule.released_only()
def heatmap(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Cells of one period (one per unit row and item): the node's own row first, then the units
    by name; items in framework order."""
    items = _named(ctx, kind)
    hidden = _hidden(ctx, [period], items, _with_children(ctx, node_id))
    return _units_in_natural_order(
        fetching.fetch(ctx, dashboards.overview_cells(node_id, [period], items, hidden))
    )


@authz.overview()
@release_rule.released_only()
def changes(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Per unit row and item: mean now, the period before and a year before, and the changes
    (none where either side is hidden or missing)."""
    previous, year_ago = comparison_periods(period)
    items = _named(ctx, kind)
    hidden = _hidden(ctx, [period, previous, year_ago], items, _with_children(ctx, node_id))
    return _units_in_natural_order(
        fetching.fetch(ctx, dashboards.changes(node_id, period, previous, year_ago, items, hidden))
    )


def largest_changes(frame: pd.DataFrame, column: str, count: int = 5) -> tuple[pd.DataFrame, ...]:
    """The largest improvements and declines (units below the node only) in `column`."""
    below = frame[~frame["is_total"] & frame[column].notna()]
    up = below[below[column] > 0].sort_values([column, "unit"], ascending=[False, True])
    down = below[below[column] < 0].sort_values([column, "unit"], ascending=[True, True])
    return up.head(count).reset_index(drop=True), down.head(count).reset_index(drop=True)


@authz.overview()
@release_rule.released_only()
def likert(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Share of each score per item over the node's subtree, laid out for a diverging bar:
    item_id, item, score, label, count, n, share, start, end (scores below the middle to the
    left). Items whose figure for the node is hidden are left out."""
    return _likert(ctx, node_id, period, kind)


@authz.dashboard()
@release_rule.released_only("unit_id")
def distribution(ctx: Context, unit_id: str, period: str, kind: str) -> pd.DataFrame:
    """likert() for the unit's own group, for whoever may see the unit's figures (the leader
    group's meeting): the same cells, the same items left out."""
    return _likert(ctx, unit_id, period, kind)


def widest_spread_first(frame: pd.DataFrame) -> pd.DataFrame:
    """The items of a likert() frame ordered by how far the answers lie apart (the standard
    deviation of the scores), widest first: item_id, item, spread, n, and per score its count.
    Disagreement is where a leader group's discussion starts."""
    if frame.empty:
        return pd.DataFrame(columns=["item_id", "item", "spread", "n"])
    counts = frame.pivot_table(
        index=["item_id", "item"], columns="score", values="count", aggfunc="sum", fill_value=0
    )
    scores = counts.columns.to_numpy(dtype=float)
    totals = counts.sum(axis=1)
    means = (counts * scores).sum(axis=1) / totals
    variance = (counts * (scores[None, :] - means.to_numpy()[:, None]) ** 2).sum(axis=1) / totals
    out = counts.reset_index()
    out.columns = [str(c) for c in out.columns]
    out.insert(2, "spread", (variance**0.5).round(2).to_numpy())
    out.insert(3, "n", totals.astype(int).to_numpy())
    return out.sort_values(["spread", "item"], ascending=[False, True]).reset_index(drop=True)


def _likert(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    items = _items(ctx, kind)
    named = [
        (item.id, ctx.framework.item_name(item.id, ctx.lang), (item.scale.min + item.scale.max) / 2)
        for item in items
    ]
    levels = [
        (item.id, score, f"{score} – {item.scale.level(score).label[ctx.lang]}")
        for item in items
        for score in item.scale.values
    ]
    hidden = _hidden(ctx, [period], [(i, name) for i, name, _ in named], [node_id])
    return fetching.fetch(ctx, dashboards.likert(node_id, period, named, levels, hidden))


@authz.overview()
@release_rule.released_only()
def spread(ctx: Context, node_id: str, period: str, kind: str) -> pd.DataFrame:
    """Where each unit below the node lies among them, per item: unit, item, mean, n, and the
    unit's rank from the top among `of` units; hidden units are left out."""
    items = _named(ctx, kind)
    hidden = _hidden(ctx, [period], items, _with_children(ctx, node_id))
    return _units_in_natural_order(
        fetching.fetch(ctx, dashboards.spread(node_id, period, items, hidden))
    )


@authz.overview()
def participation(ctx: Context, node_id: str, first: str, last: str) -> pd.DataFrame:
    """Check-ins per unit row and period against the leaders registered there: unit, period,
    checked_in, expected, missing, rate. Counts of check-ins reveal no answers, so they are
    shown whatever their size."""
    suffix = f" ({t(ctx.lang, 'own_leaders')})"
    frame = fetching.fetch(ctx, dashboards.participation(node_id, first, last, suffix))
    return _units_in_natural_order(frame, node_id=node_id)
