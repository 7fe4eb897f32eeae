"""The deadline every benchmark run keeps, and what a run stopped early still prints.

A run measures its parts one after another and prints each part's table as the part ends
(flushed, so even a killed run leaves them). The whole run has a deadline (`--deadline`,
seconds). When it passes, the part being measured is cancelled (its `finally` blocks stop its
servers and browsers), and the run's final tables are printed all the same from what was
measured, each part not measured saying so in its row (`Deadline.not_measured`). The same
happens when the run is terminated (SIGTERM) or a part fails; the exit status is then not 0.

    deadline = Deadline.from_args(args)
    deadline.run(bench(args, results, deadline), lambda: report(results, deadline))
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any


class Reached(Exception):
    """The deadline passed during synchronous work (see `Deadline.check`)."""


def add_argument(parser: argparse.ArgumentParser, default: float) -> None:
    parser.add_argument(
        "--deadline",
        type=float,
        default=default,
        help="seconds for the whole run; what is measured by then is printed (default %(default)s)",
    )


class Deadline:
    """A run's time limit, and why the run stopped when it stopped early."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.begin = time.monotonic()
        self.stopped: str | None = None  # "deadline", "terminated", "failed"; None: ran whole

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Deadline:
        return cls(args.deadline)

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.begin)

    def check(self) -> None:
        """For synchronous work between awaits (the event loop cannot cancel it there)."""
        if self.left() <= 0:
            raise Reached

    def command(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        """`subprocess.run` (text, output captured) within the time left."""
        try:
            return subprocess.run(
                command, capture_output=True, text=True, timeout=max(self.left(), 0.1), **options
            )
        except subprocess.TimeoutExpired:
            raise Reached from None

    @property
    def not_measured(self) -> str:
        """What a part's row says when the run ended before the part did."""
        reason = {"deadline": "deadline", "terminated": "run terminated"}.get(self.stopped or "")
        return f"not measured: {reason or 'the run failed'}"

    def run(self, bench: Coroutine[Any, Any, None], finish: Callable[[], None]) -> None:
        """Run `bench`, then `finish()` (the final tables, from what was measured), also when
        the deadline, a SIGTERM or a failure stopped the run; then exit 1 if it was stopped."""
        self.begin = time.monotonic()
        try:
            asyncio.run(self._within(bench))
        except Reached:
            self.stopped = "deadline"
        except asyncio.CancelledError:
            self.stopped = self.stopped or "terminated"
        except BaseException:
            self.stopped = "failed"
            self._finish(finish)
            raise
        self._finish(finish)
        if self.stopped:
            sys.exit(1)

    def _finish(self, finish: Callable[[], None]) -> None:
        if self.stopped == "deadline":
            print(f"\nstopped: the run took longer than --deadline {self.seconds:.0f} s; "
                  "the figures measured before it:", flush=True)  # fmt: skip
        elif self.stopped:
            print(f"\nstopped ({self.stopped}); the figures measured before it:", flush=True)
        finish()
        sys.stdout.flush()

    async def _within(self, bench: Coroutine[Any, Any, None]) -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self._terminate, task)
        timeout = asyncio.timeout(self.left())
        try:
            async with timeout:
                await bench
        except TimeoutError:
            if not timeout.expired():
                raise  # a wait of the benchmark's own timed out: a failure, not the deadline
            raise Reached from None

    def _terminate(self, task: asyncio.Task[None]) -> None:
        self.stopped = "terminated"
        task.cancel()
