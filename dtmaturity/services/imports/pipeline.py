"""One import, start to end: open the file (CSV or a workbook's sheet), recognise its layout,
stage it (DuckDB reads it), check it (SQL over the staging table, every problem at once),
preview it, and unless rejected or a dry run write it in one transaction, logged.

A dry run only reads: it stages and checks in a read transaction of its own and holds no write
lock. A real run checks again inside its write transaction, where the rounds are held.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from dtmaturity import safefiles
from dtmaturity.domain.actionsformat import is_actions_header
from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_source
from dtmaturity.domain.importformat import GENERAL_COMMENT, Layout, recognise
from dtmaturity.domain.problems import Problem
from dtmaturity.domain.surveytools import ToolLayout, recognise_tool
from dtmaturity.domain.xlsxfile import workbook_kind
from dtmaturity.services import authz, workdirs
from dtmaturity.services.context import Context
from dtmaturity.services.imports import answers, units
from dtmaturity.services.imports import mapping as header_mapping
from dtmaturity.services.imports import quarters as quarter_column
from dtmaturity.services.imports.result import (
    ImportResult,
    PreviewRow,
    file_problems,
    header_problems,
    say_what_to_do,
)
from dtmaturity.services.workbooks import open_workbook
from dtmaturity.store import import_staging, import_writes


class _Rejected(Exception):
    """Leave the write transaction without writing: the file has problems (and `skip_invalid`
    was not asked for)."""


def run(
    ctx: Context,
    path: Path,
    name: str | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    date_order: str | None = None,
) -> ImportResult:
    """Validate a CSV file or workbook and, unless rejected or a dry run, write it in one
    transaction.

    Default: nothing is written unless the whole file is valid. With `skip_invalid`, rows
    without problems are written and the rest reported. `mapping` (normalised header → target)
    overrides the saved mapping for files with these headers. `sheet` names a workbook's sheet
    (default: the first). `date_order` (dmy or mdy) reads slash dates that fit both orders.
    """
    authz.require_coordinate(ctx)
    result = ImportResult(file_name=name or path.name)
    with workdirs.workdir("import") as folder:
        try:
            source = _open(path, result.file_name, folder, sheet)
        except CsvFileError as exc:
            result.problems = file_problems(exc)
            return result
        if is_actions_header(source.headers) and source.origin == "csv":
            return _run_actions(ctx, path, result.file_name, source.dialect, dry_run=dry_run)
        tool = recognise_tool(source.records)
        layout = _layout(ctx, source, tool, mapping, date_order, result)
        if result.problems:
            return result
        result.layout_ok = True
        try:
            if dry_run:
                _preview(ctx, source, tool, layout, result)
            else:
                _write(ctx, source, tool, layout, result, skip_invalid=skip_invalid)
        except _Rejected:
            result.written = False
        except import_staging.StageError as exc:
            result.problems = [Problem(exc.row, None, None, exc.key, dict(exc.params))]
            result.written = False
        except quarter_column.NeedDateOrder:
            column = result.period_column or ""
            result.problems = [
                Problem(None, column, None, "import_date_order_needed", {"column": column})
            ]
            result.needs_date_order, result.preview, result.written = True, [], False
        except quarter_column.WrongDateOrder as exc:
            column = result.period_column or ""
            wrong = exc.error
            params = {"column": column, **wrong.params}
            result.problems = [Problem(exc.row, column, wrong.value, wrong.key, params)]
            result.needs_date_order, result.preview, result.written = True, [], False
            result.date_order, result.date_order_chosen = None, False
    return result


def run_upload(ctx: Context, data: bytes, name: str, **options: object) -> ImportResult:
    """run() for uploaded bytes (the Import page); the copy is removed when it ends."""
    with workdirs.workdir("upload") as folder:
        return run(ctx, _upload_path(folder, name, data), name, **options)  # type: ignore[arg-type]


def _upload_path(folder: Path, name: str, data: bytes) -> Path:
    """The upload's copy in its private work folder, under a name of our own: the person's file
    name (any length, any characters) is only ever shown, never part of a path. A new file,
    never one that is there already or a link (safefiles: O_EXCL, O_NOFOLLOW)."""
    suffix = Path(name).suffix.lower()
    path = Path(folder) / ("upload" + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""))
    safefiles.write_new(path, data)
    return path


def _open(path: Path, name: str, folder: Path, sheet: str | None) -> CsvSource:
    """The file as a UTF-8 CSV in `folder`: a workbook's sheet converted, CSV transcoded."""
    kind = workbook_kind(path)
    if kind in ("xlsx", "xls", "ods"):
        return open_workbook(path, name, workdir=folder, sheet=sheet)
    if kind in ("broken", "zip"):
        raise CsvFileError("xlsx_unreadable", detail=kind)
    return open_source(path, name, workdir=folder)


