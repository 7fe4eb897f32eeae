"""The charts of one unit (the unit page and the leader-group report): the trend with its
plan, the competency profile, the comparison with the parent and the organisation, and the
role picks."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dtmaturity.charts.theme import (
    DASHES,
    ITEM_TIP,
    MEAN_TIP,
    N_TIP,
    PALETTE,
    PERIOD_TIP,
    SHAPES,
    tooltips,
)
from dtmaturity.domain import formats
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period, period_range


def _series_scales(names: list[str]) -> dict[str, alt.Scale]:
    count = len(names)
    return {
        "color": alt.Scale(domain=names, range=(PALETTE * 2)[:count]),
        "shape": alt.Scale(domain=names, range=(SHAPES * 2)[:count]),
        "dash": alt.Scale(domain=names, range=(DASHES * 2)[:count]),
    }


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that may be drawn: hidden figures (too few answers) are left out of the chart."""
    return frame[~frame["hidden"]] if "hidden" in frame else frame


def _series_lines(
    frame: pd.DataFrame,
    names: list[str],
    *,
    field: str,
    legend_key: str,
    lang: str,
    title: str,
    scale_max: int,
    height: int,
    label_angle: int,
    point_size: int,
) -> alt.LayerChart:
    """Mean over periods, one line per series in `field`: told apart by colour, dash and point
    shape; exact mean and n in the tooltip. Hidden figures are left out."""
    scales = _series_scales(names)
    legend = alt.Legend(
        title=t(lang, legend_key), orient="bottom", columns=2, symbolStrokeWidth=2, labelLimit=0
    )
    base = alt.Chart(_shown(frame)).encode(
        x=alt.X(
            "period:O",
            title=t(lang, "chart_period"),
            sort="ascending",
            axis=alt.Axis(labelAngle=label_angle),
        ),
        y=alt.Y(
            "mean:Q",
            title=t(lang, "chart_mean"),
            scale=alt.Scale(domain=[1, scale_max], nice=False),
        ),
        color=alt.Color(f"{field}:N", scale=scales["color"], legend=legend),
        tooltip=tooltips(lang, (f"{field}:N", legend_key), PERIOD_TIP, MEAN_TIP, N_TIP),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash(f"{field}:N", scale=scales["dash"], legend=legend)
    )
    points = base.mark_point(size=point_size, filled=True).encode(
        shape=alt.Shape(f"{field}:N", scale=scales["shape"], legend=legend)
    )
    return (
        alt.layer(lines, points, title=title)
        .properties(height=height)
        .resolve_scale(color="shared", shape="shared", strokeDash="shared")
    )


def profile(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.TopLevelMixin:
    """Dot plot of each item's mean in up to two periods; periods differ by shape and colour."""
    frame = _shown(frame)
    periods = sorted(frame["period"].unique(), reverse=True)
    shapes = alt.Scale(domain=periods, range=["circle", "square"][: len(periods)])
    colors = alt.Scale(domain=periods, range=["#0072B2", "#D55E00"][: len(periods)])
    return (
        alt.Chart(frame, title=title)
        .mark_point(size=140, filled=True, opacity=0.9)
        .encode(
            y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "mean:Q",
                title=t(lang, "chart_mean"),
                scale=alt.Scale(domain=[1, scale_max], nice=False),
            ),
            color=alt.Color("period:O", scale=colors, title=t(lang, "chart_period")),
            shape=alt.Shape("period:O", scale=shapes, title=t(lang, "chart_period")),
            tooltip=tooltips(lang, ITEM_TIP, PERIOD_TIP, MEAN_TIP, N_TIP),
        )
        .properties(height=alt.Step(32))
    )


