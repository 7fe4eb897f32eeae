"""Check-in page: a leader scores the unit for a quarter, picks roles and reflects."""

import streamlit as st

from dtmaturity.domain import plan
from dtmaturity.domain.model import MAX_ROLES_PER_KIND, ROLE_KIND_QUESTIONS, ROLE_KINDS
from dtmaturity.domain.periods import recent_periods
from dtmaturity.services import actions, checkins, drafts, units
from dtmaturity.web import ui
from dtmaturity.web.checkin_widgets import from_draft, from_widgets, to_widgets

ctx = ui.page()
fw = ctx.framework
st.title(ui.t("page_checkin"), anchor=False)
st.caption(ui.t("checkin_intro"))

unit_id = ui.unit_picker(ctx, units.checkin_choices(ctx), key="ci_unit")
period_choices = [str(p) for p in recent_periods(8)]
asked_period = st.query_params.get("period")  # the link in a round's e-mail names the quarter
if asked_period in period_choices and st.session_state.get("ci_period:asked") != asked_period:
    st.session_state["ci_period"] = asked_period
    st.session_state["ci_period:asked"] = asked_period
period = st.selectbox(ui.t("period"), period_choices, key="ci_period")

form = checkins.load_form(ctx, unit_id, period)
target_periods = plan.future_periods(period)
stored = to_widgets(fw, form.current)  # the form as the saved check-in fills it
if stored["target_period"] not in target_periods:
    stored["target_period"] = target_periods[3]  # a year ahead
if st.session_state.get("ci_loaded_for") != (unit_id, period):
    # A new unit or quarter: show the person's unsaved draft for it if there is one, else
    # what is stored, and forget old messages. What was typed for the unit or quarter left
    # behind is in its own draft, and comes back when it is chosen again.
    left = st.session_state.get("ci_loaded_for")
    st.session_state["ci_kept"] = (
        left if left and left == st.session_state.get("ci_drafted") else None
    )
    draft = drafts.load(ctx, unit_id, period)
    st.session_state.update(from_draft(fw, draft.values) if draft else stored)
    st.session_state["ci_draft_at"] = ui.date_time(draft.saved_at) if draft else None
    st.session_state["ci_drafted"] = (unit_id, period) if draft else None
    st.session_state["ci_loaded_for"] = (unit_id, period)
    st.session_state["ci_errors"] = {}
    st.session_state.pop("ci_outcome", None)
if st.session_state.get("target_period") not in target_periods:
    st.session_state["target_period"] = target_periods[3]  # a year ahead
errors: dict[str, str] = st.session_state.get("ci_errors", {})


def save_draft() -> None:
    """Every change in the form is kept as the person's draft for this unit and quarter (and
    the draft is dropped again when the form is back to what is saved)."""
    values = {key: st.session_state.get(key) for key in stored}
    if values == stored:
        drafts.discard(ui.context(), unit_id, period)
        st.session_state["ci_drafted"] = None
    else:
        drafts.save(ui.context(), unit_id, period, values)
        st.session_state["ci_drafted"] = (unit_id, period)
    st.session_state["ci_draft_at"] = None
    st.session_state.pop("ci_outcome", None)


def discard_draft() -> None:
    drafts.discard(ui.context(), unit_id, period)
    st.session_state.update(stored)
    st.session_state["ci_drafted"] = None
    st.session_state["ci_draft_at"] = None


def submit() -> None:
    """Form callback: runs before the rerun, so errors render next to their fields."""
    checkin = from_widgets(
        fw, st.session_state, unit_id=unit_id, period=period, respondent=ctx.actor.user_id
    )
    result = checkins.save(ui.context(), checkin)
    st.session_state["ci_errors"] = {e.field: ui.t(e.key, **e.params) for e in result.errors}
    outcome = "saved_held" if result.held else "saved_updated" if result.updated else "saved_new"
    st.session_state["ci_outcome"] = ui.t(outcome, period=period) if result.ok else None
    st.session_state["ci_focus"] = st.session_state.get("ci_focus_count", 0) + 1
    st.session_state["ci_focus_count"] = st.session_state["ci_focus"]
    if result.ok:  # the service deleted the draft with the save
        st.session_state["ci_drafted"] = None
        st.session_state["ci_draft_at"] = None


def field_error(field: str) -> None:
    if field in errors:
        st.error(ui.as_text(errors[field]), icon=":material/error:")


def field_label(field: str) -> str:
    """How the error summary names a field: the words of its label, shortened."""
    kind, _, ident = field.partition(":")
    if kind in ("score", "comment", "target"):
        name = fw.item_name(ident, ctx.lang)
        return name if kind == "score" else ui.t(f"{kind}_label", item=name)
    if kind == "roles":
        return ui.t(f"role_kind_{ident}")
    if kind == "reflection":
        text = next((q.text[ctx.lang] for q in fw.questions if q.id == ident), ident)
        return text if len(text) <= 70 else text[:69].rstrip() + "…"
    return ui.t("target_period_label") if field == "target_period" else field


