"""Run a store query through the data-version cache: the one way the dashboard services read."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dtmaturity.services.cache import cached_by_data_version
from dtmaturity.services.context import Context
from dtmaturity.store.querying import Cursor, Query


def _run_query(cur: Cursor, sql: str, frozen: tuple[tuple[str, Any], ...]) -> Any:
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
    return cur.execute(sql, params).df()


_cached_run = cached_by_data_version(_run_query)


def fetch(ctx: Context, query: Query) -> pd.DataFrame:
    """Run a query through the data-version cache (a copy of the cached frame)."""
    frozen = tuple(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(query.params.items())
    )
    return _cached_run(ctx.store, query.sql, frozen)
