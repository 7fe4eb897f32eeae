"""Command-line interface: `dtmaturity demo | export | migrate | import | imports | actions |
report | rounds | people | purge | audit` (also `python -m dtmaturity`).

One small function per command; its docstring is its `--help`. Each command imports the
services it needs when it runs, so `dtmaturity --help` imports none of them."""

from __future__ import annotations

import getpass
import itertools
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dtmaturity.domain import i18n
from dtmaturity.domain.i18n import t

if TYPE_CHECKING:  # the services are imported by the command that runs: `--help` stays fast
    from dtmaturity.services import imports
    from dtmaturity.services.context import Context

REPORT_FORMATS = ("pdf", "html")  # services.report.FORMATS (a test keeps them the same)
PREVIEW_LINES = 20  # a longer preview is summarised unless --verbose
FILE = click.Path(path_type=Path)


class _Database(click.ParamType):
    """--db: a DuckDB file path, or a postgresql:// URL (kept as text)."""

    name = "FILE|URL"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        text = str(value)
        return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


def _unabbreviated(command: click.Command, ctx: click.Context, args: list[str]) -> list[str]:
    """`args` with each unambiguous prefix of a long option written out (`--keep` for
    `--keep-quarters`), as the command line has always accepted them. A group stops at the
    name of its command: what follows is the command's to read."""
    takes_value = {
        name: not (option.is_flag or option.count)
        for option in command.get_params(ctx)
        if isinstance(option, click.Option)
        for name in option.opts
    }
    written = []
    rest = iter(args)
    for arg in rest:
        if arg == "--" or (isinstance(command, click.Group) and not arg.startswith("-")):
            return [*written, arg, *rest]
        name, equals, value = arg.partition("=")
        if name.startswith("--") and name not in takes_value:
            matches = [n for n in takes_value if n.startswith("--") and n.startswith(name)]
            name = matches[0] if len(matches) == 1 else name
        written.append(f"{name}{equals}{value}")
        if takes_value.get(name) and not equals:
            written += list(itertools.islice(rest, 1))  # its value, whatever it looks like
    return written


class _Command(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _unabbreviated(self, ctx, args))


class _Group(click.Group):
    """Lists its commands in the order they are defined (as the README does)."""

    command_class = _Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _unabbreviated(self, ctx, args))


