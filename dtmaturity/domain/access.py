"""Who may do what: roles held on units, and the rules the services enforce. Pure Python.

A person holds roles on units (unit '*' means every unit). What each role may do:

- leader: their own check-ins (create, edit until the period is locked) and the dashboards of
  the units they lead;
- manager: the dashboards of every unit in their subtree (aggregates only, under the privacy
  thresholds; never another person's answers);
- coordinator: CSV imports and the people and units registry for their subtree;
- admin: everything, including the framework, settings, locking periods and the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

ROLES = ("leader", "manager", "coordinator", "admin")
EVERY_UNIT = "*"


@dataclass(frozen=True, order=True)
class Grant:
    role: str
    unit_id: str


class AccessDenied(PermissionError):
    """The acting person's roles do not allow this; `key` names the i18n message."""

    def __init__(self, key: str = "access_denied", **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")


ALL_GRANTS = tuple(Grant(role, EVERY_UNIT) for role in ROLES)

# The parent of each unit; the rules walk it upwards.
Parents = Mapping[str, str | None]


def ancestors_and_self(unit_id: str, parents: Parents) -> list[str]:
    """The unit, its parent, its parent's parent … up to the top (cycles are cut)."""
    chain, current = [], unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def _covers(grant_unit: str, unit_id: str, parents: Parents, *, subtree: bool) -> bool:
    if grant_unit == EVERY_UNIT:
        return True
    if subtree:
        return grant_unit in ancestors_and_self(unit_id, parents)
    return grant_unit == unit_id


def holds(grants: Iterable[Grant], role: str) -> bool:
    return any(g.role == role for g in grants)


def is_admin(grants: Iterable[Grant]) -> bool:
    return holds(grants, "admin")


def may_view_dashboard(grants: Iterable[Grant], unit_id: str, parents: Parents) -> bool:
    """Admins everywhere; managers in their subtree; leaders on the units they lead."""
    for grant in grants:
        if grant.role == "admin":
            return True
        if grant.role == "manager" and _covers(grant.unit_id, unit_id, parents, subtree=True):
            return True
        if grant.role == "leader" and _covers(grant.unit_id, unit_id, parents, subtree=False):
            return True
    return False


def may_view_overview(grants: Iterable[Grant], unit_id: str, parents: Parents) -> bool:
    """The overview compares the units below a node: admins, and managers of that subtree."""
    return any(
        g.role == "admin"
        or (g.role == "manager" and _covers(g.unit_id, unit_id, parents, subtree=True))
        for g in grants
    )


def may_check_in(grants: Iterable[Grant], unit_id: str) -> bool:
    """A leader checks in for the units they lead (an admin for any unit)."""
    return any(
        g.role == "admin" or (g.role == "leader" and g.unit_id in (unit_id, EVERY_UNIT))
        for g in grants
    )


def may_coordinate(grants: Iterable[Grant], unit_id: str, parents: Parents) -> bool:
    """Imports and the people and units registry: coordinators in their subtree, admins."""
    return any(
        g.role == "admin"
        or (g.role == "coordinator" and _covers(g.unit_id, unit_id, parents, subtree=True))
        for g in grants
    )


def may_run_round(grants: Iterable[Grant], unit_id: str, parents: Parents) -> bool:
    """Quarterly rounds (open, follow, close, remind): coordinators in their subtree, admins."""
    return may_coordinate(grants, unit_id, parents)


def may_coordinate_anything(grants: Iterable[Grant]) -> bool:
    return any(g.role in ("admin", "coordinator") for g in grants)


def units_where(
    grants: Iterable[Grant],
    unit_ids: Iterable[str],
    parents: Parents,
    rule: Callable[[tuple[Grant, ...], str, Parents], bool],
) -> list[str]:
    """The units (in the given order) on which `rule` allows the grants."""
    grants = tuple(grants)
    return [u for u in unit_ids if rule(grants, u, parents)]


PAGES_BY_ROLE = {
    "checkin": ("leader", "admin"),
    "unit": ("leader", "manager", "admin"),
    "meeting": ("leader", "manager", "admin"),
    "overview": ("manager", "admin"),
    "import": ("coordinator", "admin"),
    "admin": ("coordinator", "admin"),
    "rounds": ("coordinator", "admin"),
}


def shows_page(grants: Iterable[Grant], page: str) -> bool:
    """Whether a page is offered in the navigation (the services still check every call)."""
    roles = PAGES_BY_ROLE.get(page)
    return roles is None or any(g.role in roles for g in grants)


def may_grant(grants: Iterable[Grant], role: str, unit_id: str, parents: Parents) -> bool:
    """Admins grant anything. A coordinator grants leader, manager and coordinator roles on
    units in their subtree, never admin and never on every unit."""
    if is_admin(grants):
        return True
    if role == "admin" or unit_id == EVERY_UNIT:
        return False
    return may_coordinate(grants, unit_id, parents)
