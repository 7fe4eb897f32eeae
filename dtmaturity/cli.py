"""Command-line interface: `dtmaturity demo | export | migrate | import | imports | actions |
report | rounds` (also `python -m dtmaturity`)."""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dtmaturity.domain import i18n
from dtmaturity.domain.i18n import t

if TYPE_CHECKING:  # the services are imported by the command that runs: `--help` stays fast
    from dtmaturity.services import imports
    from dtmaturity.services.context import Context

REPORT_FORMATS = ("pdf", "html")  # services.report.FORMATS (a test keeps them the same)


def _lang_option(
    parser: argparse.ArgumentParser,
    *,
    default: str | None = "en",
    help: str = "language of messages: nb, nn or en (default: en)",
) -> None:
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), default=default, help=help)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtmaturity", description="Track digital-transformation maturity over time."
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $DTMATURITY_DB or data/dtmaturity.duckdb)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo_cmd = commands.add_parser("demo", help="create the fictional demo organisation")
    demo_cmd.add_argument("--remove", action="store_true", help="remove the demo data instead")
    demo_cmd.add_argument(
        "--scale",
        choices=["default", "national"],
        default="default",
        help="default: Fjordetaten, 18 units, 8 quarters; national: about 2,000 units in a "
        "four-level tree, 20 quarters, about 3 million answers (generated in DuckDB)",
    )
    export_cmd = commands.add_parser("export", help="write all answers as long-format CSV")
    export_cmd.add_argument(
        "--output", "-o", type=Path, default=None, help="CSV file to write (default: stdout)"
    )
    export_cmd.add_argument(
        "--what",
        choices=["answers", "actions"],
        default="answers",
        help="answers (default: long format) or actions (the format `actions import` reads)",
    )
    import_cmd = commands.add_parser(
        "import",
        help="import answers (long or wide CSV, an .xlsx, .xls or .ods workbook, a survey tool's export) or units",
    )
    import_cmd.add_argument("file", type=Path, help="the CSV file or workbook (.xlsx, .xls, .ods)")
    import_cmd.add_argument(
        "--sheet",
        default=None,
        metavar="NAME",
        help="the workbook's sheet (default: the first visible one)",
    )
    import_cmd.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        default=None,
        help="how to read slash dates that fit both orders (03/04/2026): day/month/year (dmy) "
        "or month/day/year (mdy); saved with the mapping for the next file",
    )
    import_cmd.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list every unit and quarter in the preview (default: a summary when long)",
    )
    import_cmd.add_argument(
        "--dry-run", action="store_true", help="validate and show the preview without writing"
    )
    import_cmd.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows and report the rest (default: write nothing unless all valid)",
    )
    import_cmd.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=TARGET",
        help="read a column as TARGET (unit, period, respondent, item:ID, comment:ID, "
        "roles:most|want|more, reflection:ID or ignore); repeatable; saved for the next file",
    )
    _lang_option(import_cmd)
    imports_cmd = commands.add_parser("imports", help="list or undo earlier imports")
    imports_sub = imports_cmd.add_subparsers(dest="imports_command", required=True)
    list_cmd = imports_sub.add_parser("list", help="the import log, one import per line, id first")
    _lang_option(list_cmd)
    undo_cmd = imports_sub.add_parser("undo", help="restore what was there before an import")
    undo_cmd.add_argument("import_id", type=int, metavar="ID")
    _lang_option(undo_cmd)
    actions_cmd = commands.add_parser("actions", help="import actions from CSV")
    actions_sub = actions_cmd.add_subparsers(dest="actions_command", required=True)
    actions_import = actions_sub.add_parser(
        "import", help="validate an actions CSV file and write it in one transaction"
    )
    actions_import.add_argument("file", type=Path, help="the CSV file")
    actions_import.add_argument(
        "--dry-run", action="store_true", help="validate and count without writing"
    )
    _lang_option(actions_import)
    people_cmd = commands.add_parser(
        "people", help="people and their roles; personal data export and erasure"
    )
    people_sub = people_cmd.add_subparsers(dest="people_command", required=True)
    people_import = people_sub.add_parser(
        "import", help="register people and role assignments from CSV (email,name,role,unit_id)"
    )
    people_import.add_argument("file", type=Path)
    people_import.add_argument("--dry-run", action="store_true", help="validate only")
    _lang_option(people_import)
    people_export = people_sub.add_parser("export", help="everything stored about a person (ZIP)")
    people_export.add_argument("person_id")
    people_export.add_argument("--output", "-o", type=Path, required=True)
    people_erase = people_sub.add_parser(
        "erase", help="erase a person: free text and identity deleted, scores anonymised"
    )
    people_erase.add_argument("person_id")
    people_erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    purge_cmd = commands.add_parser("purge", help="delete check-ins older than N quarters")
    purge_cmd.add_argument(
        "--keep-quarters",
        type=int,
        default=None,
        help="quarters to keep, counting the current one (default: the retention setting)",
    )
    purge_cmd.add_argument("--dry-run", action="store_true", help="only count what would go")
    audit_cmd = commands.add_parser("audit", help="write the audit log as CSV")
    audit_cmd.add_argument("--output", "-o", type=Path, default=None)
    report_cmd = commands.add_parser(
        "report", help="the leader-group report for a unit and quarter, as PDF or HTML"
    )
    which = report_cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="the unit's id")
    which.add_argument("--all", action="store_true", help="one report per unit into --output DIR")
    report_cmd.add_argument(
        "--period",
        default=None,
        help="the quarter, e.g. 2026-Q3 (default: the latest finished one: the latest closed "
        "round, or the latest quarter that has ended where no round covers the unit)",
    )
    report_cmd.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        help="report.pdf or report.html (the extension sets the format); with --all a folder",
    )
    report_cmd.add_argument(
        "--format", choices=list(REPORT_FORMATS), default="pdf", help="with --all: pdf or html"
    )
    _lang_option(
        report_cmd,
        default=None,
        help="language of the report: nb, nn or en (default: DTMATURITY_DEFAULT_LANGUAGE, else nb)",
    )
    rounds_cmd = commands.add_parser(
        "rounds",
        help="quarterly rounds: open, list, send invitations and reminders, close",
        description="Works while the app is serving the same database: the command then hands "
        "the job to the running server (through the spool folder beside the database) and "
        "prints what it did.",
    )
    rounds_sub = rounds_cmd.add_subparsers(dest="rounds_command", required=True)
    open_cmd = rounds_sub.add_parser(
        "open", help="open a round and send the invitations (planned if --opens is later)"
    )
    open_cmd.add_argument("--period", required=True, help="the quarter, e.g. 2026-Q4")
    open_cmd.add_argument("--deadline", required=True, help="the last day, e.g. 2026-12-15")
    open_cmd.add_argument("--unit", default=None, help="the subtree (default: the top unit)")
    open_cmd.add_argument("--opens", default=None, help="the opening day (default: today)")
    rounds_sub.add_parser("list", help="every round: state, dates, how many have answered")
    remind_cmd = rounds_sub.add_parser(
        "remind", help="send the invitations and reminders that are due (for cron)"
    )
    remind_cmd.add_argument(
        "--dry-run", action="store_true", help="print who would get what, send nothing"
    )
    for name, text in (("close", "close a round"), ("reopen", "open a closed round again")):
        change = rounds_sub.add_parser(name, help=text)
        change.add_argument("--period", required=True, help="the quarter, e.g. 2026-Q4")
        change.add_argument("--unit", default=None, help="the round's unit (when not unique)")
        change.add_argument(
            "--yes",
            action="store_true",
            help="do it; without --yes the command only says what it would do (for close: "
            "how many have not answered and the days left to the deadline)",
        )
    for sub in rounds_sub.choices.values():
        sub.add_argument(
            "--wait",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="when the app holds the database: how long to wait for it (default 60)",
        )
    return parser


