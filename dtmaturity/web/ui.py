"""Streamlit glue shared by the pages: the cached runtime, the acting context, language, and
small rendering helpers. Holds no SQL and no business rules."""

from __future__ import annotations

import contextlib
import importlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dtmaturity import charts
from dtmaturity.domain import access, authn, formats, i18n, privacy, settings
from dtmaturity.domain.framework import Framework, FrameworkError, framework_path
from dtmaturity.services import exports, people, runtime, scheduler, units
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store, StoreError, default_db_path

ICON = str(Path(__file__).with_name("icon.png"))  # the browser tab's icon, served by the app
LANG_KEY = "lang"  # the language switch widget
LANG_STORE = "_lang"  # the chosen language; outlives page switches, unlike widget state
LANG_CHOSEN = "_lang_chosen"  # the person picked it in this session (to remember it for them)
LANG_FROM_ADDRESS = "_lang_from_address"  # the first address of the session named a language
LANG_RESTORED = "_lang_restored"  # a signed-in person's remembered language has been applied


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


_last_language = [i18n.DEFAULT_LANGUAGE]


def _deployment_language() -> str:
    """DTMATURITY_DEFAULT_LANGUAGE, or bokmål when it is unset or not a language of the app
    (that mistake is reported on the page by `context`)."""
    try:
        return settings.default_language()
    except i18n.LanguageSettingError:
        return i18n.DEFAULT_LANGUAGE


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
    store, framework = _runtime(db_path, framework_file)
    runtime.warm(store, framework)


def lang() -> str:
    """The UI language: the choice made in this session, else `?lang=` in the address, else
    the deployment's default (DTMATURITY_DEFAULT_LANGUAGE, else bokmål). A signed-in person's
    remembered choice is applied by `page` once it knows who they are."""
    if get_script_run_ctx() is None:
        # Outside a script run there is no session (AppTest formats a select box's options
        # after the run): the language of the run that made the widget.
        return _last_language[0]
    if LANG_STORE not in st.session_state:
        asked = st.query_params.get("lang")
        st.session_state[LANG_FROM_ADDRESS] = asked in i18n.LANGUAGES
        st.session_state[LANG_STORE] = asked if asked in i18n.LANGUAGES else _deployment_language()
    _last_language[0] = st.session_state[LANG_STORE]
    return st.session_state[LANG_STORE]


def t(key: str, **params: object) -> str:
    """A catalogue text in the UI language; a quarter in it is named as people read it
    (`3. kvartal 2026`, not the id `2026-Q3`, which stays in data, files and addresses)."""
    return i18n.t(lang(), key, **_shown(params))


def _shown(params: dict[str, object]) -> dict[str, object]:
    return {
        name: formats.quarter(value, lang()) if isinstance(value, str) else value
        for name, value in params.items()
    }


def mean(value: object) -> str:
    """A mean as people read it in the UI language (`3,1`; `–` when missing)."""
    return formats.mean(value, lang())


def count(value: int) -> str:
    """A whole number with the UI language's thousands grouping (`10 055`)."""
    return formats.number(value, lang(), decimals=0)


def date_time(value: object) -> str:
    """A moment in the UI language (`15. desember 2026, 09:41`); empty when missing."""
    return "" if value is None else formats.date_time(value, lang())


def change(value: object) -> str:
    """A signed difference in the UI language (`+0,25`)."""
    return formats.change(value, lang())


# How a date field shows its date: the Norwegian way (the language of most users; Streamlit
# takes one fixed format per field, set before the language is known to the widget).
DATE_INPUT = "DD.MM.YYYY"


def counted(key: str, count: int) -> str:
    """A number with its noun in the right form in the UI language (`1 enhet`, `2 enheter`)."""
    return i18n.counted(lang(), key, count)


def tn(key: str, count: int, **params: object) -> str:
    """A text with plural forms, chosen by `count` as the UI language's grammar asks."""
    return i18n.tn(lang(), key, count, **_shown(params))


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
    try:
        settings.default_language()
    except i18n.LanguageSettingError as exc:
        _refuse("language_setting_broken", exc)
    return Context(actor=_actor(store, auth), store=store, framework=framework, lang=lang())


