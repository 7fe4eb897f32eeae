"""Imports: `import` (answers, units or actions), `imports list | undo`, `actions import`."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dtmaturity.cli.acting import opened
from dtmaturity.cli.options import FILE, dry_run_option, lang_option
from dtmaturity.cli.root import Group, cli
from dtmaturity.domain.i18n import counted, t

if TYPE_CHECKING:  # the services are imported by the command that runs: `--help` stays fast
    from dtmaturity.services import imports
    from dtmaturity.services.context import Context

PREVIEW_LINES = 20  # a longer preview is summarised unless --verbose


def _parse_mapping(pairs: tuple[str, ...]) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip():
            raise SystemExit(f"dtmaturity import: --map needs HEADER=TARGET, got {pair!r}")
        mapping[header] = target.strip()
    return mapping


def _print_preview(result: imports.ImportResult, lang: str, verbose: bool) -> None:
    rows = result.preview
    if verbose or len(rows) <= PREVIEW_LINES:
        for row in rows:
            where = f"{row.unit_id}\t{row.period}\t" if row.unit_id else ""
            print(f"{where}{row.new} new\t{row.updated} updated\t{row.unchanged} unchanged")
        return
    units = len({r.unit_id for r in rows})
    periods = sorted({r.period for r in rows})
    print(
        t(
            lang,
            "cli_preview_summary",
            pairs_text=counted(lang, "n_unit_quarters", len(rows)),
            units_text=counted(lang, "n_units", units),
            quarters_text=counted(lang, "n_quarters", len(periods)),
            first=periods[0],
            last=periods[-1],
        )
    )


def _print_import_outcome(result: imports.ImportResult, file: Path, lang: str, opts: dict) -> None:
    """What an answers or units import did: the format, the preview, problems, the summary."""
    if result.file_format:
        print(
            f"{result.file_name}: {result.file_format} format ({result.dialect}), "
            f"{result.rows_total} rows"
        )
    if result.tool:
        print(t(lang, "import_tool_detected", tool=t(lang, f"tool_{result.tool}")))
    if result.period_from_timestamp and result.period_column:
        print(t(lang, "import_period_from", column=result.period_column))
    for note in result.notes(lang):
        print(note)
    _print_preview(result, lang, opts["verbose"])
    for problem in result.problems:
        print(problem.line(result.file_name, lang), file=sys.stderr)
    if result.needs_date_order:
        print(t(lang, "cli_date_order_hint"), file=sys.stderr)
    if suggested := result.suggested_maps():
        maps = " ".join(shlex.quote(f"--map={header}={target}") for header, target in suggested)
        print(t(lang, "cli_map_hint", maps=maps, file=shlex.quote(str(file))), file=sys.stderr)
    summary = result.summary(lang)
    if result.written:
        print(t(lang, "cli_import_done", id=result.import_id, summary=summary))
    elif opts["dry_run"] and not result.problems:
        print(t(lang, "cli_dry_run", summary=summary))
    else:
        print(
            t(
                lang,
                "cli_rejected",
                problems_text=counted(lang, "n_problems", len(result.problems)),
                rows_text=counted(lang, "n_rows", result.rejected_rows),
            ),
            file=sys.stderr,
        )
    if result.written and result.problems:
        rows_text = counted(lang, "n_rows", result.rejected_rows)
        print(t(lang, "cli_rows_rejected", rows_text=rows_text), file=sys.stderr)


@cli.command("import")
@click.argument("file", type=FILE)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="the workbook's sheet (default: the first visible one)",
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    default=None,
    help="how to read slash dates that fit both orders (03/04/2026): day/month/year (dmy) "
    "or month/day/year (mdy); saved with the mapping for the next file",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="list every unit and quarter in the preview (default: a summary when long)",
)
@dry_run_option("validate and show the preview without writing")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="write the valid rows and report the rest (default: write nothing unless all valid)",
)
@click.option(
    "--map",
    "map_",
    multiple=True,
    metavar="HEADER=TARGET",
    help="read a column as TARGET (unit, period, respondent, item:ID, comment:ID, "
    "roles:most|want|more, reflection:ID or ignore); repeatable; saved for the next file",
)
@lang_option()
@click.pass_obj
def import_(db: Path | None, file: Path, map_: tuple[str, ...], lang: str, **opts: Any) -> int:
    """Import answers (long or wide CSV, an .xlsx, .xls or .ods workbook, a survey tool's
    export) or units.

    FILE is the CSV file or workbook (.xlsx, .xls, .ods); an actions file is recognised from
    its header. Problems go to stderr one per line; the exit code is 0 only when nothing was
    rejected."""
    from dtmaturity.domain.actionsformat import is_actions_file
    from dtmaturity.services import imports

    with opened(db) as ctx:
        if not file.is_file():
            print(f"dtmaturity import: {t(lang, 'cli_no_such_file', file=file)}", file=sys.stderr)
            return 2
        if is_actions_file(file):
            return _actions_import(ctx, file, opts["dry_run"], lang)
        mapping = _parse_mapping(map_)
        result = imports.run(
            ctx,
            file,
            dry_run=opts["dry_run"],
            skip_invalid=opts["skip_invalid"],
            mapping=mapping,
            sheet=opts["sheet"],
            date_order=opts["date_order"],
        )
        chosen_order = result.date_order if result.date_order_chosen else None
        if result.layout_ok and (mapping or chosen_order):
            # Saved even when --skip-invalid left rows out: the next file from the form needs
            # none. A date order only when this file's dates needed one and it fitted them
            # (never one the tool fixes, never one refused).
            imports.save_mapping(
                ctx, result.headers, {**result.saved_mapping, **(mapping or {})},
                date_order=chosen_order,
            )  # fmt: skip
        _print_import_outcome(result, file, lang, opts)
        return 1 if result.problems else 0


@cli.group(cls=Group, name="imports")
def imports_group() -> None:
    """List or undo earlier imports."""


@imports_group.command("list")
@lang_option()
@click.pass_obj
def imports_list(db: Path | None, lang: str) -> int:
    """The import log, one import per line, id first."""
    from dtmaturity.services import imports

    with opened(db) as ctx:
        for entry in imports.log(ctx):
            print(entry.line(lang))
    return 0


@imports_group.command("undo")
@click.argument("import_id", type=int, metavar="ID")
@lang_option()
@click.pass_obj
def imports_undo(db: Path | None, import_id: int, lang: str) -> int:
    """Restore what was there before an import."""
    from dtmaturity.services import imports

    with opened(db) as ctx:
        try:
            outcome = imports.undo(ctx, import_id)
        except imports.UndoError as exc:
            print(f"dtmaturity imports undo: {t(lang, exc.key, **exc.params)}", file=sys.stderr)
            return 1
    answers_text = counted(lang, "n_answers", outcome["restored"])
    kept = {name: outcome[name] for name in ("removed", "kept")}
    print(t(lang, "cli_undone", id=import_id, answers_text=answers_text, **kept))
    return 0


@cli.group(cls=Group, name="actions")
def actions_group() -> None:
    """Import actions from CSV."""


def _actions_import(ctx: Context, file: Path, dry_run: bool, lang: str) -> int:
    """Like `import`: problems to stderr one per line; exit 0 only when nothing was rejected."""
    from dtmaturity.services.imports import actions as import_actions

    if not file.is_file():
        print(f"dtmaturity actions import: no such file: {file}", file=sys.stderr)
        return 2
    result = import_actions.import_actions(ctx, file, dry_run=dry_run)
    for problem in result.problems:
        print(problem.line(result.file_name, lang), file=sys.stderr)
    if result.problems:
        problems_text = counted(lang, "n_problems", len(result.problems))
        print(t(lang, "cli_actions_rejected", problems_text=problems_text), file=sys.stderr)
        return 1
    summary = result.summary(lang)
    if dry_run:
        summary = t(lang, "cli_dry_run", summary=summary)
    print(f"{result.file_name}: {counted(lang, 'n_rows', result.rows_total)}; {summary}")
    return 0


@actions_group.command("import")
@click.argument("file", type=FILE)
@dry_run_option("validate and count without writing")
@lang_option()
@click.pass_obj
def actions_import(db: Path | None, file: Path, dry_run: bool, lang: str) -> int:
    """Validate an actions CSV file and write it in one transaction.

    FILE is the CSV file. Problems go to stderr one per line; the exit code is 0 only when
    nothing was rejected."""
    with opened(db) as ctx:
        return _actions_import(ctx, file, dry_run, lang)