class _Root(_Group):
    """Turns the errors every command shares into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # --help, a usage error: click's own
        except BrokenPipeError:
            # The reader (e.g. `| head`) stopped early; that is not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except Exception as exc:
            return _failure(exc)


def _failure(exc: Exception) -> int:
    """The exit code and message of an error shared by all commands; re-raises any other."""
    from dtmaturity.domain import settings
    from dtmaturity.domain.framework import FrameworkError
    from dtmaturity.store import StoreError

    problems = settings.current().problems
    if isinstance(exc, ValueError) and str(exc) in problems.values():
        # A setting the command needs is bad: name every bad one at once.
        print(f"dtmaturity: {settings.SettingsError(problems)}", file=sys.stderr)
        return 2
    if isinstance(exc, (FrameworkError, StoreError)):
        print(f"dtmaturity: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):  # an output that cannot be written, e.g. a link refused
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"dtmaturity: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    raise exc


def _lang_option(
    default: str | None = "en", help: str = "language of messages: nb, nn or en (default: en)"
) -> Callable:
    return click.option(
        "--lang", type=click.Choice(list(i18n.LANGUAGES)), default=default, help=help
    )


def _dry_run(help: str) -> Callable:
    return click.option("--dry-run", is_flag=True, help=help)


def _context(db: Path | None) -> Context:
    """The command line acts as the operator of the server, with every role; the audit log
    names it `cli:<operating-system user>`."""
    from dtmaturity.domain.access import ALL_GRANTS
    from dtmaturity.services.context import Actor, Context
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db)
    actor = Actor(f"cli:{getpass.getuser()}", "command line", ALL_GRANTS, local_mode=True)
    return Context(actor=actor, store=store, framework=framework, lang="en")


@contextmanager
def _opened(db: Path | None) -> Iterator[Context]:
    """The acting context over the database, closed when the command is done."""
    ctx = _context(db)
    try:
        yield ctx
    finally:
        ctx.store.close()


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=_Database(),
    default=None,
    help="database file or postgresql:// URL (default: $DTMATURITY_DB or data/dtmaturity.duckdb)",
)
@click.pass_context
def cli(click_ctx: click.Context, db: Path | None) -> None:
    """Track digital-transformation maturity over time."""
    click_ctx.obj = db


# --- migrate, demo, export -------------------------------------------------------------------


@cli.command()
@click.pass_obj
def migrate(db: Path | None) -> int:
    """Create or upgrade the database schema."""
    from dtmaturity.store import Store, default_db_path

    store = Store(db or default_db_path(), migrate=False)
    applied = store.migrate()
    for name in applied:
        print(f"applied migration {name}")
    print(f"{store.shown}: schema version {store.schema_version()}")
    store.close()
    return 0


@cli.command()
@click.option("--remove", is_flag=True, help="remove the demo data instead")
@click.option(
    "--scale",
    type=click.Choice(["default", "national"]),
    default="default",
    help="default: Fjordetaten, 18 units, 8 quarters; national: about 2,000 units in a "
    "four-level tree, 20 quarters, about 3 million answers (generated in DuckDB)",
)
@click.pass_obj
def demo(db: Path | None, remove: bool, scale: str) -> int:
    """Create the fictional demo organisation."""
    from dtmaturity.services import demo as demo_service

    with _opened(db) as ctx:
        if remove:
            print(f"removed {demo_service.remove(ctx)} demo units")
            return 0
        create = demo_service.create_national if scale == "national" else demo_service.create
        summary = create(ctx)
        print(
            f"created demo organisation: {summary.units} units, "
            f"{summary.checkins} check-ins, {summary.answers} answers in {ctx.store.shown}"
        )
    return 0


@cli.command()
@click.option("--output", "-o", type=FILE, default=None, help="CSV file to write (default: stdout)")
@click.option(
    "--what",
    type=click.Choice(["answers", "actions"]),
    default="answers",
    help="answers (default: long format) or actions (the format `actions import` reads)",
)
@click.pass_obj
def export(db: Path | None, output: Path | None, what: str) -> int:
    """Write all answers as long-format CSV."""
    from dtmaturity import safefiles
    from dtmaturity.services import actions, exports

    with _opened(db) as ctx:
        if what == "actions":
            text, count = actions.export_actions(ctx)
            if output:
                output.parent.mkdir(parents=True, exist_ok=True)
                safefiles.replace(output, text.encode("utf-8"))
                print(f"wrote {count} actions to {output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        count = exports.export_answers(ctx, output)
        if output:
            print(f"wrote {count} answers to {output}", file=sys.stderr)
    return 0


# --- import, imports list | undo, actions import ---------------------------------------------


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
            pairs=len(rows),
            units=units,
            periods=len(periods),
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
            t(lang, "cli_rejected", problems=len(result.problems), rows=result.rejected_rows),
            file=sys.stderr,
        )
    if result.written and result.problems:
        print(t(lang, "cli_rows_rejected", rows=result.rejected_rows), file=sys.stderr)


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
@_dry_run("validate and show the preview without writing")
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
@_lang_option()
@click.pass_obj
def import_(db: Path | None, file: Path, map_: tuple[str, ...], lang: str, **opts: Any) -> int:
    """Import answers (long or wide CSV, an .xlsx, .xls or .ods workbook, a survey tool's
    export) or units.

    FILE is the CSV file or workbook (.xlsx, .xls, .ods); an actions file is recognised from
    its header. Problems go to stderr one per line; the exit code is 0 only when nothing was
    rejected."""
    from dtmaturity.services import import_actions, imports

    with _opened(db) as ctx:
        if not file.is_file():
            print(f"dtmaturity import: {t(lang, 'cli_no_such_file', file=file)}", file=sys.stderr)
            return 2
        if import_actions.is_actions_file(file):
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


@cli.group(cls=_Group, name="imports")
def imports_group() -> None:
    """List or undo earlier imports."""


@imports_group.command("list")
@_lang_option()
@click.pass_obj
def imports_list(db: Path | None, lang: str) -> int:
    """The import log, one import per line, id first."""
    from dtmaturity.services import imports

    with _opened(db) as ctx:
        for entry in imports.log(ctx):
            print(entry.line(lang))
    return 0


@imports_group.command("undo")
@click.argument("import_id", type=int, metavar="ID")
@_lang_option()
@click.pass_obj
def imports_undo(db: Path | None, import_id: int, lang: str) -> int:
    """Restore what was there before an import."""
    from dtmaturity.services import imports

    with _opened(db) as ctx:
        try:
            outcome = imports.undo(ctx, import_id)
        except imports.UndoError as exc:
            print(f"dtmaturity imports undo: {t(lang, exc.key, **exc.params)}", file=sys.stderr)
            return 1
    counts = {name: outcome[name] for name in ("restored", "removed", "kept")}
    print(t(lang, "cli_undone", id=import_id, **counts))
    return 0


@cli.group(cls=_Group, name="actions")
def actions_group() -> None:
    """Import actions from CSV."""


def _actions_import(ctx: Context, file: Path, dry_run: bool, lang: str) -> int:
    """Like `import`: problems to stderr one per line; exit 0 only when nothing was rejected."""
    from dtmaturity.services import import_actions

    if not file.is_file():
        print(f"dtmaturity actions import: no such file: {file}", file=sys.stderr)
        return 2
    result = import_actions.import_actions(ctx, file, dry_run=dry_run)
    for problem in result.problems:
        print(problem.line(result.file_name, lang), file=sys.stderr)
    if result.problems:
        print(t(lang, "cli_actions_rejected", problems=len(result.problems)), file=sys.stderr)
        return 1
    summary = result.summary(lang)
    if dry_run:
        summary = t(lang, "cli_dry_run", summary=summary)
    print(f"{result.file_name}: {t(lang, 'cli_rows', rows=result.rows_total)}; {summary}")
    return 0


@actions_group.command("import")
@click.argument("file", type=FILE)
@_dry_run("validate and count without writing")
@_lang_option()
@click.pass_obj
def actions_import(db: Path | None, file: Path, dry_run: bool, lang: str) -> int:
    """Validate an actions CSV file and write it in one transaction.

    FILE is the CSV file. Problems go to stderr one per line; the exit code is 0 only when
    nothing was rejected."""
    with _opened(db) as ctx:
        return _actions_import(ctx, file, dry_run, lang)


# --- report ----------------------------------------------------------------------------------


@cli.command()
@click.option("--unit", default=None, help="the unit's id")
@click.option("--all", "all_", is_flag=True, help="one report per unit into --output DIR")
@click.option(
    "--period",
    default=None,
    help="the quarter, e.g. 2026-Q3 (default: the latest finished one: the latest closed "
    "round, or the latest quarter that has ended where no round covers the unit)",
)
@click.option(
    "--output",
    "-o",
    type=FILE,
    required=True,
    help="report.pdf or report.html (the extension sets the format); with --all a folder",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(list(REPORT_FORMATS)),
    default="pdf",
    help="with --all: pdf or html",
)
@_lang_option(
    default=None,
    help="language of the report: nb, nn or en (default: DTMATURITY_DEFAULT_LANGUAGE, else nb)",
)
@click.pass_obj
def report(
    db: Path | None,
    unit: str | None,
    all_: bool,
    period: str | None,
    output: Path,
    file_format: str,
    lang: str | None,
) -> int:
    """The leader-group report for a unit and quarter, as PDF or HTML.

    Give either --unit ID or --all."""
    if (unit is None) == (not all_):
        raise click.UsageError(
            "one of the options --unit --all is required"
            if unit is None
            else "option --all: not allowed with option --unit"
        )
    with _opened(db) as ctx:
        return _report(ctx, unit, period, output, file_format, lang)


def _report(
    ctx: Context, unit: str | None, period: str | None, output: Path, fmt: str, lang: str | None
) -> int:
    from dtmaturity.services import report as report_service
    from dtmaturity.services import rounds

    try:
        lang = lang or i18n.default_language()
    except i18n.LanguageSettingError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    try:
        if period is None:
            period = rounds.latest_finished(ctx, unit)
            if period is None:
                print("dtmaturity report: no finished quarter with answers", file=sys.stderr)
                return 1
            print(f"quarter: {period} (the latest finished)", file=sys.stderr)
        if unit is None:
            paths = report_service.write_all(
                ctx,
                period,
                output,
                file_format=fmt,
                lang=lang,
                progress=report_service.progress_bar(sys.stderr),
            )
            print(f"wrote {len(paths)} reports to {output}")
        else:
            path = report_service.write(ctx, unit, period, output, lang=lang)
            print(f"wrote {path}")
    except report_service.ReportError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    return 0


# --- rounds open | list | remind | close | reopen --------------------------------------------


@cli.group(cls=_Group, name="rounds")
def rounds_group() -> None:
    """Quarterly rounds: open, list, send invitations and reminders, close.

    Works while the app is serving the same database: the command then hands the job to the
    running server (through the spool folder beside the database) and prints what it did."""


def _wait_option(command: Callable) -> Callable:
    return click.option(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="when the app holds the database: how long to wait for it (default 60)",
    )(command)


def _period_option(command: Callable) -> Callable:
    return click.option("--period", required=True, help="the quarter, e.g. 2026-Q4")(command)


def _rounds(db: Path | None, command: str, wait: float, **options: Any) -> int:
    """Run a rounds job here, or, when the running app holds the database file, hand it to the
    app's background thread and print what it did."""
    from dtmaturity.services import roundjobs, scheduler
    from dtmaturity.store import StoreError, default_db_path

    job = {"command": command, **{k: v for k, v in options.items() if v is not None}}
    try:
        ctx = _context(db)
    except StoreError as exc:
        if "lock" not in str(exc).lower():
            raise
        try:
            outcome = scheduler.submit(db or default_db_path(), job, timeout=wait)
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


