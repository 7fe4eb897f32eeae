"""Check-in page: a leader scores the unit for a quarter, picks roles and reflects."""

import streamlit as st

from dtmaturity import checkins, ui, units
from dtmaturity.checkin_widgets import from_widgets, to_widgets
from dtmaturity.model import MAX_ROLES_PER_KIND, ROLE_KIND_QUESTIONS, ROLE_KINDS
from dtmaturity.periods import recent_periods

ctx = ui.page()
fw = ctx.framework
st.title(ui.t("page_checkin"))
st.caption(ui.t("checkin_intro"))

unit_id = ui.unit_picker(ctx, units.checkin_choices(ctx), key="ci_unit")
period = st.selectbox(ui.t("period"), [str(p) for p in recent_periods(8)], key="ci_period")

form = checkins.load_form(ctx, unit_id, period)
if st.session_state.get("ci_loaded_for") != (unit_id, period):
    # A new unit or quarter: show what is stored for it, and forget old messages.
    st.session_state.update(to_widgets(fw, form.current))
    st.session_state["ci_loaded_for"] = (unit_id, period)
    st.session_state["ci_errors"] = {}
errors: dict[str, str] = st.session_state.get("ci_errors", {})


def submit() -> None:
    """Form callback: runs before the rerun, so errors render next to their fields."""
    checkin = from_widgets(
        fw, st.session_state, unit_id=unit_id, period=period, respondent=ctx.actor.user_id
    )
    result = checkins.save(ui.context(), checkin)
    st.session_state["ci_errors"] = {e.field: ui.t(e.key, **e.params) for e in result.errors}
    if result.ok:
        ui.flash("saved_updated" if result.updated else "saved_new", period=period)


def field_error(field: str) -> None:
    if field in errors:
        st.error(errors[field], icon=":material/error:")


ui.show_flash()
if errors:
    st.error(ui.t("form_has_errors", count=len(errors)))
if form.current:
    saved = f"{form.current_saved_at:%Y-%m-%d %H:%M}" if form.current_saved_at else ""
    st.info(ui.t("checkin_editing", period=period, saved=saved))
else:
    st.info(ui.t("checkin_new", period=period))
previous = form.previous

with st.form("checkin", enter_to_submit=False):
    for heading, items in (
        ("themes_heading", fw.themes),
        ("competencies_heading", fw.competencies),
    ):
        st.header(ui.t(heading))
        for item in items:
            st.subheader(item.name[ctx.lang])
            st.caption(item.description[ctx.lang])
            left, right = st.columns([3, 2])
            with left:
                levels = {lv.value: lv for lv in item.scale.levels}
                st.radio(
                    ui.t("score_label", item=item.name[ctx.lang]),
                    item.scale.values,
                    format_func=lambda v, levels=levels: f"{v} – {levels[v].label[ctx.lang]}",
                    captions=[lv.description[ctx.lang] for lv in item.scale.levels],
                    index=None,
                    key=f"score:{item.id}",
                )
                field_error(f"score:{item.id}")
                st.text_area(
                    ui.t("comment_label", item=item.name[ctx.lang]),
                    key=f"comment:{item.id}",
                    height=68,
                )
                field_error(f"comment:{item.id}")
            with right:
                if previous:
                    st.markdown(f"**{ui.t('previous_heading', period=previous.period)}**")
                    score = previous.scores.get(item.id)
                    if score is not None and score in item.scale.values:
                        label = item.scale.level(score).label[ctx.lang]
                        st.text(ui.t("previous_score", score=score, label=label))
                    if previous.comments.get(item.id):
                        ui.plain_text(previous.comments[item.id])
                else:
                    st.caption(ui.t("previous_none"))

    st.header(ui.t("roles_heading"))
    st.caption(ui.t("roles_working_set"))
    role_ids = [r.id for r in fw.roles]
    questions = {q.id: q.text[ctx.lang] for q in fw.questions}
    for kind in ROLE_KINDS:
        question = questions.get(ROLE_KIND_QUESTIONS[kind])
        st.multiselect(
            ui.t("roles_label", question=question, max=MAX_ROLES_PER_KIND)
            if question
            else ui.t(f"roles_label_{kind}", max=MAX_ROLES_PER_KIND),
            role_ids,
            format_func=lambda r: fw.role_name(r, ctx.lang),
            key=f"roles:{kind}",
            placeholder=ui.t("roles_placeholder"),
        )
        field_error(f"roles:{kind}")
        if previous and previous.roles.get(kind):
            names = ", ".join(fw.role_name(r, ctx.lang) for r in previous.roles[kind])
            st.caption(ui.t("previous_roles", roles=names))

    st.header(ui.t("reflections_heading"))
    for question in fw.questions:
        if question.id in ROLE_KIND_QUESTIONS.values():
            continue  # answered by the role picks above
        st.text_area(
            ui.t("reflection_label", question=question.text[ctx.lang]),
            key=f"reflection:{question.id}",
        )
        field_error(f"reflection:{question.id}")
        if previous and previous.reflections.get(question.id):
            st.caption(ui.t("previous_heading", period=previous.period))
            ui.plain_text(previous.reflections[question.id])

    st.form_submit_button(ui.t("submit"), type="primary", on_click=submit, key="submit")
