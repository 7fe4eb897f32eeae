"""What the dashboards show of rounds: the quarter in progress (participation only) and which
finished quarter the figures are for."""

from __future__ import annotations

import streamlit as st

from dtmaturity.services import releases, roundprogress, units
from dtmaturity.services.context import Context
from dtmaturity.web import ui


def progress_note(ctx: Context, unit_id: str, periods: list[str]) -> None:
    """ "2026-Q4 pågår: 12 av 40 har svart …", and the finished quarter the figures are for."""
    progress = roundprogress.participation(ctx, unit_id)
    if progress is not None:
        if progress.deadline is not None:
            text = ui.t(
                "round_in_progress",
                period=progress.period,
                answered=progress.answered,
                expected=progress.expected,
                deadline=roundprogress.format_day(ctx.lang, progress.deadline),
            )
        else:
            text = ui.t(
                "round_in_progress_quarter",
                period=progress.period,
                answered=progress.answered,
                expected=progress.expected,
            )
        st.info(ui.as_text(text), icon=":material/hourglass_top:")
    if periods:
        st.caption(ui.t_as_text("released_note", period=periods[0]))


def invitees(ctx: Context, unit_id: str, period: str) -> None:
    """Whom a round for the unit and quarter would invite, before it is opened."""
    people = roundprogress.invitees(ctx, unit_id, period)
    if people.empty:
        st.warning(ui.t("rounds_invitees_none"), icon=":material/group_off:")
        return
    names = units.labels(ctx)
    shown = people.assign(
        email=people["email"].fillna(people["person_id"]),
        unit=[names.get(u, u).strip() for u in people["unit_id"]],
    )
    table = ui.table_for_people(shown, ui.headings("unit", email="col_email"))
    label = ui.tn("rounds_invitees", len(people))
    ui.table_behind_expander(table, name=f"invitees-{unit_id}-{period}", label=label)


def due_links(ctx: Context) -> None:
    """On the start page: each check-in a round asks of the acting leader, linked."""
    due = roundprogress.due_for_me(ctx)
    if not due:
        return
    st.subheader(ui.t("home_due_heading"), anchor=False)
    for item in due:
        st.page_link(
            "pages/checkin.py",
            # Unit names are imported text: escaped, so they show as written.
            label=ui.as_text(item.line(ctx.lang)),
            query_params={"unit": item.unit_id, "period": item.period},
            icon=":material/edit_note:",
            help=ui.t_as_text("home_due_link", unit=item.unit),
        )


def held_changes(ctx: Context) -> None:
    """Changes held back after a quarter was released, each with a button to release the
    quarter again for that unit, which asks first (it changes figures people have seen). The
    outcome is shown under the heading, where the row and its button were (the row is gone
    once released), with the focus on it."""
    st.subheader(ui.t("held_heading"), anchor=False)
    ui.show_flash("rerelease", focus=True)
    held = releases.pending(ctx)
    if not held:
        st.caption(ui.t("held_none"))
        return
    st.caption(ui.t("held_intro"))
    for row in held:
        ui.plain_text(ui.tn("held_row", row.respondents, unit=row.unit, period=row.period))
        ui.confirmed_button(
            ui.label_literal(ui.t("rerelease_button", period=row.period, unit=row.unit)),
            key=f"rerelease:{row.unit_id}:{row.period}",
            question=lambda row=row: ui.tn(
                "rerelease_question", row.respondents, unit=row.unit, period=row.period
            ),
            yes=ui.t("rerelease_yes"),
            on_confirm=_rerelease,
            args=(row.unit_id, row.unit, row.period),
        )


def _rerelease(unit_id: str, unit: str, period: str) -> None:
    releases.rerelease(ui.context(), unit_id, period)
    ui.flash("rerelease_done", place="rerelease", period=period, unit=unit)
