"""A grant on the Administration page says what it did where the person is: the outcome names
person, role and unit beside the button, in the viewport, with keyboard focus on it; a grant
over the whole organisation first asks, in view."""

from __future__ import annotations

from e2ehelpers import open_page, screenshot, select_option, wait_idle
from playwright.sync_api import Page, expect

from dtmaturity.domain import formats, i18n

LANG = "en"
FOCUSED_IN = "(selector) => !!document.activeElement?.closest(selector)"


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        LANG,
        key,
        **{k: formats.quarter(v, LANG) if isinstance(v, str) else v for k, v in params.items()},
    )


def fill_grant(page: Page, email: str, unit_text: str) -> None:
    page.locator(".st-key-adm_email input").fill(email)
    select_option(page, "adm_role", t("role_leader"))
    select_option(page, "adm_unit", unit_text)
    page.get_by_role("button", name=t("admin_grant_button")).click()
    wait_idle(page)


def test_a_grant_says_person_role_and_unit_beside_the_button_with_focus(page, server):
    open_page(page, server.url, "admin", LANG)
    fill_grant(page, "e2e.grant@etat.example", "Kundesenteret")
    outcome = page.locator(".st-key-flash_grant")
    said = t(
        "admin_granted_to",
        person="e2e.grant@etat.example",
        role=t("role_leader"),
        unit="Kundesenteret",
    )
    # as_text keeps an address from being made a link with an invisible word joiner before "@".
    expect(outcome.get_by_text(said.replace("@", "\u2060@"))).to_be_visible(timeout=60_000)
    expect(outcome).to_be_in_viewport()
    page.wait_for_function(FOCUSED_IN, arg=".st-key-flash_grant")
    screenshot(page, "admin-grant-outcome")


def test_a_grant_over_every_unit_asks_first_in_view(page, server):
    open_page(page, server.url, "admin", LANG)
    fill_grant(page, "e2e.everything@etat.example", t("every_unit"))
    question = page.locator(".st-key-adm_grant_all-question")
    expect(question).to_be_visible(timeout=60_000)
    expect(question).to_contain_text(t("admin_whole_org"))
    expect(question).to_be_in_viewport()
    expect(page.locator(".st-key-flash_grant")).to_have_count(0)  # nothing granted yet
