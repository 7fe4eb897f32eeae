"""dtmaturity: the Streamlit entry point. Page config, who is signed in, navigation."""

import streamlit as st

from dtmaturity.web import navigation, ui

# The icon is our own file: a Material icon here would be fetched from Google's font server by
# every visitor's browser (tests/e2e/test_browser_hostile.py allows no request to another host).
st.set_page_config(page_title="dtmaturity", page_icon=ui.ICON, layout="wide")
ctx = ui.context()  # framework valid, database migrated, the acting person known (or stop)

PAGES = [
    ("home", "page_home", ":material/home:"),
    ("checkin", "page_checkin", ":material/edit_note:"),
    ("unit", "page_unit", ":material/show_chart:"),
    ("overview", "page_overview", ":material/grid_view:"),
    ("meeting", "page_meeting", ":material/co_present:"),
    ("import", "page_import", ":material/upload_file:"),
    ("rounds", "page_rounds", ":material/event_repeat:"),
    ("admin", "page_admin", ":material/admin_panel_settings:"),
    ("mydata", "page_mydata", ":material/badge:"),
    ("about", "page_about", ":material/info:"),
    ("accessibility", "page_accessibility", ":material/accessibility:"),
]
pages = [
    st.Page(f"pages/{name}.py", title=ui.t(title), icon=icon, default=name == "home")
    for name, title, icon in PAGES
    if ui.shows_page(ctx, name)
]
navigation.run(pages)  # a refusal or a failed write: said in words, never a traceback
