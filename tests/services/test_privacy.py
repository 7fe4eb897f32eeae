"""Privacy thresholds: small groups, free text and differencing, decided in the service layer."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from apphelpers import each_tab, open_app, open_tab, texts
from orgbuilder import PERIOD, add_checkins, add_units
from privacyattack import disclosed

from dtmaturity.domain import privacy
from dtmaturity.services import analytics


def cell(frame: pd.DataFrame, row_id: str, item_id: str = "user") -> pd.Series:
    return frame[(frame["row_id"] == row_id) & (frame["item_id"] == item_id)].iloc[0]


@pytest.fixture
def family_org(ctx):
    """P with children A (5 leaders), B (4) and C (2); nobody checks in at P itself."""
    add_units(ctx, [("p", None), ("a", "p"), ("b", "p"), ("c", "p")])
    add_checkins(ctx, "a", 5, score=4)
    add_checkins(ctx, "b", 4, score=2)
    add_checkins(ctx, "c", 2, score=5)
    return ctx


def test_a_figure_from_fewer_than_k_answers_is_hidden_unless_all_are_your_own():
    assert not privacy.visible(2, 0, 0, 3)
    assert privacy.visible(3, 0, 0, 3)
    assert privacy.visible(1, 1, 1, 3)  # only your own answer
    assert not privacy.visible(2, 1, 1, 3)  # yours and one other person's


def test_a_group_below_k_is_hidden_with_its_n_but_no_mean(family_org):
    cells = analytics.heatmap(family_org, "p", PERIOD, "theme")
    small = cell(cells, "c")
    assert small["hidden"] and pd.isna(small["mean"]) and small["n"] == 2
    assert cell(cells, "a")["mean"] == 4.0


def test_a_sibling_that_would_reveal_the_hidden_group_by_subtraction_is_hidden_too(family_org):
    cells = analytics.heatmap(family_org, "p", PERIOD, "theme")
    # P's total (11 answers) minus A and B would give C's mean; B, the smaller one, is hidden.
    assert not cell(cells, "p")["hidden"]
    assert cell(cells, "b")["hidden"] and pd.isna(cell(cells, "b")["mean"])
    assert not cell(cells, "a")["hidden"]


def test_the_unit_page_hides_what_the_overview_hides(family_org):
    trend = analytics.item_trend(family_org, "b", "theme")
    assert trend["hidden"].all() and trend["mean"].isna().all()
    assert not analytics.item_trend(family_org, "a", "theme")["hidden"].any()


def test_answers_given_at_the_parent_itself_count_as_a_group_to_protect(ctx):
    add_units(ctx, [("p", None), ("a", "p"), ("b", "p")])
    add_checkins(ctx, "p", 1, score=1)  # the director alone
    add_checkins(ctx, "a", 5)
    add_checkins(ctx, "b", 4)
    cells = analytics.heatmap(ctx, "p", PERIOD, "theme")
    assert cell(cells, "b")["hidden"] and not cell(cells, "a")["hidden"]
    assert not cell(cells, "p")["hidden"]


def test_your_own_single_answer_is_shown_but_not_with_one_other_persons(ctx):
    add_units(ctx, [("solo", None)])
    add_checkins(ctx, "solo", 1, score=5, respondents=[ctx.actor.user_id])
    trend = analytics.item_trend(ctx, "solo", "theme")
    assert not trend["hidden"].any() and (trend["mean"] == 5.0).all()
    add_checkins(ctx, "solo", 1, score=1, respondents=["other@etat.example"])
    assert analytics.item_trend(ctx, "solo", "theme")["hidden"].all()


def test_k_is_configurable(family_org, monkeypatch):
    monkeypatch.setenv("DTMATURITY_MIN_RESPONDENTS", "5")
    cells = analytics.heatmap(family_org, "p", PERIOD, "theme")
    assert cell(cells, "b")["hidden"] and cell(cells, "c")["hidden"]
    assert not cell(cells, "a")["hidden"]
    monkeypatch.setenv("DTMATURITY_MIN_RESPONDENTS", "1")
    cells = analytics.heatmap(family_org, "p", PERIOD, "theme")
    assert not cells["hidden"].any()


def test_a_bad_threshold_setting_says_which_setting_and_why(monkeypatch):
    monkeypatch.setenv("DTMATURITY_MIN_RESPONDENTS", "tre")
    with pytest.raises(privacy.PrivacySettingError, match="DTMATURITY_MIN_RESPONDENTS.*'tre'"):
        privacy.thresholds()


def test_comparing_with_the_parent_never_reveals_the_rest_of_the_parent(ctx):
    add_units(ctx, [("org", None), ("p", "org"), ("u", "p"), ("v", "p"), ("w", "org")])
    add_checkins(ctx, "u", 4)
    add_checkins(ctx, "v", 1, score=1)  # the parent minus the unit would be this one person
    add_checkins(ctx, "w", 9)
    frame = analytics.compare(ctx, "u", "user")
    by_role = {row.role: row for row in frame.itertuples()}
    assert not by_role["parent"].hidden and by_role["parent"].n == 5
    assert by_role["unit"].hidden and pd.isna(by_role["unit"].mean)
    assert not by_role["organisation"].hidden


def test_roles_of_a_group_below_k_are_not_shown(ctx):
    add_units(ctx, [("small", None)])
    add_checkins(ctx, "small", 2, roles=(("most", "visionary"),))
    assert analytics.role_distribution(ctx, "small", PERIOD).empty
    assert analytics.roles_hidden(ctx, "small", PERIOD)
    add_checkins(ctx, "small", 1, roles=(("most", "visionary"),), respondents=["third@x"])
    assert not analytics.roles_hidden(ctx, "small", PERIOD)
    assert analytics.role_distribution(ctx, "small", PERIOD)["count"].tolist() == [3]


def test_reflections_need_their_own_larger_group(ctx, monkeypatch):
    add_units(ctx, [("r", None)])
    add_checkins(ctx, "r", 4, reflection="Vi må dele mer data.")
    view = analytics.reflection_view(ctx, "r")
    assert view.rows.empty
    assert view.hidden.to_dict("records") == [{"period": PERIOD, "matching": 4, "reason": "few"}]
    monkeypatch.setenv("DTMATURITY_MIN_REFLECTIONS", "4")
    assert len(analytics.reflection_view(ctx, "r").rows) == 4
    monkeypatch.delenv("DTMATURITY_MIN_REFLECTIONS")
    add_checkins(ctx, "r", 1, reflection="Vi må dele mer data.", respondents=["fifth@x"])
    assert len(analytics.reflection_view(ctx, "r").rows) == 5


def test_unit_page_marks_hidden_reflections_as_too_few_answers(db_path, ctx):
    add_units(ctx, [("r", None)])
    add_checkins(ctx, "r", 3, reflection="Hemmelig innsikt fra en liten gruppe.")
    at = open_tab(open_app().switch_page("pages/unit.py").run(), "Refleksjoner")
    assert not at.exception
    page = "\n".join(texts(section) for section in each_tab(at))
    assert "3 svar – for få svar til å vises" in texts(open_tab(at, "Refleksjoner"))
    assert "Hemmelig innsikt" not in page


def random_org(ctx, rng: random.Random, root: str) -> list[tuple[str, str | None]]:
    """A three-level tree whose units have 0-6 leaders each, the viewer among them sometimes."""
    units: list[tuple[str, str | None]] = [(root, None)]
    for i in range(rng.randint(2, 4)):
        child = f"{root}-{i}"
        units.append((child, root))
        units.extend((f"{child}-{j}", child) for j in range(rng.randint(0, 3)))
    add_units(ctx, units)
    for unit, _ in units:
        people = [f"{unit}-leader{i}@x" for i in range(rng.choice([0, 0, 1, 1, 2, 3, 4, 6]))]
        if people and rng.random() < 0.25:
            people[0] = ctx.actor.user_id
        if people:
            add_checkins(ctx, unit, len(people), score=rng.randint(1, 5), respondents=people)
    return units


def answers_below(ctx, unit_id: str, *, only_here: bool = False) -> tuple[int, int, int]:
    """(answers, known to the viewer, the viewer's) to one item for a unit's subtree, or the
    unit alone (the viewer imports nothing here: what they know is what they gave)."""
    pattern = "\x00" if only_here else unit_id + "-%"
    with ctx.store.reader() as cur:
        return cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE respondent = $me), "
            "count(*) FILTER (WHERE respondent = $me) FROM answer "
            "WHERE (unit_id = $u OR unit_id LIKE $p) AND item_id = 'user' AND period = $q",
            {"me": ctx.actor.user_id, "u": unit_id, "p": pattern, "q": PERIOD},
        ).fetchone()


def test_the_dashboards_hide_exactly_what_the_rule_hides_on_random_organisations(ctx):
    """The counts are aggregated in DuckDB and the rule applied by the services; here every page's
    cells are checked against privacy.py's plain-Python rule fed with counts taken straight
    from the answers, and an attacker who sees all of them finds no small group."""
    k = privacy.thresholds().min_respondents
    rng = random.Random(4)
    reasons: set[str] = set()
    own_only = 0
    for tree in range(8):
        units = random_org(ctx, rng, f"r{tree}")
        parents = dict(units)
        groups = {u: answers_below(ctx, u, only_here=True) for u, _ in units}
        groups = {u: c for u, c in groups.items() if c[0] > 0}
        expected = privacy.hide(parents, groups, k)
        reasons |= set(expected.values())
        seen: dict[tuple[str, bool], str | None] = {}
        for unit, _ in units:
            trend = analytics.item_trend(ctx, unit, "theme")
            user = trend[trend["item_id"] == "user"]
            n, mine, _ = answers_below(ctx, unit)
            if n == 0:
                assert user.empty
                continue
            assert int(user["n"].iloc[0]) == n
            assert pd.isna(user["mean"].iloc[0]) == bool(user["hidden"].iloc[0])
            seen[(unit, True)] = user["reason"].iloc[0] if user["hidden"].iloc[0] else None
            own_only += n < k and not user["hidden"].iloc[0]
        for parent in {p for p in parents.values() if p}:
            cells = analytics.heatmap(ctx, parent, PERIOD, "theme")
            for row in cells[cells["item_id"] == "user"].itertuples():
                cell = (row.row_id, row.is_total or row.row_id != parent)
                why = row.reason if row.hidden else None
                assert seen.setdefault(cell, why) == why, (parent, cell)  # pages agree
        for unit, _ in units:
            leaf = unit not in parents.values()
            for below in (True, False) if not leaf else (True,):
                cell = (unit, below)
                if cell in seen:
                    assert seen[cell] == expected.get(cell), cell
        assert disclosed(parents, groups, expected, k) == []
    # Every rule was put to work: too few, complements, and "only your own answers".
    assert reasons == {privacy.FEW, privacy.PROTECT} and own_only > 0
