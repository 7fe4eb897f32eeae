"""The charts of the overview, over the units below one node: the heatmap of means, the
Likert distributions, the spread of the units around the chosen one, and participation."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dtmaturity.charts.theme import ITEM_TIP, MEAN_TIP, N_TIP, PALETTE, PERIOD_TIP, tooltips
from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import t

SEQUENTIAL = "viridis"  # perceptually even and readable with common colour-vision deficiencies


def heatmap(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.LayerChart:
    """Units × items; each cell's mean printed in it (readable without colour), n and the exact
    mean in the tooltip, hidden cells marked with a dash."""
    data = frame.assign(
        text=[
            formats.MISSING if hidden else formats.number(mean, lang, decimals=1)
            for mean, hidden in zip(frame["mean"], frame["hidden"], strict=True)
        ],
        status=[
            t(lang, privacy.reason_key(why)) if hidden else ""
            for hidden, why in zip(
                frame["hidden"],
                frame["reason"] if "reason" in frame else [None] * len(frame),
                strict=True,
            )
        ],
        dark=[
            bool(not hidden and mean < 1 + (scale_max - 1) * 0.55)
            for mean, hidden in zip(frame["mean"], frame["hidden"], strict=True)
        ],
    )
    units = list(dict.fromkeys(data["unit_label"]))
    items = list(dict.fromkeys(data["item"]))
    base = alt.Chart(data, title=title).encode(
        x=alt.X(
            "item:N",
            sort=items,
            title=None,
            # Every item's full name, angled so neighbours never overlap (none left out).
            axis=alt.Axis(labelAngle=-40, labelLimit=0, labelOverlap=False, labelAlign="right"),
        ),
        y=alt.Y("unit_label:N", sort=units, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=tooltips(
            lang,
            ("unit_label:N", "chart_unit"),
            ITEM_TIP,
            MEAN_TIP,
            N_TIP,
            ("status:N", "chart_hidden"),
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.condition(
            "datum.hidden",
            alt.value("#eeeeee"),
            alt.Color(
                "mean:Q",
                scale=alt.Scale(scheme=SEQUENTIAL, domain=[1, scale_max]),
                title=t(lang, "chart_mean"),
            ),
        )
    )
    labels = base.mark_text(fontSize=12).encode(
        text="text:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, labels).properties(height=alt.Step(26))


LIKERT_COLOURS = ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]


def likert(frame: pd.DataFrame, *, lang: str, title: str) -> alt.LayerChart:
    """Diverging stacked bars: low levels left of zero, high levels right, the middle level
    split across it; each segment labelled with its share, so colour is not needed to read it."""
    levels = list(dict.fromkeys(frame.sort_values("score")["label"]))
    colours = (LIKERT_COLOURS if len(levels) == 5 else PALETTE)[: len(levels)]
    items = list(dict.fromkeys(frame["item"]))
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y("item:N", sort=items, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            "start:Q",
            title=t(lang, "chart_share"),
            axis=alt.Axis(format="%", labelExpr="format(abs(datum.value), '.0%')"),
            scale=alt.Scale(domain=[-1, 1]),
        ),
        x2="end:Q",
        tooltip=tooltips(
            lang,
            ITEM_TIP,
            ("label:N", "chart_level"),
            ("share:Q", "chart_share", ".0%"),
            ("count:Q", "chart_count_answers"),
            N_TIP,
        ),
    )
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "label:N",
            sort=levels,
            scale=alt.Scale(domain=levels, range=colours),
            title=t(lang, "chart_level"),
            legend=alt.Legend(orient="bottom", columns=3, labelLimit=240),
        )
    )
    labels = (
        alt.Chart(frame[frame["share"] >= 0.06])
        .transform_calculate(middle="(datum.start + datum.end) / 2")
        .mark_text(fontSize=11)
        .encode(
            y=alt.Y("item:N", sort=items),
            x="middle:Q",
            text=alt.Text("share:Q", format=".0%"),
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="black").encode(x="x:Q")
    return alt.layer(bars, labels, zero).properties(height=alt.Step(30))


def spread(
    frame: pd.DataFrame, *, lang: str, title: str, highlight: str | None, scale_max: int = 5
) -> alt.LayerChart:
    """Each unit's mean per item as a tick, the chosen unit as a large labelled diamond."""
    data = frame.assign(chosen=frame["row_id"] == highlight)
    items = list(dict.fromkeys(data["item"]))
    base = alt.Chart(data).encode(
        y=alt.Y("item:N", sort=items, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            "mean:Q",
            title=t(lang, "chart_mean"),
            scale=alt.Scale(domain=[1, scale_max], nice=False),
        ),
        tooltip=tooltips(
            lang, ("unit:N", "chart_unit"), ITEM_TIP, MEAN_TIP, N_TIP, ("rank:Q", "chart_rank")
        ),
    )
    ticks = base.mark_tick(color="#777777", thickness=1.5, size=16).transform_filter(
        "!datum.chosen"
    )
    chosen = base.transform_filter("datum.chosen")
    marker = chosen.mark_point(shape="diamond", size=160, filled=True, color="#D55E00")
    label = chosen.mark_text(dy=-14, fontSize=11).encode(
        text=alt.Text("mean:Q", format=formats.MEAN_D3)
    )
    return alt.layer(ticks, marker, label, title=title).properties(height=alt.Step(30))


def participation(frame: pd.DataFrame, *, lang: str, title: str) -> alt.LayerChart:
    """Units × periods; each cell shows "checked in / expected", shaded by the share, and
    "+n" for answers from people not registered as leaders there (never "3/0")."""
    unregistered = frame.get("unregistered", pd.Series(0, index=frame.index))
    data = frame.assign(
        unregistered=unregistered,
        text=[
            (f"{c}/{e}" if e else "") + (f" +{u}" if u else "")
            for c, e, u in zip(frame["checked_in"], frame["expected"], unregistered, strict=True)
        ],
    )
    units = list(dict.fromkeys(data["unit"]))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("period:O", title=t(lang, "chart_period"), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("unit:N", sort=units, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=tooltips(
            lang,
            ("unit:N", "chart_unit"),
            PERIOD_TIP,
            ("checked_in:Q", "col_checked_in"),
            ("expected:Q", "col_expected"),
            ("missing:Q", "col_missing"),
            ("unregistered:Q", "col_unregistered"),
        ),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "rate:Q",
            scale=alt.Scale(scheme="greys", domain=[0, 1]),
            title=t(lang, "col_rate"),
            legend=alt.Legend(format="%"),
        )
    )
    labels = base.mark_text(fontSize=10).encode(
        text="text:N",
        color=alt.condition("datum.rate > 0.6", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, labels).properties(height=alt.Step(22))
