"""The actions-file import: a CSV of actions (unit, items, description, owner, due quarter,
status) checked row by row and written all or nothing, logged and undone like any import.

Recognised from its header (domain/actionsformat.py); the actions themselves (create,
status, export) are services/actions.py.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dtmaturity.domain import plan, textrules
from dtmaturity.domain.actionsformat import (
    IMPORT_HEADERS,
    ITEM_SEPARATORS,
    REQUIRED_HEADERS,
    STATUS_NAMES,
    header_roles,
)
from dtmaturity.domain.csvfile import CsvFileError, open_source
from dtmaturity.domain.i18n import counted, t
from dtmaturity.domain.importformat import normalise
from dtmaturity.domain.periods import Period, PeriodError
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.domain.problems import Problem
from dtmaturity.services import authz, exports, workdirs
from dtmaturity.services.actions import _as_actions, _known_units, _today
from dtmaturity.services.context import Context
from dtmaturity.store import import_staging, import_writes
from dtmaturity.store import plans as sql

# Problems in an actions file are reported like those of any import.
ImportProblem = Problem


@dataclass
class ActionImportResult:
    file_name: str
    rows_total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False
    import_id: int | None = None

    def summary(self, lang: str) -> str:
        return t(
            lang,
            "actions_import_summary",
            new_counted=counted(lang, "n_new", self.new),
            updated_counted=counted(lang, "n_updated", self.updated),
            unchanged_counted=counted(lang, "n_unchanged", self.unchanged),
        )


def _split_items(cell: str) -> list[str]:
    for sep in ITEM_SEPARATORS[1:]:
        cell = cell.replace(sep, ITEM_SEPARATORS[0])
    return [part.strip() for part in cell.split(ITEM_SEPARATORS[0]) if part.strip()]


def _item_index(ctx: Context) -> dict[str, str]:
    """Every way to name an item or role in a file: its id and its name in every language."""
    index: dict[str, str] = {}
    fw = ctx.framework
    for thing in (*fw.items, *fw.roles):
        for name in (thing.id, *thing.name.values()):
            index.setdefault(normalise(name), thing.id)
    return index


def _status(cell: str) -> str | None:
    key = normalise(cell) or "planned"
    for status, names in STATUS_NAMES.items():
        if key in names:
            return status
    return None


@dataclass
class _Row:
    line: int
    draft: ActionDraft
    closed_period: str | None


def _read_rows(
    ctx: Context, path: Path, result: ActionImportResult, workdir: Path
) -> tuple[list[_Row], dict[str, str]]:
    """Parse the file into drafts, collecting every problem a cell alone can show."""
    source = open_source(path, result.file_name, workdir=workdir)
    roles = header_roles(source.headers)
    headers = {role: source.headers[i] for role, i in roles.items()}
    for role in REQUIRED_HEADERS:
        if role not in roles:
            result.problems.append(
                ImportProblem(
                    1, None, None, "actions_missing_column", {"expected": IMPORT_HEADERS[role][0]}
                )
            )
    if result.problems:
        return [], headers
    items = _item_index(ctx)
    rows: list[_Row] = []
    with source.path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=source.delimiter)
        for _ in range(source.skip_lines + 1):
            next(reader, None)
        for offset, cells in enumerate(reader):
            line = offset + 2 + source.skip_lines
            if not any(c.strip() for c in cells):
                continue

            def cell(role: str, cells: list[str] = cells) -> str:
                index = roles.get(role)
                # exports.restore: a file we exported reads back as stored (formula-safe cells).
                return (
                    exports.restore(cells[index].strip())
                    if index is not None and index < len(cells)
                    else ""
                )

            rows.append(_parse_row(line, cell, items, headers, result))
    result.rows_total = len(rows)
    return rows, headers


def _parse_row(
    line: int,
    cell: Callable[[str], str],
    items: dict[str, str],
    headers: dict[str, str],
    result: ActionImportResult,
) -> _Row:
    def problem(role: str, cell_text: str, key: str, **params: object) -> None:
        result.problems.append(ImportProblem(line, headers.get(role, role), cell_text, key, params))

    action_id: int | None = None
    if cell("action_id"):
        try:
            action_id = int(cell("action_id"))
        except ValueError:
            problem("action_id", cell("action_id"), "actions_bad_id")
    item_ids = []
    for name in _split_items(cell("items")):
        if normalise(name) in items:
            item_ids.append(items[normalise(name)])
        else:
            problem("items", name, "error_action_unknown_item", value=name)
    periods = {}
    for role in ("due_period", "closed_period"):
        raw = cell(role)
        periods[role] = raw
        if raw:
            try:
                periods[role] = str(Period.parse_flexible(raw))
            except PeriodError:
                problem(role, raw, "error_bad_period", value=raw)
    status = _status(cell("status"))
    if status is None:
        problem(
            "status",
            cell("status"),
            "error_action_status",
            value=cell("status"),
            known=", ".join(plan.STATUSES),
        )
    draft = ActionDraft(
        unit_id=cell("unit_id"),
        items=item_ids if item_ids or cell("items") else [],
        description=cell("description"),
        owner=cell("owner"),
        due_period=periods["due_period"],
        status=status or "planned",
        action_id=action_id,
    )
    if cell("items") and not item_ids:
        draft.items = ["?"]  # reported above; keep the empty-items rule from firing twice
    return _Row(line, draft, periods["closed_period"] or None)


_FIELD_ROLES = {
    "unit": "unit_id",
    "items": "items",
    "description": "description",
    "owner": "owner",
    "due_period": "due_period",
    "status": "status",
}


def _validate_rows(
    ctx: Context, rows: list[_Row], headers: dict[str, str], result: ActionImportResult
) -> None:
    known_units = _known_units(ctx)
    with ctx.store.reader() as cur:
        members = sql.members_of_units(cur, sorted({r.draft.unit_id for r in rows}))
        ids = [r.draft.action_id for r in rows if r.draft.action_id is not None]
        states = sql.action_states(cur, ids)
    seen: dict[tuple, int] = {}
    for row in rows:
        draft = row.draft
        unit_owners = {p for u, p in members if u == draft.unit_id} | {ctx.actor.user_id}
        for error in plan.action_errors(
            ctx.framework, draft, known_units=known_units, owners=unit_owners
        ):
            if error.key in ("error_bad_period", "error_action_status"):
                continue  # already reported while parsing, with the cell's own text
            if error.field == "items" and draft.items == ["?"]:
                continue
            role = _FIELD_ROLES.get(error.field, error.field)
            value = {
                "unit_id": draft.unit_id,
                "description": draft.description,
                "owner": draft.owner,
            }.get(role)
            value = textrules.shown(value) if value else value
            result.problems.append(
                ImportProblem(row.line, headers.get(role, role), value, error.key, error.params)
            )
        if draft.action_id is not None:
            state = states.get(draft.action_id)
            if state is None or state[0] != draft.unit_id:
                result.problems.append(
                    ImportProblem(
                        row.line,
                        headers.get("action_id"),
                        str(draft.action_id),
                        "error_action_unknown",
                        {"value": draft.action_id},
                    )
                )
        key = (
            ("id", draft.action_id)
            if draft.action_id is not None
            else ("text", draft.unit_id, draft.description)
        )
        if key in seen:
            result.problems.append(
                ImportProblem(
                    row.line, None, None, "actions_duplicate_row", {"first_row": seen[key]}
                )
            )
        else:
            seen[key] = row.line


def import_actions(
    ctx: Context, path: Path, *, name: str | None = None, dry_run: bool = False,
    today: date | None = None,
) -> ActionImportResult:  # fmt: skip
    """Validate every row of an actions CSV file, then (unless `dry_run` or any row is wrong)
    write them all in one transaction. A row with an `action_id` updates that action; a row
    without one updates the unit's action with the same description, or creates a new one, so
    importing the same file twice changes nothing the second time."""
    authz.require_coordinate(ctx)
    result = ActionImportResult(file_name=name or path.name)
    try:
        with workdirs.workdir("actions") as folder:
            rows, headers = _read_rows(ctx, path, result, folder)
            source = open_source(path, result.file_name, workdir=folder)
    except CsvFileError as exc:
        result.problems.append(ImportProblem(None, None, None, exc.key, dict(exc.params)))
        return result
    if result.problems and not rows:
        return result
    _validate_rows(ctx, rows, headers, result)
    if result.problems:
        return result
    now = _today(today)
    if dry_run:
        # Only counted: a read transaction, no write lock, nothing to roll back.
        with ctx.store.reader() as cur, import_staging.read_snapshot(cur):
            for row in rows:
                _count(result, _change(cur, row, now)[0])
        return result

    def work(cur: sql.Cursor) -> None:
        # In the import log like any import, so `imports undo` can put the actions back.
        import_id = import_writes.new_import(
            cur,
            file_name=result.file_name,
            sha256=source.sha256,
            file_format="actions",
            dialect=source.dialect,
            actor=ctx.actor.user_id,
            rows_total=len(rows),
            rows_rejected=0,
        )
        for row in rows:
            _upsert(ctx, cur, row, now, result, import_id)
        import_writes.finish_import(
            cur,
            import_id,
            {"new": result.new, "updated": result.updated, "unchanged": result.unchanged},
        )
        result.import_id = import_id

    ctx.write(work, "action.import", result.file_name, lambda _: {"import_id": result.import_id})
    result.written = True
    return result


def _count(result: ActionImportResult, change: str) -> None:
    if change == "new":
        result.new += 1
    elif change == "updated":
        result.updated += 1
    else:
        result.unchanged += 1


def _change(cur: sql.Cursor, row: _Row, now: str) -> tuple[str, int | None, str | None]:
    """What the row does (reads only): ("new", None, closed quarter), or ("updated" or
    "unchanged", the action's id, its closed quarter after the row)."""
    draft = row.draft
    action_id = draft.action_id or sql.action_by_description(cur, draft.unit_id, draft.description)
    if action_id is None:
        closed = row.closed_period or plan.closed_period(draft.status, None, None, now)
        return "new", None, closed
    current = _as_actions(sql.actions(cur, draft.unit_id))
    old = next(a for a in current if a.action_id == action_id)
    closed = row.closed_period or plan.closed_period(
        draft.status, old.status, old.closed_period, now
    )
    if draft.status not in plan.CLOSED_STATUSES:
        closed = None
    same = (
        sorted(old.items) == sorted(set(draft.items))
        and old.description == draft.description
        and old.owner == draft.owner
        and old.due_period == draft.due_period
        and old.status == draft.status
        and old.closed_period == closed
    )
    return ("unchanged" if same else "updated"), action_id, closed


def _upsert(
    ctx: Context, cur: sql.Cursor, row: _Row, now: str, result: ActionImportResult, import_id: int
) -> None:
    draft = row.draft
    change, action_id, closed = _change(cur, row, now)
    _count(result, change)
    if change == "new":
        new_id = sql.insert_action(
            cur, draft, closed_period=closed, created_period=now, actor=ctx.actor.user_id
        )
        sql.record_import_change(cur, import_id, new_id, None, sql.snapshot(cur, new_id) or "")
        return
    if change == "unchanged" or action_id is None:
        return
    before = sql.snapshot(cur, action_id)
    sql.update_action(cur, action_id, draft, closed_period=closed, actor=ctx.actor.user_id)
    sql.record_import_change(cur, import_id, action_id, before, sql.snapshot(cur, action_id) or "")
