"""`rounds open | list | remind | close | reopen`: run here, or handed to the running app."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dtmaturity.cli.acting import unless_held
from dtmaturity.cli.options import dry_run_option, wait_option
from dtmaturity.cli.root import Group, cli


@cli.group(cls=Group, name="rounds")
def rounds_group() -> None:
    """Quarterly rounds: open, list, send invitations and reminders, close.

    Works while the app is serving the same database: the command then hands the job to the
    running server (through the spool folder beside the database) and prints what it did."""


def _period_option(command: Callable) -> Callable:
    return click.option("--period", required=True, help="the quarter, e.g. 2026-Q4")(command)


def _rounds(db: Path | None, command: str, wait: float, **options: Any) -> int:
    """Run a rounds job here, or, when the running app holds the database file, hand it to the
    app's background thread and print what it did."""
    from dtmaturity.services import roundjobs, spool
    from dtmaturity.store import default_db_path

    job = {"command": command, **{k: v for k, v in options.items() if v is not None}}
    ctx = unless_held(db)
    if ctx is None:
        try:
            outcome = spool.submit(db or default_db_path(), job, timeout=wait)
        except spool.SpoolError as refused:  # no server answered, or an unsafe spool
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
@wait_option
@click.pass_obj
def rounds_open(db: Path | None, wait: float, **options: Any) -> int:
    """Open a round and send the invitations (planned if --opens is later)."""
    return _rounds(db, "open", wait, **options)


@rounds_group.command("list")
@wait_option
@click.pass_obj
def rounds_list(db: Path | None, wait: float) -> int:
    """Every round: state, dates, how many have answered."""
    return _rounds(db, "list", wait)


@rounds_group.command("remind")
@dry_run_option("print who would get what, send nothing")
@wait_option
@click.pass_obj
def rounds_remind(db: Path | None, wait: float, dry_run: bool) -> int:
    """Send the invitations and reminders that are due (for cron)."""
    return _rounds(db, "remind", wait, dry_run=dry_run)


def _change_options(command: Callable) -> Callable:
    """--period, --unit, --yes and --wait of `rounds close` and `rounds reopen`."""
    command = wait_option(command)
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
