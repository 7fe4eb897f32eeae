"""Read an Excel workbook (.xlsx) as survey tools and spreadsheets write it. Pure Python.

Microsoft Forms exports nothing but .xlsx; Nettskjema, Google Sheets and Excel write it too.
One sheet (the first unless named) is read with python-calamine (Rust's calamine: about 20
times faster than openpyxl's read-only mode on a Forms export, benchmarks/README.md) and written
to a UTF-8 CSV file in the import's work folder, so the rest of the import treats it like any CSV:
text cells exactly as typed, whole numbers without a decimal part (`3`, not `3.0`), date cells
as ISO 8601 (`2026-03-05 10:15:22`, in the time the workbook shows). Old `.xls` and
OpenDocument `.ods` files are refused with a message saying what to do.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dtmaturity import safefiles
from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_source

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


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


def open_workbook(
    path: Path, name: str | None = None, *, workdir: Path, sheet: str | None = None
) -> CsvSource:
    """Convert one sheet to UTF-8 CSV in `workdir` and inspect it like any CSV file."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 (only imports need it)

    try:
        book = CalamineWorkbook.from_path(str(path))
        chosen = _choose_sheet(list(book.sheet_names), sheet)
        rows = book.get_sheet_by_name(chosen).iter_rows()
        target = workdir / "sheet.csv"
        _write_sheet(rows, target)
    except CsvFileError:
        raise
    except Exception as exc:  # noqa: BLE001 (calamine raises its own kinds for a broken file)
        raise CsvFileError("xlsx_unreadable", detail=type(exc).__name__) from exc
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
        origin="xlsx",
        sheet=chosen,
    )


def sheet_names(data: bytes) -> list[str]:
    """The sheets of a workbook given as bytes (an upload); empty when it is not one."""
    import io  # noqa: PLC0415

    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    if not data.startswith(b"PK\x03\x04"):
        return []
    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # noqa: BLE001 (a broken workbook: the import says so)
        return []


def _choose_sheet(names: list[str], sheet: str | None) -> str:
    if not names:
        raise CsvFileError("xlsx_no_sheets")
    if sheet is None:
        return names[0]
    for candidate in names:
        if candidate == sheet or candidate.casefold() == sheet.casefold():
            return candidate
    raise CsvFileError("xlsx_unknown_sheet", sheet=sheet, sheets=", ".join(names))


def _write_sheet(rows: Iterable[list[object]], target: Path) -> None:
    width: int | None = None
    pending_empty = 0
    with safefiles.create(target, "w", encoding="utf-8", newline="", again=True) as out:
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
