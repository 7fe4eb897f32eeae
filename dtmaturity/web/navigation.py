"""The app's navigation: run the page the visitor asked for under app.py's `st.navigation`, say
in words (never a traceback) why it cannot be shown, and stop on a page of its own.

It also holds the one use of a private Streamlit API (`leave_legacy_page_mode`); see there why
there is no public way, and tests/web/test_navigation.py for the test that fails when a
Streamlit upgrade changes what it relies on."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from dtmaturity.domain.access import AccessDenied
from dtmaturity.store import StoreError
from dtmaturity.web.language import language_picker, mark_document_language, t
from dtmaturity.web.text import t_as_text


def run(pages: list) -> None:
    """Run `st.navigation(pages)`: a refusal of the access rules and a failed write (a full
    disk, a lost file) end the page with a message."""
    try:
        st.navigation(pages).run()
    except AccessDenied as denied:
        st.error(t_as_text(denied.key, **denied.params), icon=":material/lock:")
    except StoreError as failed:
        st.error(t("database_write_failed"), icon=":material/error:")
        st.code(str(failed), language=None)


def stop_on_this_page() -> NoReturn:
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


def leave_legacy_page_mode() -> None:
    """Run app.py's st.navigation even when Streamlit entered a page file directly.

    A folder named `pages/` beside app.py makes Streamlit start a fresh process in its legacy
    multipage mode, in which the first visit to an address such as /unit runs pages/unit.py
    without app.py (no page config, wrong navigation). st.navigation switches that mode off
    for good; this makes sure app.py gets to call it before the page renders anything.

    Streamlit has no public way to do this: the mode is decided, once per process, from the
    folder's existence (`PagesManager.uses_pages_directory`), and only the public
    `st.navigation`, called from app.py, clears it; a page that called it itself would replace
    app.py's pages with its own. The design keeps `pages/` (the page scripts app.py lists), so
    the flag is read and cleared here, and nowhere else.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
