"""Released quarters hold still (privacy, issue 22).

Once a quarter's figures have been shown for a unit, a change to them would let anyone who
compares before and after work out what changed. So a late check-in, a late import, a check-in
in a reopened round or in a round opened for a quarter already shown is stored but *held*: no
figure, download or report shows it until a coordinator releases the quarter again. A
re-release keeps the version that was shown (its counts and tree), publishes the held changes,
and is audited; every figure after it is decided against every version shown before
(privacy.hide_across), and so is every figure after a unit is moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from dtmaturity.domain import access, clock, release
from dtmaturity.domain.release import CLOSED
from dtmaturity.services import authz, release_rule
from dtmaturity.services.context import Context
from dtmaturity.store import plans as plan_queries
from dtmaturity.store import queries
from dtmaturity.store import releases as sql

CHECKIN, IMPORT = "checkin", "import"


def is_late(ctx: Context, unit_id: str, period: str, today: date | None = None) -> bool:
    """Would a change to the unit's answers for the quarter change a figure already shown?
    Yes where the quarter was marked shown for the unit or a unit above it (a round closed, or
    was opened for a quarter already shown), where the round covering it is closed, and, with
    no round, once the quarter has ended with answers in the unit's organisation."""
    return bool(late_pairs(ctx, [(unit_id, period)], today))


def late_pairs(
    ctx: Context, pairs: list[tuple[str, str]], today: date | None = None
) -> list[tuple[str, str]]:
    """The (unit, quarter) pairs of `pairs` that are late (`is_late`), decided for all of them
    from one read of the marks, the rounds and the check-ins (an import has thousands)."""
    if not pairs:
        return []
    parents = authz.parents(ctx)
    chains = {unit: access.ancestors_and_self(unit, parents) for unit in {u for u, _ in pairs}}
    ended = sorted(
        {p for p in {p for _, p in pairs} if release.has_ended(p, today or clock.today())}
    )
    with ctx.store.reader() as cur:
        marked = sql.marks(cur)
        answered = sql.units_with_checkins(cur, ended)
    roots: dict[str, str] = {}  # unit → the top of its organisation

    def root(unit: str) -> str:
        if unit not in roots:
            roots[unit] = access.ancestors_and_self(unit, parents)[-1]
        return roots[unit]

    # A quarter with answers anywhere in an organisation (units in the tree only).
    shown = {(root(unit), period) for unit, period in answered if unit in parents}
    with_rounds: dict[str, list] = {}  # quarter → its rounds
    for r in release_rule.all_rounds(ctx):
        with_rounds.setdefault(r.period, []).append(r)
    late = []
    for unit, period in pairs:
        chain = chains[unit]
        if any((u, period) in marked for u in chain):
            late.append((unit, period))
            continue
        covering = release.covering(unit, period, with_rounds.get(period, ()), parents)
        if covering is not None:
            if covering.state == CLOSED:
                late.append((unit, period))
        elif period in ended and (chain[-1], period) in shown:
            late.append((unit, period))
    return late


def checkin_payload(
    *,
    framework_version: str,
    answers: list[tuple[str, int | None, int, str | None]],
    roles: list[tuple[str, str]],
    reflections: list[tuple[str, str]],
    target_period: str | None,
    targets: list[tuple[str, int, int]],
    not_known: list[str] | None = None,
) -> str:
    """A check-in as held: everything its save would write."""
    return json.dumps(
        {
            "framework_version": framework_version,
            "answers": answers,
            "roles": roles,
            "reflections": reflections,
            "target_period": target_period,
            "targets": targets,
            "not_known": not_known or [],
        },
        ensure_ascii=False,
    )


def held_checkin(ctx: Context, key: tuple[str, str, str]) -> dict | None:
    """The acting person's held check-in for the unit and quarter (what they saved last)."""
    with ctx.store.reader() as cur:
        payload = sql.held_checkin(cur, key)
    return json.loads(payload) if payload else None


@dataclass(frozen=True)
class Held:
    unit_id: str
    unit: str
    period: str
    respondents: int
    checkins: int
    imported: int


