"""What an import found and did: the result the page and the command line show, and the
problems it reports (with file, row, column and value)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dtmaturity.domain import textrules
from dtmaturity.domain.csvfile import CsvFileError
from dtmaturity.domain.i18n import counted, t
from dtmaturity.domain.importformat import GENERAL_COMMENT, KEY_HEADERS, Layout
from dtmaturity.domain.problems import Problem

_DETAILS = {
    "import_score_range": ("min", "max"),
    "import_comment_too_long": ("length", "max"),
    "import_reflection_too_long": ("length", "max"),
    "import_duplicate_key": ("first_row", "item"),
    "import_duplicate_checkin": ("first_row",),
    "import_duplicate_unit": ("first_row",),
    "error_future_period": ("value",),
    "import_round_closed": ("unit", "period"),
    "error_too_many_roles": ("count", "max"),
}


@dataclass(frozen=True)
class PreviewRow:
    unit_id: str
    period: str
    new: int
    updated: int
    unchanged: int


@dataclass
class ImportResult:
    file_name: str
    file_format: str | None = None
    dialect: str | None = None
    headers: tuple[str, ...] = ()
    unknown_headers: list[str] = field(default_factory=list)
    rows_total: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    other_changes: int = 0  # role picks and reflections (wide files)
    written: bool = False
    import_id: int | None = None
    tool: str | None = None  # the survey tool recognised from the header (surveytools.TOOLS)
    period_column: str | None = None  # the header of the column that gave the quarter
    period_from_timestamp: bool = False  # ... and that column is the tool's timestamp
    mapping: dict[str, str] = field(default_factory=dict)  # header -> target, as read
    saved_mapping: dict[str, str] = field(default_factory=dict)  # what was saved for them
    date_order: str | None = None  # dmy or mdy when the file's slash dates needed one
    date_order_chosen: bool = False  # ... and it was the person's choice (the dates fit both)
    needs_date_order: bool = False  # ask (nothing was written): the dates fit both orders, or
    # the order given does not fit them
    layout_ok: bool = False  # the header was understood (a mapping given may be saved)
    held: int = 0  # answers for quarters already released: held until released again
    first_row: int = 1  # a sheet's row of the header
    left_out: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, text)
    computed_columns: list[str] = field(default_factory=list)  # «Snitt …»: read as ignored
    # Unknown columns: the first few values of each, those that hold free text (to offer as
    # the general comment or ignored), and those that hold dates (to offer as the quarter).
    samples: dict[str, list[str]] = field(default_factory=dict)
    free_text_headers: list[str] = field(default_factory=list)
    date_headers: list[str] = field(default_factory=list)
    auto_comment: str | None = None  # a survey form's one free-text question, read as comment

    def suggested_maps(self) -> list[tuple[str, str]]:
        """(header, target) the coordinator may give: a date column as the quarter when the
        file has none, free text as the check-in's general comment."""
        maps = [(h, "period") for h in self.date_headers[:1]]
        return maps + [(h, GENERAL_COMMENT) for h in self.free_text_headers]

    def notes(self, lang: str) -> list[str]:
        """What was left out of a sheet and why, and the columns read as computed: one
        sentence each, for the preview and the command line."""
        notes = []
        for row, reason, text in self.left_out:
            notes.append(
                t(lang, f"import_left_out_{reason}", row=row, text=text, header=self.first_row)
            )
        if self.auto_comment:
            notes.append(t(lang, "import_auto_comment", column=self.auto_comment))
        if self.computed_columns:
            columns = ", ".join(f"«{c}»" for c in self.computed_columns)
            notes.append(t(lang, "import_computed_columns", columns=columns))
        return notes

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(p.new for p in self.preview),
            sum(p.updated for p in self.preview),
            sum(p.unchanged for p in self.preview),
        )

    def summary(self, lang: str) -> str:
        new, updated, unchanged = self.totals
        key = {"units": "import_summary_units", "actions": "actions_import_summary"}.get(
            self.file_format or "", "import_summary"
        )
        text = t(
            lang,
            key,
            new_counted=counted(lang, "n_new", new),
            updated_counted=counted(lang, "n_updated", updated),
            unchanged_counted=counted(lang, "n_unchanged", unchanged),
        )
        if self.held:
            text += " " + t(lang, "import_held", n=self.held)
        return text


def header_problems(layout: Layout, headers: tuple[str, ...]) -> list[Problem]:
    problems = [
        Problem(
            1,
            None,
            None,
            "import_missing_column",
            {"format": layout.format, "expected": " / ".join(KEY_HEADERS[key][:2])},
        )
        for key in layout.missing
    ]
    problems += [
        Problem(1, headers[c], headers[c], "import_unknown_column", {"format": layout.format})
        for c in layout.unknown
    ]
    problems += [
        Problem(1, headers[c], headers[c], "import_duplicate_column") for c in layout.duplicates
    ]
    return problems


def say_what_to_do(problem: Problem, result: ImportResult) -> Problem:
    """An unknown column that holds free text or dates gets a message that says what it can be
    read as (the general comment; the quarter's source), with its first values."""
    if problem.key != "import_unknown_column" or problem.column is None:
        return problem
    header = problem.column
    examples = ", ".join(f"«{v[:40]}»" for v in result.samples.get(header, []))
    if header in result.date_headers[:1]:
        key = "import_period_from_date_column"
    elif header in result.free_text_headers:
        key = "import_free_text_column"
    else:
        return problem
    params = {**problem.params, "column": header, "examples": examples}
    return Problem(problem.row, problem.column, problem.value, key, params)


def column_names(layout: Layout, headers: tuple[str, ...]) -> dict[str, str]:
    """The file's own header text for each column role, for problem messages."""
    return {role: headers[column] for role, column in layout.keys.items()}


def from_row(row: tuple, columns: dict[str, str]) -> Problem:
    """A problem from a row of the checks' SQL (row, column role, value, key, two details),
    its column named by the file's own header."""
    line, column, value, key, first, second = row
    details = dict(zip(_DETAILS.get(key, ()), (first, second), strict=False))
    return Problem(int(line), columns.get(column, column), value, key, details)


def by_row(problem: Problem) -> tuple[int, str]:
    """The order problems are reported in: by row, then column."""
    return (problem.row or 0, problem.column or "")


def line_problems(row: int, column: str | None, value: str | None) -> list[Problem]:
    """A one-line value of a file (a name, an id) checked by the rule of every way in."""
    found = textrules.line_problem(value)
    if found is None or value is None:
        return []
    return [Problem(row, column, textrules.shown(value), found.key, dict(found.params))]


def file_problems(exc: CsvFileError) -> list[Problem]:
    """A file-level problem, and one line per row it names (bad bytes: the bytes in hex)."""
    row = exc.params.get("row")
    problems = [Problem(row if isinstance(row, int) else None, None, None, exc.key, exc.params)]
    if exc.key == "csv_bad_bytes":
        problems += [
            Problem(row, None, value, "csv_bad_bytes_row", {"bytes": value})
            for row, value in exc.rows
        ]
    return problems
