"""A released quarter cannot be differenced (issue 22): every path that would change a quarter
after its figures were shown holds the change until a coordinator releases the quarter again,
and neither the held change, a moved unit nor the re-release lets a manager who reads the
pages before and after work out a newcomer's answers.

The attacker is a manager of the subtree who reads every figure open to them (the unit page
of every unit, the overview of every parent, the comparison) before and after: a figure shown
both times whose n moved by fewer than k, or whose n stayed and mean moved (an edit), gives
the changed answers away."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from orgbuilder import PERIOD, TEST_AUDIT, add_checkins, add_units

from dtmaturity.domain import clock
from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import analytics, checkins, imports, release_rule, releases, rounds
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import people as people_sql

NEWCOMER = "new.leader@etat.example"
CURRENT = str(Period.current())


def as_viewer(ctx: Context, user_id: str, *grants: Grant) -> Context:
    actor = Actor(user_id=user_id, display_name=user_id, grants=grants, local_mode=False)
    return dataclasses.replace(ctx, actor=actor)


def org(ctx: Context, period: str = PERIOD) -> None:
    """T > R > {A: 3, B: 3} and T > S > {S1: 4}; the newcomer leads A."""
    add_units(ctx, [("t", None), ("r", "t"), ("s", "t"), ("a", "r"), ("b", "r"), ("s1", "s")])
    add_checkins(ctx, "a", 3, score=2, period=period)
    add_checkins(ctx, "b", 3, score=4, period=period)
    add_checkins(ctx, "s1", 4, score=3, period=period)
    ctx.store.write(
        lambda cur: people_sql.add_grant(cur, NEWCOMER, "leader", "a"), audit=TEST_AUDIT
    )


def figures(viewer: Context, period: str) -> dict[tuple, tuple[int, float]]:
    """Every score figure of the quarter the viewer can read: cell -> (n, mean)."""
    seen: dict[tuple, tuple[int, float]] = {}
    units = ("t", "r", "s", "a", "b", "s1", "c")
    for unit in units:
        try:
            trend = analytics.item_trend(viewer, unit, "theme")
        except PermissionError:
            continue
        for row in trend[(trend["period"] == period) & ~trend["hidden"]].itertuples():
            seen[("unit", unit, row.item_id)] = (int(row.n), float(row.mean))
        try:
            cells = analytics.heatmap(viewer, unit, period, "theme")
        except (PermissionError, KeyError):
            continue
        for row in cells[~cells["hidden"]].itertuples():
            seen[("overview", unit, row.row_id, row.is_total, row.item_id)] = (
                int(row.n),
                float(row.mean),
            )
    return seen


def recovered(before: dict, after: dict, k: int = 3) -> list[tuple]:
    """Figures shown both times that give a change of fewer than k answers away."""
    out = []
    for cell, (n1, m1) in before.items():
        if cell not in after:
            continue
        n2, m2 = after[cell]
        if 0 < abs(n2 - n1) < k or (n1 == n2 and abs(m1 - m2) > 1e-9):
            out.append((cell, (n1, m1), (n2, m2)))
    return out


def late_checkin(ctx: Context, period: str, score: int = 5) -> checkins.SaveResult:
    leader = as_viewer(ctx, NEWCOMER, Grant("leader", "a"))
    checkin = CheckIn(
        unit_id="a",
        period=period,
        respondent=NEWCOMER,
        scores={item.id: score for item in leader.framework.items},
    )
    return checkins.save(leader, checkin)


def manager(ctx: Context) -> Context:
    return as_viewer(ctx, "boss@etat.example", Grant("manager", "t"))


def close_a_round(ctx: Context, period: str) -> None:
    today = clock.today()
    rounds.open_round(ctx, "t", period, today + timedelta(days=14))
    rounds.close_round(ctx, period, "t")


def nothing(ctx: Context, period: str) -> None:
    pass


def reopen(ctx: Context, period: str) -> None:
    rounds.reopen_round(ctx, period, "t")


def close(ctx: Context, period: str) -> None:
    rounds.close_round(ctx, period, "t")


def open_afterwards(ctx: Context, period: str) -> None:
    rounds.open_round(ctx, "t", period, clock.today() + timedelta(days=14))


def shown_in_a_round(ctx: Context) -> str:
    org(ctx, CURRENT)
    close_a_round(ctx, CURRENT)
    return CURRENT


def shown_late_allowed(ctx: Context) -> str:
    release_rule.set_allow_late(ctx, True)
    return shown_in_a_round(ctx)


def shown_ended(ctx: Context) -> str:
    org(ctx)
    return PERIOD


# (how the quarter was shown, what happens before the late check-in, and after it)
VARIANTS = {
    "a late check-in for an ended quarter without a round": (shown_ended, nothing, nothing),
    "a round closed, reopened, one more check-in, closed again": (shown_in_a_round, reopen, close),
    "a round opened afterwards for a quarter already shown": (shown_ended, open_afterwards, close),
    "late check-ins allowed by the setting": (shown_late_allowed, nothing, nothing),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_late_checkin_is_held_and_changes_no_figure(ctx, variant):
    shown, before_it, after_it = VARIANTS[variant]
    period = shown(ctx)
    before = figures(manager(ctx), period)
    assert before  # the quarter is shown
    before_it(ctx, period)
    result = late_checkin(ctx, period)
    assert result.ok and result.held
    after_it(ctx, period)
    assert figures(manager(ctx), period) == before
    # The leader sees their held check-in when they come back to it.
    leader = as_viewer(ctx, NEWCOMER, Grant("leader", "a"))
    form = checkins.load_form(leader, "a", period)
    assert form.current is not None and set(form.current.scores.values()) == {5}


def test_late_imported_answers_are_held_and_change_no_figure(ctx, tmp_path):
    org(ctx)
    before = figures(manager(ctx), PERIOD)
    path = tmp_path / "late.csv"
    path.write_text(
        "unit_id,period,respondent,item_id,score\n"
        + "".join(f"a,{PERIOD},{NEWCOMER},{item.id},5\n" for item in ctx.framework.items),
        encoding="utf-8",
    )
    result = imports.run(ctx, path)
    assert result.written and result.held == len(ctx.framework.items)
    assert "holdes tilbake" in result.summary("nb") or "held back" in result.summary("en")
    assert figures(manager(ctx), PERIOD) == before
    # Undoing the import drops what it held.
    imports.undo(ctx, result.import_id)
    assert releases.pending(ctx) == []


def test_a_re_release_of_one_late_checkin_gives_nobody_away(ctx):
    org(ctx)
    before = figures(manager(ctx), PERIOD)
    assert late_checkin(ctx, PERIOD).held
    [held] = releases.pending(ctx)
    assert (held.unit_id, held.period, held.respondents) == ("a", PERIOD, 1)
    assert releases.rerelease(ctx, "t", PERIOD) == 1
    assert releases.pending(ctx) == []
    after = figures(manager(ctx), PERIOD)
    assert recovered(before, after) == []
    assert any(cell[1] == "s1" for cell in after)  # what did not change is still shown


def test_a_re_release_of_k_late_checkins_shows_them(ctx):
    org(ctx)
    before = figures(manager(ctx), PERIOD)
    for i in range(3):
        person = f"late{i}@etat.example"
        ctx.store.write(
            lambda cur, p=person: people_sql.add_grant(cur, p, "leader", "b"), audit=TEST_AUDIT
        )
        leader = as_viewer(ctx, person, Grant("leader", "b"))
        checkin = CheckIn(
            unit_id="b",
            period=PERIOD,
            respondent=person,
            scores={item.id: 1 for item in leader.framework.items},
        )
        assert checkins.save(leader, checkin).held
    releases.rerelease(ctx, "t", PERIOD)
    after = figures(manager(ctx), PERIOD)
    assert recovered(before, after) == []
    assert after[("unit", "b", "user")][0] == 6  # three more: a group of its own


def test_a_unit_moved_after_release_does_not_give_its_leader_away(ctx, tmp_path):
    """T > R > {A: 3, B: 3, C: 1}; a coordinator moves C under S. The manager of R reads R
    before (n = 7) and after; so do the managers of S and of T."""
    org(ctx)
    add_units(ctx, [("c", "r")])
    add_checkins(ctx, "c", 1, score=5)
    viewers = [
        as_viewer(ctx, f"{unit}.boss@etat.example", Grant("manager", unit)) for unit in "rst"
    ]
    before = [figures(viewer, PERIOD) for viewer in viewers]
    assert before[0][("unit", "r", "user")][0] == 7
    path = tmp_path / "units.csv"
    path.write_text("unit_id,name,parent_id\nc,C,s\n", encoding="utf-8")
    assert imports.run(ctx, path).written
    for viewer, seen in zip(viewers, before, strict=True):
        after = figures(viewer, PERIOD)
        assert recovered(seen, after) == [], viewer.actor.user_id
        assert after  # the figures the move did not change are still shown


def test_a_re_release_publishes_a_late_import_of_several_leaders_that_undo_still_reverts(
    ctx, tmp_path
):
    org(ctx)
    path = tmp_path / "late.csv"
    people = [NEWCOMER, "second.late@etat.example", "third.late@etat.example"]
    path.write_text(
        "unit_id,period,respondent,item_id,score\n"
        + "".join(f"a,{PERIOD},{who},user,5\n" for who in people),
        encoding="utf-8",
    )
    result = imports.run(ctx, path)
    assert result.held == 3
    assert releases.rerelease(ctx, "t", PERIOD) == 3
    assert figures(manager(ctx), PERIOD)[("unit", "a", "user")][0] == 6
    assert imports.undo(ctx, result.import_id)["removed"] == 3
