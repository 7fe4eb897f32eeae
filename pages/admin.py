"""Administration: people and roles (coordinators: their subtree), quarters, retention, erasure
and the audit log (admins)."""

import pandas as pd
import streamlit as st

from dtmaturity.domain import access
from dtmaturity.domain.access import AccessDenied
from dtmaturity.domain.periods import recent_periods
from dtmaturity.services import audit, people, peopleimport, periodlocks, personaldata, units
from dtmaturity.web import ui

ADMIN_ROWS = 200  # rows of the people table shown at once; the search finds the rest

ctx = ui.page()
st.title(ui.t("page_admin"), anchor=False)
is_admin = ui.is_admin(ctx)


def unit_phrase(unit_id: str) -> str:
    """The unit a role is for, as a message names it ("hele organisasjonen" for every unit)."""
    if unit_id == access.EVERY_UNIT:
        return ui.t("admin_whole_org")
    return units.name(ui.context(), unit_id)


def grant_outcome(key: str, **params: object) -> None:
    """An outcome of the grant form, beside its button (errors too)."""
    st.session_state["adm_grant_outcome"] = ("error", ui.t(key, **params))


def grant() -> None:
    """The grant form's button: a grant names its unit; one over the whole organisation asks
    first (ask_first → the confirmation below the form), any other is made at once."""
    # An e-mail compares in any case; an OIDC subject is case-sensitive and is kept as typed.
    typed = st.session_state["adm_email"].strip()
    person = typed.lower() if "@" in typed else typed
    unit_id = st.session_state["adm_unit"]
    if not person:
        grant_outcome("people_missing_identity")
        return
    if unit_id is None:
        grant_outcome("admin_unit_missing")
        return
    wanted = (person, st.session_state["adm_role"], unit_id, st.session_state["adm_name"].strip())
    if unit_id == access.EVERY_UNIT:
        st.session_state["adm_grant_wanted"] = wanted
        ui.ask_first("adm_grant_all")
        return
    make_grant(*wanted)


def make_grant(person: str, role: str, unit_id: str, name: str) -> None:
    try:
        new = people.assign(
            ui.context(),
            person,
            role,
            unit_id,
            name=name or None,
            email=person if "@" in person else None,
            sub=None if "@" in person else person,
        )
    except (people.IdentityError, AccessDenied) as refused:
        grant_outcome(refused.key, **refused.params)
        return
    said = {"person": person, "role": ui.t(f"role_{role}"), "unit": unit_phrase(unit_id)}
    ui.flash("admin_granted_to" if new else "admin_already_has", place="grant", **said)


def grant_question() -> str:
    person, role, _, _ = st.session_state["adm_grant_wanted"]
    count = len(units.tree(ui.context()))
    return ui.t("admin_grant_all_question", person=person, role=ui.t(f"role_{role}"), count=count)


def revoke(person_id: str, role: str, unit_id: str) -> None:
    people.unassign(ui.context(), person_id, role, unit_id)
    said = {"person": person_id, "role": ui.t(f"role_{role}"), "unit": unit_phrase(unit_id)}
    ui.flash("admin_revoked_from", place="revoke", **said)


st.header(ui.t("admin_people"), anchor=False)
registry = people.registry(ctx)
people_columns = {
    "person_id": ui.t("col_person"),
    "name": ui.t("col_name"),
    "email": ui.t("col_email"),
    "sub": "sub",
    "role": ui.t("col_role"),
    "unit_id": ui.t("unit"),
}


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        frame.assign(
            role=[ui.t(f"role_{r}") if isinstance(r, str) else "" for r in frame["role"]]
        ).rename(columns=people_columns)
    )


search = st.text_input(ui.t("admin_find"), key="adm_find", help=ui.t("admin_find_help"))
found, matching = people.find(ctx, search, limit=ADMIN_ROWS)
if search.strip() and not matching:
    st.info(ui.t_as_text("admin_no_match", search=search.strip()))
elif matching > len(found):
    st.caption(ui.t("admin_showing", shown=ui.count(len(found)), total=ui.count(matching)))
