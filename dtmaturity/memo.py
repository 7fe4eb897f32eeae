"""Remembered results, all kept by one rule: a bounded cache that lets the least recently used
entry go when full (cachetools.LRUCache), behind a lock. Every cache of the app is made here,
so none grows without bound, and `clear_data` forgets every result read from the database.

Results of the database are keyed by the data version (`Store.data_version`), so a write makes
new results visible at once; the bound only keeps memory in check."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from cachetools import LRUCache, cached

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

_ALL: list[Memo[Any]] = []


class Memo(Generic[V]):
    """A bounded, thread-safe map of remembered values (least recently used out when full).

    `of_data`: the values come from the database (results, decisions over its counts), and
    `clear_data` forgets them; pure functions of code and files (SQL rewrites, sort keys, the
    catalogues) keep theirs."""

    def __init__(self, maxsize: int, *, of_data: bool = False) -> None:
        self.cache: LRUCache[Hashable, V] = LRUCache(maxsize)
        self.lock = threading.Lock()
        self.of_data = of_data
        _ALL.append(self)

    def get(self, key: Hashable) -> V | None:
        with self.lock:
            return self.cache.get(key)

    def put(self, key: Hashable, value: V) -> V:
        with self.lock:
            self.cache[key] = value
        return value

    def clear(self) -> None:
        with self.lock:
            self.cache.clear()

    def __len__(self) -> int:
        return len(self.cache)


def memoised(maxsize: int, *, of_data: bool = False) -> Callable[[F], F]:
    """Remember a function's results per (hashable) arguments, in a `Memo` of `maxsize`. The
    function gains `cache_clear()`, as with functools.lru_cache."""

    def decorate(func: F) -> F:
        memo: Memo[Any] = Memo(maxsize, of_data=of_data)
        return cached(memo.cache, lock=memo.lock)(func)  # type: ignore[return-value]

    return decorate


def clear_data() -> None:
    """Forget every remembered result of the database (the benchmarks time real work so)."""
    for memo in _ALL:
        if memo.of_data:
            memo.clear()
