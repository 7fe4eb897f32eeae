"""What the check-in offers and stores: only quarters a check-in would be stored for (the
others say why), "do not know / not relevant" stored as such and counted in no mean, the unit
a person starts at."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from dtmaturity.domain import clock
from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import analytics, checkins, release_rule, rounds
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import queries

CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())
UNIT = "demo-bruker-03"


def offered(ctx: Context, unit_id: str = UNIT) -> dict[str, checkins.Quarter]:
    return {q.period: q for q in checkins.quarters(ctx, unit_id)}


def test_the_current_quarter_is_offered_and_a_released_one_only_to_amend(demo_ctx):
    quarters = offered(demo_ctx)
    assert quarters[CURRENT].offered
    # The demo's past quarters ended with answers: released, not offered as a new check-in.
    assert not quarters[PREVIOUS].offered
    assert quarters[PREVIOUS].reason == "checkin_closed_released"
    mine = CheckIn(UNIT, PREVIOUS, demo_ctx.actor.user_id, scores={"user": 3})
    demo_ctx.write(
        lambda cur: queries.save_checkin(
            cur,
            (UNIT, PREVIOUS, demo_ctx.actor.user_id),
            framework_version=demo_ctx.framework.version_key,
            answers=mine.answer_rows(demo_ctx.framework),
            roles=[],
            reflections=[],
        ),
        "test.checkin",
    )
    assert offered(demo_ctx)[PREVIOUS].offered  # their own: amended, and held as such


@pytest.mark.parametrize("top", ["demo", "demo-bruker"])
def test_a_closed_rounds_quarter_is_not_offered_and_names_the_day_it_closed(demo_ctx, top):
    """A round over the organisation (whose close also locks the quarter) or over a part."""
    rounds.open_round(demo_ctx, top, CURRENT, clock.today() + timedelta(days=5))
    assert offered(demo_ctx)[CURRENT].offered
    rounds.close_round(demo_ctx, CURRENT, top)
    closed = offered(demo_ctx)[CURRENT]
    assert not closed.offered and closed.reason == "checkin_closed_round"
    assert closed.params["date"]  # "7. desember 2026"
    if top != "demo":
        # Late check-ins allowed by the admin: offered, and held for a re-release.
        release_rule.set_allow_late(demo_ctx, True)
        assert offered(demo_ctx)[CURRENT].offered


def test_every_quarter_not_offered_would_be_refused_or_held_by_the_save(demo_ctx):
    """The offer and the save agree: a quarter offered is stored, one not offered is not."""
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=5))
    rounds.close_round(demo_ctx, CURRENT, "demo")
    scores = {item.id: 3 for item in demo_ctx.framework.items}
    for quarter in checkins.quarters(demo_ctx, UNIT):
        result = checkins.save(demo_ctx, CheckIn(UNIT, quarter.period, "x", scores=scores))
        stored = result.ok and not result.held
        assert stored == quarter.offered, quarter


def test_a_person_starts_at_the_unit_they_lead(demo_ctx):
    ids = ["demo", "demo-bruker", UNIT]
    grants = (Grant("admin", "*"), Grant("leader", UNIT))
    leader = Actor("leder@example.no", "Leder", grants=grants, local_mode=False)
    ctx = Context(leader, demo_ctx.store, demo_ctx.framework)
    assert checkins.default_unit(ctx, ids) == UNIT
    assert checkins.default_unit(demo_ctx, ids) == "demo"  # the local user leads every unit


def frames(ctx: Context) -> list[pd.DataFrame]:
    """Every figure a mean or a count of scores reaches, for the unit and the organisation."""
    return [
        analytics.item_trend(ctx, UNIT, "theme"),
        analytics.item_trend(ctx, UNIT, "competency"),
        analytics.competency_profile(ctx, UNIT),
        analytics.compare(ctx, UNIT, "user"),
        analytics.overview_cells(ctx, "demo", PREVIOUS, "theme"),
        analytics.overview_cells(ctx, "demo", PREVIOUS, "competency"),
    ]


def test_do_not_know_is_stored_as_such_and_counts_in_no_mean_or_count(demo_ctx):
    before = frames(demo_ctx)
    fw = demo_ctx.framework
    not_known = {item.id for item in fw.items}
    for n in range(3):  # enough respondents to pass any privacy threshold, were they counted
        checkin = CheckIn(UNIT, PREVIOUS, f"vet-ikke-{n}@example.no", not_known=not_known)
        demo_ctx.write(
            lambda cur, c=checkin: queries.save_checkin(
                cur,
                (c.unit_id, c.period, c.respondent),
                framework_version=fw.version_key,
                answers=c.answer_rows(fw),
                roles=[],
                reflections=[],
                not_known=c.not_known_rows(),
            ),
            "test.checkin",
        )
    with demo_ctx.store.reader() as cur:
        stored = queries.load_checkin(cur, (UNIT, PREVIOUS, "vet-ikke-0@example.no"))
    assert {(item, score, flag) for item, score, _, flag in stored["answers"]} == {
        (item, None, True) for item in not_known
    }
    after = frames(demo_ctx)
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old.reset_index(drop=True), new.reset_index(drop=True))


def test_a_check_in_answered_do_not_know_loads_back_as_such(demo_ctx):
    fw = demo_ctx.framework
    scores = {item.id: 3 for item in fw.items[1:]}
    checkin = CheckIn(UNIT, CURRENT, "x", scores=scores, not_known={fw.items[0].id})
    assert checkins.save(demo_ctx, checkin).ok
    form = checkins.load_form(demo_ctx, UNIT, CURRENT)
    assert form.current.not_known == {fw.items[0].id}
    assert fw.items[0].id not in form.current.scores
