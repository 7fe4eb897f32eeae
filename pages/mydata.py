"""My data: everything stored about the signed-in person, as a download."""

import streamlit as st

from dtmaturity.services import personaldata
from dtmaturity.web import ui

ctx = ui.page()
st.title(ui.t("page_mydata"), anchor=False)
st.write(ui.t("mydata_intro"))
ui.plain_text(ui.t("mydata_person", person=ctx.actor.user_id))
st.download_button(
    ui.t("mydata_download"),
    data=lambda: personaldata.export_person(ctx),
    file_name="my-data.zip" if ctx.lang == "en" else "mine-data.zip",
    mime="application/zip",
    key="mydata_download",
    on_click="ignore",
    icon=":material/download:",
)
st.caption(ui.t("mydata_erasure"))
