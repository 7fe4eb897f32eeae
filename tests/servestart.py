"""The real start-up as `make run` does it (`python -m dtmaturity.web.serve`), for tests that
must see what a person starting the app sees: the reasons it refuses, or a server that answers,
and on which addresses that server listens."""

from __future__ import annotations

import os
import subprocess
import sys
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
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), **env}
    for name in ("DTMATURITY_LOCAL_MODE", "DTMATURITY_ENV"):  # only as the test says
        if name not in env:
            full_env.pop(name, None)
    command = [sys.executable, "-m", "dtmaturity.web.serve", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.fileWatcherType", "none", *args]
    process = subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return Started(process, port)


def refused(started: Started, timeout: float = 180) -> str:
    """The reasons a start-up gave for not starting (stderr); fails unless it exited with 2,
    without a traceback, and left nothing listening on its port."""
    try:
        _, err = started.process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        started.process.kill()
        started.process.communicate()
        raise AssertionError("the app started (or hung) instead of refusing") from None
    assert started.process.returncode == 2, err
    assert "Traceback" not in err, err
    assert "the app cannot serve, so it does not start" in err, err
    assert not listening(started.port), f"something listens on port {started.port}"
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
