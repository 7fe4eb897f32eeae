"""Files the server reads and writes are its own: the spool folder beside the database, the
work folders, and every output the command line writes. The attacks run as a second,
unprivileged local user (tests/otheruser.py) who can write where the database or an output
folder lives (a shared folder, sticky like /tmp): links aimed at the database, FIFOs as
requests, look-alike folders. The outputs are enumerated in OUTPUTS, one line per command
that writes a file, and tests/architecture/test_safe_files.py keeps every other way of
writing a file out of the code."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
import servestart
from orgbuilder import PERIOD, add_checkins, add_units
from otheruser import as_attacker, attacker_ids, shared_folder

from dtmaturity import cli, safefiles
from dtmaturity.services import reportfiles, spool, workdirs
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store

HANG_GUARD_S = 120  # a join that returns only if nothing blocked; not a timing assertion


def _units_in(db: Path) -> int:
    """The database still opens as DuckDB and holds its units (it was not overwritten)."""
    store = Store(db)
    try:
        with store.reader() as cur:
            return cur.execute("SELECT count(*) FROM unit").fetchone()[0]
    finally:
        store.close()


@pytest.fixture
def shared_db():
    """A database with two units in a folder every local user may write into."""
    with shared_folder() as shared:
        db = shared / "dtmaturity.duckdb"
        store, framework = open_runtime(db)
        ctx = Context(actor=local_actor(), store=store, framework=framework)
        add_units(ctx, [("sor", None), ("vest", None)])
        for unit in ("sor", "vest"):
            add_checkins(ctx, unit, 3)
        yield ctx
        store.close()


# --- the spool folder ----------------------------------------------------------------------


def test_a_spool_folder_another_user_made_is_refused_and_the_database_survives(shared_db):
    db, folder = shared_db.store.path, spool.spool_dir(shared_db.store.path)
    as_attacker(
        f"mkdir -m 777 '{folder}'\n"
        f"ln -s '{db}' '{folder}/x.response.json'\n"
        f"ln -s '{db}' '{folder}/x.response.json.part'\n"
        f"echo '{{\"command\": \"list\"}}' > '{folder}/x.request.json'\n"
        f"mkfifo '{folder}/y.request.json'\n"
    )
    with pytest.raises(spool.SpoolError, match="owned by user id"):
        spool.prepare_spool(db)
    assert spool.serve_spool(shared_db.store, shared_db.framework, folder) == 0
    assert (folder / "x.response.json").is_symlink()  # not followed, not even replaced
    with pytest.raises(spool.SpoolError, match="cannot be used"):
        spool.submit(db, {"command": "list"}, timeout=5)
    shared_db.store.close()
    assert _units_in(db) == 2


def test_a_spool_folder_that_is_a_link_to_another_users_folder_is_refused(shared_db):
    db, folder = shared_db.store.path, spool.spool_dir(shared_db.store.path)
    theirs = folder.with_name("theirs")
    as_attacker(f"mkdir -m 700 '{theirs}'\nln -s '{theirs}' '{folder}'\n")
    with pytest.raises(spool.SpoolError, match="symbolic link"):
        spool.prepare_spool(db)
    assert spool.serve_spool(shared_db.store, shared_db.framework, folder) == 0


def test_a_spool_folder_open_to_others_is_refused(shared_db):
    folder = spool.spool_dir(shared_db.store.path)
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o777)  # the server's own user, but anyone may plant files in it
    with pytest.raises(spool.SpoolError, match="mode 0777"):
        spool.prepare_spool(shared_db.store.path)
    assert spool.serve_spool(shared_db.store, shared_db.framework, folder) == 0


def test_the_app_does_not_start_on_a_spool_folder_another_user_made(shared_db, tmp_path):
    db, folder = shared_db.store.path, spool.spool_dir(shared_db.store.path)
    as_attacker(f"mkdir -m 777 '{folder}'\nln -s '{db}' '{folder}/x.response.json'\n")
    shared_db.store.close()
    home = tmp_path / "home"
    home.mkdir()
    started = servestart.start(
        "--server.address", "127.0.0.1", env={"DTMATURITY_DB": str(db)}, home=home
    )
    err = servestart.refused(started)
    assert "spool:" in err and "owned by user id" in err and "remove it" in err
    assert _units_in(db) == 2


def test_links_and_fifos_in_the_servers_own_spool_are_not_followed_and_block_nothing(shared_db):
    """Inside the server's own folder (0700: the attacker cannot reach it) the files are still
    opened without trust: a planted answer link aimed at the database is replaced, and a FIFO
    request (the attacker's) is refused without being opened, while a real job is served."""
    uid, gid = attacker_ids()
    db = shared_db.store.path
    folder = spool.prepare_spool(db)
    (folder / "x.request.json").write_text('{"command": "list"}', encoding="utf-8")
    (folder / "x.response.json").symlink_to(db)
    (folder / "x.response.json.part").symlink_to(db)  # the name the answer was once written as
    os.mkfifo(folder / "0000.request.json")
    os.chown(folder / "0000.request.json", uid, gid)
    answer: dict = {}
    caller = threading.Thread(
        target=lambda: answer.update(outcome=spool.submit(db, {"command": "list"}, 60))
    )
    caller.start()
    served = 0
    while caller.is_alive() and served < 3:
        server = threading.Thread(
            target=lambda: answer.update(
                served=spool.serve_spool(shared_db.store, shared_db.framework, folder)
            )
        )
        server.start()
        server.join(HANG_GUARD_S)
        assert not server.is_alive(), "the spool handling blocked"
        served += answer["served"]
    caller.join(HANG_GUARD_S)
    assert answer["outcome"].exit == 0  # the real job was served
    fifo_answer = json.loads((folder / "0000.response.json").read_text(encoding="utf-8"))
    assert "not a regular file" in fifo_answer["err"][0]
    planted = folder / "x.response.json"
    assert stat.S_ISREG(planted.lstat().st_mode)  # the link was replaced by the answer
    assert json.loads(planted.read_text(encoding="utf-8"))["exit"] == 0
    assert (folder / "x.response.json.part").is_symlink()  # never opened
    shared_db.store.close()
    assert _units_in(db) == 2


# --- work folders ----------------------------------------------------------------------------


def test_the_work_folder_sweep_leaves_another_users_look_alike_folder_alone(tmp_path):
    with shared_folder() as shared:
        dead = 4_194_304 + 7  # above any pid_max: no such process
        theirs = shared / f"dtmaturity-import-{dead}-theirs"
        ours = shared / f"dtmaturity-import-{dead}-ours"
        as_attacker(f"mkdir '{theirs}'\ntouch '{theirs}/keep'\nln -s /etc '{theirs}/etc'\n")
        ours.mkdir(mode=0o700)
        assert workdirs.sweep(shared) == 1
        assert (theirs / "keep").exists() and not ours.exists()


def test_a_work_folder_is_private_and_its_files_are_never_opened_through_a_link(tmp_path):
    precious = tmp_path / "precious"
    precious.write_text("keep", encoding="utf-8")
    with workdirs.workdir("import") as folder:
        info = folder.lstat()
        assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.geteuid()
        (folder / "upload.csv").symlink_to(precious)
        with pytest.raises(safefiles.UnsafePathError, match="exists already"):
            safefiles.write_new(folder / "upload.csv", b"overwritten")
        with pytest.raises(safefiles.UnsafePathError, match="symbolic link"):
            safefiles.read_regular(folder / "upload.csv")
        os.mkfifo(folder / "fifo.csv")
        with pytest.raises(safefiles.UnsafePathError, match="not a regular file"):
            safefiles.read_regular(folder / "fifo.csv")  # refused at once, never blocks
    assert precious.read_text(encoding="utf-8") == "keep"


# --- outputs of the command line -------------------------------------------------------------

# (command line after `dtmaturity`, the file names it writes in the output folder)
OUTPUTS = {
    "report --unit": (["report", "--unit", "sor", "--period", PERIOD, "-o", "{out}/r.pdf"],
                      ["r.pdf"]),
    "report --all": (["report", "--all", "--period", PERIOD, "--format", "html", "-o", "{out}"],
                     [reportfiles.file_name(u, PERIOD, "html") for u in ("sor", "vest")]),
    "export (answers)": (["export", "-o", "{out}/answers.csv"], ["answers.csv"]),
    "export --what actions": (["export", "--what", "actions", "-o", "{out}/a.csv"], ["a.csv"]),
    "audit": (["audit", "-o", "{out}/audit.csv"], ["audit.csv"]),
    "backup": (["backup", "-o", "{out}/backup.duckdb"], ["backup.duckdb"]),
    "people export": (["people", "export", "sor-leader0@etat.example", "-o", "{out}/p.zip"],
                      ["p.zip"]),
}  # fmt: skip


@pytest.mark.parametrize(("argv", "names"), OUTPUTS.values(), ids=OUTPUTS.keys())
def test_an_output_name_another_user_linked_to_the_database_is_replaced_not_written_through(
    shared_db, argv, names, monkeypatch, capsys
):
    db = shared_db.store.path
    out = db.parent / "out"
    out.mkdir()
    os.chmod(out, 0o1777)  # a shared output folder, sticky like /tmp
    as_attacker("".join(f"ln -s '{db}' '{out}/{name}'\n" for name in names))
    shared_db.store.close()
    monkeypatch.setenv("DTMATURITY_DB", str(db))
    code = cli.main([part.format(out=out) for part in argv])
    assert code == 0, capsys.readouterr().err
    for name in names:
        written = (out / name).lstat()
        assert stat.S_ISREG(written.st_mode) and written.st_size > 0, name
    assert _units_in(db) == 2
