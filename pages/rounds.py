"""Rounds page: open a quarterly round, follow who has answered, preview and send the e-mails,
close the round to release the quarter's figures (admins; coordinators for their subtree)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dtmaturity.domain import clock, formats, mailconfig, release, settings
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.domain.release import CLOSED, RoundError
from dtmaturity.services import (
    release_rule,
    reminders,
    roundaccess,
    roundprogress,
    rounds,
    scheduler,
    units,
)
from dtmaturity.web import round_widgets, ui

LIVE_SECONDS = 15

ctx = ui.page()
st.title(ui.t("page_rounds"), anchor=False)
days = [str(d) for d in release.REMINDER_DAYS]
days_text = f"{', '.join(days[:-1])} {ui.t('word_and')} {days[-1]}" if len(days) > 1 else days[0]
st.caption(ui.t_as_text("rounds_intro", days=days_text))
st.caption(ui.t("rounds_schedule", minutes=max(scheduler.interval() // 60, 1)))
with st.expander(ui.t("rounds_help_heading"), icon=":material/help:"):
    st.markdown(ui.t("rounds_help"))  # our own catalogue text: no data in it
try:
    mail_settings = settings.mail()
    if mail_settings is None:
        st.warning(ui.t("rounds_mail_off", setting=mailconfig.SMTP_URL), icon=":material/mail:")
except MailConfigError as exc:
    mail_settings = None
    st.error(ui.t("rounds_mail_broken"), icon=":material/error:")
    st.code(str(exc), language=None)

choices = roundaccess.unit_choices(ctx)
names = units.labels(ctx)


def _send_due(key: str, place: str, **params: object) -> None:
    """Send what is due now; the outcome goes in the flash message shown at `place`, beside
    the button pressed."""
    try:
        result = reminders.run(ui.context())
    except MailConfigError as exc:
        st.session_state[f"round_errors:{place}"] = [f"{ui.t('rounds_mail_broken')} {exc}"]
        ui.flash(key, place=place, sent_counted=_sent(key, 0), failed=0, **params)
        return
    sent, failed = _sent(key, len(result.sent)), len(result.failed)
    ui.flash(key, place=place, sent_counted=sent, failed=failed, **params)


def _outcome(place: str) -> None:
    """The outcome of the action at `place`, in view and with the focus, and its errors."""
    ui.show_flash(place, focus=True)
    for message in st.session_state.pop(f"round_errors:{place}", []):
        st.error(ui.as_text(message), icon=":material/error:")


def _sent(key: str, count: int) -> str:
    return ui.counted("n_invitations_sent" if key == "rounds_opened" else "n_emails_sent", count)


def open_round() -> None:
    state = st.session_state
    unit_id, period = state["round_unit"], state["round_period"]
    try:
        r = rounds.open_round(
            ui.context(), unit_id, period, state["round_deadline"], opens_on=state["round_opens"]
        )
    except RoundError as exc:
        st.session_state["round_errors:open"] = [ui.t(exc.key, **exc.params)]
        return
    name = units.name(ui.context(), unit_id)
    if r.state == release.PLANNED:
        ui.flash(
            "rounds_planned",
            place="open",
            unit=name,
            period=period,
            opens=formats.long_date(r.opens_on, ui.lang()),
        )
    else:
        _send_due("rounds_opened", "open", unit=name, period=period)


st.header(ui.t("rounds_open_heading"), anchor=False)
if choices:
    # Unit and quarter outside the form: choosing them shows at once whom the round invites.
    labels = {u.unit_id: u.label for u in choices}
    st.selectbox(ui.t("rounds_unit"), list(labels), format_func=labels.get, key="round_unit")
    ui.quarter_picker("rounds_period", rounds.period_choices(), key="round_period")
    round_widgets.invitees(ctx, st.session_state["round_unit"], st.session_state["round_period"])
    with st.form("round_open_form", enter_to_submit=False):
        dates = st.columns(2)
        with dates[0]:
            st.date_input(
                ui.t("rounds_opens"), value=clock.today(), key="round_opens", format=ui.DATE_INPUT
            )
        with dates[1]:
            st.date_input(
                ui.t("rounds_deadline"),
                value=clock.today() + timedelta(days=14),
                key="round_deadline",
                format=ui.DATE_INPUT,
            )
        st.form_submit_button(
            ui.t("rounds_open_button"), type="primary", on_click=open_round, key="round_open"
        )
    _outcome("open")
else:
    st.info(ui.t("no_units"))


def change(round_id: int, unit_id: str, period: str, closing: bool) -> None:
    c = ui.context()
    try:
        if closing:
            rounds.close_round(c, period, unit_id)
        else:
            rounds.reopen_round(c, period, unit_id)
    except RoundError as exc:
        st.session_state[f"round_error:{round_id}"] = ui.t(exc.key, **exc.params)
        return
    key = "rounds_closed_msg" if closing else "rounds_reopened_msg"
    ui.flash(key, place=f"round:{round_id}", unit=units.name(c, unit_id), period=period)


def change_question(r: release.Round, closing: bool) -> str:
    """What closing (who has not answered, the days left) or reopening the round does."""
    c = ui.context()
    if closing:
        return rounds.close_question(c, r.period, r.unit_id).text(c.lang)
    return ui.t("round_reopen_question", unit=units.name(c, r.unit_id), period=r.period)


st.header(ui.t("rounds_list_heading"), anchor=False)


@st.fragment(run_every=LIVE_SECONDS)
def follow() -> None:
    """Who has answered, per unit; refreshed by itself while the page is open."""
    live = ui.context()
    shown = roundaccess.visible(live)
    st.caption(ui.t("rounds_live_caption", seconds=LIVE_SECONDS))
    if not shown:
        st.info(ui.t("rounds_none"))
        return
    for r in shown:
        table = roundprogress.progress(live, r)
        title = ui.t(
            "rounds_round_title",
            unit=names.get(r.unit_id, r.unit_id).strip(),
            period=r.period,
            state=ui.t(f"round_state_{r.state}"),
            deadline=roundprogress.format_day(live.lang, r.deadline),
            answered=int(table["answered"].sum()),
            expected=int(table["expected"].sum()),
        )
        st.subheader(ui.as_text(title), anchor=False)
        shown_table = ui.table_for_people(
            table,
            ui.headings(
                "unit", answered="col_answered", expected="col_expected", missing="col_missing"
            ),
        )
        st.dataframe(shown_table, hide_index=True, width="stretch", key=f"round_table:{r.round_id}")
        closing = r.state != CLOSED
        ui.confirmed_button(
            ui.t("rounds_close_button" if closing else "rounds_reopen_button"),
            key=f"round_{'close' if closing else 'reopen'}:{r.round_id}",
            question=lambda r=r, closing=closing: change_question(r, closing),
            yes=ui.t("round_close_yes" if closing else "round_reopen_yes"),
            on_confirm=change,
            args=(r.round_id, r.unit_id, r.period, closing),
        )
        ui.show_flash(f"round:{r.round_id}", focus=True)  # the outcome, beside the button
        if refused := st.session_state.pop(f"round_error:{r.round_id}", None):
            st.error(ui.as_text(refused), icon=":material/error:")


follow()

visible = roundaccess.visible(ctx)
current = [r for r in visible if r.state != CLOSED]
if current:
    st.header(ui.t("rounds_preview_heading"), anchor=False)
    columns = st.columns(2)
    with columns[0]:
        labels = {
            r.round_id: f"{names.get(r.unit_id, r.unit_id).strip()}, {r.period}" for r in current
        }
        chosen = st.selectbox(
            ui.t("rounds_list_heading"), list(labels), format_func=labels.get, key="round_preview"
        )
    with columns[1]:
        preview_lang = ui.language_choice(
            "rounds_preview_lang", default=ctx.lang, key="round_preview_lang"
        )
    r = next(x for x in current if x.round_id == chosen)
    # Without DTMATURITY_BASE_URL the links point at the port this app runs on.
    local_url = f"http://localhost:{st.get_option('server.port')}"
    for kind, subject, text in reminders.preview(ctx, r, preview_lang, local_url=local_url):
        with st.expander(f"{ui.t(f'mail_kind_{kind}')}: {ui.as_text(subject)}"):
            ui.plain_text(text)

st.header(ui.t("rounds_due_heading"), anchor=False)
due = reminders.plan(ctx)
if not due:
    st.caption(ui.t("rounds_due_none"))
else:
    frame = pd.DataFrame(
        {
            "person": [p.email or p.person_id for p in due],
            "unit": [p.unit for p in due],
            "kind": [ui.t(f"mail_kind_{p.kind}") for p in due],
            "lang": [p.lang for p in due],
        }
    )
    st.dataframe(
        frame.rename(
            columns=ui.headings(
                person="col_person", unit="chart_unit", kind="col_kind", lang="language_label"
            )
        ),
        hide_index=True,
        width="stretch",
    )
    st.button(
        ui.t("rounds_send_button"),
        key="round_send",
        on_click=_send_due,
        args=("rounds_sent_msg", "send"),
        disabled=mail_settings is None,
    )

_outcome("send")  # after the button (gone when nothing more is due)

st.header(ui.t("rounds_log_heading"), anchor=False)
log = reminders.log(ctx)
if log.empty:
    st.caption(ui.t("rounds_log_none"))
else:
    failed = int((log["status"] == "failed").sum())
    if failed:
        st.warning(ui.t("rounds_failed_warning", count=failed), icon=":material/warning:")
    shown_log = pd.DataFrame(
        {
            "when": [ui.date_time(w) for w in log["updated_at"]],
            "period": log["period"],
            "unit": [names.get(u, u).strip() for u in log["unit_id"]],
            "person": log["email"].fillna(log["person_id"]),
            "kind": [ui.t(f"mail_kind_{k}") for k in log["kind"]],
            "status": [ui.t(f"mail_status_{s}") for s in log["status"]],
            "attempts": log["attempts"],
            "error": log["last_error"].fillna(""),
        }
    ).iloc[::-1]
    table = shown_log.rename(
        columns=ui.headings(
            when="col_when",
            period="chart_period",
            unit="chart_unit",
            person="col_person",
            kind="col_kind",
            status="col_outcome",
            attempts="col_attempts",
            error="col_error",
        )
    )
    st.dataframe(table, hide_index=True, width="stretch")
    ui.downloads(table, name=ui.t("rounds_log_heading"))

round_widgets.held_changes(ctx)

if ui.is_admin(ctx):

    def toggle_late() -> None:
        release_rule.set_allow_late(ui.context(), st.session_state["round_allow_late"])

    st.checkbox(
        ui.t("rounds_allow_late"),
        value=release_rule.allow_late(ctx),
        key="round_allow_late",
        help=ui.t("rounds_allow_late_help"),
        on_change=toggle_late,
    )
