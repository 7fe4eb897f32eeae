"""The database as a whole: `migrate`, `demo`, `export`, `backup`, `copy` (to PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dtmaturity.cli.acting import opened, reading
from dtmaturity.cli.options import FILE, wait_option
from dtmaturity.cli.root import cli


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

    with opened(db) as ctx:
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
@wait_option
@click.pass_obj
def export(db: Path | None, output: Path | None, what: str, wait: float) -> int:
    """Write all answers as long-format CSV.

    Works while the app is serving the same database: it then reads a consistent copy that
    the app makes on request."""
    from dtmaturity import safefiles
    from dtmaturity.services import actions, exports

    with reading(db, wait, "export") as ctx:
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


@cli.command()
@click.option(
    "--output",
    "-o",
    type=FILE,
    required=True,
    help="the backup: a DuckDB database file (replaced whole if it exists)",
)
@wait_option
@click.pass_obj
def backup(db: Path | None, output: Path, wait: float) -> int:
    """Write a consistent copy of the whole database to a new file.

    A DuckDB file becomes a DuckDB file; this works while the app is serving it (the app then
    makes the copy). A PostgreSQL database is written by pg_dump (custom format, for
    pg_restore)."""
    from dtmaturity.services import backups
    from dtmaturity.store import default_db_path

    try:
        made = backups.write(db or default_db_path(), output, timeout=wait)
    except backups.BackupError as exc:
        print(f"dtmaturity backup: {exc}", file=sys.stderr)
        return 1
    by = " (a consistent copy made by the running app)" if made.by_server else ""
    rows = "" if made.rows is None else f", {made.rows} rows"
    print(f"backed up {made.source} to {made.path}{by}: {made.tables} tables{rows}")
    return 0


@cli.command()
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="the empty PostgreSQL database to move to (postgresql://user@host:5432/dbname)",
)
@click.pass_obj
def copy(db: Path | None, target: str) -> int:
    """Move the whole database from the DuckDB file to an empty PostgreSQL database.

    Every table (the audit log included) and every sequence's position is copied in one
    transaction, then checked per table by count and checksum; any difference, or a target that
    is not empty, writes nothing. Stop the app first: the file must not change meanwhile."""
    from dtmaturity.services import moving
    from dtmaturity.store import default_db_path

    source = db or default_db_path()
    try:
        report = moving.copy_to_postgres(source, target)
    except moving.TransferError as exc:
        print(f"dtmaturity copy: {exc}", file=sys.stderr)
        return 1
    for check in report.tables:
        print(f"{check.table}\t{check.rows} rows\tchecksum {check.checksum}\tsame in both")
    print(
        f"copied {source} to {moving.shown(target)}: {len(report.tables)} tables, "
        f"{report.rows} rows, {len(report.sequences)} sequences, each table checked"
    )
    return 0
