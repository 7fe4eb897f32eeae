"""Dashboard figures agree with an independent SQL computation, and update after a write."""

import pandas as pd
import pytest

from dtmaturity.domain import clock
from dtmaturity.domain.model import CheckIn
from dtmaturity.services import analytics, chartsummaries, checkins


def independent_means(ctx, unit_ids, item_id, period):
    placeholders = ", ".join("?" for _ in unit_ids)
    with ctx.store.reader() as cur:
        return cur.execute(
            f"SELECT avg(score), count(*) FROM answer WHERE item_id = ? AND period = ? "  # noqa: S608
            f"AND unit_id IN ({placeholders})",
            [item_id, period, *unit_ids],
        ).fetchone()


def test_division_trend_rolls_up_its_units(demo_ctx):
    ctx = demo_ctx
    frame = analytics.item_trend(ctx, "demo-teknologi", "theme")
    assert set(frame["item_id"]) == {t.id for t in ctx.framework.themes}
    assert frame["period"].nunique() == 8
    subtree = ["demo-teknologi"] + [f"demo-teknologi-0{i}" for i in range(1, 5)]
    # Every cell, not a sample. A cell that the differencing rule hides (see test_privacy.py)
    # keeps its n but shows no mean; most cells are shown.
    assert (~frame["hidden"]).sum() >= len(frame) * 0.75
    for _, row in frame.iterrows():
        mean, n = independent_means(ctx, subtree, row["item_id"], row["period"])
        assert row["n"] == n
        if row["hidden"]:
            assert pd.isna(row["mean"])
        else:
            assert row["mean"] == pytest.approx(mean)


def test_units_have_different_trends(demo_ctx):
    slopes = []
    for unit in ("demo-bruker-01", "demo-teknologi-02", "demo-forvaltning-03", "demo-bruker-04"):
        frame = analytics.item_trend(demo_ctx, unit, "theme")
        by_period = frame.groupby("period")["mean"].mean().sort_index()
        slopes.append(round(by_period.iloc[-1] - by_period.iloc[0], 2))
    assert len(set(slopes)) > 1


def test_competency_profile_has_latest_and_previous_period(demo_ctx):
    periods = analytics.latest_periods(demo_ctx, "demo-bruker-02")
    profile = analytics.competency_profile(demo_ctx, "demo-bruker-02")
    assert sorted(profile["period"].unique()) == sorted(periods[:2])
    assert len(profile) == 14


def test_role_distribution_counts_picks_and_checkins(demo_ctx):
    period = analytics.latest_periods(demo_ctx, "demo-bruker-02")[0]
    frame = analytics.role_distribution(demo_ctx, "demo-bruker-02", period)
    with demo_ctx.store.reader() as cur:
        expected = dict(
            cur.execute(
                "SELECT kind || ':' || role_id, count(*) FROM role_pick "
                "WHERE unit_id = 'demo-bruker-02' AND period = ? GROUP BY kind, role_id",
                [period],
            ).fetchall()
        )
        n = cur.execute(
            "SELECT count(*) FROM checkin WHERE unit_id = 'demo-bruker-02' AND period = ?",
            [period],
        ).fetchone()[0]
    assert (
        dict(zip(frame["kind"] + ":" + frame["role_id"], frame["count"], strict=True)) == expected
    )
    assert set(frame["n"]) == {n}


def test_a_re_released_quarter_shows_at_once_despite_the_cache(demo_ctx):
    """(A finished quarter holds still: late check-ins wait for a re-release, test_rounds.py
    and test_release_holds.py; the quarter in progress shows no figures.) Three late
    check-ins show at once when the quarter is released again, through every cache."""
    import dataclasses

    from dtmaturity.domain.periods import Period
    from dtmaturity.services import releases
    from dtmaturity.services.context import Actor

    ctx = demo_ctx
    today = clock.today()
    previous = str(Period.current(today).previous())
    before = analytics.item_trend(ctx, "demo-bruker-03", "theme")
    old = before[(before["period"] == previous) & (before["item_id"] == "user")]
    for i in range(3):
        leader = dataclasses.replace(
            ctx, actor=dataclasses.replace(ctx.actor, user_id=f"late{i}@etat.example")
        )
        assert isinstance(leader.actor, Actor)
        checkin = CheckIn(
            unit_id="demo-bruker-03",
            period=previous,
            respondent=leader.actor.user_id,
            scores={item.id: 5 for item in ctx.framework.items},
        )
        assert checkins.save(leader, checkin, today=today).held
    held = analytics.item_trend(ctx, "demo-bruker-03", "theme")
    assert held.equals(before)  # held back: nothing changed
    releases.rerelease(ctx, "demo", previous)
    after = analytics.item_trend(ctx, "demo-bruker-03", "theme")
    row = after[(after["period"] == previous) & (after["item_id"] == "user")]
    assert row["n"].item() == old["n"].item() + 3
    assert row["mean"].item() > old["mean"].item()


def test_reflections_are_listed_without_names(demo_ctx):
    frame = analytics.reflections(demo_ctx, "demo")
    assert not frame.empty
    assert list(frame.columns) == ["period", "question_id", "answer", "question"]
    assert "respondent" not in frame.columns


def test_summaries_describe_the_chart(demo_ctx):
    trend = analytics.item_trend(demo_ctx, "demo", "theme")
    text = chartsummaries.trend_summary(demo_ctx, trend)
    assert "8 quarters" in text and "highest" in text


def test_a_write_through_another_store_on_the_same_file_shows_at_once(demo_ctx):
    """The data version read is reused for a moment (one lookup per page run); a write through
    any Store of this process on the same database must still show on the next view."""
    from dtmaturity.store import AuditEntry, Store, queries

    unit = "demo-bruker-03"
    period = analytics.latest_periods(demo_ctx, unit)[0]
    before = analytics.item_trend(demo_ctx, unit, "theme")
    n_before = before.loc[(before["period"] == period) & (before["item_id"] == "user"), "n"]
    other = Store(demo_ctx.store.path)
    other.write(
        lambda cur: queries.save_checkin(
            cur,
            (unit, period, "another.session@etat.example"),
            framework_version=demo_ctx.framework.version_key,
            answers=[(item.id, 4, item.scale.max, None) for item in demo_ctx.framework.items],
            roles=[],
            reflections=[],
        ),
        audit=AuditEntry("test", "test.setup"),
    )
    after = analytics.item_trend(demo_ctx, unit, "theme")
    n_after = after.loc[(after["period"] == period) & (after["item_id"] == "user"), "n"]
    assert n_after.item() == n_before.item() + 1
