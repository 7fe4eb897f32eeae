"""The check-in in steps, in a real browser: the keyboard carries a leader through every step,
each step change, answer and save reruns only the step (a Streamlit fragment), the error
summary opens the field's step with the focus on the field, and the roles picker stops at 3
with its reason in Norwegian, leaving no focus on an English "Remove" button."""

from __future__ import annotations

import pytest
from e2ehelpers import choose_radio, open_page, screenshot, select_option, wait_idle
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg

from dtmaturity.domain import formats, i18n
from dtmaturity.domain.framework import Framework, load
from dtmaturity.domain.periods import Period
from dtmaturity.web.checkin_state import STEPS

LANG = "nb"
CURRENT = formats.quarter(str(Period.current()), LANG)


def t(key: str, **params: object) -> str:
    return i18n.t(LANG, key, **params)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load()


def step_name(step: str) -> str:
    return t(f"checkin_step_{step}")


def reruns(page: Page) -> list[BackMsg]:
    """Every rerun the browser asks the server for from now on, as Streamlit's own messages."""
    sent: list[BackMsg] = []

    def listen(socket) -> None:  # type: ignore[no-untyped-def]
        def frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                message = BackMsg.FromString(payload)
                if message.WhichOneof("type") == "rerun_script":
                    sent.append(message)

        socket.on("framesent", frame)

    page.on("websocket", listen)
    return sent


def open_other_unit(page: Page, server) -> None:  # type: ignore[no-untyped-def]
    """The check-in page for a unit the other browser tests leave alone (not the leaf they
    check in for): the third the unit box offers."""
    open_page(page, server.url, "checkin", LANG)
    page.locator(".st-key-ci_unit input[role='combobox']").click()
    options = page.get_by_role("option")
    labels = [options.nth(i).inner_text().strip() for i in range(options.count())]
    page.keyboard.press("Escape")
    other = next(label for label in labels[2:] if label != server.leaf_unit.strip())
    select_option(page, "ci_unit", other)


def press_next(page: Page, step: str) -> None:
    """Move to the next step by the keyboard: focus the "Next" button, press Enter."""
    button = page.get_by_role("button", name=t("checkin_next", name=step_name(step)))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f".st-key-ci_step_{step}")).to_be_attached()
    wait_idle(page)


def focused_in(page: Page, key: str) -> bool:
    """Whether the keyboard focus is in the element of key `key`, once it has moved there (the
    page moves it when the run is drawn); False if it never does."""
    try:
        page.wait_for_function(
            "key => !!document.activeElement?.closest('.st-key-' + key)",
            arg=key.replace(":", "-"),
        )
    except PlaywrightTimeout:
        return False
    return True


def test_the_error_summary_opens_the_fields_step_with_focus_on_the_field(page, server, framework):
    open_other_unit(page, server)
    first = framework.themes[0]
    choose_radio(page, "ci_step", STEPS.index("summary"))
    wait_idle(page)
    page.get_by_role("button", name=t("submit")).click()
    summary = page.locator(".st-key-ci_error_summary")
    expect(summary).to_be_visible()
    assert focused_in(page, "ci_error_summary")
    text = summary.inner_text()
    assert "score:" not in text and "period" not in text  # fields by their words
    summary.get_by_role("button", name=first.name[LANG], exact=False).first.click()
    expect(page.locator(f".st-key-score-{first.id}")).to_be_visible()
    assert focused_in(page, f"score:{first.id}")
    # The message stands right below the field.
    expect(page.get_by_text(t("error_score_missing")).first).to_be_visible()


def test_the_roles_picker_stops_at_three_and_says_why_in_norwegian(page, server, framework):
    open_other_unit(page, server)
    choose_radio(page, "ci_step", STEPS.index("roles"))
    wait_idle(page)
    for role in framework.roles[:4]:
        box = page.locator(".st-key-roles-most input[role='combobox']")
        box.click()
        page.get_by_role("option", name=role.name[LANG], exact=True).click()
        wait_idle(page)
    expect(page.get_by_text(t("roles_at_most", max=3))).to_be_visible()
    picked = page.locator(".st-key-roles-most").inner_text()
    assert [r.name[LANG] in picked for r in framework.roles[:4]] == [True, True, True, False]
    assert "You can only select" not in page.locator("body").inner_text()
    label = page.evaluate("() => document.activeElement?.getAttribute('aria-label') || ''")
    assert not label.startswith("Remove"), label


def test_the_keyboard_carries_a_leader_through_every_step_and_each_reruns_only_itself(
    page, server, framework
):
    sent = reruns(page)
    open_other_unit(page, server)
    before = len(sent)
    for item in framework.themes:
        choose_radio(page, f"score-{item.id}", 2)
    wait_idle(page)
    screenshot(page, "journey-checkin-step-wheel")
    for step in STEPS[1:]:
        press_next(page, step)
        # The view and the focus move to the step's heading; the steps before are not drawn.
        assert focused_in(page, f"ci_step_{step}"), step
        expect(page.get_by_role("heading", name=step_name(step), exact=False)).to_be_visible()
        if step == "competencies":
            for item in framework.competencies:
                choose_radio(page, f"score-{item.id}", 3)
            wait_idle(page)
    screenshot(page, "journey-checkin-step-summary")
    page.get_by_role("button", name=t("submit")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(t("saved_new", period=CURRENT))).to_be_visible()
    assert focused_in(page, "ci_outcome")
    # Every answer, step change and the save asked the server to rerun the step alone.
    steps_and_saves = sent[before:]
    assert len(steps_and_saves) >= len(framework.items) + len(STEPS)
    whole = [m for m in steps_and_saves if not m.rerun_script.fragment_id]
    assert whole == [], "a press in a step reran the whole page"
