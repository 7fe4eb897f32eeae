"""Several app processes on one PostgreSQL database, and a check-in save on PostgreSQL against
the DuckDB file, measured in one run.

    .venv/bin/python benchmarks/multiprocess_bench.py                 # national, 1 and 2 processes, 20 sessions
    .venv/bin/python benchmarks/multiprocess_bench.py --processes 1 2 4 --duckdb --deadline 2400
    .venv/bin/python benchmarks/multiprocess_bench.py --scale default --sessions 2 --cycles 1 \\
        --saves 3 --db /tmp/small.duckdb                              # a smoke run (a minute)

A throw-away PostgreSQL cluster (tests/pgcluster.py: Debian's binaries, loopback, removed at the
end) gets the demo database once, moved there with `dtmaturity copy --to` into a template
database. Then, in the same run, in this order (what the targets need first):

- **Save.** A check-in saved through the services (`checkins.save`) on a copy of the file and
  on PostgreSQL, alternately, `--saves` times each, each a new check-in of its own unit:
  median and p95 in milliseconds, and PostgreSQL's median over DuckDB's. Target <= 1.5x.
- **Capacity.** For each count P of processes (`--processes`): a fresh database from the
  template, P app servers on it (`python -m dtmaturity.web.serve`, as `make run`), and N
  browser sessions (`--sessions`) spread over them in turn (sticky sessions, as behind a load
  balancer), each doing load_bench.py's leader's visit (start page, unit page, overview,
  check-in page, save) `--cycles` times. Printed per P: page views and check-ins per minute,
  p95 per page, each server process's share of a core, and the database check (every submitted
  check-in stored exactly once with its scores, the roll-up equal to the answers, checked on
  PostgreSQL). Target: 2 processes serve >= 1.7x the check-ins per minute of 1.
- **Baselines**: a bare Streamlit app (bare_app.py: no database, no app code) with each P
  processes, N sessions each viewing its three pages `--cycles` times: what this machine's
  cores allow any Streamlit app to gain from more processes, with the browsers on the same
  cores; with `--duckdb`, also the same sessions on the DuckDB file with its one process (the
  default deployment).

Each part's table is printed as the part ends; at the end every part again with the targets.
The run stops at `--deadline` (seconds): the parts measured by then are printed all the same,
and each part it cut off says "not measured: deadline" in its row (benchmarks/deadline.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import load_bench as lb  # noqa: E402
import psycopg  # noqa: E402
import webharness as wh  # noqa: E402
from deadline import Deadline  # noqa: E402
from deadline import add_argument as add_deadline_argument  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from dtmaturity.domain.framework import load  # noqa: E402
from dtmaturity.domain.model import CheckIn  # noqa: E402
from dtmaturity.domain.periods import Period  # noqa: E402
from dtmaturity.store import queries  # noqa: E402

sys.path.insert(0, str(wh.ROOT / "tests"))
from pgcluster import pg_cluster, url_for  # noqa: E402

BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
BARE_PATHS = ("", "form", "charts")
TEMPLATE = "bench_template"
TARGET_SCALING, TARGET_SAVE = 1.7, 1.5


@dataclass
class Results:
    """What a run plans, in order, and what it has measured so far (filled as parts end, so
    a run stopped early still reports them)."""

    planned: list[tuple[str, int]]  # capacity configurations: (name, processes)
    runs: list[Run] = field(default_factory=list)
    saves: dict[str, list[float]] | None = None  # database: seconds per save
    saves_planned: int = 0


@dataclass
class Run:
    """One configuration's figures: which, its load level, each server's CPU seconds."""

    name: str
    processes: int
    level: lb.Level
    cpu_s: list[float] = field(default_factory=list)

    def checkins_per_min(self) -> float:
        return len(self.level.times.get("save a check-in", [])) / (self.level.wall_s / 60)

    def views_per_min(self) -> float:
        return len(self.level.all_times()) / (self.level.wall_s / 60)


class Cluster:
    """The throw-away cluster's databases: the template, and one per run made from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._count = 0

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def fill_template(self, source: Path, deadline: Deadline) -> None:
        with self.admin() as con:
            con.execute(f'CREATE DATABASE "{TEMPLATE}"')
        command = [sys.executable, "-m", "dtmaturity", "--db", str(source), "copy", "--to",
                   url_for(self.url, TEMPLATE)]  # fmt: skip
        done = deadline.command(command, cwd=wh.ROOT)
        if done.returncode != 0:
            sys.exit(f"dtmaturity copy failed:\n{done.stderr}")
        print(done.stdout.splitlines()[-1], flush=True)

    def fresh(self) -> str:
        self._count += 1
        name = f"bench_{self._count}"
        with self.admin() as con:
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return url_for(self.url, name)

    def drop(self, url: str) -> None:
        with self.admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def check_postgres(url: str, level: lb.Level, framework) -> str:  # type: ignore[no-untyped-def]
    """load_bench's check, on PostgreSQL: the same SQL, the same verdict."""
    period = str(Period.current())
    to_pg = lambda sql: sql.replace("?", "%s")  # noqa: E731
    with psycopg.connect(url) as con:
        stored = dict(con.execute(to_pg(lb.STORED_SQL), [wh.BENCH_USER, period]).fetchall())
        rows = con.execute(to_pg(lb.ANSWERS_SQL), [wh.BENCH_USER, period]).fetchall()
        rollup_off = queries.rollup_mismatches(con)
    return lb.verdict(level, framework, stored, rows, rollup_off)


