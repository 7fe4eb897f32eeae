"""Results cached per data version: a write makes new results visible at once."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

import pandas as pd

from dtmaturity.store import Store
from dtmaturity.store.db import forget_data_versions

T = TypeVar("T")
_CACHES: list[Any] = []


def cached_by_data_version(func: Callable[..., T]) -> Callable[..., T]:
    """Cache a store function per (store, data version, arguments): a write makes new results
    visible at once, and repeated views of unchanged data cost no query at all (the version is
    held in memory; see `Store.data_version`)."""

    @lru_cache(maxsize=512)
    def run(store: Store, _version: int, args: tuple[Any, ...]) -> T:
        with store.reader() as cur:
            return func(cur, *args)

    _CACHES.append(run)

    @wraps(func)
    def wrapper(store: Store, *args: Any) -> T:
        result = run(store, store.data_version(), args)
        # Callers may add columns; the cached frame must stay as the query returned it.
        return result.copy() if isinstance(result, pd.DataFrame) else result

    return wrapper


def register(memo: Any) -> None:
    """Have `clear` also empty another cache (anything with a `cache_clear` method)."""
    _CACHES.append(memo)


def clear() -> None:
    """Forget every cached result (the benchmark uses this to time real work)."""
    for cache in _CACHES:
        cache.cache_clear()
    forget_data_versions()
