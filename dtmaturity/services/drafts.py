"""Check-in drafts: what a person has typed in the check-in form and not saved yet, kept per
person, unit and quarter so that switching unit or quarter, or reloading, loses nothing.

A draft is personal data. It is only ever read by its author (the acting person; there is no
way to ask for another person's), it is in their data export and goes with their erasure and
with the retention purge, and saving the check-in deletes it in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import drafts as sql


@dataclass(frozen=True)
class Draft:
    values: dict[str, Any]  # the check-in form's widget values, as the page keeps them
    saved_at: datetime


def save(ctx: Context, unit_id: str, period: str, values: dict[str, Any]) -> None:
    """Keep the acting person's unsaved form values for this unit and quarter."""
    authz.require_checkin(ctx, unit_id)
    content = json.dumps(values, ensure_ascii=False, sort_keys=True)
    ctx.write(
        lambda cur: sql.save(cur, ctx.actor.user_id, unit_id, period, content),
        "checkin.draft",
        f"{unit_id}/{period}",  # what was typed stays out of the audit log
        invalidates=False,  # no cached reader reads drafts (tests/services/test_drafts.py)
    )


def load(ctx: Context, unit_id: str, period: str) -> Draft | None:
    """The acting person's own draft for this unit and quarter, if any."""
    authz.require_checkin(ctx, unit_id)
    with ctx.store.reader() as cur:
        row = sql.load(cur, ctx.actor.user_id, unit_id, period)
    if row is None:
        return None
    try:
        values = json.loads(row[0])
    except ValueError:
        return None  # unreadable: as good as none (never a traceback on the page)
    return Draft(values=values if isinstance(values, dict) else {}, saved_at=row[1])


def discard(ctx: Context, unit_id: str, period: str) -> bool:
    """Delete the acting person's draft for this unit and quarter; True if there was one."""
    authz.require_checkin(ctx, unit_id)
    with ctx.store.reader() as cur:
        if sql.load(cur, ctx.actor.user_id, unit_id, period) is None:
            return False
    ctx.write(
        lambda cur: sql.delete(cur, ctx.actor.user_id, unit_id, period),
        "checkin.draft_discard",
        f"{unit_id}/{period}",
        invalidates=False,
    )
    return True
