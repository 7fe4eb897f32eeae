"""Build small organisations with exact group sizes, straight through the store."""

from __future__ import annotations

from dtmaturity.services.context import Context
from dtmaturity.store import AuditEntry, queries

TEST_AUDIT = AuditEntry("test", "test.setup")

PERIOD = "2026-Q2"
PREVIOUS = "2026-Q1"


def add_units(ctx: Context, rows: list[tuple[str, str | None]]) -> None:
    """(unit_id, parent_id) pairs; names are the ids."""
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [(u, u.upper(), p, False) for u, p in rows]),
        audit=TEST_AUDIT,
    )


def add_checkins(
    ctx: Context,
    unit_id: str,
    count: int,
    *,
    score: int = 3,
    period: str = PERIOD,
    reflection: str | None = None,
    roles: tuple[tuple[str, str], ...] = (),
    respondents: list[str] | None = None,
) -> list[str]:
    """`count` leaders check in for the unit, each giving `score` on every item."""
    people = respondents or [f"{unit_id}-leader{i}@etat.example" for i in range(count)]

    def work(cur: queries.Cursor) -> None:
        for person in people:
            queries.save_checkin(
                cur,
                (unit_id, period, person),
                framework_version=ctx.framework.version_key,
                answers=[(item.id, score, item.scale.max, None) for item in ctx.framework.items],
                roles=list(roles),
                reflections=[("wheel_strongest", reflection)] if reflection else [],
            )

    ctx.store.write(work, audit=TEST_AUDIT)
    return people
