"""The charts' look, shared by every builder: the Okabe-Ito palette (safe for the common
colour-vision deficiencies) with point shapes and line dashes, so nothing depends on colour
alone; dark text; and the finished Vega-Lite spec of a chart for a page (`readable_spec`) or
for a picture (`readable`)."""

from __future__ import annotations

import threading

import altair as alt

from dtmaturity.domain import formats
from dtmaturity.domain.i18n import t

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [2, 6]]


# The tooltip lines most charts share (see `tooltips`).
ITEM_TIP = ("item:N", "chart_item")
PERIOD_TIP = ("period:O", "chart_period")
MEAN_TIP = ("mean:Q", "chart_mean", formats.MEAN_D3)
N_TIP = ("n:Q", "chart_n")


def tooltips(lang: str, *fields: tuple[str, ...]) -> list[alt.Tooltip]:
    """A chart's tooltip, one line per (field:type, catalogue key) or (field:type, catalogue
    key, d3 number format), each titled in `lang`."""
    return [
        alt.Tooltip(field, title=t(lang, key), **({"format": rest[0]} if rest else {}))
        for field, key, *rest in fields
    ]


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
