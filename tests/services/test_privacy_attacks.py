"""Each differencing attack from issue 10, tried through the services as a manager or coordinator
would through the pages: none recovers an individual."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from orgbuilder import PERIOD, PREVIOUS, TEST_AUDIT, add_checkins, add_units
from privacyattack import disclosed

from dtmaturity.domain import privacy
from dtmaturity.domain.access import Grant
from dtmaturity.services import analytics, imports, targets
from dtmaturity.services.context import Actor
from dtmaturity.store import people as people_sql
from dtmaturity.store import plans


def user_cell(frame: pd.DataFrame, row_id: str, *, total: bool = False) -> pd.Series:
    rows = frame[(frame["row_id"] == row_id) & (frame["item_id"] == "user")]
    return rows[rows["is_total"] == total].iloc[0]


def shown_cells(ctx, parents: dict, groups: dict) -> dict:
    """Every cell of the 'user' item as the pages show it: the unit page of every unit and the
    overview of every parent. Returns the hidden cells (unit, below) -> reason."""
    hidden = {}
    for unit in parents:
        trend = analytics.item_trend(ctx, unit, "theme")
        row = trend[(trend["item_id"] == "user") & (trend["period"] == PERIOD)]
        if not row.empty and row["hidden"].iloc[0]:
            hidden[(unit, True)] = row["reason"].iloc[0]
            if unit not in parents.values():
                hidden[(unit, False)] = row["reason"].iloc[0]
    for parent in set(parents.values()) - {None}:
        cells = analytics.heatmap(ctx, parent, PERIOD, "theme")
        for row in cells[cells["item_id"] == "user"].itertuples():
            if row.hidden:
                hidden[(row.row_id, bool(row.is_total or row.row_id != parent))] = row.reason
        # No page shows the scores of a parent's own leaders on their own.
        hidden.setdefault((parent, False), "not on any page")
    return hidden


def test_two_levels_of_the_tree_do_not_give_a_lone_leader_away(ctx):
    # R has P (sections A and C, five leaders each) and Q (one leader). Hiding only Q and, as
    # its complement, P leaves P = A + C on P's own overview, so R - A - C would be Q.
    parents = {"r": None, "p": "r", "q": "r", "a": "p", "c": "p"}
    add_units(ctx, list(parents.items()))
    add_checkins(ctx, "a", 5, score=4)
    add_checkins(ctx, "c", 5, score=2)
    add_checkins(ctx, "q", 1, score=5)
    root = analytics.heatmap(ctx, "r", PERIOD, "theme")
    below_p = analytics.heatmap(ctx, "p", PERIOD, "theme")
    assert user_cell(root, "q")["reason"] == privacy.FEW
    shown = [
        not user_cell(root, "r", total=True)["hidden"],
        not user_cell(below_p, "a")["hidden"],
        not user_cell(below_p, "c")["hidden"],
    ]
    assert not all(shown)  # R, A and C are never all shown: R - A - C would be Q
    groups = {"a": (5, 0), "c": (5, 0), "q": (1, 0)}
    assert disclosed(parents, groups, shown_cells(ctx, parents, groups)) == []


def test_a_division_is_not_hidden_for_its_parents_small_own_group_when_that_protects_nothing(ctx):
    # P's own leaders are 2; its division D (17 leaders in three sections) is the sum of the
    # sections, so hiding D alone would protect nothing. Its biggest sibling stays shown.
    parents = {"p": None, "d": "p", "s1": "d", "s2": "d", "s3": "d", "x": "p"}
    add_units(ctx, list(parents.items()))
    add_checkins(ctx, "p", 2, score=1)
    add_checkins(ctx, "s1", 5)
    add_checkins(ctx, "s2", 6)
    add_checkins(ctx, "s3", 6)
    add_checkins(ctx, "x", 30)
    cells = analytics.heatmap(ctx, "p", PERIOD, "theme")
    assert not user_cell(cells, "x")["hidden"]
    assert not user_cell(cells, "p", total=True)["hidden"]
    assert user_cell(cells, "d")["reason"] == privacy.PROTECT
    groups = {"p": (2, 0), "s1": (5, 0), "s2": (6, 0), "s3": (6, 0), "x": (30, 0)}
    assert disclosed(parents, groups, shown_cells(ctx, parents, groups)) == []


def test_role_picks_with_and_without_units_below_do_not_give_a_child_units_lone_leader(ctx):
    add_units(ctx, [("p", None), ("c", "p")])
    add_checkins(ctx, "p", 3, roles=(("most", "visionary"),))
    add_checkins(ctx, "c", 1, roles=(("most", "coach"),))  # the lone leader below
    with_below = analytics.role_distribution(ctx, "p", PERIOD, include_below=True)
    without = analytics.role_distribution(ctx, "p", PERIOD, include_below=False)
    assert with_below.empty or without.empty  # never both: their difference is the lone leader
    hidden = [
        analytics.roles_hidden_reason(ctx, "p", PERIOD, include_below=below)
        for below in (True, False)
    ]
    assert privacy.PROTECT in hidden
    assert analytics.roles_hidden_reason(ctx, "c", PERIOD) == privacy.FEW


def test_reflections_of_a_parent_minus_a_child_do_not_leave_one_persons_text(ctx):
    add_units(ctx, [("p", None), ("c", "p")])
    add_checkins(ctx, "p", 1, reflection="Sjefen alene skrev dette.")
    add_checkins(ctx, "c", 5, reflection="Vi deler data.")
    parent = analytics.reflection_view(ctx, "p")
    child = analytics.reflection_view(ctx, "c")
    assert parent.rows.empty or child.rows.empty
    assert set(parent.hidden["reason"]) | set(child.hidden["reason"]) == {privacy.PROTECT}


def as_viewer(ctx, user_id: str, *grants: Grant):
    """The same store seen by another signed-in person with these grants."""
    actor = Actor(user_id=user_id, display_name=user_id, grants=grants, local_mode=False)
    return dataclasses.replace(ctx, actor=actor)


def import_two_made_up_respondents(ctx, tmp_path) -> None:
    """Unit x, and the acting coordinator's import of two made-up respondents to it, who each
    answer one item (and so have a check-in): what would lift a lone leader's group over k."""
    add_units(ctx, [("x", None)])
    path = tmp_path / "fake.csv"
    path.write_text(
        "unit_id,period,respondent,item_id,score\n"
        f"x,{PERIOD},fake1@etat.example,user,5\n"
        f"x,{PERIOD},fake2@etat.example,user,5\n",
        encoding="utf-8",
    )
    assert imports.run(ctx, path).written


