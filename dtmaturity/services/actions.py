"""Action plans: per unit, what the leader group will do, tied to items, with an owner, a due
quarter and a status. Created on the unit page (also from a reflection answer), followed up in
the next check-in, drawn on the unit's trend, exported and imported as CSV.

Every service takes the acting Context first and writes through Store.write (one transaction),
so access rules and the audit log (issue 5) can be added here without touching the pages.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dtmaturity.domain import plan
from dtmaturity.domain.csvfile import CsvFileError, open_source
from dtmaturity.domain.i18n import t
from dtmaturity.domain.importformat import normalise
from dtmaturity.domain.model import FieldError
from dtmaturity.domain.periods import Period, PeriodError
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.domain.problems import Problem
from dtmaturity.services import authz, exports
from dtmaturity.services.context import Context
from dtmaturity.store import imports as imports_sql
from dtmaturity.store import plans as sql
from dtmaturity.store import queries

ITEM_SEPARATORS = "|;,"


@dataclass(frozen=True)
class Action:
    action_id: int
    unit_id: str
    items: list[str]
    description: str
    owner: str
    due_period: str
    status: str
    closed_period: str | None
    created_period: str
    source_question: str | None

    @property
    def is_open(self) -> bool:
        return self.status in plan.OPEN_STATUSES


@dataclass
class ActionResult:
    errors: list[FieldError] = field(default_factory=list)
    action_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _today(today: date | None) -> str:
    return str(Period.current(today))


def owners(ctx: Context, unit_id: str) -> list[str]:
    """Who can own an action of the unit: the people registered to it, and the acting user."""
    with ctx.store.reader() as cur:
        people = sql.unit_members(cur, unit_id)
    return sorted({*people, ctx.actor.user_id})


def _known_units(ctx: Context) -> set[str]:
    with ctx.store.reader() as cur:
        return {row[0] for row in queries.units(cur)}


def create(ctx: Context, draft: ActionDraft, *, today: date | None = None) -> ActionResult:
    """Validate and store a new action; its `created_period` is the current quarter. Anyone
    who may see the unit's dashboard (its leaders, managers above it, admins) may plan."""
    authz.require_dashboard(ctx, draft.unit_id)
    draft.description = draft.description.strip()
    errors = plan.action_errors(
        ctx.framework,
        draft,
        known_units=_known_units(ctx),
        owners=set(owners(ctx, draft.unit_id)),
    )
    if errors:
        return ActionResult(errors=errors)
    now = _today(today)
    action_id = ctx.write(
        lambda cur: sql.insert_action(
            cur,
            unit_id=draft.unit_id,
            items=draft.items,
            description=draft.description,
            owner=draft.owner,
            due_period=draft.due_period,
            status=draft.status,
            closed_period=plan.closed_period(draft.status, None, None, now),
            created_period=now,
            source_question=draft.source_question,
            actor=ctx.actor.user_id,
        ),
        "action.create",
        draft.unit_id,
        lambda new_id: {"action_id": new_id, "status": draft.status},
    )
    return ActionResult(action_id=action_id)


def set_statuses(
    ctx: Context, unit_id: str, statuses: dict[int, str], *, period: str | None = None
) -> ActionResult:
    """Record new statuses of the unit's actions, reported in `period` (default: the current
    quarter; the check-in passes its own quarter). Unchanged statuses are left alone. All or
    nothing: one unknown action or status stores none of them."""
    authz.require_dashboard(ctx, unit_id)
    with ctx.store.reader() as cur:
        states = sql.action_states(cur, list(statuses))
    errors = []
    for action_id, status in statuses.items():
        if action_id not in states or states[action_id][0] != unit_id:
            errors.append(
                FieldError(f"status:{action_id}", "error_action_unknown", {"value": action_id})
            )
        elif status not in plan.STATUSES:
            errors.append(
                FieldError(
                    f"status:{action_id}",
                    "error_action_status",
                    {"value": status, "known": ", ".join(plan.STATUSES)},
                )
            )
    if errors:
        return ActionResult(errors=errors)
    now = period or _today(None)
    changes = {a: s for a, s in statuses.items() if states[a][1] != s}
    if changes:

        def work(cur: sql.Cursor) -> None:
            for action_id, status in changes.items():
                _, old_status, old_closed = states[action_id]
                closed = plan.closed_period(status, old_status, old_closed, now)
                sql.set_status(
                    cur, action_id, status=status, closed_period=closed, actor=ctx.actor.user_id
                )

        ctx.write(
            work,
            "action.status",
            unit_id,
            {"changes": {str(a): {"before": states[a][1], "after": s} for a, s in changes.items()}},
        )
    return ActionResult()


