"""Overview page: where the organisation stands and how each part develops."""

import streamlit as st

from dtmaturity import charts
from dtmaturity.services import analytics, chartsummaries, targets, units
from dtmaturity.web import round_widgets, ui

ctx = ui.page()
fw = ctx.framework
st.title(ui.t("page_overview"), anchor=False)
st.caption(ui.t("overview_intro"))

parents = {u.parent_id for u in units.tree(ctx)}
nodes = [u for u in units.overview_choices(ctx) if u.unit_id in parents or u.depth == 0]
controls = st.columns([2, 1, 1, 1])
with controls[0]:
    node_id = ui.unit_picker(ctx, nodes, key="ov_node", label_key="overview_node")
periods = analytics.overview_periods(ctx, node_id)  # refuses a node the person may not see
node_name = units.name(ctx, node_id)
round_widgets.progress_note(ctx, node_id, periods)  # a quarter in progress: participation only
if not periods:
    st.info(ui.t("no_data"))
    st.stop()
with controls[1]:
    first = ui.quarter_picker(
        "overview_first", periods, index=min(7, len(periods) - 1), key="ov_first"
    )
with controls[2]:
    last = ui.quarter_picker("overview_last", periods, index=0, key="ov_last")
with controls[3]:
    kind = st.radio(
        ui.t("overview_kind"),
        ["theme", "competency"],
        format_func=lambda k: ui.t(f"kind_{k}"),
        key="ov_kind",
    )
if first > last:
    st.error(ui.t_as_text("overview_bad_range", first=first, last=last))
    st.stop()
ui.privacy_and_rollup_note()
lens = "wheel" if kind == "theme" else "competencies"
kind_name = ui.t(f"kind_{kind}")

st.header(ui.t("heatmap_heading"), anchor=False)
chart_col, question_col = st.columns([3, 1])
with chart_col:
    cells = analytics.heatmap(ctx, node_id, last, kind)
    if cells.empty:
        st.info(ui.t("no_data"))
    else:
        cells["unit_label"] = [
            ui.t("all_of", unit=u) if total else u
            for u, total in zip(cells["unit"], cells["is_total"], strict=True)
        ]
        title = ui.t("heatmap_title", period=last)
        ui.chart_with_table(
            charts.recipe(charts.heatmap, cells, lang=ctx.lang, title=title),
            cells,
            summary=chartsummaries.heatmap_summary(ctx, cells),
            columns=ui.headings("unit_label", "item", "mean", "n"),
            name=f"{node_name}-{kind_name}-{last}",
        )
with question_col:
    ui.questions_beside(ctx, lens)

st.header(ui.t("change_heading"), anchor=False)
previous, year_ago = analytics.comparison_periods(last)
st.caption(ui.t_as_text("change_intro", previous=previous, year_ago=year_ago, period=last))


@st.fragment
def change_section() -> None:
    """The largest changes; choosing the other basis reruns this section only."""
    chart_col, question_col = st.columns([3, 1])
    with chart_col:
        change = analytics.changes(ctx, node_id, last, kind)
        basis = st.radio(
            ui.t("change_basis"),
            ["change_previous", "change_year"],
            format_func=ui.t,
            horizontal=True,
            key="ov_change_basis",
        )
        up, down = analytics.largest_changes(change, basis)
        lists = st.columns(2)
        for column, heading, rows in ((lists[0], "change_up", up), (lists[1], "change_down", down)):
            with column:
                st.markdown(f"**{ui.t(heading)}**")
                if rows.empty:
                    st.caption(ui.t("change_none"))
                ui.bullet_list(
                    f"{unit} – {item}: {ui.change(value)}"
                    for unit, item, value in zip(
                        rows["unit"], rows["item"], rows[basis], strict=True
                    )
                )
        table = ui.table_for_people(
            change,
            {
                "unit": ui.t("chart_unit"),
                "item": ui.t("chart_item"),
                "mean": last,
                "mean_previous": ui.t("col_mean_previous"),
                "mean_year_ago": ui.t("col_mean_year_ago"),
                "change_previous": ui.t("col_change_previous"),
                "change_year": ui.t("col_change_year"),
            },
        )
        ui.table_behind_expander(table, name=f"{node_name}-{ui.t('change_heading')}-{last}")
        ui.downloads(table, name=f"{node_name}-{ui.t('change_heading')}-{last}")
    with question_col:
        ui.questions_beside(ctx, lens)


