"""Browser tests: the app as a real Streamlit server, driven by Debian's Chromium through
Playwright. One server and one browser per test session; each test gets a fresh browser
context, which is a fresh Streamlit session.

Chromium comes from the system (`make test` installs Debian's package through apt-get when it
is missing); Playwright never downloads a browser. Where Chromium cannot be had, every browser
test is skipped with a warning and a banner at the end of the run, never silently.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from appserver import STREAMLIT_RUN, AppDidNotStart, app_env, running_app

from dtmaturity.services import analytics, units
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path(os.environ.get("DTMATURITY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LEADER = "e2e.leader@etat.example"
PAGE_TIMEOUT_MS = 30_000  # the longest one step (a click, a run, a text to show) may take


def _missing_packages() -> str | None:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return (
            f"{exc.name} is not installed (run `make test`, which installs requirements-dev.lock)"
        )
    return None


def _missing_chromium() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Chromium is not installed at {CHROMIUM} and could not be installed "
        "(`make test` runs `apt-get install -y chromium` as root)"
    )


MISSING_PACKAGES = _missing_packages()
UNAVAILABLE = MISSING_PACKAGES or _missing_chromium()  # why the browser tests cannot run here
# Without Playwright the test modules cannot even be imported; the banner below still says why.
collect_ignore_glob = ["test_*.py"] if MISSING_PACKAGES else []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not UNAVAILABLE:
        return
    browser_items = [item for item in items if E2E_DIR in item.path.parents]
    if browser_items:
        warnings.warn(pytest.PytestWarning(f"BROWSER TESTS SKIPPED: {UNAVAILABLE}"), stacklevel=1)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {UNAVAILABLE}"))


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if UNAVAILABLE:
        terminalreporter.write_sep("!", "BROWSER AND ACCESSIBILITY TESTS WERE SKIPPED", red=True)
        terminalreporter.write_line(UNAVAILABLE, red=True, bold=True)
        terminalreporter.write_line("Install Chromium (apt-get install chromium) and re-run.")
        terminalreporter.write_sep("!", red=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    """Keep a screenshot of the page a failed test ended on (test-artifacts/screenshots/)."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=SCREENSHOTS / f"FAILED-{item.name}.png", full_page=True)
        except Exception as exc:  # the page may have crashed; the test's own error says more
            print(f"could not save a failure screenshot: {exc}")
    return report


@dataclass(frozen=True)
class Server:
    url: str
    leaf_unit: str  # label of a unit without units below it, as its select box shows it
    data_texts: frozenset[str]  # unit names, people's free text, the user: the same in any UI


def _demo_texts(db_path: Path) -> tuple[str, frozenset[str]]:
    """A leaf unit's label and the data texts the pages will show, read from the demo database
    before the server opens the file (one writer at a time)."""
    store, framework = open_runtime(db_path)
    try:
        ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
        tree = units.tree(ctx)
        answers = set(analytics.reflections(ctx, tree[0].unit_id)["answer"])
    finally:
        store.close()
    parents = {u.parent_id for u in tree}
    leaf = next(u for u in reversed(tree) if u.unit_id not in parents)
    names = {u.name for u in tree} | {u.label.strip() for u in tree}
    return leaf.label, frozenset(names | answers | {LEADER})


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Server]:
    """`streamlit run app.py` on a free loopback port with a copy of the demo database."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # this run's screenshots only
    folder = tmp_path_factory.mktemp("e2e")
    db_path = folder / "dtmaturity.duckdb"
    shutil.copyfile(demo_file, db_path)
    leaf_unit, data_texts = _demo_texts(db_path)
    log = folder / "server.log"
    env = app_env(db_path, DTMATURITY_LOCAL_USER=LEADER)
    try:
        with running_app(log=log, env=env, launcher=STREAMLIT_RUN) as app:
            yield Server(url=app.url, leaf_unit=leaf_unit, data_texts=data_texts)
    except AppDidNotStart as exc:
        pytest.fail(str(exc))
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if log.exists():
            (ARTIFACTS / "e2e-server.log").write_bytes(log.read_bytes())


@contextmanager
def chromium_browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # Waits are for conditions (text shown, a run finished); the bound on each is only how long
    # a busy machine may take. Playwright's `expect` allows 5 s unless told, less than a save
    # takes on a loaded 2-core machine: give it the page's own bound (set_default_timeout).
    expect.set_options(timeout=PAGE_TIMEOUT_MS)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module. Not per session: Playwright's synchronous API keeps an
    event loop running on the test process's main thread while it is open, and a later test on
    the same pytest-xdist worker (any that calls `asyncio.run`, as the benchmark deadline's
    tests do) would find it there."""
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="session", autouse=True)
def docs_screenshots(server: Server) -> None:
    """With DTMATURITY_DOCS_SCREENSHOTS=1, refresh docs/screenshots/ before any test writes."""
    from e2ehelpers import refresh_docs_screenshots

    if os.environ.get("DTMATURITY_DOCS_SCREENSHOTS"):
        with chromium_browser() as chromium:
            refresh_docs_screenshots(chromium, server.url)


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (a new Streamlit session) with JavaScript errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    tab.js_errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    yield tab
    context.close()
