"""Shared fixtures: a real DuckDB file in a temporary folder, the real framework, AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtmaturity.domain.framework import Framework, load
from dtmaturity.services import demo
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dtmaturity.duckdb"
    monkeypatch.setenv("DTMATURITY_DB", str(path))
    monkeypatch.delenv("DTMATURITY_FRAMEWORK", raising=False)
    monkeypatch.setenv("DTMATURITY_LOCAL_USER", "test.leader@etat.example")
    return path


@pytest.fixture
def ctx(db_path: Path):
    store, framework = open_runtime(db_path)
    yield Context(actor=local_actor(), store=store, framework=framework, lang="en")
    store.close()


@pytest.fixture
def demo_ctx(ctx: Context) -> Context:
    demo.create(ctx)
    return ctx
