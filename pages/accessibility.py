"""Accessibility statement: what is tested for universal design (WCAG 2.1 AA) and what is known
to fall short."""

import streamlit as st

from dtmaturity.web import ui

ctx = ui.page()
st.title(ui.t("page_accessibility"), anchor=False)
st.markdown(ui.t("a11y_intro"))
st.info(ui.t("a11y_status"), icon=":material/accessibility:")
for heading, body in (
    ("a11y_tested_heading", "a11y_tested"),
    ("a11y_gaps_heading", "a11y_gaps"),
    ("a11y_feedback_heading", "a11y_feedback"),
):
    st.header(ui.t(heading), anchor=False)
    st.markdown(ui.t(body))