ui.dataframe(for_people(found))
ui.downloads(for_people(registry), name=ui.t("admin_people"))  # every row, not only the shown
roles, grantable_units = people.grantable(ctx)
labels = {u.unit_id: u.label for u in units.tree(ctx)}
labels[access.EVERY_UNIT] = ui.t("every_unit")
unit_choices = {unit: labels.get(unit, unit) for unit in grantable_units}
with st.form("grant_form"):
    st.subheader(ui.t("admin_grant"), anchor=False)
    st.text_input(ui.t("admin_person_field"), key="adm_email")
    st.text_input(ui.t("col_name"), key="adm_name")
    st.selectbox(ui.t("col_role"), roles, format_func=lambda r: ui.t(f"role_{r}"), key="adm_role")
    st.selectbox(
        ui.t("unit"),
        list(unit_choices),
        index=None,  # no default: a grant names its unit (the default was every unit)
        placeholder=ui.t("admin_choose_unit"),
        format_func=unit_choices.get,
        key="adm_unit",
    )
    st.form_submit_button(ui.t("admin_grant_button"), on_click=grant)
ui.confirmation(
    "adm_grant_all",
    question=grant_question,
    yes=ui.t("admin_grant_all_yes"),
    on_confirm=lambda: make_grant(*st.session_state.pop("adm_grant_wanted")),
)
if outcome := st.session_state.pop("adm_grant_outcome", None):
    with st.container(key="adm_grant_outcome"):  # beside the button, and focused
        getattr(st, outcome[0])(outcome[1])
    ui.focus_on("adm_grant_outcome", field=False, nonce=id(outcome))
ui.show_flash("grant", focus=True)
if not found.dropna(subset=["role"]).empty:
    assignments = found.dropna(subset=["role"])  # the matches of the search above
    options = list(
        zip(assignments["person_id"], assignments["role"], assignments["unit_id"], strict=True)
    )
    chosen = st.selectbox(
        ui.t("admin_revoke_choose"),
        options,
        format_func=lambda o: f"{o[0]} – {ui.t('role_' + o[1])} – {o[2]}",
        key="adm_revoke",
    )
    ui.confirmed_button(
        ui.t("admin_revoke_button"),
        key="adm_revoke_run",
        question=lambda: ui.t(
            "admin_revoke_question",
            person=chosen[0],
            role=ui.t(f"role_{chosen[1]}"),
            unit=unit_phrase(chosen[2]),
        ),
        yes=ui.t("admin_revoke_yes"),
        on_confirm=revoke,
        args=chosen,
    )
    ui.show_flash("revoke", focus=True)

upload = st.file_uploader(ui.t("admin_people_upload"), key="adm_people_file")
st.caption(ui.t("admin_people_format"))
if upload is not None:
    # Every rerun while the file stays in the uploader sees it again: import each upload once
    # (else a revoke made afterwards would be undone by the next rerun), then show that result.
    done = st.session_state.get("adm_people_done")
    if done is None or done[0] != upload.file_id:
        done = (
            upload.file_id,
            peopleimport.import_people_upload(ctx, upload.getvalue(), upload.name),
        )
        st.session_state["adm_people_done"] = done
    report = done[1]
    if report.written:
        st.success(
            ui.t_as_text(
                "admin_people_imported",
                rows_counted=ui.counted("n_rows_read", report.rows),
                roles_counted=ui.counted("n_new_roles", report.new_assignments),
            )
        )
    for line in report.lines(upload.name, ctx.lang):
        st.error(ui.as_text(line))

