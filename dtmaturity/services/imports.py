"""CSV batch import for coordinators: one service behind the Import page and `dtmaturity import`.

stage (DuckDB read_csv into a staging table) → validate (SQL over the staging table, every
problem at once) → preview (new / updated / unchanged per unit and period) → commit (one
transaction, upsert on the natural keys, the replaced values kept for undo) → import log.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dtmaturity.domain import access
from dtmaturity.domain.access import AccessDenied
from dtmaturity.domain.csvfile import CsvFileError, CsvSource, open_source
from dtmaturity.domain.i18n import t
from dtmaturity.domain.importformat import (
    IGNORE,
    KEY_HEADERS,
    Layout,
    header_signature,
    normalise,
    parse_score,
    recognise,
)
from dtmaturity.domain.model import MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH
from dtmaturity.domain.periods import Period, PeriodError
from dtmaturity.domain.problems import Problem
from dtmaturity.services import actions, authz
from dtmaturity.services.context import Context
from dtmaturity.store import imports as sql

# Extra details of a problem, in the order the SQL returns them.
_DETAILS = {
    "import_score_range": ("min", "max"),
    "import_comment_too_long": ("length", "max"),
    "import_reflection_too_long": ("length", "max"),
    "import_duplicate_key": ("first_row", "item"),
    "import_duplicate_checkin": ("first_row",),
    "import_duplicate_unit": ("first_row",),
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
        return t(lang, key, new=new, updated=updated, unchanged=unchanged)


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


def _lookups(ctx: Context, cur: duckdb.DuckDBPyConnection) -> None:
    fw = ctx.framework
    items = []
    for item in fw.items:
        for key in {normalise(n) for n in (item.id, item.name["nb"], item.name["en"])}:
            items.append((key, item.id, item.scale.min, item.scale.max, item.scale.id))
    periods = []
    for raw in sql.distinct_values(cur, "all_rows", "period_raw"):
        try:
            periods.append((raw, str(Period.parse_flexible(raw))))
        except PeriodError:
            periods.append((raw, None))
    scores = []
    for raw in sql.distinct_values(cur, "cells", "score_raw"):
        for scale in fw.scales:
            levels = [(lv.value, lv.label["nb"], lv.label["en"]) for lv in scale.levels]
            scores.append((raw, scale.id, parse_score(raw, levels)))
    roles = [
        (key, role.id)
        for role in fw.roles
        for key in {normalise(n) for n in (role.id, role.name["nb"], role.name["en"])}
    ]
    sql.load_lookups(
        cur, items=items, periods=periods, scores=scores, roles=roles, allowed_units=_allowed(ctx)
    )


def _validate_answers(
    ctx: Context, cur: duckdb.DuckDBPyConnection, layout: Layout, headers: tuple[str, ...]
) -> list[Problem]:
    keys = layout.keys
    used = [*keys.values(), *layout.items, *layout.comments, *layout.roles, *layout.reflections]
    comment_for = {item: column for column, item in layout.comments.items()}
    sql.load_answer_rows(
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
    )
    sql.load_extra_cells(
        cur,
        keys,
        roles=[(c, kind, headers[c]) for c, kind in layout.roles.items()],
        reflections=[(c, q, headers[c]) for c, q in layout.reflections.items()],
    )
    sql.all_rows_view(cur)
    _lookups(ctx, cur)
    sql.resolve_answers(cur)
    sql.resolve_extras(cur)
    columns = _column_names(layout, headers)
    rows = sql.answer_problems(cur, MAX_COMMENT_LENGTH, MAX_REFLECTION_LENGTH)
    return [_problem(row, columns) for row in rows]


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
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def saved_mapping(ctx: Context, headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The header mapping saved for files with these headers, or an empty one."""
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        text = sql.saved_mapping(cur, header_signature(headers))
    return json.loads(text) if text else {}


