"""The demo organisation: shape, history, language, removal."""

from datetime import date

from dtmaturity.services import demo
from dtmaturity.store import queries


def test_demo_has_three_divisions_and_at_least_twelve_units_below(demo_ctx):
    with demo_ctx.store.reader() as cur:
        tree = queries.units(cur)
    divisions = [u for u in tree if u[3] == 1]
    below = [u for u in tree if u[3] == 2]
    assert len(divisions) == 3 and len(below) >= 12
    assert all(u[4] for u in tree)  # every unit is marked as demo


def test_every_unit_has_several_leaders_over_eight_quarters(demo_ctx):
    with demo_ctx.store.reader() as cur:
        rows = cur.execute(
            "SELECT unit_id, count(DISTINCT period), count(DISTINCT respondent) "
            "FROM checkin WHERE is_demo GROUP BY unit_id"
        ).fetchall()
    assert len(rows) == 18
    assert all(periods == 8 and leaders >= 3 for _, periods, leaders in rows)


def test_demo_periods_end_with_the_last_complete_quarter():
    quarters = demo.periods(date(2026, 11, 26))
    assert [str(quarters[0]), str(quarters[-1])] == ["2024-Q4", "2026-Q3"]


def test_demo_is_deterministic(framework):
    first = demo.generate(framework, today=date(2026, 11, 26))
    second = demo.generate(framework, today=date(2026, 11, 26))
    assert first["answers"].equals(second["answers"])


def test_creating_the_demo_twice_replaces_it(demo_ctx):
    before = demo_ctx.store.data_version()
    summary = demo.create(demo_ctx)
    with demo_ctx.store.reader() as cur:
        assert queries.count_rows(cur)["checkin"] == summary.checkins
    assert demo_ctx.store.data_version() == before + 1


def test_every_demo_reflection_answers_the_question_it_stands_under(ctx):
    questions = {q.id for q in ctx.framework.questions}
    assert questions <= set(demo.REFLECTIONS), "a question of the framework has no demo answers"
    data = demo.generate(ctx.framework)
    assert not data["reflections"].empty
    for row in data["reflections"].itertuples():
        assert row.answer in demo.REFLECTIONS[row.question_id], (row.question_id, row.answer)
    # «Hvilke roller mangler i ledergruppen vår?» is answered with a role that is missing
    lacks = data["reflections"][data["reflections"]["question_id"] == "roles_group_lacks"]
    assert set(lacks["answer"]) <= set(demo.REFLECTIONS["roles_group_lacks"])