def _rounds(db: Path | None, args: argparse.Namespace) -> int:
    """Run a rounds job here, or, when the running app holds the database file, hand it to the
    app's background thread and print what it did."""
    from dtmaturity.services import roundjobs, scheduler
    from dtmaturity.store import StoreError, default_db_path

    job = {"command": args.rounds_command}
    for name in ("period", "deadline", "unit", "opens", "dry_run", "yes"):
        if getattr(args, name, None) is not None:
            job[name] = getattr(args, name)
    try:
        ctx = _context(db)
    except StoreError as exc:
        if "lock" not in str(exc).lower():
            raise
        try:
            outcome = scheduler.submit(db or default_db_path(), job, timeout=args.wait)
        except scheduler.SpoolError as refused:  # no server answered, or an unsafe spool
            print(f"dtmaturity rounds: {refused}", file=sys.stderr)
            return 2
    else:
        try:
            outcome = roundjobs.execute(ctx, job)
        finally:
            ctx.store.close()
    for line in outcome.out:
        print(line)
    for line in outcome.err:
        print(line, file=sys.stderr)
    return outcome.exit


def _context(db: Path | None) -> Context:
    """The command line acts as the operator of the server, with every role; the audit log
    names it `cli:<operating-system user>`."""
    from dtmaturity.domain.access import ALL_GRANTS
    from dtmaturity.services.context import Actor, Context
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db)
    actor = Actor(f"cli:{getpass.getuser()}", "command line", ALL_GRANTS, local_mode=True)
    return Context(actor=actor, store=store, framework=framework, lang="en")


