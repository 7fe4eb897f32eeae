"""A benchmark run stopped early still prints what it measured (benchmarks/deadline.py): the
parts finished before the deadline, and a row saying "not measured" for each part it cut."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from deadline import Deadline  # noqa: E402

PARTS = ("first part", "second part")


def two_parts(measured: dict[str, str], second: asyncio.Event | None = None):  # type: ignore[no-untyped-def]
    """A benchmark of two parts: the first finishes at once and prints its table, the second
    waits for `second` (set by the test, or never)."""

    async def bench() -> None:
        measured["first part"] = "3.14 s"
        print("first part's table: 3.14 s", flush=True)
        await (second or asyncio.Event()).wait()
        measured["second part"] = "2.72 s"

    return bench()


def report(measured: dict[str, str], deadline: Deadline) -> None:
    for part in PARTS:
        print(f"{part}: {measured.get(part, deadline.not_measured)}")


def test_a_run_cut_by_its_deadline_prints_the_parts_it_finished_and_says_which_it_cut(capsys):
    measured: dict[str, str] = {}
    deadline = Deadline(1)
    with pytest.raises(SystemExit) as stopped:
        deadline.run(two_parts(measured), lambda: report(measured, deadline))
    assert stopped.value.code == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "first part's table: 3.14 s",
        "",
        "stopped: the run took longer than --deadline 1 s; the figures measured before it:",
        "first part: 3.14 s",
        "second part: not measured: deadline",
    ]


def test_a_whole_run_prints_every_part_and_exits_normally(capsys):
    measured: dict[str, str] = {}
    second = asyncio.Event()
    second.set()
    deadline = Deadline(60)
    deadline.run(two_parts(measured, second), lambda: report(measured, deadline))
    out = capsys.readouterr().out
    assert "first part: 3.14 s\nsecond part: 2.72 s" in out
    assert "not measured" not in out and "stopped" not in out


def test_a_wait_of_the_benchmarks_own_that_times_out_is_a_failure_not_the_deadline(capsys):
    measured: dict[str, str] = {}
    deadline = Deadline(60)

    async def bench() -> None:
        measured["first part"] = "3.14 s"
        await asyncio.wait_for(asyncio.Event().wait(), 0.01)  # a step that never ends

    with pytest.raises(TimeoutError):
        deadline.run(bench(), lambda: report(measured, deadline))
    out = capsys.readouterr().out
    assert "first part: 3.14 s\nsecond part: not measured: the run failed" in out
    assert "deadline" not in out


def test_synchronous_work_stops_at_the_deadline(capsys):
    measured: dict[str, str] = {}
    deadline = Deadline(0)

    async def bench() -> None:
        deadline.check()  # e.g. between two saves, where the event loop cannot cancel
        measured["first part"] = "3.14 s"

    with pytest.raises(SystemExit):
        deadline.run(bench(), lambda: report(measured, deadline))
    assert "first part: not measured: deadline" in capsys.readouterr().out
