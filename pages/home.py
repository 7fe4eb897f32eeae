"""Start page: what the app is for, the database's contents, and the demo organisation."""

import streamlit as st

from dtmaturity.services import demo, stats
from dtmaturity.web import round_widgets, ui

ctx = ui.page()


def create_demo() -> None:
    summary = demo.create(ui.context())
    ui.flash("demo_created", units=summary.units, checkins=summary.checkins)


def remove_demo() -> None:
    demo.remove(ui.context())
    ui.flash("demo_removed")


st.title(ui.t("app_title"))
st.write(ui.t("home_intro"))
ui.show_flash()
round_widgets.due_links(ctx)  # what open rounds ask of this leader, linked

counts = stats.counts(ctx)
st.caption(ui.t_as_text("home_counts", **counts))

may_manage_demo = ui.is_admin(ctx)  # the demo service refuses anyone else
if counts["units"] == 0:
    st.info(ui.t("home_empty"))
    if may_manage_demo:
        st.button(ui.t("demo_create"), key="demo_create", type="primary", on_click=create_demo)
else:
    st.markdown(ui.t("home_next"))
    if demo.has_demo(ctx):
        st.info(ui.t("demo_present"))
        if may_manage_demo:
            ui.confirmed_button(
                ui.t("demo_remove"),
                key="demo_remove",
                question=lambda: ui.t("demo_remove_question", **demo.removal_counts(ctx)),
                yes=ui.t("demo_remove_yes"),
                on_confirm=remove_demo,
            )
