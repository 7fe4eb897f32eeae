"""How much the database holds, for the start page."""

from __future__ import annotations

from dtmaturity.services.context import Context
from dtmaturity.store import queries


def counts(ctx: Context) -> dict[str, int]:
    with ctx.store.reader() as cur:
        rows = queries.count_rows(cur)
    return {"units": rows["unit"], "checkins": rows["checkin"], "answers": rows["answer"]}
