"""The app as a real server on loopback, for the tests and the benchmarks alike: start it, wait
until it answers its health check (a condition, never a fixed time), stop it.

Only the standard library, and no import of dtmaturity: the server runs in its own process
from the checkout this file is in. The benchmarks import it too (benchmarks/webharness.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = ("-m", "dtmaturity.web.serve")  # what `make run` starts: checks, then `streamlit run`
STREAMLIT_RUN = ("-m", "streamlit", "run", "app.py")  # plain Streamlit: the checks run per page
STARTUP_LIMIT_S = 120.0  # a start that takes longer has failed (a busy 2-core machine needs 30 s)


class AppDidNotStart(RuntimeError):
    """The server exited, or did not answer its health check in time; the message has its log."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def app_env(db: Path | None = None, **settings: str | None) -> dict[str, str]:
    """This process's environment for a server of this checkout: DTMATURITY_DB (when given) and
    `settings` on top; a setting given as None is removed. DTMATURITY_FRAMEWORK is removed unless
    given, so a test's own framework file never leaks into a server."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("DTMATURITY_FRAMEWORK", None)
    if db is not None:
        env["DTMATURITY_DB"] = str(db)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def app_command(
    launcher: Sequence[str], host: str, port: int, args: Sequence[str] = ()
) -> list[str]:
    """The command line of a headless server on `host:port` that watches no files."""
    return [
        sys.executable, *launcher, f"--server.address={host}", f"--server.port={port}",
        "--server.headless=true", "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false", *args,
    ]  # fmt: skip


@dataclass
class RunningApp:
    url: str
    port: int
    env: dict[str, str]  # the server's environment (for commands run beside it)
    log: Path  # the server's stdout and stderr
    process: subprocess.Popen
    started_s: float  # from process start until the health check answered

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Ask the server to stop, and make it if it will not."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    """Return once `url`/_stcore/health answers "ok"; raise at once if the process exits first."""
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(encoding="utf-8", errors="replace")
            raise AppDidNotStart(f"the app server exited with {process.returncode}:\n{text}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:  # not listening yet
            time.sleep(0.05)
    process.kill()
    text = log.read_text(encoding="utf-8", errors="replace")
    raise AppDidNotStart(f"no health answer within {STARTUP_LIMIT_S:.0f} s:\n{text}")


def start_app(
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    launcher: Sequence[str] = SERVE,
    args: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int | None = None,
) -> RunningApp:
    """Start the app and return once it answers (see `running_app`)."""
    port = port or free_port(host)
    env = dict(env if env is not None else app_env())
    url = f"http://{host}:{port}"
    begin = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(
            app_command(launcher, host, port, args),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(url, process, log)
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait()
        raise
    return RunningApp(url, port, env, log, process, time.perf_counter() - begin)


@contextmanager
def running_app(
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    launcher: Sequence[str] = SERVE,
    args: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int | None = None,
) -> Iterator[RunningApp]:
    """The app as a real server on `host` (a free port unless given), started with `launcher`
    (`SERVE`, as `make run`, or `STREAMLIT_RUN`) and extra `args` for `streamlit run`, its output
    appended to `log`; yielded once it answers its health check, stopped afterwards."""
    app = start_app(log=log, env=env, launcher=launcher, args=args, host=host, port=port)
    try:
        yield app
    finally:
        app.stop()
