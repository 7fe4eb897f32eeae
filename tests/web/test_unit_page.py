"""The unit page through AppTest: following up actions and reading reflections."""

from __future__ import annotations

import pytest
from apphelpers import open_app, texts

from dtmaturity.services import actions, people

UNIT = "demo-bruker-02"


@pytest.fixture
def unit_page(db_path):
    at = open_app()
    at.button(key="demo_create").click().run()
    at = at.switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value(UNIT).run()
    assert not at.exception
    return at


def status_changes(ctx) -> list[dict]:
    log = people.audit_log(ctx)
    return list(log[log["action"] == "action.status"]["details"])


def test_the_status_form_shows_the_picked_actions_current_status(unit_page, ctx):
    by_status = {a.status: a for a in actions.for_unit(ctx, UNIT)}
    for status in ("done", "in_progress"):
        unit_page.selectbox(key="action_update:id").set_value(by_status[status].action_id).run()
        assert unit_page.selectbox(key="action_update:status").value == status


def test_saving_the_status_form_unchanged_never_reopens_a_done_action(unit_page, ctx):
    done = next(a for a in actions.for_unit(ctx, UNIT) if a.status == "done")
    unit_page.selectbox(key="action_update:id").set_value(done.action_id).run()
    assert unit_page.selectbox(key="action_update:status").value == "done"
    assert unit_page.button(key="action_upd").disabled  # nothing changed: nothing to save
    assert "Velg en ny status for å lagre en endring." in texts(unit_page)
    assert status_changes(ctx) == []


def test_reopening_a_done_action_needs_a_deliberate_confirmation(unit_page, ctx):
    done = next(a for a in actions.for_unit(ctx, UNIT) if a.status == "done")
    unit_page.selectbox(key="action_update:id").set_value(done.action_id).run()
    unit_page.selectbox(key="action_update:status").set_value("planned").run()
    assert not unit_page.exception
    unit_page.button(key="action_upd").click().run()
    assert "gjenåpne" in texts(unit_page).lower()
    assert [a.status for a in actions.for_unit(ctx, UNIT) if a.action_id == done.action_id] == [
        "done"
    ]
    unit_page.checkbox(key="action_update:reopen").check().run()
    unit_page.button(key="action_upd").click().run()
    assert "Statusen er lagret." in texts(unit_page)
    [reopened] = [a for a in actions.for_unit(ctx, UNIT) if a.action_id == done.action_id]
    assert reopened.status == "planned"
    assert unit_page.selectbox(key="action_update:status").value == "planned"
