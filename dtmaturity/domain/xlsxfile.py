"""Read a workbook (.xlsx, .xls, .ods) as survey tools and spreadsheets write it. Pure Python.

Microsoft Forms exports nothing but .xlsx; Nettskjema, Google Sheets and Excel write it too;
LibreOffice saves .ods by default and many agencies' templates are still Excel 97-2003 .xls.
One sheet (the first visible one unless named: a hidden first sheet is never read without a
word) is read with python-calamine (Rust's calamine: about 20 times faster than openpyxl's
read-only mode on a Forms export, benchmarks/README.md) and written to a UTF-8 CSV file in the
import's work folder, so the rest of the import treats it like any CSV: text cells exactly as
typed, whole numbers without a decimal part (`3`, not `3.0`), date cells as ISO 8601
(`2026-03-05 10:15:22`, in the time the workbook shows), formulas as their cached values.

A workbook is untrusted input that can exhaust the server: a zip bomb (a sheet that inflates a
thousandfold) or a sheet with two cells far apart (calamine allocates every cell between them).
So the zip directory's declared sizes are checked before anything is inflated
(`check_archive`), and the sheet is converted in a child process whose memory is capped
(`python -m dtmaturity.domain.xlsxfile`, run by services/workbooks.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path

from dtmaturity import safefiles
from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_written, summary_word

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MB = 1024 * 1024
# What a workbook may unpack to, all parts together, as its zip directory declares: a
# 100,000-answer Forms export unpacks to about 120 MB (benchmarks/xlsx_bench.py).
MAX_UNPACKED = 1024 * MB
# Deflate shrinks real sheet XML 5-20 times (12 for the benchmark's export); a bomb's part
# shrinks close to deflate's limit of about 1,000. Small parts may shrink more harmlessly.
MAX_RATIO = 200
RATIO_FROM = 8 * MB
MAX_PARTS = 10_000
# The child process that converts a sheet may use this much address space (the benchmark's
# 100,000-row export needs about 400 MB).
MEMORY_LIMIT = 1536 * MB


def check_archive(source: Path | bytes) -> None:
    """Refuse a zip (.xlsx, .ods) whose parts would unpack to too much, from its directory
    alone: nothing is inflated. A directory that lies about sizes is caught by the converting
    process's memory cap instead."""
    try:
        opened = io.BytesIO(source) if isinstance(source, bytes) else source
        with zipfile.ZipFile(opened) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise CsvFileError("xlsx_unreadable", detail=type(exc).__name__) from exc
    if len(parts) > MAX_PARTS:
        raise CsvFileError("xlsx_too_many_parts", count=len(parts), max=MAX_PARTS)
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise CsvFileError(
                "xlsx_bomb", part=part.filename[:100], ratio=int(ratio), max=MAX_RATIO
            )
    if total > MAX_UNPACKED:
        raise CsvFileError("xlsx_too_large", size=total // MB, max=MAX_UNPACKED // MB)


def workbook_kind(path: Path) -> str | None:
    """'xlsx', 'xls', 'ods' from the file's first bytes, or None for anything else."""
    with path.open("rb") as file:
        head = file.read(128)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"  # the OLE2 container of Excel 97-2003
    if not head.startswith(b"PK\x03\x04"):
        return None
    if head[30:38] == b"mimetype" and _ODS_MIME in head:
        return "ods"  # OpenDocument puts its uncompressed mimetype first
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "broken"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    return "zip"


def _text(value: object) -> str:
    """A cell as the text the rest of the import reads."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        # Excel stores times as fractions of a day; round away the float error (10:15:21.999996).
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def convert(path: Path, target: Path, sheet: str | None = None) -> tuple[str, SheetLayout]:
    """Write one sheet of the workbook at `path` to `target` as UTF-8 CSV, from its header row
    on, without the summary rows under the answers; the sheet's name and where its table is.
    Run in a child process (see the module's docstring); `sheet` None: the first visible."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 (only imports need it)

    if workbook_kind(path) in ("xlsx", "ods"):
        check_archive(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith(".Visible")]
        chosen = _choose_sheet(list(book.sheet_names), visible, sheet)
        rows = book.get_sheet_by_name(chosen).iter_rows()
        found = _write_sheet(rows, target)
    except CsvFileError:
        raise
    except Exception as exc:  # noqa: BLE001 (calamine raises its own kinds for a broken file)
        raise CsvFileError("xlsx_unreadable", detail=type(exc).__name__) from exc
    return chosen, found


def source_of_sheet(
    path: Path,
    target: Path,
    chosen: str,
    name: str | None = None,
    *,
    workdir: Path,
    layout: SheetLayout | None = None,
) -> CsvSource:
    """The converted sheet (`target`, written by `convert`) inspected like any CSV file, with
    the workbook's own name, digest and size."""
    source = open_written(target, name or path.name)
    return CsvSource(
        name=source.name,
        path=source.path,
        sha256=_digest(path),
        size=path.stat().st_size,
        encoding="utf-8",
        delimiter=",",
        headers=source.headers,
        transcoded=True,
        records=source.records,
        odd_quotes=source.odd_quotes,
        origin=workbook_kind(path) or "xlsx",
        sheet=chosen,
        first_row=layout.header_row if layout else 1,
        left_out=tuple((*layout.above, *layout.summaries)) if layout else (),
    )


def sheet_names(path: Path) -> list[str]:
    """The visible sheets of a workbook, the first one first. Run in the capped child process:
    opening an .xls parses every sheet (a few KB can ask for gigabytes)."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    if workbook_kind(path) in ("xlsx", "ods"):
        check_archive(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        return [m.name for m in book.sheets_metadata if str(m.visible).endswith(".Visible")]
    except Exception as exc:  # noqa: BLE001 (a broken workbook)
        raise CsvFileError("xlsx_unreadable", detail=type(exc).__name__) from exc


def _choose_sheet(names: list[str], visible: list[str], sheet: str | None) -> str:
    if not names:
        raise CsvFileError("xlsx_no_sheets")
    if sheet is None:
        if not visible:
            raise CsvFileError("xlsx_no_visible_sheets", sheets=", ".join(names))
        return visible[0]
    for candidate in names:  # a hidden sheet is read when it is asked for by name
        if candidate == sheet or candidate.casefold() == sheet.casefold():
            return candidate
    raise CsvFileError("xlsx_unknown_sheet", sheet=sheet, sheets=", ".join(names))


# A coordinator's own workbook: a title (often merged cells), a note and blank rows above the
# header, and summary rows under the answers. Rows under the header whose first filled cell
# begins with a summary word (csvfile.SUMMARY_WORDS) are a summary when nothing but summaries and
# blank rows follow them.
HEADER_SEARCH_ROWS = 50  # the header is looked for among the first rows only


@dataclass
class SheetLayout:
    """Where the table is in a sheet: its header's row (1-based, as the sheet numbers it), and
    the rows left out above it and under the answers, each as (row, reason, first text)."""

    header_row: int = 1
    above: list[tuple[int, str, str]] = field(default_factory=list)
    summaries: list[tuple[int, str, str]] = field(default_factory=list)


def _cells(row: list[object]) -> list[str]:
    cells = [v if type(v) is str else _text(v) for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _looks_like_header(row: list[object]) -> bool:
    """Two or more filled cells, all text: a title or note fills one cell (a merged title
    keeps its text in the first), a data row has numbers or dates."""
    filled = [v for v in row if v not in (None, "")]
    return len(filled) >= 2 and all(isinstance(v, str) for v in filled)


def _is_summary(cells: list[str]) -> str | None:
    first = next((c for c in cells if c.strip()), "")
    return first.strip() if summary_word(first) else None


def _write_sheet(rows: Iterable[list[object]], target: Path) -> SheetLayout:
    layout = SheetLayout()
    iterator = iter(rows)
    width: int | None = None
    above: list[tuple[int, list[object]]] = []
    for number, row in enumerate(iterator, start=1):
        if _looks_like_header(row) or number > HEADER_SEARCH_ROWS:
            break
        above.append((number, row))
    else:
        number, row = 0, []
    if number > HEADER_SEARCH_ROWS or not row:  # no header-like row: the first filled one
        above, pending = [], [*above, *([(number, row)] if row else [])]
        first = next((i for i, (_, r) in enumerate(pending) if _cells(r)), None)
        if first is None:
            raise CsvFileError("csv_empty")
        number, row = pending[first]
        rest = [r for _, r in pending[first + 1 :]]
    else:
        rest = []
    for line, skipped in above:
        cells = _cells(skipped)
        text = next((c for c in cells if c.strip()), "")
        layout.above.append((line, "blank" if not cells else "title", text[:80]))
    layout.header_row = number
    held: list[tuple[int, list[str]]] = []  # blank and summary rows, kept back until data follows
    with safefiles.create(target, "w", encoding="utf-8", newline="", again=True) as out:
        writer = csv.writer(out, lineterminator="\n")
        header = _cells(row)
        width = len(header)
        writer.writerow(header)
        data = ((number + 1 + i, r) for i, r in enumerate(rest))
        start = number + 1 + len(rest)
        # Streamed: the sheet's rows are never all held as Python lists at once.
        for line, raw in chain(data, ((start + i, r) for i, r in enumerate(iterator))):
            cells = _cells(raw)
            if len(cells) > width:
                raise CsvFileError(
                    "xlsx_cell_without_header", rows=[(line, "")], row=line, column=width + 1
                )
            if not cells or _is_summary(cells):
                held.append((line, cells))
                continue
            for _, kept in held:  # not at the bottom after all: they are rows of the table
                writer.writerow(kept + [""] * (width - len(kept)))
            held = []
            if any("\x00" in cell for cell in cells):
                raise CsvFileError("csv_nul", rows=[(line, "00")], row=line)
            writer.writerow(cells + [""] * (width - len(cells)))
    layout.summaries = [(line, "summary", _is_summary(c) or "") for line, c in held if c]
    return layout


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(8 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _child(argv: list[str]) -> int:
    """`python -m dtmaturity.domain.xlsxfile WORKBOOK TARGET [SHEET]`: convert with capped
    memory; prints {"sheet": name, "layout": …} or {"error": key, "params": …, "rows": …} as
    JSON. `… --sheets WORKBOOK` prints {"sheets": [visible names]}."""
    import resource  # noqa: PLC0415 (POSIX only, and only here)

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if argv[0] == "--sheets":
        try:
            print(json.dumps({"sheets": sheet_names(Path(argv[1]))}))
        except CsvFileError as exc:
            print(json.dumps({"error": exc.key, "params": {}, "rows": []}))
        return 0
    path, target = Path(argv[0]), Path(argv[1])
    sheet = argv[2] if len(argv) > 2 and argv[2] else None
    try:
        chosen, found = convert(path, target, sheet)
    except CsvFileError as exc:
        params = {k: v for k, v in exc.params.items() if isinstance(v, str | int)}
        print(json.dumps({"error": exc.key, "params": params, "rows": exc.rows}))
        return 0
    except MemoryError:
        return 3
    print(json.dumps({"sheet": chosen, "layout": asdict(found)}))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
