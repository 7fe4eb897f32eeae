"""A workbook's sheet read in a child process whose memory is capped, so a hostile file (a zip
bomb, a sheet whose cells lie a million rows apart) ends that process, never the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dtmaturity
from dtmaturity import safefiles
from dtmaturity.domain import xlsxfile
from dtmaturity.domain.csvfile import CsvFileError, CsvSource
from dtmaturity.services import workdirs

_ROOT = str(Path(dtmaturity.__file__).resolve().parents[1])
TIMEOUT = 600  # seconds; the 100,000-answer benchmark export converts in about 2


def _child(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "dtmaturity.domain.xlsxfile", *args]
    try:
        return subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
            command, capture_output=True, env=env, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise CsvFileError("xlsx_too_slow", seconds=TIMEOUT) from exc


def _answer(done: subprocess.CompletedProcess[bytes]) -> dict:
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0 or not lines:
        # Killed by its memory cap (calamine aborts when an allocation fails).
        raise CsvFileError("xlsx_too_much_memory", max=xlsxfile.MEMORY_LIMIT // xlsxfile.MB)
    answer = json.loads(lines[-1])
    if "error" in answer:
        rows = [tuple(r) for r in answer.get("rows", [])]
        raise CsvFileError(answer["error"], rows=rows, **answer.get("params", {}))
    return answer


def sheet_names(data: bytes) -> list[str]:
    """The visible sheets of an uploaded workbook (for the Import page's choice), read in the
    capped child process; empty for a CSV file or a workbook that cannot be read (the import
    itself then says why)."""
    if not data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return []
    with workdirs.workdir("sheets") as folder:
        path = folder / "upload"
        safefiles.write_new(path, data)
        if xlsxfile.workbook_kind(path) not in ("xlsx", "xls", "ods"):
            return []
        try:
            if xlsxfile.workbook_kind(path) in ("xlsx", "ods"):
                xlsxfile.check_archive(path)
            return list(_answer(_child("--sheets", str(path)))["sheets"])
        except CsvFileError:
            return []


def open_workbook(
    path: Path, name: str | None = None, *, workdir: Path, sheet: str | None = None
) -> CsvSource:
    """One sheet (the first visible unless named) as a UTF-8 CSV source in `workdir`."""
    if xlsxfile.workbook_kind(path) in ("xlsx", "ods"):
        xlsxfile.check_archive(path)  # refused before anything is inflated
    target = workdir / "sheet.csv"
    answer = _answer(_child(str(path), str(target), sheet or ""))
    found = answer.get("layout") or {}
    layout = xlsxfile.SheetLayout(
        header_row=int(found.get("header_row", 1)),
        above=[tuple(r) for r in found.get("above", [])],
        summaries=[tuple(r) for r in found.get("summaries", [])],
    )
    return xlsxfile.source_of_sheet(
        path, target, answer["sheet"], name, workdir=workdir, layout=layout
    )
