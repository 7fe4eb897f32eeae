"""The root command `dtmaturity`: its --db option, the commands listed in the order they are
defined, the errors every command shares turned into one line and an exit code, and `main`."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import Any

import click

from dtmaturity.domain import settings


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


class Group(click.Group):
    """Lists its commands in the order they are defined (as the README does)."""

    command_class = _Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _unabbreviated(self, ctx, args))


class _Root(Group):
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
    from dtmaturity.domain.framework import FrameworkError
    from dtmaturity.services.spool import SpoolError
    from dtmaturity.store import StoreError

    problems = settings.current().problems
    if isinstance(exc, ValueError) and str(exc) in problems.values():
        # A setting the command needs is bad: name every bad one at once.
        print(f"dtmaturity: {settings.SettingsError(problems)}", file=sys.stderr)
        return 2
    if isinstance(exc, (FrameworkError, StoreError, SpoolError)):
        print(f"dtmaturity: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):  # an output that cannot be written, e.g. a link refused
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"dtmaturity: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    raise exc


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
