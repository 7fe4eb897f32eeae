"""Altair chart builders: a small aggregated frame in, a chart out. Pure functions.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every
series is also told apart by line dash or point shape, so nothing depends on colour alone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period, period_range

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [2, 6]]
# Chart text (axis labels, titles, legends) in a dark grey with 12:1 contrast on white: the
# Streamlit chart theme's default grey (#808495) is below WCAG's 4.5:1 for small text.
INK = "#333333"


def readable(chart: alt.TopLevelMixin, lang: str | None = None) -> alt.TopLevelMixin:
    """Dark chart text for any finished chart, and numbers in `lang`'s format (`3,1` in
    bokmål and nynorsk) in axes, tooltips and labels, in the page and in the PNG/SVG export
    alike: Vega-Lite's `config.locale` travels with the spec. Apply last: a configured chart
    cannot be layered again."""
    if lang:
        chart = chart.configure(locale=alt.Locale(number=formats.chart_locale(lang)))
    return (
        chart.configure_axis(labelColor=INK, titleColor=INK)
        .configure_legend(labelColor=INK, titleColor=INK)
        .configure_title(color=INK)
    )


READABLE_CONFIG = {
    "axis": {"labelColor": INK, "titleColor": INK},
    "legend": {"labelColor": INK, "titleColor": INK},
    "title": {"color": INK},
}
# Altair's default theme sizes a chart without a width 300x300; the page lays charts out itself.
_THEME_VIEW = {"continuousWidth": 300, "continuousHeight": 300}
_to_dict_lock = threading.Lock()


# On a page: the width fits the page, and the height grows with the legend and the axes. By
# default Streamlit fits both, so a chart's height held its legend too, and the trend with its
# eight-row legend kept a plot area a few lines high.
PAGE_AUTOSIZE = {"type": "fit-x", "contains": "padding"}


def readable_spec(chart: alt.TopLevelMixin, lang: str | None = None) -> dict:
    """The finished Vega-Lite spec of a chart for a page, with the dark text and the number
    format of `lang` of `readable`, sized by `PAGE_AUTOSIZE`.

    What `readable` and Streamlit's own conversion would give, made about twice as fast: the
    builders here make valid specs (the tests render every one), so Altair's JSON-schema
    validation of every chart on every page run is skipped, and the colours are set in the
    spec instead of copying the whole chart three times. The data stay in the spec's
    `datasets`, which Streamlit sends to the browser as Arrow.
    """
    with _to_dict_lock:  # Altair's data transformer and theme are global to all threads
        spec = chart.to_dict(validate=False)
    config = spec.setdefault("config", {})
    view = config.get("view", {})
    for key, value in _THEME_VIEW.items():
        if view.get(key) == value:
            del view[key]
    if "view" in config and not view:
        del config["view"]
    for part, colours in READABLE_CONFIG.items():
        config[part] = {**config.get(part, {}), **colours}
    if lang:
        config["locale"] = {"number": formats.chart_locale(lang)}
    spec.setdefault("autosize", PAGE_AUTOSIZE)
    return spec


@dataclass(frozen=True)
class Recipe:
    """A chart still to be drawn: a builder of this module and its arguments. A page passes
    the recipe, so the spec can come from `spec_of`'s cache and the chart itself is built
    only when someone downloads it as a picture."""

    build: Callable[..., alt.TopLevelMixin]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def chart(self) -> alt.TopLevelMixin:
        return self.build(*self.args, **self.kwargs)


def recipe(build: Callable[..., alt.TopLevelMixin], *args: Any, **kwargs: Any) -> Recipe:
    return Recipe(build, args, kwargs)


def _content_key(value: Any) -> Hashable:
    """What a builder's argument holds, as a dictionary key (TypeError when it cannot be one)."""
    if isinstance(value, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return ("frame", tuple(value.columns), tuple(map(str, value.dtypes)), hashed)
    hash(value)
    return value


_SPECS: OrderedDict[Hashable, dict] = OrderedDict()
_SPECS_MAX = 512
_specs_lock = threading.Lock()


def spec_of(drawing: Recipe, lang: str | None = None) -> dict:
    """`readable_spec` of the recipe's chart, made once per content: a page rerun showing the
    same figures (the dashboards' frames are cached per data version) builds no chart. The
    result is shared: callers must not change it (Streamlit copies what it changes)."""
    try:
        key: Hashable = (
            drawing.build.__module__,
            drawing.build.__qualname__,
            tuple(_content_key(a) for a in drawing.args),
            tuple(sorted((k, _content_key(v)) for k, v in drawing.kwargs.items())),
            lang,
        )
    except TypeError:  # an argument that cannot be a key (a list, say): no caching
        return readable_spec(drawing.chart(), lang)
    with _specs_lock:
        spec = _SPECS.get(key)
        if spec is not None:
            _SPECS.move_to_end(key)
            return spec
    spec = readable_spec(drawing.chart(), lang)
    with _specs_lock:
        _SPECS[key] = spec
        while len(_SPECS) > _SPECS_MAX:
            _SPECS.popitem(last=False)
    return spec


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
        tooltip=[
            alt.Tooltip(f"{field}:N", title=t(lang, legend_key)),
            alt.Tooltip("period:O", title=t(lang, "chart_period")),
            alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=formats.MEAN_D3),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
        ],
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


