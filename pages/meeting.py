"""Ledermøte: the leader group's meeting on one shared screen, one lens of the model per step."""

import streamlit as st

from dtmaturity.domain import plan, privacy
from dtmaturity.domain.periods import Period
from dtmaturity.services import actions, analytics, meetings, meetingsummary, units
from dtmaturity.web import meeting_widgets as mw
from dtmaturity.web import ui

ctx = ui.page()
fw = ctx.framework
mw.shared_screen()
st.title(ui.t("meeting_title"), anchor=False)

# One row, so the step has the screen: the unit, the quarter, and the way back to the app.
top = st.columns([3, 2, 2], vertical_alignment="bottom")
with top[2]:
    st.page_link("pages/unit.py", label=ui.t("page_unit"), icon=":material/show_chart:")
with top[0]:
    unit_id = ui.unit_picker(ctx, units.dashboard_choices(ctx), key="meeting_unit")
periods = analytics.latest_periods(ctx, unit_id)  # refuses a unit the person may not see
if not periods:
    st.info(ui.t("meeting_no_released"))
    st.stop()
with top[1]:
    period = ui.quarter_picker("meeting_quarter", periods, key="meeting_period")

OPENED = f"meeting:{unit_id}:{period}"
STEP = f"meeting_step:{unit_id}:{period}"


def _open() -> None:
    try:
        meeting = meetings.open(ui.context(), unit_id, period)
    except meetings.MeetingRefused as refused:
        st.session_state["meeting_error"] = refused.message(ui.lang())
        return
    st.session_state[OPENED] = meeting.meeting_id
    st.session_state[STEP] = 0


def _remembered() -> meetings.Meeting | None:
    """The meeting this session opened for the unit and quarter, if it still exists (the
    demo may have been removed meanwhile)."""
    if OPENED not in st.session_state:
        return None
    try:
        return meetings.get(ctx, st.session_state[OPENED])
    except meetings.MeetingRefused:
        del st.session_state[OPENED]
        return None


meeting = _remembered()
if meeting is None:
    st.caption(ui.t("meeting_intro"))
    if error := st.session_state.pop("meeting_error", None):
        st.error(ui.as_text(error))
    st.button(ui.t("meeting_open"), type="primary", key="meeting_open", on_click=_open)
    st.stop()
index = min(st.session_state.get(STEP, 0), len(meetings.STEPS) - 1)
name = meetings.STEPS[index]


def _move(by: int) -> None:
    st.session_state[STEP] = max(0, min(len(meetings.STEPS) - 1, index + by))


with st.container(key="meeting_step_head"):
    st.header(
        ui.t_as_text(
            "meeting_step_of",
            number=index + 1,
            total=len(meetings.STEPS),
            title=meetings.step_title(ctx, name),
        ),
        anchor=False,
    )
moves = st.columns([1, 1, 4])
moves[0].button(
    ui.t("meeting_previous"), key=mw.PREVIOUS_KEY, on_click=_move, args=(-1,),
    disabled=index == 0, icon=":material/arrow_back:",
)  # fmt: skip
moves[1].button(
    ui.t("meeting_next"), key=mw.NEXT_KEY, on_click=_move, args=(1,),
    disabled=index == len(meetings.STEPS) - 1, icon=":material/arrow_forward:",
)  # fmt: skip
moves[2].caption(ui.t("meeting_keys_hint"))
if st.session_state.get("meeting_shown_step") != (OPENED, index):
    st.session_state["meeting_shown_step"] = (OPENED, index)
    ui.focus_on("meeting_step_head", field=False, nonce=f"{OPENED}:{index}")

view = meetings.step(ctx, meeting, name)
ACTION_COLUMNS = {column: ui.t(key) for column, key in actions.OPEN_HEADINGS.items()}


def show_actions(found: list[actions.Action]) -> None:
    mw.table(actions.table(ctx, found), ACTION_COLUMNS)


