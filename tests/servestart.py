"""The real start-up as `make run` does it (`python -m dtmaturity.web.serve`), for tests that
must see what a person starting the app sees: the reasons it refuses, or a server that answers,
and on which addresses that server listens."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from appserver import free_port

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
LOOPBACK_V6 = "00000000000000000000000001000000"  # ::1 as /proc/net/tcp6 writes it


@dataclass
class Started:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start(*args: str, env: dict[str, str], home: Path) -> Started:
    """`python -m dtmaturity.web.serve --server.port P *args`, with HOME (and so the global
    ~/.streamlit/secrets.toml) in `home` and `env` over this process's environment."""
    port = free_port()
    command = [sys.executable, "-m", "dtmaturity.web.serve", *_arguments(port, args)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_environment(env, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Started(process, port)


def _environment(env: dict[str, str], home: Path) -> dict[str, str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), **env}
    for name in ("DTMATURITY_LOCAL_MODE", "DTMATURITY_ENV"):  # only as the test says
        if name not in env:
            full_env.pop(name, None)
    return full_env


def _arguments(port: int, args: tuple[str, ...]) -> list[str]:
    return ["--server.port", str(port), "--server.headless", "true",
            "--server.fileWatcherType", "none", *args]  # fmt: skip


def refused(started: Started, timeout: float = 180) -> str:
    """The reasons a start-up gave for not starting (stderr); fails unless it exited with 2,
    without a traceback, and left nothing listening on its port."""
    try:
        _, err = started.process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        started.process.kill()
        started.process.communicate()
        raise AssertionError("the app started (or hung) instead of refusing") from None
    return _refusal(started.process.returncode, err, started.port)


# The start-ups a test expects to be refused run in processes forked from one that has already
# imported the start-up's modules (multiprocessing's fork server): from there on they run the
# same `serve.main` that `python -m dtmaturity.web.serve` runs, in an environment, folder and
# HOME of their own, without paying Python's start and Streamlit's imports (a second or more
# each) for every one of the dozens of broken configurations.
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["dtmaturity.web.serve", "dtmaturity.web.signin", "streamlit.web.bootstrap"])  # fmt: skip


def refuse(*args: str, env: dict[str, str], home: Path, timeout: float = 180) -> str:
    """start(*args) and refused() in one, the start-up forked from the fork server (above)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        err_path = Path(folder) / "stderr"
        run = (_arguments(port, args), _environment(env, home), str(err_path))
        process = _FORKS.Process(target=_serve_in_fork, args=run)
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise AssertionError("the app started (or hung) instead of refusing")
        err = err_path.read_text(encoding="utf-8", errors="replace")
    return _refusal(process.exitcode, err, port)


def _serve_in_fork(args: list[str], env: dict[str, str], err_path: str) -> None:
    """`python -m dtmaturity.web.serve *args`, from here on, in a child of the fork server:
    its own folder, environment and HOME, and its stdout and stderr into `err_path`."""
    os.chdir(ROOT)
    os.environ.clear()
    os.environ.update(env)
    fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = sys.stderr = open(fd, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    from dtmaturity.web import serve

    sys.exit(serve.main(args))


def _refusal(returncode: int | None, err: str, port: int) -> str:
    assert returncode == 2, err
    assert "Traceback" not in err, err
    assert "the app cannot serve, so it does not start" in err, err
    assert not listening(port), f"something listens on port {port}"
    return err


def wait_until_serving(started: Started, deadline_s: float = 180) -> None:
    """Wait until /_stcore/health answers ok; fails with the server's output if it exits."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if started.process.poll() is not None:
            out, err = started.process.communicate()
            raise AssertionError(f"the app did not start:\n{err}\n{out}")
        try:
            with urllib.request.urlopen(f"{started.url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the app did not answer its health check")


def stop(started: Started) -> None:
    started.process.terminate()
    try:
        started.process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        started.process.kill()
        started.process.communicate()


def listening(port: int) -> set[str]:
    """The local addresses (as /proc/net/tcp{,6} write them) with a listening socket on
    `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found
