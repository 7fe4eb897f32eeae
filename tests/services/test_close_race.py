"""Closing a round while answers are being written: every write that puts answers into a
quarter either commits before the close or is refused with the closed message, never after.

Every such write path is listed in WRITE_PATHS (a check-in's save, an import from the page
and from the command line, an import's undo). A check-in draft is not listed: it is the
author's unsaved copy, not an answer of the quarter, and saving it is what the round refuses.

No timing: a write is held at the start of its transaction (after every check it makes
before writing) while the round closes, with events, not sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dtmaturity import cli
from dtmaturity.domain import clock
from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import checkins, imports, release_rule, rounds
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import Store
from dtmaturity.store import rounds as rounds_sql

CURRENT = str(Period.current())
DEADLINE = clock.today() + timedelta(days=14)
# What the form and the import say of a closed round; a round closed over every top unit also
# locks its quarter, and the lock's message comes first.
CLOSED_MESSAGES = {("period", "error_round_closed"), ("period", "error_period_locked")}
IMPORT_CLOSED_MESSAGES = {"import_round_closed", "import_period_locked"}
UNIT = "demo-bruker-01"
WAIT = 120  # seconds: only a guard against a hung test, never part of what is asserted


class HeldStore:
    """The real store, whose writes of the named audit actions stop at their start until
    `release` is set: the moment between a write's own early checks and its transaction,
    where a close used to slip in. Everything else goes straight to the real store."""

    def __init__(self, store: Store, actions: set[str]) -> None:
        self._store, self._actions = store, actions
        self.arrived, self.release = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write(self, work: Callable, *, audit: Any, **options: Any) -> Any:
        if audit.action in self._actions:
            self.arrived.set()
            assert self.release.wait(WAIT), "the test never released the held write"
        return self._store.write(work, audit=audit, **options)


def leaders(ctx: Context, at: str = "demo") -> list[tuple[str, str]]:
    """(unit, leader) of every registered leader in the subtree of `at`."""
    with ctx.store.reader() as cur:
        frame = rounds_sql.expected(cur, release_rule.subtree_units(ctx, at), CURRENT)
    return list(zip(frame["unit_id"], frame["person_id"], strict=True))


def as_leader(ctx: Context, unit_id: str, person_id: str) -> Context:
    actor = Actor(person_id, person_id, (Grant("leader", unit_id),), local_mode=False)
    return replace(ctx, actor=actor)


def answers_file(folder: Path, rows: list[tuple[str, str]], score: int = 2) -> Path:
    path = folder / f"svar-{len(list(folder.glob('svar-*.csv')))}.csv"
    lines = ["unit_id,period,respondent,item_id,score"]
    lines += [f"{unit},{CURRENT},{who},user,{score}" for unit, who in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# --- the write paths into a quarter ---------------------------------------------------------


def _checkin(ctx: Context, folder: Path, unit: str, who: str) -> Callable[[Context], bool]:
    def write(c: Context) -> bool:
        scores = {i.id: 3 for i in c.framework.items}
        result = checkins.save(as_leader(c, unit, who), CheckIn(unit, CURRENT, who, scores=scores))
        if result.ok:
            return True
        [error] = result.errors
        assert (error.field, error.key) in CLOSED_MESSAGES
        return False

    return write


def _import(ctx: Context, folder: Path, unit: str, who: str) -> Callable[[Context], bool]:
    path = answers_file(folder, [(unit, who)])

    def write(c: Context) -> bool:
        result = imports.run(c, path)
        if result.written:
            return True
        keys = {p.key for p in result.problems}
        assert keys and keys <= IMPORT_CLOSED_MESSAGES
        return False

    return write


def _cli_import(ctx: Context, folder: Path, unit: str, who: str) -> Callable[[Context], bool]:
    path = answers_file(folder, [(unit, who)])

    def write(c: Context) -> bool:
        # The command opens its own Store on the file (DTMATURITY_DB); in this process it
        # shares the file's write lock, and it is held through imports.run like the page.
        return cli.main(["import", str(path)]) == 0

    return write


def _undo(ctx: Context, folder: Path, unit: str, who: str) -> Callable[[Context], bool]:
    done = imports.run(ctx, answers_file(folder, [(unit, who)]))  # before the close
    assert done.written

    def write(c: Context) -> bool:
        try:
            imports.undo(c, done.import_id)
        except imports.UndoError as refused:
            assert refused.key == "undo_round_closed"
            return False
        return True

    return write


@dataclass(frozen=True)
class WritePath:
    name: str
    action: str  # its audit action
    prepare: Callable[[Context, Path, str, str], Callable[[Context], bool]]
    holdable: bool = True  # runs through the test's Context (the CLI opens its own store)


WRITE_PATHS = [
    WritePath("checkin save", "checkin.save", _checkin),
    WritePath("import", "import.run", _import),
    WritePath("import from the command line", "import.run", _cli_import, holdable=False),
    WritePath("import undo", "import.undo", _undo),
]
ACTIONS = {p.action for p in WRITE_PATHS}


def quarter_writes_after_close(ctx: Context) -> list[tuple]:
    """The audited writes into a quarter committed after the round's close (the audit entry
    is written in the same transaction as the write, and writes commit in audit id order)."""
    with ctx.store.reader() as cur:
        return cur.execute(
            """SELECT audit_id, action, target FROM audit_log
               WHERE action = ANY(?::VARCHAR[])
                 AND audit_id > (SELECT max(audit_id) FROM audit_log WHERE action = 'round.close')
               ORDER BY audit_id""",
            [sorted(ACTIONS)],
        ).fetchall()


def checkins_after_close(ctx: Context) -> list[tuple]:
    """Check-ins of the quarter last written after the round closed."""
    with ctx.store.reader() as cur:
        return cur.execute(
            """SELECT c.unit_id, c.respondent FROM checkin c, round r
               WHERE c.period = ? AND r.period = c.period AND c.updated_at > r.closed_at""",
            [CURRENT],
        ).fetchall()


def quarter_state(ctx: Context) -> list[tuple]:
    with ctx.store.reader() as cur:
        return cur.execute(
            "SELECT unit_id, respondent, item_id, score, import_id FROM answer WHERE period = ? "
            "ORDER BY 1, 2, 3, 4, 5",
            [CURRENT],
        ).fetchall()


@pytest.mark.parametrize("path", [p for p in WRITE_PATHS if p.holdable], ids=lambda p: p.name)
def test_a_write_caught_by_the_close_is_refused_with_the_closed_message(
    demo_ctx: Context, tmp_path: Path, path: WritePath
) -> None:
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    unit, who = leaders(demo_ctx)[0]
    write = path.prepare(demo_ctx, tmp_path, unit, who)
    before = quarter_state(demo_ctx)
    held = HeldStore(demo_ctx.store, {path.action})
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(write(replace(demo_ctx, store=held))))
    worker.start()
    assert held.arrived.wait(WAIT)  # its own checks passed: the round was open
    rounds.close_round(demo_ctx, CURRENT, "demo")
    held.release.set()
    worker.join(WAIT)
    assert outcome == [False]  # refused, with the message checked in `write`
    assert quarter_state(demo_ctx) == before
    assert quarter_writes_after_close(demo_ctx) == []


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda p: p.name)
@pytest.mark.parametrize("whole", [True, False], ids=["whole organisation", "one unit"])
def test_every_write_path_is_refused_once_the_round_is_closed_and_taken_before(
    demo_ctx: Context, tmp_path: Path, path: WritePath, whole: bool
) -> None:
    """A round over the whole organisation also locks the quarter; one over a unit does not,
    and its quarter stays open to the rest of the organisation."""
    at = "demo" if whole else UNIT
    rounds.open_round(demo_ctx, at, CURRENT, DEADLINE)
    (unit, who), (unit2, who2) = leaders(demo_ctx, UNIT)[:2]
    before_close = path.prepare(demo_ctx, tmp_path, unit, who)
    after_close = path.prepare(demo_ctx, tmp_path, unit2, who2)
    assert before_close(demo_ctx)
    rounds.close_round(demo_ctx, CURRENT, at)
    released = quarter_state(demo_ctx)
    assert not after_close(demo_ctx)
    assert quarter_state(demo_ctx) == released
    assert quarter_writes_after_close(demo_ctx) == []


def test_late_checkins_allowed_are_taken_after_the_close(demo_ctx: Context, tmp_path) -> None:
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    release_rule.set_allow_late(demo_ctx, True)
    rounds.close_round(demo_ctx, CURRENT, "demo")
    unit, who = leaders(demo_ctx)[0]
    assert _checkin(demo_ctx, tmp_path, unit, who)(demo_ctx)


def test_forty_saves_with_a_close_after_twelve_land_before_it_or_are_refused(
    demo_ctx: Context, tmp_path: Path
) -> None:
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    people = leaders(demo_ctx)
    saves = [people[i % len(people)] for i in range(40)]
    lock = threading.Lock()
    outcomes: list[bool] = []
    twelve = threading.Event()
    start = threading.Barrier(5)

    def saver(share: list[tuple[str, str]]) -> None:
        start.wait()
        for unit, who in share:
            ok = _checkin(demo_ctx, tmp_path, unit, who)(demo_ctx)
            with lock:
                outcomes.append(ok)
                if sum(outcomes) >= 12:
                    twelve.set()

    threads = [threading.Thread(target=saver, args=(saves[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    start.wait()
    assert twelve.wait(WAIT)
    rounds.close_round(demo_ctx, CURRENT, "demo")
    for thread in threads:
        thread.join(WAIT)
    assert len(outcomes) == 40 and sum(outcomes) >= 12
    # Every refusal was checked for the closed message in `_checkin`.
    assert quarter_writes_after_close(demo_ctx) == []
    assert checkins_after_close(demo_ctx) == []
    with demo_ctx.store.reader() as cur:
        saved = cur.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'checkin.save'"
        ).fetchone()[0]
    assert saved == sum(outcomes)


def test_a_second_close_caught_by_the_first_is_refused_and_keeps_the_first_closing_time(
    demo_ctx: Context,
) -> None:
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    held = HeldStore(demo_ctx.store, {"round.close"})
    refused: list[str] = []

    def second() -> None:
        try:
            rounds.close_round(replace(demo_ctx, store=held), CURRENT, "demo")
        except rounds.RoundError as exc:
            refused.append(exc.key)

    worker = threading.Thread(target=second)
    worker.start()
    assert held.arrived.wait(WAIT)  # its own check passed: the round was open
    first = rounds.close_round(demo_ctx, CURRENT, "demo")
    held.release.set()
    worker.join(WAIT)
    assert refused == ["round_already_closed"]
    [now] = [r for r in release_rule.all_rounds(demo_ctx) if r.round_id == first.round_id]
    assert now.closed_at == first.closed_at
    log = list(people_audit_actions(demo_ctx))
    assert log.count("round.close") == 1


def people_audit_actions(ctx: Context) -> list[str]:
    with ctx.store.reader() as cur:
        return [r[0] for r in cur.execute("SELECT action FROM audit_log").fetchall()]
