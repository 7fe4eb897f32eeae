"""Page time in a real browser at national scale: from the action to every chart drawn.

    .venv/bin/python benchmarks/browser_bench.py              # national demo, 3 runs
    .venv/bin/python benchmarks/browser_bench.py --runs 5 --db FILE

Starts the app as a real Streamlit server on loopback on a copy of the national demo database
(built once into $TMPDIR/dtmaturity-bench-national.duckdb when missing, then reused), drives
headless Chromium (the system's /usr/bin/chromium through Playwright) and prints, per page, the
median time from navigation to "every chart drawn and Streamlit idle" (see webharness.py):

- first visit: the first visitor after the server started (a new server for each page and run);
- fresh session: a new session in a new browser (an empty cache) on a warm server;
- returning visitor: a new session (a new tab) in a browser that has the app's code cached;
- warm: a click in the sidebar of a session that has seen the page before;
- server part of the warm time: until Streamlit's "script finished" message reached the
  browser (script run and transfer); the rest is drawing in the browser;

then changing a control (the overview's level, each of the unit page's tabs, its compared
item), and in the check-in, which is in steps: the step change from the wheel to the
competencies ("Next", click to the next step drawn) and saving it on the summary step (click to
the confirmation drawn). Targets: warm <= 1.0 s, first visit <= 2.5 s, saving a check-in
<= 0.5 s. Everything stays on 127.0.0.1 and stops by itself.

Last, the baseline: a bare Streamlit app (bare_app.py: no database, no app code, pages of the
same shapes) timed the same way on the same machine, and each page's time as a multiple of its
bare page's: the floor the framework sets, and what the app adds to it (--no-baseline skips it).
The check-in's step change and save are compared with a bare form of the same step's size
(bare_app.py's "steps" page) in the same way. Target: every figure <= 1.3x its bare one.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import webharness as wh  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from dtmaturity.domain import formats, i18n  # noqa: E402
from dtmaturity.domain.framework import load  # noqa: E402
from dtmaturity.domain.periods import Period  # noqa: E402

LANG = "nb"
PAGES = {  # address path: title key (the sidebar link's label)
    "": "page_home",
    "checkin": "page_checkin",
    "unit": "page_unit",
    "overview": "page_overview",
    "import": "page_import",
    "admin": "page_admin",
    "mydata": "page_mydata",
    "about": "page_about",
}
# The unit page's sections, as tabs (only the open one is drawn), in the order they are opened
# by the benchmark: each of the others, then back to the first (the one a visit opens with).
UNIT_TABS = (
    "unit_tab_competencies",
    "unit_tab_compare",
    "unit_tab_roles",
    "unit_tab_actions",
    "unit_tab_reflections",
    "unit_tab_wheel",
)
FIRST_PAGES = ("", "checkin", "unit", "overview")  # each a server start per run: the main ones
TARGET_WARM, TARGET_FIRST, TARGET_SAVE = 1.0, 2.5, 0.5
# The baseline: a bare Streamlit app (bare_app.py) with a page of each shape, and which of the
# app's pages each stands beside (its address path: the app's pages that have that shape).
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
BARE_PAGES = {"": "Tom", "form": "Skjema", "charts": "Diagrammer"}
BARE_FOR = {"": "", "checkin": "form", "unit": "charts", "overview": "charts", "admin": "charts"}


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


async def open_tab(tab: wh.Tab, key: str) -> float:
    """Click the unit page's tab with label `key`: seconds until its section is drawn."""
    return await tab.act(tab.page.get_by_role("tab", name=t(key), exact=True).click)


async def checkin_steps(browser, url: str, unit_id: str, framework, scores: int):  # type: ignore[no-untyped-def]
    """Open the check-in for a unit, score the wheel, go to the next step, score the
    competencies, open the summary and save: (seconds from the click on "Next" until the next
    step is drawn, seconds from the click on "submit" until the confirmation is drawn)."""
    tab = await wh.Tab.open(browser, LANG)
    try:
        await tab.goto(f"{url}/checkin?lang={LANG}&unit={unit_id}")

        async def score(items) -> None:  # type: ignore[no-untyped-def]
            for number, item in enumerate(items):
                position = (number + scores) % len(item.scale.values)
                radio = tab.page.locator(f".st-key-score-{item.id} [data-testid='stRadioOption']")
                await tab.act(radio.nth(position).click)

        await score(framework.themes)
        name = t("checkin_step_competencies")
        following = tab.page.get_by_role("button", name=t("checkin_next", name=name))
        step = await tab.act(
            following.click, text=t("checkin_step_heading", number=2, count=6, name=name)
        )
        await score(framework.competencies)
        summary = tab.page.locator(".st-key-ci_step [data-testid='stRadioOption']").last
        await tab.act(summary.click, text=t("submit"))
        submit = tab.page.get_by_role("button", name=t("submit"))
        saved = t("saved_new", period=str(Period.current()))
        seconds = await tab.act(submit.click, text=saved)
        if errors := await tab.errors():
            raise RuntimeError(f"saving a check-in showed errors: {errors}")
        return step, seconds
    finally:
        await tab.close()


