"""Action plans: per unit, what the leader group will do, tied to items, with an owner, a due
quarter and a status. Created on the unit page (also from a reflection answer), followed up in
the next check-in, drawn on the unit's trend, exported and imported as CSV.

Every service takes the acting Context first and writes through Store.write (one transaction),
so access rules and the audit log (issue 5) can be added here without touching the pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dtmaturity.domain import plan
from dtmaturity.domain.i18n import t
from dtmaturity.domain.model import FieldError
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import authz, exports
from dtmaturity.services.context import Context
from dtmaturity.store import plans as sql
from dtmaturity.store import queries


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


def create(
    ctx: Context,
    draft: ActionDraft,
    *,
    today: date | None = None,
    then: Callable[[sql.Cursor, int], Mapping[str, object]] | None = None,
) -> ActionResult:
    """Validate and store a new action; its `created_period` is the current quarter. Anyone
    who may see the unit's dashboard (its leaders, managers above it, admins) may plan.
    `then(cursor, action_id)` runs in the same transaction (a meeting links the action it
    agreed) and returns what the audit entry adds to its details."""
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

    def work(cur: sql.Cursor) -> tuple[int, Mapping[str, object]]:
        new_id = sql.insert_action(
            cur,
            draft,
            closed_period=plan.closed_period(draft.status, None, None, now),
            created_period=now,
            actor=ctx.actor.user_id,
        )
        return new_id, (then(cur, new_id) if then else {})

    action_id, _ = ctx.write(
        work,
        "action.create",
        draft.unit_id,
        lambda done: {"action_id": done[0], "status": draft.status, **done[1]},
    )
    return ActionResult(action_id=action_id)


def set_statuses(
    ctx: Context,
    unit_id: str,
    statuses: dict[int, str],
    *,
    period: str | None = None,
    reopen: bool = False,
) -> ActionResult:
    """Record new statuses of the unit's actions, reported in `period` (default: the current
    quarter; the check-in passes its own quarter). Unchanged statuses are left alone. A done or
    dropped action is reopened only when `reopen` says the person confirmed it, never as a
    side effect of saving a form. All or nothing: one unknown action or status, or one
    unconfirmed reopening, stores none of them."""
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
        elif (
            not reopen
            and states[action_id][1] in plan.CLOSED_STATUSES
            and status in (plan.OPEN_STATUSES)
        ):
            errors.append(
                FieldError(
                    f"status:{action_id}",
                    "error_action_reopen",
                    {"id": action_id, "status": status_label(ctx, states[action_id][1])},
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


# `table`'s columns and each one's heading (a catalogue key); OPEN_HEADINGS leaves the closed
# quarter out, for lists of open actions (the report, the meeting).
TABLE_HEADINGS = {
    "action_id": "col_action_id",
    "description": "col_description",
    "items": "col_items",
    "owner": "col_owner",
    "due_period": "col_due",
    "status": "action_status_field",
    "closed_period": "col_closed",
}
OPEN_HEADINGS = {c: key for c, key in TABLE_HEADINGS.items() if c != "closed_period"}


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
    return pd.DataFrame(rows, columns=list(TABLE_HEADINGS))


def document_rows(ctx: Context, actions: list[Action]) -> list[list[str]]:
    """The actions as the rows of a document's table (the report, the meeting summary), in the
    columns of OPEN_HEADINGS."""
    return [
        [
            f"#{a.action_id}",
            a.description,
            items_label(ctx, a.items),
            a.owner,
            a.due_period,
            status_label(ctx, a.status),
        ]
        for a in actions
    ]


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


# --- CSV export (the import is services/imports/actions.py) --------------------------------------------------------------------

# Every stored column but when and from which question the action was made (an import sets
# neither).
EXPORT_COLUMNS = tuple(
    c for c in sql.ACTION_COLUMNS if c not in ("created_period", "source_question")
)


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