def fields_in_page_order() -> list[str]:
    fields = []
    for item in (*fw.themes, *fw.competencies):
        fields += [f"score:{item.id}", f"comment:{item.id}"]
    fields += ["target_period", *(f"target:{item.id}" for item in fw.items)]
    fields += [f"roles:{kind}" for kind in ROLE_KINDS]
    return fields + [f"reflection:{q.id}" for q in fw.questions]


open_actions = actions.open_for_unit(ctx, unit_id)
st.header(ui.t("checkin_actions_heading"), anchor=False)
if not open_actions:
    st.caption(ui.t("checkin_actions_none"))
else:
    st.caption(ui.t_as_text("checkin_actions_intro", period=period))

    def save_statuses() -> None:
        """Statuses are saved on their own: a leader can report progress without redoing the
        whole check-in, and the change is recorded in the chosen quarter."""
        statuses = {
            a.action_id: st.session_state[f"action_status:{a.action_id}"] for a in open_actions
        }
        result = actions.set_statuses(ui.context(), unit_id, statuses, period=period)
        st.session_state["ci_action_outcome"] = (
            ("success", [ui.t("actions_status_saved")])
            if result.ok
            else ("error", [ui.t(e.key, **e.params) for e in result.errors])
        )
        st.session_state["ci_focus_count"] = st.session_state.get("ci_focus_count", 0) + 1

    with st.form("checkin_actions", enter_to_submit=False):
        for action in open_actions:
            st.selectbox(
                ui.t_as_text(
                    "action_status_label",
                    id=action.action_id,
                    description=action.description,
                ),
                list(plan.STATUSES),
                index=plan.STATUSES.index(action.status),
                format_func=lambda s: ui.t(f"action_status_{s}"),
                key=f"action_status:{action.action_id}",
            )
            ui.plain_text(  # the owner is an e-mail address: plain text, not a link
                ui.t(
                    "action_meta",
                    items=actions.items_label(ctx, action.items),
                    owner=action.owner,
                    due=action.due_period,
                )
            )
        st.form_submit_button(
            ui.t("actions_save_status"), on_click=save_statuses, key="save_statuses"
        )
        if outcome := st.session_state.pop("ci_action_outcome", None):
            with st.container(key="ci_action_outcome"):  # next to the button pressed
                for message in outcome[1]:
                    getattr(st, outcome[0])(message)
            ui.focus_on("ci_action_outcome", field=False, nonce=st.session_state["ci_focus_count"])

if "save" in errors:
    # Nothing was stored (the database refused the write): say so; what was typed stays.
    st.error(ui.as_text(errors["save"]), icon=":material/error:")
elif errors:
    order = {field: number for number, field in enumerate(fields_in_page_order())}
    in_error = sorted(errors, key=lambda f: order.get(f, len(order)))
    ui.error_summary(
        ui.t("form_has_errors", count=len(errors)),
        [(field, f"{field_label(field)}: {errors[field]}") for field in in_error],
    )
if kept := st.session_state.get("ci_kept"):
    kept_unit = units.name(ctx, kept[0])
    st.info(ui.t_as_text("draft_kept", unit=kept_unit, period=kept[1]), icon=":material/save:")
if st.session_state.get("ci_draft_at"):
    with st.container(border=True, key="ci_draft_notice"):
        st.warning(
            ui.t_as_text("draft_restored", period=period, saved=st.session_state["ci_draft_at"]),
            icon=":material/edit_note:",
        )
        ui.confirmed_button(
            ui.t("draft_discard"),
            key="ci_draft_discard",
            question=lambda: ui.t("draft_discard_question", period=period),
            yes=ui.t("draft_discard_yes"),
            on_confirm=discard_draft,
        )
if form.current:
    saved = ui.date_time(form.current_saved_at)
    st.info(ui.t_as_text("checkin_editing", period=period, saved=saved))
else:
    st.info(ui.t_as_text("checkin_new", period=period))
previous = form.previous

