"""Many people at once at quarter end: N concurrent browser sessions on one server.

    .venv/bin/python benchmarks/load_bench.py                 # N = 1, 5, 10, 20 at national scale
    .venv/bin/python benchmarks/load_bench.py --sessions 1 5 10 20 30 --cycles 2

For each N, a fresh server (`streamlit run app.py` on 127.0.0.1) on a copy of the national demo
database (built once into $TMPDIR/dtmaturity-bench-national.duckdb when missing), then N
browser sessions in one headless Chromium (the system's), all started together. Each session
does `--cycles` rounds of a leader's visit at quarter end: open the start page, click to the unit
page, click to the overview, open the check-in of a unit of its own (a link with ?unit=), score
every item and submit. Every session has its own units, so each submit is one new check-in.
Each round is a new tab (a new Streamlit session) in a browser that has visited the app before
and has its code cached, as a returning leader's browser has; `--new-browsers` opens every
round in a new browser with an empty cache instead (first-time visitors, each loading all of
Streamlit's front-end code).

Printed per N: page views and check-ins per minute, p50/p95/max page time (from the action to
every chart drawn, see webharness.py), errors (anything that failed, timed out or showed an
error box), the server's peak memory and CPU, and the browsers' CPU (they share the machine's
cores with the server, so the figures are a lower bound of what the server alone would do).
Then the memory of idle sessions: the server's memory with `--idle` sessions open on the unit
page, less its memory before them, per session.

After each N the server is stopped and the database checked: every submitted check-in is stored
exactly once, with the scores submitted, and the dashboards' roll-up (`answer_rollup`) matches
the answers exactly. Targets: p95 <= 3 s at N = 20, no errors, nothing lost. Stops by itself:
every wait is bounded and the whole run has a deadline (`--deadline`, seconds); the levels
measured by then are printed all the same, each N it cut off saying so in its row
(benchmarks/deadline.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402
import webharness as wh  # noqa: E402
from deadline import Deadline  # noqa: E402
from deadline import add_argument as add_deadline_argument  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from dtmaturity.domain import formats, i18n  # noqa: E402
from dtmaturity.domain.framework import load  # noqa: E402
from dtmaturity.domain.periods import Period  # noqa: E402
from dtmaturity.store import queries  # noqa: E402

LANG = "nb"
TARGET_P95 = 3.0


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it."""
    return i18n.t(
        LANG,
        key,
        **{k: formats.quarter(v, LANG) if isinstance(v, str) else v for k, v in params.items()},
    )


