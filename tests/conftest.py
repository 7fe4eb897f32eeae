"""Shared fixtures: a real DuckDB file in a temporary folder, the real framework, AppTest.

The demo organisation is built once per test session (`demo_file`, about a second on a busy
machine) and each test that asks for it gets its own copy of the file (`demo_db`, `demo_ctx`),
so tests may write to it freely. Caches never mix copies up: results are cached per Store
object and per data version, and the data version is kept per database file path
(dtmaturity/services/cache.py, store/db.py); every copy has a path of its own.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dtmaturity.domain.framework import Framework, load
from dtmaturity.services import demo
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.services.runtime import open_runtime

LOCAL_USER = "test.leader@etat.example"  # the local user every test acts as (db_path)


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dtmaturity.duckdb"
    monkeypatch.setenv("DTMATURITY_DB", str(path))
    monkeypatch.delenv("DTMATURITY_FRAMEWORK", raising=False)
    monkeypatch.setenv("DTMATURITY_LOCAL_USER", LOCAL_USER)
    return path


@pytest.fixture
def ctx(db_path: Path, request: pytest.FixtureRequest) -> Iterator[Context]:
    # A test may name `ctx` before `demo_db`: the demo copy must be in place before the file
    # is opened here, whatever the order of the test's arguments.
    if "demo_db" in request.fixturenames:
        request.getfixturevalue("demo_db")
    store, framework = open_runtime(db_path)
    yield Context(actor=local_actor(), store=store, framework=framework, lang="en")
    store.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo organisation, made once per session as the local test user would make it with
    the start page's button (the actor is recorded in the audit log and on the demo's actions).
    The session fails at its end if anything wrote to this original instead of to a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DTMATURITY_FRAMEWORK", raising=False)
        store, framework = open_runtime(path)
    try:
        demo.create(Context(Actor(LOCAL_USER, LOCAL_USER), store, framework, lang="en"))
    finally:
        store.close()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the closed demo database left {leftovers} beside it"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "the demo original changed"


@pytest.fixture
def demo_db(demo_file: Path, db_path: Path) -> Path:
    """This test's own copy of the demo database, at `db_path` (DTMATURITY_DB), not yet open."""
    shutil.copyfile(demo_file, db_path)
    return db_path


@pytest.fixture
def demo_ctx(demo_db: Path, ctx: Context) -> Context:
    """The acting local user on this test's own copy of the demo organisation."""
    return ctx