def _people(ctx: Context, args: argparse.Namespace) -> int:
    from dtmaturity import safefiles
    from dtmaturity.services import people

    if args.people_command == "import":
        result = people.import_people(ctx, args.file, dry_run=args.dry_run)
        for line in result.lines(args.file.name, args.lang):
            print(line, file=sys.stderr)
        if result.problems:
            print(t(args.lang, "cli_people_rejected"), file=sys.stderr)
            return 1
        if args.dry_run:
            print(t(args.lang, "cli_people_checked", rows=result.rows))
        else:
            print(t(args.lang, "cli_people_done", new=result.new_assignments, rows=result.rows))
        return 0
    if args.people_command == "export":
        safefiles.replace(args.output, people.export_person(ctx, args.person_id))
        print(f"wrote {args.output}")
        return 0
    if not args.yes:
        print(
            "dtmaturity people erase: add --yes to confirm; this cannot be undone", file=sys.stderr
        )
        return 2
    counts = people.erase_person(ctx, args.person_id)
    print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items()))
    return 0


def _purge(ctx: Context, args: argparse.Namespace) -> int:
    from dtmaturity.services import people

    keep = args.keep_quarters or people.retention_quarters(ctx)
    if not keep:
        print("dtmaturity purge: give --keep-quarters N (no retention is set)", file=sys.stderr)
        return 2
    counts = people.purge(ctx, keep, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} before {counts['before']}: {counts['checkin']} check-ins, "
        f"{counts['answer']} answers, {counts['reflection']} reflections, "
        f"{counts['role_pick']} role picks"
    )
    return 0


def _audit(ctx: Context, args: argparse.Namespace) -> int:
    from dtmaturity import safefiles
    from dtmaturity.services import exports, people

    frame = people.audit_log(ctx, limit=10_000_000)
    text = exports.csv_text(frame)
    if args.output:
        safefiles.replace(args.output, text.encode("utf-8"))
        print(f"wrote {len(frame)} audit entries to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _migrate(db: Path | None) -> int:
    from dtmaturity.store import Store, default_db_path

    store = Store(db or default_db_path(), migrate=False)
    applied = store.migrate()
    for name in applied:
        print(f"applied migration {name}")
    print(f"{store.path}: schema version {store.schema_version()}")
    store.close()
    return 0


def _parse_mapping(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip():
            raise SystemExit(f"dtmaturity import: --map needs HEADER=TARGET, got {pair!r}")
        mapping[header] = target.strip()
    return mapping


PREVIEW_LINES = 20  # a longer preview is summarised unless --verbose


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
            pairs=len(rows),
            units=units,
            periods=len(periods),
            first=periods[0],
            last=periods[-1],
        )
    )


def _import(ctx: Context, args: argparse.Namespace) -> int:
    """Problems go to stderr one per line; exit 0 only when nothing was rejected."""
    from dtmaturity.services import import_actions, imports

    lang = args.lang
    if not args.file.is_file():
        print(f"dtmaturity import: {t(lang, 'cli_no_such_file', file=args.file)}", file=sys.stderr)
        return 2
    if import_actions.is_actions_file(args.file):
        return _actions_import(ctx, args)  # recognised from its header: an actions file
    mapping = _parse_mapping(args.map)
    result = imports.run(
        ctx,
        args.file,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        mapping=mapping,
        sheet=args.sheet,
        date_order=args.date_order,
    )
    chosen_order = result.date_order if result.date_order_chosen else None
    if result.layout_ok and (mapping or chosen_order):
        # Saved even when --skip-invalid left rows out: the next file from the form needs none.
        # A date order only when this file's dates needed one and it fitted them (never one
        # the tool fixes, never one refused).
        imports.save_mapping(
            ctx, result.headers, {**result.saved_mapping, **(mapping or {})},
            date_order=chosen_order,
        )  # fmt: skip
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
    _print_preview(result, lang, args.verbose)
    for problem in result.problems:
        print(problem.line(result.file_name, lang), file=sys.stderr)
    if result.needs_date_order:
        print(t(lang, "cli_date_order_hint"), file=sys.stderr)
    if suggested := result.suggested_maps():
        maps = " ".join(shlex.quote(f"--map={header}={target}") for header, target in suggested)
        print(t(lang, "cli_map_hint", maps=maps, file=shlex.quote(str(args.file))), file=sys.stderr)
    summary = result.summary(lang)
    if result.written:
        print(t(lang, "cli_import_done", id=result.import_id, summary=summary))
    elif args.dry_run and not result.problems:
        print(t(lang, "cli_dry_run", summary=summary))
    else:
        print(
            t(lang, "cli_rejected", problems=len(result.problems), rows=result.rejected_rows),
            file=sys.stderr,
        )
    if result.written and result.problems:
        print(t(lang, "cli_rows_rejected", rows=result.rejected_rows), file=sys.stderr)
    return 1 if result.problems else 0


