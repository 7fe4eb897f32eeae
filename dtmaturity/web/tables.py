"""Figures on a page: a chart with its text alternative, its table one click away, the table as
people read it, the downloads of both, and the notes on what privacy hides."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dtmaturity import charts
from dtmaturity.domain import formats, privacy
from dtmaturity.services import exports
from dtmaturity.services.context import Context
from dtmaturity.web.language import lang, t
from dtmaturity.web.text import as_text, t_as_text


def questions_beside(ctx: Context, lens: str) -> None:
    """The model's reflection questions for one lens, shown next to the chart they belong to."""
    # One element holding one list: fewer elements for the browser to draw, and a screen reader
    # hears one list of so many questions rather than a list of one for each.
    questions = ctx.framework.questions_for(lens)
    st.markdown(
        f"**{t('questions_beside')}**\n\n"
        + "\n".join(f"- {as_text(question.text[ctx.lang])}" for question in questions)
    )


def chart_with_table(
    drawing: charts.Recipe,
    table: pd.DataFrame,
    *,
    summary: str,
    columns: dict[str, str],
    name: str,
) -> None:
    """A chart with a text alternative, its figures one click away as a table, and downloads of
    both. Hidden figures (too few answers) are marked in the table."""
    st.vega_lite_chart(
        charts.spec_of(drawing, lang()), width="stretch", height="content", alt=summary
    )
    st.caption(as_text(summary))
    shown = table_for_people(table, columns)
    table_behind_expander(shown, name=name)
    downloads(shown, name=name, chart=drawing)


def table_behind_expander(table: pd.DataFrame, *, name: str, label: str | None = None) -> None:
    """A table one click away, under `label` ("show table" unless given). It is drawn only once
    opened: a closed expander holds no data grid, so a page with many charts, or a list that
    grows with the organisation (a round's invitees: 10,000 leaders in a national agency),
    sends and draws far less (opening it reruns only this fragment, not the page)."""
    key = f"table:{name}"  # the whole name: stems are cut at 80
    _lazy_table(label or t("show_table"), table, key)


@st.fragment
def _lazy_table(label: str, table: pd.DataFrame, key: str) -> None:
    with st.expander(as_text(label), key=key, on_change="rerun") as box:
        if box.open:
            dataframe(table)


_SIGNED = re.compile(r"^(change|gap|mean_gap|largest_gap)")


_SHARE = re.compile(r"^(rate|share)$")


_MEAN = re.compile(r"^(mean|target|mean_previous|mean_year_ago|.*_mean)$")


# Columns many dashboard frames share, and the heading each has wherever it is shown (a
# catalogue key): the words the charts' tooltips use for them (charts/theme.py).
SHARED_HEADINGS = {
    "unit": "chart_unit",
    "unit_label": "chart_unit",
    "item": "chart_item",
    "period": "chart_period",
    "mean": "chart_mean",
    "n": "chart_n",
}


def headings(*shared: str, **keys: str) -> dict[str, str]:
    """A table's columns and their headings in the UI language, in the order given: the shared
    columns by name (SHARED_HEADINGS), then any other as column="catalogue key"."""
    return {c: t(SHARED_HEADINGS[c]) for c in shared} | {c: t(key) for c, key in keys.items()}


def table_for_people(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The chosen columns under their UI names; a hidden figure says why it is empty. The
    figures stay numbers (for the downloads); `dataframe` shows them as people read them."""
    columns = dict(columns)
    if "hidden" in table.columns:
        reasons = table["reason"] if "reason" in table.columns else [None] * len(table)
        table = table.assign(
            hidden=[
                t(privacy.reason_key(why)) if bool(h) else ""
                for h, why in zip(table["hidden"].fillna(False), reasons, strict=True)
            ]
        )
        columns["hidden"] = t("chart_hidden")
    shown = table[list(columns)].rename(columns=columns).reset_index(drop=True)
    shown.attrs["signed"] = [columns[c] for c in columns if _SIGNED.match(c)]
    shown.attrs["share"] = [columns[c] for c in columns if _SHARE.match(c)]
    shown.attrs["mean"] = [columns[c] for c in columns if _MEAN.match(c)]
    return shown


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text in the UI language: means with two decimals (`formats.mean`, the same
    in every row) and the language's decimal sign, changes signed, shares as percentages, whole
    numbers as they are, and an en dash (never None or nan) where a figure is missing."""
    lang_ = lang()
    signed = set(table.attrs.get("signed", []))
    share = set(table.attrs.get("share", []))
    means = set(table.attrs.get("mean", []))
    out = {}
    for column in table.columns:
        values = table[column]
        if column in means:
            out[column] = [formats.mean(v, lang_) for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = [formats.date_time(v, lang_) for v in values]
        elif column in share:
            out[column] = [formats.percent(v, lang_) for v in values]
        elif column in signed:
            out[column] = [formats.change(v, lang_) for v in values]
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna().apply(float.is_integer).all()
            show = formats.number if whole else formats.mean
            out[column] = [show(v, lang_) for v in values]
        elif pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
            out[column] = values
        else:
            out[column] = ["" if _missing(v) else v for v in values]
    return pd.DataFrame(out, index=table.index)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def dataframe(table: pd.DataFrame) -> None:
    """A table on the page, as `readable_table` writes it."""
    st.dataframe(readable_table(table), hide_index=True, width="stretch")


def downloads(table: pd.DataFrame, *, name: str, chart: charts.Recipe | None = None) -> None:
    """Download buttons: the table as CSV and Excel, the chart as PNG and SVG. Files are made
    only when a button is pressed."""
    stem = exports.file_stem(name)
    buttons: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        ("download_csv", lambda: exports.csv_bytes(table), "csv", exports.CSV_MIME),
        ("download_xlsx", lambda: exports.xlsx_bytes(table, sheet=stem), "xlsx", exports.XLSX_MIME),
    ]
    if chart is not None:
        buttons += [
            (
                "download_png",
                lambda: exports.chart_png(charts.readable(chart.chart(), lang())),
                "png",
                "image/png",
            ),
            (
                "download_svg",
                lambda: exports.chart_svg(charts.readable(chart.chart(), lang())),
                "svg",
                "image/svg+xml",
            ),
        ]
    # Behind one button per figure or table: a closed popover's buttons are not drawn (a unit
    # page has 26), and the page reads calmer.
    with st.popover(t("downloads_menu"), icon=":material/download:"):
        for label, make, suffix, mime in buttons:
            st.download_button(
                t(label),
                data=make,
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"download:{name}:{suffix}",  # the whole name: stems are cut at 80
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )


def privacy_and_rollup_note() -> None:
    """Say how figures are rolled up and which ones privacy hides."""
    limits = privacy.thresholds()
    st.caption(t("rollup_note"))
    st.caption(t_as_text("privacy_note", k=limits.min_respondents, r=limits.min_reflections))


def too_few(message_key: str = "too_few_all", **params: object) -> None:
    """The mark shown instead of a figure that privacy hides."""
    st.info(t_as_text(message_key, **params), icon=":material/visibility_off:")