def _refuse(message_key: str, reason: Exception) -> NoReturn:
    """Stop the page: what is wrong in words, and the technical reason for whoever runs it."""
    st.error(t(message_key))
    st.code(str(reason), language=None, wrap_lines=True)
    _stop_on_this_page()


def _stop_on_this_page() -> NoReturn:
    """Stop the run on a page that is the only one: no menu (without st.navigation, Streamlit
    would list the files of pages/ as one: "app, about, admin, checkin, …"), and the language
    picker, so a visitor who is not let in can still read the page in their language."""
    st.navigation([st.Page(_nothing, title="dtmaturity", url_path="start")], position="hidden")
    language_picker()
    mark_document_language()
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises; this satisfies NoReturn


def _nothing() -> None:
    """The stopped page's only entry: never run (the run stops before)."""


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
    """The [auth] section, checked (authn.check_auth); None when sign-in is not configured.
    The secrets files are checked first (authn.check_secrets_files): one that exists but
    yields no valid sign-in raises SignInSettingError, as in `dtmaturity.web.serve`."""
    files = list(st.get_option("secrets.files"))
    named = st_config.is_manually_set("secrets.files")  # and not just the default places:
    named = named and files != st_config.get_config_files("secrets.toml")
    authn.check_secrets_files(files, named=named)
    auth = _secrets_section("auth")
    if auth is not None:
        authn.check_auth(auth)
    return auth


def _configured_admins() -> frozenset[str]:
    """The first admins: DTMATURITY_ADMINS (comma-separated e-mails or subjects) and
    `admins = [...]` under [dtmaturity] in secrets.toml."""
    listed = list(settings.current().admins)
    listed += list((_secrets_section("dtmaturity") or {}).get("admins", []))
    # E-mails match in any case, subjects exactly (people.actor_for), so no case folding here.
    return frozenset(str(a).strip() for a in listed)


def _actor(store: Store, auth: dict | None) -> Actor:
    """Who is acting: the signed-in person with their roles, or the local user when sign-in
    is not configured. Stops the page for a visitor who is not signed in or not registered."""
    if auth is None:
        if authn.is_production():
            st.error(t("production_local_mode"))
            _stop_on_this_page()
        return local_actor()
    if not st.user.is_logged_in:
        st.title(t("signin_title"), anchor=False)
        st.write(t("signin_text"))
        st.button(t("signin_button"), type="primary", on_click=st.login, key="signin")
        _stop_on_this_page()
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
        st.title(t("unknown_person_title"), anchor=False)
        # Identities from the provider are shown as plain text (no links, no formatting).
        st.text(t("unknown_person_who", who=claims.get("email") or claims.get("sub")))
        st.write(t("unknown_person_text"))
        st.button(t("signout_button"), on_click=st.logout, key="signout")
        _stop_on_this_page()
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
    ctx = _remembered_language(ctx)
    local_mode_banner(ctx)
    return ctx


def _remembered_language(ctx: Context) -> Context:
    """A signed-in person's language: a choice made now is stored with them; a new session
    opens in the one they chose last (unless its address names a language, as a shared link
    may)."""
    if ctx.actor.local_mode:
        return ctx
    if st.session_state.pop(LANG_CHOSEN, False):
        people.remember_language(ctx, lang())
        st.session_state[LANG_RESTORED] = True
        return ctx
    if st.session_state.get(LANG_RESTORED):
        return ctx
    st.session_state[LANG_RESTORED] = True
    remembered = people.remembered_language(ctx)
    if remembered and remembered != lang() and not st.session_state.get(LANG_FROM_ADDRESS):
        st.session_state[LANG_STORE] = remembered
        st.query_params["lang"] = remembered
        st.rerun()
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
    st.session_state[LANG_CHOSEN] = True


def keep_language_in_address() -> None:
    """Write the language into the address (`?lang=nn`), so a reload, a bookmark or a shared
    link opens in the same language (page switches drop the query string)."""
    if st.query_params.get("lang") != lang():
        st.query_params["lang"] = lang()


