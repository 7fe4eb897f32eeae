"""One settings object (issue 26): every DTMATURITY_* variable is read in
dtmaturity/domain/settings.py, every bad value is reported at once, and the object follows the
environment when a test (or an operator's shell) changes it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dtmaturity.domain import authn, i18n, mailconfig, privacy, settings
from dtmaturity.services import scheduler

ROOT = Path(__file__).resolve().parents[2]

# One value per setting that has a rule, and a part of the message it must give.
BAD = {
    settings.LOCAL_MODE: ("ja", "must be 1 (local mode) or 0"),
    settings.DEFAULT_LANGUAGE: ("klingon", "is not one of the app's languages"),
    settings.MIN_RESPONDENTS: ("tre", "must be a whole number of at least 1"),
    settings.MIN_REFLECTIONS: ("0", "must be a whole number of at least 1"),
    settings.SMTP_URL: ("http://mail.example", "must start with smtp:// or smtps://"),
    settings.REMIND_EVERY: ("5", "must be a whole number of seconds, at least 10"),
}
# Settings where any text is a value (a path, a name, a list, a password, an address that
# the mail rule checks under DTMATURITY_SMTP_URL).
FREE = {
    settings.DB,
    settings.FRAMEWORK,
    settings.LOCAL_USER,
    settings.ENV,
    settings.ADMINS,
    settings.SMTP_PASSWORD,
    settings.MAIL_FROM,
    settings.BASE_URL,
}


@pytest.fixture
def clean_env(monkeypatch):
    for name in settings.NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_every_setting_either_has_a_rule_that_is_tested_or_takes_any_text():
    assert set(BAD) | FREE == set(settings.NAMES)
    assert not set(BAD) & FREE


def test_every_bad_value_is_reported_at_once_with_its_name_value_and_rule(clean_env):
    for name, (value, _) in BAD.items():
        clean_env.setenv(name, value)
    with pytest.raises(settings.SettingsError) as raised:
        settings.check()
    message = str(raised.value)
    assert set(raised.value.problems) == set(BAD)
    for name, (value, rule) in BAD.items():
        line = next(line for line in message.splitlines() if name in line)
        assert value in line and rule in line, line


@pytest.mark.parametrize("name", sorted(BAD))
def test_one_bad_value_is_reported_alone(clean_env, name):
    value, rule = BAD[name]
    clean_env.setenv(name, value)
    with pytest.raises(settings.SettingsError, match=re.escape(rule)) as raised:
        settings.check()
    assert list(raised.value.problems) == [name]


def test_without_any_setting_the_defaults_hold(clean_env):
    current = settings.check()
    assert (current.db, current.framework, current.mail) == (None, None, None)
    assert (current.min_respondents, current.min_reflections) == (3, 5)
    assert (current.remind_every, current.default_language) == (3600, "nb")
    assert not current.production and not current.local_mode and current.admins == ()


def test_the_settings_follow_the_environment_when_it_changes(clean_env):
    clean_env.setenv(settings.MIN_RESPONDENTS, "5")
    assert settings.current().min_respondents == 5
    clean_env.setenv(settings.MIN_RESPONDENTS, "7")
    assert settings.current().min_respondents == 7
    clean_env.setenv(settings.ADMINS, " a@b.no, ,c@d.no ")
    assert settings.current().admins == ("a@b.no", "c@d.no")


def test_each_module_raises_its_own_error_with_the_settings_message(clean_env):
    readers = {
        settings.LOCAL_MODE: (authn.local_mode_asked, authn.SignInSettingError),
        settings.DEFAULT_LANGUAGE: (settings.default_language, i18n.LanguageSettingError),
        settings.MIN_RESPONDENTS: (privacy.thresholds, privacy.PrivacySettingError),
        settings.MIN_REFLECTIONS: (privacy.thresholds, privacy.PrivacySettingError),
        settings.SMTP_URL: (settings.mail, mailconfig.MailConfigError),
        settings.REMIND_EVERY: (scheduler.interval, ValueError),
    }
    assert set(readers) == set(BAD)
    for name, (read, error) in readers.items():
        value, rule = BAD[name]
        clean_env.setenv(name, value)
        with pytest.raises(error, match=re.escape(rule)):
            read()
        clean_env.delenv(name)
        read()  # and reads again once the value is gone


def environment_reads() -> list[str]:
    """`file:line` of every read of os.environ or os.getenv in dtmaturity/, app.py, pages/."""
    found = []
    files = [*ROOT.glob("dtmaturity/**/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


# Reads of the environment that are not dtmaturity's settings, each with why.
NOT_SETTINGS = {
    "dtmaturity/domain/settings.py": "the settings themselves",
    "dtmaturity/services/workbooks.py": "the environment handed on to a child process",
    "dtmaturity/services/backups.py": "the environment handed on to pg_dump, with its password",
    "dtmaturity/web/serve.py": "Streamlit's own STREAMLIT_* options, as `streamlit run` reads them",
}


def test_no_module_but_the_settings_reads_a_setting_from_the_environment():
    readers = {place.split(":")[0] for place in environment_reads()}
    assert readers <= set(NOT_SETTINGS), sorted(readers - set(NOT_SETTINGS))


def test_the_database_is_a_file_path_or_a_postgresql_url_kept_as_written(clean_env):
    assert settings.read({settings.DB: "data/x.duckdb"}).db == Path("data/x.duckdb")
    url = "postgresql://dtm:secret@db.example:5432/dtmaturity?sslmode=require"
    assert settings.read({settings.DB: url}).db == url  # a Path would fold the //
