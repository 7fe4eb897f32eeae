"""Who is acting, in which language, against which store and framework.

Every service takes a Context first, even in local mode, so sign-in and access rules can be
added inside the services without touching the pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from dtmaturity.framework import Framework
from dtmaturity.store import Store

ALL_ROLES = frozenset({"leader", "manager", "coordinator", "admin"})
DEFAULT_LOCAL_USER = "lokal.bruker"


@dataclass(frozen=True)
class Actor:
    """The person using the app. In local mode: one local user holding every role."""

    user_id: str
    display_name: str
    roles: frozenset[str] = field(default_factory=lambda: ALL_ROLES)
    local_mode: bool = True


def local_actor() -> Actor:
    user = os.environ.get("DTMATURITY_LOCAL_USER", "").strip() or DEFAULT_LOCAL_USER
    return Actor(user_id=user, display_name=user)


@dataclass(frozen=True)
class Context:
    actor: Actor
    store: Store
    framework: Framework
    lang: str = "nb"

    def with_lang(self, lang: str) -> Context:
        return replace(self, lang=lang)