def trend(frame: pd.DataFrame, *, lang: str, title: str, scale_max: int = 5) -> alt.LayerChart:
    """Mean score per item over periods: one line per item, exact values and n in the tooltip."""
    return _series_lines(
        frame,
        list(dict.fromkeys(frame["item"])),
        field="item",
        legend_key="chart_item",
        lang=lang,
        title=title,
        scale_max=scale_max,
        height=360,
        label_angle=0,
        point_size=70,
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
            tooltip=[
                alt.Tooltip("item:N", title=t(lang, "chart_item")),
                alt.Tooltip("period:O", title=t(lang, "chart_period")),
                alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=formats.MEAN_D3),
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
    return alt.layer(bars, labels).properties(height=alt.Step(14))


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
        tooltip=[
            alt.Tooltip("unit_label:N", title=t(lang, "chart_unit")),
            alt.Tooltip("item:N", title=t(lang, "chart_item")),
            alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=formats.MEAN_D3),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
            alt.Tooltip("status:N", title=t(lang, "chart_hidden")),
        ],
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
        tooltip=[
            alt.Tooltip("item:N", title=t(lang, "chart_item")),
            alt.Tooltip("label:N", title=t(lang, "chart_level")),
            alt.Tooltip("share:Q", title=t(lang, "chart_share"), format=".0%"),
            alt.Tooltip("count:Q", title=t(lang, "chart_count_answers")),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
        ],
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
        tooltip=[
            alt.Tooltip("unit:N", title=t(lang, "chart_unit")),
            alt.Tooltip("item:N", title=t(lang, "chart_item")),
            alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=formats.MEAN_D3),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
            alt.Tooltip("rank:Q", title=t(lang, "chart_rank")),
        ],
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
        tooltip=[
            alt.Tooltip("unit:N", title=t(lang, "chart_unit")),
            alt.Tooltip("period:O", title=t(lang, "chart_period")),
            alt.Tooltip("checked_in:Q", title=t(lang, "col_checked_in")),
            alt.Tooltip("expected:Q", title=t(lang, "col_expected")),
            alt.Tooltip("missing:Q", title=t(lang, "col_missing")),
            alt.Tooltip("unregistered:Q", title=t(lang, "col_unregistered")),
        ],
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
                alt.Tooltip("item:N", title=t(lang, "chart_item")),
                alt.Tooltip("period:O", title=t(lang, "chart_period")),
                alt.Tooltip("score:Q", title=t(lang, "own_pending_score"), format=".1f"),
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
        tooltip=[
            alt.Tooltip("item:N", title=t(lang, "chart_item")),
            alt.Tooltip("period:O", title=t(lang, "chart_period")),
            alt.Tooltip("mean:Q", title=t(lang, "chart_mean"), format=formats.MEAN_D3),
            alt.Tooltip("n:Q", title=t(lang, "chart_n")),
        ],
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
                tooltip=[
                    alt.Tooltip("item:N", title=t(lang, "chart_item")),
                    alt.Tooltip("period:O", title=t(lang, "chart_target_period")),
                    alt.Tooltip("target:Q", title=t(lang, "chart_target"), format=formats.MEAN_D3),
                    alt.Tooltip("n:Q", title=t(lang, "chart_n_targets")),
                ],
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
                tooltip=[
                    alt.Tooltip("label:N", title=t(lang, "chart_action")),
                    alt.Tooltip("description:N", title=t(lang, "col_description")),
                    alt.Tooltip("items:N", title=t(lang, "col_items")),
                    alt.Tooltip("status:N", title=t(lang, "action_status_field")),
                    alt.Tooltip("when:N", title=t(lang, "chart_when")),
                    alt.Tooltip("period:O", title=t(lang, "chart_period")),
                    alt.Tooltip("owner:N", title=t(lang, "col_owner")),
                ],
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
