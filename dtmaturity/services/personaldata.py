"""Personal data: everything stored about a person (export), erasure, and the retention of
check-ins (purge after N quarters)."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import date

from dtmaturity.domain.periods import Period
from dtmaturity.services import authz, exports
from dtmaturity.services.context import Context
from dtmaturity.store import people as sql


def export_person(ctx: Context, person_id: str | None = None) -> bytes:
    """Everything stored about a person (default: the acting person) as a ZIP with one JSON
    file and one CSV per table. A person gets their own; an admin anyone's."""
    person_id = person_id or ctx.actor.user_id
    authz.require_self_or_admin(ctx, person_id)
    with ctx.store.reader() as cur:
        tables = sql.person_data(cur, person_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        payload = {
            name: json.loads(frame.to_json(orient="records", date_format="iso"))
            for name, frame in tables.items()
        }
        bundle.writestr(
            "data.json",
            json.dumps({"person_id": person_id, "tables": payload}, ensure_ascii=False, indent=2),
        )
        for name, frame in tables.items():
            bundle.writestr(f"{name}.csv", "\ufeff" + exports.csv_text(frame))
    return buffer.getvalue()


def erase_person(ctx: Context, person_id: str) -> dict[str, int]:
    """Erase a person from every table that can name them (see store.person_columns.PERSON_COLUMNS).
    Admins only. Free text and identity are deleted; scores, role picks and targets stay under
    a random pseudonym, so aggregates do not shift; records of what they did name `erased`.
    The erasure's own audit entry names no one: neither the id nor anything derived from it."""
    authz.require_admin(ctx)
    pseudonym = "erased-" + secrets.token_hex(8)
    return ctx.write(
        lambda cur: sql.erase_person(cur, person_id, pseudonym),
        "person.erase",
        None,
        lambda counts: dict(counts),
    )


def purge(ctx: Context, quarters: int, *, dry_run: bool, today: date | None = None) -> dict:
    """Delete check-ins older than `quarters` quarters (counting the current one). Admins."""
    authz.require_admin(ctx)
    if quarters < 1:
        raise ValueError("keep at least one quarter")
    first_kept = str(Period.current(today).shift(-(quarters - 1)))
    if dry_run:
        with ctx.store.reader() as cur:
            counts = sql.purge_before(cur, first_kept, dry_run=True)
    else:
        counts = ctx.write(
            lambda cur: sql.purge_before(cur, first_kept, dry_run=False),
            "retention.purge",
            first_kept,
            lambda c: dict(c),
        )
    return {"before": first_kept, **counts}


RETENTION_KEY = "retention_quarters"


def retention_quarters(ctx: Context) -> int | None:
    with ctx.store.reader() as cur:
        value = sql.setting(cur, RETENTION_KEY)
    return int(value) if value else None


def set_retention(ctx: Context, quarters: int) -> None:
    authz.require_admin(ctx)
    if quarters < 1:
        raise ValueError("retention must be at least one quarter")
    ctx.write(
        lambda cur: sql.set_setting(cur, RETENTION_KEY, str(quarters), ctx.actor.user_id),
        "setting.change",
        RETENTION_KEY,
        lambda before: {"before": before, "after": str(quarters)},
    )