def language_picker() -> None:
    st.session_state[LANG_KEY] = lang()
    keep_language_in_address()
    st.sidebar.radio(
        i18n.t(lang(), "language_label"),
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
    # One element holding one list: fewer elements for the browser to draw, and a screen reader
    # hears one list of so many questions rather than a list of one for each.
    questions = ctx.framework.questions_for(lens)
    st.markdown(
        f"**{t('questions_beside')}**\n\n"
        + "\n".join(f"- {as_text(question.text[ctx.lang])}" for question in questions)
    )


def chart_with_table(
    drawing: charts.Recipe,
    table: pd.DataFrame,
    *,
    summary: str,
    columns: dict[str, str],
    name: str,
) -> None:
    """A chart with a text alternative, its figures one click away as a table, and downloads of
    both. Hidden figures (too few answers) are marked in the table."""
    st.vega_lite_chart(
        charts.spec_of(drawing, lang()), width="stretch", height="content", alt=summary
    )
    st.caption(as_text(summary))
    shown = table_for_people(table, columns)
    table_behind_expander(shown, name=name)
    downloads(shown, name=name, chart=drawing)


def table_behind_expander(table: pd.DataFrame, *, name: str) -> None:
    """A table one click away. It is drawn only once opened: a closed expander holds no data
    grid, so a page with many charts sends and draws far less (opening it reruns only this
    fragment, not the page)."""
    _lazy_table(t("show_table"), table, f"table:{name}")  # the whole name: stems are cut at 80


@st.fragment
def _lazy_table(label: str, table: pd.DataFrame, key: str) -> None:
    with st.expander(as_text(label), key=key, on_change="rerun") as box:
        if box.open:
            dataframe(table)


_SIGNED = re.compile(r"^(change|gap|mean_gap|largest_gap)")
_SHARE = re.compile(r"^(rate|share)$")
_MEAN = re.compile(r"^(mean|target|mean_previous|mean_year_ago|.*_mean)$")


def table_for_people(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The chosen columns under their UI names; a hidden figure says why it is empty. The
    figures stay numbers (for the downloads); `dataframe` shows them as people read them."""
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
    shown = table[list(columns)].rename(columns=columns).reset_index(drop=True)
    shown.attrs["signed"] = [columns[c] for c in columns if _SIGNED.match(c)]
    shown.attrs["share"] = [columns[c] for c in columns if _SHARE.match(c)]
    shown.attrs["mean"] = [columns[c] for c in columns if _MEAN.match(c)]
    return shown


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text in the UI language: means with two decimals (`formats.mean`, the same
    in every row) and the language's decimal sign, changes signed, shares as percentages, whole
    numbers as they are, and an en dash (never None or nan) where a figure is missing."""
    lang_ = lang()
    signed = set(table.attrs.get("signed", []))
    share = set(table.attrs.get("share", []))
    means = set(table.attrs.get("mean", []))
    out = {}
    for column in table.columns:
        values = table[column]
        if column in means:
            out[column] = [formats.mean(v, lang_) for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = [formats.date_time(v, lang_) for v in values]
        elif column in share:
            out[column] = [formats.percent(v, lang_) for v in values]
        elif column in signed:
            out[column] = [formats.change(v, lang_) for v in values]
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna().apply(float.is_integer).all()
            show = formats.number if whole else formats.mean
            out[column] = [show(v, lang_) for v in values]
        elif pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
            out[column] = values
        else:
            out[column] = ["" if _missing(v) else v for v in values]
    return pd.DataFrame(out, index=table.index)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def dataframe(table: pd.DataFrame) -> None:
    """A table on the page, as `readable_table` writes it."""
    st.dataframe(readable_table(table), hide_index=True, width="stretch")


def downloads(table: pd.DataFrame, *, name: str, chart: charts.Recipe | None = None) -> None:
    """Download buttons: the table as CSV and Excel, the chart as PNG and SVG. Files are made
    only when a button is pressed."""
    stem = exports.file_stem(name)
    buttons: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        ("download_csv", lambda: exports.csv_bytes(table), "csv", exports.CSV_MIME),
        ("download_xlsx", lambda: exports.xlsx_bytes(table, sheet=stem), "xlsx", exports.XLSX_MIME),
    ]
    if chart is not None:
        buttons += [
            (
                "download_png",
                lambda: exports.chart_png(charts.readable(chart.chart(), lang())),
                "png",
                "image/png",
            ),
            (
                "download_svg",
                lambda: exports.chart_svg(charts.readable(chart.chart(), lang())),
                "svg",
                "image/svg+xml",
            ),
        ]
    # Behind one button per figure or table: a closed popover's buttons are not drawn (a unit
    # page has 26), and the page reads calmer.
    with st.popover(t("downloads_menu"), icon=":material/download:"):
        for label, make, suffix, mime in buttons:
            st.download_button(
                t(label),
                data=make,
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"download:{name}:{suffix}",  # the whole name: stems are cut at 80
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )


def privacy_and_rollup_note() -> None:
    """Say how figures are rolled up and which ones privacy hides."""
    limits = privacy.thresholds()
    st.caption(t("rollup_note"))
    st.caption(t_as_text("privacy_note", k=limits.min_respondents, r=limits.min_reflections))


def too_few(message_key: str = "too_few_all", **params: object) -> None:
    """The mark shown instead of a figure that privacy hides."""
    st.info(t_as_text(message_key, **params), icon=":material/visibility_off:")


# Every character that can start markdown, HTML, a Streamlit directive (`:red[…]`, `:icon:`) or a
# formula (`$…$`) anywhere in a line (a parenthesis matters only after `]`, escaped). `-`, `+`,
# `.` and `:` are handled by _escape_char.
_ALWAYS = set("\\`*_{}[]#!|<>~$=&@^")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
# Bidirectional embeddings, overrides and isolates: no name needs them (right-to-left letters
# order themselves), and one left open reverses the text after it (a spoofed file name).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i):/|www\.|@")


def _escape_char(text: str, i: int) -> str:
    """The character at `i`, escaped when markdown could read it as markup there."""
    char = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if char in _ALWAYS:
        return "\\" + char
    if char in "-+" and (before.isspace() or after == char):
        return "\\" + char  # a list marker, a rule, a setext heading
    between_digits = before.isdigit() and after.isdigit()
    if char == "." and not between_digits and (after.isalnum() or text[:i].strip().isdigit()):
        return "\\."  # the dot of an address (www.…, name.example), an ordered list
    if char == ":" and not (after.isdigit() or after.isspace()):
        return "\\:"  # a link scheme (https:), an emoji or icon (:name:); keeps 09:41
    return char


def as_text(value: object) -> str:
    """Text from data (a name, a comment, a file name, an e-mail address…) made ready for any
    place that Streamlit reads as markdown (a label, help, caption, message, heading, tab,
    expander, page link, radio option): it shows exactly as written, with no link, no autolink
    (https://…, www.…, name@host), no image, no HTML, no formatting and no line break.

    This is the one way data reaches markup; tests/web/test_text_sinks.py fails on any other.
    Places that show plain text (st.text, tables, select box options, charts, files) take the
    text as it is: there the escapes would show."""
    text = _BIDI.sub("", _LINE_BREAKS.sub(" ", "" if value is None else str(value)))
    # Streamlit's markdown finds bare addresses in the text after escapes are read, so an
    # invisible word joiner goes where each kind would match: `https:⁠//`, `www⁠.`, `name⁠@`.
    text = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + WORD_JOINER + m.group(0)[-1], text)
    return "".join(_escape_char(text, i) for i in range(len(text)))


# The same function under its former name, for code written before it became the only one.
label_literal = as_text


def t_as_text(key: str, **params: object) -> str:
    """A catalogue text with data in it (`t(key, **params)`), as text for a markdown place."""
    return as_text(t(key, **params))


def link(label: str, url: str) -> str:
    """A markdown link to a configured address (never one from data): the label shown as text,
    and only an https address taken."""
    if not re.fullmatch(r"https://[^\s()<>\[\]\\]+", url):
        return as_text(label)
    # Inside a link nothing is autolinked: the label needs its escapes, not the word joiners.
    return f"[{as_text(label).replace(WORD_JOINER, '')}]({url})"


def plain_text(text: str) -> None:
    """Free text from users is shown as text, never as markdown or HTML."""
    st.text(text)


def flash(message_key: str | None = None, *, place: str = "", **params: object) -> None:
    """Remember a success message to show after the next rerun, where `show_flash(place)` is
    called: beside what the person pressed, so the outcome is in view."""
    st.session_state["_flash"] = (place, t(message_key, **params)) if message_key else None


def show_flash(place: str = "", *, focus: bool = False) -> None:
    """The message of the last action made at `place`, if any; with `focus`, the view and the
    keyboard focus move to it (a screen reader reads it)."""
    stored = st.session_state.get("_flash")
    if not stored or stored[0] != place:
        return
    del st.session_state["_flash"]
    key = f"flash_{place or 'page'}"
    with st.container(key=key):
        st.success(as_text(stored[1]))
    if focus:
        count = st.session_state.get("_flash_count", 0) + 1
        st.session_state["_flash_count"] = count
        focus_on(key, field=False, nonce=count)


def lazy_tabs(sections: dict[str, tuple[str, Callable[[], None]]], *, key: str) -> None:
    """Sections as tabs, `{id: (label, draw)}`; only the open tab's section runs and is drawn
    (choosing another reruns the page), so a long page costs what one part of it does.

    The open tab is remembered by its id, so it stays open when the language (and with it the
    label Streamlit keeps) changes, and when the person comes back from another page."""
    # Tab labels are markdown: escaped, and remembered escaped (the value Streamlit keeps).
    labels = {section: as_text(label) for section, (label, _) in sections.items()}
    by_label = {label: section for section, label in labels.items()}
    remembered = f"{key}:id"
    if st.session_state.get(key) in by_label:
        st.session_state[remembered] = by_label[st.session_state[key]]
    elif st.session_state.get(remembered) in labels:
        st.session_state[key] = labels[st.session_state[remembered]]
    tabs = st.tabs([as_text(label) for label, _ in sections.values()], key=key, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                draw()


def bullet_list(lines: Iterable[str]) -> None:
    """A list of texts (names, figures), each shown as written."""
    st.markdown("\n".join(f"- {as_text(line)}" for line in lines))


def _ask(asking: str) -> None:
    st.session_state[asking] = True


def _answer(asking: str, action: Callable[..., None] | None, args: tuple) -> None:
    st.session_state.pop(asking, None)
    if action is not None:
        action(*args)


def confirmed_button(
    label: str,
    *,
    key: str,
    question: Callable[[], str],
    yes: str,
    on_confirm: Callable[..., None],
    args: tuple = (),
    disabled: bool = False,
) -> None:
    """A destructive button in two steps. The first press only asks: a warning says what will
    be deleted, with counts (`question` is called then, so the counts are those of the moment),
    beside "yes" and "cancel" buttons. Only "yes" (key `<key>:yes`) runs `on_confirm(*args)`."""
    if not confirmation(key, question=question, yes=yes, on_confirm=on_confirm, args=args):
        st.button(as_text(label), key=key, on_click=ask_first, args=(key,), disabled=disabled)


def ask_first(key: str) -> None:
    """Make `confirmation(key, ...)` ask on the next run: for an action that is destructive only
    sometimes (a grant over the whole organisation), decided in a form's callback."""
    _ask(f"{key}:asking")


def confirmation(
    key: str,
    *,
    question: Callable[[], str],
    yes: str,
    on_confirm: Callable[..., None],
    args: tuple = (),
) -> bool:
    """The question of `confirmed_button` with its "yes" and "cancel" buttons, drawn while an
    answer is awaited (True then); the one confirmation every destructive action goes through."""
    asking = f"{key}:asking"
    if not st.session_state.get(asking):
        return False
    with st.container(border=True, key=f"{key}:question"):
        st.warning(as_text(question()), icon=":material/warning:")
        yes_col, no_col = st.columns(2)
        yes_col.button(
            as_text(yes), key=f"{key}:yes", type="primary", on_click=_answer,
            args=(asking, on_confirm, args),
        )  # fmt: skip
        no_col.button(
            t("confirm_cancel"), key=f"{key}:no", on_click=_answer, args=(asking, None, ())
        )
    return True


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element container of the widget with key `key`."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


# Finds the target once Streamlit has drawn it (lazily loaded widgets show a placeholder first),
# scrolls it to the middle of the view and moves keyboard focus to it: the first form control
# inside it for a field, the element itself (made focusable) for a message. Checks twice more
# that focus stayed, since Streamlit may still be drawing the rest of the page.
_FOCUS_JS = """
(() => {
  const selector = %(selector)s, field = %(field)s, started = Date.now();
  const controls = 'input:not([type="hidden"]), textarea, [role="combobox"], button';
  function target() {
    const box = document.querySelector(selector);
    if (!box || box.querySelector('[data-testid="stSkeleton"]')) return null;
    if (!field) return box.querySelector('[data-testid="stAlertContainer"]') || box;
    return box.querySelector('input:checked') || box.querySelector(controls);
  }
  // Focus may fall back to the page or to the pressed button while the run is still being
  // drawn, so the focus is checked twice more; but once the person has moved it elsewhere
  // (a link in the error summary, the next field), it is theirs and stays where they put it.
  const before = document.activeElement;
  function place(checks, first) {
    const el = target();
    if (!el) {
      if (Date.now() - started < 15000) setTimeout(() => place(checks, first), 100);
      return;
    }
    const active = document.activeElement;
    const fellBack = !active || active === document.body || active === before;
    if (!first && !fellBack && !el.contains(active)) return;
    if (!el.contains(active)) {
      if (field) {  // the field's label at the top, its message below it in view
        const box = document.querySelector(selector);
        box.style.scrollMarginTop = '5rem';
        box.scrollIntoView({block: 'start'});
      } else {
        if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
        el.scrollIntoView({block: 'center'});
      }
      el.focus({preventScroll: true});
    }
    if (checks > 0) setTimeout(() => place(checks - 1, false), 400);
  }
  place(2, true);
})();
"""


def focus_on(key: str, *, field: bool, nonce: object) -> None:
    """Move the view and keyboard focus to the element with widget or container key `key` once
    this run is drawn (WCAG 2.4.3: focus goes to what changed). `field`: focus the form control
    inside it; otherwise the element itself, so a screen reader reads the message. `nonce` makes
    each request new, so the same target is focused again after a later press."""
    code = _FOCUS_JS % {
        "selector": json.dumps(f".{key_class(key)}"),
        "field": json.dumps(field),
    }
    st.html(
        f"<script data-nonce={json.dumps(str(nonce))}>{code}</script>",
        unsafe_allow_javascript=True,
    )


_SUMMARY_JS = """
// One listener for the document, added once: a summary drawn again (React may replace its
// links at any rerun) needs nothing bound to its new links, and no click can come too early.
if (!window.dtErrorSummaryLinks) {
  window.dtErrorSummaryLinks = true;
  document.addEventListener('click', event => {
    const link = event.target.closest && event.target.closest('[data-dt-field]');
    if (!link) return;
    event.preventDefault();
    const box = document.querySelector('.' + link.dataset.dtField);
    const control = box && (box.querySelector('input:checked')
      || box.querySelector('input:not([type="hidden"]), textarea, [role="combobox"]'));
    if (!control) return;
    box.style.scrollMarginTop = '5rem';
    box.scrollIntoView({block: 'start'});
    control.focus({preventScroll: true});
  });
}
"""


def error_summary(title: str, problems: list[tuple[str, str]]) -> None:
    """The GOV.UK error-summary pattern: a box listing every field in error, each a link that
    moves focus to that field. `problems` are (widget key, text) in page order; texts are
    escaped (they may quote what was typed)."""
    import html

    items = "".join(
        f'<li><a href="#" data-dt-field="{key_class(key)}">{html.escape(text)}</a></li>'
        for key, text in problems
    )
    st.html(
        '<div class="dt-error-summary" role="group" aria-labelledby="dt-error-summary-title">'
        f'<p id="dt-error-summary-title" class="dt-error-summary-title">{html.escape(title)}</p>'
        f"<ul>{items}</ul></div>"
        "<style>"
        ".dt-error-summary{border:4px solid #b3261e;border-radius:.5rem;padding:.75rem 1rem;"
        "margin:.25rem 0 .75rem}"
        ".dt-error-summary-title{font-weight:700;margin:0 0 .5rem;color:#31333f}"
        ".dt-error-summary ul{margin:0;padding-left:1.25rem}"
        ".dt-error-summary a{color:#8c1d18;text-decoration:underline;font-weight:600}"
        "</style>"
        f"<script>{_SUMMARY_JS}</script>",
        unsafe_allow_javascript=True,
    )
