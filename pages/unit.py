"""Unit page: how one unit (with the units below it) develops, beside the reflection questions."""

import streamlit as st

from dtmaturity import charts
from dtmaturity.domain import privacy
from dtmaturity.services import actions, analytics, chartsummaries, targets, units
from dtmaturity.web import meeting_widgets, plan_widgets, round_widgets, ui

REFLECTIONS_PER_PAGE = 10

ctx = ui.page()
fw = ctx.framework
st.title(ui.t("page_unit"), anchor=False)
st.caption(ui.t("unit_intro"))

unit_id = ui.unit_picker(ctx, units.dashboard_choices(ctx), key="unit_id")
periods = analytics.latest_periods(ctx, unit_id)  # refuses a unit the person may not see
unit_name = units.name(ctx, unit_id)
round_widgets.progress_note(ctx, unit_id, periods)  # a quarter in progress: participation only
ui.privacy_and_rollup_note()
if not periods:
    st.info(ui.t("no_data"))
    st.stop()

# The report for the leader group's meeting, where people look first: at the top.
with st.container(border=True, key="unit_report"):
    st.markdown(f"**{ui.t('report_heading')}**")
    st.caption(ui.t("report_intro"))
    plan_widgets.report_downloads(ctx, unit_id, periods)
    meeting_widgets.unit_meetings(ctx, unit_id, periods[0])

columns = ui.headings("item", "period", "mean", "n")
gap_columns = ui.headings(
    "item",
    mean="col_mean_now",
    target="col_target",
    target_period="col_target_period",
    gap="col_gap",
    n_target="chart_n_targets",
)


def trend_with_plan(kind: str, title: str) -> None:
    """The trend with targets and actions on the same time axis, then the gap to the target."""
    trend = analytics.item_trend(ctx, unit_id, kind)
    goals = targets.unit_targets(ctx, unit_id, kind)
    own = analytics.own_pending(ctx, unit_id, kind)
    ui.chart_with_table(
        charts.recipe(
            charts.trend_with_plan,
            trend,
            goals,
            actions.chart_frame(ctx, unit_id),  # read by the tab that draws it, not by every tab
            lang=ctx.lang,
            title=title,
            own=own,
        ),
        trend,
        summary=chartsummaries.trend_summary(ctx, trend),
        columns=columns,
        name=f"{unit_name}-{title}",
    )
    st.caption(ui.t("trend_plan_note"))
    if not own.empty:
        st.caption(ui.t_as_text("own_pending_note", periods=", ".join(sorted(set(own["period"])))))
    gaps = targets.gaps(ctx, unit_id, kind)
    gaps = gaps[gaps["target_period"].notna()]
    st.markdown(f"**{ui.t('gaps_heading')}**")
    if gaps.empty:
        st.caption(ui.t("gaps_none"))
        return
    shown = gaps[gaps["gap"].notna()].sort_values("gap", ascending=False)
    if not shown.empty:
        top = shown.iloc[0]
        st.caption(
            ui.t_as_text("gaps_summary", item=top["item"], gap=ui.change(top["gap"]),
                 target=ui.mean(top["target"]), period=top["target_period"])
        )  # fmt: skip
    table = ui.table_for_people(
        gaps.drop(columns="reason").rename(
            columns={"target_hidden": "hidden", "target_reason": "reason"}
        ),
        gap_columns,
    )
    ui.dataframe(table)
    ui.downloads(table, name=f"{unit_name}-{title}-{ui.t('gaps_heading')}")


def wheel_section() -> None:
    st.header(ui.t("about_wheel"), anchor=False)
    chart_col, question_col = st.columns([3, 1])
    with chart_col:
        trend_with_plan("theme", ui.t("trend_title"))
    with question_col:
        ui.questions_beside(ctx, "wheel")


def competencies_section() -> None:
    st.header(ui.t("about_competencies"), anchor=False)
    chart_col, question_col = st.columns([3, 1])
    with chart_col:
        profile = analytics.competency_profile(ctx, unit_id)
        shown = sorted(set(profile["period"]), reverse=True) or periods[:1]
        title = (
            ui.t("profile_title", latest=shown[0], previous=shown[1])
            if len(shown) > 1
            else ui.t("profile_title_single", latest=shown[0])
        )
        ui.chart_with_table(
            charts.recipe(charts.profile, profile, lang=ctx.lang, title=title),
            profile,
            summary=chartsummaries.profile_summary(ctx, profile),
            columns=columns,
            name=f"{unit_name}-{title}",
        )
        st.subheader(ui.t("competency_trend_heading"), anchor=False)
        trend_with_plan("competency", ui.t("competency_trend_heading"))
    with question_col:
        ui.questions_beside(ctx, "competencies")


