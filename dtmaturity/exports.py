"""Export stored answers as CSV."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from dtmaturity.context import Context
from dtmaturity.store import queries


def export_answers(ctx: Context, output: Path | None, *, stdout: TextIO | None = None) -> int:
    """Write all answers in long format (unit_id,period,respondent,item_id,score,comment), UTF-8,
    sorted by those keys, to `output` or standard output. Returns the number of answers."""
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with ctx.store.reader() as cur:
            return queries.export_answers(cur, output)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.csv"
        with ctx.store.reader() as cur:
            count = queries.export_answers(cur, path)
        with path.open(encoding="utf-8", newline="") as source:
            shutil.copyfileobj(source, stdout or sys.stdout)
    return count
