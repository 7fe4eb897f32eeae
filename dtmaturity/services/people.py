"""People and their roles: who a sign-in is, the registry and its role assignments, and the
language a person chose. Every function takes the acting context first and checks what its
roles allow. The people CSV is services/peopleimport.py; period locks, the audit log and
personal data (export, erasure, retention) have modules of their own."""

from __future__ import annotations

import pandas as pd

from dtmaturity.domain import access, i18n, textrules
from dtmaturity.domain.access import EVERY_UNIT, ROLES, AccessDenied, Grant
from dtmaturity.services import authz
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import Store
from dtmaturity.store import people as sql


def person_id_for(email: str | None, sub: str | None) -> str:
    """A person's id is their e-mail in lower case, else their OIDC subject (as it is: an
    ID-porten subject is case-sensitive)."""
    return (email or "").strip().lower() or (sub or "").strip()


def _verified(email_verified: object) -> bool:
    """Whether the provider vouches for the e-mail: True when it does not say (many providers
    send no `email_verified`), False when it sends false (as a boolean or as text)."""
    if email_verified is None:
        return True
    if isinstance(email_verified, str):
        return email_verified.strip().lower() not in ("false", "0", "no", "")
    return bool(email_verified)


def actor_for(
    store: Store,
    *,
    email: str | None,
    sub: str | None,
    name: str | None,
    admins: frozenset[str] = frozenset(),
    email_verified: object = None,
) -> Actor | None:
    """The signed-in person, matched by `sub` or by e-mail, with their roles; None when unknown.

    An e-mail the provider marks as not verified (`email_verified: false`) is not used at all:
    anyone can type any address into some providers. A person registered with a `sub` is
    matched by that `sub` only. Anyone listed in the configured admins (e-mails in any case,
    subjects exactly) is an admin, so the first admin exists before anyone is registered.
    """
    email = (email or "").strip() or None
    sub = (sub or "").strip() or None
    if email and not _verified(email_verified):
        email = None
    with store.reader() as cur:
        found = sql.find_person(cur, email=email, sub=sub)
        grants = [Grant(role, unit) for role, unit in sql.grants(cur, found[0])] if found else []
    listed = {a.strip() for a in admins}
    if (email and email.lower() in {a.lower() for a in listed if "@" in a}) or (
        sub and sub in listed
    ):
        grants.append(Grant("admin", EVERY_UNIT))
    if not grants:
        return None
    person_id = found[0] if found else person_id_for(email, sub)
    # Registered details first: the provider's `name` may be anything (some send the subject).
    display = ((found[1] or found[0]) if found else None) or email or name or person_id
    return Actor(person_id, display, tuple(sorted(set(grants))), local_mode=False)


# --- identities: who a row or a form means, and what may change ---------------------------


class IdentityError(ValueError):
    """An e-mail or subject that cannot be used as asked; `key` names the i18n message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def _known_identity(row: tuple) -> tuple[str | None, str | None]:
    """(e-mail, sub) a stored person is known by; an id is the one or the other."""
    person_id, _, email, sub = row
    email = email or (person_id if "@" in person_id else None)
    sub = sub or (person_id if "@" not in person_id else None)
    return email, sub


def _changes_identity(row: tuple, email: str | None, sub: str | None) -> str | None:
    """The field ("email" or "sub") whose stored value `email`/`sub` would set or change."""
    known_email, known_sub = _known_identity(row)
    if email and (known_email or "").lower() != email.lower():
        return "email"
    if sub and known_sub != sub:
        return "sub"
    return None


def _roles_outside(
    cur: sql.Cursor, ctx: Context, person_id: str, tree: access.Parents
) -> list[tuple[str, str]]:
    """The person's roles the acting person could not have granted (none for an admin)."""
    return [
        (role, unit)
        for role, unit in sql.grants(cur, person_id)
        if not access.may_grant(ctx.actor.grants, role, unit, tree)
    ]


# --- the registry ----------------------------------------------------------------------------


def registry(ctx: Context) -> pd.DataFrame:
    """People and assignments the acting person may manage (admins: all; coordinators: their
    subtree)."""
    authz.require_coordinate(ctx)
    with ctx.store.reader() as cur:
        frame = sql.people(cur)
    if access.is_admin(ctx.actor.grants):
        return frame
    allowed = set(authz.coordinated_units(ctx, list(authz.parents(ctx))))
    return frame[frame["unit_id"].isin(allowed)].reset_index(drop=True)


def find(ctx: Context, search: str = "", *, limit: int = 200) -> tuple[pd.DataFrame, int]:
    """The registry rows (as `registry`) whose person, name, e-mail, sub or unit contains
    `search` (any case), the first `limit` of them, and how many match in all: a national
    registry holds tens of thousands of rows, more than a page should send to show a few."""
    frame = registry(ctx)
    wanted = search.strip().casefold()
    if wanted:
        columns = [c for c in ("person_id", "name", "email", "sub", "unit_id") if c in frame]
        hit = pd.Series(False, index=frame.index)
        for column in columns:
            hit |= (
                frame[column]
                .fillna("")
                .astype(str)
                .str.casefold()
                .str.contains(wanted, regex=False)
            )
        frame = frame[hit]
    return frame.head(limit).reset_index(drop=True), len(frame)


