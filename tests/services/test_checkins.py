"""Check-in service: save, re-submit, previous quarter, framework version."""

from datetime import date

import duckdb
import psycopg.errors

from dtmaturity.domain.framework import parse
from dtmaturity.domain.model import CheckIn
from dtmaturity.services import checkins
from dtmaturity.services.context import Context
from dtmaturity.store import AuditEntry, queries

TEST_AUDIT = AuditEntry("test", "test.setup")

TODAY = date(2026, 11, 26)


def make_unit(ctx: Context) -> None:
    ctx.store.write(
        lambda cur: queries.upsert_units(cur, [("u1", "Enhet", None, False)]), audit=TEST_AUDIT
    )


def answers(ctx: Context, period: str, score: int, **extra) -> CheckIn:
    return CheckIn(
        unit_id="u1",
        period=period,
        respondent="ignored",
        scores={item.id: score for item in ctx.framework.items},
        **extra,
    )


def test_the_respondent_is_the_acting_person_not_what_the_form_says(ctx):
    make_unit(ctx)
    assert checkins.save(ctx, answers(ctx, "2026-Q3", 3), today=TODAY).ok
    form = checkins.load_form(ctx, "u1", "2026-Q3")
    assert form.current.respondent == ctx.actor.user_id


def test_saving_again_updates_and_the_previous_quarter_is_offered(ctx):
    """In the quarter itself (2026-Q3): a check-in for a quarter already released is held
    instead (test_release_holds.py)."""
    during = date(2026, 9, 15)
    make_unit(ctx)
    first = answers(
        ctx,
        "2026-Q2",
        2,
        comments={"user": "Kom i gang"},
        roles={"most": ["enabler"], "want": ["visionary"]},
        reflections={"wheel_strongest": "Brukerinnsikt"},
    )
    assert checkins.save(ctx, first, today=during).updated is False
    assert checkins.save(ctx, answers(ctx, "2026-Q3", 3), today=during).updated is False
    result = checkins.save(ctx, answers(ctx, "2026-Q3", 4), today=during)
    assert result.ok and result.updated
    form = checkins.load_form(ctx, "u1", "2026-Q3")
    assert form.current.scores["user"] == 4
    assert form.current_saved_at is not None
    assert form.previous.period == "2026-Q2"
    assert form.previous.scores["data"] == 2
    assert form.previous.comments == {"user": "Kom i gang"}
    assert form.previous.roles == {"most": ["enabler"], "want": ["visionary"]}
    assert form.previous.reflections == {"wheel_strongest": "Brukerinnsikt"}


def test_invalid_checkin_is_not_stored(ctx):
    make_unit(ctx)
    bad = answers(ctx, "2026-Q3", 3)
    bad.scores["user"] = 9
    result = checkins.save(ctx, bad, today=TODAY)
    assert [e.field for e in result.errors] == ["score:user"]
    assert checkins.load_form(ctx, "u1", "2026-Q3").current is None


def test_a_checkin_keeps_the_framework_version_it_was_made_with(ctx, tmp_path):
    make_unit(ctx)
    checkins.save(ctx, answers(ctx, "2026-Q2", 3), today=TODAY)
    old_version = ctx.framework.version_key
    # The organisation renames a theme and drops a competency in a new framework version.
    content = ctx.framework.content.replace('version = "2026.1"', 'version = "2027.1"')
    start = content.index('[[competencies]]\nid = "motivate"')
    end = content.index("[[roles]]")
    newer = parse(content[:start] + content[end:], "newer.toml")
    from dtmaturity.services.runtime import register_framework

    register_framework(ctx.store, newer)
    new_ctx = Context(actor=ctx.actor, store=ctx.store, framework=newer, lang="en")
    assert checkins.save(new_ctx, answers(new_ctx, "2026-Q3", 4), today=TODAY).ok

    with ctx.store.reader() as cur:
        versions = dict(cur.execute("SELECT period, framework_version FROM checkin").fetchall())
        old_answers = cur.execute(
            "SELECT count(*) FROM answer WHERE period = '2026-Q2' AND item_id = 'motivate'"
        ).fetchone()[0]
        stored = cur.execute("SELECT count(*) FROM framework_version").fetchone()[0]
    assert versions == {"2026-Q2": old_version, "2026-Q3": newer.version_key}
    assert old_answers == 1  # the dropped item's old answer is still there
    assert stored == 2
    assert newer.item_name("motivate", "en") == "motivate"  # still labelled, by id


def test_store_rejects_a_duplicate_key_directly(ctx):
    make_unit(ctx)
    checkins.save(ctx, answers(ctx, "2026-Q3", 3), today=TODAY)
    with ctx.store.reader() as cur:
        try:
            cur.execute(
                "INSERT INTO checkin (unit_id, period, respondent, framework_version) "
                "VALUES (?, ?, ?, 'x')",
                ["u1", "2026-Q3", ctx.actor.user_id],
            )
            raised = False
        except (duckdb.ConstraintException, psycopg.errors.IntegrityError):
            raised = True
    assert raised
