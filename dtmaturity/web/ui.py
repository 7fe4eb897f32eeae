"""Streamlit glue shared by the pages: the cached runtime, the acting context, language, and
small rendering helpers. Holds no SQL and no business rules."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import NoReturn

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dtmaturity import charts
from dtmaturity.domain import access, authn, i18n, privacy
from dtmaturity.domain.framework import Framework, FrameworkError, framework_path
from dtmaturity.services import exports, people, rounds, runtime, scheduler, units
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store, StoreError, default_db_path

LANG_KEY = "lang"  # the language switch widget
LANG_STORE = "_lang"  # the chosen language; outlives page switches, unlike widget state


@st.cache_resource(show_spinner=False)
def _runtime(db_path: str, framework_file: str) -> tuple[Store, Framework]:
    """One database connection and one validated framework per server process (and per
    configured path, so a changed DTMATURITY_DB opens the right file). The background thread
    that sends reminders and runs the command line's jobs starts here, once per process."""
    store, framework = open_runtime(db_path, framework_file)
    # A wrong DTMATURITY_REMIND_EVERY starts no thread: context() stops every page with it.
    with contextlib.suppress(ValueError):
        scheduler.start(store, framework)
    return store, framework


# What the pages import beyond this module; loaded at warm-up rather than by the first visitor.
PAGE_MODULES = (
    "dtmaturity.services.actions",
    "dtmaturity.services.analytics",
    "dtmaturity.services.checkins",
    "dtmaturity.services.imports",
    "dtmaturity.services.targets",
    "dtmaturity.web.checkin_widgets",
    "dtmaturity.web.plan_widgets",
)


@st.cache_resource(show_spinner=False)
def warm_up(db_path: str, framework_file: str) -> None:
    """Once per server process: the pages' modules imported, the chart library's first
    conversion and Arrow's first table made, and the data the dashboards read brought into
    the database's memory, so that a visitor does not pay for them.

    app.py calls this on its first run. With `server.scriptHealthCheckEnabled` (on in
    .streamlit/config.toml), a deployment's readiness probe on `/_stcore/script-health-check`
    makes that first run happen before anyone visits (see the README's deployment notes).
    """
    for name in PAGE_MODULES:
        importlib.import_module(name)
    import pyarrow as pa

    frame = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    pa.Table.from_pandas(frame)
    charts.readable_spec(alt.Chart(frame).mark_line().encode(x="x", y="y"))
    store, _ = _runtime(db_path, framework_file)
    runtime.warm(store)


def lang() -> str:
    """The UI language: the user's choice, else `?lang=` in the address, else bokmål."""
    if LANG_STORE not in st.session_state:
        asked = st.query_params.get("lang")
        st.session_state[LANG_STORE] = asked if asked in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return st.session_state[LANG_STORE]


def t(key: str, **params: object) -> str:
    return i18n.t(lang(), key, **params)


def context() -> Context:
    """The acting context for this rerun; stops the page with a clear message (never a
    traceback) if the framework file, the database or the sign-in settings are broken."""
    try:
        store, framework = _runtime(str(default_db_path()), str(framework_path()))
    except FrameworkError as exc:
        _refuse("framework_broken", exc)
    except StoreError as exc:
        _refuse("database_broken", exc)
    warm_up(str(default_db_path()), str(framework_path()))
    try:
        privacy.thresholds()
        scheduler.interval()
    except (privacy.PrivacySettingError, ValueError) as exc:
        _refuse("settings_broken", exc)
    try:
        auth = auth_settings()
    except authn.SignInSettingError as exc:
        _refuse("signin_broken", exc)
    return Context(actor=_actor(store, auth), store=store, framework=framework, lang=lang())


def _refuse(message_key: str, reason: Exception) -> NoReturn:
    """Stop the page: what is wrong in words, and the technical reason for whoever runs it."""
    st.error(i18n.t(lang(), message_key))
    st.code(str(reason), language=None, wrap_lines=True)
    st.stop()


def _secrets_section(name: str) -> dict | None:
    """A section of .streamlit/secrets.toml, or None when there is no secrets file or no such
    section. A secrets file that exists but cannot be read raises SignInSettingError: falling
    back to local mode would make every visitor an admin."""
    try:
        return dict(st.secrets[name]) if name in st.secrets else None
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return None
        raise authn.SignInSettingError(f"secrets.toml cannot be read: {exc}") from exc
    except (FileNotFoundError, KeyError):
        return None


def auth_settings() -> dict | None:
    """The [auth] section, checked (authn.check_auth); None when sign-in is not configured."""
    auth = _secrets_section("auth")
    if auth is not None:
        authn.check_auth(auth)
    return auth


