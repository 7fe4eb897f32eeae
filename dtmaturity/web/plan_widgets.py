"""Streamlit glue for actions and the report download on the unit page. No SQL, no rules: reads
widgets, calls the actions and report services, renders."""

from __future__ import annotations

import streamlit as st

from dtmaturity.domain import plan
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, report, reportfiles
from dtmaturity.services.context import Context
from dtmaturity.web import ui

PREFILL = "action_prefill"  # {"key": number of the reflection picked, "text", "question"}


def _state_key(form: str, name: str) -> str:
    return f"action:{form}:{name}"


def _clear(form: str) -> None:
    for name in ("items", "description", "owner", "due", "status", "errors"):
        st.session_state.pop(_state_key(form, name), None)


def _submit(unit_id: str, form: str, source_question: str | None) -> None:
    state = st.session_state
    draft = ActionDraft(
        unit_id=unit_id,
        items=list(state.get(_state_key(form, "items")) or []),
        description=str(state.get(_state_key(form, "description")) or ""),
        owner=str(state.get(_state_key(form, "owner")) or ""),
        due_period=str(state.get(_state_key(form, "due")) or ""),
        status=str(state.get(_state_key(form, "status")) or "planned"),
        source_question=source_question,
    )
    result = actions.create(ui.context(), draft)
    if result.ok:
        _clear(form)
        if state.pop(PREFILL, None):
            state[REFLECTION_PICK] = None
        ui.flash("action_saved", place=f"action_form:{form}", id=result.action_id)
    else:
        state[_state_key(form, "errors")] = {
            e.field: ui.t(e.key, **e.params) for e in result.errors
        }


def action_form(
    ctx: Context,
    unit_id: str,
    form: str,
    *,
    description: str | None = None,
    source_question: str | None = None,
) -> None:
    """A form for a new action of the unit; `description` prefills it (from a reflection)."""
    fw = ctx.framework
    if description is not None and _state_key(form, "description") not in st.session_state:
        st.session_state[_state_key(form, "description")] = description
    errors: dict[str, str] = st.session_state.get(_state_key(form, "errors"), {})
    people = actions.owners(ctx, unit_id)
    due = plan.due_choices(Period.current())

    def error(field: str) -> None:
        if field in errors:
            st.error(ui.as_text(errors[field]), icon=":material/error:")

    with st.form(f"action_form:{form}", enter_to_submit=False):
        st.multiselect(
            ui.t("action_items_label"),
            plan.item_ids(fw),
            format_func=lambda i: plan.item_label(fw, i, ctx.lang),
            key=_state_key(form, "items"),
            placeholder=ui.t("choose_many"),
            select_all=False,  # Streamlit's "Select all" is English only
        )
        error("items")
        st.text_area(ui.t("action_description_label"), key=_state_key(form, "description"))
        error("description")
        columns = st.columns(3)
        with columns[0]:
            st.selectbox(
                ui.t("action_owner_label"),
                people,
                index=people.index(ctx.actor.user_id),
                key=_state_key(form, "owner"),
            )
            error("owner")
        with columns[1]:
            ui.quarter_picker("action_due_label", due, index=1, key=_state_key(form, "due"))
            error("due_period")
        with columns[2]:
            st.selectbox(
                ui.t("action_status_field"),
                list(plan.STATUSES),
                format_func=lambda s: ui.t(f"action_status_{s}"),
                key=_state_key(form, "status"),
            )
        st.form_submit_button(
            ui.t("action_save"),
            type="primary",
            on_click=_submit,
            args=(unit_id, form, source_question),
            key=f"action_save:{form}",
        )


REFLECTION_PICK = "reflection_action_pick"


def _prefill_from_pick(texts: dict[int, tuple[str, str]]) -> None:
    """The reflection picker changed: open the action form prefilled with the chosen text."""
    _clear("reflection")
    chosen = st.session_state.get(REFLECTION_PICK)
    if chosen is None:
        st.session_state.pop(PREFILL, None)
        return
    text, question = texts[chosen]
    st.session_state[PREFILL] = {"key": chosen, "text": text, "question": question}


def _cancel_prefill() -> None:
    _clear("reflection")
    st.session_state.pop(PREFILL, None)
    st.session_state[REFLECTION_PICK] = None


