"""Import page: coordinators upload CSV files, workbooks and survey-tool exports, see which tool
was recognised, how each column is read (and change it), every problem and a preview, then
import."""

import pandas as pd
import streamlit as st

from dtmaturity.domain.dates import DATE_ORDERS
from dtmaturity.domain.importformat import GENERAL_COMMENT, IGNORE, mapping_targets, normalise
from dtmaturity.services import imports, units, workbooks
from dtmaturity.web import ui

ctx = ui.page()
st.title(ui.t("page_import"), anchor=False)
st.write(ui.t("import_intro"))
st.caption(ui.t_as_text("import_limit", mb=st.get_option("server.maxUploadSize")))

with st.expander(ui.t("import_help_heading"), icon=":material/help:"):
    st.markdown(ui.t("import_help"))  # our own catalogue text: no data in it
st.caption(ui.t("import_templates"))
# A row that wraps, each button as wide as its label (columns cut the labels off).
templates = st.container(horizontal=True)
for file_format in imports.TEMPLATE_FORMATS:
    templates.download_button(
        ui.t(f"template_{file_format}"),
        imports.template(file_format),
        file_name=f"dtmaturity-{file_format}.csv",
        mime="text/csv",
        key=f"template_{file_format}",
        width="content",
    )


def save_mapping(headers: tuple[str, ...], saved: dict[str, str], keys: dict[str, str]) -> None:
    chosen = {header: st.session_state.get(key) for header, key in keys.items()}
    chosen = {header: target for header, target in chosen.items() if target}
    imports.save_mapping(
        ui.context(),
        headers,
        {**saved, **chosen},
        date_order=st.session_state.get("date_order_choice"),
    )
    ui.flash("mapping_saved", place="mapping")


def run_import(
    data: bytes,
    name: str,
    headers: tuple[str, ...],
    saved: dict[str, str],
    sheet: str | None,
    file_id: str,
) -> None:
    skip = bool(st.session_state.get("skip_invalid"))
    order = st.session_state.get("date_order_choice")
    written = imports.run_upload(
        ui.context(), data, name, skip_invalid=skip, date_order=order, sheet=sheet
    )
    chosen = written.date_order if written.date_order_chosen else None
    if chosen and written.layout_ok and chosen != saved.get(imports.DATE_ORDER_KEY):
        # The date order asked for this header set is remembered for the next file.
        imports.save_mapping(ui.context(), headers, saved, date_order=chosen)
    if written.written:
        # This upload is done: the page shows the outcome where its preview and button were,
        # not a recomputed preview ("0 nye … 41 uendrede") beside a live button.
        st.session_state["imported_file"] = file_id
        ui.flash(
            "import_done", place="import", id=written.import_id, summary=written.summary(ui.lang())
        )
    else:
        st.session_state["import_errors"] = [p.line(name, ui.lang()) for p in written.problems]


def undo_effects(entry: imports.LogEntry, counts: dict[str, int]) -> str:
    """What an undo does (or did), from the store's counts: values, units, or both."""
    units = entry.file_format == "units" or any(counts.get(k) for k in UNIT_COUNTS)
    values = entry.file_format != "units" or any(counts.get(k) for k in VALUE_COUNTS)
    parts = [ui.t("undo_effect_values", **counts)] if values else []
    if units:
        parts.append(ui.t("undo_effect_units", **counts))
    return " ".join(parts)


VALUE_COUNTS = ("restored", "removed", "kept")
UNIT_COUNTS = ("units_restored", "units_removed", "units_kept")


def undo_question(entry: imports.LogEntry) -> str:
    try:
        counts = imports.undo_preview(ui.context(), entry.import_id)
    except imports.UndoError as exc:
        return ui.t("undo_refused", reason=ui.t(exc.key, **exc.params))
    return ui.t(
        "undo_question",
        id=entry.import_id,
        file=entry.file_name,
        effects=undo_effects(entry, counts),
    )


