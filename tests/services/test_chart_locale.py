"""Charts write numbers in the UI language, in the page and in the PNG/SVG downloads."""

import re

import altair as alt
import pandas as pd
import pytest

from dtmaturity import charts
from dtmaturity.services import exports

pytestmark = pytest.mark.duckdb_only(
    "charts are drawn from the dashboards' frames, which test_dashboards and test_analytics check on both databases"
)


def _chart() -> alt.Chart:
    frame = pd.DataFrame({"x": ["a", "b"], "y": [2.5, 3.25]})
    return alt.Chart(frame).mark_bar().encode(x="x:N", y=alt.Y("y:Q", axis=alt.Axis(format=".1f")))


def test_the_chart_spec_carries_the_languages_number_format():
    spec = charts.readable(_chart(), "nn").to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert charts.readable(_chart(), "en").to_dict()["config"]["locale"]["number"]["decimal"] == "."


def test_the_svg_download_has_decimal_commas_in_norwegian():
    labels = re.findall(r">(\d+[.,]\d)<", exports.chart_svg(charts.readable(_chart(), "nb")))
    assert "2,5" in labels and not any("." in label for label in labels)
    english = re.findall(r">(\d+[.,]\d)<", exports.chart_svg(charts.readable(_chart(), "en")))
    assert "2.5" in english


def test_the_pages_spec_carries_the_number_format_too():
    assert charts.readable_spec(_chart(), "nb")["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in charts.readable_spec(_chart()).get("config", {})