async def warm(cached, servers: list[wh.Server], paths: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """A first visitor on each server, so the sessions meet warm servers with the app's code
    in the browser's cache."""
    for server in servers:
        await wh.visit(cached, server.url, paths, f"?lang={lb.LANG}")


async def drive(servers: list[wh.Server], level: lb.Level, work) -> list[float]:  # type: ignore[no-untyped-def]
    """Run the sessions (`work(server_url, share_index)` each, spread over the servers in
    turn); returns each server's CPU seconds meanwhile."""
    before = [s.cpu_s() for s in servers]
    begin = time.perf_counter()
    await asyncio.gather(*(work(servers[i % len(servers)].url, i) for i in range(level.sessions)))
    level.wall_s = time.perf_counter() - begin
    return [s.cpu_s() - b for s, b in zip(servers, before, strict=True)]


async def app_run(browser, db: str | Path, processes: int, units, args, folder: Path) -> Run:  # type: ignore[no-untyped-def]
    framework = load()
    level = lb.Level(args.sessions)
    servers = [wh.Server(db, folder / f"app{p}.log").start(probe=True) for p in range(processes)]
    try:
        cached = await wh.Tab.new_browser(browser, lb.LANG)
        await warm(cached, servers, ("", "unit", "overview", "checkin"))
        shares = [units[i * args.cycles : (i + 1) * args.cycles] for i in range(args.sessions)]

        async def work(url: str, i: int) -> None:
            await lb.session(browser, cached, url, shares[i], framework, level)

        cpu = await drive(servers, level, work)
        await cached.close()
    finally:
        for server in servers:
            server.stop()
    if isinstance(db, str):
        level.check = check_postgres(db, level, framework)
    else:
        level.check = lb.check_database(db, level, framework)
    kind = "PostgreSQL" if isinstance(db, str) else "DuckDB file"
    return Run(f"app, {kind}", processes, level, cpu)


async def bare_run(browser, processes: int, args, folder: Path) -> Run:  # type: ignore[no-untyped-def]
    level = lb.Level(args.sessions)
    unused = folder / "unused.duckdb"  # the bare app opens no database
    servers = [
        wh.Server(unused, folder / f"bare{p}.log", script=BARE_APP).start(probe=True)
        for p in range(processes)
    ]
    try:
        cached = await wh.Tab.new_browser(browser, lb.LANG)
        await warm(cached, servers, BARE_PATHS)

        async def work(url: str, _: int) -> None:
            for _cycle in range(args.cycles):
                tab = await wh.Tab.open_in(cached)
                try:
                    for path in BARE_PATHS:
                        level.times.setdefault(f"bare /{path}", []).append(
                            await tab.goto(f"{url}/{path}")
                        )
                except Exception as exc:  # noqa: BLE001 (counted, the others go on)
                    level.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                finally:
                    await tab.page.close()

        cpu = await drive(servers, level, work)
        await cached.close()
    finally:
        for server in servers:
            server.stop()
    level.check = "(no database)"
    return Run("bare Streamlit app", processes, level, cpu)


def save_times(
    source: Path, pg_url: str, units: list[str], results: Results, deadline: Deadline, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    """Fill results.saves ({database: [seconds per save]}): checkins.save on each,
    alternately, a new unit each; stops when the deadline passes (the saves made are kept)."""
    from dtmaturity.services import checkins
    from dtmaturity.services.context import Context, local_actor
    from dtmaturity.services.runtime import open_runtime

    os.environ["DTMATURITY_LOCAL_USER"] = wh.BENCH_USER
    period = str(Period.current())
    contexts = {}
    for name, db in (("DuckDB", wh.working_copy(source, folder)), ("PostgreSQL", pg_url)):
        store, framework = open_runtime(db)
        contexts[name] = Context(local_actor(), store, framework, lang=lb.LANG)
    results.saves = {name: [] for name in contexts}
    try:
        for unit_id in units[: results.saves_planned]:
            for name, ctx in contexts.items():
                deadline.check()
                scores = {
                    i.id: 1 + (len(unit_id) + n) % 4 for n, i in enumerate(ctx.framework.items)
                }
                begin = time.perf_counter()
                result = checkins.save(ctx, CheckIn(unit_id, period, wh.BENCH_USER, scores=scores))
                results.saves[name].append(time.perf_counter() - begin)
                if not result.ok:
                    sys.exit(f"a save failed on {name}: {result.errors}")
    finally:
        for ctx in contexts.values():
            ctx.store.close()


HEADER = (
    f"{'configuration':<22} {'P':>2} {'views/min':>9} {'check-ins/min':>13} {'p50 s':>6} "
    f"{'p95 s':>6} {'errors':>6}  CPU per process (share of a core)"
)


def print_runs(runs: list[Run], planned: list[tuple[str, int]], not_measured: str) -> None:
    """The capacity table (a row per planned configuration), p95 per page, the database check."""
    measured = {(r.name, r.processes): r for r in runs}
    print(HEADER)
    for name, processes in planned:
        run = measured.get((name, processes))
        if run is None:
            print(f"{name:<22} {processes:>2} {not_measured}")
            continue
        lv = run.level
        shares = ", ".join(f"{c / lv.wall_s:.0%}" for c in run.cpu_s)
        print(
            f"{run.name:<22} {run.processes:>2} {run.views_per_min():9.1f} "
            f"{run.checkins_per_min():13.1f} {lb.percentile(lv.all_times(), 0.5):6.2f} "
            f"{lb.percentile(lv.all_times(), 0.95):6.2f} {len(lv.errors):>6}  {shares}"
        )
    print("\np95 per page (s):")
    for run in runs:
        steps = ", ".join(f"{s} {lb.percentile(v, 0.95):.2f}" for s, v in run.level.times.items())
        print(f"  {run.name}, P={run.processes}: {steps}")
    print("\nstored exactly once, roll-up matches:")
    for run in runs:
        print(f"  {run.name}, P={run.processes}: {run.level.check}")
        for error in sorted(set(run.level.errors))[:3]:
            print(f"     error ({run.level.errors.count(error)}x): {error}")
    sys.stdout.flush()


def print_saves(results: Results, not_measured: str) -> None:
    print("\ncheck-in save through the services (ms):")
    saves = results.saves or {}
    for name in ("DuckDB", "PostgreSQL"):
        ms = sorted(v * 1000 for v in saves.get(name, []))
        if not ms:
            print(f"  {name:<10} {not_measured}")
            continue
        cut = "" if len(ms) == results.saves_planned else f"; {not_measured} for the rest"
        print(f"  {name:<10} median {statistics.median(ms):7.1f}  "
              f"p95 {lb.percentile(ms, 0.95):7.1f}  ({len(ms)} saves{cut})")  # fmt: skip
    sys.stdout.flush()


def report(results: Results, deadline: Deadline) -> None:
    """Every part planned, measured or not, and the targets (as far as measured)."""
    print(f"\nall parts; {wh.loadavg()}")
    print_runs(results.runs, results.planned, deadline.not_measured)
    runs = results.runs
    for kind, measure in (("app, PostgreSQL", Run.checkins_per_min),
                          ("bare Streamlit app", Run.views_per_min)):  # fmt: skip
        by_p = {r.processes: measure(r) for r in runs if r.name == kind}
        if 1 in by_p and by_p[1] > 0:
            gains = ", ".join(f"P={p}: {v / by_p[1]:.2f}x" for p, v in sorted(by_p.items()))
            print(f"\n{kind}, throughput over one process: {gains}")
    app = {r.processes: r.checkins_per_min() for r in runs if r.name == "app, PostgreSQL"}
    if ("app, PostgreSQL", 2) in results.planned:
        if 1 in app and 2 in app and app[1] > 0:
            ratio = app[2] / app[1]
            met = "met" if ratio >= TARGET_SCALING else "NOT met"
            print(f"target: 2 processes >= {TARGET_SCALING}x one: {met} ({ratio:.2f}x)")
        else:
            print(f"target: 2 processes >= {TARGET_SCALING}x one: {deadline.not_measured}")
    if results.saves_planned:
        print_saves(results, deadline.not_measured)
        saves = results.saves or {}
        if saves.get("PostgreSQL") and saves.get("DuckDB"):
            ratio = statistics.median(saves["PostgreSQL"]) / statistics.median(saves["DuckDB"])
            met = "met" if ratio <= TARGET_SAVE else "NOT met"
            print(f"target: PostgreSQL <= {TARGET_SAVE}x DuckDB: {met} ({ratio:.2f}x)")
        else:
            print(f"target: PostgreSQL <= {TARGET_SAVE}x DuckDB: {deadline.not_measured}")
    print(wh.loadavg())


def plan(args: argparse.Namespace) -> list[tuple[str, int]]:
    """The capacity configurations, in the order they run: those the targets need first, so
    that a deadline cuts the comparisons rather than the answers."""
    return [
        *(("app, PostgreSQL", p) for p in args.processes),
        *(("bare Streamlit app", p) for p in args.processes),
        *([("app, DuckDB file", 1)] if args.duckdb else []),
    ]


def part_done(what: str, begin: float) -> None:
    print(f"\n== {what} ({time.perf_counter() - begin:.0f} s); {wh.loadavg()}", flush=True)


async def bench(args: argparse.Namespace, results: Results, deadline: Deadline) -> None:
    source = wh.ensure_database(args.db, args.scale)
    print(f"database: {source} ({args.scale}); {wh.loadavg()}", flush=True)
    needed = max(args.sessions * args.cycles, args.saves)
    units = wh.leaf_units(source, needed * 2)
    app_units, save_units = units[:needed], units[needed:]
    with pg_cluster() as pg, tempfile.TemporaryDirectory(prefix="mp-bench-") as tmp:
        folder = Path(tmp)
        cluster = Cluster(pg.url)
        begin = time.perf_counter()
        cluster.fill_template(source, deadline)
        part_done("the demo copied to PostgreSQL", begin)
        if args.saves:  # first: seconds, and it answers a target
            begin = time.perf_counter()
            url = cluster.fresh()
            try:
                save_times(source, url, save_units, results, deadline, folder)
            finally:
                cluster.drop(url)
            part_done("saves", begin)
            print_saves(results, deadline.not_measured)
        async with async_playwright() as playwright:
            browser = await wh.launch(playwright)
            try:
                for name, processes in results.planned:
                    begin = time.perf_counter()
                    results.runs.append(
                        await measure(
                            name, processes, browser, cluster, source, app_units, args, folder
                        )
                    )
                    part_done(f"{name}, P={processes}", begin)
                    print_runs(results.runs[-1:], [(name, processes)], deadline.not_measured)
            finally:
                await browser.close()


async def measure(
    name: str,
    processes: int,
    browser,
    cluster: Cluster,
    source: Path,
    units: list[str],
    args: argparse.Namespace,
    folder: Path,
) -> Run:  # type: ignore[no-untyped-def]
    """One capacity configuration, on a database of its own."""
    if name == "bare Streamlit app":
        return await bare_run(browser, processes, args, folder)
    if name == "app, DuckDB file":
        db = wh.working_copy(source, folder)
        try:
            return await app_run(browser, db, processes, units, args, folder)
        finally:
            db.unlink(missing_ok=True)
    url = cluster.fresh()
    try:
        return await app_run(browser, url, processes, units, args, folder)
    finally:
        cluster.drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=wh.NATIONAL_DB, help="the demo file to copy")
    parser.add_argument("--scale", choices=["national", "default"], default="national")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--cycles", type=int, default=1, help="rounds per session")
    parser.add_argument("--saves", type=int, default=50, help="saves per database (0: none)")
    parser.add_argument(
        "--duckdb", action="store_true", help="also the DuckDB file's one process (a comparison)"
    )
    parser.add_argument(
        "--no-duckdb", dest="duckdb", action="store_false", help="without it (the default)"
    )
    add_deadline_argument(parser, 1140)
    args = parser.parse_args()
    results = Results(plan(args), saves_planned=args.saves)
    deadline = Deadline.from_args(args)
    deadline.run(bench(args, results, deadline), lambda: report(results, deadline))


if __name__ == "__main__":
    main()
