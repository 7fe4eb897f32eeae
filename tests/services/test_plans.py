"""Targets and actions: saved with the check-in, aggregated with privacy, followed up, imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from orgbuilder import PERIOD, PREVIOUS, add_checkins, add_units

from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, checkins, targets
from dtmaturity.services.context import Context
from dtmaturity.services.imports import actions as import_actions
from dtmaturity.store import AuditEntry, demo
from dtmaturity.store import plans as plan_sql

TEST_AUDIT = AuditEntry("test", "test.setup")

TODAY = date(2026, 5, 15)  # in PERIOD (2026-Q2)
ME = "test.leader@etat.example"


def _members(ctx: Context, unit_id: str, people: list[str]) -> None:
    ctx.store.write(
        lambda cur: cur.executemany(
            "INSERT INTO role_assignment VALUES (?, 'leader', ?)", [(p, unit_id) for p in people]
        ),
        audit=TEST_AUDIT,
    )


def _targets(ctx: Context, unit_id: str, people: list[str], score: int, target_period: str):
    """Each person sets `score` as target on every item in their PERIOD check-in."""
    rows = [(item.id, score, item.scale.max) for item in ctx.framework.items]
    ctx.store.write(
        lambda cur: [
            plan_sql.save_targets(cur, (unit_id, PERIOD, p), target_period, rows) for p in people
        ],
        audit=TEST_AUDIT,
    )


def _full_checkin(ctx: Context, unit_id: str, **extra) -> CheckIn:
    return CheckIn(
        unit_id=unit_id,
        period=PERIOD,
        respondent=ctx.actor.user_id,
        scores={item.id: 3 for item in ctx.framework.items},
        **extra,
    )


def test_targets_are_saved_with_the_checkin_and_shown_when_it_is_opened_again(ctx):
    add_units(ctx, [("a", None)])
    checkin = _full_checkin(ctx, "a", target_period="2027-Q2", targets={"user": 5, "data": 4})
    assert checkins.save(ctx, checkin, today=TODAY).ok
    form = checkins.load_form(ctx, "a", PERIOD)
    assert form.current.target_period == "2027-Q2"
    assert form.current.targets == {"user": 5, "data": 4}
    # Saving again without targets clears them: the check-in is the whole truth.
    assert checkins.save(ctx, _full_checkin(ctx, "a"), today=TODAY).ok
    assert checkins.load_form(ctx, "a", PERIOD).current.targets == {}


def test_a_target_for_a_past_quarter_or_off_the_scale_is_refused_and_nothing_is_stored(ctx):
    add_units(ctx, [("a", None)])
    checkin = _full_checkin(ctx, "a", target_period=PREVIOUS, targets={"user": 9})
    result = checkins.save(ctx, checkin, today=TODAY)
    assert {e.field for e in result.errors} == {"target_period", "target:user"}
    assert checkins.load_form(ctx, "a", PERIOD).current is None


def test_the_gap_is_the_target_mean_minus_the_latest_mean(ctx):
    add_units(ctx, [("a", None)])
    people = add_checkins(ctx, "a", 3, score=3)
    _targets(ctx, "a", people[:2], 5, "2027-Q1")
    _targets(ctx, "a", people[2:], 4, "2027-Q1")
    gaps = targets.gaps(ctx, "a", "theme").set_index("item_id")
    assert gaps.loc["user", "target"] == pytest.approx(14 / 3)
    assert gaps.loc["user", "gap"] == pytest.approx(14 / 3 - 3)
    assert gaps.loc["user", "target_period"] == "2027-Q1"


def test_a_target_mean_from_fewer_than_k_leaders_is_hidden(ctx):
    add_units(ctx, [("a", None)])
    people = add_checkins(ctx, "a", 3, score=3)
    _targets(ctx, "a", people[:2], 5, "2027-Q1")
    frame = targets.unit_targets(ctx, "a", "theme")
    assert frame["hidden"].all() and frame["target"].isna().all()
    assert (frame["n"] == 2).all()  # the count stays visible, as for scores
    assert targets.gaps(ctx, "a", "theme")["gap"].isna().all()


def _independent_gaps(ctx: Context, node: str, period: str, kind_items: list[str]) -> dict:
    """Mean gap per child subtree, straight from the tables (no privacy: every group here is
    large enough), the target being the nearest target quarter at or after `period`."""
    sql = """
    WITH RECURSIVE branch(unit_id, row_id) AS (
        SELECT unit_id, unit_id FROM unit WHERE parent_id = $node
        UNION ALL SELECT u.unit_id, b.row_id FROM unit u JOIN branch b ON u.parent_id = b.unit_id
    ), latest AS (
        SELECT DISTINCT ON (unit_id, respondent, item_id, target_period)
               unit_id, respondent, item_id, target_period, score
        FROM target WHERE period <= $period
        ORDER BY unit_id, respondent, item_id, target_period, period DESC
    ), goals AS (
        SELECT b.row_id, l.item_id, l.target_period, avg(l.score) AS target,
               min(l.target_period) OVER (PARTITION BY b.row_id, l.item_id) AS nearest
        FROM latest l JOIN branch b USING (unit_id)
        WHERE l.target_period >= $period GROUP BY b.row_id, l.item_id, l.target_period
    ), goal AS (
        SELECT * FROM goals WHERE target_period = nearest
    ), actual AS (
        SELECT b.row_id, a.item_id, avg(a.score) AS mean
        FROM answer a JOIN branch b USING (unit_id)
        WHERE a.period = $period AND a.score IS NOT NULL GROUP BY b.row_id, a.item_id
    )
    SELECT g.row_id, avg(g.target - a.mean) AS mean_gap
    FROM goal g JOIN actual a USING (row_id, item_id)
    WHERE g.item_id = ANY($items)
    GROUP BY g.row_id
    """
    with ctx.store.reader() as cur:
        rows = cur.execute(sql, {"node": node, "period": period, "items": kind_items}).fetchall()
    return {row_id: gap for row_id, gap in rows}


def test_the_overview_lists_units_furthest_from_their_targets_as_sql_computes_them(ctx):
    add_units(ctx, [("top", None), ("a", "top"), ("b", "top"), ("b1", "b"), ("c", "top")])
    _targets(ctx, "a", add_checkins(ctx, "a", 3, score=2), 5, "2027-Q1")
    _targets(ctx, "b", add_checkins(ctx, "b", 3, score=4), 5, "2026-Q4")
    # b's subtree: mean 3.5 against a target of 5 (a gap of 1.5); no two gaps are equal, so the
    # order is defined (with a tie, SQL's row order would be a coin toss).
    _targets(ctx, "b1", add_checkins(ctx, "b1", 3, score=3), 5, "2026-Q4")
    # c's leaders set a target for an earlier quarter last time; the nearest one counts (4 for
    # 2026-Q3: a gap of 1; the later target of 5 would make it 2 and put c above b).
    people = add_checkins(ctx, "c", 3, score=3)
    _targets(ctx, "c", people, 5, "2027-Q4")
    rows = [(item.id, 4, 5) for item in ctx.framework.items]
    ctx.store.write(
        lambda cur: [
            cur.executemany(
                "INSERT INTO target VALUES (?, ?, ?, ?, ?, ?, ?)",
                [("c", PREVIOUS, p, item, "2026-Q3", score, top) for item, score, top in rows],
            )
            for p in people
        ],
        audit=TEST_AUDIT,
    )
    themes = [item.id for item in ctx.framework.themes]
    expected = _independent_gaps(ctx, "top", PERIOD, themes)
    listed = targets.furthest(ctx, "top", PERIOD, "theme")
    assert list(listed["row_id"]) == sorted(expected, key=lambda r: -expected[r])
    for row_id, gap in zip(listed["row_id"], listed["mean_gap"], strict=True):
        assert gap == pytest.approx(expected[row_id])
    assert list(listed["row_id"]) == ["a", "b", "c"]
    assert list(listed["mean_gap"]) == pytest.approx([3.0, 1.5, 1.0])


def test_an_action_goes_from_planned_to_done_and_leaves_the_open_list(ctx):
    add_units(ctx, [("a", None)])
    _members(ctx, "a", ["kari@etat.example"])
    draft = ActionDraft(
        "a",
        ["user", "storyteller"],
        "Brukerreiser i «alle» team – nå",
        "kari@etat.example",
        "2026-Q4",
    )
    created = actions.create(ctx, draft, today=TODAY)
    assert created.ok
    [action] = actions.open_for_unit(ctx, "a")
    assert action.items == ["storyteller", "user"] and action.created_period == PERIOD
    assert actions.set_statuses(ctx, "a", {action.action_id: "in_progress"}, period=PERIOD).ok
    assert actions.open_for_unit(ctx, "a")[0].status == "in_progress"
    assert actions.set_statuses(ctx, "a", {action.action_id: "done"}, period="2026-Q3").ok
    assert actions.open_for_unit(ctx, "a") == []
    [done] = actions.for_unit(ctx, "a")
    assert (done.status, done.closed_period) == ("done", "2026-Q3")
    placed = actions.chart_frame(ctx, "a").iloc[0]
    assert (placed["period"], placed["status_id"]) == ("2026-Q3", "done")
    # Reopened, deliberately: it is open again and goes back to its due quarter on the chart.
    assert actions.set_statuses(ctx, "a", {action.action_id: "planned"}, reopen=True).ok
    assert actions.chart_frame(ctx, "a").iloc[0]["period"] == "2026-Q4"


def test_an_action_needs_items_a_description_and_an_owner_of_the_unit(ctx):
    add_units(ctx, [("a", None)])
    result = actions.create(ctx, ActionDraft("a", [], "  ", "stranger@x", "2026-Q4"))
    assert {e.key for e in result.errors} == {
        "error_action_no_items",
        "error_action_no_description",
        "error_action_owner_not_member",
    }
    assert actions.for_unit(ctx, "a") == []
    # The acting user may always own an action of a unit they work with.
    assert actions.create(ctx, ActionDraft("a", ["data"], "Datadeling", ME, "2026-Q4")).ok


def test_a_status_for_another_units_action_is_refused_and_none_are_stored(ctx):
    add_units(ctx, [("a", None), ("b", None)])
    first = actions.create(ctx, ActionDraft("a", ["data"], "A", ME, "2026-Q4")).action_id
    other = actions.create(ctx, ActionDraft("b", ["data"], "B", ME, "2026-Q4")).action_id
    result = actions.set_statuses(ctx, "a", {first: "done", other: "done"})
    assert [e.key for e in result.errors] == ["error_action_unknown"]
    assert {a.status for a in actions.for_unit(ctx, "")} == {"planned"}


def test_actions_export_and_import_round_trip_and_reimport_changes_nothing(ctx, tmp_path):
    add_units(ctx, [("a", None)])
    _members(ctx, "a", ["åse@etat.example"])
    actions.create(
        ctx, ActionDraft("a", ["user"], "Første – «tiltak»", "åse@etat.example", "2026-Q4")
    )
    text, count = actions.export_actions(ctx)
    assert count == 1 and text.splitlines()[0] == ",".join(actions.EXPORT_COLUMNS)
    edited = tmp_path / "tiltak.csv"
    edited.write_text(
        text.replace(",planned,", ",done,")
        + ',a,"Brukerorientering; data",Andre tiltak,åse@etat.example,Q1 2027,,\n',
        encoding="utf-8",
    )
    result = import_actions.import_actions(ctx, edited, today=TODAY)
    assert (result.problems, result.new, result.updated) == ([], 1, 1)
    by_text = {a.description: a for a in actions.for_unit(ctx, "a")}
    assert by_text["Første – «tiltak»"].status == "done"
    assert by_text["Andre tiltak"].items == ["data", "user"]
    assert by_text["Andre tiltak"].due_period == "2027-Q1"
    again = import_actions.import_actions(ctx, edited, today=TODAY)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_a_bad_actions_file_reports_every_problem_by_row_and_column_and_writes_nothing(
    ctx, tmp_path: Path
):
    add_units(ctx, [("a", None)])
    path = tmp_path / "tiltak.csv"
    path.write_bytes(
        "enhet;elementer;beskrivelse;ansvarlig;frist;status\r\n"
        f"a;user;Gyldig;{ME};2026-Q4;planlagt\r\n"
        f"x;ukjent;Noe;{ME};2026-Q9;kanskje\r\n".encode("cp1252")
    )
    result = import_actions.import_actions(ctx, path)
    lines = [p.line(path.name, "en") for p in result.problems]
    assert not result.written
    assert any("row 3" in line and "column “frist”" in line and "2026-Q9" in line for line in lines)
    assert any("row 3" in line and "column “status”" in line for line in lines)
    assert any(
        "row 3" in line and "column “elementer”" in line and "ukjent" in line for line in lines
    )
    assert any("row 3" in line and "column “enhet”" in line for line in lines)
    assert all("row 2" not in line for line in lines)
    assert actions.for_unit(ctx, "") == []


def test_removing_the_demo_also_removes_its_targets_and_actions(demo_ctx):
    ctx = demo_ctx
    unit = "demo-bruker-01"
    actions.create(ctx, ActionDraft(unit, ["data"], "Demo-tiltak", ME, "2026-Q4"))
    _targets(ctx, unit, [ME], 4, "2027-Q1")
    with ctx.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM target").fetchone()[0] > 0
    ctx.store.write(demo.delete_demo, audit=TEST_AUDIT)
    with ctx.store.reader() as cur:
        counts = [cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in ("target", "action", "action_item")]  # fmt: skip
    assert counts == [0, 0, 0]


def test_a_closed_action_is_never_reopened_without_being_asked_to(ctx):
    add_units(ctx, [("a", None)])
    done = actions.create(ctx, ActionDraft("a", ["data"], "A", ME, "2026-Q4", "done")).action_id
    result = actions.set_statuses(ctx, "a", {done: "planned"})
    assert [(e.field, e.key) for e in result.errors] == [(f"status:{done}", "error_action_reopen")]
    [action] = actions.for_unit(ctx, "a")
    assert action.status == "done" and action.closed_period
    assert actions.set_statuses(ctx, "a", {done: "in_progress"}, reopen=True).ok
    assert actions.for_unit(ctx, "a")[0].status == "in_progress"