def roles(frame: pd.DataFrame, *, lang: str, title: str) -> alt.TopLevelMixin:
    """Grouped bars: how many leaders picked each role, per kind of pick, with counts as text."""
    kinds = [t(lang, f"role_kind_{k}") for k in ("most", "want", "more")]
    data = frame.assign(kind_label=[t(lang, f"role_kind_{k}") for k in frame["kind"]])
    data["kind_count"] = [
        f"{c} ({k})" for c, k in zip(data["count"], data["kind_label"], strict=True)
    ]
    colors = alt.Scale(domain=kinds, range=["#0072B2", "#E69F00", "#009E73"])
    base = alt.Chart(data, title=title).encode(
        y=alt.Y("role:N", title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("kind_label:N", sort=kinds),
        x=alt.X("count:Q", title=t(lang, "chart_count"), axis=alt.Axis(tickMinStep=1)),
        tooltip=tooltips(
            lang,
            ("role:N", "chart_role"),
            ("kind_label:N", "chart_kind"),
            ("count:Q", "chart_count"),
            N_TIP,
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("kind_label:N", scale=colors, sort=kinds, title=t(lang, "chart_kind")),
        opacity=alt.value(0.9),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("kind_count:N"))
    return alt.layer(bars, labels).properties(height=alt.Step(14))


def compare(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.LayerChart:
    """The unit, its parent and the whole organisation as three lines told apart by colour,
    dash and point shape."""
    return _series_lines(
        frame,
        list(dict.fromkeys(frame.sort_values("level")["group"])),
        field="group",
        legend_key="chart_group",
        lang=lang,
        title=title,
        scale_max=scale_max,
        height=320,
        label_angle=-45,
        point_size=60,
    )


ACTION_COLOUR = "#444444"


def _connectors(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """For each item: its latest shown mean and its next target, as the two ends of a line."""
    shown = _shown(frame)
    if shown.empty or targets.empty:
        return pd.DataFrame(columns=["item", "period", "value"])
    latest = shown.sort_values("period").groupby("item").tail(1)
    ahead = targets[targets["period"] > latest["period"].max()]
    ahead = ahead.sort_values("period").groupby("item").head(1)
    ends = latest.rename(columns={"mean": "value"})[["item", "period", "value"]]
    goals = ahead.rename(columns={"target": "value"})[["item", "period", "value"]]
    return pd.concat([ends[ends["item"].isin(goals["item"])], goals], ignore_index=True)


OWN_COLOUR = "#555555"  # the viewer's own answers: apart from every item's colour


def _own_layers(
    own: pd.DataFrame, x: alt.X, y_scale: alt.Scale, *, lang: str, scale_max: int
) -> list[alt.Chart]:
    """The viewer's unpublished answers: a hollow diamond per item and quarter, and the words
    "your answers, not published" above each such quarter (not colour alone)."""
    label = t(lang, "own_pending_label")
    points = (
        alt.Chart(own.assign(who=label))
        .mark_point(shape="diamond", filled=False, size=110, strokeWidth=1.8, color=OWN_COLOUR)
        .encode(
            x=x,
            y=alt.Y("score:Q", scale=y_scale),
            tooltip=[
                alt.Tooltip("who:N", title=""),
                *tooltips(lang, ITEM_TIP, PERIOD_TIP, ("score:Q", "own_pending_score", ".1f")),
            ],
        )
    )
    words = (
        alt.Chart(pd.DataFrame({"period": sorted(set(own["period"])), "who": label}))
        .mark_text(dy=-8, fontSize=11, color=OWN_COLOUR)
        .encode(x=x, y=alt.YDatum(scale_max, scale=y_scale), text="who:N")
    )
    return [points, words]


def trend_with_plan(
    frame: pd.DataFrame,
    targets: pd.DataFrame,
    actions: pd.DataFrame,
    *,
    lang: str,
    title: str,
    scale_max: int = 5,
    own: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """The trend with the plan on the same time axis.

    `own` (item, period, score) holds the viewer's own answers in quarters not yet released:
    drawn apart as hollow grey diamonds under the label "your answers, not published", never
    joined to the group's line.

    Each item's target is an open marker in the item's own shape at the target quarter, joined
    to its latest mean by a thin dashed line (so a target is told from a score by shape fill and
    line style, not colour). Actions are vertical rules at the quarter they were done or dropped
    in (solid) or are due in (dashed), labelled with their number; the tooltip tells the rest.
    """
    targets = _shown(targets) if not targets.empty else targets
    names = list(dict.fromkeys([*frame["item"], *targets.get("item", [])]))
    scales = _series_scales(names)
    legend = alt.Legend(
        title=t(lang, "chart_item"), orient="bottom", columns=2, symbolStrokeWidth=2, labelLimit=0
    )
    x = alt.X(
        "period:O", title=t(lang, "chart_period"), sort="ascending", axis=alt.Axis(labelAngle=-45)
    )
    y_scale = alt.Scale(domain=[1, scale_max], nice=False)
    color = alt.Color("item:N", scale=scales["color"], legend=legend)
    # Every quarter from the first to the last shown gets its place, so distances in time are
    # true even where a quarter has no figure.
    own = own if own is not None else pd.DataFrame(columns=["item", "period", "score"])
    quarters = [
        *frame.get("period", []),
        *targets.get("period", []),
        *actions.get("period", []),
        *own.get("period", []),
    ]
    layers: list[alt.Chart] = []
    if quarters:
        span = period_range(Period.parse(min(quarters)), Period.parse(max(quarters)))
        axis = pd.DataFrame({"period": [str(p) for p in span]})
        layers.append(alt.Chart(axis).mark_point(opacity=0).encode(x=x))
    shown = _shown(frame)
    base = alt.Chart(shown).encode(
        x=x,
        y=alt.Y("mean:Q", title=t(lang, "chart_mean"), scale=y_scale),
        color=color,
        tooltip=tooltips(lang, ITEM_TIP, PERIOD_TIP, MEAN_TIP, N_TIP),
    )
    layers.append(
        base.mark_line(strokeWidth=2).encode(
            strokeDash=alt.StrokeDash("item:N", scale=scales["dash"], legend=legend)
        )
    )
    layers.append(
        base.mark_point(size=70, filled=True).encode(
            shape=alt.Shape("item:N", scale=scales["shape"], legend=legend)
        )
    )
    if not own.empty:
        layers.extend(_own_layers(own, x, y_scale, lang=lang, scale_max=scale_max))
    if not targets.empty:
        layers.append(
            alt.Chart(_connectors(frame, targets))
            .mark_line(strokeWidth=1.2, strokeDash=[3, 3], opacity=0.8)
            .encode(x=x, y=alt.Y("value:Q", scale=y_scale), color=color, detail="item:N")
        )
        layers.append(
            alt.Chart(targets)
            .mark_point(size=170, filled=False, strokeWidth=2.2)
            .encode(
                x=x,
                y=alt.Y("target:Q", scale=y_scale),
                color=color,
                shape=alt.Shape("item:N", scale=scales["shape"], legend=legend),
                tooltip=tooltips(
                    lang,
                    ITEM_TIP,
                    ("period:O", "chart_target_period"),
                    ("target:Q", "chart_target", formats.MEAN_D3),
                    ("n:Q", "chart_n_targets"),
                ),
            )
        )
    if not actions.empty:
        rules = (
            alt.Chart(actions)
            .mark_rule(strokeWidth=1.5, color=ACTION_COLOUR)
            .encode(
                x=x,
                strokeDash=alt.condition(
                    "datum.status_id == 'done' || datum.status_id == 'dropped'",
                    alt.value([1, 0]),
                    alt.value([5, 4]),
                ),
                tooltip=tooltips(
                    lang,
                    ("label:N", "chart_action"),
                    ("description:N", "col_description"),
                    ("items:N", "col_items"),
                    ("status:N", "action_status_field"),
                    ("when:N", "chart_when"),
                    PERIOD_TIP,
                    ("owner:N", "col_owner"),
                ),
            )
        )
        labels = actions.groupby("period", as_index=False).agg(label=("label", " ".join))
        text = (
            alt.Chart(labels)
            .mark_text(align="left", dx=3, baseline="top", fontSize=11, color=ACTION_COLOUR)
            .encode(x=x, y=alt.value(2), text="label:N")
        )
        layers += [rules, text]
    return (
        alt.layer(*layers, title=title)
        .properties(height=360)
        .resolve_scale(color="shared", shape="shared", strokeDash="shared")
    )
