"""CSV batch import for coordinators: one service behind the Import page and `dtmaturity import`.

stage (DuckDB read_csv into a staging table) → validate (SQL over the staging table, every
problem at once) → preview (new / updated / unchanged per unit and period) → commit (one
transaction, upsert on the natural keys, the replaced values kept for undo) → import log.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from dtmaturity import safefiles
from dtmaturity.domain import access, dates, formats, textrules
from dtmaturity.domain.access import AccessDenied
from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_source
from dtmaturity.domain.i18n import counted, t
from dtmaturity.domain.importformat import (
    GENERAL_COMMENT,
    IGNORE,
    KEY_HEADERS,
    RESPONDENT_PATTERN,
    Layout,
    header_signature,
    normalise,
    parse_score,
    recognise,
)
from dtmaturity.domain.model import MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH, MAX_ROLES_PER_KIND
from dtmaturity.domain.periods import Period, PeriodError
from dtmaturity.domain.problems import Problem
from dtmaturity.domain.surveytools import ToolLayout, recognise_tool
from dtmaturity.domain.xlsxfile import workbook_kind
from dtmaturity.services import authz, import_actions, releases, rounds, workdirs
from dtmaturity.services.context import Context
from dtmaturity.services.workbooks import open_workbook
from dtmaturity.store import (
    header_mappings,
    import_checks,
    import_log,
    import_staging,
    import_writes,
)
from dtmaturity.store import import_units as sql  # units files
from dtmaturity.store import releases as releases_sql
from dtmaturity.store import rounds as round_store

# Extra details of a problem, in the order the SQL returns them.
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
# Saved with a header set's mapping: the date order the coordinator chose for its dates.
DATE_ORDER_KEY = "@date_order"


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


class _Rollback(Exception):
    """Leave the transaction without writing (dry run, or a file that is rejected)."""


def _header_problems(layout: Layout, headers: tuple[str, ...]) -> list[Problem]:
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


def _say_what_to_do(problem: Problem, result: ImportResult) -> Problem:
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


def _column_names(layout: Layout, headers: tuple[str, ...]) -> dict[str, str]:
    """The file's own header text for each column role, for problem messages."""
    return {role: headers[column] for role, column in layout.keys.items()}


def _problem(row: tuple, columns: dict[str, str]) -> Problem:
    line, column, value, key, first, second = row
    details = dict(zip(_DETAILS.get(key, ()), (first, second), strict=False))
    return Problem(int(line), columns.get(column, column), value, key, details)


def _allowed(ctx: Context) -> list[str] | None:
    """The units the acting person may import for: None (all) for an admin."""
    if access.is_admin(ctx.actor.grants):
        return None
    return authz.coordinated_units(ctx, list(authz.parents(ctx)))


_ZONE_SUFFIX = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:[+-][\d:]+)?)\s*$")


class _NeedDateOrder(Exception):
    """Every slash date in the quarter's column fits both day/month and month/day."""


class _WrongDateOrder(Exception):
    """The date order given does not fit the column: `row` holds the date that shows it."""

    def __init__(self, row: int | None, error: dates.DateOrderWrong) -> None:
        self.row, self.error = row, error
        super().__init__(error.key)


def _date_order(
    undecided: list[str], layout: Layout, given: str | None, saved: str | None
) -> tuple[str | None, bool]:
    """The order to read the column's slash dates in, and whether it is the person's choice for
    an ambiguous column (the only case worth saving). The tool's own format wins; then what the
    dates show; then the order given now, or saved for these headers. A given order is checked
    against every date (dates.check_order)."""
    if layout.date_order:
        return layout.date_order, False  # the tool's format fixes it: never asked
    if not any(dates.is_slash_date(raw) for raw in undecided):
        return None, False  # ISO, dotted or no dates: nothing to ask, nothing to save
    try:
        evident = dates.slash_order(undecided)
    except dates.DateOrderNeeded:
        order = given if given in dates.DATE_ORDERS else saved
        if order not in dates.DATE_ORDERS:
            raise _NeedDateOrder from None
        dates.check_order(undecided, order)
        return order, True
    except ValueError:
        return (
            given or saved,
            False,
        )  # day-first and month-first mixed: what does not fit is reported
    if given in dates.DATE_ORDERS and given != evident:
        dates.check_order(undecided, given)  # names a date the given order makes impossible
    return evident, False


