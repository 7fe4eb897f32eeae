"""Privacy decided over what each viewer can see (issue 22): on the demo, for a manager of a
division, a leader of a section and an admin, every quarter, item and level is checked
against the rule fed with counts taken straight from the answers, and the attacker who sees
what that viewer sees recovers nobody, while every cell hidden to protect another is needed."""

from __future__ import annotations

import dataclasses

import pytest
from privacyattack import disclosed, unnecessary

from dtmaturity.domain import privacy
from dtmaturity.domain.access import ALL_GRANTS, Grant
from dtmaturity.services import analytics, authz
from dtmaturity.services import privacy as privacy_decisions
from dtmaturity.services.context import Actor, Context

DIVISION, KUNDESENTERET = "demo-bruker", "demo-bruker-01"


def as_viewer(ctx: Context, user_id: str, *grants: Grant) -> Context:
    actor = Actor(user_id=user_id, display_name=user_id, grants=grants, local_mode=False)
    return dataclasses.replace(ctx, actor=actor)


def leaders_of(ctx: Context, unit_id: str) -> list[str]:
    with ctx.store.reader() as cur:
        rows = cur.execute(
            "SELECT person_id FROM unit_member WHERE unit_id = ? ORDER BY person_id", [unit_id]
        ).fetchall()
    return [person for (person,) in rows]


def counts_from_answers(ctx: Context) -> dict[tuple[str, str], dict[str, privacy.Counts]]:
    """Per (quarter, item): the answers at each unit, those the viewer knows and gave (the
    viewer imports nothing here), straight from the answer table."""
    with ctx.store.reader() as cur:
        rows = cur.execute(
            "SELECT period, item_id, unit_id, count(*), "
            "count(*) FILTER (WHERE lower(respondent) = lower($me)) "
            "FROM answer WHERE score IS NOT NULL GROUP BY period, item_id, unit_id",
            {"me": ctx.actor.user_id},
        ).fetchall()
    columns: dict = {}
    for period, item, unit, n, mine in rows:
        columns.setdefault((period, item), {})[unit] = (n, mine, mine)
    return columns


def viewers(demo_ctx: Context) -> list[Context]:
    kunde = leaders_of(demo_ctx, KUNDESENTERET)[0]
    division_leader = leaders_of(demo_ctx, DIVISION)[0]
    return [
        as_viewer(demo_ctx, "division.manager@etat.example", Grant("manager", DIVISION)),
        as_viewer(demo_ctx, kunde, Grant("leader", KUNDESENTERET)),
        as_viewer(demo_ctx, division_leader, Grant("leader", DIVISION), Grant("manager", DIVISION)),
        as_viewer(demo_ctx, "admin@etat.example", *ALL_GRANTS),
    ]


def test_every_demo_figure_follows_the_rule_over_what_its_viewer_sees(demo_ctx):
    parents = authz.parents(demo_ctx)
    k = privacy_decisions.k_respondents()
    protected = 0
    for viewer in viewers(demo_ctx):
        seen = privacy.seen_cells(viewer.actor.grants, parents)
        items = [item.id for item in viewer.framework.items]
        decision = privacy_decisions.scores(viewer, None, items)
        columns = counts_from_answers(viewer)
        assert set(decision) == set(columns)
        for column, groups in columns.items():
            expected = privacy.hide(parents, groups, k, seen)
            assert dict(decision[column]) == expected, (viewer.actor.user_id, column)
            assert disclosed(parents, groups, expected, k, seen) == [], column
            assert unnecessary(parents, groups, expected, k, seen) == [], column
            protected += privacy.PROTECT in expected.values()
    assert protected > 0  # the complement rule was put to work on the demo


def test_the_division_manager_sees_the_division_in_the_latest_finished_quarter(demo_ctx):
    manager = viewers(demo_ctx)[0]
    period = analytics.latest_periods(manager, DIVISION)[0]
    trend = analytics.item_trend(manager, DIVISION, "theme")
    latest = trend[trend["period"] == period]
    assert not latest.empty and not latest["hidden"].any() and latest["mean"].notna().all()
    assert set(trend["period"]) >= set(analytics.latest_periods(manager, DIVISION))
    cells = analytics.heatmap(manager, DIVISION, period, "theme")
    own_row = cells[cells["is_total"]]
    assert not own_row.empty and own_row["mean"].notna().all()


@pytest.mark.parametrize("who", [1, 2])
def test_a_section_of_three_is_shown_to_its_own_leader(demo_ctx, who):
    leader = viewers(demo_ctx)[1]
    if who == 2:  # any of the section's leaders
        leader = as_viewer(
            demo_ctx, leaders_of(demo_ctx, KUNDESENTERET)[-1], Grant("leader", KUNDESENTERET)
        )
    trend = analytics.item_trend(leader, KUNDESENTERET, "theme")
    full = trend[trend["n"] >= privacy_decisions.k_respondents()]
    assert not full.empty and not full["hidden"].any()


def test_the_report_shows_the_division_manager_what_the_page_shows(demo_ctx):
    """Issue 22: the division's report for the latest finished quarter has its scores, and
    every figure in it is the page's figure for the same viewer (shown or hidden alike)."""
    from dtmaturity.domain import formats
    from dtmaturity.services import report

    manager = dataclasses.replace(viewers(demo_ctx)[0], lang="nb")
    period = analytics.latest_periods(manager, DIVISION)[0]
    built = report.build(manager, DIVISION, period)
    [changes] = [s for s in built.sections if period in s.heading and s.tables]
    shown = {row[0]: row[2] for row in changes.tables[0].rows}
    assert shown and all(value and value[0].isdigit() for value in shown.values())
    for kind in ("theme", "competency"):
        trend = analytics.item_trend(manager, DIVISION, kind)
        for row in trend[trend["period"] == period].itertuples():
            assert not row.hidden
            assert shown[row.item] == formats.mean(row.mean, "nb")


def test_the_spread_of_answers_follows_the_viewers_decision(demo_ctx):
    """The 1-5 distributions hide exactly the cells the scores hide, for each viewer."""
    for viewer in viewers(demo_ctx)[0:1] + viewers(demo_ctx)[3:]:
        node = DIVISION
        period = analytics.latest_periods(viewer, node)[0]
        heat = analytics.heatmap(viewer, node, period, "theme")
        spread = analytics.spread(viewer, node, period, "theme")
        hidden_heat = {(r.row_id, r.item_id) for r in heat.itertuples() if r.hidden}
        assert "hidden" in spread.columns
        for row in spread.itertuples():
            if (row.row_id, row.item_id) in hidden_heat:
                assert row.hidden