def test_imported_respondents_count_for_everyone_but_the_person_who_imported_them(ctx, tmp_path):
    # A coordinator imports two made-up respondents to lift a lone leader's group over k.
    import_two_made_up_respondents(ctx, tmp_path)
    add_checkins(ctx, "x", 1, score=1, respondents=["alone@etat.example"])
    # For the coordinator, who knows the two rows, the real leader's answer stays alone:
    # hidden, registered or not.
    user = analytics.item_trend(ctx, "x", "theme").query("item_id == 'user'").iloc[0]
    assert user["n"] == 3 and user["hidden"] and pd.isna(user["mean"])
    ctx.store.write(
        lambda cur: [
            people_sql.add_grant(cur, p, "leader", "x")
            for p in ("fake1@etat.example", "fake2@etat.example")
        ],
        audit=TEST_AUDIT,
    )
    user = analytics.item_trend(ctx, "x", "theme").query("item_id == 'user'").iloc[0]
    assert user["hidden"]
    # A manager who imported nothing counts every respondent behind the figure.
    manager = as_viewer(ctx, "boss@etat.example", Grant("manager", "x"))
    user = analytics.item_trend(manager, "x", "theme").query("item_id == 'user'").iloc[0]
    assert not user["hidden"] and user["mean"] == pytest.approx((1 + 5 + 5) / 3)


def test_imported_check_ins_count_towards_the_role_group_for_everyone_but_the_importer(
    ctx, tmp_path
):
    """The check-in group (role picks, reflections) follows the same rule as the scores: the
    check-ins of rows a person imported are known to that person, so they never lift the
    group over k for them."""
    import_two_made_up_respondents(ctx, tmp_path)
    add_checkins(ctx, "x", 1, roles=(("most", "visionary"),), respondents=["alone@etat.example"])
    # For the coordinator, who knows the two imported check-ins, the lone leader's roles hide.
    assert analytics.roles_hidden(ctx, "x", PERIOD)
    assert analytics.role_distribution(ctx, "x", PERIOD).empty
    # A manager who imported nothing counts all three check-ins.
    manager = as_viewer(ctx, "boss@etat.example", Grant("manager", "x"))
    assert not analytics.roles_hidden(manager, "x", PERIOD)
    shown = analytics.role_distribution(manager, "x", PERIOD)
    assert shown[["role_id", "count", "n"]].values.tolist() == [["visionary", 1, 3]]