def _period_lookup(
    raws: list[str], layout: Layout, order: str | None
) -> list[tuple[str, str | None]]:
    """Each distinct quarter cell as a quarter (None when it is none).

    A tool's timestamp is read as a moment (with its offset, or in the tool's time zone) and
    becomes the quarter it falls in in Norwegian time; a quarter column may also hold dates.
    """
    tz = dates.zone(layout.timezone)
    periods = []
    by_day: dict[str, str | None] = {}  # a naive time in Oslo: its quarter is its day's
    for raw in raws:
        period = None
        if not layout.period_from_timestamp and _is_quarter(raw):
            period = str(Period.parse_flexible(raw))
        else:
            day = raw.strip().split(" ")[0].split("T")[0]
            naive = tz is dates.OSLO and not _ZONE_SUFFIX.search(raw)
            if naive and day in by_day:
                period = by_day[day]
            else:
                quarter = dates.quarter_of(raw, order, tz)
                period = str(quarter) if quarter is not None else None
                if naive and period is not None:
                    by_day[day] = period
        periods.append((raw, period))
    return periods


def _is_quarter(raw: str) -> bool:
    try:
        Period.parse_flexible(raw)
    except PeriodError:
        return False
    return True


def _lookups(
    ctx: Context, cur: duckdb.DuckDBPyConnection, layout: Layout, result: ImportResult
) -> list[str]:
    """Load the lookup tables; returns the quarters the file names."""
    fw = ctx.framework
    items = []
    for item in fw.items:
        for key in {normalise(n) for n in (item.id, *item.name.values())}:
            items.append((key, item.id, item.scale.min, item.scale.max, item.scale.id))
    raws = import_staging.distinct_values(cur, "all_rows", "period_raw")
    undecided = [r for r in raws if layout.period_from_timestamp or not _is_quarter(r)]
    saved = result.saved_mapping.get(DATE_ORDER_KEY)
    try:
        result.date_order, result.date_order_chosen = _date_order(
            undecided, layout, result.date_order, saved
        )
    except dates.DateOrderWrong as exc:
        row = import_staging.first_row_with_period(cur, exc.value)
        raise _WrongDateOrder(row, exc) from None
    periods = _period_lookup(raws, layout, result.date_order)
    scores = []
    for raw in import_staging.distinct_values(cur, "cells", "score_raw"):
        for scale in fw.scales:
            levels = [(lv.value, *lv.label.values()) for lv in scale.levels]
            scores.append((raw, scale.id, parse_score(raw, levels)))
    roles = [
        (key, role.id)
        for role in fw.roles
        for key in {normalise(n) for n in (role.id, *role.name.values())}
    ]
    today = datetime.now(dates.OSLO).date()
    import_staging.load_lookups(
        cur,
        items=items,
        periods=periods,
        scores=scores,
        roles=roles,
        allowed_units=_allowed(ctx),
        current_period=str(Period.current(today)),
    )
    return sorted({period for _, period in periods if period})


def _validate_answers(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
) -> list[Problem]:
    keys = dict(layout.keys)
    general = keys.pop(GENERAL_COMMENT, None) if layout.format == "wide" else None
    reflections = dict(layout.reflections)
    if general is not None:
        reflections[general] = GENERAL_COMMENT  # the check-in's general comment
    used = [*keys.values(), *layout.items, *layout.comments, *layout.roles, *reflections]
    comment_for = {item: column for column, item in layout.comments.items()}
    import_staging.load_answer_rows(
        cur,
        keys=keys,
        used_columns=used,
        long_item=(keys["item"], keys["score"], keys.get("comment"))
        if layout.format == "long"
        else None,
        wide_items=[
            (
                item_id,
                column,
                comment_for.get(item_id),
                headers[column],
                headers[comment_for[item_id]] if item_id in comment_for else None,
            )
            for column, item_id in layout.items.items()
        ],
        respondent_prefix=layout.tool,
    )
    import_staging.load_extra_cells(
        cur,
        keys,
        roles=[(c, kind, headers[c]) for c, kind in layout.roles.items()],
        reflections=[(c, q, headers[c]) for c, q in reflections.items()],
        respondent_prefix=layout.tool,
    )
    import_staging.all_rows_view(cur)
    quarters = _lookups(ctx, cur, layout, result)
    # Inside the write transaction, like a check-in: a round that closed before this import
    # commits refuses its rows (import_round_closed), and one closing now waits for it.
    gate = rounds.gate(cur, quarters)
    round_store.load_closed_quarters(
        cur, [(unit, q) for q in quarters for unit in gate.closed_units(q)]
    )
    import_staging.resolve_answers(cur)
    import_staging.resolve_extras(cur)
    columns = _column_names(layout, headers)
    rows = import_checks.answer_problems(
        cur, MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH, MAX_ROLES_PER_KIND, RESPONDENT_PATTERN
    )
    problems = [_problem(row, columns) for row in rows]
    return sorted(problems + _respondent_problems(cur, columns), key=_order)


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.row or 0, problem.column or "")


