"""Start page: what the app is for, the database's contents, and the demo organisation."""

import streamlit as st

from dtmaturity.services import demo, stats
from dtmaturity.web import round_widgets, ui

ctx = ui.page()


def create_demo() -> None:
    summary = demo.create(ui.context())
    ui.flash(
        "demo_created",
        place="demo",
        units_counted=ui.counted("n_units", summary.units),
        checkins_counted=ui.counted("n_checkins", summary.checkins),
    )


def remove_demo() -> None:
    demo.remove(ui.context())
    ui.flash("demo_removed", place="demo")


def demo_question(counts: dict[str, int]) -> str:
    return ui.t(
        "demo_remove_question",
        units_counted=ui.counted("n_units", counts["units"]),
        checkins_counted=ui.counted("n_checkins", counts["checkins"]),
        actions_counted=ui.counted("n_actions", counts["actions"]),
    )


st.title(ui.t("app_title"), anchor=False)
st.write(ui.t("home_intro"))
round_widgets.due_links(ctx)  # what open rounds ask of this leader, linked

counts = stats.counts(ctx)
st.caption(
    ui.t_as_text(
        "home_counts",
        units_counted=ui.counted("n_units", counts["units"]),
        checkins_counted=ui.counted("n_checkins", counts["checkins"]),
        answers_counted=ui.counted("n_answers", counts["answers"]),
    )
)

may_manage_demo = ui.is_admin(ctx)  # the demo service refuses anyone else
if counts["units"] == 0:
    st.info(ui.t("home_empty"))
    if may_manage_demo:
        st.button(ui.t("demo_create"), key="demo_create", type="primary", on_click=create_demo)
else:
    st.write(ui.t("home_next"))
    # Links, not bold page names to look for in the menu.
    if ui.shows_page(ctx, "checkin"):
        st.page_link("pages/checkin.py", label=ui.t("home_next_checkin"))
    if ui.shows_page(ctx, "unit"):
        st.page_link("pages/unit.py", label=ui.t("home_next_unit"))
    if demo.has_demo(ctx):
        # Only those who may remove the demo are told it can be removed.
        st.info(ui.t("demo_present" if may_manage_demo else "demo_present_viewer"))
        if may_manage_demo:
            ui.confirmed_button(
                ui.t("demo_remove"),
                key="demo_remove",
                question=lambda: demo_question(demo.removal_counts(ctx)),
                yes=ui.t("demo_remove_yes"),
                on_confirm=remove_demo,
            )
ui.show_flash("demo", focus=True)  # beside the demo buttons, in view