def compare_section() -> None:
    st.header(ui.t("compare_heading"), anchor=False)
    compare_fragment()


@st.fragment
def compare_fragment() -> None:
    """The unit beside its parent and the organisation; choosing another item reruns this
    section only, not the page."""
    chart_col, question_col = st.columns([3, 1])
    with chart_col:
        item_id = st.selectbox(
            ui.t("compare_item"),
            [item.id for item in fw.items],
            format_func=lambda i: fw.item_name(i, ctx.lang),
            key="unit_compare_item",
        )
        comparison = analytics.compare(ctx, unit_id, item_id)
        title = ui.t("compare_title", item=fw.item_name(item_id, ctx.lang))
        ui.chart_with_table(
            charts.recipe(charts.compare, comparison, lang=ctx.lang, title=title),
            comparison,
            summary=chartsummaries.compare_summary(ctx, comparison),
            columns=ui.headings(
                group="chart_group", period="chart_period", mean="chart_mean", n="chart_n"
            ),
            name=f"{unit_name}-{title}",
        )
    with question_col:
        ui.questions_beside(
            ctx, "wheel" if fw.items_by_id[item_id].kind == "theme" else "competencies"
        )


def roles_section() -> None:
    st.header(ui.t("about_roles"), anchor=False)
    roles_fragment()


@st.fragment
def roles_fragment() -> None:
    """Roles asked for in a quarter; choosing another quarter reruns this section only."""
    chart_col, question_col = st.columns([3, 1])
    with chart_col:
        role_period = ui.quarter_picker("roles_period", periods, key="unit_role_period")
        below = st.checkbox(ui.t("roles_include_below"), value=True, key="unit_roles_below")
        roles = analytics.role_distribution(ctx, unit_id, role_period, include_below=below)
        roles_reason = analytics.roles_hidden_reason(ctx, unit_id, role_period, include_below=below)
        if roles_reason:
            ui.too_few(
                "roles_hidden_protect" if roles_reason == privacy.PROTECT else "roles_hidden"
            )
        elif roles.empty:
            st.info(ui.t("roles_empty"))
        else:
            title = ui.t("roles_title", period=role_period)
            ui.chart_with_table(
                charts.recipe(charts.roles, roles, lang=ctx.lang, title=title),
                roles.assign(kind=[ui.t(f"role_kind_{k}") for k in roles["kind"]]),
                summary=chartsummaries.roles_summary(ctx, roles),
                columns=ui.headings(
                    role="chart_role", kind="chart_kind", count="chart_count", n="chart_n"
                ),
                name=f"{unit_name}-{title}",
            )
            st.subheader(ui.t("balance_heading"), anchor=False)
            balance = analytics.role_balance(ctx, unit_id, role_period, include_below=below)
            st.markdown(ui.as_text(chartsummaries.balance_summary(ctx, balance)))
            table = ui.table_for_people(
                balance.assign(
                    status=[ui.t(f"balance_{s}") if s else "" for s in balance["status"]]
                ),
                ui.headings(
                    role="chart_role",
                    most="role_kind_most",
                    want="role_kind_want",
                    more="role_kind_more",
                    n="chart_n",
                    status="col_status",
                ),
            )
            ui.dataframe(table)
            ui.downloads(table, name=f"{unit_name}-{ui.t('balance_heading')}-{role_period}")
    with question_col:
        ui.questions_beside(ctx, "roles")