def save_mapping(ctx: Context, headers: tuple[str, ...], mapping: dict[str, str]) -> None:
    """Remember how to read files with these headers (normalised header → target)."""
    authz.require_coordinate(ctx)
    clean = {normalise(h): target for h, target in mapping.items() if target}
    payload = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    ctx.write(
        lambda cur: sql.save_mapping(cur, header_signature(headers), payload, ctx.actor.user_id),
        "import.mapping.save",
        details={"headers": len(headers)},
    )


def run(
    ctx: Context,
    path: Path,
    name: str | None = None,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Validate a CSV file and, unless rejected or a dry run, write it in one transaction.

    Default: nothing is written unless the whole file is valid. With `skip_invalid`, rows
    without problems are written and the rest reported. `mapping` (normalised header → target)
    overrides the saved mapping for files with these headers.
    """
    authz.require_coordinate(ctx)
    result = ImportResult(file_name=name or path.name)
    with tempfile.TemporaryDirectory(prefix="dtmaturity-import-") as folder:
        try:
            source = open_source(path, result.file_name, workdir=Path(folder))
        except CsvFileError as exc:
            result.problems.append(Problem(None, None, None, exc.key, exc.params))
            return result
        if actions.is_actions_header(source.headers):
            return _run_actions(ctx, path, result.file_name, source.dialect, dry_run=dry_run)
        if mapping is None:
            mapping = saved_mapping(ctx, source.headers)
        layout = recognise(source.headers, ctx.framework, mapping)
        result.file_format, result.dialect, result.headers = (
            layout.format,
            source.dialect,
            source.headers,
        )
        result.unknown_headers = [source.headers[c] for c in layout.unknown]
        result.problems = _header_problems(layout, source.headers)
        if result.problems:
            return result
        try:
            ctx.write(
                lambda cur: _work(ctx, cur, source, layout, result, dry_run, skip_invalid),
                "import.run",
                source.name,
                lambda _: {
                    "import_id": result.import_id,
                    "sha256": source.sha256,
                    "format": result.file_format,
                    "new": result.totals[0],
                    "updated": result.totals[1],
                    "unchanged": result.totals[2],
                    "rows_rejected": result.rejected_rows,
                },
            )
        except _Rollback:
            pass
        except duckdb.InvalidInputException as exc:
            result.problems.append(
                Problem(None, None, None, "csv_malformed", {"detail": str(exc).splitlines()[0]})
            )
            result.written = False
    return result


def _run_actions(
    ctx: Context, path: Path, name: str, dialect: str, *, dry_run: bool
) -> ImportResult:
    """An actions file (recognised from its header) goes to the actions import, which checks
    every row and writes all or nothing; its result is reported like any import's."""
    done = actions.import_actions(ctx, path, name=name, dry_run=dry_run)
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
    result: ImportResult,
    dry_run: bool,
    skip_invalid: bool,
) -> None:
    result.rows_total = sql.stage(
        cur, str(source.path), source.delimiter, len(source.headers), source.skip_lines
    )
    if layout.format == "units":
        result.problems = _validate_units(ctx, cur, layout, source.headers)
    else:
        result.problems = _validate_answers(ctx, cur, layout, source.headers)
    bad_rows = sorted({p.row for p in result.problems if p.row is not None})
    if layout.format == "units":
        preview = sql.select_valid_units(cur, bad_rows)
    else:
        sql.select_valid(cur, bad_rows)
        preview = sql.preview(cur)
        result.other_changes = sum(sql.extra_change_counts(cur))
    result.preview = [PreviewRow(*row) for row in preview]
    if dry_run or (result.problems and not skip_invalid):
        raise _Rollback
    import_id = sql.new_import(
        cur,
        file_name=source.name,
        sha256=source.sha256,
        file_format=layout.format,
        dialect=source.dialect,
        actor=ctx.actor.user_id,
        rows_total=result.rows_total,
        rows_rejected=result.rejected_rows,
    )
    if layout.format == "units":
        new, updated, unchanged = sql.write_units(cur, import_id)
        counts = {"units_new": new, "units_updated": updated, "unchanged": unchanged}
    else:
        new, updated, unchanged = sql.write_answers(cur, import_id, ctx.framework.version_key)
        counts = {"new": new, "updated": updated, "unchanged": unchanged}
        counts["other"] = result.other_changes
    sql.finish_import(cur, import_id, counts)
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

    def line(self) -> str:
        """One import per line, beginning with its id (what `imports undo` takes)."""
        undone = (
            f" UNDONE {self.undone_at:%Y-%m-%d %H:%M} by {self.undone_by}" if self.undone_at else ""
        )
        counts = (
            f"{self.units_new} new units, {self.units_updated} updated units"
            if self.file_format == "units"
            else f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        )
        return (
            f"{self.import_id}\t{self.imported_at:%Y-%m-%d %H:%M:%S}\t{self.actor}\t"
            f"{self.file_name}\t{self.file_format}\t{self.dialect}\t{self.rows_total} rows, "
            f"{counts}, {self.rejected} rows rejected\tsha256:{self.sha256}{undone}"
        )


