"""Streamlit glue for actions and the report download on the unit page. No SQL, no rules: reads
widgets, calls the actions and report services, renders."""

from __future__ import annotations

import streamlit as st

from dtmaturity.domain import i18n, plan
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, report
from dtmaturity.services.context import Context
from dtmaturity.web import ui

PREFILL = "action_prefill"  # {"key": widget key of the reflection's button, "text", "question"}


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
        state.pop(PREFILL, None)
        ui.flash("action_saved", id=result.action_id)
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
            st.error(errors[field], icon=":material/error:")

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
            st.selectbox(ui.t("action_due_label"), due, index=1, key=_state_key(form, "due"))
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


def _prefill(key: str, text: str, question: str) -> None:
    _clear("reflection")
    st.session_state[PREFILL] = {"key": key, "text": text, "question": question}


def _cancel_prefill() -> None:
    _clear("reflection")
    st.session_state.pop(PREFILL, None)


def reflection_answer(ctx: Context, unit_id: str, key: str, text: str, question: str) -> None:
    """A reflection answer with a button beside it that opens an action form prefilled with it,
    right there, so an action is one step away from what the group wrote."""
    text_col, button_col = st.columns([5, 1])
    with text_col:
        ui.plain_text(text)
    with button_col:
        st.button(
            ui.t("actions_from_reflection"),
            key=key,
            on_click=_prefill,
            args=(key, text, question),
            icon=":material/add_task:",
        )
    chosen = st.session_state.get(PREFILL)
    if chosen and chosen["key"] == key:
        st.caption(ui.t("actions_prefilled"))
        action_form(
            ctx, unit_id, "reflection", description=chosen["text"], source_question=question
        )
        st.button(ui.t("action_cancel"), key=f"{key}:cancel", on_click=_cancel_prefill)


def _save_status(unit_id: str) -> None:
    action_id = st.session_state.get("action_update:id")
    status = st.session_state.get("action_update:status")
    if action_id is None or status is None:
        return
    result = actions.set_statuses(ui.context(), unit_id, {int(action_id): status})
    if result.ok:
        ui.flash("actions_status_saved")


def status_form(ctx: Context, unit_id: str, unit_actions: list[actions.Action]) -> None:
    """Change the status of one of the unit's actions (recorded in the current quarter)."""
    by_id = {a.action_id: a for a in unit_actions}
    with st.form("action_update", enter_to_submit=False):
        st.markdown(f"**{ui.t('actions_update_heading')}**")
        columns = st.columns([3, 1])
        with columns[0]:
            st.selectbox(
                ui.t("actions_update_pick"),
                list(by_id),
                format_func=lambda i: (
                    f"#{i} {by_id[i].description[:80]} "
                    f"({actions.status_label(ctx, by_id[i].status)})"
                ),
                key="action_update:id",
            )
        with columns[1]:
            st.selectbox(
                ui.t("action_status_field"),
                list(plan.STATUSES),
                format_func=lambda s: ui.t(f"action_status_{s}"),
                key="action_update:status",
            )
        st.form_submit_button(
            ui.t("actions_save_status"), on_click=_save_status, args=(unit_id,), key="action_upd"
        )


def report_downloads(ctx: Context, unit_id: str, periods: list[str]) -> None:
    """Choose quarter and language; the report is made only when a button is pressed."""
    columns = st.columns(2)
    with columns[0]:
        period = st.selectbox(ui.t("report_period"), periods, key="report_period")
    with columns[1]:
        languages = list(i18n.LANGUAGES)
        lang = st.selectbox(
            ui.t("report_lang"),
            languages,
            index=languages.index(ctx.lang),
            format_func=i18n.LANGUAGES.get,
            key="report_lang",
        )
    buttons = st.columns(2)
    for column, (label, file_format, mime) in zip(
        buttons,
        (("report_pdf", "pdf", "application/pdf"), ("report_html", "html", "text/html")),
        strict=True,
    ):
        with column:
            st.download_button(
                ui.t(label),
                data=lambda file_format=file_format: report.render(
                    report.build(ctx, unit_id, period, lang=lang), file_format
                ),
                file_name=report.file_name(unit_id, period, file_format),
                mime=mime,
                key=f"report:{file_format}",
                on_click="ignore",
                icon=":material/description:",
            )
