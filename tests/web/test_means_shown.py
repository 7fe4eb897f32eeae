"""Means in a table are shown to two decimals in every row («3,00» beside «2,92», never «3,0»
or «3»), in every tab of the unit page and the overview (formats.mean, one rule)."""

from __future__ import annotations

import re

import pytest
from apphelpers import each_tab, open_app, open_tables

from dtmaturity.domain.i18n import t

# The column headers that hold means, as the pages name them.
MEAN_HEADERS = {
    t("nb", key)
    for key in (
        "chart_mean",
        "col_mean_now",
        "col_target",
        "col_mean_previous",
        "col_mean_year_ago",
        "meeting_col_mean",
    )
}
TWO_DECIMALS = re.compile(r"^\d+,\d\d$")


def _mean_cells(at) -> list[str]:
    cells = []
    for table in at.dataframe:
        frame = table.value
        for column in frame.columns:
            if column in MEAN_HEADERS:
                cells += [str(v) for v in frame[column] if str(v) not in ("–", "")]
    return cells


@pytest.mark.parametrize(("page", "key"), [("unit", "unit_section"), ("overview", "ov_section")])
def test_every_mean_in_a_table_has_two_decimals(demo_db, page, key):
    at = open_app().switch_page(f"pages/{page}.py").run()
    assert not at.exception
    seen = []
    for shown in each_tab(at, key=key):
        shown = open_tables(shown)
        assert not shown.exception
        seen += _mean_cells(shown)
    assert seen, "no mean column found: the headers changed?"
    assert [cell for cell in seen if not TWO_DECIMALS.match(cell)] == []
