"""dtmaturity: the Streamlit entry point. Page config, language, navigation."""

import streamlit as st

from dtmaturity import ui

st.set_page_config(page_title="dtmaturity", page_icon=":material/trending_up:", layout="wide")
ui.context()  # validates the framework and migrates the database before any page runs

pages = [
    st.Page("pages/home.py", title=ui.t("page_home"), icon=":material/home:", default=True),
    st.Page("pages/checkin.py", title=ui.t("page_checkin"), icon=":material/edit_note:"),
    st.Page("pages/unit.py", title=ui.t("page_unit"), icon=":material/show_chart:"),
    st.Page("pages/overview.py", title=ui.t("page_overview"), icon=":material/grid_view:"),
    st.Page("pages/import.py", title=ui.t("page_import"), icon=":material/upload_file:"),
    st.Page("pages/about.py", title=ui.t("page_about"), icon=":material/info:"),
    st.Page(
        "pages/accessibility.py",
        title=ui.t("page_accessibility"),
        icon=":material/accessibility:",
    ),
]
st.navigation(pages).run()
