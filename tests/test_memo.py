"""Every remembered result is kept by one rule (dtmaturity/memo.py): a bounded cache, least
recently used out; results of the database keyed by the data version, so a write shows at once."""

from __future__ import annotations

import ast
from pathlib import Path

from dtmaturity import memo
from dtmaturity.services.cache import cached_by_data_version, clear
from dtmaturity.store import AuditEntry, Store, queries

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dtmaturity"
# Ways to remember results that are not memo.py's (unbounded, or another eviction rule).
OTHER_CACHES = {"cache", "lru_cache", "OrderedDict", "cachetools", "cached", "TTLCache"}


def test_a_memo_keeps_at_most_its_size_and_lets_the_least_recently_used_go():
    kept: memo.Memo[int] = memo.Memo(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" used: "b" is now the least recently used
    kept.put("c", 3)
    assert len(kept) == 2
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_a_memoised_function_runs_once_per_arguments_within_its_bound():
    calls: list[int] = []

    @memo.memoised(2)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert [square(2), square(2), square(3), square(2)] == [4, 4, 9, 4]
    assert calls == [2, 3]
    square(4)  # 3 was used least recently: it goes
    square(3)
    assert calls == [2, 3, 4, 3]
    square.cache_clear()  # type: ignore[attr-defined]
    square(2)
    assert calls == [2, 3, 4, 3, 2]


def test_clearing_the_data_forgets_results_of_the_database_and_keeps_the_rest():
    data: memo.Memo[int] = memo.Memo(4, of_data=True)
    code: memo.Memo[int] = memo.Memo(4)
    data.put("x", 1)
    code.put("x", 1)
    memo.clear_data()
    assert data.get("x") is None and code.get("x") == 1


def test_a_cached_query_is_read_once_per_data_version_and_a_write_shows_at_once(tmp_path):
    store = Store(tmp_path / "memo.duckdb")
    reads: list[int] = []

    def unit_count(cur) -> int:
        reads.append(1)
        return cur.execute("SELECT count(*) FROM unit").fetchone()[0]

    count = cached_by_data_version(unit_count)
    try:
        assert count(store) == 0 and count(store) == 0
        assert len(reads) == 1  # the second view cost no query
        store.write(
            lambda cur: queries.upsert_units(cur, [("u1", "Enhet", None, False)]),
            audit=AuditEntry("test", "test.unit"),
        )
        assert count(store) == 1 and len(reads) == 2
        clear()
        assert count(store) == 1 and len(reads) == 3
    finally:
        store.close()


def test_no_module_remembers_results_another_way():
    """functools' caches, an OrderedDict kept by hand or cachetools used directly would each be a
    second eviction rule (or none): only memo.py makes caches."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "memo.py" or "__pycache__" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            hits = {n.split(".")[0] for n in names} & {"cachetools"}
            if isinstance(node, ast.ImportFrom) and node.module in {"functools", "collections"}:
                hits |= {a.name for a in node.names} & OTHER_CACHES
            if isinstance(node, ast.Attribute) and ast.unparse(node.value) in {
                "functools",
                "collections",
            }:
                hits |= {node.attr} & OTHER_CACHES
            if hits:
                found.append((str(path.relative_to(ROOT)), node.lineno, sorted(hits)))
    assert found == []
