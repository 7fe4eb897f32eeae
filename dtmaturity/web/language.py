"""The UI language: which one this session reads (the session's choice, `?lang=` in the address,
the person's remembered choice, the deployment's default), the sidebar switch, and catalogue
texts, numbers and dates in it."""

from __future__ import annotations

import json

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dtmaturity.domain import formats, i18n, settings
from dtmaturity.services import people
from dtmaturity.services.context import Context
from dtmaturity.web.assets import asset

# Sets the document's language to the code it is called with (our own code, never user input).
_DOCUMENT_LANGUAGE_JS = asset("document_language.js")


LANG_KEY = "lang"  # the language switch widget


LANG_STORE = "_lang"  # the chosen language; outlives page switches, unlike widget state


LANG_CHOSEN = "_lang_chosen"  # the person picked it in this session (to remember it for them)


LANG_FROM_ADDRESS = "_lang_from_address"  # the first address of the session named a language


LANG_RESTORED = "_lang_restored"  # a signed-in person's remembered language has been applied


_last_language = [i18n.DEFAULT_LANGUAGE]


def _deployment_language() -> str:
    """DTMATURITY_DEFAULT_LANGUAGE, or bokmål when it is unset or not a language of the app
    (that mistake is reported on the page by `context`)."""
    try:
        return settings.default_language()
    except i18n.LanguageSettingError:
        return i18n.DEFAULT_LANGUAGE


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


def remembered_language(ctx: Context) -> Context:
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


def language_choice(label_key: str, *, default: str, key: str) -> str:
    """A select box of the languages something can be made in (a report, a message preview),
    labelled by the catalogue text `label_key`, `default` chosen at first; the chosen
    language's code."""
    languages = list(i18n.LANGUAGES)
    return st.selectbox(
        t(label_key),
        languages,
        index=languages.index(default),
        format_func=i18n.LANGUAGES.get,
        key=key,
    )


def mark_document_language() -> None:
    """Tell browsers and screen readers which language the page is in (WCAG 3.1.1).

    Streamlit's page always says `<html lang="en">`, so a screen reader would read the bokmål
    UI with English pronunciation. The value is one of our own language codes, never user input.
    """
    code = json.dumps(lang() if lang() in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    st.sidebar.html(
        f"<script>{_DOCUMENT_LANGUAGE_JS}({code});</script>", unsafe_allow_javascript=True
    )
