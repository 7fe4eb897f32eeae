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
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dtmaturity.services import analytics, demo, units
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


def _missing_packages() -> str | None:
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (run `make test`, which installs requirements.lock)"
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed_demo(db_path: Path) -> tuple[str, frozenset[str]]:
    """The demo organisation, written before the server opens the file (one writer at a time).
    Returns a leaf unit's label and the data texts the pages will show."""
    store, framework = open_runtime(db_path)
    try:
        ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
        demo.create(ctx)
        tree = units.tree(ctx)
        answers = set(analytics.reflections(ctx, tree[0].unit_id)["answer"])
    finally:
        store.close()
    parents = {u.parent_id for u in tree}
    leaf = next(u for u in reversed(tree) if u.unit_id not in parents)
    names = {u.name for u in tree} | {u.label.strip() for u in tree}
    return leaf.label, frozenset(names | answers | {LEADER})


def _wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the app server did not answer /_stcore/health:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`streamlit run app.py` on a free loopback port with a temporary demo database."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # this run's screenshots only
    folder = tmp_path_factory.mktemp("e2e")
    db_path = folder / "dtmaturity.duckdb"
    leaf_unit, data_texts = _seed_demo(db_path)
    port = _free_port()
    env = {**os.environ, "DTMATURITY_DB": str(db_path), "DTMATURITY_LOCAL_USER": LEADER}
    env.pop("DTMATURITY_FRAMEWORK", None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process, log)
        yield Server(url=url, leaf_unit=leaf_unit, data_texts=data_texts)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "e2e-server.log").write_bytes(log.read_bytes())


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def docs_screenshots(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    """With DTMATURITY_DOCS_SCREENSHOTS=1, refresh docs/screenshots/ before any test writes."""
    from e2ehelpers import refresh_docs_screenshots

    refresh_docs_screenshots(browser, server.url)


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (a new Streamlit session) with JavaScript errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.js_errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    yield tab
    context.close()
