"""About the model: the wheel, the competencies, the roles, the scales, and how to adapt them."""

import streamlit as st

from dtmaturity.web import ui

ctx = ui.page()
fw = ctx.framework
lang = ctx.lang
st.title(ui.t("page_about"), anchor=False)
st.write(ui.as_text(fw.name[lang]))
st.caption(ui.as_text(fw.note[lang]))
# Not a caption: links in captions are drawn faded, below WCAG's 4.5:1 contrast.
st.markdown(
    ui.t_as_text("about_source", source=fw.source[lang])
    + (f" — {ui.link(fw.source_url, fw.source_url)}" if fw.source_url else "")
)

for heading, entries, lens in (
    ("about_wheel", fw.themes, "wheel"),
    ("about_competencies", fw.competencies, "competencies"),
    ("about_roles", fw.roles, "roles"),
):
    st.header(ui.t(heading), anchor=False)
    text_col, question_col = st.columns([3, 1])
    with text_col:
        for entry in entries:
            st.markdown(
                f"**{ui.as_text(entry.name[lang])}** — {ui.as_text(entry.description[lang])}"
            )
            st.caption(
                ui.as_text(
                    ui.t("about_status", status=entry.status[lang]) + " · " + entry.source[lang]
                )
            )
    with question_col:
        ui.questions_beside(ctx, lens)

st.header(ui.t("about_scales"), anchor=False)
for scale in fw.scales:
    st.subheader(ui.as_text(scale.name[lang]), anchor=False)
    ui.bullet_list(f"{lv.value} – {lv.label[lang]}: {lv.description[lang]}" for lv in scale.levels)

st.header(ui.t("about_adapt_heading"), anchor=False)
st.markdown(ui.t("about_adapt"))
st.caption(ui.t_as_text("about_version", id=fw.id, version=fw.version))
if ui.is_admin(ctx):  # where the server keeps its files is for those who run it
    st.caption(ui.t_as_text("about_framework_file", path=fw.path))