def undo_option(entry: imports.LogEntry) -> str:
    """An import as the undo picker names it: file, Oslo time, who, and its counts."""
    units = entry.file_format == "units"
    summary = ", ".join(
        [
            ui.counted("n_new", entry.units_new if units else entry.new),
            ui.counted("n_updated", entry.units_updated if units else entry.updated),
        ]
    )
    return ui.t(
        "undo_option",
        id=entry.import_id,
        file=entry.file_name,
        when=ui.date_time(entry.imported_at),
        who=entry.actor,
        summary=summary,
    )


def undo_import(entry: imports.LogEntry) -> None:
    try:
        counts = imports.undo(ui.context(), entry.import_id)
    except imports.UndoError as exc:
        st.session_state["undo_outcome"] = ("error", ui.t(exc.key, **exc.params))
        return
    effects = undo_effects(entry, counts)
    ui.flash("undo_done", place="undo", id=entry.import_id, effects=effects)


upload = st.file_uploader(ui.t("upload_label_any"), key="import_file")
if upload is not None and st.session_state.get("imported_file") == upload.file_id:
    ui.show_flash("import", focus=True)
    st.info(ui.t("import_next_file"), icon=":material/upload_file:")
elif upload is not None:
    data, name = upload.getvalue(), upload.name
    if st.session_state.get("date_order_file") != upload.file_id:
        # A date order answers one file's question: never carried over to the next file.
        st.session_state.pop("date_order_choice", None)
        st.session_state["date_order_file"] = upload.file_id
    sheets = workbooks.sheet_names(data)
    if len(sheets) > 1:  # the first sheet unless the coordinator picks another
        st.selectbox(ui.t("import_sheet_label"), sheets, key="import_sheet")
    sheet = st.session_state.get("import_sheet") if len(sheets) > 1 else None
    order = st.session_state.get("date_order_choice")
    result = imports.run_upload(ctx, data, name, dry_run=True, date_order=order, sheet=sheet)
    if result.file_format:
        st.info(
            ui.as_text(ui.tn(
                "import_detected",
                result.rows_total,
                name=name,
                format=ui.t(f"format_{result.file_format}"),
                dialect=result.dialect,
            ))
            # Rows are counted when the file is read, after its header is understood.
            if result.layout_ok or not result.problems
            else ui.t_as_text(
                "import_detected_header",
                name=name,
                format=ui.t(f"format_{result.file_format}"),
                dialect=result.dialect,
            )
        )  # fmt: skip
    if result.tool:
        st.info(ui.t("import_tool_detected", tool=ui.t(f"tool_{result.tool}")))
    if result.period_from_timestamp and result.period_column:
        st.caption(ui.t_as_text("import_period_from", column=result.period_column))
    for note in result.notes(ctx.lang):  # rows and columns of a sheet left out, and why
        ui.plain_text(note)
    if result.needs_date_order or result.date_order_chosen:
        st.radio(
            ui.t("date_order_label"),
            list(DATE_ORDERS),
            index=None,
            format_func=lambda choice: ui.t(f"date_order_{choice}"),
            key="date_order_choice",
        )
    saved = {k: v for k, v in result.saved_mapping.items() if k != imports.DATE_ORDER_KEY}
    targets = mapping_targets(ctx.framework)
    keys: dict[str, str] = {}
    if result.mapping and result.file_format == "wide":
        st.subheader(ui.t("mapping_current_heading"), anchor=False)
        st.caption(ui.t("mapping_current_help"))
        rows = [
            {
                ui.t("col_header"): header,
                ui.t("col_read_as"): ui.t("import_column_ignored")
                if target == IGNORE and normalise(header) not in saved
                else imports.target_label(ctx, target),
                ui.t("col_source"): ui.t(
                    "mapping_source_saved" if normalise(header) in saved else "mapping_source_auto"
                ),
            }
            for header, target in result.mapping.items()
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        for number, (header, target) in enumerate(result.mapping.items()):
            if normalise(header) not in saved and header != result.auto_comment:
                continue  # choices saved, and the free text read as the comment, can change
            keys[header] = f"remap_{number}_{header}"
            st.selectbox(
                ui.t_as_text("mapping_column", header=header),
                targets,
                index=targets.index(target) if target in targets else None,
                format_func=lambda target: imports.target_label(ctx, target),
                key=keys[header],
            )
    if result.unknown_headers:
        st.subheader(ui.t("mapping_heading"), anchor=False)
        st.caption(ui.t("mapping_help"))
        for number, header in enumerate(result.unknown_headers):
            keys[header] = f"map_{number}_{header}"
            # What the column's values suggest comes first: a date column as the quarter's
            # source, free text as the general comment or ignored.
            first = (["period"] if header in result.date_headers else []) + (
                [GENERAL_COMMENT, IGNORE] if header in result.free_text_headers else []
            )
            st.selectbox(
                ui.t_as_text("mapping_column", header=header),
                first + [target for target in targets if target not in first],
                index=None,
                format_func=lambda target: imports.target_label(ctx, target),
                placeholder=ui.t("mapping_choose"),
                key=keys[header],
            )
            if examples := result.samples.get(header):
                ui.plain_text(ui.t("mapping_examples", values=" · ".join(examples)))
    if keys:
        st.button(
            ui.t("mapping_save"),
            key="mapping_save",
            on_click=save_mapping,
            args=(result.headers, result.saved_mapping, keys),
        )
        ui.show_flash("mapping", focus=True)

    if result.preview:
        st.subheader(ui.t("preview_heading"), anchor=False)
        st.write(ui.as_text(result.summary(ctx.lang)))
        unit_names = {unit: label.strip() for unit, label in units.labels(ctx).items()}
        preview = pd.DataFrame(imports.preview_table(result, ctx.lang, unit_names))
        st.dataframe(preview, hide_index=True, width="stretch")
        ui.downloads(preview, name=f"{ui.t('preview_heading')} {name}")
    st.subheader(ui.t("problems_heading", count=len(result.problems)), anchor=False)
    if result.problems:
        problems = pd.DataFrame(imports.problems_table(result, ctx.lang))
        st.dataframe(
            problems,
            hide_index=True,
            width="stretch",
            # The reason is the widest: it gets the room (and the full text on hover).
            column_config={
                ui.t("col_row"): st.column_config.NumberColumn(width="small"),
                ui.t("col_column"): st.column_config.TextColumn(width="small"),
                ui.t("col_value"): st.column_config.TextColumn(width="small"),
                ui.t("col_problem"): st.column_config.TextColumn(width="large"),
            },
        )
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
        args=(data, name, result.headers, result.saved_mapping, sheet, upload.file_id),
    )
    for message in st.session_state.pop("import_errors", []):  # a refused import, beside it
        st.error(ui.as_text(message))

