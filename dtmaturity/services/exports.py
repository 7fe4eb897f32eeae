"""Exports: stored answers as CSV (CLI), and any dashboard table or chart as a download.

Tables go out as CSV (UTF-8 with a byte-order mark, so Excel reads æ, ø and å right) or as an
Excel workbook; charts as PNG or SVG, rendered offline by vl-convert. A text cell starting with
=, +, -, @, tab or carriage return is prefixed with an apostrophe, so a spreadsheet shows it as
text and never runs it as a formula.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

import altair as alt
import pandas as pd

from dtmaturity import safefiles
from dtmaturity.services import authz, workdirs
from dtmaturity.services.context import Context
from dtmaturity.store import queries

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_answers(ctx: Context, output: Path | None, *, stdout: TextIO | None = None) -> int:
    """Write all answers in long format (unit_id,period,respondent,item_id,score,comment), UTF-8,
    sorted by those keys, to `output` or standard output. Returns the number of answers.
    Every person's answers: admins only."""
    authz.require_admin(ctx)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    with workdirs.workdir("export") as folder:  # DuckDB writes here; then copied without links
        path = folder / "answers.csv"
        with ctx.store.reader() as cur:
            count = queries.export_answers(cur, path)
        if output is not None:
            safefiles.publish(path, output)
            return count
        with path.open(encoding="utf-8", newline="") as source:
            shutil.copyfileobj(source, stdout or sys.stdout)
    return count


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, made plain text; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe


def csv_text(frame: pd.DataFrame, *, lineterminator: str = "\n") -> str:
    """The table as comma-separated text, formulas neutralised: every CSV the app or the
    command line writes goes through here (or through csv_bytes)."""
    return _safe_frame(frame).to_csv(index=False, lineterminator=lineterminator)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as comma-separated UTF-8 with a byte-order mark, formulas neutralised."""
    return csv_text(frame, lineterminator="\r\n").encode("utf-8-sig")


def restore(value: str) -> str:
    """The text neutralise() was given: reading back a file we wrote gives what was stored."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "data") -> bytes:
    """The table as an Excel workbook, text cells neutralised and stored as text."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "".join(c for c in sheet if c not in "[]:*?/\\")[:31] or "data"
    safe = _safe_frame(frame)
    worksheet.append([_cell(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        worksheet.append([_cell(v) for v in row])
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it looks like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _vl_version() -> str:
    return ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


FILE_CHART_WIDTH = 760  # px: a page's width, so labels have the room they have on screen


def _for_file(chart: alt.TopLevelMixin) -> str:
    """The chart's spec with a fixed width. On the page a chart takes the width of its column;
    in a file it would otherwise get Vega's 20 px per category, and quarter labels would lie on
    top of each other."""
    spec = chart.to_dict()
    if "width" not in spec:
        spec["width"] = FILE_CHART_WIDTH
    return json.dumps(spec)


def chart_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """The chart as PNG, rendered here without a browser or the network."""
    import vl_convert

    return vl_convert.vegalite_to_png(_for_file(chart), vl_version=_vl_version(), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG (text stays text, so screen readers and search can use it)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(_for_file(chart), vl_version=_vl_version())


def file_stem(*parts: str) -> str:
    """A file name from its parts: letters, digits and dashes only (æøå kept)."""
    text = "-".join(p for p in parts if p)
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text).strip("-")[:80] or "data"
