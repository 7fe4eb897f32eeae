"""Batch imports for coordinators: one service behind the Import page and `dtmaturity import`.

A table of contents; each module holds one idea:

- pipeline: run a file through open → recognise → stage → check → preview → write (one
  transaction; a dry run only reads);
- answers, units, actions: the three kinds of file, each checked and written its own way;
- quarters: reading the quarter column (date order, time zones);
- mapping: the header mapping saved per header set, and the unknown columns sampled;
- result: what an import found and did, its problems with file, row, column and value;
- history: the import log and undo;
- tables: template files and the tables the page and command line show.
"""

from dtmaturity.domain.importformat import IGNORE
from dtmaturity.domain.problems import Problem
from dtmaturity.services.imports.history import LogEntry, UndoError, log, undo, undo_preview
from dtmaturity.services.imports.mapping import (
    DATE_ORDER_KEY,
    SAMPLE_VALUES,
    save_mapping,
    saved_mapping,
)
from dtmaturity.services.imports.pipeline import run, run_upload
from dtmaturity.services.imports.result import ImportResult, PreviewRow
from dtmaturity.services.imports.tables import (
    TEMPLATE_FORMATS,
    TEMPLATES,
    log_table,
    preview_table,
    problems_table,
    target_label,
    template,
)

__all__ = [
    "DATE_ORDER_KEY",
    "IGNORE",
    "SAMPLE_VALUES",
    "TEMPLATES",
    "TEMPLATE_FORMATS",
    "ImportResult",
    "LogEntry",
    "PreviewRow",
    "Problem",
    "UndoError",
    "log",
    "log_table",
    "preview_table",
    "problems_table",
    "run",
    "run_upload",
    "save_mapping",
    "saved_mapping",
    "target_label",
    "template",
    "undo",
    "undo_preview",
]
