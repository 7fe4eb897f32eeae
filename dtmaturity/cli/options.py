"""Options several commands share: --lang, --dry-run, --wait, and file arguments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from dtmaturity.domain import i18n

FILE = click.Path(path_type=Path)


def lang_option(
    default: str | None = "en", help: str = "language of messages: nb, nn or en (default: en)"
) -> Callable:
    return click.option(
        "--lang", type=click.Choice(list(i18n.LANGUAGES)), default=default, help=help
    )


def dry_run_option(help: str) -> Callable:
    return click.option("--dry-run", is_flag=True, help=help)


def wait_option(command: Callable) -> Callable:
    return click.option(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="when the app holds the database: how long to wait for it (default 60)",
    )(command)
