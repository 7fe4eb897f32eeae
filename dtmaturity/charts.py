"""Altair chart builders: a small aggregated frame in, a chart out. Pure functions.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every
series is also told apart by line dash or point shape, so nothing depends on colour alone.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dtmaturity.i18n import t

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [2, 6]]
# Chart text (axis labels, titles, legends) in a dark grey with 12:1 contrast on white: the
# Streamlit chart theme's default grey (#808495) is below WCAG's 4.5:1 for small text.
INK = "#333333"


def _readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure_axis(labelColor=INK, titleColor=INK)
        .configure_legend(labelColor=INK, titleColor=INK)
        .configure_title(color=INK)
    )


def _series_scales(names: list[str]) -> dict[str, alt.Scale]:
    count = len(names)
    return {
        "color": alt.Scale(domain=names, range=(PALETTE * 2)[:count]),
        "shape": alt.Scale(domain=names, range=(SHAPES * 2)[:count]),
        "dash": alt.Scale(domain=names, range=(DASHES * 2)[:count]),
    }


def trend(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.TopLevelMixin:
    """Mean score per item over periods: one line per item, exact values and n in the tooltip."""
    names = list(dict.fromkeys(frame["item"]))
    scales = _series_scales(names)
    legend = alt.Legend(title=t(lang, "chart_item"), orient="right", symbolStrokeWidth=2)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "period:O",
            title=t(lang, "chart_period"),
            sort="ascending",
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y(
            "mean:Q",
            title=t(lang, "chart_mean"),
            scale=alt.Scale(domain=[1, scale_max], nice=False),
        ),
        color=alt.Color("item:N", scale=scales["color"], legend=legend),
        tooltip=[
            alt.Tooltip("item:N", title=t(lang, "chart_item")),
            alt.Tooltip("period:O", title=t(lang, "chart_period")),
            alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=".2f"),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
        ],
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("item:N", scale=scales["dash"], legend=legend)
    )
    points = base.mark_point(size=70, filled=True).encode(
        shape=alt.Shape("item:N", scale=scales["shape"], legend=legend)
    )
    return _readable(
        alt.layer(lines, points, title=title)
        .properties(height=360)
        .resolve_scale(color="shared", shape="shared", strokeDash="shared")
    )


def profile(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.TopLevelMixin:
    """Dot plot of each item's mean in up to two periods; periods differ by shape and colour."""
    periods = sorted(frame["period"].unique(), reverse=True)
    shapes = alt.Scale(domain=periods, range=["circle", "square"][: len(periods)])
    colors = alt.Scale(domain=periods, range=["#0072B2", "#D55E00"][: len(periods)])
    return _readable(
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
            tooltip=[
                alt.Tooltip("item:N", title=t(lang, "chart_item")),
                alt.Tooltip("period:O", title=t(lang, "chart_period")),
                alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=".2f"),
                alt.Tooltip("n:Q", title=t(lang, "chart_n")),
            ],
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
        tooltip=[
            alt.Tooltip("role:N", title=t(lang, "chart_role")),
            alt.Tooltip("kind_label:N", title=t(lang, "chart_kind")),
            alt.Tooltip("count:Q", title=t(lang, "chart_count")),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("kind_label:N", scale=colors, sort=kinds, title=t(lang, "chart_kind")),
        opacity=alt.value(0.9),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("kind_count:N"))
    return _readable(alt.layer(bars, labels).properties(height=alt.Step(14)))