def review() -> None:
    earlier = meetings.follow_up(ctx, meeting)
    if earlier is None:
        st.info(ui.t("meeting_no_follow_up"))
        return
    st.subheader(ui.t_as_text("meeting_follow_up", period=earlier.period), anchor=False)
    if earlier.actions:
        show_actions(earlier.actions)
    mw.large_lines([f"{meetings.step_title(ctx, s)}: {n}" for s, n in earlier.notes])
    if not earlier.moved.empty:
        st.subheader(ui.t("meeting_moved"), anchor=False)
        mw.table(
            earlier.moved,
            ui.headings(
                "item", then="meeting_col_then", now="meeting_col_now", change="col_change"
            ),
        )


def lens() -> None:
    left, right = st.columns([3, 2], gap="large")
    with right, st.container(key="meeting_questions"):
        st.subheader(ui.t("meeting_questions"), anchor=False)
        mw.large_lines(view.questions)
    with left:
        st.subheader(
            ui.t("meeting_figures") if name != "roles" else ui.t("meeting_roles"), anchor=False
        )
        if view.hidden_reason:
            st.info(
                ui.t("meeting_hidden_why", reason=ui.t(privacy.reason_key(view.hidden_reason))),
                icon=":material/visibility_off:",
            )
        elif name == "roles":
            roles()
        else:
            figures()
        if name != "roles":
            st.subheader(ui.t("meeting_actions_due"), anchor=False)
            if view.actions:
                show_actions(view.actions)
            else:
                st.caption(ui.t("meeting_no_open_actions"))
            show_ideas()
    if not view.reflections.empty or view.reflections_hidden:
        st.subheader(ui.t("meeting_reflections"), anchor=False)
        if view.reflections_hidden:
            reason = ui.t(privacy.reason_key(view.reflections_hidden))
            st.caption(ui.t("meeting_reflections_hidden", reason=reason))
        mw.large_lines(view.reflections["answer"].tolist() if len(view.reflections) else [])


def show_ideas() -> None:
    """Ideas for the next step where an item is low, far from its target or has fallen."""
    if view.ideas:
        st.subheader(ui.t("meeting_ideas"), anchor=False)
        mw.ideas_list(view.ideas)


def figures() -> None:
    mw.table(
        view.figures,
        ui.headings(
            "item",
            mean="meeting_col_mean",
            change_quarter="meeting_col_change_quarter",
            change_year="meeting_col_change_year",
            target="col_target",
            gap="col_gap",
        ),
    )
    st.subheader(ui.t("meeting_spread"), anchor=False)
    if view.spread.empty:
        st.caption(ui.t("meeting_spread_none"))
        return
    scores = [c for c in view.spread.columns if c.isdigit()]
    mw.table(
        view.spread,
        {"item": ui.t("chart_item"), "spread": ui.t("meeting_col_spread")} | {s: s for s in scores},
    )


def roles() -> None:
    if view.roles.empty:
        st.caption(ui.t("roles_empty"))
        return
    frame = view.roles.assign(
        status=[
            ui.t(f"meeting_role_{s}") if s in ("lacking", "many") else ""
            for s in view.roles["status"]
        ]
    )
    mw.table(
        frame,
        ui.headings(
            role="col_role",
            most="meeting_col_most",
            want="meeting_col_want",
            more="meeting_col_more",
            status="meeting_col_status",
        ),
    )
    st.caption(ui.as_text(view.roles_summary))


def _save_note(step_name: str) -> None:
    key = f"meeting_note:{step_name}"
    try:
        meetings.save_note(ui.context(), meeting, step_name, st.session_state.get(key, ""))
    except meetings.MeetingRefused as refused:
        st.session_state["meeting_note_error"] = refused.message(ui.lang())
        return
    st.session_state[key] = ""
    ui.flash("meeting_note_saved", place="meeting_note")


