"""Page time in a real browser at national scale: from the action to every chart drawn.

    .venv/bin/python benchmarks/browser_bench.py              # national demo, 3 runs
    .venv/bin/python benchmarks/browser_bench.py --runs 5 --db FILE

Starts the app as a real Streamlit server on loopback on a copy of the national demo database
(built once into $TMPDIR/dtmaturity-bench-national.duckdb when missing, then reused), drives
headless Chromium (the system's /usr/bin/chromium through Playwright) and prints, for every
page of the app (read from its sidebar navigation; every file in pages/ must be there), the
median time from navigation to "every chart drawn and Streamlit idle" (see webharness.py):

- first visit: the first visitor after the server started (a new server for each page and run:
  `--first-runs` for the main pages, one for the others), without and after the readiness probe;
- fresh session: a new session in a new browser (an empty cache) on a warm server;
- returning visitor: a new session (a new tab) in a browser that has the app's code cached;
- warm: a click in the sidebar of a session that has seen the page before;
- server part of the warm time: until Streamlit's "script finished" message reached the
  browser (script run and transfer); the rest is drawing in the browser;

then changing a control (the overview's level, every tab of every page with tabs, the unit
page's compared item), and the check-in, which is in steps: every step change ("Next", click
to the next step drawn, scoring the items on the way) and the save on the summary step (click
to the confirmation drawn). Targets: warm <= 1.0 s, first visit <= 2.5 s, saving a check-in
<= 0.5 s. Everything stays on 127.0.0.1 and stops by itself (`--deadline`; what is measured
by then is printed, see deadline.py).

Last, the baseline: a bare Streamlit app (bare_app.py: no database, no app code, pages of the
same shapes) timed the same way on the same machine, and each page's time as a multiple of the
bare page of its shape (charts if it draws one, the form if it has a form's widgets, else the
heading alone): the floor the framework sets, and what the app adds to it (--no-baseline skips
it). The check-in's step changes and save are compared with a bare form of the same step's size
(bare_app.py's "steps" page) walked the same way. Target: every figure <= 1.3x its bare one.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import webharness as wh  # noqa: E402
from deadline import Deadline  # noqa: E402
from deadline import add_argument as add_deadline_argument  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from dtmaturity.domain import formats, i18n  # noqa: E402
from dtmaturity.domain.framework import load  # noqa: E402
from dtmaturity.domain.periods import Period  # noqa: E402
from dtmaturity.web import checkin_state as cs  # noqa: E402

LANG = "nb"
# The pages are the app's own: read from its sidebar navigation when the run starts (every
# file in pages/ must be there), so a new page is timed without a change here.
FIRST_RUNS_ALL = 1  # server starts per page for the pages after the main ones (FIRST_PAGES)
FIRST_PAGES = ("", "checkin", "unit", "overview")  # the main pages: --first-runs starts each
TARGET_WARM, TARGET_FIRST, TARGET_SAVE, TARGET_BARE = 1.0, 2.5, 0.5, 1.3
# The baseline: a bare Streamlit app (bare_app.py) with a page of each shape. Each app page is
# compared with the bare page of its shape, decided from what it draws (see `bare_shape`).
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
BARE_PAGES = {"": "Tom", "form": "Skjema", "charts": "Diagrammer"}
FORM_WIDGETS = 10  # a page with this many widgets (and no chart) has the form's shape
PARTS = (
    "first visits",
    "fresh sessions",
    "returning visitors",
    "warm views",
    "controls",
    "check-in steps and save",
    "baseline",
)


@dataclass
class Measured:
    """Everything a run measures, filled as it goes (a run stopped early reports what is here)."""

    pages: dict[str, str] = field(default_factory=dict)  # address path: sidebar label
    done: list[str] = field(default_factory=list)  # PARTS finished
    first: dict[tuple[str, bool], list[float]] = field(default_factory=dict)  # (page, probed)
    starts: list[float] = field(default_factory=list)
    probes: list[float] = field(default_factory=list)
    fresh: dict[str, list[float]] = field(default_factory=dict)
    returning: dict[str, list[float]] = field(default_factory=dict)
    warm: dict[str, list[float]] = field(default_factory=dict)
    server_part: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # server, browser
    shape: dict[str, dict[str, int]] = field(default_factory=dict)
    controls: dict[str, list[float]] = field(default_factory=dict)
    steps: dict[str, list[float]] = field(default_factory=dict)  # "1 > 2": seconds
    saves: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # server MB after start, at the end
    bare: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    bare_steps: dict[str, list[float]] = field(default_factory=dict)
    bare_saves: list[float] = field(default_factory=list)

    def part_done(self, part: str) -> None:
        self.done.append(part)
        print(f"{part} done; {wh.loadavg()}", flush=True)


def note(what: str, seconds: float) -> None:
    """One measurement as it is made (a run stopped early still shows what it measured)."""
    print(f"  {what}: {seconds:.2f} s", flush=True)


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        LANG,
        key,
        **{k: formats.quarter(v, LANG) if isinstance(v, str) else v for k, v in params.items()},
    )


async def choose_other(tab: wh.Tab, key: str, position: int) -> float:
    """Open the select box with widget key `key` and pick its `position`-th option."""
    page = tab.page
    await page.locator(f".st-key-{key} input[role='combobox']").click()
    option = page.get_by_role("option").nth(position)
    try:
        await option.wait_for(timeout=2000)
    except Exception:  # noqa: BLE001 (a click that only focused the box; the keyboard opens it)
        await page.keyboard.press("ArrowDown")
        await option.wait_for()
    return await tab.act(option.click)


def bare_shape(shape: dict[str, int]) -> str:
    """The bare page of a page's shape: the charts page if it draws a chart, the form if it
    has a form's widgets, else the page with a heading alone."""
    if shape.get("charts", 0):
        return "charts"
    return "form" if shape.get("widgets", 0) >= FORM_WIDGETS else ""


