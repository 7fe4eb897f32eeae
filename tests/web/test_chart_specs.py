"""The chart specs the pages send: the same as Altair's validated conversion would give."""

from __future__ import annotations

import altair as alt

from dtmaturity import charts
from dtmaturity.services import actions, analytics, targets, units


def test_readable_spec_equals_altairs_validated_spec_with_the_readable_colours(demo_ctx):
    ctx = demo_ctx
    unit_id = units.tree(ctx)[0].unit_id
    trend = analytics.item_trend(ctx, unit_id, "theme")
    goals = targets.unit_targets(ctx, unit_id, "theme")
    built = [
        charts.trend_with_plan(
            trend, goals, actions.chart_frame(ctx, unit_id), lang="nb", title="T"
        ),
        charts.profile(analytics.competency_profile(ctx, unit_id), lang="nb", title="P"),
    ]
    for chart in built:
        with alt.theme.enable("none"):  # as Streamlit converts an Altair chart
            expected = charts.readable(chart).to_dict()  # validated against the schema
        assert charts.readable_spec(chart) == {**expected, "autosize": charts.PAGE_AUTOSIZE}


def test_a_chart_is_built_once_per_content_and_again_when_its_figures_change(demo_ctx):
    ctx = demo_ctx
    unit_id = units.tree(ctx)[0].unit_id
    profile = analytics.competency_profile(ctx, unit_id)
    drawing = charts.recipe(charts.profile, profile, lang="nb", title="P")
    first = charts.spec_of(drawing, "nb")
    assert first == charts.readable_spec(drawing.chart(), "nb")
    # The same figures in a new frame (as the next page run gets them): the same spec, not
    # built again.
    assert (
        charts.spec_of(charts.recipe(charts.profile, profile.copy(), lang="nb", title="P"), "nb")
        is first
    )
    changed = profile.assign(mean=profile["mean"] + 0.5)
    again = charts.spec_of(charts.recipe(charts.profile, changed, lang="nb", title="P"), "nb")
    assert again is not first and again == charts.readable_spec(
        charts.profile(changed, lang="nb", title="P"), "nb"
    )
    assert charts.spec_of(drawing, "en") != first  # the number format travels with the spec