def actions_section() -> None:
    st.header(ui.t("actions_heading"), anchor=False)
    st.caption(ui.t("actions_intro"))
    unit_actions = actions.for_unit(ctx, unit_id)
    if unit_actions:
        headings = {column: ui.t(key) for column, key in actions.TABLE_HEADINGS.items()}
        action_table = ui.table_for_people(actions.table(ctx, unit_actions), headings)
        ui.dataframe(action_table)
        ui.downloads(action_table, name=f"{unit_name}-{ui.t('actions_heading')}")
        plan_widgets.status_form(ctx, unit_id, unit_actions)
    else:
        st.caption(ui.t("actions_empty"))
    with st.expander(ui.t("actions_new"), icon=":material/add_task:"):
        plan_widgets.action_form(ctx, unit_id, "unit")
        ui.show_flash("action_form:unit", focus=True)


def reflections_section() -> None:
    st.header(ui.t("reflections_title"), anchor=False)
    questions = {q.id: q.text[ctx.lang] for q in fw.questions}
    filter_cols = st.columns([2, 1, 1])
    with filter_cols[0]:
        chosen = st.selectbox(
            ui.t("reflections_filter"),
            ["", *questions],
            format_func=lambda q: questions.get(q, ui.t("reflections_all")),
            key="unit_reflection_question",
        )
    with filter_cols[1]:
        reflection_period = ui.quarter_picker(
            "reflections_period",
            ["", *periods],
            none_label=ui.t("reflections_all_periods"),
            key="unit_reflection_period",
        )
    with filter_cols[2]:
        search = st.text_input(ui.t("reflections_search"), key="unit_reflection_search")
    view = analytics.reflection_view(
        ctx,
        unit_id,
        question=chosen,
        periods=[reflection_period] if reflection_period else None,
        search=search,
    )
    for period, count, why in zip(
        view.hidden["period"], view.hidden["matching"], view.hidden["reason"], strict=True
    ):
        key = "reflections_hidden_protect" if why == privacy.PROTECT else "reflections_hidden"
        ui.too_few(key, period=period, count=count)
    if view.rows.empty:
        if view.hidden.empty:
            st.info(
                ui.t("reflections_empty" if not (chosen or search) else "reflections_none_match")
            )
    else:
        if view.matching > len(view.rows):
            st.caption(ui.t_as_text("reflections_more", shown=len(view.rows), total=view.matching))
        # A page of answers at a time (a big unit has hundreds), numbered across pages.
        pages = max(1, -(-len(view.rows) // REFLECTIONS_PER_PAGE))
        if st.session_state.get("unit_reflection_page", 1) > pages:
            st.session_state["unit_reflection_page"] = 1
        if pages > 1:
            page_number = st.selectbox(
                ui.t("reflections_page"),
                list(range(1, pages + 1)),
                format_func=lambda n: ui.t(
                    "reflections_page_of",
                    page=n,
                    pages=pages,
                    first=(n - 1) * REFLECTIONS_PER_PAGE + 1,
                    last=min(n * REFLECTIONS_PER_PAGE, len(view.rows)),
                    total=len(view.rows),
                ),
                key="unit_reflection_page",
            )
        else:
            page_number = 1
        first = (page_number - 1) * REFLECTIONS_PER_PAGE
        on_page = view.rows.iloc[first : first + REFLECTIONS_PER_PAGE]
        numbered: dict[int, tuple[str, str]] = {}
        number = first
        for period, group in on_page.groupby("period", sort=False):
            st.subheader(ui.as_text(str(period)), anchor=False)
            for question, answers in group.groupby("question", sort=False):
                st.markdown(f"**{ui.as_text(question)}**")
                for answer, question_id in zip(
                    answers["answer"], answers["question_id"], strict=True
                ):
                    number += 1
                    numbered[number] = (answer, question_id)
                    ui.plain_text(f"{number}. {answer}")
        plan_widgets.reflection_action_picker(ctx, unit_id, numbered)
        ui.downloads(
            ui.table_for_people(
                view.rows,
                ui.headings("period", question="col_question", answer="col_answer"),
            ),
            name=f"{unit_name}-{ui.t('reflections_title')}",
        )


ui.lazy_tabs(
    {
        "wheel": (ui.t("unit_tab_wheel"), wheel_section),
        "competencies": (ui.t("unit_tab_competencies"), competencies_section),
        "compare": (ui.t("unit_tab_compare"), compare_section),
        "roles": (ui.t("unit_tab_roles"), roles_section),
        "actions": (ui.t("unit_tab_actions"), actions_section),
        "reflections": (ui.t("unit_tab_reflections"), reflections_section),
    },
    key="unit_section",
)
