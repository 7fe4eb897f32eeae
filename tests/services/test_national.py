"""The national-scale demo, generated inside DuckDB, at a reduced size that suits CI.
The full size (about 2,000 units and 3 M answers) is exercised by benchmarks/dashboard_bench.py."""

from __future__ import annotations

from datetime import date

import pytest
from apphelpers import open_app

from dtmaturity.services import analytics, demo
from dtmaturity.store import queries

SMALL = demo.NationalShape(divisions=3, departments=3, sections=4, leaders=5, quarters=6)


@pytest.fixture
def national_ctx(ctx):
    demo.create_national(ctx, shape=SMALL, today=date(2026, 11, 26))
    return ctx


def test_the_national_demo_is_a_four_level_tree_of_the_requested_size(national_ctx):
    with national_ctx.store.reader() as cur:
        tree = queries.units(cur)
        members = cur.execute("SELECT count(*) FROM unit_member").fetchone()[0]
        periods = cur.execute("SELECT min(period), max(period) FROM checkin").fetchone()
        answers = cur.execute("SELECT count(*) FROM answer").fetchone()[0]
    assert len(tree) == SMALL.units == 1 + 3 + 9 + 36
    assert sorted({depth for _, _, _, depth, _ in tree}) == [0, 1, 2, 3]
    assert members == SMALL.units * SMALL.leaders
    assert periods == ("2025-Q2", "2026-Q3")
    full = SMALL.units * SMALL.leaders * SMALL.quarters * len(national_ctx.framework.items)
    assert 0.9 * full <= answers < full  # a few leaders skip a quarter


def test_the_default_shape_is_national_scale():
    assert 1900 <= demo.NATIONAL.units <= 2100 and demo.NATIONAL.quarters == 20


def test_the_national_demo_is_deterministic_and_replaces_the_small_demo(ctx):
    demo.create(ctx)
    demo.create_national(ctx, shape=SMALL, today=date(2026, 11, 26))
    with ctx.store.reader() as cur:
        first = cur.execute("SELECT sum(hash(unit_id, respondent, item_id, score)) FROM answer")
        first = first.fetchone()
        assert cur.execute("SELECT count(*) FROM unit WHERE unit_id LIKE 'demo%'").fetchone() == (
            0,
        )
    demo.create_national(ctx, shape=SMALL, today=date(2026, 11, 26))
    with ctx.store.reader() as cur:
        again = cur.execute("SELECT sum(hash(unit_id, respondent, item_id, score)) FROM answer")
        assert again.fetchone() == first
    assert demo.remove(ctx) == SMALL.units


def test_national_figures_match_the_answers(national_ctx):
    period = analytics.latest_periods(national_ctx, "nat")[0]
    cells = analytics.heatmap(national_ctx, "nat", period, "competency")
    with national_ctx.store.reader() as cur:
        expected = dict(
            ((unit, item), (mean, n))
            for unit, item, mean, n in cur.execute(
                "SELECT substr(unit_id, 1, 6), item_id, avg(score), count(*) FROM answer "
                "WHERE period = ? AND unit_id <> 'nat' GROUP BY substr(unit_id, 1, 6), item_id",
                [period],
            ).fetchall()
        )
    for row in cells[~cells["is_total"]].itertuples():
        mean, n = expected[(row.row_id, row.item_id)]
        assert row.n == n and row.mean == pytest.approx(mean)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/unit.py"])
def test_dashboards_render_on_national_data(national_ctx, page):
    at = open_app().switch_page(page).run()
    assert not at.exception and not at.error
    at.selectbox(key="ov_node" if "overview" in page else "unit_id").set_value("nat-02-03").run()
    assert not at.exception and not at.error
