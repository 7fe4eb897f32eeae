"""Import page: coordinators upload CSV batches, see every problem and a preview, then import."""

import pandas as pd
import streamlit as st

from dtmaturity.domain.importformat import mapping_targets
from dtmaturity.services import imports
from dtmaturity.web import ui

ctx = ui.page()
st.title(ui.t("page_import"))
st.write(ui.t("import_intro"))
st.caption(ui.t("import_limit", mb=st.get_option("server.maxUploadSize")))
ui.show_flash()

st.caption(ui.t("import_templates"))
template_columns = st.columns(3)
for column, file_format in zip(template_columns, imports.TEMPLATE_FORMATS, strict=True):
    column.download_button(
        ui.t(f"template_{file_format}"),
        imports.template(file_format),
        file_name=f"dtmaturity-{file_format}.csv",
        mime="text/csv",
        key=f"template_{file_format}",
    )


def save_mapping(headers: tuple[str, ...], saved: dict[str, str], keys: dict[str, str]) -> None:
    chosen = {header: st.session_state.get(key) for header, key in keys.items()}
    imports.save_mapping(ui.context(), headers, {**saved, **chosen})
    ui.flash("mapping_saved")


def run_import(data: bytes, name: str) -> None:
    skip = bool(st.session_state.get("skip_invalid"))
    written = imports.run_upload(ui.context(), data, name, skip_invalid=skip)
    if written.written:
        ui.flash("import_done", id=written.import_id, summary=written.summary(ui.lang()))
    else:
        st.session_state["import_errors"] = [p.line(name, ui.lang()) for p in written.problems]


def undo_import() -> None:
    chosen_id = st.session_state["undo_id"]
    try:
        outcome = imports.undo(ui.context(), chosen_id)
        ui.flash("undo_done", id=chosen_id, **outcome)
    except imports.UndoError as exc:
        st.session_state["import_errors"] = [ui.t(exc.key, **exc.params)]


for message in st.session_state.pop("import_errors", []):
    st.error(message)
upload = st.file_uploader(ui.t("upload_label"), key="import_file")
if upload is not None:
    data, name = upload.getvalue(), upload.name
    result = imports.run_upload(ctx, data, name, dry_run=True)
    if result.file_format:
        st.info(
            ui.tn(
                "import_detected",
                result.rows_total,
                name=name,
                format=ui.t(f"format_{result.file_format}"),
                dialect=result.dialect,
            )
        )
    if result.unknown_headers:
        st.subheader(ui.t("mapping_heading"))
        st.caption(ui.t("mapping_help"))
        saved = imports.saved_mapping(ctx, result.headers)
        targets = mapping_targets(ctx.framework)
        keys = {}
        for number, header in enumerate(result.unknown_headers):
            keys[header] = f"map_{number}_{header}"
            st.selectbox(
                ui.t("mapping_column", header=header),
                targets,
                index=None,
                format_func=lambda target: imports.target_label(ctx, target),
                placeholder=ui.t("mapping_choose"),
                key=keys[header],
            )
        st.button(
            ui.t("mapping_save"),
            key="mapping_save",
            on_click=save_mapping,
            args=(result.headers, saved, keys),
        )

    if result.preview:
        st.subheader(ui.t("preview_heading"))
        st.write(result.summary(ctx.lang))
        preview = pd.DataFrame(imports.preview_table(result, ctx.lang))
        st.dataframe(preview, hide_index=True, width="stretch")
        ui.downloads(preview, name=f"{ui.t('preview_heading')} {name}")
    st.subheader(ui.t("problems_heading", count=len(result.problems)))
    if result.problems:
        problems = pd.DataFrame(imports.problems_table(result, ctx.lang))
        st.dataframe(problems, hide_index=True, width="stretch")
        ui.downloads(problems, name=f"{ui.t('problems_file')} {name}")
    else:
        st.success(ui.t("no_problems"))

    skip_invalid = st.toggle(ui.t("skip_invalid"), key="skip_invalid")
    blocked = bool(result.problems) and (not skip_invalid or not result.preview)
    if blocked:
        st.warning(ui.t("import_blocked"))
    st.button(
        ui.t("import_button"),
        type="primary",
        disabled=blocked,
        key="import_run",
        on_click=run_import,
        args=(data, name),
    )

st.header(ui.t("import_log_heading"))
entries = imports.log(ctx)
if not entries:
    st.caption(ui.t("import_log_empty"))
else:
    st.dataframe(imports.log_table(entries, ctx.lang), hide_index=True, width="stretch")
    undoable = [e.import_id for e in entries if e.undone_at is None]
    if undoable:
        st.selectbox(ui.t("undo_choose"), undoable, key="undo_id")
        st.button(ui.t("undo_button"), key="undo_run", on_click=undo_import)
