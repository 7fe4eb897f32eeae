"""What the Import page and the command line show: the template files, how a mapping target
reads, and the problems, the preview and the log as table rows."""

from __future__ import annotations

from pathlib import Path

from dtmaturity.domain import formats
from dtmaturity.domain.i18n import t
from dtmaturity.domain.importformat import GENERAL_COMMENT
from dtmaturity.services.context import Context
from dtmaturity.services.imports.history import LogEntry
from dtmaturity.services.imports.result import ImportResult, PreviewRow

TEMPLATES = Path(__file__).resolve().parents[3] / "data" / "templates"
TEMPLATE_FORMATS = ("long", "wide", "units", "actions")


def template(file_format: str) -> bytes:
    """The downloadable example file of a format (data/templates/<format>.csv)."""
    if file_format not in TEMPLATE_FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    return (TEMPLATES / f"{file_format}.csv").read_bytes()


def target_label(ctx: Context, target: str) -> str:
    """How a mapping target reads on the Import page."""
    kind, _, ident = target.partition(":")
    fw = ctx.framework
    if target == GENERAL_COMMENT:
        return t(ctx.lang, "target_general_comment")
    if target == "respondent_id":
        return t(ctx.lang, "target_respondent_id")
    if kind == "item":
        return t(ctx.lang, "target_item", name=fw.item_name(ident, ctx.lang))
    if kind == "comment":
        return t(ctx.lang, "target_comment", name=fw.item_name(ident, ctx.lang))
    if kind == "roles":
        return t(ctx.lang, "target_roles", kind=t(ctx.lang, f"role_kind_{ident}"))
    if kind == "reflection":
        texts = {q.id: q.text[ctx.lang] for q in fw.questions}
        return t(ctx.lang, "target_reflection", question=texts.get(ident, ident))
    return t(ctx.lang, f"target_{kind}")


def problems_table(result: ImportResult, lang: str) -> list[dict[str, object]]:
    """The problems as rows for a table or CSV: row, column, value, message."""
    return [
        {
            t(lang, "col_row"): p.row,
            t(lang, "col_column"): p.column or "",  # a problem of the whole file: no column
            t(lang, "col_value"): "" if p.value is None else p.value,
            t(lang, "col_problem"): p.message(lang),
        }
        for p in result.problems
    ]


def log_table(entries: list[LogEntry], lang: str) -> list[dict[str, object]]:
    return [
        {
            t(lang, "col_id"): e.import_id,
            t(lang, "col_when"): formats.date_time(e.imported_at, lang),
            t(lang, "col_file"): e.file_name,
            t(lang, "col_format"): f"{e.file_format} ({e.dialect})",
            t(lang, "col_new"): e.units_new if e.file_format == "units" else e.new,
            t(lang, "col_updated"): e.units_updated if e.file_format == "units" else e.updated,
            t(lang, "col_unchanged"): e.unchanged,
            t(lang, "col_rejected"): e.rejected,
            t(lang, "col_who"): e.actor,
            t(lang, "col_undone"): formats.date_time(e.undone_at, lang) if e.undone_at else "",
        }
        for e in entries
    ]


def preview_table(
    result: ImportResult, lang: str, names: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """What the import writes, per unit (by its name in `names`, else its id) and quarter; a
    units or actions file has one row of counts, without unit and quarter."""
    names = names or {}

    def place(p: PreviewRow) -> dict[str, object]:
        if not p.unit_id and not p.period:
            return {}
        return {
            t(lang, "unit"): names.get(p.unit_id, p.unit_id),
            t(lang, "period"): p.period,
        }

    return [
        {
            **place(p),
            t(lang, "col_new"): p.new,
            t(lang, "col_updated"): p.updated,
            t(lang, "col_unchanged"): p.unchanged,
        }
        for p in result.preview
    ]
