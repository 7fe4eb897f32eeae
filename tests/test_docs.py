"""The README stays true (issue 26, after sqlite-utils' test_docs.py): every setting and every
command is documented, and the README names no setting or command that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from dtmaturity import cli
from dtmaturity.domain import settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTING = re.compile(r"\bDTMATURITY_[A-Z0-9_]*[A-Z0-9]\b")
WORD = re.compile(r"[a-z][a-z-]*$")


def section(title: str) -> str:
    """The text of the README's `## title` section, up to the next `## ` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else len(README)]


def harness_settings() -> set[str]:
    """DTMATURITY_* variables the test and benchmark harness reads (not the app's settings)."""
    sources = [*ROOT.glob("tests/**/*.py"), *ROOT.glob("benchmarks/**/*.py")]
    found = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"environ\.get\(\s*\"(DTMATURITY_\w+)\"", text))
    found |= set(re.findall(r"\$\((DTMATURITY_\w+)\)", (ROOT / "Makefile").read_text()))
    return found


def configuration_rows() -> set[str]:
    """The settings in the first column of the Configuration table."""
    return set(re.findall(r"^\| `(DTMATURITY_\w+)` \|", section("Configuration"), re.M))


def test_every_setting_has_a_row_in_the_configuration_table():
    missing = set(settings.NAMES) - configuration_rows()
    assert not missing, f"add a row to README's Configuration table for {sorted(missing)}"


def test_the_readme_names_no_setting_that_does_not_exist():
    known = set(settings.NAMES) | harness_settings()
    assert configuration_rows() <= known, sorted(configuration_rows() - known)
    unknown = set(SETTING.findall(README)) - known
    assert not unknown, f"the README names settings that do not exist: {sorted(unknown)}"


def command_uses() -> list[list[str]]:
    """The words after `dtmaturity` wherever the README shows a command: in code blocks, and
    in inline code that starts with `dtmaturity `."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.M | re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    spans = [s for s in re.findall(r"`([^`\n]+)`", README) if s.startswith("dtmaturity ")]
    uses = []
    for text in [*lines, *spans]:
        for match in re.finditer(r"(?:^|[\s/])dtmaturity (?=(\S+)(?: (\S+))?)", text):
            uses.append([word for word in match.groups() if word])
    return uses


def test_the_readme_shows_no_command_that_does_not_exist():
    wrong = []
    for words in command_uses():
        if not WORD.match(words[0]):
            continue  # an option (--db) or a placeholder (…)
        command = cli.cli.commands.get(words[0])
        if command is None or (
            isinstance(command, click.Group)
            and len(words) > 1
            and WORD.match(words[1])
            and words[1] not in command.commands
        ):
            wrong.append(" ".join(words))
    assert not wrong, f"the README shows commands that do not exist: {wrong}"


@pytest.mark.parametrize("path", cli.command_paths())
def test_every_command_is_shown_in_the_command_line_section(path):
    text = section("Command line")
    assert re.search(rf"dtmaturity {re.escape(path)}(\s|$)", text, re.M), (
        f"README's Command line section shows no `dtmaturity {path}`"
    )


def test_every_declared_dependency_is_named_with_its_reason_in_how_it_is_built():
    """pyproject.toml's dependencies (runtime and the `dev` extra) each appear in the README's
    dependency paragraphs, which say why each is there."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = [re.match(r"[A-Za-z0-9_.-]+", spec).group().lower() for spec in declared]
    text = section("How it is built").lower()
    missing = [n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert not missing, f"say in README's How it is built why these are needed: {missing}"