def _imports(ctx: Context, args: argparse.Namespace) -> int:
    from dtmaturity.services import imports

    if args.imports_command == "list":
        for entry in imports.log(ctx):
            print(entry.line(args.lang))
        return 0
    try:
        outcome = imports.undo(ctx, args.import_id)
    except imports.UndoError as exc:
        print(f"dtmaturity imports undo: {t(args.lang, exc.key, **exc.params)}", file=sys.stderr)
        return 1
    print(
        t(
            args.lang,
            "cli_undone",
            id=args.import_id,
            restored=outcome["restored"],
            removed=outcome["removed"],
            kept=outcome["kept"],
        )
    )
    return 0


def _actions_import(ctx: Context, args: argparse.Namespace) -> int:
    """Like `import`: problems to stderr one per line; exit 0 only when nothing was rejected."""
    from dtmaturity.services import import_actions

    if not args.file.is_file():
        print(f"dtmaturity actions import: no such file: {args.file}", file=sys.stderr)
        return 2
    result = import_actions.import_actions(ctx, args.file, dry_run=args.dry_run)
    lang = args.lang
    for problem in result.problems:
        print(problem.line(result.file_name, lang), file=sys.stderr)
    if result.problems:
        print(t(lang, "cli_actions_rejected", problems=len(result.problems)), file=sys.stderr)
        return 1
    summary = result.summary(lang)
    if args.dry_run:
        summary = t(lang, "cli_dry_run", summary=summary)
    print(f"{result.file_name}: {t(lang, 'cli_rows', rows=result.rows_total)}; {summary}")
    return 0


def _report(ctx: Context, args: argparse.Namespace) -> int:
    from dtmaturity.services import report, rounds

    try:
        args.lang = args.lang or i18n.default_language()
    except i18n.LanguageSettingError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    try:
        if args.period is None:
            args.period = rounds.latest_finished(ctx, args.unit)
            if args.period is None:
                print("dtmaturity report: no finished quarter with answers", file=sys.stderr)
                return 1
            print(f"quarter: {args.period} (the latest finished)", file=sys.stderr)
        if args.all:
            paths = report.write_all(
                ctx,
                args.period,
                args.output,
                file_format=args.format,
                lang=args.lang,
                progress=report.progress_bar(sys.stderr),
            )
            print(f"wrote {len(paths)} reports to {args.output}")
        else:
            path = report.write(ctx, args.unit, args.period, args.output, lang=args.lang)
            print(f"wrote {path}")
    except report.ReportError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # `--help` and usage errors end here, before any import
    from dtmaturity import safefiles
    from dtmaturity.domain.framework import FrameworkError
    from dtmaturity.services import actions, demo, exports
    from dtmaturity.store import StoreError

    try:
        if args.command == "migrate":
            return _migrate(args.db)
        if args.command == "rounds":
            return _rounds(args.db, args)
        ctx = _context(args.db)
        if args.command == "demo":
            if args.remove:
                print(f"removed {demo.remove(ctx)} demo units")
            else:
                create = demo.create_national if args.scale == "national" else demo.create
                summary = create(ctx)
                print(
                    f"created demo organisation: {summary.units} units, "
                    f"{summary.checkins} check-ins, {summary.answers} answers in {ctx.store.path}"
                )
        elif args.command == "export" and args.what == "actions":
            text, count = actions.export_actions(ctx)
            if args.output:
                args.output.parent.mkdir(parents=True, exist_ok=True)
                safefiles.replace(args.output, text.encode("utf-8"))
                print(f"wrote {count} actions to {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
        elif args.command == "export":
            count = exports.export_answers(ctx, args.output)
            if args.output:
                print(f"wrote {count} answers to {args.output}", file=sys.stderr)
        elif args.command == "import":
            return _import(ctx, args)
        elif args.command == "imports":
            return _imports(ctx, args)
        elif args.command == "actions":
            return _actions_import(ctx, args)
        elif args.command == "report":
            return _report(ctx, args)
        elif args.command == "people":
            return _people(ctx, args)
        elif args.command == "purge":
            return _purge(ctx, args)
        elif args.command == "audit":
            return _audit(ctx, args)
        ctx.store.close()
        return 0
    except (FrameworkError, StoreError) as exc:
        print(f"dtmaturity: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # an output that cannot be written, e.g. a link refused
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"dtmaturity: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