def _as_actions(frame: pd.DataFrame) -> list[Action]:
    out = []
    for row in frame.itertuples(index=False):
        out.append(
            Action(
                action_id=int(row.action_id),
                unit_id=row.unit_id,
                items=[i for i in str(row.items).split("|") if i],
                description=row.description,
                owner=row.owner,
                due_period=row.due_period,
                status=row.status,
                closed_period=None if pd.isna(row.closed_period) else row.closed_period,
                created_period=row.created_period,
                source_question=None if pd.isna(row.source_question) else row.source_question,
            )
        )
    return out


@authz.dashboard()
def for_unit(ctx: Context, unit_id: str, *, open_only: bool = False) -> list[Action]:
    """The unit's actions, by due quarter."""
    with ctx.store.reader() as cur:
        return _as_actions(sql.actions(cur, unit_id, open_only=open_only))


def open_for_unit(ctx: Context, unit_id: str) -> list[Action]:
    """Planned and in-progress actions: what the next check-in asks about."""
    return for_unit(ctx, unit_id, open_only=True)


def items_label(ctx: Context, items: list[str]) -> str:
    return ", ".join(plan.item_label(ctx.framework, i, ctx.lang) for i in items)


def status_label(ctx: Context, status: str) -> str:
    return t(ctx.lang, f"action_status_{status}")


def table(ctx: Context, actions: list[Action]) -> pd.DataFrame:
    """The actions as people read them (names, not ids)."""
    rows = [
        {
            "action_id": a.action_id,
            "description": a.description,
            "items": items_label(ctx, a.items),
            "owner": a.owner,
            "due_period": a.due_period,
            "status": status_label(ctx, a.status),
            "closed_period": a.closed_period or "",
        }
        for a in actions
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "action_id",
            "description",
            "items",
            "owner",
            "due_period",
            "status",
            "closed_period",
        ],
    )


