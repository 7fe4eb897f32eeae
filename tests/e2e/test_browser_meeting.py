"""The leader group's meeting in Chromium: a manager opens a meeting for a released quarter,
steps through every lens with the keyboard only, records a note and an action, closes and
downloads the summary (its PDF read back as text), and sees the action's status in the next
quarter's meeting. axe finds nothing serious or critical on any step; screenshots at 1920×1080
and 1280×720 (into docs/screenshots/ with DTMATURITY_DOCS_SCREENSHOTS=1)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from pprint import pformat

from e2ehelpers import DOCS_SCREENSHOTS, SCREENSHOTS, open_page, select_option, wait_idle
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_browser_accessibility import blocking_violations

from dtmaturity.domain import formats, i18n, plan
from dtmaturity.domain.framework import load
from dtmaturity.services import meetings

NOTE = "Vi er gode på brukerinnsikt – eksempel: skjemaet for søknad om støtte."
ACTION = "Brukertest hver måned"
SIZES = ((1920, 1080), (1280, 720))
SHOTS = SCREENSHOTS


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        "nb",
        key,
        **{k: formats.quarter(v, "nb") if isinstance(v, str) else v for k, v in params.items()},
    )


def step_heading(page: Page) -> str:
    return page.locator(".st-key-meeting_step_head h2").inner_text().strip()


def options(page: Page, key: str) -> list[str]:
    """The options a select box offers, in order."""
    page.locator(f".st-key-{key} input[role='combobox']").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    found = [options.nth(i).inner_text().strip() for i in range(options.count())]
    page.keyboard.press("Escape")
    wait_idle(page)
    return found


def press(page: Page, key: str) -> None:
    """A key pressed where the page has focus (not in a field), then the new step drawn."""
    before = step_heading(page)
    page.keyboard.press(key)
    expect(page.locator(".st-key-meeting_step_head h2")).not_to_have_text(before)
    wait_idle(page)


def record_note_and_action(page: Page) -> None:
    page.locator(".st-key-meeting_note-wheel textarea").fill(NOTE)
    page.locator(".st-key-meeting_note_save button").click()
    wait_idle(page)
    expect(page.get_by_text(t("meeting_note_saved"))).to_be_visible()
    items = page.locator(".st-key-meeting_action-items input")
    items.click()
    items.press_sequentially(plan.item_label(load(), "user", "nb"))
    items.press("Enter")
    wait_idle(page)
    page.locator(".st-key-meeting_action-description input").fill(ACTION)
    page.locator(".st-key-meeting_action_add button").click()
    wait_idle(page)
    expect(page.get_by_text(t("meeting_action_added"))).to_be_visible()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_manager_runs_the_leader_meeting_with_the_keyboard_and_follows_it_up(page, server):
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, server.url, "meeting")
    assert page.locator('[data-testid="stSidebar"]').is_hidden()  # one shared screen
    # The top unit: the whole leader group, whose figures the demo shows.
    select_option(page, "meeting_unit", options(page, "meeting_unit")[0])
    released = options(page, "meeting_period")  # newest first
    assert len(released) >= 2
    earlier, latest = released[1], released[0]
    select_option(page, "meeting_period", earlier)
    page.locator(".st-key-meeting_open button").click()
    wait_idle(page)

    problems, seen = [], []
    total = len(meetings.STEPS)
    for number, name in enumerate(meetings.STEPS, start=1):
        title = t(f"meeting_step_{name}")
        assert step_heading(page) == t("meeting_step_of", number=number, total=total, title=title)
        seen.append(name)
        problems += blocking_violations(page, f"step {number} ({name})")
        if name == "wheel":
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                wait_idle(page)
                # What the room sees: the screen, not the whole page.
                folder = (
                    DOCS_SCREENSHOTS if os.environ.get("DTMATURITY_DOCS_SCREENSHOTS") else SHOTS
                )
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=folder / f"meeting-{width}x{height}.png")
            page.set_viewport_size({"width": 1920, "height": 1080})
            wait_idle(page)
            record_note_and_action(page)
            problems += blocking_violations(page, "wheel, note and action recorded")
        if number < total:
            # The presenter's clicker sends PageDown; a keyboard the arrow.
            press(page, "PageDown" if number % 2 else "ArrowRight")
    assert seen == list(meetings.STEPS)
    press(page, "ArrowLeft")  # and back
    assert step_heading(page).endswith(t("meeting_step_roles"))
    press(page, "PageDown")
    assert not problems, pformat(problems)

    page.locator(".st-key-meeting_close button").click()
    wait_idle(page)
    expect(page.get_by_text(t("meeting_closed_done"))).to_be_visible()
    assert not blocking_violations(page, "closed")
    with page.expect_download() as download:
        page.locator(".st-key-meeting_download_pdf button").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert NOTE in text and ACTION in text
    assert t("meeting_step_wheel") in text and t("meeting_summary_actions") in text

    # Next quarter: the meeting opens with what became of the last one's decisions.
    select_option(page, "meeting_period", latest)
    page.locator(".st-key-meeting_open button").click()
    wait_idle(page)
    assert step_heading(page).endswith(t("meeting_step_review"))
    expect(page.get_by_text(t("meeting_follow_up", period=earlier))).to_be_visible()
    row = page.locator("table tr").filter(has_text=ACTION)
    expect(row).to_contain_text(t("action_status_planned"))
