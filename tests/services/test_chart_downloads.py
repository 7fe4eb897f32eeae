"""Chart downloads people can read: in the PNG/SVG files no quarter label lies on top of
another and no legend or axis label is cut short ("Fortelle historier og skap…")."""

from __future__ import annotations

import re

import pytest

from dtmaturity import charts
from dtmaturity.services import actions, analytics, exports, targets

pytestmark = pytest.mark.duckdb_only(
    "downloads are drawn from the dashboards' frames, which test_dashboards and test_analytics check on both databases"
)

LABEL = re.compile(r'<text[^>]*transform="translate\(([^)]*)\)([^"]*)"[^>]*>([^<]*)<')
QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
CHAR_WIDTH = 5.5  # px per character at Vega's default 10 px label font, a safe lower bound


def svg_labels(svg: str) -> list[tuple[float, float, bool, str]]:
    """(x, y, rotated, text) of every text in the SVG."""
    out = []
    for position, rest, text in LABEL.findall(svg):
        x, y = (float(v) for v in re.split(r"[ ,]+", position.strip()))
        out.append((x, y, "rotate" in rest and "rotate(0)" not in rest, text))
    return out


def assert_readable(svg: str, names: list[str]) -> None:
    texts = svg_labels(svg)
    assert not [t for *_, t in texts if "…" in t], "a label is cut short"
    shown = {t for *_, t in texts}
    assert set(names) <= shown, f"missing: {set(names) - shown}"
    quarters = sorted((x, rotated, t) for x, _, rotated, t in texts if QUARTER.match(t))
    assert quarters
    for (x1, rotated, text), (x2, _, _) in zip(quarters, quarters[1:], strict=False):
        if not rotated:
            assert x2 - x1 >= CHAR_WIDTH * len(text), f"{text} overlaps the next quarter"


@pytest.mark.parametrize("kind", ["theme", "competency"])
def test_the_trend_download_has_every_quarter_and_full_names(demo_ctx, kind):
    trend = analytics.item_trend(demo_ctx, "demo", kind)
    chart = charts.trend_with_plan(
        trend,
        targets.unit_targets(demo_ctx, "demo", kind),
        actions.chart_frame(demo_ctx, "demo"),
        lang="nb",
        title="Trend",
    )
    assert_readable(exports.chart_svg(charts.readable(chart)), list(trend["item"].unique()))


def test_the_comparison_download_has_every_quarter(demo_ctx):
    frame = analytics.compare(demo_ctx, "demo-bruker-01", "user")
    chart = charts.compare(frame, lang="nb", title="Sammenligning")
    assert_readable(exports.chart_svg(charts.readable(chart)), list(frame["group"].unique()))


@pytest.mark.parametrize("kind", ["theme", "competency"])
def test_the_heatmap_names_all_seven_items_in_full(demo_ctx, kind):
    last = analytics.latest_periods(demo_ctx, "demo")[0]
    cells = analytics.heatmap(demo_ctx, "demo", last, kind).assign(unit_label=lambda f: f["unit"])
    chart = charts.heatmap(cells, lang="en", title="Heatmap")
    svg = exports.chart_svg(charts.readable(chart))
    names = list(cells["item"].unique())
    assert len(names) == 7
    texts = {text for *_, text in svg_labels(svg)}
    assert set(names) <= texts and not [t for t in texts if "…" in t]
