"""`dtmaturity backup --output FILE` when no app holds the database (beside the running app:
tests/cli/test_beside_app.py): every table copied, the file private, mistakes refused with a
message and nothing written."""

from __future__ import annotations

import hashlib

from dtmaturity.cli import main
from dtmaturity.store.backup import table_checksums


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_holds_every_table_of_the_database_and_only_its_owner_can_read_it(
    demo_db, tmp_path, capsys
):
    output = tmp_path / "backups" / "nightly.duckdb"
    assert main(["backup", "--output", str(output)]) == 0
    said = capsys.readouterr().out
    original = table_checksums(demo_db)
    assert table_checksums(output) == original
    rows = sum(count for count, _ in original.values())
    assert f"backed up {demo_db} to {output}: {len(original)} tables, {rows} rows" in said
    assert "running app" not in said
    assert output.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in output.parent.iterdir()] == ["nightly.duckdb"]


def test_a_backup_replaces_an_older_backup_whole(demo_db, tmp_path, capsys):
    output = tmp_path / "nightly.duckdb"
    output.write_bytes(b"yesterday's backup, or anything else" * 1000)
    assert main(["backup", "-o", str(output)]) == 0
    assert table_checksums(output) == table_checksums(demo_db)


def test_a_backup_of_a_database_that_does_not_exist_says_so_and_writes_nothing(tmp_path, capsys):
    missing = tmp_path / "nothing.duckdb"
    output = tmp_path / "b.duckdb"
    assert main(["--db", str(missing), "backup", "-o", str(output)]) == 1
    assert f"dtmaturity backup: there is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists() and not output.exists()


def test_a_backup_onto_the_database_itself_is_refused_and_the_database_is_untouched(
    demo_db, capsys
):
    before = digest(demo_db)
    assert main(["backup", "-o", str(demo_db)]) == 1
    assert "is the database itself" in capsys.readouterr().err
    assert digest(demo_db) == before
    assert [p.name for p in demo_db.parent.iterdir()] == [demo_db.name]


def test_a_backup_into_a_folder_that_cannot_be_made_says_where(demo_db, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    assert main(["backup", "-o", str(blocker / "b.duckdb")]) == 2
    err = capsys.readouterr().err
    assert str(blocker) in err and "Traceback" not in err
