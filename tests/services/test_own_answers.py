"""A quarter in progress is nobody's group figure (issue 22): one leader's check-in is shown to
them as their own answers, labelled and apart, never as the unit's or the organisation's line,
mean, comparison or summary."""

from __future__ import annotations

from apphelpers import chart_frames, open_app, open_tab, texts
from orgbuilder import PERIOD, add_checkins, add_units

from dtmaturity.domain import formats
from dtmaturity.domain.periods import Period
from dtmaturity.services import analytics

CURRENT = str(Period.current())


def org_with_one_checkin_now(ctx):
    add_units(ctx, [("org", None), ("a", "org")])
    add_checkins(ctx, "a", 4, score=4)  # a released quarter of four leaders
    add_checkins(ctx, "a", 1, score=2, period=CURRENT, respondents=[ctx.actor.user_id])
    return ctx


def test_one_checkin_in_a_quarter_in_progress_is_not_the_organisations_figure(ctx):
    org_with_one_checkin_now(ctx)
    for unit in ("org", "a"):
        for kind in ("theme", "competency"):
            trend = analytics.item_trend(ctx, unit, kind)
            assert set(trend["period"]) == {PERIOD}, (unit, kind)
            own = analytics.own_pending(ctx, unit, kind)
            assert set(own["period"]) == {CURRENT} and (own["score"] == 2).all()
            assert list(own["item"]) == list(trend["item"])  # framework order, names
    profile = analytics.competency_profile(ctx, "org")
    assert set(profile["period"]) == {PERIOD}  # no "CURRENT against PERIOD" on one person


def test_someone_elses_quarter_in_progress_shows_nothing_of_theirs(ctx):
    add_units(ctx, [("org", None)])
    add_checkins(ctx, "org", 1, score=5, period=CURRENT, respondents=["other@etat.example"])
    assert analytics.item_trend(ctx, "org", "theme").empty
    assert analytics.own_pending(ctx, "org", "theme").empty


def test_the_unit_page_draws_your_answers_apart_and_labelled(db_path, ctx):
    org_with_one_checkin_now(ctx)
    at = open_app().switch_page("pages/unit.py").run()
    at = open_tab(at, at.tabs[0].label)
    assert not at.exception
    frames = chart_frames(at)
    group = [f for _, f in frames if "mean" in f.columns]
    assert group and all(CURRENT not in set(f["period"]) for f in group)
    mine = [f for _, f in frames if "score" in f.columns and "who" in f.columns]
    assert mine and all(set(f["period"]) == {CURRENT} for f in mine)
    assert all((f["who"] == "Dine svar, ikke publisert").all() for f in mine)
    assert f"Grå ruter er dine egne svar for {formats.quarter(CURRENT, 'nb')}" in texts(at)
