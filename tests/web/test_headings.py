"""A column the dashboard frames share is headed with the same words in every table
(web.tables.headings) as in the charts' tooltips (charts.theme)."""

from __future__ import annotations

from dtmaturity.charts.theme import ITEM_TIP, MEAN_TIP, N_TIP, PERIOD_TIP
from dtmaturity.web.tables import SHARED_HEADINGS


def test_a_shared_column_has_the_heading_its_chart_tooltip_has():
    for field, key, *_ in (ITEM_TIP, PERIOD_TIP, MEAN_TIP, N_TIP):
        assert SHARED_HEADINGS[field.split(":")[0]] == key, field
