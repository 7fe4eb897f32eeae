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
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_source

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


def convert(path: Path, target: Path, sheet: str | None = None) -> str:
    """Write one sheet of the workbook at `path` to `target` as UTF-8 CSV; the sheet's name.
    Run in a child process (see the module's docstring); `sheet` None: the first visible."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 (only imports need it)

    if workbook_kind(path) in ("xlsx", "ods"):
        check_archive(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith(".Visible")]
        chosen = _choose_sheet(list(book.sheet_names), visible, sheet)
        rows = book.get_sheet_by_name(chosen).iter_rows()
        _write_sheet(rows, target)
    except CsvFileError:
        raise
    except Exception as exc:  # noqa: BLE001 (calamine raises its own kinds for a broken file)
        raise CsvFileError("xlsx_unreadable", detail=type(exc).__name__) from exc
    return chosen


def source_of_sheet(
    path: Path, target: Path, chosen: str, name: str | None = None, *, workdir: Path
) -> CsvSource:
    """The converted sheet (`target`, written by `convert`) inspected like any CSV file, with
    the workbook's own name, digest and size."""
    source = open_source(target, name or path.name, workdir=workdir)
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
    )


def sheet_names(data: bytes) -> list[str]:
    """The visible sheets of a workbook given as bytes (an upload), the first one first; empty
    when it is not a workbook or cannot be read."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    if data.startswith(b"PK\x03\x04"):
        try:
            check_archive(data)
        except CsvFileError:
            return []  # the import itself says what is wrong
    elif not data.startswith(b"\xd0\xcf\x11\xe0"):
        return []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [m.name for m in book.sheets_metadata if str(m.visible).endswith(".Visible")]
    except Exception:  # noqa: BLE001 (a broken workbook: the import says so)
        return []


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


def _write_sheet(rows: Iterable[list[object]], target: Path) -> None:
    width: int | None = None
    pending_empty = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(rows, start=1):
            cells = [v if type(v) is str else _text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if width is None:
                if not cells:
                    continue  # empty rows above the header
                width = len(cells)
            if len(cells) > width:
                raise CsvFileError(
                    "xlsx_cell_without_header", rows=[(number, "")], row=number, column=width + 1
                )
            if not cells:
                pending_empty += 1  # trailing empty rows (formatted but empty) are dropped
                continue
            for _ in range(pending_empty):
                writer.writerow([""] * width)
            pending_empty = 0
            for cell in cells:
                if "\x00" in cell:
                    raise CsvFileError("csv_nul", rows=[(number, "00")], row=number)
            writer.writerow(cells + [""] * (width - len(cells)))
    if width is None:
        raise CsvFileError("csv_empty")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(8 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _child(argv: list[str]) -> int:
    """`python -m dtmaturity.domain.xlsxfile WORKBOOK TARGET [SHEET]`: convert with capped
    memory; prints {"sheet": name} or {"error": key, "params": …, "rows": …} as JSON."""
    import resource  # noqa: PLC0415 (POSIX only, and only here)

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    path, target = Path(argv[0]), Path(argv[1])
    sheet = argv[2] if len(argv) > 2 and argv[2] else None
    try:
        chosen = convert(path, target, sheet)
    except CsvFileError as exc:
        params = {k: v for k, v in exc.params.items() if isinstance(v, str | int)}
        print(json.dumps({"error": exc.key, "params": params, "rows": exc.rows}))
        return 0
    except MemoryError:
        return 3
    print(json.dumps({"sheet": chosen}))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
