"""Who is acting, in which language, against which store and framework.

Every service takes a Context first, even in local mode, so sign-in and access rules can be
added inside the services without touching the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import duckdb

from dtmaturity.domain import settings
from dtmaturity.domain.access import ALL_GRANTS, Grant
from dtmaturity.domain.framework import Framework
from dtmaturity.store import AuditEntry, Store

DEFAULT_LOCAL_USER = "lokal.bruker"
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """The person using the app and the roles they hold on units. In local mode: one local
    user holding every role on every unit."""

    user_id: str
    display_name: str
    grants: tuple[Grant, ...] = ALL_GRANTS
    local_mode: bool = True

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)


def local_actor() -> Actor:
    user = settings.current().local_user or DEFAULT_LOCAL_USER
    # An e-mail names one person in any case: stored in lower case, as everywhere.
    user = user.lower() if "@" in user else user
    return Actor(user_id=user, display_name=user)


@dataclass(frozen=True)
class Context:
    actor: Actor
    store: Store
    framework: Framework
    lang: str = "nb"

    def with_lang(self, lang: str) -> Context:
        return replace(self, lang=lang)

    def write(
        self,
        work: Callable[[duckdb.DuckDBPyConnection], T],
        action: str,
        target: str | None = None,
        details: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
        *,
        prepare: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
        invalidates: bool = True,
    ) -> T:
        """One transaction on behalf of the acting person, recorded in the audit log
        (`prepare` and `invalidates`: see Store.write)."""
        return self.store.write(
            work,
            audit=AuditEntry(self.actor.user_id, action, target, details),
            prepare=prepare,
            invalidates=invalidates,
        )


def acting_for(store: Store, framework: Framework, user: str) -> Context:
    """A context for a process acting on its own or on the command line's behalf (the
    scheduler, a spooled job): every grant, not local mode, in English."""
    actor = Actor(user, user, ALL_GRANTS, local_mode=False)
    return Context(actor=actor, store=store, framework=framework, lang="en")