@rounds_group.command("open")
@_period_option
@click.option("--deadline", required=True, help="the last day, e.g. 2026-12-15")
@click.option("--unit", default=None, help="the subtree (default: the top unit)")
@click.option("--opens", default=None, help="the opening day (default: today)")
@_wait_option
@click.pass_obj
def rounds_open(db: Path | None, wait: float, **options: Any) -> int:
    """Open a round and send the invitations (planned if --opens is later)."""
    return _rounds(db, "open", wait, **options)


@rounds_group.command("list")
@_wait_option
@click.pass_obj
def rounds_list(db: Path | None, wait: float) -> int:
    """Every round: state, dates, how many have answered."""
    return _rounds(db, "list", wait)


@rounds_group.command("remind")
@_dry_run("print who would get what, send nothing")
@_wait_option
@click.pass_obj
def rounds_remind(db: Path | None, wait: float, dry_run: bool) -> int:
    """Send the invitations and reminders that are due (for cron)."""
    return _rounds(db, "remind", wait, dry_run=dry_run)


def _change_options(command: Callable) -> Callable:
    """--period, --unit, --yes and --wait of `rounds close` and `rounds reopen`."""
    command = _wait_option(command)
    command = click.option(
        "--yes",
        is_flag=True,
        help="do it; without --yes the command only says what it would do (for close: "
        "how many have not answered and the days left to the deadline)",
    )(command)
    command = click.option("--unit", default=None, help="the round's unit (when not unique)")(
        command
    )
    return _period_option(command)