def _add_action(step_name: str) -> None:
    state = st.session_state
    result = meetings.add_action(
        ui.context(),
        meeting,
        step_name,
        description=str(state.get("meeting_action:description") or ""),
        owner=str(state.get("meeting_action:owner") or ""),
        due_period=str(state.get("meeting_action:due") or ""),
        items=list(state.get("meeting_action:items") or []),
    )
    if result.ok:
        for field in ("description", "items"):
            state.pop(f"meeting_action:{field}", None)
        ui.flash("meeting_action_added", place="meeting_action")
    else:
        state["meeting_action_errors"] = [ui.t(e.key, **e.params) for e in result.errors]


def decisions() -> None:
    """The group's notes and new actions at this step."""
    st.subheader(ui.t("meeting_notes"), anchor=False)
    mw.large_lines(view.notes)
    if meeting.closed:
        return
    st.text_area(ui.t("meeting_note_label"), key=f"meeting_note:{name}")
    if error := st.session_state.pop("meeting_note_error", None):
        st.error(ui.as_text(error))
    st.button(ui.t("meeting_note_save"), key="meeting_note_save", on_click=_save_note, args=(name,))
    ui.show_flash("meeting_note", focus=True)
    if view.agreed:
        st.subheader(ui.t("meeting_agreed"), anchor=False)
        show_actions(view.agreed)
    with st.container(key="meeting_action_form"):
        st.subheader(ui.t("meeting_action_new"), anchor=False)
        kind = meetings.LENSES.get(name)
        choices = (
            [i.id for i in (fw.themes if kind == "theme" else fw.competencies)]
            if kind
            else [r.id for r in fw.roles]
            if name == "roles"
            else plan.item_ids(fw)
        )
        st.multiselect(
            ui.t("meeting_action_items"),
            choices,
            format_func=lambda i: plan.item_label(fw, i, ctx.lang),
            key="meeting_action:items",
            placeholder=ui.t("choose_many"),
            select_all=False,  # Streamlit's "Select all" is English only
        )
        st.text_input(ui.t("meeting_action_description"), key="meeting_action:description")
        people = actions.owners(ctx, unit_id)
        cols = st.columns(2)
        cols[0].selectbox(
            ui.t("meeting_action_owner"), people, index=people.index(ctx.actor.user_id),
            key="meeting_action:owner",
        )  # fmt: skip
        with cols[1]:
            ui.quarter_picker("meeting_action_due", plan.due_choices(Period.current()), index=1,
                key="meeting_action:due",
            )  # fmt: skip
        for error in st.session_state.pop("meeting_action_errors", []):
            st.error(ui.as_text(error))
        st.button(
            ui.t("meeting_action_add"), key="meeting_action_add", on_click=_add_action,
            args=(name,),
        )  # fmt: skip
        ui.show_flash("meeting_action", focus=True)


def _close() -> None:
    try:
        meetingsummary.close(ui.context(), meeting)
    except meetings.MeetingRefused as refused:
        st.session_state["meeting_error"] = refused.message(ui.lang())
        return
    ui.flash("meeting_closed_done", place="meeting_close")


def closing() -> None:
    st.subheader(ui.t("meeting_summary_actions"), anchor=False)
    if view.agreed:
        show_actions(view.agreed)
    else:
        st.caption(ui.t("meeting_no_actions"))
    if not meeting.closed:
        st.button(
            ui.t("meeting_close_button"), type="primary", key="meeting_close", on_click=_close
        )
        return
    ui.show_flash("meeting_close", focus=True)
    cols = st.columns(2)
    for col, file_format in zip(cols, ("pdf", "html"), strict=True):
        col.download_button(
            ui.t(f"meeting_download_{file_format}"),
            # Made when pressed (the summary in the UI language), not on every run.
            data=lambda file_format=file_format: meetingsummary.summary_file(
                ctx, meeting.meeting_id, file_format
            ),
            file_name=meetingsummary.summary_file_name(
                meeting.unit_id, meeting.period, file_format
            ),
            mime="application/pdf" if file_format == "pdf" else "text/html",
            key=f"meeting_download_{file_format}",
            on_click="ignore",
        )


if name == meetings.REVIEW:
    review()
elif name == meetings.CLOSE:
    closing()
else:
    lens()
if name != meetings.CLOSE:
    decisions()