if is_admin:
    st.header(ui.t("admin_periods"), anchor=False)
    locked = periodlocks.locked_periods(ctx)
    st.write(ui.t_as_text("admin_locked", periods=", ".join(locked) or "–"))
    period = ui.quarter_picker("period", [str(p) for p in recent_periods(12)], key="adm_period")
    lock_col, unlock_col = st.columns(2)
    lock_col.button(
        ui.t("admin_lock"), on_click=periodlocks.set_lock, args=(ctx, period, True), key="adm_lock"
    )
    with unlock_col:
        ui.confirmed_button(
            ui.t("admin_unlock"),
            key="adm_unlock",
            question=lambda: ui.t("admin_unlock_question", period=period),
            yes=ui.t("admin_unlock_yes"),
            on_confirm=lambda quarter: periodlocks.set_lock(ui.context(), quarter, False),
            args=(period,),
        )

    st.header(ui.t("admin_retention"), anchor=False)
    st.caption(ui.t("admin_retention_help"))
    keep = st.number_input(
        ui.t("admin_retention_quarters"),
        min_value=1,
        max_value=200,
        value=personaldata.retention_quarters(ctx) or 20,
        key="adm_keep",
    )
    if st.button(ui.t("admin_retention_dry_run"), key="adm_dry"):
        counts = personaldata.purge(ctx, int(keep), dry_run=True)
        st.info(
            ui.t_as_text(
                "admin_retention_would",
                before=counts["before"],
                checkins_counted=ui.counted("n_checkins", counts["checkin"]),
                answers_counted=ui.counted("n_answers", counts["answer"]),
            )
        )

    def purge(quarters: int) -> None:
        personaldata.set_retention(ui.context(), quarters)
        counts = personaldata.purge(ui.context(), quarters, dry_run=False)
        st.session_state["adm_purge_done"] = (
            ui.t(
                "admin_retention_done",
                before=counts["before"],
                checkins_counted=ui.counted("n_checkins", counts["checkin"]),
                answers_counted=ui.counted("n_answers", counts["answer"]),
            ),
        )

    def purge_question(quarters: int) -> str:
        counts = personaldata.purge(ctx, quarters, dry_run=True)
        return ui.t(
            "admin_retention_question",
            before=counts["before"],
            checkins_counted=ui.counted("n_checkins", counts["checkin"]),
            answers_counted=ui.counted("n_answers", counts["answer"]),
        )

    ui.confirmed_button(
        ui.t("admin_retention_purge"),
        key="adm_purge",
        question=lambda: purge_question(int(keep)),
        yes=ui.t("admin_retention_yes"),
        on_confirm=purge,
        args=(int(keep),),
    )
    if done := st.session_state.pop("adm_purge_done", None):
        st.success(ui.as_text(done))  # next to the button pressed, not at the top of the page

    st.header(ui.t("admin_erase"), anchor=False)
    st.caption(ui.t("admin_erase_help"))
    person_ids = sorted(set(found["person_id"]))  # the matches of the search above
    target = st.selectbox(
        ui.t("col_person"),
        person_ids,
        index=None,
        placeholder=ui.t("choose_person"),
        key="adm_erase_person",
    )

    def erase(person_id: str) -> None:
        counts = personaldata.erase_person(ui.context(), person_id)
        ui.flash(
            "admin_erased",
            place="erase",
            reflections_counted=ui.counted("n_reflections", counts.get("reflections_deleted", 0)),
            comments_counted=ui.counted("n_comments", counts.get("comments_deleted", 0)),
            roles_counted=ui.counted("n_roles", counts.get("assignments_deleted", 0)),
            answers_counted=ui.counted("n_answers", counts.get("answers_anonymised", 0)),
        )

    ui.confirmed_button(
        ui.t("admin_erase_button"),
        key="adm_erase",
        question=lambda: ui.t("admin_erase_question", person=target),
        yes=ui.t("admin_erase_yes"),
        on_confirm=erase,
        args=(target,),
        disabled=not target,
    )
    ui.show_flash("erase", focus=True)

    st.header(ui.t("admin_audit"), anchor=False)
    log = audit.audit_log(ctx)
    shown = log.rename(
        columns={
            "audit_id": "#",
            "logged_at": ui.t("col_when"),
            "actor": ui.t("col_who"),
            "action": ui.t("col_action"),
            "target": ui.t("col_target"),
            "details": ui.t("col_details"),
        }
    )
    ui.dataframe(shown)
    ui.downloads(pd.DataFrame(shown), name=ui.t("admin_audit"))
