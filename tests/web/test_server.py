"""The app as a real Streamlit server (what `make run` starts) answers its health check."""

from __future__ import annotations

import subprocess
import urllib.request

from appserver import ROOT, SERVE, STREAMLIT_RUN, app_command, app_env, free_port, running_app


def test_server_starts_and_answers_health(db_path, tmp_path):
    log = tmp_path / "server.log"
    with running_app(log=log, env=app_env(), launcher=STREAMLIT_RUN) as app:
        response = urllib.request.urlopen(f"{app.url}/", timeout=5)
        assert response.status == 200


# --- `python -m dtmaturity.web.serve` (what `make run` starts) refuses to start when it
# cannot serve, with the reason: here the database and the framework; every broken sign-in
# setting and secrets file is in test_config_startup.py -------------------------------------


def refused(env: dict, *args: str) -> str:
    process = subprocess.run(
        app_command(SERVE, "127.0.0.1", free_port(), args),
        cwd=ROOT,
        env=app_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr
    return process.stderr


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


def test_a_second_app_on_the_same_database_does_not_start(db_path, tmp_path):
    with running_app(log=tmp_path / "first.log", env=app_env()):
        err = refused({})
    assert "another dtmaturity process" in err


def test_a_broken_framework_file_does_not_start(db_path, tmp_path):
    framework = tmp_path / "framework.toml"
    framework.write_text("[framework\nid = 1\n", encoding="utf-8")
    err = refused({"DTMATURITY_FRAMEWORK": str(framework)})
    assert "framework:" in err and str(framework) in err