async def bare_steps(browser, folder: Path, runs: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """The bare form of the check-in's step size: ("Next" to the next step drawn, "Lagre" to
    its confirmation drawn) in seconds, each in a new session."""
    changes: list[float] = []
    saves: list[float] = []
    server = wh.Server(folder / "unused.duckdb", folder / "bare.log", script=BARE_APP).start()
    try:
        for _ in range(runs):
            tab = await wh.Tab.open(browser, LANG)
            await tab.goto(f"{server.url}/steps")
            following = tab.page.get_by_role("button", name="Neste")
            changes.append(await tab.act(following.click, text="Steg 2 av 6"))
            for _ in range(4):  # on to the summary step
                await tab.act(tab.page.get_by_role("button", name="Neste").click)
            save = tab.page.get_by_role("button", name="Lagre")
            saves.append(await tab.act(save.click, text="Lagret."))
            await tab.close()
    finally:
        server.stop()
    return changes, saves


async def first_visits(browser, db: Path, folder: Path, pages: list[str], runs: int):  # type: ignore[no-untyped-def]
    """{(page, probed): [seconds]} for the first visitor after a server start, without and
    with a readiness probe first; and the servers' start and probe times."""
    times: dict[tuple[str, bool], list[float]] = {(p, b): [] for p in pages for b in (False, True)}
    starts: list[float] = []
    probes: list[float] = []
    for _ in range(runs):
        for path in pages:
            for probed in (False, True):
                server = wh.Server(db, folder / "server.log").start(probe=probed)
                starts.append(server.started_s)
                if server.probe_s is not None:
                    probes.append(server.probe_s)
                try:
                    tab = await wh.Tab.open(browser, LANG)
                    url = f"{server.url}/{path}?lang={LANG}"
                    times[path, probed].append(await tab.goto(url))
                    note(
                        f"first visit /{path}{' after the probe' if probed else ''}",
                        times[path, probed][-1],
                    )
                    await tab.close()
                finally:
                    server.stop()
    return times, starts, probes


async def bare_baseline(browser, folder: Path, runs: int, first_runs: int):  # type: ignore[no-untyped-def]
    """{bare page: {"first" | "fresh" | "return" | "warm": [seconds]}} for the bare app, timed
    as the app's pages are (after the readiness probe, as a deployment does)."""
    times: dict[str, dict[str, list[float]]] = {
        p: {"first": [], "fresh": [], "return": [], "warm": []} for p in BARE_PAGES
    }
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
        tab = await wh.Tab.open_in(cached)
        for path in BARE_PAGES:
            await tab.goto(f"{server.url}/{path}")
        await tab.page.close()
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
    return times


def print_baseline(bare, pages: list[str], columns: dict[str, dict[str, list[float]]]) -> None:  # type: ignore[no-untyped-def]
    """The bare app's medians, then each app page's time as a multiple of its bare page's."""
    print("\nbaseline: a bare Streamlit app (benchmarks/bare_app.py), same machine, same run")
    print(f"{'bare page':<12} {'first':>6} {'fresh':>6} {'return':>6} {'warm':>6}")
    for path, label in BARE_PAGES.items():
        row = " ".join(f"{med(bare[path][c]):6.2f}" for c in ("first", "fresh", "return", "warm"))
        print(f"{label:<12} {row}")
    print(f"{'app / bare':<22} {'first':>6} {'fresh':>6} {'return':>6} {'warm':>6}")
    for path in pages:
        if path not in BARE_FOR:
            continue
        base = bare[BARE_FOR[path]]
        ratios = " ".join(
            f"{med(columns[c].get(path, [])) / med(base[c]):6.2f}"
            for c in ("first", "fresh", "return", "warm")
        )
        print(f"{'/' + path + ' / ' + BARE_PAGES[BARE_FOR[path]]:<22} {ratios}")


async def bench(args: argparse.Namespace) -> None:
    source = wh.ensure_database(args.db, args.scale)
    framework = load()
    pages = [p for p in PAGES if args.pages is None or p in args.pages]
    print(f"database: {source} ({args.scale}); {wh.loadavg()}")
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as tmp:
        folder = Path(tmp)
        db = wh.working_copy(source, folder)
        leaves = wh.leaf_units(db, args.runs + 1)
        async with async_playwright() as playwright:
            browser = await wh.launch(playwright)
            first_pages = [p for p in pages if p in FIRST_PAGES]
            first, starts, probes = await first_visits(
                browser, db, folder, first_pages, args.first_runs
            )
            print(f"first visits done; {wh.loadavg()}")

            server = wh.Server(db, folder / "server.log").start()
            try:
                rss_start = server.rss_mb()
                # One visit to every page warms the server; then fresh sessions, then warm.
                tab = await wh.Tab.open(browser, LANG)
                for path in pages:
                    await tab.goto(f"{server.url}/{path}?lang={LANG}")
                await tab.close()
                fresh: dict[str, list[float]] = {p: [] for p in pages}
                for _ in range(args.runs):
                    for path in pages:
                        tab = await wh.Tab.open(browser, LANG)
                        fresh[path].append(await tab.goto(f"{server.url}/{path}?lang={LANG}"))
                        note(f"fresh session /{path}", fresh[path][-1])
                        await tab.close()
                # A returning visitor: a new session (a new tab) in a browser that has the
                # app's code in its cache from an earlier visit.
                returning: dict[str, list[float]] = {p: [] for p in pages}
                cached = await wh.Tab.new_browser(browser, LANG)
                tab = await wh.Tab.open_in(cached)
                for path in pages:
                    await tab.goto(f"{server.url}/{path}?lang={LANG}")
                await tab.page.close()
                for _ in range(args.runs):
                    for path in pages:
                        tab = await wh.Tab.open_in(cached)
                        url = f"{server.url}/{path}?lang={LANG}"
                        returning[path].append(await tab.goto(url))
                        note(f"returning visitor /{path}", returning[path][-1])
                        await tab.page.close()
                await cached.close()

                warm: dict[str, list[float]] = {p: [] for p in pages}
                server_part: dict[str, list[float]] = {p: [] for p in pages}
                # CPU seconds per view, server and browser: far steadier than wall time on a
                # machine others are using, so before/after compare best by these.
                cpu: dict[str, list[tuple[float, float]]] = {p: [] for p in pages}
                shape: dict[str, dict[str, int]] = {}
                tab = await wh.Tab.open(browser, LANG)
                await tab.goto(f"{server.url}/{pages[-1]}?lang={LANG}")
                for run in range(args.runs + 1):  # the first round only brings each page in
                    for path in pages:
                        received = tab.received
                        cpu_before = server.cpu_s(), wh.children_cpu_s()
                        begin = time.perf_counter()
                        seconds = await tab.go_to(t(PAGES[path]))
                        if run == 0:
                            continue
                        warm[path].append(seconds)
                        note(f"warm /{path}", seconds)
                        server_part[path].append(tab.finished_at[-1] - begin)
                        cpu[path].append(
                            (server.cpu_s() - cpu_before[0], wh.children_cpu_s() - cpu_before[1])
                        )
                        shape[path] = {
                            **await tab.counts(),
                            "kb": (tab.received - received) // 1024,
                        }
                        if errors := await tab.errors():
                            raise RuntimeError(f"/{path} showed errors: {errors}")

                controls: dict[str, list[float]] = {
                    "overview: change level": [],
                    **{f"unit: open tab {t(key)}": [] for key in UNIT_TABS},
                    "unit: change compared item": [],
                }
                await tab.go_to(t("page_overview"))
                for run in range(args.runs):
                    controls["overview: change level"].append(
                        await choose_other(tab, "ov_node", 1 + run % 2)
                    )
                await tab.go_to(t("page_unit"))
                for _ in range(args.runs):
                    for key in UNIT_TABS:  # each section in turn, back to the first one
                        controls[f"unit: open tab {t(key)}"].append(await open_tab(tab, key))
                await open_tab(tab, "unit_tab_compare")
                for run in range(args.runs):
                    controls["unit: change compared item"].append(
                        await choose_other(tab, "unit_compare_item", 1 + run % 2)
                    )
                await open_tab(tab, "unit_tab_wheel")
                await tab.close()

                walked = [
                    await checkin_steps(browser, server.url, unit_id, framework, run)
                    for run, unit_id in enumerate(leaves[: args.runs])
                ]
                step_changes = [change for change, _ in walked]
                saves = [save for _, save in walked]
                rss_end = server.rss_mb()
            finally:
                server.stop()
            bare = None
            bare_changes: list[float] = []
            bare_saves: list[float] = []
            if args.baseline:
                bare = await bare_baseline(browser, folder, args.runs, args.first_runs)
                bare_changes, bare_saves = await bare_steps(browser, folder, args.runs)
                print(f"baseline done; {wh.loadavg()}")
            await browser.close()

    print(
        f"\nmedians of {args.runs} runs (first visit: {args.first_runs}); seconds; {wh.loadavg()}"
    )
    print(f"server start until healthy: {med(starts):.2f} s (median)")
    if probes:
        print(
            f"readiness probe (/_stcore/script-health-check, runs the app once): {med(probes):.2f} s"
        )
    print("first: the first visitor after a start; +probe: the same after the readiness probe;")
    print("fresh: a new session in a new browser (empty cache); return: a new session in a")
    print("browser that has the app's code cached from an earlier visit (a returning person);")
    print("server: warm time until the run's end reached the browser; srvCPU, brCPU: CPU seconds")
    print("of the server and of the browser per warm view")
    header = (
        f"{'page':<10} {'first':>6} {'+probe':>6} {'fresh':>6} {'return':>6} {'warm':>6} "
        f"{'server':>7} "
        f"{'srvCPU':>6} {'brCPU':>6} "
        f"{'charts':>6} {'widgets':>7} {'KB':>6}"
    )
    print(header)
    for path in pages:
        s = shape.get(path, {})
        print(
            f"{'/' + path:<10} {med(first.get((path, False), [])):6.2f} "
            f"{med(first.get((path, True), [])):6.2f} {med(fresh[path]):6.2f} "
            f"{med(returning[path]):6.2f} "
            f"{med(warm[path]):6.2f} {med(server_part[path]):7.2f} "
            f"{med([c[0] for c in cpu[path]]):6.2f} {med([c[1] for c in cpu[path]]):6.2f} "
            f"{s.get('charts', 0):6d} "
            f"{s.get('widgets', 0):7d} {s.get('kb', 0):6d}"
        )
    for name, values in controls.items():
        print(f"{name:<30} {med(values):6.2f}  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    for name, values in (("check-in: next step", step_changes), ("save a check-in", saves)):
        print(f"{name:<30} {med(values):6.2f}  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"server memory (RSS): {rss_start:.0f} MB after start, {rss_end:.0f} MB at the end")

    worst_warm = max(med(warm[p]) for p in pages)
    probed = probes != []  # with the probe where the app has it (what a deployment does)
    worst_first = max((med(first[p, probed]) for p in first_pages), default=float("nan"))
    worst_control = max(med(v) for v in controls.values())
    verdicts = [
        ("every page warm", max(worst_warm, worst_control), TARGET_WARM),
        (
            f"first visit after start{' (after the probe)' if probed else ''}",
            worst_first,
            TARGET_FIRST,
        ),
        ("saving a check-in", med(saves), TARGET_SAVE),
    ]
    for name, value, target in verdicts:
        verdict = "not measured" if value != value else "met" if value <= target else "NOT met"
        print(f"target {name} <= {target} s: {verdict} ({value:.2f} s)")
    if bare is not None:
        columns = {
            "first": {p: first.get((p, probed), []) for p in pages},
            "fresh": fresh,
            "return": returning,
            "warm": warm,
        }
        print_baseline(bare, pages, columns)
        print(f"{'check-in / bare step form':<26} {'next step':>9} {'save':>6}")
        print(
            f"{'bare form of a step (s)':<26} {med(bare_changes):9.2f} {med(bare_saves):6.2f}\n"
            f"{'check-in / bare':<26} {med(step_changes) / med(bare_changes):9.2f} "
            f"{med(saves) / med(bare_saves):6.2f}  (target <= 1.3)"
        )
    print(wh.loadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=Path, default=wh.NATIONAL_DB, help="database to copy (built when missing)"
    )
    parser.add_argument("--scale", choices=["national", "default"], default="national")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement")
    parser.add_argument("--first-runs", type=int, default=2, help="server starts per page")
    parser.add_argument("--pages", nargs="*", help="address paths to time ('' is the start page)")
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the bare Streamlit app that the pages are compared with",
    )
    args = parser.parse_args()
    asyncio.run(asyncio.wait_for(bench(args), timeout=1800))


if __name__ == "__main__":
    main()
