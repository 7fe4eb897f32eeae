"""Start-up: load the framework, open and migrate the database, remember the framework version."""

from __future__ import annotations

from pathlib import Path

from dtmaturity.domain import framework as framework_module
from dtmaturity.domain.framework import Framework
from dtmaturity.store import AuditEntry, Store, queries


def register_framework(store: Store, framework: Framework) -> None:
    """Keep this framework's text in the database, so old check-ins can always be read."""
    with store.reader() as cur:
        if queries.framework_registered(cur, framework.version_key):
            return
    store.write(
        lambda cur: queries.register_framework(
            cur,
            version_key=framework.version_key,
            framework_id=framework.id,
            version=framework.version,
            sha256=framework.sha256,
            content=framework.content,
        ),
        audit=AuditEntry("system", "framework.register", framework.version_key),
    )


def open_runtime(
    db_path: Path | str | None = None, framework_path: Path | str | None = None
) -> tuple[Store, Framework]:
    """Validate the framework first (a broken file stops start-up), then open the store."""
    framework = framework_module.load(framework_path)
    store = Store(db_path)
    register_framework(store, framework)
    return store, framework


def warm(store: Store, framework: Framework) -> None:
    """Bring the data every dashboard reads into the database's memory (see `queries.warm`)
    and make the privacy rule's decisions the dashboards share."""
    # Imported here, for the server only: it brings pandas, which a command need not load.
    from dtmaturity.services import privacy

    with store.reader() as cur:
        queries.warm(cur)
    privacy.warm(store, framework)