def _configured_admins() -> frozenset[str]:
    """The first admins: DTMATURITY_ADMINS (comma-separated e-mails or subjects) and
    `admins = [...]` under [dtmaturity] in secrets.toml."""
    listed = [a for a in os.environ.get("DTMATURITY_ADMINS", "").split(",") if a.strip()]
    listed += list((_secrets_section("dtmaturity") or {}).get("admins", []))
    # E-mails match in any case, subjects exactly (people.actor_for), so no case folding here.
    return frozenset(str(a).strip() for a in listed)


def _actor(store: Store, auth: dict | None) -> Actor:
    """Who is acting: the signed-in person with their roles, or the local user when sign-in
    is not configured. Stops the page for a visitor who is not signed in or not registered."""
    if auth is None:
        if authn.is_production():
            st.error(t("production_local_mode"))
            st.stop()
        return local_actor()
    if not st.user.is_logged_in:
        st.title(t("signin_title"))
        st.write(t("signin_text"))
        st.button(t("signin_button"), type="primary", on_click=st.login, key="signin")
        st.stop()
    claims = st.user.to_dict()
    actor = people.actor_for(
        store,
        email=claims.get("email"),
        sub=claims.get("sub"),
        name=claims.get("name"),
        admins=_configured_admins(),
        email_verified=claims.get("email_verified"),
    )
    if actor is None:
        st.title(t("unknown_person_title"))
        # Identities from the provider are shown as plain text (no links, no formatting).
        st.text(t("unknown_person_who", who=claims.get("email") or claims.get("sub")))
        st.write(t("unknown_person_text"))
        st.button(t("signout_button"), on_click=st.logout, key="signout")
        st.stop()
    return actor


def page() -> Context:
    """Start of every page: sidebar language switch and local-mode label, then the context.

    Each page renders these itself (rather than app.py) so a page behaves the same however
    Streamlit enters it, including AppTest's direct page runs.
    """
    _leave_legacy_page_mode()
    language_picker()
    mark_document_language()
    ctx = context()
    local_mode_banner(ctx)
    return ctx


def _leave_legacy_page_mode() -> None:
    """Run app.py's st.navigation even when Streamlit entered a page file directly.

    A folder named `pages/` beside app.py makes Streamlit start a fresh process in its legacy
    multipage mode, in which the first visit to an address such as /unit runs pages/unit.py
    without app.py (no page config, wrong navigation). st.navigation switches that mode off
    for good; this makes sure app.py gets to call it before the page renders anything.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _remember_language() -> None:
    st.session_state[LANG_STORE] = st.session_state[LANG_KEY]
    # The language one uses the app in is the language of one's e-mails (rounds).
    rounds.set_my_language(context(), st.session_state[LANG_KEY])


def language_picker() -> None:
    st.session_state[LANG_KEY] = lang()
    st.sidebar.radio(
        i18n.t(lang(), "language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=LANG_KEY,
        horizontal=True,
        on_change=_remember_language,
    )


def mark_document_language() -> None:
    """Tell browsers and screen readers which language the page is in (WCAG 3.1.1).

    Streamlit's page always says `<html lang="en">`, so a screen reader would read the bokmål
    UI with English pronunciation. The value is one of our own language codes, never user input.
    """
    code = json.dumps(lang() if lang() in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    st.sidebar.html(
        f"<script>document.documentElement.lang = {code};</script>", unsafe_allow_javascript=True
    )


def local_mode_banner(ctx: Context) -> None:
    """Who is acting: the clearly labelled local mode, or the signed-in person and a sign-out."""
    if ctx.actor.local_mode:
        st.sidebar.info(t("local_mode"), icon=":material/person:")
        st.sidebar.text(t("acting_as", user=ctx.actor.display_name))
    else:
        st.sidebar.text(t("signed_in_as", name=ctx.actor.display_name))
        st.sidebar.button(t("signout_button"), on_click=st.logout, key="signout")


def is_admin(ctx: Context) -> bool:
    return access.is_admin(ctx.actor.grants)


def shows_page(ctx: Context, page: str) -> bool:
    return access.shows_page(ctx.actor.grants, page)


def unit_picker(
    ctx: Context, choices: list[units.UnitChoice], *, key: str, label_key: str = "unit"
) -> str:
    """A select box of the units offered; `?unit=ID` in the address preselects one.

    An address naming a unit that is not offered is passed on as asked: the services decide,
    and refuse what the person may not see (never the page alone).
    """
    if not choices:
        st.info(t("no_units") if not units.tree(ctx) else t("no_units_for_you"))
        st.stop()
    labels = {u.unit_id: u.label for u in choices}
    asked = st.query_params.get("unit")
    if asked and asked not in labels:
        return asked
    if asked and st.session_state.get(f"{key}:asked") != asked:
        st.session_state[key] = asked
        st.session_state[f"{key}:asked"] = asked
    return st.selectbox(t(label_key), list(labels), format_func=labels.get, key=key)


def questions_beside(ctx: Context, lens: str) -> None:
    """The model's reflection questions for one lens, shown next to the chart they belong to."""
    st.markdown(f"**{t('questions_beside')}**")
    for question in ctx.framework.questions_for(lens):
        st.markdown(f"- {question.text[ctx.lang]}")