async def app_pages(browser, db: Path, folder: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """{address path: sidebar label} of every page the app's navigation offers, in its order
    ('' is the start page); every file in pages/ must be among them."""
    server = wh.Server(db, folder / "server.log").start()
    try:
        tab = await wh.Tab.open(browser, LANG)
        await tab.goto(f"{server.url}/?lang={LANG}")
        links = tab.page.locator('[data-testid="stSidebarNav"] a')
        pages = {}
        for index in range(await links.count()):
            link = links.nth(index)
            label = await link.locator(
                '[data-testid="stSidebarNavLinkContainer"], span'
            ).last.inner_text()
            href = (await link.get_attribute("href") or "").split("?")[0]
            pages[re.sub(r"^https?://[^/]+/?", "", href)] = label.strip()
        await tab.close()
    finally:
        server.stop()
    files = {p.stem for p in (wh.ROOT / "pages").glob("*.py")}
    if missing := sorted(files - {path or "home" for path in pages}):  # home.py is served at ''
        sys.exit(f"pages not in the navigation the benchmark sees: {', '.join(missing)}")
    return pages


async def tab_labels(tab: wh.Tab) -> list[str]:
    """The labels of the page's tabs (each a section drawn when opened), in order."""
    tabs = tab.page.locator('[data-testid="stMain"] [role="tab"]')
    return [(await tabs.nth(i).inner_text()).strip() for i in range(await tabs.count())]


async def checkin_steps(
    browser, url: str, unit_id: str, framework, scores: int, m: Measured
) -> None:  # type: ignore[no-untyped-def]
    """Open the check-in for a unit and walk its steps with "Next", scoring the items on the
    way, then save on the summary: each step change (click on "Next" until the next step is
    drawn) into m.steps, the save (click until the confirmation is drawn) into m.saves."""
    tab = await wh.Tab.open(browser, LANG)
    try:
        await tab.goto(f"{url}/checkin?lang={LANG}&unit={unit_id}")
        items = cs.lens_items(framework)
        for number, (step, following) in enumerate(itertools.pairwise(cs.STEPS), start=1):
            for index, item in enumerate(items.get(step, [])):
                position = (index + scores) % len(item.scale.values)
                radio = tab.page.locator(f".st-key-score-{item.id} [data-testid='stRadioOption']")
                await tab.act(radio.nth(position).click)
            name = t(f"checkin_step_{following}")
            button = tab.page.get_by_role("button", name=t("checkin_next", name=name))
            heading = t("checkin_step_heading", number=number + 1, count=len(cs.STEPS), name=name)
            seconds = await tab.act(button.click, text=heading)
            m.steps.setdefault(f"{number} > {number + 1}", []).append(seconds)
            note(f"check-in: step {number} to {number + 1}", seconds)
        submit = tab.page.get_by_role("button", name=t("submit"))
        saved = t("saved_new", period=str(Period.current()))
        m.saves.append(await tab.act(submit.click, text=saved))
        note("save a check-in", m.saves[-1])
        if errors := await tab.errors():
            raise RuntimeError(f"saving a check-in showed errors: {errors}")
    finally:
        await tab.close()


async def bare_steps(browser, folder: Path, runs: int, m: Measured) -> None:  # type: ignore[no-untyped-def]
    """The bare form of the check-in's step size, walked the same way: each "Neste" until the
    next step is drawn, then "Lagre" until its confirmation is drawn, each in a new session."""
    server = wh.Server(folder / "unused.duckdb", folder / "bare.log", script=BARE_APP).start()
    try:
        for _ in range(runs):
            tab = await wh.Tab.open(browser, LANG)
            await tab.goto(f"{server.url}/steps")
            for number in range(1, len(cs.STEPS)):
                following = tab.page.get_by_role("button", name="Neste")
                seconds = await tab.act(following.click, text=f"Steg {number + 1} av")
                m.bare_steps.setdefault(f"{number} > {number + 1}", []).append(seconds)
            save = tab.page.get_by_role("button", name="Lagre")
            m.bare_saves.append(await tab.act(save.click, text="Lagret."))
            await tab.close()
    finally:
        server.stop()


async def first_visits(
    browser, db: Path, folder: Path, pages: list[str], runs: int, m: Measured
) -> None:  # type: ignore[no-untyped-def]
    """The first visitor after a server start, without and with a readiness probe first
    (m.first), and the servers' start and probe times: `runs` starts for the main pages
    (FIRST_PAGES), one for each other page."""
    for path in pages:
        for _ in range(runs if path in FIRST_PAGES else min(runs, FIRST_RUNS_ALL)):
            for probed in (False, True):
                server = wh.Server(db, folder / "server.log").start(probe=probed)
                m.starts.append(server.started_s)
                if server.probe_s is not None:
                    m.probes.append(server.probe_s)
                try:
                    tab = await wh.Tab.open(browser, LANG)
                    seconds = await tab.goto(f"{server.url}/{path}?lang={LANG}")
                    m.first.setdefault((path, probed), []).append(seconds)
                    note(f"first visit /{path}{' after the probe' if probed else ''}", seconds)
                    await tab.close()
                finally:
                    server.stop()


async def bare_baseline(browser, folder: Path, runs: int, first_runs: int, m: Measured) -> None:  # type: ignore[no-untyped-def]
    """m.bare: {bare page: {"first" | "fresh" | "return" | "warm": [seconds]}} for the bare
    app, timed as the app's pages are (after the readiness probe, as a deployment does)."""
    m.bare = {p: {"first": [], "fresh": [], "return": [], "warm": []} for p in BARE_PAGES}
    times = m.bare
    db = folder / "unused.duckdb"  # the bare app opens no database
    for _ in range(first_runs):
        for path in BARE_PAGES:
            server = wh.Server(db, folder / "bare.log", script=BARE_APP).start(probe=True)
            try:
                tab = await wh.Tab.open(browser, LANG)
                times[path]["first"].append(await tab.goto(f"{server.url}/{path}"))
                await tab.close()
            finally:
                server.stop()
    server = wh.Server(db, folder / "bare.log", script=BARE_APP).start(probe=True)
    try:
        cached = await wh.Tab.new_browser(browser, LANG)
        await wh.visit(cached, server.url, BARE_PAGES)
        for _ in range(runs):
            for path in BARE_PAGES:
                tab = await wh.Tab.open(browser, LANG)
                times[path]["fresh"].append(await tab.goto(f"{server.url}/{path}"))
                await tab.close()
                tab = await wh.Tab.open_in(cached)
                times[path]["return"].append(await tab.goto(f"{server.url}/{path}"))
                await tab.page.close()
        tab = await wh.Tab.open_in(cached)
        await tab.goto(f"{server.url}/charts")
        for run in range(runs + 1):  # the first round only brings each page in
            for path, label in BARE_PAGES.items():
                seconds = await tab.go_to(label)
                if run:
                    times[path]["warm"].append(seconds)
        await cached.close()
    finally:
        server.stop()


async def on_warm_server(browser, server: wh.Server, args, m: Measured, leaves: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Fresh sessions, returning visitors, warm views, the controls, and the check-in's steps
    and save, on one server warmed by a visit to every page."""
    pages = list(m.pages)
    framework = load()
    m.rss.append(server.rss_mb())
    first = await wh.Tab.new_browser(browser, LANG)  # one visit to every page warms the server
    await wh.visit(first, server.url, pages, f"?lang={LANG}")
    await first.close()
    for _ in range(args.runs):
        for path in pages:
            tab = await wh.Tab.open(browser, LANG)
            m.fresh.setdefault(path, []).append(await tab.goto(f"{server.url}/{path}?lang={LANG}"))
            note(f"fresh session /{path}", m.fresh[path][-1])
            await tab.close()
    m.part_done("fresh sessions")
    # A returning visitor: a new session (a new tab) in a browser that has the app's code in
    # its cache from an earlier visit.
    cached = await wh.Tab.new_browser(browser, LANG)
    await wh.visit(cached, server.url, pages, f"?lang={LANG}")
    for _ in range(args.runs):
        for path in pages:
            tab = await wh.Tab.open_in(cached)
            seconds = await tab.goto(f"{server.url}/{path}?lang={LANG}")
            m.returning.setdefault(path, []).append(seconds)
            note(f"returning visitor /{path}", seconds)
            await tab.page.close()
    await cached.close()
    m.part_done("returning visitors")

    tab = await wh.Tab.open(browser, LANG)
    await tab.goto(f"{server.url}/{pages[-1]}?lang={LANG}")
    for run in range(args.runs + 1):  # the first round only brings each page in
        for path in pages:
            received = tab.received
            # CPU seconds per view, server and browser: far steadier than wall time on a
            # machine others are using, so before/after compare best by these.
            cpu_before = server.cpu_s(), wh.children_cpu_s()
            begin = time.perf_counter()
            seconds = await tab.go_to(m.pages[path])
            if run == 0:
                continue
            m.warm.setdefault(path, []).append(seconds)
            note(f"warm /{path}", seconds)
            m.server_part.setdefault(path, []).append(tab.finished_at[-1] - begin)
            m.cpu.setdefault(path, []).append(
                (server.cpu_s() - cpu_before[0], wh.children_cpu_s() - cpu_before[1])
            )
            m.shape[path] = {**await tab.counts(), "kb": (tab.received - received) // 1024}
            if errors := await tab.errors():
                raise RuntimeError(f"/{path} showed errors: {errors}")
    m.part_done("warm views")
    await controls(tab, args.runs, m)
    await tab.close()
    m.part_done("controls")

    for run, unit_id in enumerate(leaves[: args.runs]):
        await checkin_steps(browser, server.url, unit_id, framework, run, m)
    m.rss.append(server.rss_mb())
    m.part_done("check-in steps and save")


async def controls(tab: wh.Tab, runs: int, m: Measured) -> None:
    """Changing a control: the overview's level, every tab of every page that has tabs (each
    in turn, back to the one a visit opens with), the unit page's compared item."""
    if "overview" in m.pages:
        await tab.go_to(m.pages["overview"])
        for run in range(runs):
            seconds = await choose_other(tab, "ov_node", 1 + run % 2)
            m.controls.setdefault("overview: change level", []).append(seconds)
            note("overview: change level", seconds)
    for path, label in m.pages.items():
        await tab.go_to(label)
        names = await tab_labels(tab)
        for _ in range(runs if names else 0):
            for name in [*names[1:], names[0]]:
                clicked = tab.page.get_by_role("tab", name=name, exact=True).click
                seconds = await tab.act(clicked)
                m.controls.setdefault(f"{path or 'start'}: open tab {name}", []).append(seconds)
                note(f"/{path}: open tab {name}", seconds)
        if path == "unit" and names:
            await tab.act(tab.page.get_by_role("tab", name=t("unit_tab_compare"), exact=True).click)
            for run in range(runs):
                seconds = await choose_other(tab, "unit_compare_item", 1 + run % 2)
                m.controls.setdefault("unit: change compared item", []).append(seconds)
                note("unit: change compared item", seconds)
            await tab.act(tab.page.get_by_role("tab", name=names[0], exact=True).click)


async def bench(args: argparse.Namespace, m: Measured) -> None:
    source = wh.ensure_database(args.db, args.scale)
    print(f"database: {source} ({args.scale}); {wh.loadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as tmp:
        folder = Path(tmp)
        db = wh.working_copy(source, folder)
        leaves = wh.leaf_units(db, args.runs + 1)
        async with async_playwright() as playwright:
            browser = await wh.launch(playwright)
            try:
                offered = await app_pages(browser, db, folder)
                m.pages.update(
                    (p, label)
                    for p, label in offered.items()
                    if args.pages is None or p in args.pages
                )
                print(f"the app's pages (its navigation): {', '.join('/' + p for p in offered)}")
                print(f"timed: {', '.join('/' + p for p in m.pages)}", flush=True)
                await first_visits(browser, db, folder, list(m.pages), args.first_runs, m)
                m.part_done("first visits")
                server = wh.Server(db, folder / "server.log").start()
                try:
                    await on_warm_server(browser, server, args, m, leaves)
                finally:
                    server.stop()
                if args.baseline:
                    await bare_baseline(browser, folder, args.runs, args.first_runs, m)
                    await bare_steps(browser, folder, args.runs, m)
                    m.part_done("baseline")
            finally:
                await browser.close()


def runs_line(name: str, values: list[float]) -> str:
    return f"{name:<34} {med(values):6.2f}  (runs: {', '.join(f'{v:.2f}' for v in values)})"


def report(m: Measured, args: argparse.Namespace, not_measured: str) -> None:
    """The tables from what was measured; a part the run did not finish says so."""
    pages = list(m.pages)
    print(f"\nmedians of {args.runs} runs (first visit: {args.first_runs} for the main pages "
          f"{', '.join('/' + p for p in FIRST_PAGES)}, {FIRST_RUNS_ALL} for the others); seconds; "
          f"{wh.loadavg()}")  # fmt: skip
    for part in PARTS:
        if part not in m.done and (part != "baseline" or args.baseline):
            print(f"{part:<34} {not_measured}")
    print(f"server start until healthy: {med(m.starts):.2f} s (median)")
    if m.probes:
        print(
            f"readiness probe (/_stcore/script-health-check, runs the app once): {med(m.probes):.2f} s"
        )
    print("first: the first visitor after a start; +probe: the same after the readiness probe;")
    print("fresh: a new session in a new browser (empty cache); return: a new session in a")
    print("browser that has the app's code cached from an earlier visit (a returning person);")
    print("server: warm time until the run's end reached the browser; srvCPU, brCPU: CPU seconds")
    print("of the server and of the browser per warm view")
    print(
        f"{'page':<15} {'first':>6} {'+probe':>6} {'fresh':>6} {'return':>6} {'warm':>6} "
        f"{'server':>7} {'srvCPU':>6} {'brCPU':>6} {'charts':>6} {'widgets':>7} {'KB':>6}"
    )
    for path in pages:
        s = m.shape.get(path, {})
        cpu = m.cpu.get(path, [])
        print(
            f"{'/' + path:<15} {med(m.first.get((path, False), [])):6.2f} "
            f"{med(m.first.get((path, True), [])):6.2f} {med(m.fresh.get(path, [])):6.2f} "
            f"{med(m.returning.get(path, [])):6.2f} {med(m.warm.get(path, [])):6.2f} "
            f"{med(m.server_part.get(path, [])):7.2f} "
            f"{med([c[0] for c in cpu]):6.2f} {med([c[1] for c in cpu]):6.2f} "
            f"{s.get('charts', 0):6d} {s.get('widgets', 0):7d} {s.get('kb', 0):6d}"
        )
    for name, values in m.controls.items():
        print(runs_line(name, values))
    for name, values in m.steps.items():
        print(runs_line(f"check-in: step {name}", values))
    print(runs_line("save a check-in", m.saves))
    if len(m.rss) == 2:
        print(f"server memory (RSS): {m.rss[0]:.0f} MB after start, {m.rss[1]:.0f} MB at the end")

    probed = m.probes != []  # with the probe where the app has it (what a deployment does)
    worst_warm = max(
        (med(v) for v in [*m.warm.values(), *m.controls.values()]), default=float("nan")
    )
    worst_first = max(
        (med(v) for (_, was_probed), v in m.first.items() if was_probed == probed),
        default=float("nan"),
    )
    verdicts = [
        ("every page and control warm", worst_warm, TARGET_WARM),
        (
            f"first visit after start{' (after the probe)' if probed else ''}",
            worst_first,
            TARGET_FIRST,
        ),
        ("saving a check-in", med(m.saves), TARGET_SAVE),
    ]
    for name, value, target in verdicts:
        verdict = not_measured if value != value else "met" if value <= target else "NOT met"
        print(f"target {name} <= {target} s: {verdict} ({value:.2f} s)")
    if m.bare:
        print_baseline(m, probed)
    print(wh.loadavg(), flush=True)


def print_baseline(m: Measured, probed: bool) -> None:
    """The bare app's medians, then each app page's time as a multiple of its bare page's,
    and the check-in's steps and save as multiples of the bare step form's."""
    print("\nbaseline: a bare Streamlit app (benchmarks/bare_app.py), same machine, same run")
    columns = ("first", "fresh", "return", "warm")
    print(f"{'bare page':<12} " + " ".join(f"{c:>6}" for c in columns))
    for path, label in BARE_PAGES.items():
        print(f"{label:<12} " + " ".join(f"{med(m.bare[path][c]):6.2f}" for c in columns))
    app = {
        "first": {p: m.first.get((p, probed), []) for p in m.pages},
        "fresh": m.fresh,
        "return": m.returning,
        "warm": m.warm,
    }
    print(f"{'app / bare (its shape)':<28} " + " ".join(f"{c:>6}" for c in columns) + "  worst")
    worst = []
    for path in m.pages:
        base = m.bare[bare_shape(m.shape.get(path, {}))]
        ratios = [med(app[c].get(path, [])) / med(base[c]) for c in columns]
        worst += [r for r in ratios if r == r]
        name = f"/{path} / {BARE_PAGES[bare_shape(m.shape.get(path, {}))]}"
        print(f"{name:<28} " + " ".join(f"{r:6.2f}" for r in ratios) + f"  {max(ratios):5.2f}")
    print(f"{'check-in / bare step form':<28} {'app s':>6} {'bare s':>6} {'ratio':>6}")
    rows = [(f"step {k}", m.steps.get(k, []), v) for k, v in m.bare_steps.items()]
    for name, values, bare in [*rows, ("save", m.saves, m.bare_saves)]:
        ratio = med(values) / med(bare)
        worst += [ratio] if ratio == ratio else []
        print(f"{name:<28} {med(values):6.2f} {med(bare):6.2f} {ratio:6.2f}")
    met = "met" if worst and max(worst) <= TARGET_BARE else "NOT met"
    print(f"target every page, step and save <= {TARGET_BARE}x its bare baseline: {met} "
          f"(worst {max(worst, default=float('nan')):.2f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=Path, default=wh.NATIONAL_DB, help="database to copy (built when missing)"
    )
    parser.add_argument("--scale", choices=["national", "default"], default="national")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement")
    parser.add_argument(
        "--first-runs", type=int, default=2, help="server starts per main page (the others: 1)"
    )
    parser.add_argument("--pages", nargs="*", help="address paths to time ('' is the start page)")
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the bare Streamlit app that the pages are compared with",
    )
    add_deadline_argument(parser, 1800)
    args = parser.parse_args()
    measured = Measured()
    deadline = Deadline.from_args(args)
    deadline.run(bench(args, measured), lambda: report(measured, args, deadline.not_measured))


if __name__ == "__main__":
    main()