@authz.dashboard()
def chart_frame(ctx: Context, unit_id: str) -> pd.DataFrame:
    """Where each action sits on the time axis: at the quarter it was closed in (done or
    dropped), otherwise at its due quarter. Columns: action_id, label, period, status, when,
    description, items, owner."""
    rows = []
    for a in for_unit(ctx, unit_id):
        closed = a.status in plan.CLOSED_STATUSES and a.closed_period
        rows.append(
            {
                "action_id": a.action_id,
                "label": f"#{a.action_id}",
                "period": a.closed_period if closed else a.due_period,
                "status": status_label(ctx, a.status),
                "status_id": a.status,
                "when": t(ctx.lang, "action_when_closed" if closed else "action_when_due"),
                "description": a.description,
                "items": items_label(ctx, a.items),
                "owner": a.owner,
            }
        )
    columns = [
        "action_id", "label", "period", "status", "status_id", "when",
        "description", "items", "owner",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# --- CSV export and import --------------------------------------------------------------------

EXPORT_COLUMNS = (
    "action_id",
    "unit_id",
    "items",
    "description",
    "owner",
    "due_period",
    "status",
    "closed_period",
)
# Header names the import accepts for each column (English first, then Norwegian).
IMPORT_HEADERS: dict[str, tuple[str, ...]] = {
    "action_id": ("action_id", "tiltak_id", "id"),
    "unit_id": ("unit_id", "enhet", "unit"),
    "items": ("items", "elementer", "item_id", "element"),
    "description": ("description", "beskrivelse", "tiltak"),
    "owner": ("owner", "eier", "ansvarlig"),
    "due_period": ("due_period", "frist", "due"),
    "status": ("status",),
    "closed_period": ("closed_period", "lukket", "closed"),
}
REQUIRED_HEADERS = ("unit_id", "items", "description", "owner", "due_period")
STATUS_NAMES = {
    "planned": ("planned", "planlagt"),
    "in_progress": ("in_progress", "in progress", "pågår", "i gang"),
    "done": ("done", "gjennomført", "ferdig"),
    "dropped": ("dropped", "droppet", "avbrutt"),
}


def export_actions(ctx: Context) -> tuple[str, int]:  # noqa: D103
    authz.require_admin(ctx)
    return _export_actions(ctx)


def _export_actions(ctx: Context) -> tuple[str, int]:
    """Every action as CSV text (UTF-8, comma-separated), items joined by '|', sorted by unit,
    due quarter and id: the same columns `import_actions` reads. Returns (text, count)."""
    with ctx.store.reader() as cur:
        frame = sql.actions(cur)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in frame.itertuples(index=False):
        writer.writerow(
            # Formula-safe: a description starting with = or - stays text in a spreadsheet
            # (import_actions reads it back unchanged, see exports.restore).
            exports.neutralise(cell)
            for cell in [
                row.action_id,
                row.unit_id,
                row.items,
                row.description,
                row.owner,
                row.due_period,
                row.status,
                "" if pd.isna(row.closed_period) else row.closed_period,
            ]
        )
    return buffer.getvalue(), len(frame)


def header_roles(headers: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Which column holds what, for an actions file (column role -> index)."""
    roles: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = normalise(header)
        for role, aliases in IMPORT_HEADERS.items():
            if key in aliases and role not in roles:
                roles[role] = index
    return roles


def is_actions_header(headers: tuple[str, ...] | list[str]) -> bool:
    """An actions file is recognised by its header: it has a description and an owner."""
    roles = header_roles(headers)
    return "description" in roles and "owner" in roles


def is_actions_file(path: Path) -> bool:
    """Does the file's header say it is an actions file? (False for anything unreadable: the
    answers import then reports what is wrong with it.)"""
    try:
        with tempfile.TemporaryDirectory(prefix="dtmaturity-actions-") as folder:
            return is_actions_header(open_source(path, workdir=Path(folder)).headers)
    except (CsvFileError, OSError):
        return False


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
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
        )


def _split_items(cell: str) -> list[str]:
    for sep in ITEM_SEPARATORS[1:]:
        cell = cell.replace(sep, ITEM_SEPARATORS[0])
    return [part.strip() for part in cell.split(ITEM_SEPARATORS[0]) if part.strip()]


def _item_index(ctx: Context) -> dict[str, str]:
    """Every way to name an item or role in a file: its id and its nb and en names."""
    index: dict[str, str] = {}
    fw = ctx.framework
    for thing in (*fw.items, *fw.roles):
        for name in (thing.id, thing.name["nb"], thing.name["en"]):
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
        with tempfile.TemporaryDirectory(prefix="dtmaturity-actions-") as folder:
            rows, headers = _read_rows(ctx, path, result, Path(folder))
    except CsvFileError as exc:
        result.problems.append(ImportProblem(None, None, None, exc.key, dict(exc.params)))
        return result
    if result.problems and not rows:
        return result
    _validate_rows(ctx, rows, headers, result)
    if result.problems:
        return result
    now = _today(today)
    source = open_source(path, result.file_name)

    def work(cur: sql.Cursor) -> None:
        # In the import log like any import, so `imports undo` can put the actions back.
        import_id = imports_sql.new_import(
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
        imports_sql.finish_import(
            cur,
            import_id,
            {"new": result.new, "updated": result.updated, "unchanged": result.unchanged},
        )
        result.import_id = import_id
        if dry_run:
            raise _DryRun

    try:
        ctx.write(
            work, "action.import", result.file_name, lambda _: {"import_id": result.import_id}
        )
        result.written = True
    except _DryRun:
        result.import_id = None
    return result


class _DryRun(Exception):
    """Leave the transaction without writing, after counting what would change."""


def _upsert(
    ctx: Context, cur: sql.Cursor, row: _Row, now: str, result: ActionImportResult, import_id: int
) -> None:
    draft = row.draft
    action_id = draft.action_id or sql.action_by_description(cur, draft.unit_id, draft.description)
    if action_id is None:
        new_id = sql.insert_action(
            cur,
            unit_id=draft.unit_id,
            items=draft.items,
            description=draft.description,
            owner=draft.owner,
            due_period=draft.due_period,
            status=draft.status,
            closed_period=row.closed_period or plan.closed_period(draft.status, None, None, now),
            created_period=now,
            source_question=None,
            actor=ctx.actor.user_id,
        )
        sql.record_import_change(cur, import_id, new_id, None, sql.snapshot(cur, new_id) or "")
        result.new += 1
        return
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
    if same:
        result.unchanged += 1
        return
    before = sql.snapshot(cur, action_id)
    sql.update_action(
        cur,
        action_id,
        items=draft.items,
        description=draft.description,
        owner=draft.owner,
        due_period=draft.due_period,
        status=draft.status,
        closed_period=closed,
        actor=ctx.actor.user_id,
    )
    sql.record_import_change(cur, import_id, action_id, before, sql.snapshot(cur, action_id) or "")
    result.updated += 1


def template() -> bytes:
    """An example actions file for coordinators (UTF-8 with BOM, so Excel shows æøå)."""
    return (
        Path(__file__)
        .resolve()
        .parents[2]
        .joinpath("data", "templates", "actions.csv")
        .read_bytes()
    )