st.header(ui.t("import_log_heading"), anchor=False)
entries = imports.log(ctx)
if not entries:
    st.caption(ui.t("import_log_empty"))
else:
    log_table = pd.DataFrame(imports.log_table(entries, ctx.lang))
    st.dataframe(log_table, hide_index=True, width="stretch")
    ui.downloads(log_table, name=ui.t("import_log_heading"))
    undoable = [e.import_id for e in entries if e.undone_at is None]  # newest first
    if undoable:
        by_id = {e.import_id: e for e in entries}
        # The latest import is the one offered, also right after a new one (the picker would
        # keep the earlier choice).
        if st.session_state.get("undo_latest") != undoable[0]:
            st.session_state["undo_latest"] = undoable[0]
            st.session_state["undo_id"] = undoable[0]
        if st.session_state.get("undo_id") not in by_id:
            st.session_state["undo_id"] = undoable[0]
        st.selectbox(
            ui.t("undo_choose"),
            undoable,
            key="undo_id",
            format_func=lambda import_id: undo_option(by_id[import_id]),
        )
        chosen = by_id[st.session_state["undo_id"]]
        ui.confirmed_button(
            ui.t("undo_button"),
            key="undo_run",
            question=lambda: undo_question(chosen),
            yes=ui.t("undo_yes", id=chosen.import_id),
            on_confirm=undo_import,
            args=(chosen,),
        )
ui.show_flash("undo", focus=True)  # next to the button pressed
if outcome := st.session_state.pop("undo_outcome", None):
    st.error(ui.as_text(outcome[1]))
