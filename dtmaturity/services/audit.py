"""The audit log, read (admins only); every write adds its entry through ctx.write."""

from __future__ import annotations

import pandas as pd

from dtmaturity.services import authz
from dtmaturity.services.context import Context
from dtmaturity.store import people as sql


def audit_log(ctx: Context, limit: int = 1000) -> pd.DataFrame:
    """The newest entries of the audit log. Admins only."""
    authz.require_admin(ctx)
    with ctx.store.reader() as cur:
        return sql.audit_log(cur, limit)
