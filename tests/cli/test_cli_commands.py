"""Every command and sub-command of `dtmaturity` (issue 26): its docstring is its `--help`, a
usage error exits with 2 as it always did, and a long option may be shortened to any prefix
that names only it (as the command line has always accepted)."""

from __future__ import annotations

import inspect

import pytest

from dtmaturity import cli
from dtmaturity.cli import main

PATHS = cli.command_paths()


def command(path: str):
    found = cli.cli
    for name in path.split():
        found = found.commands[name]
    return found


def test_every_command_of_the_readme_list_is_there():
    assert set(PATHS) >= {
        "migrate", "demo", "export", "import", "imports list", "imports undo", "actions import",
        "report", "rounds open", "rounds list", "rounds remind", "rounds close", "rounds reopen",
        "people import", "people export", "people erase", "purge", "audit",
    }  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_the_help_of_every_command_is_its_docstring(path, capsys):
    assert main([*path.split(), "--help"]) == 0
    out = capsys.readouterr().out
    doc = inspect.getdoc(command(path).callback)
    assert doc, f"`dtmaturity {path}` has no docstring"
    assert " ".join(doc.split()[:4]) in " ".join(out.split())


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_option_is_a_usage_error_with_exit_code_2(path, capsys):
    assert main([*path.split(), "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "No such option '--no-such-option'" in err and "Traceback" not in err


def test_report_needs_exactly_one_of_unit_and_all(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path / "r.pdf")]) == 2
    assert "one of the options --unit --all is required" in capsys.readouterr().err
    assert main(["report", "--unit", "u", "--all", "-o", str(tmp_path / "r.pdf")]) == 2
    assert "not allowed with option --unit" in capsys.readouterr().err


def test_a_long_option_may_be_shortened_where_it_names_only_one(db_path, capsys):
    assert main(["--d", str(db_path), "purge", "--keep", "4", "--dry"]) == 0
    assert capsys.readouterr().out.startswith("would delete before")
    assert main(["rounds", "remind", "--d"]) == 0  # --dry-run: sends nothing
    capsys.readouterr()


def test_a_prefix_of_two_options_is_refused(db_path, capsys):
    assert main(["import", "x.csv", "--s"]) == 2  # --sheet or --skip-invalid
    assert "No such option '--s'" in capsys.readouterr().err


def test_a_command_that_needs_a_bad_setting_names_every_bad_one(
    demo_db, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("DTMATURITY_MIN_RESPONDENTS", "tre")
    monkeypatch.setenv("DTMATURITY_REMIND_EVERY", "2")
    assert main(["report", "--unit", "demo-bruker-01", "-o", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2 settings cannot be used" in err
    assert "DTMATURITY_MIN_RESPONDENTS" in err and "'tre'" in err
    assert "DTMATURITY_REMIND_EVERY='2'" in err
    assert not (tmp_path / "r.pdf").exists()