def chart_with_table(
    chart: alt.TopLevelMixin,
    table: pd.DataFrame,
    *,
    summary: str,
    columns: dict[str, str],
    name: str,
) -> None:
    """A chart with a text alternative, its figures one click away as a table, and downloads of
    both. Hidden figures (too few answers) are marked in the table."""
    st.vega_lite_chart(charts.readable_spec(chart), width="stretch", height="content", alt=summary)
    st.caption(summary)
    shown = table_for_people(table, columns)
    table_behind_expander(shown, name=name)
    downloads(shown, name=name, chart=chart)


def table_behind_expander(table: pd.DataFrame, *, name: str) -> None:
    """A table one click away. It is drawn only once opened: a closed expander holds no data
    grid, so a page with many charts sends and draws far less (opening it reruns only this
    fragment, not the page)."""
    _lazy_table(t("show_table"), table, f"table:{name}")  # the whole name: stems are cut at 80


@st.fragment
def _lazy_table(label: str, table: pd.DataFrame, key: str) -> None:
    with st.expander(label, key=key, on_change="rerun") as box:
        if box.open:
            st.dataframe(table, hide_index=True, width="stretch")


def table_for_people(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The chosen columns under their UI names; a hidden figure says why it is empty."""
    columns = dict(columns)
    if "hidden" in table.columns:
        reasons = table["reason"] if "reason" in table.columns else [None] * len(table)
        table = table.assign(
            hidden=[
                t(privacy.reason_key(why)) if bool(h) else ""
                for h, why in zip(table["hidden"].fillna(False), reasons, strict=True)
            ]
        )
        columns["hidden"] = t("chart_hidden")
    return table[list(columns)].rename(columns=columns).reset_index(drop=True)


def downloads(table: pd.DataFrame, *, name: str, chart: alt.TopLevelMixin | None = None) -> None:
    """Download buttons: the table as CSV and Excel, the chart as PNG and SVG. Files are made
    only when a button is pressed."""
    stem = exports.file_stem(name)
    buttons: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        ("download_csv", lambda: exports.csv_bytes(table), "csv", exports.CSV_MIME),
        ("download_xlsx", lambda: exports.xlsx_bytes(table, sheet=stem), "xlsx", exports.XLSX_MIME),
    ]
    if chart is not None:
        buttons += [
            ("download_png", lambda: exports.chart_png(charts.readable(chart)), "png", "image/png"),
            (
                "download_svg",
                lambda: exports.chart_svg(charts.readable(chart)),
                "svg",
                "image/svg+xml",
            ),
        ]
    for column, (label, make, suffix, mime) in zip(st.columns(len(buttons)), buttons, strict=True):
        with column:
            st.download_button(
                t(label),
                data=make,
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"download:{name}:{suffix}",  # the whole name: stems are cut at 80
                on_click="ignore",
                icon=":material/download:",
            )


def privacy_and_rollup_note() -> None:
    """Say how figures are rolled up and which ones privacy hides."""
    limits = privacy.thresholds()
    st.caption(t("rollup_note"))
    st.caption(t("privacy_note", k=limits.min_respondents, r=limits.min_reflections))


def too_few(message_key: str = "too_few_all", **params: object) -> None:
    """The mark shown instead of a figure that privacy hides."""
    st.info(t(message_key, **params), icon=":material/visibility_off:")


# Markdown's special characters, and ':', '.' and '@', so that no address becomes an autolink
# (https://…, www.…, name@host).
_LABEL_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:.@])")


def label_literal(text: str) -> str:
    """Free text inside a widget label (which Streamlit reads as markdown), escaped so it shows
    as written: no links (not even a bare address), no images, no formatting."""
    return _LABEL_MARKDOWN.sub(r"\\\1", text)


def plain_text(text: str) -> None:
    """Free text from users is shown as text, never as markdown or HTML."""
    st.text(text)


def flash(message_key: str | None = None, **params: object) -> None:
    """Remember a success message to show after the next rerun."""
    st.session_state["_flash"] = t(message_key, **params) if message_key else None


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message)


def bullet_list(lines: Iterable[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))
