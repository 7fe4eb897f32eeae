"""Results cached per data version: a write makes new results visible at once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import pandas as pd

from dtmaturity import memo
from dtmaturity.store import Store
from dtmaturity.store.db import forget_data_versions

T = TypeVar("T")


def cached_by_data_version(func: Callable[..., T]) -> Callable[..., T]:
    """Cache a store function per (store, data version, arguments): a write makes new results
    visible at once, and repeated views of unchanged data cost no query at all (the version is
    held in memory; see `Store.data_version`). At most 512 results per function
    (dtmaturity/memo.py: the least recently used go first)."""

    @memo.memoised(512, of_data=True)
    def run(store: Store, _version: int, args: tuple[Any, ...]) -> T:
        with store.reader() as cur:
            return func(cur, *args)

    @wraps(func)
    def wrapper(store: Store, *args: Any) -> T:
        result = run(store, store.data_version(), args)
        # Callers may add columns; the cached frame must stay as the query returned it.
        return result.copy() if isinstance(result, pd.DataFrame) else result

    return wrapper


def clear() -> None:
    """Forget every cached result (the benchmark uses this to time real work)."""
    memo.clear_data()
    forget_data_versions()