with st.container(border=True, key="checkin_form"):
    for heading, items in (
        ("themes_heading", fw.themes),
        ("competencies_heading", fw.competencies),
    ):
        st.header(ui.t(heading), anchor=False)
        for item in items:
            st.subheader(ui.as_text(item.name[ctx.lang]), anchor=False)
            st.caption(ui.as_text(item.description[ctx.lang]))
            left, right = st.columns([3, 2])
            with left:
                levels = {lv.value: lv for lv in item.scale.levels}
                st.radio(
                    ui.t_as_text("score_label", item=item.name[ctx.lang]),
                    item.scale.values,
                    format_func=lambda v, levels=levels: ui.as_text(
                        f"{v} – {levels[v].label[ctx.lang]}"
                    ),
                    captions=[ui.as_text(lv.description[ctx.lang]) for lv in item.scale.levels],
                    index=None,
                    key=f"score:{item.id}",
                    on_change=save_draft,
                )
                field_error(f"score:{item.id}")
                st.text_area(
                    ui.t_as_text("comment_label", item=item.name[ctx.lang]),
                    key=f"comment:{item.id}",
                    height=68,
                    on_change=save_draft,
                )
                field_error(f"comment:{item.id}")
            with right:
                if previous:
                    st.markdown(f"**{ui.t_as_text('previous_heading', period=previous.period)}**")
                    score = previous.scores.get(item.id)
                    if score is not None and score in item.scale.values:
                        label = item.scale.level(score).label[ctx.lang]
                        st.text(ui.t("previous_score", score=score, label=label))
                    if previous.comments.get(item.id):
                        ui.plain_text(previous.comments[item.id])
                else:
                    st.caption(ui.t("previous_none"))

    st.header(ui.t("targets_heading"), anchor=False)
    st.caption(ui.t("targets_intro"))
    st.selectbox(
        ui.t("target_period_label"),
        target_periods,
        key="target_period",
        placeholder=ui.t("choose_one"),
        on_change=save_draft,
    )
    field_error("target_period")
    target_columns = st.columns(2)
    for column, items in zip(target_columns, (fw.themes, fw.competencies), strict=True):
        with column:
            for item in items:
                levels = {lv.value: lv for lv in item.scale.levels}
                st.selectbox(
                    ui.t_as_text("target_label", item=item.name[ctx.lang]),
                    [None, *item.scale.values],
                    format_func=lambda v, levels=levels: (
                        ui.t("target_none") if v is None else f"{v} – {levels[v].label[ctx.lang]}"
                    ),
                    key=f"target:{item.id}",
                    on_change=save_draft,
                    placeholder=ui.t("target_none"),
                )
                field_error(f"target:{item.id}")
                if previous and previous.targets.get(item.id) and previous.target_period:
                    st.caption(
                        ui.t_as_text(
                            "previous_target",
                            score=previous.targets[item.id],
                            period=previous.target_period,
                        )
                    )

    st.header(ui.t("roles_heading"), anchor=False)
    st.caption(ui.t("roles_working_set"))
    role_ids = [r.id for r in fw.roles]
    questions = {q.id: q.text[ctx.lang] for q in fw.questions}
    for kind in ROLE_KINDS:
        question = questions.get(ROLE_KIND_QUESTIONS[kind])
        st.multiselect(
            ui.as_text(
                ui.t("roles_label", question=question, max=MAX_ROLES_PER_KIND)
                if question
                else ui.t(f"roles_label_{kind}", max=MAX_ROLES_PER_KIND)
            ),
            role_ids,
            format_func=lambda r: fw.role_name(r, ctx.lang),
            key=f"roles:{kind}",
            placeholder=ui.t("roles_placeholder"),
            on_change=save_draft,
            select_all=False,  # Streamlit's "Select all" is English only, and wrong here
        )
        field_error(f"roles:{kind}")
        if previous and previous.roles.get(kind):
            names = ", ".join(fw.role_name(r, ctx.lang) for r in previous.roles[kind])
            st.caption(ui.t_as_text("previous_roles", roles=names))

    st.header(ui.t("reflections_heading"), anchor=False)
    for question in fw.questions:
        if question.id in ROLE_KIND_QUESTIONS.values():
            continue  # answered by the role picks above
        st.text_area(
            ui.t_as_text("reflection_label", question=question.text[ctx.lang]),
            key=f"reflection:{question.id}",
            on_change=save_draft,
        )
        field_error(f"reflection:{question.id}")
        if previous and previous.reflections.get(question.id):
            st.caption(ui.t_as_text("previous_heading", period=previous.period))
            ui.plain_text(previous.reflections[question.id])

    if st.session_state.get("ci_drafted") == (unit_id, period):
        st.caption(ui.t("draft_saved_note"))
    st.button(ui.t("submit"), type="primary", on_click=submit, key="submit")
    # The outcome of a press shows right below the button, and the view and keyboard focus
    # move to it (or, when nothing was saved, to the first field in error).
    outcome = st.session_state.get("ci_outcome")
    with st.container(key="ci_outcome"):
        if outcome:
            st.success(ui.as_text(outcome), icon=":material/check_circle:")
        elif "save" in errors:
            st.error(ui.as_text(errors["save"]), icon=":material/error:")
        elif errors:
            st.error(ui.t("form_has_errors", count=len(errors)), icon=":material/error:")
    if focus := st.session_state.pop("ci_focus", None):
        if errors and "save" not in errors:
            ui.focus_on(in_error[0], field=True, nonce=focus)
        else:
            ui.focus_on("ci_outcome", field=False, nonce=focus)
