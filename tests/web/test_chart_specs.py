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
        assert charts.readable_spec(chart) == expected