def log(ctx: Context, limit: int = 200) -> list[LogEntry]:
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        return [LogEntry(*row) for row in sql.import_log(cur, limit)]


class UndoError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def undo(ctx: Context, import_id: int) -> dict[str, int]:
    """Restore what was there before the import, except values changed since (kept).
    Coordinators undo their own imports; admins any."""
    authz.require_coordinate(ctx)

    def work(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
        status = sql.import_status(cur, import_id)
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
        return sql.undo_import(cur, import_id, ctx.actor.user_id)

    return ctx.write(work, "import.undo", str(import_id), lambda counts: dict(counts))


TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
TEMPLATE_FORMATS = ("long", "wide", "units")


def template(file_format: str) -> bytes:
    """The downloadable example file of a format (data/templates/<format>.csv)."""
    if file_format not in TEMPLATE_FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    return (TEMPLATES / f"{file_format}.csv").read_bytes()


def _upload_path(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / (Path(name).name or "upload.csv")
    path.write_bytes(data)
    return path


def run_upload(ctx: Context, data: bytes, name: str, **options: object) -> ImportResult:
    """run() for uploaded bytes (the Import page)."""
    with tempfile.TemporaryDirectory(prefix="dtmaturity-upload-") as folder:
        return run(ctx, _upload_path(folder, name, data), name, **options)  # type: ignore[arg-type]


def target_label(ctx: Context, target: str) -> str:
    """How a mapping target reads on the Import page."""
    kind, _, ident = target.partition(":")
    fw = ctx.framework
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
            t(lang, "col_column"): p.column,
            t(lang, "col_value"): p.value,
            t(lang, "col_problem"): p.message(lang),
        }
        for p in result.problems
    ]


def log_table(entries: list[LogEntry], lang: str) -> list[dict[str, object]]:
    return [
        {
            t(lang, "col_id"): e.import_id,
            t(lang, "col_when"): f"{e.imported_at:%Y-%m-%d %H:%M}",
            t(lang, "col_file"): e.file_name,
            t(lang, "col_format"): f"{e.file_format} ({e.dialect})",
            t(lang, "col_new"): e.units_new if e.file_format == "units" else e.new,
            t(lang, "col_updated"): e.units_updated if e.file_format == "units" else e.updated,
            t(lang, "col_unchanged"): e.unchanged,
            t(lang, "col_rejected"): e.rejected,
            t(lang, "col_who"): e.actor,
            t(lang, "col_undone"): f"{e.undone_at:%Y-%m-%d %H:%M}" if e.undone_at else "",
        }
        for e in entries
    ]


def preview_table(result: ImportResult, lang: str) -> list[dict[str, object]]:
    return [
        {
            t(lang, "unit"): p.unit_id,
            t(lang, "period"): p.period,
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