change_section()

st.header(ui.t("furthest_heading"), anchor=False)
st.caption(ui.t_as_text("furthest_intro", period=last))
furthest = targets.furthest(ctx, node_id, last, kind)
if furthest.empty:
    st.info(ui.t_as_text("furthest_none", period=last))
else:
    table = ui.table_for_people(
        furthest,
        ui.headings(
            "unit",
            mean_gap="col_mean_gap",
            largest_item="col_largest_item",
            largest_gap="col_largest_gap",
            items="col_items_count",
        ),
    )
    ui.bullet_list(
        f"{unit}: {ui.change(gap)} ({item} {ui.change(largest)})"
        for unit, gap, item, largest in zip(
            furthest["unit"],
            furthest["mean_gap"],
            furthest["largest_item"],
            furthest["largest_gap"],
            strict=True,
        )
    )
    ui.table_behind_expander(table, name=f"{node_name}-{ui.t('furthest_heading')}-{last}")
    ui.downloads(table, name=f"{node_name}-{ui.t('furthest_heading')}-{last}")


@st.fragment
def spread_section() -> None:
    """Where each unit stands among its siblings; highlighting another unit reruns this
    section only."""
    spread = analytics.spread(ctx, node_id, last, kind)
    if spread.empty:
        st.caption(ui.t("spread_none"))
    else:
        choices = list(dict.fromkeys(spread["row_id"]))
        names = dict(zip(spread["row_id"], spread["unit"], strict=False))
        highlight = st.selectbox(
            ui.t("spread_unit"), choices, format_func=names.get, key="ov_spread_unit"
        )
        mine = spread[spread["row_id"] == highlight]
        ranks = ", ".join(
            f"{item}: {int(rank)}/{int(of)}"
            for item, rank, of in zip(mine["item"], mine["rank"], mine["of"], strict=True)
        )
        title = ui.t("spread_title", unit=node_name, period=last)
        ui.chart_with_table(
            charts.recipe(charts.spread, spread, lang=ctx.lang, title=title, highlight=highlight),
            spread,
            summary=ui.t("spread_summary", unit=names[highlight], ranks=ranks),
            columns=ui.headings("unit", "item", "mean", "n", rank="chart_rank"),
            name=f"{node_name}-spread-{last}",
        )


st.header(ui.t("distribution_heading"), anchor=False)
chart_col, question_col = st.columns([3, 1])
with chart_col:
    distribution = analytics.likert(ctx, node_id, last, kind)
    if distribution.empty:
        ui.too_few()
    else:
        title = ui.t("likert_title", period=last)
        ui.chart_with_table(
            charts.recipe(charts.likert, distribution, lang=ctx.lang, title=title),
            distribution,
            summary=chartsummaries.likert_summary(ctx, distribution),
            columns=ui.headings(
                "item",
                label="chart_level",
                count="chart_count_answers",
                share="chart_share",
                n="chart_n",
            ),
            name=f"{node_name}-{ui.t('distribution_heading')}-{last}",
        )
    spread_section()
with question_col:
    ui.questions_beside(ctx, lens)

st.header(ui.t("participation_heading"), anchor=False)
st.caption(ui.t("participation_note"))
attendance = analytics.participation(ctx, node_id, first, last)
if attendance.empty:
    st.info(ui.t("no_data"))
else:
    ui.chart_with_table(
        charts.recipe(
            charts.participation, attendance, lang=ctx.lang, title=ui.t("participation_title")
        ),
        attendance,
        summary=chartsummaries.participation_summary(ctx, attendance),
        columns=ui.headings(
            "unit",
            "period",
            checked_in="col_checked_in",
            unregistered="col_unregistered",
            expected="col_expected",
            missing="col_missing",
            rate="col_rate",
        ),
        name=f"{node_name}-{ui.t('participation_heading')}-{first}-{last}",
    )
    if attendance["unregistered"].sum() and ui.shows_page(ctx, "admin"):
        st.page_link(
            "pages/admin.py", label=ui.t("register_leaders_link"), icon=":material/person_add:"
        )