def test_single_imported_leaders_are_hidden_from_a_manager_and_their_sum_is_shown(ctx, tmp_path):
    """Issue 22: three departments with one imported, unregistered leader each. The manager
    of the top unit sees no department's figure, and the top unit's three answers."""
    add_units(ctx, [("top", None), ("d1", "top"), ("d2", "top"), ("d3", "top")])
    path = tmp_path / "forms.csv"
    path.write_text(
        "unit_id,period,respondent,item_id,score\n"
        + "".join(
            f"{unit},{PERIOD},{unit}.leader@etat.example,user,{score}\n"
            for unit, score in (("d1", 5), ("d2", 1), ("d3", 3))
        ),
        encoding="utf-8",
    )
    assert imports.run(ctx, path).written
    manager = as_viewer(ctx, "boss@etat.example", Grant("manager", "top"))
    cells = analytics.heatmap(manager, "top", PERIOD, "theme")
    for unit in ("d1", "d2", "d3"):
        row = user_cell(cells, unit)
        assert row["hidden"] and pd.isna(row["mean"]) and row["n"] == 1
    for unit in ("d1", "d2", "d3"):
        trend = analytics.item_trend(manager, unit, "theme")
        assert trend["hidden"].all() and trend["mean"].isna().all()
    top = analytics.item_trend(manager, "top", "theme").query("item_id == 'user'").iloc[0]
    assert not top["hidden"] and top["n"] == 3 and top["mean"] == pytest.approx(3.0)


def test_a_search_does_not_probe_what_a_hidden_group_wrote(ctx):
    add_units(ctx, [("r", None)])
    add_checkins(ctx, "r", 1, reflection="Jeg vurderer å slutte.")
    add_checkins(ctx, "r", 2, reflection="Vi deler data.", respondents=["x@e", "y@e"])
    probes = [analytics.reflection_view(ctx, "r", search=word) for word in ("", "slutte", "zzz")]
    assert all(view.rows.empty for view in probes)
    assert [view.hidden.to_dict("records") for view in probes] == [
        [{"period": PERIOD, "matching": 3, "reason": privacy.FEW}]
    ] * 3


def test_targets_are_hidden_by_the_same_rule_as_scores(ctx):
    add_units(ctx, [("p", None), ("a", "p"), ("b", "p")])
    people = {"a": add_checkins(ctx, "a", 5), "b": add_checkins(ctx, "b", 1)}

    def set_targets(cur) -> None:
        for unit, respondents in people.items():
            for person in respondents:
                plans.save_targets(cur, (unit, PERIOD, person), "2027-Q2", [("user", 4, 5)])

    ctx.store.write(set_targets, audit=TEST_AUDIT)
    reasons = {
        unit: targets.unit_targets(ctx, unit, "theme")["reason"].iloc[0] for unit in ("a", "b")
    }
    assert reasons == {"a": privacy.PROTECT, "b": privacy.FEW}
    whole = targets.unit_targets(ctx, "p", "theme").iloc[0]
    assert not whole["hidden"] and whole["target"] == 4.0 and whole["n"] == 6


def test_a_leader_moved_between_units_across_quarters_is_not_recovered(ctx):
    """A leader answers for A one quarter and for B the next: each quarter's figures, read by
    a manager of the whole tree, give no group of fewer than k away, in either quarter."""
    add_units(ctx, [("p", None), ("a", "p"), ("b", "p")])
    mover = "mover@etat.example"
    add_checkins(ctx, "a", 3, period=PREVIOUS)
    add_checkins(ctx, "a", 1, period=PREVIOUS, score=5, respondents=[mover])
    add_checkins(ctx, "b", 3, period=PREVIOUS)
    add_checkins(ctx, "a", 3, period=PERIOD)
    add_checkins(ctx, "b", 2, period=PERIOD)
    add_checkins(ctx, "b", 1, period=PERIOD, score=5, respondents=[mover])
    manager = as_viewer(ctx, "boss@etat.example", Grant("manager", "p"))
    parents = {"p": None, "a": "p", "b": "p"}
    for period, groups in (
        (PREVIOUS, {"a": (4, 0), "b": (3, 0)}),
        (PERIOD, {"a": (3, 0), "b": (3, 0)}),
    ):
        hidden = {}
        for unit in parents:
            trend = analytics.item_trend(manager, unit, "theme")
            row = trend[(trend["period"] == period) & (trend["item_id"] == "user")]
            if not row.empty and row["hidden"].iloc[0]:
                hidden[(unit, True)] = hidden[(unit, False)] = row["reason"].iloc[0]
        hidden.setdefault(("p", False), "not on any page")
        assert disclosed(parents, groups, hidden) == [], period
