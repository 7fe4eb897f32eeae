"""What the browser and load benchmarks share: the national database, the app as a real
Streamlit server on loopback, headless Chromium (the system's, never a download), and the wait
for "every chart drawn and Streamlit idle" with its timing.

A page is done when Streamlit has told the browser its script run finished (the `script_finished`
message on the websocket, read with Streamlit's own protobuf classes), every chart on the page
has drawn its marks, and the page has not changed for a moment. The time reported runs from the
action (navigation, a click) to the last change of the page before it went quiet, measured with
the page's own clock, so the quiet wait itself is not counted.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the one harness that starts the app, shared with tests

import appserver  # noqa: E402

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
BENCH_USER = "bench.leader@etat.example"  # the local user the benchmarks act as
WAIT_S = 180  # the longest any one step may take (a busy shared machine needs it); then it fails
NATIONAL_DB = Path(os.environ.get("TMPDIR", "/tmp")) / "dtmaturity-bench-national.duckdb"

# Installed before any page script: remembers when the page last changed.
TRACK_CHANGES_JS = """
window.__lastChange = performance.now();
new MutationObserver(() => { window.__lastChange = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
# Resolves with the time of the page's last change once nothing is running or stale, every
# chart has drawn, `text` (if any) is on the page, and nothing has changed for `quiet` ms.
DRAWN_JS = """
async ([quiet, text, timeout]) => {
  const start = performance.now();
  const ready = () => {
    if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || !main.querySelector('h1')) return false;
    // Streamlit loads some elements' code lazily and shows a placeholder until it arrives.
    if (main.querySelector('[data-testid="stSkeleton"]')) return false;
    if (text && !main.innerText.includes(text)) return false;
    for (const chart of main.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      if (!chart.querySelector('svg.marks, canvas.marks')) return false;
    }
    return true;
  };
  for (;;) {
    const now = performance.now();
    if (ready() && now - window.__lastChange >= quiet) return window.__lastChange;
    if (now - start > timeout) throw new Error('the page did not settle');
    await new Promise(r => setTimeout(r, 25));
  }
}
"""
COUNT_JS = """
() => ({
  charts: document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').length,
  widgets: document.querySelectorAll('[data-testid="stMain"] [class*="st-key-"]').length,
  elements: document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]').length,
})
"""
ERRORS_JS = """
() => [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
  .map(e => e.innerText)
"""
SUCCESS = (
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
)


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def ensure_database(path: Path, scale: str) -> Path:
    """The demo database at `scale`, built with the app's own command when missing (the
    national one takes about half a minute and 0.5 GB; it is reused by later runs)."""
    if path.exists():
        return path
    print(f"building the {scale} demo database in {path} (once; reused by later runs)")
    partial = path.with_suffix(".building")
    partial.unlink(missing_ok=True)
    command = [sys.executable, "-m", "dtmaturity", "--db", str(partial), "demo"]
    subprocess.run([*command, "--scale", scale], cwd=ROOT, check=True, env=_env())
    partial.rename(path)
    return path


def working_copy(source: Path, folder: Path) -> Path:
    """A copy of the database for one server, so a benchmark's check-ins never touch the
    reused original."""
    target = folder / "bench.duckdb"
    # The previous server's write-ahead log belongs to the file it wrote, not to this copy:
    # replayed onto the fresh copy it corrupts it ("Could not read enough bytes").
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _env(**extra: str) -> dict[str, str]:
    return appserver.app_env(**extra)


@dataclass
class Server:
    """The app (or another Streamlit `script`, a baseline) as a real server on a free loopback
    port, started by the harness the tests use (tests/appserver.py); `started_s` is from
    process start until the health check answers."""

    db: Path
    log: Path
    url: str = ""
    started_s: float = 0.0
    probe_s: float | None = None  # the readiness probe's time, when it was asked and answered
    process: subprocess.Popen | None = None
    script: Path | None = None  # another Streamlit script to serve instead of the app (a baseline)
    _app: appserver.RunningApp | None = None

    def start(self, *, probe: bool = False) -> Server:
        """Start; with `probe`, then ask /_stcore/script-health-check once, as a deployment's
        readiness probe does before it sends visitors (it runs the app once, which warms it)."""
        # As `make run` starts it (python -m dtmaturity.web.serve, which preloads the app's
        # imports), or plain `streamlit run app.py` in a version of the app without it.
        serve = (ROOT / "dtmaturity" / "web" / "serve.py").exists()
        launcher = appserver.SERVE if serve else appserver.STREAMLIT_RUN
        if self.script is not None:
            launcher = ("-m", "streamlit", "run", str(self.script))
        env = _env(DTMATURITY_DB=str(self.db), DTMATURITY_LOCAL_USER=BENCH_USER)
        self._app = appserver.start_app(log=self.log, env=env, launcher=launcher)
        self.process, self.url, self.started_s = (
            self._app.process,
            self._app.url,
            self._app.started_s,
        )
        if probe:
            self._probe()
        return self

    def _probe(self) -> None:
        begin = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/script-health-check", timeout=120):
                self.probe_s = time.perf_counter() - begin
        except OSError:  # not enabled in this version of the app
            self.probe_s = None

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    def cpu_s(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        if self._app is not None:
            self._app.stop()
        self._app = self.process = None


def children_cpu_s() -> float:
    """CPU seconds of this process's children (the Playwright driver and Chromium)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def launch(playwright):  # type: ignore[no-untyped-def]
    if not CHROMIUM.is_file():
        sys.exit(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class Tab:
    """One browser context (one Streamlit session) and what its websocket brought."""

    page: object
    finished: list[int] = field(default_factory=list)  # statuses of finished script runs
    finished_at: list[float] = field(default_factory=list)  # when each arrived (perf_counter)
    received: int = 0  # bytes from the server
    js_errors: list[str] = field(default_factory=list)

    @classmethod
    async def open(cls, browser, lang: str = "nb") -> Tab:  # type: ignore[no-untyped-def]
        """A new browser (context): an empty cache, as a first-time visitor's."""
        return await cls.open_in(await cls.new_browser(browser, lang))

    @staticmethod
    async def new_browser(browser, lang: str = "nb"):  # type: ignore[no-untyped-def]
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900}, locale=f"{lang}-NO"
        )
        context.set_default_timeout(WAIT_S * 1000)
        await context.add_init_script(TRACK_CHANGES_JS)
        return context

    @classmethod
    async def open_in(cls, context) -> Tab:  # type: ignore[no-untyped-def]
        """A new tab in `context`: a new Streamlit session, with the browser's cache (the
        app's code) as that context left it, as a returning visitor's."""
        page = await context.new_page()
        tab = cls(page)
        page.on("websocket", tab._watch)
        page.on("pageerror", lambda error: tab.js_errors.append(str(error)))
        return tab

    def _watch(self, socket) -> None:  # type: ignore[no-untyped-def]
        socket.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        self.received += len(payload)
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001 (not every frame need be a ForwardMsg)
            return
        if message.WhichOneof("type") == "script_finished":
            self.finished.append(message.script_finished)
            self.finished_at.append(time.perf_counter())

    async def close(self) -> None:
        await self.page.context.close()

    async def now(self) -> float:
        return await self.page.evaluate("performance.now()")

    async def settle(self, since_runs: int, *, text: str = "", quiet_ms: int = 400) -> float:
        """Wait for a successful script run after the first `since_runs`, then for the page
        to be drawn; returns the page-clock time of its last change."""
        deadline = time.monotonic() + WAIT_S
        while not any(s in SUCCESS for s in self.finished[since_runs:]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished within {WAIT_S} s")
            await asyncio.sleep(0.02)
        return await self.page.evaluate(DRAWN_JS, [quiet_ms, text, WAIT_S * 1000])

    async def goto(self, url: str, *, text: str = "") -> float:
        """Open an address (a new Streamlit session); seconds until drawn."""
        self.finished.clear()
        await self.page.goto(url)
        # performance.now() starts at navigation, so the last change is the duration.
        return await self.settle(0, text=text) / 1000

    async def act(self, action, *, text: str = "") -> float:  # type: ignore[no-untyped-def]
        """Do something in the page (a click, a choice); seconds until drawn again."""
        runs = len(self.finished)
        start = await self.now()
        await action()
        return (await self.settle(runs, text=text) - start) / 1000

    async def go_to(self, label: str, *, text: str = "") -> float:
        """Click a sidebar link, as a person does (same session). From a page without the
        sidebar (the leader group's meeting, made for a shared screen) the person first takes
        the page's own link back to the app (not timed)."""
        if not await self.page.locator('[data-testid="stSidebarNav"]').is_visible():
            await self.act(self.page.get_by_test_id("stPageLink-NavLink").first.click)
        link = self.page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first
        more = self.page.get_by_test_id("stSidebarNavViewButton")
        if not await link.is_visible() and await more.count():
            await more.click()  # a long navigation shows its first links only ("View N more")
        return await self.act(link.click, text=text)

    async def errors(self) -> list[str]:
        return [*await self.page.evaluate(ERRORS_JS), *self.js_errors]

    async def counts(self) -> dict[str, int]:
        return await self.page.evaluate(COUNT_JS)


async def visit(context, base_url: str, paths: Iterable[str], query: str = "") -> None:  # type: ignore[no-untyped-def]
    """One visit to each page (`base_url/path?query`) in a new tab of `context` (a browser):
    afterwards the server is warm and the browser has the app's code cached, as a returning
    visitor's has."""
    tab = await Tab.open_in(context)
    for path in paths:
        await tab.goto(f"{base_url}/{path}{query}")
    await tab.page.close()


def leaf_units(db: Path, count: int) -> list[str]:
    """Ids of `count` units without units below them (deepest first)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT unit_id FROM unit u
               WHERE NOT EXISTS (SELECT 1 FROM unit c WHERE c.parent_id = u.unit_id)
               ORDER BY unit_id LIMIT ?""",
            [count],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]
