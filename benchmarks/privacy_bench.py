"""The privacy rule's cost and what it hides, on the demo and the national-scale demo.

    .venv/bin/python benchmarks/privacy_bench.py            # both, in temporary databases
    .venv/bin/python benchmarks/privacy_bench.py --reps 9   # fewer repetitions
    .venv/bin/python benchmarks/privacy_bench.py --national FILE   # reuse a national demo

For each organisation and a few viewers (an admin who sees everything, a division manager, a
section's leader) it prints:
- the share of the figures the viewer can see that are hidden, split into "under k" (FEW) and
  "hidden to protect" (PROTECT), over every quarter and item;
- the time to decide the overview page (its latest quarter, every theme) with every cache
  cleared: the counts query and the rule, through the app's own function, against the page's
  SQL alone run bare on a plain DuckDB cursor in the same run (alternating), and their ratio.
Target (issue 22): deciding the national overview within 1.5x the time of the page's SQL.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_bench import paired_median_ms, record_queries, run_bare  # noqa: E402

from dtmaturity.domain import privacy  # noqa: E402
from dtmaturity.domain.access import ALL_GRANTS, Grant  # noqa: E402
from dtmaturity.services import analytics, authz, cache, demo  # noqa: E402
from dtmaturity.services import privacy as privacy_decisions  # noqa: E402
from dtmaturity.services.context import Actor, Context, local_actor  # noqa: E402
from dtmaturity.services.runtime import open_runtime  # noqa: E402


def viewer(ctx: Context, name: str, *grants: Grant) -> Context:
    actor = Actor(user_id=f"{name}@bench.example", display_name=name, grants=grants)
    return dataclasses.replace(ctx, actor=dataclasses.replace(actor, local_mode=False))


def viewers(ctx: Context, top: str) -> list[tuple[str, Context, str | None]]:
    """(label, viewer, the node whose overview they open; None for a leader, who has none)."""
    parents = authz.parents(ctx)
    division = sorted(u for u, p in parents.items() if p == top)[0]
    section = division
    while any(p == section for p in parents.values()):
        section = sorted(u for u, p in parents.items() if p == section)[0]
    return [
        ("admin", viewer(ctx, "admin", *ALL_GRANTS), top),
        (f"manager of {division}", viewer(ctx, "manager", Grant("manager", division)), division),
        (f"leader of {section}", viewer(ctx, "leader", Grant("leader", section)), None),
    ]


def shares(ctx: Context) -> tuple[int, int, int]:
    """(figures the viewer can see, hidden under k, hidden to protect) over every column."""
    parents = authz.parents(ctx)
    seen = privacy.seen_cells(ctx.actor.grants, parents)
    items = [item.id for item in ctx.framework.items]
    decision = privacy_decisions.scores(ctx, None, items)
    with ctx.store.reader() as cur:
        rows = cur.execute(
            "SELECT period, item_id, unit_id FROM answer_rollup WHERE n > 0"
        ).fetchall()
    with_answers: dict[tuple[str, str], set[str]] = {}
    for period, item, unit in rows:
        for ancestor in authz.access.ancestors_and_self(unit, parents):
            with_answers.setdefault((period, item), set()).add(ancestor)
    total = few = protect = 0
    for column, units in with_answers.items():
        hidden = decision.get(column, {})
        for unit in units:
            for cell in ((unit, True), (unit, False)):
                if seen is not None and cell not in seen:
                    continue
                total += 1
                few += hidden.get(cell) == privacy.FEW
                protect += hidden.get(cell) == privacy.PROTECT
    return total, few, protect


def overview_times(
    ctx: Context, bare: duckdb.DuckDBPyConnection, node: str, reps: int
) -> tuple[float, float]:
    """(deciding the overview's latest quarter, the overview heatmap's SQL alone) in ms."""
    period = analytics.latest_periods(ctx, node)[0]
    items = [item.id for item in ctx.framework.items if item.kind == "theme"]
    page = record_queries(lambda: analytics.heatmap(ctx, node, period, "theme"))

    def decide() -> None:
        cache.clear()
        privacy_decisions.scores(ctx, [period], items)

    return paired_median_ms(decide, lambda: run_bare(bare, page), reps)


def report(name: str, ctx: Context, db: Path, reps: int) -> bool:
    top = next(u for u, p in authz.parents(ctx).items() if p is None)
    bare = duckdb.connect(str(db))
    print(f"\n== {name} ==")
    print(f"{'viewer':<30}{'figures':>9}{'under k':>9}{'protect':>9}{'decide ms':>11}"
          f"{'page SQL ms':>13}{'ratio':>7}")  # fmt: skip
    ok = True
    for label, who, node in viewers(ctx, top):
        total, few, protect = shares(who)
        line = f"{label:<30}{total:>9}{few / max(total, 1):>9.1%}{protect / max(total, 1):>9.1%}"
        if node is not None:
            decide_ms, sql_ms = overview_times(who, bare, node, reps)
            ratio = decide_ms / sql_ms
            line += f"{decide_ms:>11.1f}{sql_ms:>13.1f}{ratio:>7.2f}"
            ok &= ratio <= 1.5
        print(line)
    bare.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument(
        "--national",
        type=Path,
        help="reuse a national demo database (dtmaturity demo --scale national)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", duckdb {duckdb.__version__}; median of {args.reps} runs, caches cleared before each"
        f"; load average {os.getloadavg()[0]:.1f} at start"
    )
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for name, build in (("demo", demo.create), ("national demo", demo.create_national)):
            db = Path(folder) / f"{name.replace(' ', '-')}.duckdb"
            if name == "national demo" and args.national:
                db = args.national
            else:
                store, framework = open_runtime(db)
                ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
                start = time.perf_counter()
                build(ctx)
                print(f"built the {name} in {time.perf_counter() - start:.1f} s")
                store.close()
            store, framework = open_runtime(db)
            ctx = Context(actor=local_actor(), store=store, framework=framework, lang="nb")
            ok &= report(name, ctx, db, args.reps)
            store.close()
    print("target met: deciding the overview <= 1.5x its SQL" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