@dataclass
class Level:
    """What N sessions did together."""

    sessions: int
    times: dict[str, list[float]] = field(default_factory=dict)  # step: seconds
    errors: list[str] = field(default_factory=list)
    submitted: dict[str, list[int]] = field(default_factory=dict)  # unit: scores (item order)
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    rss_before_mb: float = 0.0
    server_cpu_s: float = 0.0
    browser_cpu_s: float = 0.0
    check: str = ""

    def all_times(self) -> list[float]:
        return sorted(v for values in self.times.values() for v in values)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def session(browser, cached, url: str, units: list[str], framework, level: Level) -> None:  # type: ignore[no-untyped-def]
    """One leader's rounds; each failure is recorded and the round abandoned, never raised.
    With `cached` (a browser context that has visited the app) each round is a new tab
    there, as a returning leader's browser has the app's code cached; else a new browser."""
    period = str(Period.current())
    for number, unit_id in enumerate(units):
        tab = await (wh.Tab.open_in(cached) if cached else wh.Tab.open(browser, LANG))
        step = "start"
        try:
            steps = [
                ("start page", tab.goto, f"{url}/?lang={LANG}"),
                ("unit page", tab.go_to, t("page_unit")),
                ("overview", tab.go_to, t("page_overview")),
                ("check-in page", tab.goto, f"{url}/checkin?lang={LANG}&unit={unit_id}"),
            ]
            for step, run, where in steps:
                level.times.setdefault(step, []).append(await run(where))
                if errors := await tab.errors():
                    raise RuntimeError("; ".join(errors)[:300])
            step = "save a check-in"
            scores = []
            # The check-in is in steps: the wheel, then the competencies, then the summary.
            step_options = tab.page.locator(".st-key-ci_step [data-testid='stRadioOption']")
            for index, item in enumerate(framework.items):
                if item is framework.competencies[0]:
                    await tab.act(step_options.nth(1).click)
                position = (index + number + len(unit_id)) % len(item.scale.values)
                scores.append(item.scale.values[position])
                radio = tab.page.locator(f".st-key-score-{item.id} [data-testid='stRadioOption']")
                await tab.act(radio.nth(position).click)
            await tab.act(step_options.last.click, text=t("submit"))
            submit = tab.page.get_by_role("button", name=t("submit"))
            level.submitted[unit_id] = scores  # submitted: from here on it must be stored
            saved = await tab.act(submit.click, text=t("saved_new", period=period))
            level.times.setdefault(step, []).append(saved)
            if errors := await tab.errors():
                raise RuntimeError("; ".join(errors)[:300])
        except Exception as exc:  # noqa: BLE001 (counted and reported, the others go on)
            level.errors.append(f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        finally:
            await (tab.page.close() if cached else tab.close())


async def sample_memory(server: wh.Server, level: Level, stop: asyncio.Event) -> None:
    while not stop.is_set():
        level.peak_rss_mb = max(level.peak_rss_mb, server.rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.2)


# Every submitted check-in's rows (SQL both
# DuckDB and PostgreSQL run: multiprocess_bench.py checks PostgreSQL the same way).
STORED_SQL = (
    "SELECT unit_id, count(*) FROM checkin WHERE respondent = ? AND period = ? GROUP BY unit_id"
)
ANSWERS_SQL = "SELECT unit_id, item_id, score FROM answer WHERE respondent = ? AND period = ?"


def check_database(db: Path, level: Level, framework) -> str:  # type: ignore[no-untyped-def]
    """Every submitted check-in stored exactly once with its scores; the roll-up matches."""
    period = str(Period.current())
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(con.execute(STORED_SQL, [wh.BENCH_USER, period]).fetchall())
        rows = con.execute(ANSWERS_SQL, [wh.BENCH_USER, period]).fetchall()
        rollup_off = queries.rollup_mismatches(con)
    finally:
        con.close()
    return verdict(level, framework, stored, rows, rollup_off)


def verdict(level: Level, framework, stored: dict, rows: list, rollup_off: int) -> str:  # type: ignore[no-untyped-def]
    """What the database holds against what the sessions submitted, in one line."""
    answers: dict[str, dict[str, int]] = {}
    for unit_id, item_id, score in rows:
        answers.setdefault(unit_id, {})[item_id] = score
    problems = []
    missing = [u for u in level.submitted if stored.get(u, 0) == 0]
    doubled = [u for u, n in stored.items() if n > 1]
    unexpected = [u for u in stored if u not in level.submitted]
    wrong = [
        u
        for u, scores in level.submitted.items()
        if u in answers
        and answers[u] != {item.id: s for item, s in zip(framework.items, scores, strict=True)}
    ]
    # A submit that failed in the browser may still have been stored: then it must be whole.
    for name, units in (("missing", missing), ("stored twice", doubled), ("wrong scores", wrong)):
        if units:
            problems.append(f"{len(units)} {name}")
    if rollup_off:
        problems.append(f"{rollup_off} roll-up rows differ from the answers")
    stored_count = sum(stored.values())
    outcome = "ok" if not problems else "PROBLEM: " + ", ".join(problems)
    return (
        f"{len(level.submitted)} submitted, {stored_count} stored "
        f"({len(unexpected)} not submitted), roll-up rows off: {rollup_off}: {outcome}"
    )


async def run_level(browser, source: Path, folder: Path, n: int, units: list[str], args) -> Level:  # type: ignore[no-untyped-def]
    framework = load()
    db = wh.working_copy(source, folder)
    level = Level(n)
    server = wh.Server(db, folder / "server.log").start()
    try:
        # A first visitor, so N measures the warm server; its browser keeps the app's code
        # cached for the sessions (unless --new-browsers).
        cached = await wh.Tab.new_browser(browser, LANG)
        await wh.visit(cached, server.url, ("", "unit", "overview", "checkin"), f"?lang={LANG}")
        if args.new_browsers:
            await cached.close()
            cached = None
        level.rss_before_mb = server.rss_mb()
        cpu_server, cpu_browser = server.cpu_s(), wh.children_cpu_s()
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server, level, stop))
        begin = time.perf_counter()
        shares = [units[i * args.cycles : (i + 1) * args.cycles] for i in range(n)]
        await asyncio.gather(
            *(session(browser, cached, server.url, s, framework, level) for s in shares)
        )
        level.wall_s = time.perf_counter() - begin
        stop.set()
        await sampler
        level.server_cpu_s = server.cpu_s() - cpu_server
        level.browser_cpu_s = wh.children_cpu_s() - cpu_browser
        if cached:
            await cached.close()
    finally:
        server.stop()
    level.check = check_database(db, level, framework)
    db.unlink()
    return level


