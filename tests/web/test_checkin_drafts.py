"""Unsaved check-in input is not lost: switching unit or step, or coming back in a new
session (a reload), gives back what was typed, and saying so; it can be discarded."""

from __future__ import annotations

import pytest
from apphelpers import open_app, texts
from checkinsteps import fill_scores, go_step, submit

from dtmaturity.domain import formats
from dtmaturity.domain.periods import Period

CURRENT = str(Period.current())
SHOWN = formats.quarter(CURRENT, "nb")  # a quarter as the pages name it
OTHER_UNIT = "demo-bruker-01"
TYPED = "Vi har startet, men er ikke ferdige."


@pytest.fixture
def checkin_page(demo_db):
    at = open_app()
    at = at.switch_page("pages/checkin.py").run()
    at.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    return at


def test_switching_unit_or_step_and_back_keeps_what_was_typed(checkin_page):
    at = checkin_page
    at.radio(key="score:user").set_value(2).run()
    at.text_area(key="comment:user").input(TYPED).run()
    go_step(at, "roles")
    go_step(at, "wheel")
    assert at.text_area(key="comment:user").value == TYPED
    at.selectbox(key="ci_unit").set_value(OTHER_UNIT).run()
    assert at.text_area(key="comment:user").value == ""
    assert "er tatt vare på som utkast" in texts(at)
    at.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    assert at.text_area(key="comment:user").value == TYPED
    assert at.radio(key="score:user").value == 2
    assert "Du ser utkastet ditt" in texts(at)


def test_a_new_session_offers_the_draft_back_and_it_can_be_discarded(checkin_page):
    checkin_page.text_area(key="comment:user").input(TYPED).run()
    again = open_app().switch_page("pages/checkin.py").run()
    again.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    assert again.text_area(key="comment:user").value == TYPED
    assert "Du ser utkastet ditt" in texts(again)
    again.button(key="ci_draft_discard").click().run()  # the first press only asks
    assert again.text_area(key="comment:user").value == TYPED
    assert f"Forkaste utkastet for {SHOWN}?" in texts(again)
    again.button(key="ci_draft_discard:yes").click().run()
    assert again.text_area(key="comment:user").value == ""
    reload = open_app().switch_page("pages/checkin.py").run()
    reload.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    assert reload.text_area(key="comment:user").value == ""


def test_saving_the_checkin_ends_the_draft(checkin_page, framework):
    at = checkin_page
    fill_scores(at, framework, 3)
    go_step(at, "wheel").text_area(key="comment:user").input(TYPED).run()
    submit(at)
    assert f"Egenvurderingen for {SHOWN} er lagret." in texts(at)
    again = open_app().switch_page("pages/checkin.py").run()
    again.selectbox(key="ci_unit").set_value("demo-bruker-03").run()
    go_step(again, "wheel")
    assert again.text_area(key="comment:user").value == TYPED  # saved, not a draft
    assert "Du ser utkastet ditt" not in texts(again)
