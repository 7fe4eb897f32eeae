"""Overview and unit-page figures agree with an independent SQL computation on the demo."""

from __future__ import annotations

import pandas as pd
import pytest

from dtmaturity.services import analytics, demo
from dtmaturity.store import AuditEntry, queries

TEST_AUDIT = AuditEntry("test", "test.setup")

DIVISIONS = ["demo-bruker", "demo-teknologi", "demo-forvaltning"]


def independent(ctx, sql: str, params: list) -> list[tuple]:
    with ctx.store.reader() as cur:
        return cur.execute(sql, params).fetchall()


def subtree_mean(ctx, unit_id: str, item_id: str, period: str) -> tuple[float, int]:
    """Mean and number of answers over a demo unit and the units whose id starts with it."""
    return independent(
        ctx,
        "SELECT avg(score), count(score) FROM answer "
        "WHERE (unit_id = ? OR unit_id LIKE ? || '-%') AND item_id = ? AND period = ?",
        [unit_id, unit_id, item_id, period],
    )[0]


@pytest.fixture
def latest(demo_ctx) -> str:
    return analytics.latest_periods(demo_ctx, "demo")[0]


def test_heatmap_cells_are_subtree_means_with_their_n(demo_ctx, latest):
    cells = analytics.heatmap(demo_ctx, "demo", latest, "theme")
    assert set(cells["row_id"]) == {"demo", *DIVISIONS}
    assert len(cells) == 4 * len(demo_ctx.framework.themes)
    for row in cells.itertuples():
        mean, n = subtree_mean(demo_ctx, row.row_id, row.item_id, latest)
        assert row.n == n
        if not row.hidden:
            assert row.mean == pytest.approx(mean)
    assert (~cells["hidden"]).sum() >= len(cells) - len(demo_ctx.framework.themes)


def test_competency_switch_gives_competency_cells(demo_ctx, latest):
    cells = analytics.heatmap(demo_ctx, "demo-bruker", latest, "competency")
    assert set(cells["item_id"]) == {c.id for c in demo_ctx.framework.competencies}
    assert set(cells["row_id"]) == {"demo-bruker", *(f"demo-bruker-0{i}" for i in range(1, 6))}


def test_changes_are_differences_of_independent_means(demo_ctx, latest):
    previous, year_ago = analytics.comparison_periods(latest)
    change = analytics.changes(demo_ctx, "demo", latest, "theme")
    checked = 0
    for row in change.itertuples():
        if pd.isna(row.change_previous) or pd.isna(row.change_year):
            continue
        now = subtree_mean(demo_ctx, row.row_id, row.item_id, latest)[0]
        before = subtree_mean(demo_ctx, row.row_id, row.item_id, previous)[0]
        last_year = subtree_mean(demo_ctx, row.row_id, row.item_id, year_ago)[0]
        assert row.change_previous == pytest.approx(now - before)
        assert row.change_year == pytest.approx(now - last_year)
        checked += 1
    assert checked >= len(demo_ctx.framework.themes)


def test_largest_changes_are_sorted_and_leave_out_the_total():
    frame = pd.DataFrame(
        {
            "unit": ["All", "A", "B", "C", "D"],
            "is_total": [True, False, False, False, False],
            "change_year": [0.9, 0.2, -0.5, 0.4, -0.1],
        }
    )
    up, down = analytics.largest_changes(frame, "change_year", count=5)
    assert list(up["unit"]) == ["C", "A"]
    assert list(down["unit"]) == ["B", "D"]


def test_likert_shares_match_counts_and_diverge_around_the_middle(demo_ctx, latest):
    frame = analytics.likert(demo_ctx, "demo-teknologi", latest, "theme")
    counts = dict(
        ((item, score), count)
        for item, score, count in independent(
            demo_ctx,
            "SELECT item_id, score, count(*) FROM answer WHERE unit_id LIKE 'demo-teknologi%' "
            "AND period = ? GROUP BY item_id, score",
            [latest],
        )
    )
    for row in frame.itertuples():
        assert row.count == counts[(row.item_id, row.score)]
        assert row.share == pytest.approx(row.count / row.n)
    for _, item in frame.groupby("item_id"):
        low = (
            item.loc[item["score"] < 3, "share"].sum()
            + item.loc[item["score"] == 3, "share"].sum() / 2
        )
        assert item["start"].min() == pytest.approx(-low)
        assert item["end"].max() == pytest.approx(1 - low)


def test_spread_ranks_the_units_below_by_their_mean(demo_ctx, latest):
    frame = analytics.spread(demo_ctx, "demo", latest, "theme")
    user = frame[frame["item_id"] == "user"].sort_values("rank")
    assert list(user["mean"]) == sorted(user["mean"], reverse=True)
    assert set(user["of"]) == {len(user)}


def test_participation_counts_checkins_against_registered_leaders(demo_ctx, latest):
    first = analytics.latest_periods(demo_ctx, "demo")[3]
    frame = analytics.participation(demo_ctx, "demo", first, latest)
    assert set(frame["period"]) == set(analytics.latest_periods(demo_ctx, "demo")[:4])
    for row in frame.itertuples():
        pattern = [row.row_id, "\x00"] if row.row_id == "demo" else [row.row_id, row.row_id]
        checked = independent(
            demo_ctx,
            "SELECT count(*) FROM checkin WHERE (unit_id = ? OR unit_id LIKE ? || '-%') "
            "AND period = ?",
            [*pattern, row.period],
        )[0][0]
        expected = independent(
            demo_ctx,
            "SELECT count(*) FROM unit_member WHERE unit_id = ? OR unit_id LIKE ? || '-%'",
            pattern,
        )[0][0]
        assert (row.checked_in, row.expected) == (checked, expected)
        assert row.missing == max(expected - checked, 0)
    assert frame["missing"].sum() > 0  # the demo has leaders who skip a quarter