def pending(ctx: Context) -> list[Held]:
    """The held changes in the units the acting person coordinates, per unit and quarter."""
    authz.require_coordinate(ctx)
    parents = authz.parents(ctx)
    mine = authz.coordinated_units(ctx, list(parents))
    with ctx.store.reader() as cur:
        rows = sql.held(cur, None, mine)
        names = {unit[0]: unit[1] for unit in queries.units(cur)}
    out: dict[tuple[str, str], list] = {}
    for row in rows.itertuples():
        out.setdefault((row.unit_id, row.period), []).append(row)
    return [
        Held(
            unit_id=unit,
            unit=names.get(unit, unit),
            period=period,
            respondents=len({r.respondent for r in group}),
            checkins=sum(r.source == CHECKIN for r in group),
            imported=sum(r.source == IMPORT for r in group),
        )
        for (unit, period), group in sorted(out.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


class ReleaseError(ValueError):
    """A re-release that cannot be done; `key` names the message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")


def _apply(cur: queries.Cursor, row) -> list[tuple[str, str]]:
    """Write one held change as its save or import would have; the (kind, key) it changed."""
    payload = json.loads(row.payload)
    key = (row.unit_id, row.period, row.respondent)
    if row.source == CHECKIN:
        queries.save_checkin(
            cur,
            key,
            framework_version=payload["framework_version"],
            answers=[tuple(a) for a in payload["answers"]],
            roles=[tuple(r) for r in payload["roles"]],
            reflections=[tuple(r) for r in payload["reflections"]],
            not_known=payload.get("not_known", []),
        )
        plan_queries.save_targets(
            cur, key, payload["target_period"], [tuple(t) for t in payload["targets"]]
        )
    else:
        sql.apply_imported(cur, key, int(row.import_id), payload, payload["framework_version"])
    items = [("score", a[0]) for a in payload["answers"] if a[1] is not None]
    return [*items, ("checkin", "")]


def rerelease(ctx: Context, unit_id: str, period: str) -> int:
    """Publish the changes held for the quarter in the unit's subtree (coordinators of the
    unit): the version shown until now is kept, so that every figure from now on is decided
    against it too. Returns how many respondents' changes were published."""
    authz.require_coordinate(ctx, unit_id)
    units = release_rule.subtree_units(ctx, unit_id)
    with ctx.store.reader() as cur:
        rows = sql.held(cur, period, units)
    if rows.empty:
        raise ReleaseError("rerelease_nothing_held", unit=unit_id, period=period)

    def work(cur: queries.Cursor) -> int:
        version = sql.snapshot(cur, period, ctx.actor.user_id, "rerelease")
        changed: dict[tuple[str, str, str], set[str]] = {}
        for row in rows.itertuples():
            for kind, key in _apply(cur, row):
                changed.setdefault((kind, key, row.unit_id), set()).add(row.respondent)
        sql.record_changes(
            cur, period, version + 1, [(*k, len(who)) for k, who in sorted(changed.items())]
        )
        sql.drop_held(cur, [int(i) for i in rows["held_id"]])
        sql.mark(cur, unit_id, period)
        return len({r for who in changed.values() for r in who})

    return ctx.write(
        work,
        "quarter.rerelease",
        f"{unit_id}/{period}",
        lambda n: {"respondents": n, "held_changes": len(rows)},
    )


def hold_late_import(ctx: Context, cur: queries.Cursor, import_id: int) -> int:
    """Inside an import's transaction: hold what it would change in released quarters (the
    rest is written). Returns how many answers were held."""
    late = late_pairs(ctx, sql.import_pairs(cur))
    held = sql.divert_import(cur, late)
    for key, payload in held:
        payload["framework_version"] = ctx.framework.version_key
        sql.hold(
            cur,
            key,
            source=IMPORT,
            import_id=import_id,
            actor=ctx.actor.user_id,
            payload=json.dumps(payload, ensure_ascii=False),
        )
    return sum(len(payload["answers"]) for _, payload in held)
