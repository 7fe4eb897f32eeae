"""The check-in a leader finishes in five minutes, through AppTest: in steps that each draw
only their own fields, with a quarter offered only when it can be answered, the unit kept,
"same as last time", "do not know", item-specific levels and a roles picker that stops at 3."""

from __future__ import annotations

from datetime import timedelta

import pytest
from apphelpers import open_app, texts
from checkinsteps import fill_scores, go_step, submit

from dtmaturity.domain import clock, formats
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import drafts, rounds
from dtmaturity.store import queries
from dtmaturity.web import checkin_state as cs
from dtmaturity.web.checkin_widgets import NOT_KNOWN, to_widgets

CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())
UNIT = "demo-bruker-03"


@pytest.fixture
def checkin(demo_db):
    at = open_app().switch_page("pages/checkin.py").run()
    at.selectbox(key="ci_unit").set_value(UNIT).run()
    assert not at.exception
    return at


FORM_KINDS = ("score", "comment", "target", "roles", "reflection", "target_period")


def form_keys(at) -> set[str]:
    """The keys of the check-in's own fields drawn now."""
    keys = set()
    for kind in ("radio", "text_area", "selectbox", "multiselect"):
        for widget in at.get(kind):
            key = getattr(widget, "key", None) or ""
            if key.split(":")[0] in FORM_KINDS:
                keys.add(key)
    return keys


def test_each_step_draws_only_its_own_fields_and_together_they_are_the_whole_form(
    checkin, framework
):
    everything = set(to_widgets(framework, None))
    seen: dict[str, set[str]] = {}
    for step in cs.STEPS:
        go_step(checkin, step)
        assert not checkin.exception
        seen[step] = form_keys(checkin)
        assert len(seen[step]) < len(everything) / 2, step
    drawn = set().union(*seen.values())
    # Role-pick questions are answered by the pickers, not as reflections.
    answered_by_picks = {f"reflection:{q}" for q in cs.ROLE_KIND_QUESTIONS.values()}
    assert drawn == everything - answered_by_picks
    assert sum(len(keys) for keys in seen.values()) == len(drawn)  # each field in one step


def test_the_draft_is_kept_between_steps_and_saved_from_the_summary(checkin, framework):
    fill_scores(checkin, framework, 4)
    go_step(checkin, "reflections")
    checkin.text_area(key="reflection:wheel_strongest").input("Brukerinnsikt.").run()
    go_step(checkin, "summary")
    page = texts(checkin)
    assert f"{len(framework.themes)} av {len(framework.themes)} med nivå" in page
    submit(checkin)
    assert f"Egenvurderingen for {formats.quarter(CURRENT, 'nb')} er lagret." in texts(checkin)
    go_step(checkin, "reflections")
    assert checkin.text_area(key="reflection:wheel_strongest").value == "Brukerinnsikt."


def test_a_closed_rounds_quarter_is_not_offered_and_says_why_before_any_typing(demo_ctx):
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=5))
    rounds.close_round(demo_ctx, CURRENT, "demo")
    at = open_app().switch_page("pages/checkin.py").run()
    assert not at.exception
    page = texts(at)
    assert f"{formats.quarter(CURRENT, 'nb')} tas ikke imot: runden ble lukket" in page
    assert "Spør koordinatoren" in page
    offered = at.selectbox(key="ci_period").options if _has(at, "ci_period") else []
    assert formats.quarter(CURRENT, "nb") not in offered  # the options as the page names them
    assert form_keys(at) == set()  # nothing to type into


def _has(at, key: str) -> bool:
    return any(getattr(w, "key", None) == key for w in at.get("selectbox"))


def test_a_link_to_a_released_quarter_says_why_it_is_not_offered(demo_db):
    at = open_app()
    at.query_params["unit"] = UNIT
    at.query_params["period"] = PREVIOUS
    at.switch_page("pages/checkin.py").run()
    assert f"{formats.quarter(PREVIOUS, 'nb')} tas ikke imot: tallene" in texts(at)
    assert at.selectbox(key="ci_period").value == CURRENT