def reflection_action_picker(ctx: Context, unit_id: str, texts: dict[int, tuple[str, str]]) -> None:
    """One select box instead of a button per reflection: choosing one of the reflections shown
    (`{number as listed: (text, question id)}`) opens an action form prefilled with it, right
    there, so an action is one step away from what the group wrote."""
    if st.session_state.get(REFLECTION_PICK) not in (None, *texts):
        _cancel_prefill()  # another page or filter: the number means another text now

    def label(number: int) -> str:
        text = " ".join(texts[number][0].split())
        return f"{number}. {text[:90]}{'…' if len(text) > 90 else ''}"

    st.selectbox(
        ui.t("actions_from_reflection_pick"),
        list(texts),
        index=None,
        format_func=label,
        placeholder=ui.t("actions_from_reflection_placeholder"),
        key=REFLECTION_PICK,
        on_change=_prefill_from_pick,
        args=(texts,),
    )
    ui.show_flash("action_form:reflection", focus=True)  # the form it came from is closed
    chosen = st.session_state.get(PREFILL)
    if chosen and chosen["key"] in texts:
        st.caption(ui.t("actions_prefilled"))
        action_form(
            ctx,
            unit_id,
            "reflection",
            description=chosen["text"],
            source_question=chosen["question"],
        )
        st.button(ui.t("action_cancel"), key="reflection_action_cancel", on_click=_cancel_prefill)


STATUS_PICK = "action_update:id"
STATUS_CHOICE = "action_update:status"
STATUS_REOPEN = "action_update:reopen"
STATUS_SHOWN = "action_update:shown"  # (action id, stored status) the choice was set from
STATUS_ERRORS = "action_update:errors"


def _save_status(unit_id: str, action_id: int) -> None:
    status = st.session_state.get(STATUS_CHOICE)
    if status is None:
        return
    result = actions.set_statuses(
        ui.context(),
        unit_id,
        {action_id: status},
        reopen=bool(st.session_state.get(STATUS_REOPEN)),
    )
    if result.ok:
        st.session_state.pop(STATUS_REOPEN, None)
        ui.flash("actions_status_saved", place="action_status")
    else:
        st.session_state[STATUS_ERRORS] = [ui.t(e.key, **e.params) for e in result.errors]


def status_form(ctx: Context, unit_id: str, unit_actions: list[actions.Action]) -> None:
    """Change the status of one of the unit's actions (recorded in the current quarter).

    The status choice always starts at the picked action's stored status, so saving without
    touching it changes nothing (the button is disabled until a new status is chosen), and
    reopening a done or dropped action needs a confirmation tick (the service refuses it
    otherwise). Not an st.form: the choice has to follow the picked action at once.
    """
    by_id = {a.action_id: a for a in unit_actions}
    st.markdown(f"**{ui.t('actions_update_heading')}**")
    for message in st.session_state.pop(STATUS_ERRORS, []):
        st.error(ui.as_text(message), icon=":material/error:")
    columns = st.columns([3, 1])
    with columns[0]:
        picked = st.selectbox(
            ui.t("actions_update_pick"),
            list(by_id),
            # Not the status in the label: Streamlit keeps a select box's choice by its label,
            # so a label that changed with the save kept showing the old status beside the new.
            format_func=lambda i: f"#{i} {by_id[i].description[:80]}",
            key=STATUS_PICK,
        )
    action = by_id[picked]
    if st.session_state.get(STATUS_SHOWN) != (picked, action.status):
        st.session_state[STATUS_CHOICE] = action.status
        st.session_state[STATUS_SHOWN] = (picked, action.status)
        st.session_state.pop(STATUS_REOPEN, None)
    current = actions.status_label(ctx, action.status)
    with columns[1]:
        chosen = st.selectbox(
            ui.t("action_status_field"),
            list(plan.STATUSES),
            format_func=lambda s: ui.t(f"action_status_{s}"),
            key=STATUS_CHOICE,
        )
    st.caption(ui.t_as_text("action_status_current", status=current))
    if chosen == action.status:
        st.caption(ui.t("action_status_unchanged"))
    elif action.status in plan.CLOSED_STATUSES and chosen in plan.OPEN_STATUSES:
        st.checkbox(
            ui.t_as_text("action_reopen_confirm", id=picked, status=current),
            key=STATUS_REOPEN,
        )
    st.button(
        ui.t("actions_save_status"),
        on_click=_save_status,
        args=(unit_id, picked),
        disabled=chosen == action.status,
        key="action_upd",
    )
    ui.show_flash("action_status", focus=True)


def report_downloads(ctx: Context, unit_id: str, periods: list[str]) -> None:
    """Choose quarter and language; the report is made only when a button is pressed."""
    columns = st.columns(2)
    with columns[0]:
        period = ui.quarter_picker("report_period", periods, key="report_period")
    with columns[1]:
        lang = ui.language_choice("report_lang", default=ctx.lang, key="report_lang")
    buttons = st.columns(2)
    for column, (label, file_format, mime) in zip(
        buttons,
        (("report_pdf", "pdf", "application/pdf"), ("report_html", "html", "text/html")),
        strict=True,
    ):
        with column:
            st.download_button(
                ui.t(label),
                data=lambda file_format=file_format: reportfiles.render(
                    report.build(ctx, unit_id, period, lang=lang), file_format
                ),
                file_name=reportfiles.file_name(unit_id, period, file_format),
                mime=mime,
                key=f"report:{file_format}",
                on_click="ignore",
                icon=":material/description:",
            )
