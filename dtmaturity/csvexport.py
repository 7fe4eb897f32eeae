"""CSV bytes for downloads that open safely and correctly in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Sequence[dict[str, object]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows æ, ø and å right; formulas neutralised."""
    names = list(columns or (rows[0].keys() if rows else []))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(row.get(name)) for name in names])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