def _line_problems(row: int, column: str | None, value: str | None) -> list[Problem]:
    """A one-line value of a file (a name, an id) checked by the rule of every way in."""
    found = textrules.line_problem(value)
    if found is None or value is None:
        return []
    return [Problem(row, column, textrules.shown(value), found.key, dict(found.params))]


def _respondent_problems(cur: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> list[Problem]:
    """Respondents (e-mails or ids) holding control characters or encoded words, per row."""
    refused = [
        value
        for value in import_staging.distinct_values(cur, "all_rows", "respondent")
        if textrules.line_problem(value)
    ]
    column = columns.get("respondent", columns.get("respondent_id", "respondent"))
    return [
        problem
        for row, value in import_staging.rows_with_respondents(cur, refused)
        for problem in _line_problems(row, column, value)
    ]


def _cycles(rows: list[tuple], parents: dict[str, str | None]) -> list[Problem]:
    """Units whose parent chain (file and database together) comes back to themselves."""
    tree = dict(parents)
    tree.update({unit: parent for _, unit, _, parent in rows if unit})
    problems = []
    for row, unit, _, parent in rows:
        seen, current = {unit}, parent
        while current is not None and current in tree:
            if current in seen:
                problems.append(Problem(row, "parent", parent, "import_cycle", {"unit": unit}))
                break
            seen.add(current)
            current = tree[current]
    return problems


def _units_out_of_scope(
    rows: list[tuple],
    grants: tuple[access.Grant, ...],
    now: dict[str, str | None],
    columns: dict[str, str],
) -> list[Problem]:
    """A coordinator creates and moves units only within their subtree, judged by where each
    unit of the file is now AND where it will be after the import: an existing unit must be in
    the subtree today, and afterwards the unit and its new parent must both be in it (a unit
    whose parent stays as it is may keep it, so the coordinator's own top unit can be renamed).
    Following only the parent written in the file would let a file move a unit from anywhere
    into the subtree, and with it the unit's people and answers."""
    after = dict(now)
    after.update({unit: parent for _, unit, _, parent in rows if unit})
    problems = []
    for row, unit, _, parent in rows:
        if not unit:
            continue
        if unit in now and not access.may_coordinate(grants, unit, now):
            problems.append(
                Problem(row, columns.get("unit", "unit_id"), unit, "import_unit_not_allowed")
            )
            continue
        keeps_parent = unit in now and now[unit] == parent
        lands_inside = access.may_coordinate(grants, unit, after) and (
            parent is not None and access.may_coordinate(grants, parent, after)
        )
        if not keeps_parent and not lands_inside:
            problems.append(
                Problem(row, columns.get("parent", "parent"), parent, "import_unit_not_allowed")
            )
    return problems


def _validate_units(
    ctx: Context, cur: duckdb.DuckDBPyConnection, layout: Layout, headers: tuple[str, ...]
) -> list[Problem]:
    sql.load_unit_rows(cur, layout.keys, list(layout.keys.values()))
    columns = _column_names(layout, headers)
    problems = [_problem(row, columns) for row in sql.unit_problems(cur)]
    if not access.is_admin(ctx.actor.grants):
        problems += _units_out_of_scope(
            sql.unit_rows(cur), ctx.actor.grants, sql.existing_parents(cur), columns
        )
    for problem in _cycles(sql.unit_rows(cur), sql.existing_parents(cur)):
        problems.append(
            Problem(problem.row, columns.get("parent"), problem.value, problem.key, problem.params)
        )
    for row, unit_id, name, parent_id in sql.unit_rows(cur):
        for role, value in (("unit", unit_id), ("name", name), ("parent", parent_id)):
            problems += _line_problems(row, columns.get(role, role), value)
    return sorted(problems, key=_order)


def saved_mapping(ctx: Context, headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The header mapping saved for files with these headers, or an empty one (the date order
    chosen for them, if any, under DATE_ORDER_KEY)."""
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        text = header_mappings.saved_mapping(cur, header_signature(headers))
    return json.loads(text) if text else {}


def save_mapping(
    ctx: Context,
    headers: tuple[str, ...],
    mapping: dict[str, str],
    *,
    date_order: str | None = None,
) -> None:
    """Remember how to read files with these headers (normalised header → target), and the
    date order their dates need, if one was chosen."""
    authz.require_coordinate(ctx)
    clean = {
        normalise(h): target for h, target in mapping.items() if target and h != DATE_ORDER_KEY
    }
    order = date_order or mapping.get(DATE_ORDER_KEY)
    if order in dates.DATE_ORDERS:
        clean[DATE_ORDER_KEY] = order
    payload = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    ctx.write(
        lambda cur: header_mappings.save_mapping(
            cur, header_signature(headers), payload, ctx.actor.user_id
        ),
        "import.mapping.save",
        details={"headers": len(headers)},
    )


def _open(path: Path, name: str, folder: Path, sheet: str | None) -> CsvSource:
    """The file as a UTF-8 CSV in `folder`: a workbook's sheet converted, CSV transcoded."""
    kind = workbook_kind(path)
    if kind in ("xlsx", "xls", "ods"):
        return open_workbook(path, name, workdir=folder, sheet=sheet)
    if kind in ("broken", "zip"):
        raise CsvFileError("xlsx_unreadable", detail=kind)
    return open_source(path, name, workdir=folder)


def _file_problems(exc: CsvFileError) -> list[Problem]:
    """A file-level problem, and one line per row it names (bad bytes: the bytes in hex)."""
    row = exc.params.get("row")
    problems = [Problem(row if isinstance(row, int) else None, None, None, exc.key, exc.params)]
    if exc.key == "csv_bad_bytes":
        problems += [
            Problem(row, None, value, "csv_bad_bytes_row", {"bytes": value})
            for row, value in exc.rows
        ]
    return problems


def _described_mapping(layout: Layout, headers: tuple[str, ...]) -> dict[str, str]:
    """Header → target for every column the import reads (shown, and changeable, on the page)."""
    described: dict[str, str] = {}
    for key, column in layout.keys.items():
        described[headers[column]] = key
    for kind, columns in (
        ("item", layout.items),
        ("comment", layout.comments),
        ("roles", layout.roles),
        ("reflection", layout.reflections),
    ):
        for column, ident in columns.items():
            described[headers[column]] = f"{kind}:{ident}"
    for column in [*layout.ignored, *layout.computed]:
        described.setdefault(headers[column], IGNORE)
    return described


def run(
    ctx: Context,
    path: Path,
    name: str | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    date_order: str | None = None,
) -> ImportResult:
    """Validate a CSV file or workbook and, unless rejected or a dry run, write it in one
    transaction.

    Default: nothing is written unless the whole file is valid. With `skip_invalid`, rows
    without problems are written and the rest reported. `mapping` (normalised header → target)
    overrides the saved mapping for files with these headers. `sheet` names a workbook's sheet
    (default: the first). `date_order` (dmy or mdy) reads slash dates that fit both orders.
    """
    authz.require_coordinate(ctx)
    result = ImportResult(file_name=name or path.name)
    with workdirs.workdir("import") as folder:
        try:
            source = _open(path, result.file_name, folder, sheet)
        except CsvFileError as exc:
            result.problems = _file_problems(exc)
            return result
        if import_actions.is_actions_header(source.headers) and source.origin == "csv":
            return _run_actions(ctx, path, result.file_name, source.dialect, dry_run=dry_run)
        tool = recognise_tool(source.records)
        headers = tool.headers if tool.tool else source.headers
        result.saved_mapping = saved_mapping(ctx, headers)
        given = {**result.saved_mapping, **(mapping or {})}
        chosen = {k: v for k, v in given.items() if k != DATE_ORDER_KEY}
        result.date_order = date_order  # checked against this file's dates in _lookups
        layout = recognise(headers, ctx.framework, chosen, tool)
        _describe_unknown(ctx, source, tool, layout, headers, result)
        if auto := _general_comment(layout, result):
            # A survey form's one free-text question is its general comment: read so, and
            # said so (it can be changed on the page or with --map HEADER=ignore).
            layout = recognise(headers, ctx.framework, {**chosen, auto: GENERAL_COMMENT}, tool)
            result.auto_comment = auto
            result.free_text_headers.remove(auto)
        result.file_format, result.dialect, result.headers = layout.format, source.dialect, headers
        result.tool = layout.tool
        result.mapping = _described_mapping(layout, headers)
        if "period" in layout.keys:
            result.period_column = headers[layout.keys["period"]]
            result.period_from_timestamp = layout.period_from_timestamp
        result.unknown_headers = [headers[c] for c in layout.unknown]
        result.computed_columns = [headers[c] for c in layout.computed]
        result.first_row, result.left_out = source.first_row, list(source.left_out)
        result.problems = [_say_what_to_do(p, result) for p in _header_problems(layout, headers)]
        if result.problems:
            return result
        result.layout_ok = True
        try:
            ctx.write(
                lambda cur: _work(ctx, cur, source, layout, headers, result, dry_run, skip_invalid),
                "import.run",
                source.name,
                lambda _: {
                    "import_id": result.import_id,
                    "sha256": source.sha256,
                    "format": result.file_format,
                    "tool": result.tool,
                    "new": result.totals[0],
                    "updated": result.totals[1],
                    "unchanged": result.totals[2],
                    "rows_rejected": result.rejected_rows,
                },
                prepare=lambda cur: _stage(cur, source, tool, result),
            )
        except _Rollback:
            result.written = False
        except import_staging.StageError as exc:
            result.problems = [Problem(exc.row, None, None, exc.key, dict(exc.params))]
            result.written = False
        except _NeedDateOrder:
            column = result.period_column or ""
            result.problems = [
                Problem(None, column, None, "import_date_order_needed", {"column": column})
            ]
            result.needs_date_order, result.preview, result.written = True, [], False
        except _WrongDateOrder as exc:
            column = result.period_column or ""
            wrong = exc.error
            params = {"column": column, **wrong.params}
            result.problems = [Problem(exc.row, column, wrong.value, wrong.key, params)]
            result.needs_date_order, result.preview, result.written = True, [], False
            result.date_order, result.date_order_chosen = None, False
    return result


SAMPLE_VALUES = 3  # values shown of an unknown column
_SAMPLE_ROWS = 200  # rows read for them


def _samples(source: CsvSource, skip: int, columns: list[int]) -> dict[int, list[str]]:
    """The first few distinct non-empty values of `columns`, from the file's first rows."""
    found: dict[int, list[str]] = {c: [] for c in columns}
    with source.path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=source.delimiter)
        try:
            for number, record in enumerate(reader):
                if number < skip + source.skip_lines:
                    continue
                if number > _SAMPLE_ROWS:
                    break
                for column in columns:
                    value = record[column].strip() if column < len(record) else ""
                    if value and value not in found[column] and len(found[column]) < SAMPLE_VALUES:
                        found[column].append(value)
        except csv.Error:
            pass  # the import itself names what is wrong with the file
    return found


def _describe_unknown(
    ctx: Context,
    source: CsvSource,
    tool: ToolLayout,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
) -> None:
    """Sample values of the unknown columns, and which of them hold dates or free text."""
    if not layout.unknown:
        return
    levels = [(lv.value, *lv.label.values()) for sc in ctx.framework.scales for lv in sc.levels]
    samples = _samples(source, tool.header_rows, layout.unknown)
    for column, values in samples.items():
        header = headers[column]
        result.samples[header] = values
        if not values:
            continue
        if all(dates.parse_moment(v, "dmy") or dates.parse_moment(v, "mdy") for v in values):
            if "period" not in layout.keys:
                result.date_headers.append(header)
        elif all(parse_score(v, levels) is None for v in values) and any(" " in v for v in values):
            result.free_text_headers.append(header)  # words, not scores, ids or addresses


def _general_comment(layout: Layout, result: ImportResult) -> str | None:
    """The header of a survey tool's only free-text question matching no item, when nothing
    is the general comment yet; None otherwise (several are offered, none chosen)."""
    if not layout.tool or GENERAL_COMMENT in layout.keys or len(result.free_text_headers) != 1:
        return None
    return result.free_text_headers[0]


def _stage(
    cur: duckdb.DuckDBPyConnection, source: CsvSource, tool: ToolLayout, result: ImportResult
) -> None:
    """Read the file into TEMP stage, before the write transaction begins (see Store.write)."""
    result.rows_total = import_staging.stage(
        cur,
        str(source.path),
        source.delimiter,
        len(source.headers),
        source.skip_lines,
        header_rows=tool.header_rows,
        odd_quotes=source.odd_quotes,
        first_row=source.first_row,
    )


def _run_actions(
    ctx: Context, path: Path, name: str, dialect: str, *, dry_run: bool
) -> ImportResult:
    """An actions file (recognised from its header) goes to the actions import, which checks
    every row and writes all or nothing; its result is reported like any import's."""
    done = import_actions.import_actions(ctx, path, name=name, dry_run=dry_run)
    return ImportResult(
        file_name=name,
        file_format="actions",
        dialect=dialect,
        rows_total=done.rows_total,
        problems=list(done.problems),
        preview=[PreviewRow("", "", done.new, done.updated, done.unchanged)],
        written=done.written,
        import_id=done.import_id,
    )


def _work(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    source: CsvSource,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
    dry_run: bool,
    skip_invalid: bool,
) -> None:
    if layout.format == "units":
        result.problems = _validate_units(ctx, cur, layout, headers)
    else:
        result.problems = _validate_answers(ctx, cur, layout, headers, result)
    bad_rows = sorted({p.row for p in result.problems if p.row is not None})
    if layout.format == "units":
        preview = sql.select_valid_units(cur, bad_rows)
    else:
        import_writes.select_valid(cur, bad_rows)
        preview = import_writes.preview(cur)
        result.other_changes = sum(import_writes.extra_change_counts(cur))
    result.preview = [PreviewRow(*row) for row in preview]
    if dry_run or (result.problems and not skip_invalid):
        raise _Rollback
    import_id = import_writes.new_import(
        cur,
        file_name=source.name,
        sha256=source.sha256,
        file_format=layout.format,
        dialect=source.dialect if not layout.tool else f"{layout.tool}, {source.dialect}",
        actor=ctx.actor.user_id,
        rows_total=result.rows_total,
        rows_rejected=result.rejected_rows,
    )
    if layout.format == "units":
        if releases_sql.parents_change(cur, "unit_changes", "unit_id", "new_parent_id"):
            # Released figures are decided against the tree they were shown on (releases.py).
            releases_sql.keep_before_tree_change(cur, ctx.actor.user_id, str(Period.current()))
        new, updated, unchanged = sql.write_units(cur, import_id)
        counts = {"units_new": new, "units_updated": updated, "unchanged": unchanged}
    else:
        # What would change a released quarter is held until it is released again.
        result.held = releases.hold_late_import(ctx, cur, import_id)
        new, updated, unchanged = import_writes.write_answers(
            cur, import_id, ctx.framework.version_key
        )
        counts = {"new": new, "updated": updated, "unchanged": unchanged}
        counts["other"] = result.other_changes
    import_writes.finish_import(cur, import_id, counts)
    result.import_id, result.written = import_id, True


@dataclass(frozen=True)
class LogEntry:
    import_id: int
    imported_at: object
    file_name: str
    file_format: str
    dialect: str
    new: int
    updated: int
    unchanged: int
    rejected: int
    units_new: int
    units_updated: int
    actor: str
    sha256: str
    undone_at: object
    undone_by: str | None
    other_changes: int
    rows_total: int

    def line(self, lang: str = "en") -> str:
        """One import per line, beginning with its id (what `imports undo` takes), in `lang`."""
        undone = (
            " "
            + t(
                lang,
                "cli_log_undone",
                at=f"{self.undone_at:%Y-%m-%d %H:%M}",
                who=self.undone_by,
            ).strip()
            if self.undone_at
            else ""
        )
        counts = (
            t(lang, "cli_log_unit_counts", rows=self.rows_total, new=self.units_new,
              updated=self.units_updated, rejected=self.rejected)
            if self.file_format == "units"
            else t(lang, "cli_log_counts", rows=self.rows_total, new=self.new,
                   updated=self.updated, unchanged=self.unchanged, rejected=self.rejected)
        )  # fmt: skip
        return (
            f"{self.import_id}\t{self.imported_at:%Y-%m-%d %H:%M:%S}\t{self.actor}\t"
            f"{self.file_name}\t{self.file_format}\t{self.dialect}\t{counts}\t"
            f"sha256:{self.sha256}{undone}"
        )


def log(ctx: Context, limit: int = 200) -> list[LogEntry]:
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        return [LogEntry(*row) for row in import_log.import_log(cur, limit)]


class UndoError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def undo(ctx: Context, import_id: int) -> dict[str, int]:
    """Restore what was there before the import, except values changed since (kept).
    Coordinators undo their own imports; admins any. Returns how many values were restored,
    removed and kept, and units restored, removed and kept (in use, or changed since)."""
    return ctx.write(_undo_work(ctx, import_id), "import.undo", str(import_id), dict)


class _Trial(Exception):
    """Carries a trial undo's counts out of the transaction it rolls back."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


def undo_preview(ctx: Context, import_id: int) -> dict[str, int]:
    """What `undo` would do now, counted by doing it in a transaction that is rolled back: the
    confirmation says what will happen, not what the import once wrote. Refuses as `undo`."""
    work = _undo_work(ctx, import_id)

    def trial(cur: duckdb.DuckDBPyConnection) -> None:
        raise _Trial(work(cur))

    try:
        ctx.write(trial, "import.undo", str(import_id), invalidates=False)
    except _Trial as done:
        return done.counts
    raise AssertionError("the trial undo always rolls back")


def _undo_work(
    ctx: Context, import_id: int
) -> Callable[[duckdb.DuckDBPyConnection], dict[str, int]]:
    authz.require_coordinate(ctx)

    def work(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
        status = import_log.import_status(cur, import_id)
        if status is None:
            raise UndoError("undo_unknown", id=import_id)
        if status[1] is not None:
            raise UndoError("undo_already", id=import_id)
        if status[2] != ctx.actor.user_id and not access.is_admin(ctx.actor.grants):
            raise AccessDenied("access_undo", id=import_id)
        if not access.is_admin(ctx.actor.grants):
            # Moving units back is a move too: it must stay inside the subtree as it is now
            # (an admin may have moved an old parent out since).
            back = [(0, unit, None, parent) for unit, parent in sql.unit_moves_back(cur, import_id)]
            if _units_out_of_scope(back, ctx.actor.grants, sql.existing_parents(cur), {}):
                raise AccessDenied("access_undo_scope", id=import_id)
        # Undoing puts answers back into their quarters: not into a closed one (decided in
        # this transaction, like a check-in's save).
        touched = import_log.quarters(cur, import_id)
        gate = rounds.gate(cur, sorted({period for _, period in touched}))
        for unit_id, period in touched:
            if gate.refusal(unit_id, period) is not None:
                raise UndoError("undo_round_closed", id=import_id, unit=unit_id, period=period)
        current = str(Period.current())
        if sql.unit_moves_back(cur, import_id):
            releases_sql.keep_before_tree_change(cur, ctx.actor.user_id, current)
        releases_sql.keep_before_import_undo(cur, import_id, ctx.actor.user_id, current)
        releases_sql.drop_held_import(cur, import_id)
        return import_log.undo_import(cur, import_id, ctx.actor.user_id)

    return work


TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
TEMPLATE_FORMATS = ("long", "wide", "units", "actions")


def template(file_format: str) -> bytes:
    """The downloadable example file of a format (data/templates/<format>.csv)."""
    if file_format not in TEMPLATE_FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    return (TEMPLATES / f"{file_format}.csv").read_bytes()


def _upload_path(folder: Path, name: str, data: bytes) -> Path:
    """The upload's copy in its private work folder, under a name of our own: the person's file
    name (any length, any characters) is only ever shown, never part of a path. A new file,
    never one that is there already or a link (safefiles: O_EXCL, O_NOFOLLOW)."""
    suffix = Path(name).suffix.lower()
    path = Path(folder) / ("upload" + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""))
    safefiles.write_new(path, data)
    return path


def run_upload(ctx: Context, data: bytes, name: str, **options: object) -> ImportResult:
    """run() for uploaded bytes (the Import page); the copy is removed when it ends."""
    with workdirs.workdir("upload") as folder:
        return run(ctx, _upload_path(folder, name, data), name, **options)  # type: ignore[arg-type]


def target_label(ctx: Context, target: str) -> str:
    """How a mapping target reads on the Import page."""
    kind, _, ident = target.partition(":")
    fw = ctx.framework
    if target == GENERAL_COMMENT:
        return t(ctx.lang, "target_general_comment")
    if target == "respondent_id":
        return t(ctx.lang, "target_respondent_id")
    if kind == "item":
        return t(ctx.lang, "target_item", name=fw.item_name(ident, ctx.lang))
    if kind == "comment":
        return t(ctx.lang, "target_comment", name=fw.item_name(ident, ctx.lang))
    if kind == "roles":
        return t(ctx.lang, "target_roles", kind=t(ctx.lang, f"role_kind_{ident}"))
    if kind == "reflection":
        texts = {q.id: q.text[ctx.lang] for q in fw.questions}
        return t(ctx.lang, "target_reflection", question=texts.get(ident, ident))
    return t(ctx.lang, f"target_{kind}")


def problems_table(result: ImportResult, lang: str) -> list[dict[str, object]]:
    """The problems as rows for a table or CSV: row, column, value, message."""
    return [
        {
            t(lang, "col_row"): p.row,
            t(lang, "col_column"): p.column or "",  # a problem of the whole file: no column
            t(lang, "col_value"): "" if p.value is None else p.value,
            t(lang, "col_problem"): p.message(lang),
        }
        for p in result.problems
    ]


def log_table(entries: list[LogEntry], lang: str) -> list[dict[str, object]]:
    return [
        {
            t(lang, "col_id"): e.import_id,
            t(lang, "col_when"): formats.date_time(e.imported_at, lang),
            t(lang, "col_file"): e.file_name,
            t(lang, "col_format"): f"{e.file_format} ({e.dialect})",
            t(lang, "col_new"): e.units_new if e.file_format == "units" else e.new,
            t(lang, "col_updated"): e.units_updated if e.file_format == "units" else e.updated,
            t(lang, "col_unchanged"): e.unchanged,
            t(lang, "col_rejected"): e.rejected,
            t(lang, "col_who"): e.actor,
            t(lang, "col_undone"): formats.date_time(e.undone_at, lang) if e.undone_at else "",
        }
        for e in entries
    ]


def preview_table(
    result: ImportResult, lang: str, names: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """What the import writes, per unit (by its name in `names`, else its id) and quarter; a
    units or actions file has one row of counts, without unit and quarter."""
    names = names or {}

    def place(p: PreviewRow) -> dict[str, object]:
        if not p.unit_id and not p.period:
            return {}
        return {
            t(lang, "unit"): names.get(p.unit_id, p.unit_id),
            t(lang, "period"): p.period,
        }

    return [
        {
            **place(p),
            t(lang, "col_new"): p.new,
            t(lang, "col_updated"): p.updated,
            t(lang, "col_unchanged"): p.unchanged,
        }
        for p in result.preview
    ]


__all__ = [
    "IGNORE",
    "ImportResult",
    "LogEntry",
    "Problem",
    "UndoError",
    "log",
    "run",
    "save_mapping",
    "saved_mapping",
    "undo",
]
