"""Unit page: how one unit (with the units below it) develops, beside the reflection questions."""

import streamlit as st

from dtmaturity import analytics, charts, ui, units

ctx = ui.page()
st.title(ui.t("page_unit"))
st.caption(ui.t("unit_intro"))

tree = units.tree(ctx)
if not tree:
    st.info(ui.t("no_units"))
    st.stop()
unit_labels = {u.unit_id: u.label for u in tree}
unit_id = st.selectbox(ui.t("unit"), list(unit_labels), format_func=unit_labels.get, key="unit_id")
periods = analytics.latest_periods(ctx, unit_id)
if not periods:
    st.info(ui.t("no_data"))
    st.stop()

columns = {
    "item": ui.t("chart_item"),
    "period": ui.t("chart_period"),
    "mean": ui.t("chart_mean"),
    "n": ui.t("chart_n"),
}

st.header(ui.t("about_wheel"))
chart_col, question_col = st.columns([3, 1])
with chart_col:
    trend = analytics.item_trend(ctx, unit_id, "theme")
    title = ui.t("trend_title")
    ui.chart_with_table(
        charts.trend(trend, lang=ctx.lang, title=title),
        trend,
        summary=analytics.trend_summary(ctx, trend),
        columns=columns,
    )
with question_col:
    ui.questions_beside(ctx, "wheel")

st.header(ui.t("about_competencies"))
chart_col, question_col = st.columns([3, 1])
with chart_col:
    profile = analytics.competency_profile(ctx, unit_id)
    title = (
        ui.t("profile_title", latest=periods[0], previous=periods[1])
        if len(periods) > 1
        else ui.t("profile_title_single", latest=periods[0])
    )
    ui.chart_with_table(
        charts.profile(profile, lang=ctx.lang, title=title),
        profile,
        summary=analytics.profile_summary(ctx, profile),
        columns=columns,
    )
with question_col:
    ui.questions_beside(ctx, "competencies")

st.header(ui.t("about_roles"))
chart_col, question_col = st.columns([3, 1])
with chart_col:
    role_period = st.selectbox(ui.t("roles_period"), periods, key="unit_role_period")
    roles = analytics.role_distribution(ctx, unit_id, role_period)
    if roles.empty:
        st.info(ui.t("roles_empty"))
    else:
        ui.chart_with_table(
            charts.roles(roles, lang=ctx.lang, title=ui.t("roles_title", period=role_period)),
            roles.assign(kind=[ui.t(f"role_kind_{k}") for k in roles["kind"]]),
            summary=analytics.roles_summary(ctx, roles),
            columns={
                "role": ui.t("chart_role"),
                "kind": ui.t("chart_kind"),
                "count": ui.t("chart_count"),
                "n": ui.t("chart_n"),
            },
        )
with question_col:
    ui.questions_beside(ctx, "roles")

st.header(ui.t("reflections_title"))
reflections = analytics.reflections(ctx, unit_id)
if reflections.empty:
    st.info(ui.t("reflections_empty"))
else:
    options = ["", *dict.fromkeys(reflections["question_id"])]
    question_texts = dict(zip(reflections["question_id"], reflections["question"], strict=False))
    chosen = st.selectbox(
        ui.t("reflections_filter"),
        options,
        format_func=lambda q: question_texts.get(q, ui.t("reflections_all")),
        key="unit_reflection_question",
    )
    shown = reflections if not chosen else reflections[reflections["question_id"] == chosen]
    for period, group in shown.groupby("period", sort=False):
        st.subheader(str(period))
        for question, answers in group.groupby("question", sort=False):
            st.markdown(f"**{question}**")
            for answer in answers["answer"]:
                ui.plain_text(answer)