def _layout(
    ctx: Context,
    source: CsvSource,
    tool: ToolLayout,
    given: dict[str, str] | None,
    date_order: str | None,
    result: ImportResult,
) -> Layout:
    """Which column holds what (the mapping given, else the one saved for these headers, else
    recognised), said in `result`; its problems are the header's."""
    headers = tool.headers if tool.tool else source.headers
    result.saved_mapping = header_mapping.saved_mapping(ctx, headers)
    wanted = {**result.saved_mapping, **(given or {})}
    chosen = {k: v for k, v in wanted.items() if k != header_mapping.DATE_ORDER_KEY}
    result.date_order = date_order  # checked against this file's dates (answers.check)
    layout = recognise(headers, ctx.framework, chosen, tool)
    header_mapping.describe_unknown(ctx, source, tool, layout, headers, result)
    if auto := header_mapping.general_comment(layout, result):
        # A survey form's one free-text question is its general comment: read so, and
        # said so (it can be changed on the page or with --map HEADER=ignore).
        layout = recognise(headers, ctx.framework, {**chosen, auto: GENERAL_COMMENT}, tool)
        result.auto_comment = auto
        result.free_text_headers.remove(auto)
    result.file_format, result.dialect, result.headers = layout.format, source.dialect, headers
    result.tool = layout.tool
    result.mapping = header_mapping.described(layout, headers)
    if "period" in layout.keys:
        result.period_column = headers[layout.keys["period"]]
        result.period_from_timestamp = layout.period_from_timestamp
    result.unknown_headers = [headers[c] for c in layout.unknown]
    result.computed_columns = [headers[c] for c in layout.computed]
    result.first_row, result.left_out = source.first_row, list(source.left_out)
    result.problems = [say_what_to_do(p, result) for p in header_problems(layout, headers)]
    return layout


def _stage(
    cur: duckdb.DuckDBPyConnection, source: CsvSource, tool: ToolLayout, result: ImportResult
) -> None:
    """Read the file into TEMP stage, outside any transaction (see Store.write's `prepare`)."""
    result.rows_total = import_staging.stage(
        cur,
        str(source.path),
        source.delimiter,
        len(source.headers),
        source.skip_lines,
        header_rows=tool.header_rows,
        odd_quotes=source.odd_quotes,
        first_row=source.first_row,
    )


def _check(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    result: ImportResult,
    *,
    hold: bool,
) -> None:
    if layout.format == "units":
        units.check(ctx, cur, layout, result.headers, result)
    else:
        answers.check(ctx, cur, layout, result.headers, result, hold=hold)


def _preview(
    ctx: Context, source: CsvSource, tool: ToolLayout, layout: Layout, result: ImportResult
) -> None:
    """A dry run: stage, check and count in a read transaction; nothing is written."""
    with ctx.store.reader() as cur:
        _stage(cur, source, tool, result)
        with import_staging.read_snapshot(cur):
            _check(ctx, cur, layout, result, hold=False)


def _write(
    ctx: Context,
    source: CsvSource,
    tool: ToolLayout,
    layout: Layout,
    result: ImportResult,
    *,
    skip_invalid: bool,
) -> None:
    """Check and write in one transaction (the audit entry names the import and its counts)."""

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        _check(ctx, cur, layout, result, hold=True)
        if result.problems and not skip_invalid:
            raise _Rejected
        import_id = import_writes.new_import(
            cur,
            file_name=source.name,
            sha256=source.sha256,
            file_format=layout.format,
            dialect=source.dialect if not layout.tool else f"{layout.tool}, {source.dialect}",
            actor=ctx.actor.user_id,
            rows_total=result.rows_total,
            rows_rejected=result.rejected_rows,
        )
        if layout.format == "units":
            counts = units.write(ctx, cur, import_id)
        else:
            counts = answers.write(ctx, cur, import_id, result)
        import_writes.finish_import(cur, import_id, counts)
        result.import_id, result.written = import_id, True

    ctx.write(
        work,
        "import.run",
        source.name,
        lambda _: {
            "import_id": result.import_id,
            "sha256": source.sha256,
            "format": result.file_format,
            "tool": result.tool,
            "new": result.totals[0],
            "updated": result.totals[1],
            "unchanged": result.totals[2],
            "rows_rejected": result.rejected_rows,
        },
        prepare=lambda cur: _stage(cur, source, tool, result),
    )


def _run_actions(
    ctx: Context, path: Path, name: str, dialect: str, *, dry_run: bool
) -> ImportResult:
    """An actions file (recognised from its header) goes to the actions import, which checks
    every row and writes all or nothing; its result is reported like any import's."""
    # Imported here: the actions kind brings pandas, which no other file needs.
    from dtmaturity.services.imports import actions

    done = actions.import_actions(ctx, path, name=name, dry_run=dry_run)
    return ImportResult(
        file_name=name,
        file_format="actions",
        dialect=dialect,
        rows_total=done.rows_total,
        problems=list(done.problems),
        preview=[PreviewRow("", "", done.new, done.updated, done.unchanged)],
        written=done.written,
        import_id=done.import_id,
    )