async def idle_memory(browser, source: Path, folder: Path, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(server RSS with one session, MB more per further idle session on the unit page)."""
    db = wh.working_copy(source, folder)
    server = wh.Server(db, folder / "server.log").start()
    tabs = []
    try:
        for _ in range(count + 1):
            tab = await wh.Tab.open(browser, LANG)
            await tab.goto(f"{server.url}/unit?lang={LANG}")
            tabs.append(tab)
            if len(tabs) == 1:
                await asyncio.sleep(2)
                one = server.rss_mb()
        await asyncio.sleep(2)
        many = server.rss_mb()
    finally:
        for tab in tabs:
            await tab.close()
        server.stop()
        db.unlink()
    return one, (many - one) / count


@dataclass
class Results:
    """What a run plans and what it has measured so far (filled as each N ends, so a run
    stopped early still reports them)."""

    planned: list[int]  # N, in the order run
    cycles: int
    levels: list[Level] = field(default_factory=list)
    idle_planned: bool = False
    idle: tuple[float, float] | None = None


def report(results: Results, not_measured: str) -> None:
    """The table of every planned N (measured or not), then the idle memory and the target."""
    levels = results.levels
    measured = {lv.sessions: lv for lv in levels}
    print(
        f"\n{results.cycles} rounds per session (start page, unit page, overview, check-in page, save)"
    )
    print(wh.loadavg())
    print(
        f"{'N':>3} {'views/min':>9} {'check-ins/min':>13} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
        f"{'errors':>6} {'peak MB':>7} {'MB/session':>10} {'server CPU':>10} {'browser CPU':>11}"
    )
    for n in results.planned:
        lv = measured.get(n)
        if lv is None:
            print(f"{n:>3} {not_measured}")
            continue
        views = len(lv.all_times())
        minutes = lv.wall_s / 60
        per_session = (lv.peak_rss_mb - lv.rss_before_mb) / lv.sessions
        print(
            f"{lv.sessions:>3} {views / minutes:9.1f} {len(lv.times.get('save a check-in', [])) / minutes:13.1f} "
            f"{percentile(lv.all_times(), 0.5):6.2f} {percentile(lv.all_times(), 0.95):6.2f} "
            f"{max(lv.all_times(), default=float('nan')):6.2f} {len(lv.errors):>6} "
            f"{lv.peak_rss_mb:7.0f} {per_session:10.1f} {lv.server_cpu_s / lv.wall_s:9.0%} "
            f"{lv.browser_cpu_s / lv.wall_s:10.0%}"
        )
    print("\np95 per step (s):")
    steps = list(dict.fromkeys(s for lv in levels for s in lv.times))
    print(f"{'N':>3} " + " ".join(f"{s:>15}" for s in steps))
    for lv in levels:
        print(
            f"{lv.sessions:>3} "
            + " ".join(f"{percentile(lv.times.get(s, []), 0.95):15.2f}" for s in steps)
        )
    print("\nstored exactly once, roll-up matches:")
    for lv in levels:
        print(f"{lv.sessions:>3}: {lv.check}")
        for error in sorted(set(lv.errors))[:5]:
            print(f"     error ({lv.errors.count(error)}x): {error}")
    if results.idle:
        print(
            f"\nidle sessions: server {results.idle[0]:.0f} MB with one session, "
            f"{results.idle[1]:+.1f} MB per further idle session (RSS moves by a few MB on its "
            "own: a figure near 0 means too small to see)"
        )
    elif results.idle_planned:
        print(f"\nidle sessions: {not_measured}")
    print_target(results, measured, not_measured)
    print(wh.loadavg(), flush=True)


def print_target(results: Results, measured: dict[int, Level], not_measured: str) -> None:
    """The target at the largest N planned."""
    n = max(results.planned)
    top = measured.get(n)
    if top is None:
        print(f"target at N = {n}: {not_measured}")
        return
    p95 = percentile(top.all_times(), 0.95)
    clean = not top.errors and top.check.endswith(": ok")
    met = p95 <= TARGET_P95 and clean
    print(
        f"target at N = {top.sessions}: p95 <= {TARGET_P95} s, no errors, nothing lost: "
        f"{'met' if met else 'NOT met'} (p95 {p95:.2f} s, {len(top.errors)} errors, {top.check.split(': ', 1)[-1]})"
    )


async def bench(args: argparse.Namespace, results: Results) -> None:
    source = wh.ensure_database(args.db, args.scale)
    print(f"database: {source} ({args.scale}); {wh.loadavg()}", flush=True)
    units = wh.leaf_units(source, max(args.sessions) * args.cycles)
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        async with async_playwright() as playwright:
            browser = await wh.launch(playwright)
            try:
                for n in results.planned:
                    level = await run_level(browser, source, Path(tmp), n, units, args)
                    results.levels.append(level)
                    print(
                        f"N = {n}: {len(level.all_times())} page views in {level.wall_s:.1f} s, "
                        f"{len(level.errors)} errors; {level.check}; {wh.loadavg()}"
                    )
                    # each level in full as it ends
                    report(Results([n], args.cycles, [level]), "")
                if args.idle:
                    results.idle = await idle_memory(browser, source, Path(tmp), args.idle)
            finally:
                await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=Path, default=wh.NATIONAL_DB, help="database to copy (built when missing)"
    )
    parser.add_argument("--scale", choices=["national", "default"], default="national")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--cycles", type=int, default=2, help="rounds per session")
    parser.add_argument("--idle", type=int, default=10, help="idle sessions for the memory figure")
    parser.add_argument(
        "--new-browsers",
        action="store_true",
        help="every session in a new browser with an empty cache (first-time visitors)",
    )
    add_deadline_argument(parser, 1500)
    args = parser.parse_args()
    results = Results(args.sessions, args.cycles, idle_planned=args.idle > 0)
    deadline = Deadline.from_args(args)
    deadline.run(bench(args, results), lambda: report(results, deadline.not_measured))


if __name__ == "__main__":
    main()
