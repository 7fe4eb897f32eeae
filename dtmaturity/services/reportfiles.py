"""A report as a file: HTML (one self-contained file from dtmaturity/templates/report.html) or
PDF (reportpdf), its format told from the file name, written one unit or every unit at a time."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

from dtmaturity import safefiles
from dtmaturity.services import exports, rendering, reportpdf, units
from dtmaturity.services.context import Context
from dtmaturity.services.report import build
from dtmaturity.services.reportmodel import Report, ReportError

FORMATS = ("pdf", "html")


def to_html(report: Report) -> str:
    """One self-contained HTML file: styles inline, charts as base64 PNG, no external address
    (dtmaturity/templates/report.html, autoescaped)."""
    return rendering.render("report.html", report=report)


def format_of(path: Path) -> str:
    """The report format from the file name: .pdf or .html (.htm)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in FORMATS:
        raise ReportError(
            f"Cannot tell the report format from {path.name!r}: use a .pdf or .html file name."
        )
    return suffix


def render(report: Report, file_format: str) -> bytes:
    return reportpdf.to_pdf(report) if file_format == "pdf" else to_html(report).encode("utf-8")


def write(
    ctx: Context, unit_id: str, period: str, output: Path, *, lang: str | None = None
) -> Path:
    """Build the report and write it to `output` (format from its extension)."""
    file_format = format_of(output)
    data = render(build(ctx, unit_id, period, lang=lang), file_format)
    output.parent.mkdir(parents=True, exist_ok=True)
    safefiles.replace(output, data)  # a link at `output` is replaced, never written through
    return output


def file_name(unit_id: str, period: str, file_format: str) -> str:
    return f"{exports.file_stem('rapport', unit_id, period)}.{file_format}"


def _unique_file_name(unit_id: str, period: str, file_format: str, used: set[str]) -> str:
    """file_name(), unless that name was given to another unit of this run: ids such as
    `kontor/1`, `kontor 1` and `kontor-1` all make `rapport-kontor-1-…`, and file systems may
    ignore case. Then a short hash of the unit id keeps each report apart."""
    name = file_name(unit_id, period, file_format)
    if name.lower() in used:
        digest = hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:8]
        name = f"{exports.file_stem('rapport', unit_id, period)[:70]}-{digest}.{file_format}"
    used.add(name.lower())
    return name


def write_all(
    ctx: Context,
    period: str,
    folder: Path,
    *,
    file_format: str = "pdf",
    lang: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """One report per unit into `folder`; `progress(done, total, unit_id)` after each."""
    if file_format not in FORMATS:
        raise ReportError(f"Unknown report format {file_format!r}: use pdf or html.")
    folder.mkdir(parents=True, exist_ok=True)
    everyone = units.tree(ctx)
    written = []
    used: set[str] = set()
    for number, unit in enumerate(everyone, start=1):
        path = folder / _unique_file_name(unit.unit_id, period, file_format, used)
        written.append(write(ctx, unit.unit_id, period, path, lang=lang))
        if progress:
            progress(number, len(everyone), unit.unit_id)
    return written


def progress_bar(stream: object = None, width: int = 30) -> Callable[[int, int, str], None]:
    """A one-line text progress bar on stderr: [#####-----] 5/18 unit-id."""
    out = stream or sys.stderr

    def show(done: int, total: int, label: str) -> None:
        filled = round(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == total else ""
        out.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}{end}")  # type: ignore[attr-defined]
        out.flush()  # type: ignore[attr-defined]

    return show
