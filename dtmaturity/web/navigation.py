"""The app's navigation: run the page the visitor asked for, and say in words (never a
traceback) why it cannot be shown."""

from __future__ import annotations

import streamlit as st

from dtmaturity.domain.access import AccessDenied
from dtmaturity.store import StoreError
from dtmaturity.web import ui


def run(pages: list) -> None:
    """Run `st.navigation(pages)`: a refusal of the access rules and a failed write (a full
    disk, a lost file) end the page with a message."""
    try:
        st.navigation(pages).run()
    except AccessDenied as denied:
        st.error(ui.t_as_text(denied.key, **denied.params), icon=":material/lock:")
    except StoreError as failed:
        st.error(ui.t("database_write_failed"), icon=":material/error:")
        st.code(str(failed), language=None)
