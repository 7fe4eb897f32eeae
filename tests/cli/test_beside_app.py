"""`dtmaturity export`, `report` and `backup` while the app serves the same DuckDB file: the
real server (tests/appserver.py) holds the file, each command runs as a process of its own
beside it, reads a consistent copy the server makes on request (through the spool folder, as
`rounds` hands over its jobs), and writes exactly what it writes when no app runs. Where no
server answers, each says so and writes nothing."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from appserver import SERVE, app_env, running_app

from dtmaturity import cli
from dtmaturity.domain import clock
from dtmaturity.domain.periods import Period
from dtmaturity.store.backup import table_checksums

ROOT = Path(__file__).resolve().parents[2]
UNIT = "demo-bruker-01"
OTHER = "demo-teknologi"

# Every command that works beside the running app by reading the app's copy, with its output
# file(s); OUT is replaced by the folder the run writes into.
BESIDE = {
    "export": ("export", "--output", "OUT/answers.csv"),
    "export --what actions": ("export", "--what", "actions", "--output", "OUT/actions.csv"),
    "report": ("report", "--unit", UNIT, "--output", "OUT/report.html"),
    "backup": ("backup", "--output", "OUT/backup.duckdb"),
}
COPY_SAID = "reading a consistent copy of it that the app made just now"


def run(env: dict[str, str], args: tuple[str, ...], out: Path) -> subprocess.CompletedProcess:
    args = tuple(a.replace("OUT", str(out)) for a in args)
    return subprocess.run(
        [sys.executable, "-m", "dtmaturity", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def run_here(args: tuple[str, ...], out: Path) -> subprocess.CompletedProcess:
    """The command run in this process (`main`), as `run` reports a process."""
    args = tuple(a.replace("OUT", str(out)) for a in args)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(list(args))
    return subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


@dataclass
class Runs:
    db: Path
    beside: dict[str, subprocess.CompletedProcess]
    direct: dict[str, subprocess.CompletedProcess]
    beside_out: Path
    direct_out: Path
    opened: subprocess.CompletedProcess  # a write made through the running app before


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Runs]:
    """Each command run beside the serving app, then again on the same file once it stopped."""
    folder = tmp_path_factory.mktemp("beside")
    db = folder / "dtmaturity.duckdb"
    shutil.copyfile(demo_file, db)
    env = app_env(db, DTMATURITY_SMTP_URL=None, DTMATURITY_LOCAL_USER="test.leader@etat.example")
    beside_out, direct_out = folder / "beside", folder / "direct"
    with running_app(log=folder / "server.log", env=env, launcher=SERVE) as app:
        # The app's first run opens the database and starts the thread that serves the spool.
        with urllib.request.urlopen(f"{app.url}/_stcore/script-health-check", timeout=120) as ok:
            assert ok.read() == b"ok"
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(db), read_only=True)
        deadline = str(clock.today() + timedelta(days=20))
        opened = run(
            env,
            ("rounds", "open", "--period", str(Period.current()), "--deadline", deadline,
             "--unit", OTHER),
            beside_out,
        )  # fmt: skip
        beside = {name: run(env, args, beside_out) for name, args in BESIDE.items()}
    with pytest.MonkeyPatch.context() as patch:  # the file is free now: in this process
        for name in [n for n in os.environ if n.startswith("DTMATURITY_") and n not in env]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        direct = {name: run_here(args, direct_out) for name, args in BESIDE.items()}
    yield Runs(db, beside, direct, beside_out, direct_out, opened)


def test_every_command_that_reads_beside_the_app_is_tested_here():
    """A command with --wait works while the app holds the file; rounds jobs run in the app."""
    waiting = {
        path.split()[0]
        for path in cli.command_paths()
        if not path.startswith("rounds")
        and any(p.name == "wait" for p in cli.cli.commands[path.split()[0]].params)
    }
    assert waiting == {name.split()[0] for name in BESIDE}


@pytest.mark.parametrize("name", BESIDE)
def test_a_command_beside_the_serving_app_reads_its_copy(runs, name):
    done = runs.beside[name]
    assert done.returncode == 0, done.stderr
    if name != "backup":
        assert COPY_SAID in done.stderr
    else:
        assert "a consistent copy made by the running app" in done.stdout


@pytest.mark.parametrize("name", BESIDE)
def test_a_command_without_the_app_opens_the_file_itself(runs, name):
    done = runs.direct[name]
    assert done.returncode == 0, done.stderr
    assert COPY_SAID not in done.stderr and "made by the running app" not in done.stdout


def test_exports_and_reports_beside_the_app_are_those_written_without_it(runs):
    beside = files(runs.beside_out)
    direct = files(runs.direct_out)
    written = {k for k in beside if not k.startswith("backup")}
    assert written == {k for k in direct if not k.startswith("backup")}
    assert {"answers.csv", "actions.csv", "report.html"} <= written
    assert all(beside[k] == direct[k] for k in written), [
        k for k in written if beside[k] != direct[k]
    ]
    answers = beside["answers.csv"].decode("utf-8").splitlines()
    assert f"wrote {len(answers) - 1} answers" in runs.beside["export"].stderr
    assert len(answers) > 5000


def test_a_backup_beside_the_app_holds_every_row_the_database_holds(runs):
    assert runs.opened.returncode == 0, runs.opened.stderr
    original = table_checksums(runs.db)
    backup = table_checksums(runs.beside_out / "backup.duckdb")
    assert backup == original
    assert backup == table_checksums(runs.direct_out / "backup.duckdb")
    rows = sum(count for count, _ in original.values())
    assert f"{len(original)} tables, {rows} rows" in runs.beside["backup"].stdout
    # the round opened through the app, in its memory and write-ahead log, is in the copy
    con = duckdb.connect(str(runs.beside_out / "backup.duckdb"), read_only=True)
    assert con.execute(
        "SELECT count(*) FROM round WHERE unit_id = ? AND period = ?",
        [OTHER, str(Period.current())],
    ).fetchone() == (1,)
    con.close()
    assert (runs.beside_out / "backup.duckdb").stat().st_mode & 0o077 == 0


def test_no_copy_is_left_behind(runs):
    spool = runs.db.with_name(runs.db.name + ".spool")
    assert list(spool.iterdir()) == []
    assert not [p for p in runs.beside_out.rglob("*") if p.name.endswith((".part", ".wal"))]


# --- no server answers --------------------------------------------------------------------


@pytest.fixture
def held(tmp_path: Path, demo_file: Path) -> Iterator[Path]:
    """A database file held by a process that is no dtmaturity server."""
    db = tmp_path / "held.duckdb"
    shutil.copyfile(demo_file, db)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        yield db
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


# Every command with the spool folder a stopped server left; one without any spool folder.
NO_SERVER = [(name, "a spool folder nobody serves") for name in BESIDE] + [
    ("export", "no spool folder")
]


@pytest.mark.parametrize(("name", "spool"), NO_SERVER)
def test_without_a_server_to_answer_a_command_says_so_and_writes_nothing(
    held, tmp_path, name, spool
):
    if spool != "no spool folder":
        held.with_name(held.name + ".spool").mkdir(mode=0o700)
    out = tmp_path / "out"
    done = run(app_env(held), (*BESIDE[name], "--wait", "1"), out)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"the database {held} is in use by another process" in done.stderr
    assert "no dtmaturity server picked up the job" in done.stderr and "within 1 s" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    if spool != "no spool folder":
        assert list(held.with_name(held.name + ".spool").iterdir()) == []  # withdrawn
