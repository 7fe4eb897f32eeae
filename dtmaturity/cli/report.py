"""`report`: the leader-group report for a unit (or every unit) and quarter, as PDF or HTML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dtmaturity.cli.acting import reading
from dtmaturity.cli.options import FILE, lang_option, wait_option
from dtmaturity.cli.root import cli
from dtmaturity.domain import i18n, settings

if TYPE_CHECKING:
    from dtmaturity.services.context import Context

REPORT_FORMATS = ("pdf", "html")  # services.reportfiles.FORMATS (a test keeps them the same)


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
@lang_option(
    default=None,
    help="language of the report: nb, nn or en (default: DTMATURITY_DEFAULT_LANGUAGE, else nb)",
)
@wait_option
@click.pass_obj
def report(
    db: Path | None,
    unit: str | None,
    all_: bool,
    period: str | None,
    output: Path,
    file_format: str,
    lang: str | None,
    wait: float,
) -> int:
    """The leader-group report for a unit and quarter, as PDF or HTML.

    Give either --unit ID or --all. Works while the app is serving the same database: it then
    reads a consistent copy that the app makes on request."""
    if (unit is None) == (not all_):
        raise click.UsageError(
            "one of the options --unit --all is required"
            if unit is None
            else "option --all: not allowed with option --unit"
        )
    with reading(db, wait, "report") as ctx:
        return _report(ctx, unit, period, output, file_format, lang)


def _report(
    ctx: Context, unit: str | None, period: str | None, output: Path, fmt: str, lang: str | None
) -> int:
    from dtmaturity.services import analytics, reportfiles
    from dtmaturity.services.reportmodel import ReportError

    try:
        lang = lang or settings.default_language()
    except i18n.LanguageSettingError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    try:
        if period is None:
            period = analytics.latest_finished(ctx, unit)
            if period is None:
                print("dtmaturity report: no finished quarter with answers", file=sys.stderr)
                return 1
            print(f"quarter: {period} (the latest finished)", file=sys.stderr)
        if unit is None:
            paths = reportfiles.write_all(
                ctx,
                period,
                output,
                file_format=fmt,
                lang=lang,
                progress=reportfiles.progress_bar(sys.stderr),
            )
            print(f"wrote {len(paths)} reports to {output}")
        else:
            path = reportfiles.write(ctx, unit, period, output, lang=lang)
            print(f"wrote {path}")
    except ReportError as exc:
        print(f"dtmaturity report: {exc}", file=sys.stderr)
        return 1
    return 0