@rounds_group.command("close")
@_change_options
@click.pass_obj
def rounds_close(db: Path | None, wait: float, **options: Any) -> int:
    """Close a round."""
    return _rounds(db, "close", wait, **options)


@rounds_group.command("reopen")
@_change_options
@click.pass_obj
def rounds_reopen(db: Path | None, wait: float, **options: Any) -> int:
    """Open a closed round again."""
    return _rounds(db, "reopen", wait, **options)


# --- people import | export | erase, purge, audit --------------------------------------------


@cli.group(cls=_Group, name="people")
def people_group() -> None:
    """People and their roles; personal data export and erasure."""


@people_group.command("import")
@click.argument("file", type=FILE)
@_dry_run("validate only")
@_lang_option()
@click.pass_obj
def people_import(db: Path | None, file: Path, dry_run: bool, lang: str) -> int:
    """Register people and role assignments from CSV (email,name,role,unit_id)."""
    from dtmaturity.services import people

    with _opened(db) as ctx:
        result = people.import_people(ctx, file, dry_run=dry_run)
    for line in result.lines(file.name, lang):
        print(line, file=sys.stderr)
    if result.problems:
        print(t(lang, "cli_people_rejected"), file=sys.stderr)
        return 1
    if dry_run:
        print(t(lang, "cli_people_checked", rows=result.rows))
    else:
        print(t(lang, "cli_people_done", new=result.new_assignments, rows=result.rows))
    return 0


