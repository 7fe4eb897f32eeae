"""Sign-in through a real OpenID Connect provider on loopback (oidc-provider-mock), with the app
as a real server (`python -m dtmaturity.web.serve`) configured by an [auth] secrets section: two
different people sign in and each sees the units their roles give them, and nothing else; a
coordinator's attempts to take an account or a unit fail; an unverified e-mail opens nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import app_env, free_port, running_app
from e2ehelpers import wait_idle
from playwright.sync_api import Page, expect

from dtmaturity.domain.access import ALL_GRANTS
from dtmaturity.services import people
from dtmaturity.services.context import Actor, Context
from dtmaturity.services.runtime import open_runtime

LEADER = ("leder@etat.example", "leder-sub", "demo-bruker-01")  # leads one unit
MANAGER = ("sjef@etat.example", "sjef-sub", "demo-bruker")  # manages a division of 5 units
ADMIN = ("admin@etat.example", "Admin-Sub")  # an admin, registered with e-mail and sub
COORDINATOR = ("koord@etat.example", "koord-sub", "demo-teknologi")
EMAIL_ONLY = ("epost.leder@etat.example", "demo-bruker-02")  # registered by e-mail alone


def _register_people(db_path: Path) -> None:
    """The people of this module, with their roles, added to a copy of the demo database."""
    store, framework = open_runtime(db_path)
    try:
        ctx = Context(Actor("e2e", "e2e", ALL_GRANTS), store, framework)
        people.assign(ctx, LEADER[0], "leader", LEADER[2], email=LEADER[0], sub=LEADER[1])
        people.assign(ctx, MANAGER[0], "manager", MANAGER[2], email=MANAGER[0], sub=MANAGER[1])
        people.assign(ctx, ADMIN[0], "admin", "*", email=ADMIN[0], sub=ADMIN[1])
        coordinator, sub, unit = COORDINATOR
        people.assign(ctx, coordinator, "coordinator", unit, email=coordinator, sub=sub)
        people.assign(ctx, EMAIL_ONLY[0], "leader", EMAIL_ONLY[1], email=EMAIL_ONLY[0])
    finally:
        store.close()


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[str]:
    """An OpenID Connect provider and the app, both on loopback; yields the app's address."""
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("signin")
    db_path = folder / "dtmaturity.duckdb"
    shutil.copyfile(demo_file, db_path)
    _register_people(db_path)
    port = free_port("localhost")
    app_url = f"http://localhost:{port}"
    users = [
        User(sub=COORDINATOR[1], claims={"email": COORDINATOR[0], "email_verified": True}),
        # Someone who typed another person's address into a provider that does not verify it.
        User(sub="mallory", claims={"email": EMAIL_ONLY[0].upper(), "email_verified": False}),
    ]
    with run_server_in_thread(port=0, user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            'cookie_secret = "e2e-cookie-secret-that-is-long-enough"\n'
            'client_id = "dtmaturity-e2e"\n'
            'client_secret = "e2e-client-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            'client_kwargs = { scope = "openid profile email" }\n',
            encoding="utf-8",
        )
        env = app_env(db_path, DTMATURITY_ENV="production")
        with running_app(
            log=folder / "server.log",
            env=env,
            args=[f"--secrets.files={secrets}"],
            host="localhost",
            port=port,
        ):
            yield app_url


def sign_in(page: Page, app_url: str, sub: str) -> None:
    page.goto(app_url)
    page.get_by_role("button", name="Logg inn").click()
    page.locator("input[name=sub]").fill(sub)  # the provider's own sign-in form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")
    wait_idle(page)


def unit_options(page: Page) -> list[str]:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Enhet over tid").first.click()
    wait_idle(page)
    page.locator(".st-key-unit_id input[role='combobox']").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [options.nth(i).inner_text().strip() for i in range(options.count())]
    page.keyboard.press("Escape")
    return names


def test_two_people_sign_in_and_see_different_units(browser, signin_app):
    seen = {}
    for email, sub, _ in (LEADER, MANAGER):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            sign_in(page, signin_app, sub)
            expect(page.get_by_text(f"Innlogget som {email}")).to_be_visible()
            seen[sub] = unit_options(page)
        finally:
            context.close()
    assert seen[LEADER[1]] == ["Kundesenteret"]
    assert len(seen[MANAGER[1]]) == 6 and "Kundesenteret" in [o.strip() for o in seen[MANAGER[1]]]


def test_an_unregistered_person_is_asked_to_contact_the_coordinator(browser, signin_app):
    context = browser.new_context(locale="nb-NO")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sign_in(page, signin_app, "ukjent-sub")
        expect(page.get_by_text("Be koordinatoren i virksomheten om tilgang")).to_be_visible()
        assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    finally:
        context.close()


def new_page(browser) -> tuple[object, Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def open_nav(page: Page, title_key: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=t(title_key)).first.click()
    wait_idle(page)


def upload(page: Page, name: str, content: str) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )
    wait_idle(page)


def t(key: str, **params: object) -> str:
    from dtmaturity.domain import i18n

    return i18n.t("nb", key, **params)


def test_a_coordinator_cannot_take_an_account_or_a_unit_in_the_browser(browser, signin_app):
    """Signed in as a coordinator: a people file attaching the coordinator's own or a new
    subject to the admin's record is refused, a units file moving another division's unit
    into the subtree is refused, and signing in with the subject written in the file gives
    nothing."""
    context, page = new_page(browser)
    try:
        sign_in(page, signin_app, COORDINATOR[1])
        expect(page.get_by_text(f"Innlogget som {COORDINATOR[0]}")).to_be_visible()
        open_nav(page, "page_admin")
        take_over = (
            f"email,sub,role,unit_id\n{ADMIN[0]},{COORDINATOR[1]},leader,demo-teknologi-01\n"
        )
        upload(page, "overta.csv", take_over)
        expect(page.get_by_text(t("people_identity_conflict"), exact=False)).to_be_visible()
        new_sub = f"email,sub,role,unit_id\n{ADMIN[0]},angriper-sub,leader,demo-teknologi-01\n"
        upload(page, "ny-sub.csv", new_sub)
        expect(page.get_by_text(t("people_identity_change"), exact=False)).to_be_visible()
        assert (
            page.get_by_text(
                t("admin_people_imported", rows_counted="1", roles_counted="1")
            ).count()
            == 0
        )

        open_nav(page, "page_import")
        upload(
            page,
            "enheter.csv",
            "unit_id,name,parent_id\ndemo-bruker-01,Kundesenteret,demo-teknologi\n",
        )
        expect(page.get_by_text(t("problems_heading", count=1))).to_be_visible()
        expect(page.get_by_role("button", name=t("import_button"))).to_be_disabled()
    finally:
        context.close()

    context, page = new_page(browser)
    try:
        sign_in(page, signin_app, "angriper-sub")
        expect(page.get_by_text("Be koordinatoren i virksomheten om tilgang")).to_be_visible()
        assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    finally:
        context.close()


def test_an_unverified_email_does_not_sign_in_as_the_person_it_names(browser, signin_app):
    context, page = new_page(browser)
    try:
        sign_in(page, signin_app, "mallory")
        expect(page.get_by_text("Be koordinatoren i virksomheten om tilgang")).to_be_visible()
        assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    finally:
        context.close()