def assign(
    ctx: Context,
    person_id: str,
    role: str,
    unit_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    sub: str | None = None,
) -> bool:
    """Give a person a role on a unit (registering the person if new). True when new."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    _refuse_bad_fields(ctx, person=person_id, name=name, email=email, sub=sub)
    if unit_id != EVERY_UNIT and unit_id not in authz.parents(ctx):
        raise ValueError(f"unknown unit {unit_id!r}")
    if not access.may_grant(ctx.actor.grants, role, unit_id, authz.parents(ctx)):
        raise AccessDenied("access_grant", role=role, unit=unit_id)

    person_id = person_id.strip().lower() if "@" in person_id else person_id.strip()
    email = email.strip().lower() if email else None
    sub = sub.strip() if sub else None
    is_admin = access.is_admin(ctx.actor.grants)
    tree = authz.parents(ctx)

    def work(cur: sql.Cursor) -> bool:
        existing = sql.person(cur, person_id)
        for other in sql.people_with_identity(cur, email=email, sub=sub):
            if other[0] != person_id:
                raise IdentityError("people_identity_taken", person=other[0])
        if existing is None:
            sql.insert_person(cur, person_id, name=name, email=email, sub=sub)
        else:
            # Identity fields change only through an admin; a coordinator never touches the
            # record of someone holding roles they could not have granted themselves.
            if _changes_identity(existing, email, sub) and not is_admin:
                raise AccessDenied("access_identity", person=person_id)
            outside = _roles_outside(cur, ctx, person_id, tree)
            sql.update_person(
                cur,
                person_id,
                name=None if outside else name,
                email=email if is_admin else None,
                sub=sub if is_admin else None,
            )
        return sql.add_grant(cur, person_id, role, unit_id)

    return ctx.write(
        work,
        "role.grant",
        person_id,
        lambda new: {"role": role, "unit_id": unit_id, "before": None if new else "held"},
    )


# The label of each field of a grant, as the Administration form names it.
_FIELD_LABELS = {"person": "admin_person_field", "name": "col_name", "email": "col_email"}


def _refuse_bad_fields(ctx: Context, **fields: str | None) -> None:
    """IdentityError naming the first field (person, name, email, sub) the rule of every way
    in refuses: control characters, encoded words, an e-mail that is not an address."""
    for name, value in fields.items():
        check = textrules.email_problem if name == "email" else textrules.line_problem
        found = check(value.strip() if value else value)
        if found:
            label = _FIELD_LABELS.get(name)
            raise IdentityError(
                "text_field_refused",
                field=i18n.t(ctx.lang, label) if label else name,
                value=textrules.shown(value or ""),
                reason=i18n.t(ctx.lang, found.key, **found.params),
            )


def grantable(ctx: Context) -> tuple[list[str], list[str]]:
    """The roles and units the acting person may grant: admins any role on any unit (also '*');
    coordinators leader, manager and coordinator on the units in their subtree."""
    authz.require_coordinate(ctx)
    tree = list(authz.parents(ctx))
    if access.is_admin(ctx.actor.grants):
        return list(ROLES), [EVERY_UNIT, *tree]
    return ["leader", "manager", "coordinator"], authz.coordinated_units(ctx, tree)


def unassign(ctx: Context, person_id: str, role: str, unit_id: str) -> bool:
    if not access.may_grant(ctx.actor.grants, role, unit_id, authz.parents(ctx)):
        raise AccessDenied("access_grant", role=role, unit=unit_id)
    return ctx.write(
        lambda cur: sql.remove_grant(cur, person_id, role, unit_id),
        "role.revoke",
        person_id,
        lambda removed: {"role": role, "unit_id": unit_id, "removed": removed},
    )


# --- the language a person chose -------------------------------------------------------------


def remembered_language(ctx: Context) -> str | None:
    """The UI language the signed-in person chose last time; None in local mode or when they
    have not chosen one."""
    if ctx.actor.local_mode:
        return None
    with ctx.store.reader() as cur:
        chosen = sql.language_of(cur, ctx.actor.user_id)
    return chosen if chosen in i18n.LANGUAGES else None


def remember_language(ctx: Context, language: str) -> None:
    """Store the signed-in person's choice of UI language (one of the app's languages), so
    their next session opens in it. Nothing is stored in local mode."""
    if language not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(i18n.LANGUAGES)})")
    if ctx.actor.local_mode or remembered_language(ctx) == language:
        return
    ctx.write(
        lambda cur: sql.set_language(cur, ctx.actor.user_id, language),
        "person.language",
        ctx.actor.user_id,
        {"language": language},
    )
