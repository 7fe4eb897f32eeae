"""The app as a real Streamlit server (what `make run` starts) answers its health check."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_starts_and_answers_health(db_path):
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- `python -m dtmaturity.web.serve` (what `make run` starts) refuses to start when it
# cannot serve, with the reason ---------------------------------------------------------------


def serve(env: dict, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "dtmaturity.web.serve", "--server.address", "127.0.0.1"]
    return subprocess.Popen(
        [*command, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def refused(env: dict, *args: str) -> str:
    process = serve(env, "--server.port", str(free_port()), *args)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert "Traceback" not in err
    return err


def test_production_without_sign_in_does_not_start(db_path):
    err = refused({"DTMATURITY_ENV": "production"})
    assert "DTMATURITY_ENV=production" in err


def test_a_secrets_file_that_does_not_parse_does_not_start(db_path, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://x\n', encoding="utf-8")
    assert "cannot be read" in refused({}, "--secrets.files", str(secrets))


def test_a_short_cookie_secret_does_not_start(db_path, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "http://localhost/oauth2callback"\ncookie_secret = "kort"\n'
        'client_id = "a"\nclient_secret = "b"\nserver_metadata_url = "http://x/.well-known"\n',
        encoding="utf-8",
    )
    assert "cookie_secret has 4 characters" in refused({}, "--secrets.files", str(secrets))


def test_a_database_from_a_newer_schema_does_not_start(db_path):
    import duckdb

    from dtmaturity.store import Store
    from dtmaturity.store.migrations import LATEST

    Store(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO schema_version (version, name) VALUES (?, 'future')", [LATEST + 1])
    con.close()
    err = refused({})
    assert f"schema version is {LATEST + 1}" in err and f"version {LATEST})" in err


def test_a_second_app_on_the_same_database_does_not_start(db_path):
    port = free_port()
    first = serve({}, "--server.port", str(port), "--server.headless", "true")
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == "ok"
        err = refused({})
        assert "another dtmaturity process" in err
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_a_broken_framework_file_does_not_start(db_path, tmp_path):
    framework = tmp_path / "framework.toml"
    framework.write_text("[framework\nid = 1\n", encoding="utf-8")
    err = refused({"DTMATURITY_FRAMEWORK": str(framework)})
    assert "framework:" in err and str(framework) in err