@people_group.command("export")
@click.argument("person_id")
@click.option("--output", "-o", type=FILE, required=True)
@click.pass_obj
def people_export(db: Path | None, person_id: str, output: Path) -> int:
    """Everything stored about a person (ZIP)."""
    from dtmaturity import safefiles
    from dtmaturity.services import people

    with _opened(db) as ctx:
        safefiles.replace(output, people.export_person(ctx, person_id))
    print(f"wrote {output}")
    return 0


@people_group.command("erase")
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="confirm: this cannot be undone")
@click.pass_obj
def people_erase(db: Path | None, person_id: str, yes: bool) -> int:
    """Erase a person: free text and identity deleted, scores anonymised."""
    from dtmaturity.services import people

    with _opened(db) as ctx:
        if not yes:
            print(
                "dtmaturity people erase: add --yes to confirm; this cannot be undone",
                file=sys.stderr,
            )
            return 2
        counts = people.erase_person(ctx, person_id)
    print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in counts.items()))
    return 0


@cli.command()
@click.option(
    "--keep-quarters",
    type=int,
    default=None,
    help="quarters to keep, counting the current one (default: the retention setting)",
)
@_dry_run("only count what would go")
@click.pass_obj
def purge(db: Path | None, keep_quarters: int | None, dry_run: bool) -> int:
    """Delete check-ins older than N quarters."""
    from dtmaturity.services import people

    with _opened(db) as ctx:
        keep = keep_quarters or people.retention_quarters(ctx)
        if not keep:
            print("dtmaturity purge: give --keep-quarters N (no retention is set)", file=sys.stderr)
            return 2
        counts = people.purge(ctx, keep, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    print(
        f"{verb} before {counts['before']}: {counts['checkin']} check-ins, "
        f"{counts['answer']} answers, {counts['reflection']} reflections, "
        f"{counts['role_pick']} role picks"
    )
    return 0


@cli.command()
@click.option("--output", "-o", type=FILE, default=None)
@click.pass_obj
def audit(db: Path | None, output: Path | None) -> int:
    """Write the audit log as CSV."""
    from dtmaturity import safefiles
    from dtmaturity.services import exports, people

    with _opened(db) as ctx:
        frame = people.audit_log(ctx, limit=10_000_000)
    text = exports.csv_text(frame)
    if output:
        safefiles.replace(output, text.encode("utf-8"))
        print(f"wrote {len(frame)} audit entries to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every command and sub-command, as typed after `dtmaturity` (e.g. "rounds open")."""
    paths = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        paths.append(" ".join(path))
        if isinstance(command, click.Group):
            paths += command_paths(command, path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (2 for a usage error, as it always was)."""
    try:
        code = cli.main(args=argv, prog_name="dtmaturity", standalone_mode=False)
    except click.exceptions.Abort:
        print("Aborted!", file=sys.stderr)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
