"""Writes through two processes at once on one PostgreSQL database: imports and check-ins land
once each, none is lost to a conflict, and the dashboards' roll-up stays equal to the answers.

Each "process" is a Store of its own (its own pool and sessions, as another process's)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import checkins, imports
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import queries

CURRENT = str(Period.current())
UNITS = ("demo-bruker-01", "demo-bruker-02")


@pytest.fixture
def database() -> str:
    return "postgresql"


@pytest.fixture
def other_ctx(demo_ctx: Context) -> Iterator[Context]:
    store, framework = open_runtime(demo_ctx.store.url)
    yield Context(actor=local_actor(), store=store, framework=framework, lang="en")
    store.close()


def answers_file(path: Path, ctx: Context, unit: str, people: list[str]) -> Path:
    lines = ["unit_id,period,respondent,item_id,score"]
    for n, person in enumerate(people):
        lines += [f"{unit},{CURRENT},{person},{i.id},{1 + (n + k) % 4}"
                  for k, i in enumerate(ctx.framework.items)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def together(*work: Callable[[], object]) -> list[object]:
    """Run each at the same moment in a thread of its own; their results (or exceptions)."""
    results: list[object] = [None] * len(work)
    gate = threading.Barrier(len(work))

    def one(i: int) -> None:
        gate.wait()
        try:
            results[i] = work[i]()
        except Exception as exc:  # noqa: BLE001 (returned, and the test says which failed)
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def as_leader(ctx: Context, person: str, unit: str) -> Context:
    actor = Actor(person, person, (Grant("leader", unit),), local_mode=False)
    return Context(actor=actor, store=ctx.store, framework=ctx.framework, lang="en")


def stored(ctx: Context) -> tuple[list, list, int]:
    """(answers per respondent, check-ins per respondent, roll-up rows off) of the writers."""
    mine = "(respondent LIKE 'import.%' OR respondent LIKE 'writer.%')"
    with ctx.store.reader() as cur:
        rows = cur.execute(
            f"""SELECT respondent, count(*) FROM answer WHERE period = ? AND {mine}
                GROUP BY respondent ORDER BY respondent""",  # noqa: S608 (a constant)
            [CURRENT],
        ).fetchall()
        checkin_rows = cur.execute(
            f"""SELECT respondent, count(*) FROM checkin WHERE period = ? AND {mine}
                GROUP BY respondent ORDER BY respondent""",  # noqa: S608 (a constant)
            [CURRENT],
        ).fetchall()
        rollup_off = queries.rollup_mismatches(cur)
    return rows, checkin_rows, rollup_off


def succeeded(done: list[object]) -> None:
    for n, result in enumerate(done):
        if isinstance(result, Exception):
            raise AssertionError(f"writer {n} failed") from result


def save(ctx: Context, person: str, unit: str) -> checkins.SaveResult:
    scores = {i.id: 1 + len(person) % 4 for i in ctx.framework.items}
    return checkins.save(
        as_leader(ctx, person, unit), CheckIn(unit, CURRENT, person, scores=scores)
    )


def test_check_ins_through_two_processes_at_once_land_once(demo_ctx, other_ctx):
    people = [f"writer.{n}@etat.example" for n in range(6)]
    writers = [demo_ctx, other_ctx]
    work = [partial(save, writers[n % 2], p, UNITS[n % 2]) for n, p in enumerate(people)]
    work.append(lambda: save(other_ctx, people[0], UNITS[0]))  # the same one, through the other
    done = together(*work)
    succeeded(done)
    assert all(r.ok for r in done)
    rows, checkin_rows, rollup_off = stored(demo_ctx)
    items = len(demo_ctx.framework.items)
    assert rows == [(person, items) for person in sorted(people)]
    assert checkin_rows == [(person, 1) for person in sorted(people)]
    assert rollup_off == 0  # the roll-up counts each answer once


def test_imports_through_two_processes_at_once_land_once(demo_ctx, other_ctx, tmp_path):
    first = [f"import.a{n}@etat.example" for n in range(3)]
    second = [f"import.b{n}@etat.example" for n in range(3)]
    file_a = answers_file(tmp_path / "a.csv", demo_ctx, UNITS[0], first)
    file_b = answers_file(tmp_path / "b.csv", demo_ctx, UNITS[1], second)
    done = together(
        lambda: imports.run(demo_ctx, file_a),
        lambda: imports.run(other_ctx, file_b),
        lambda: imports.run(other_ctx, file_a),  # the same file, through the other process
    )
    succeeded(done)
    assert all(not r.problems for r in done)
    rows, checkin_rows, rollup_off = stored(demo_ctx)
    items = len(demo_ctx.framework.items)
    assert rows == [(person, items) for person in sorted(first + second)]
    assert checkin_rows == [(person, 1) for person in sorted(first + second)]
    assert rollup_off == 0
