"""The hostile demo in Chromium: every page in the navigation and every tab, opened as each
role (signed in through a real OpenID Connect provider on loopback), shows hostile text as
text. The test fails on a request to any host other than the app's and the provider's, on a
link or image that came from data, on hostile text drawn as formatting (bold, a heading, a
list, a formula), and on a page wider than the window (a horizontal scrollbar).

The pages come from the navigation each role is shown, so a new page is covered by itself."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from appserver import app_env, free_port, running_app
from e2ehelpers import each_tab, expand_all, nav_links, wait_idle
from hostile import MARKER, ROLES, build
from playwright.sync_api import Page
from test_browser_signin import sign_in

from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime

ROOT = Path(__file__).resolve().parents[2]

# What the page would hold if data became markup: links and images from data, an element
# carrying a handler, hostile words drawn bold, italic, as a heading, a list item or a formula.
LEAKS_JS = """
(marker) => {
  const found = [];
  for (const el of document.querySelectorAll('[href], [src], [srcset], [xlink\\\\:href], [onerror]')) {
    const values = ['href', 'src', 'srcset', 'xlink:href', 'onerror']
      .map(name => el.getAttribute(name) || '');
    if (values.some(v => v.includes(marker)) || el.hasAttribute('onerror')
        || (el.tagName === 'IMG' && el.getAttribute('src') === 'x')) {
      found.push(`${el.tagName} ${values.filter(Boolean).join(' ')}`);
    }
  }
  const formatted = [
    ['strong, b', 'fet'], ['em, i', 'kursiv'], ['h1, h2, h3, h4, h5, h6', 'Overskrift'],
    ['li', 'punkt'],
  ];
  for (const [selector, word] of formatted) {
    for (const el of document.querySelectorAll(selector)) {
      if (el.textContent.trim() === word) found.push(`${el.tagName} drawn from data: ${word}`);
    }
  }
  if (document.querySelector('[data-testid="stMain"] .katex')) found.push('a formula drawn');
  for (const el of document.querySelectorAll('[data-testid="stMain"] span[style*="color"]')) {
    if (el.textContent.trim() === 'rød') found.push('coloured text from data');
  }
  return found;
}
"""
# A page wider than its window: the document scrolls sideways, or the main area does.
WIDE_JS = """
() => {
  const wide = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > doc.clientWidth) wide.push(`document ${doc.scrollWidth}>${doc.clientWidth}`);
  for (const id of ['stMain', 'stAppViewContainer', 'stSidebarContent']) {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (el && el.scrollWidth > el.clientWidth + 1) wide.push(`${id} ${el.scrollWidth}>${el.clientWidth}`);
  }
  return wide;
}
"""


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The hostile demo behind sign-in; yields (app address, provider address)."""
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("hostile")
    db_path = folder / "dtmaturity.duckdb"
    store, framework = open_runtime(db_path)
    try:
        build(Context(local_actor(), store, framework))
    finally:
        store.close()
    port = free_port("localhost")
    app_url = f"http://localhost:{port}"
    users = [
        User(sub=sub, claims={"email": person, "email_verified": True})
        for _, person, sub, _ in ROLES
    ]
    with run_server_in_thread(port=0, user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "dtmaturity-hostile"\n'
            'client_secret = "hostile-client-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            'client_kwargs = { scope = "openid profile email" }\n',
            encoding="utf-8",
        )
        env = app_env(db_path, DTMATURITY_ENV="production")
        with running_app(
            log=folder / "server.log",
            env=env,
            args=[f"--secrets.files={secrets_file}"],
            host="localhost",
            port=port,
        ):
            yield app_url, issuer


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _problems(page: Page, where: str) -> list[str]:
    found = [f"{where}: {leak}" for leak in page.evaluate(LEAKS_JS, MARKER)]
    found += [f"{where}: wider than the window ({w})" for w in page.evaluate(WIDE_JS)]
    return found


@pytest.mark.parametrize("role", [r[0] for r in ROLES])
def test_every_page_and_tab_of_the_hostile_demo_shows_data_as_text(browser, hostile_app, role):
    app_url, issuer = hostile_app
    allowed = {_origin(app_url), _origin(issuer)}
    _, person, sub, _ = next(r for r in ROLES if r[0] == role)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(30_000)
    foreign: list[str] = []

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        if _origin(route.request.url) in allowed or route.request.url.startswith("data:"):
            route.continue_()
        else:  # recorded, and never sent
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in(page, app_url, sub)
        foreign.clear()  # the provider's own sign-in page is not ours to judge
        pages = nav_links(page)
        assert len(pages) >= 3, f"{role} sees too few pages: {pages}"
        for label, path in pages:
            page.goto(f"{app_url}/{path}?lang=nb")
            wait_idle(page)
            for tab in each_tab(page):
                where = f"{role} {label}{' / ' + tab if tab else ''}"
                problems += _problems(page, where)
                expand_all(page)
                problems += _problems(page, f"{where} (expanded)")
        problems += [f"{role}: request to another host: {url}" for url in foreign]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