def test_demo_registers_each_units_leaders(demo_ctx):
    rows = independent(
        demo_ctx,
        "SELECT count(*) FROM (SELECT DISTINCT unit_id, respondent FROM checkin) c "
        "LEFT JOIN unit_member m ON m.unit_id = c.unit_id AND m.person_id = c.respondent "
        "WHERE m.person_id IS NULL",
        [],
    )
    assert rows == [(0,)]


def test_role_balance_names_the_roles_nobody_takes_and_those_many_take(demo_ctx, latest):
    unit = "demo-bruker-02"  # five leaders
    balance = analytics.role_balance(demo_ctx, unit, latest, include_below=False)
    picks = dict(
        independent(
            demo_ctx,
            "SELECT role_id, count(*) FROM role_pick WHERE unit_id = ? AND period = ? "
            "AND kind = 'most' GROUP BY role_id",
            [unit, latest],
        )
    )
    n = independent(
        demo_ctx, "SELECT count(*) FROM checkin WHERE unit_id = ? AND period = ?", [unit, latest]
    )[0][0]
    assert len(balance) == len(demo_ctx.framework.roles)
    for row in balance.itertuples():
        assert row.most == picks.get(row.role_id, 0)
        expected = "lacking" if row.most == 0 else ("many" if row.most >= n / 3 else "")
        assert row.status == expected
    assert "lacking" in set(balance["status"])  # each demo unit favours four of nine roles


def test_reflections_filter_by_question_period_and_text(demo_ctx):
    everything = analytics.reflection_view(demo_ctx, "demo")
    assert not everything.rows.empty
    found = analytics.reflection_view(demo_ctx, "demo", search="BROBYGGER")
    assert not found.rows.empty
    assert found.rows["answer"].str.lower().str.contains("brobygger").all()
    question = found.rows["question_id"].iloc[0]
    period = found.rows["period"].iloc[0]
    narrow = analytics.reflection_view(
        demo_ctx, "demo", search="brobygger", question=question, periods=[period]
    )
    assert set(narrow.rows["question_id"]) == {question}
    assert set(narrow.rows["period"]) == {period}
    (count,) = independent(
        demo_ctx,
        "SELECT count(*) FROM reflection WHERE question_id = ? AND period = ? "
        "AND answer ILIKE '%brobygger%'",
        [question, period],
    )[0]
    assert len(narrow.rows) == count


def test_a_search_that_matches_nothing_lists_and_withholds_nothing(demo_ctx):
    periods = analytics.latest_periods(demo_ctx, "demo")
    for chosen in (None, periods[:2], []):
        view = analytics.reflection_view(demo_ctx, "demo", search="ingen-treff-her", periods=chosen)
        assert view.rows.empty and view.hidden.empty and view.matching == 0


def rollup_matches_answers(ctx) -> bool:
    differences = independent(
        ctx,
        """SELECT count(*) FROM (
            SELECT unit_id, period, item_id, count(score) AS n, sum(score) AS total
            FROM answer WHERE score IS NOT NULL GROUP BY unit_id, period, item_id
            EXCEPT ALL
            SELECT unit_id, period, item_id, n, total FROM answer_rollup
        ) AS differences""",
        [],
    )[0][0]
    extra = independent(
        ctx,
        """SELECT count(*) FROM (
            SELECT unit_id, period, item_id, n, total FROM answer_rollup
            EXCEPT ALL
            SELECT unit_id, period, item_id, count(score), sum(score)
            FROM answer WHERE score IS NOT NULL GROUP BY unit_id, period, item_id
        ) AS extra""",
        [],
    )[0][0]
    return differences == 0 and extra == 0


def test_the_rollup_stays_equal_to_the_answers_through_every_write(demo_ctx, framework):
    assert rollup_matches_answers(demo_ctx)
    key = ("demo-bruker-01", analytics.latest_periods(demo_ctx, "demo")[0], "x@etat.example")
    demo_ctx.store.write(
        lambda cur: queries.save_checkin(
            cur,
            key,
            framework_version=framework.version_key,
            answers=[(item.id, 5, item.scale.max, None) for item in framework.items],
            roles=[],
            reflections=[],
        ),
        audit=TEST_AUDIT,
    )
    assert rollup_matches_answers(demo_ctx)
    demo.remove(demo_ctx)
    assert rollup_matches_answers(demo_ctx)
    assert independent(demo_ctx, "SELECT count(*) FROM answer_rollup", []) == [(0,)]


def test_an_older_database_gets_its_rollup_filled_when_migrated(tmp_path):
    from dtmaturity.store import Store

    old = Store(tmp_path / "old.duckdb", migrate=False)
    old.migrate(target=2)
    with old.reader() as cur:
        cur.execute("INSERT INTO unit (unit_id, name) VALUES ('u', 'Enhet')")
        cur.execute(
            "INSERT INTO answer VALUES ('u', '2026-Q1', 'a', 'user', 4, 5, NULL), "
            "('u', '2026-Q1', 'b', 'user', 2, 5, NULL)"
        )
    old.migrate()
    with old.reader() as cur:
        rows = cur.execute(
            "SELECT unit_id, period, item_id, n, total FROM answer_rollup"
        ).fetchall()
    assert rows == [("u", "2026-Q1", "user", 2, 6)]
    old.close()