def test_a_save_refused_as_the_round_closed_says_why_in_words_and_keeps_the_draft(
    demo_ctx, framework
):
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=5))
    at = open_app().switch_page("pages/checkin.py").run()
    fill_scores(at, framework, 3)
    go_step(at, "summary")
    rounds.close_round(demo_ctx, CURRENT, "demo")  # while the leader looks over the answers
    at.button(key="submit").click().run()
    assert not at.exception
    page = texts(at)
    assert f"{formats.quarter(CURRENT, 'nb')} tas ikke imot: runden ble lukket" in page
    assert "period" not in page and "lagret." not in page
    unit_id = at.selectbox(key="ci_unit").value
    assert drafts.load(demo_ctx, unit_id, CURRENT) is not None  # what was typed is kept
    with demo_ctx.store.reader() as cur:
        assert queries.load_checkin(cur, (unit_id, CURRENT, demo_ctx.actor.user_id)) is None


def test_the_unit_is_kept_when_leaving_the_page_and_coming_back(checkin):
    checkin.switch_page("pages/unit.py").run()
    checkin.switch_page("pages/checkin.py").run()
    assert checkin.selectbox(key="ci_unit").value == UNIT


def save_last_quarter(ctx, framework, scores: dict) -> None:
    checkin = CheckIn(
        UNIT,
        PREVIOUS,
        ctx.actor.user_id,
        scores={k: v for k, v in scores.items() if v != NOT_KNOWN},
        not_known={k for k, v in scores.items() if v == NOT_KNOWN},
    )
    ctx.write(
        lambda cur: queries.save_checkin(
            cur,
            (UNIT, PREVIOUS, ctx.actor.user_id),
            framework_version=framework.version_key,
            answers=checkin.answer_rows(framework),
            roles=[],
            reflections=[],
            not_known=checkin.not_known_rows(),
        ),
        "test.checkin",
    )


def test_same_as_last_time_copies_one_item_or_a_whole_lens(demo_ctx, framework):
    last = {item.id: 2 for item in framework.items}
    last[framework.themes[1].id] = NOT_KNOWN
    save_last_quarter(demo_ctx, framework, last)
    at = open_app().switch_page("pages/checkin.py").run()
    at.selectbox(key="ci_unit").set_value(UNIT).run()
    first, second = framework.themes[0], framework.themes[1]
    at.button(key=f"same:{first.id}").click().run()
    assert at.radio(key=f"score:{first.id}").value == 2
    assert at.radio(key=f"score:{second.id}").value is None
    at.button(key="same_all:wheel").click().run()
    assert at.radio(key=f"score:{second.id}").value == NOT_KNOWN
    assert all(at.radio(key=f"score:{i.id}").value is not None for i in framework.themes)
    go_step(at, "competencies")
    assert all(at.radio(key=f"score:{i.id}").value is None for i in framework.competencies)
    at.button(key="same_all:competencies").click().run()
    assert all(at.radio(key=f"score:{i.id}").value == 2 for i in framework.competencies)
    submit(at)  # a starting point, saved as this quarter's answers
    assert f"Egenvurderingen for {formats.quarter(CURRENT, 'nb')} er lagret." in texts(at)


def test_do_not_know_is_an_option_of_every_item_and_saves(checkin, framework):
    fill_scores(checkin, framework, NOT_KNOWN)
    submit(checkin)
    assert f"Egenvurderingen for {formats.quarter(CURRENT, 'nb')} er lagret." in texts(checkin)
    again = open_app().switch_page("pages/checkin.py").run()
    again.selectbox(key="ci_unit").set_value(UNIT).run()
    assert again.radio(key=f"score:{framework.themes[0].id}").value == NOT_KNOWN


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_each_item_shows_its_own_level_descriptors(demo_db, framework, lang):
    at = open_app()
    at.radio(key="lang").set_value(lang).run()
    at.switch_page("pages/checkin.py").run()
    for step in ("wheel", "competencies"):
        go_step(at, step)
        for item in cs.lens_items(framework)[step]:
            radio = at.radio(key=f"score:{item.id}")
            captions = [o for o in radio.proto.captions][: len(item.scale.values)]
            own = [item.level_description(v, lang) for v in item.scale.values]
            assert [c.replace("\\", "") for c in captions] == own, item.id
            assert item.levels, item.id  # the item's own words, not the scale's


def test_the_roles_picker_stops_at_three_and_says_why(checkin, framework):
    go_step(checkin, "roles")
    four = [role.id for role in framework.roles[:4]]
    checkin.multiselect(key="roles:most").set_value(four[:3]).run()
    checkin.multiselect(key="roles:most").set_value(four).run()
    assert checkin.multiselect(key="roles:most").value == four[:3]
    assert "Du kan velge inntil 3 roller her." in texts(checkin)
    go_step(checkin, "summary")
    go_step(checkin, "roles")
    assert checkin.multiselect(key="roles:most").value == four[:3]
