"""Every setting dtmaturity reads from the environment, in one place: its name, its default and
its rule. Pure Python.

`current()` reads them all into one frozen `Settings` (again only when one of the variables
changed, so a test that sets a variable sees it at once). A bad value never raises there: it
is kept in `Settings.problems` with the message that names the setting, its value and what it
must be, and the module that uses the setting raises its own error with that message when
asked for it. `check()` raises one `SettingsError` that lists every bad value at once: the
server's start-up (`dtmaturity.web.serve`) calls it before it listens."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dtmaturity import memo
from dtmaturity.domain import i18n, mailconfig

DB = "DTMATURITY_DB"
FRAMEWORK = "DTMATURITY_FRAMEWORK"
LOCAL_USER = "DTMATURITY_LOCAL_USER"
ENV = "DTMATURITY_ENV"
LOCAL_MODE = "DTMATURITY_LOCAL_MODE"
ADMINS = "DTMATURITY_ADMINS"
DEFAULT_LANGUAGE = i18n.DEFAULT_LANGUAGE_ENV  # DTMATURITY_DEFAULT_LANGUAGE
MIN_RESPONDENTS = "DTMATURITY_MIN_RESPONDENTS"
MIN_REFLECTIONS = "DTMATURITY_MIN_REFLECTIONS"
SMTP_URL = mailconfig.SMTP_URL
SMTP_PASSWORD = mailconfig.SMTP_PASSWORD
MAIL_FROM = mailconfig.MAIL_FROM
BASE_URL = mailconfig.BASE_URL
REMIND_EVERY = "DTMATURITY_REMIND_EVERY"

# Every setting, in the order of the README's Configuration table (a test keeps them equal).
NAMES = (
    DB,
    FRAMEWORK,
    LOCAL_USER,
    ENV,
    LOCAL_MODE,
    ADMINS,
    DEFAULT_LANGUAGE,
    MIN_RESPONDENTS,
    MIN_REFLECTIONS,
    SMTP_URL,
    SMTP_PASSWORD,
    MAIL_FROM,
    BASE_URL,
    REMIND_EVERY,
)
MAIL_NAMES = (SMTP_URL, SMTP_PASSWORD, MAIL_FROM, BASE_URL)

DEFAULT_MIN_RESPONDENTS = 3
DEFAULT_MIN_REFLECTIONS = 5
DEFAULT_REMIND_EVERY = 3600  # seconds
DEFAULT_BASE_URL = "http://localhost:8501"  # what the mail previews link to when mail is off


class SettingsError(ValueError):
    """One or more settings cannot be used; the message lists each one."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        count = len(self.problems)
        lines = "".join(f"\n  - {message}" for message in self.problems.values())
        super().__init__(f"{count} setting{'s' if count > 1 else ''} cannot be used:{lines}")


@dataclass(frozen=True)
class Settings:
    """The settings in force. Where a value is bad, the field holds its default and
    `problems[name]` says what is wrong (the mail settings' problem is kept under SMTP_URL)."""

    # A file path (DuckDB) or a postgresql:// URL (kept as text); None: data/dtmaturity.duckdb
    db: Path | str | None = None
    framework: Path | None = None  # None: the bundled data/framework.toml
    local_user: str = ""  # empty: the context's default local user
    production: bool = False
    local_mode: bool = False
    admins: tuple[str, ...] = ()
    default_language: str = i18n.DEFAULT_LANGUAGE
    min_respondents: int = DEFAULT_MIN_RESPONDENTS
    min_reflections: int = DEFAULT_MIN_REFLECTIONS
    mail: mailconfig.MailConfig | None = None  # None: mail is off
    base_url: str = DEFAULT_BASE_URL
    remind_every: int = DEFAULT_REMIND_EVERY
    problems: Mapping[str, str] = field(default_factory=dict)

    def problem(self, *names: str) -> str | None:
        """The first problem among these settings, or None when they are all usable."""
        return next((self.problems[n] for n in names if n in self.problems), None)

    def usable(self, *names: str, error: type[Exception] = ValueError) -> Settings:
        """These settings themselves, when every one named is usable; else `error` with the
        first problem (each reader raises the error its callers expect)."""
        problem = self.problem(*names)
        if problem:
            raise error(problem)
        return self


# --- one rule per setting: raw text in, value out, or ValueError with the message -----------


def _whole_at_least_one(name: str) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if _whole(raw) < 1:
            raise ValueError(
                f"{name} must be a whole number of at least 1 (the smallest group whose "
                f"figures may be shown), got {raw!r}."
            )
        return int(raw)

    return parse


def _whole(raw: str) -> int:
    """The whole number in `raw`, or 0 when it is none."""
    try:
        return int(raw)
    except ValueError:
        return 0


def _remind_every(raw: str) -> int:
    if _whole(raw) < 10:
        raise ValueError(f"{REMIND_EVERY}={raw!r} must be a whole number of seconds, at least 10")
    return int(raw)


def _local_mode(raw: str) -> bool:
    text = raw.lower()
    if text in ("0", "no", "false"):
        return False
    if text in ("1", "yes", "true"):
        return True
    raise ValueError(f"{LOCAL_MODE}={text!r} must be 1 (local mode) or 0 (not set)")


def _language(raw: str) -> str:
    if raw not in i18n.LANGUAGES:
        raise ValueError(
            f"{DEFAULT_LANGUAGE}={raw!r} is not one of the app's languages "
            f"({', '.join(i18n.LANGUAGES)})"
        )
    return raw


def _admins(raw: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in raw.split(",") if a.strip())


# name -> (field, rule); a name that is unset or blank keeps the field's default.
_RULES: dict[str, tuple[str, Callable[[str], object]]] = {
    DB: ("db", lambda raw: raw if raw.startswith(("postgresql://", "postgres://")) else Path(raw)),
    FRAMEWORK: ("framework", Path),
    LOCAL_USER: ("local_user", str),
    ENV: ("production", lambda raw: raw.lower() == "production"),
    LOCAL_MODE: ("local_mode", _local_mode),
    ADMINS: ("admins", _admins),
    DEFAULT_LANGUAGE: ("default_language", _language),
    MIN_RESPONDENTS: ("min_respondents", _whole_at_least_one(MIN_RESPONDENTS)),
    MIN_REFLECTIONS: ("min_reflections", _whole_at_least_one(MIN_REFLECTIONS)),
    BASE_URL: ("base_url", str),
    REMIND_EVERY: ("remind_every", _remind_every),
}
# The paths are read as given (not stripped), as they always were.
_UNSTRIPPED = (DB, FRAMEWORK)


def read(env: Mapping[str, str]) -> Settings:
    """The settings from `env`, with every bad value in `problems`."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name, (attribute, rule) in _RULES.items():
        raw = env.get(name, "")
        raw = raw if name in _UNSTRIPPED else raw.strip()
        if not raw:
            continue
        try:
            values[attribute] = rule(raw)
        except ValueError as exc:
            problems[name] = str(exc)
    try:
        values["mail"] = mailconfig.parse(env)
    except mailconfig.MailConfigError as exc:
        problems[SMTP_URL] = str(exc)
    return Settings(**values, problems=problems)


# One entry: the environment as it is now.
_cache: memo.Memo[Settings] = memo.Memo(1)


def current() -> Settings:
    """The settings from the environment, read again only when one of them changed."""
    key = tuple(os.environ.get(name) for name in NAMES)
    found = _cache.get(key)
    if found is None:
        found = _cache.put(key, read(os.environ))
    return found


def check(ignore: tuple[str, ...] = ()) -> Settings:
    """The settings in force, or one SettingsError listing every bad value (but those in
    `ignore`, which the caller reports in its own words)."""
    settings = current()
    problems = {name: text for name, text in settings.problems.items() if name not in ignore}
    if problems:
        raise SettingsError(problems)
    return settings


def default_language() -> str:
    """The deployment's default UI language: DTMATURITY_DEFAULT_LANGUAGE, else bokmål (or
    i18n.LanguageSettingError naming the bad value)."""
    return current().usable(DEFAULT_LANGUAGE, error=i18n.LanguageSettingError).default_language


def mail() -> mailconfig.MailConfig | None:
    """The mail settings in force, or None when DTMATURITY_SMTP_URL is unset (mail off); a
    bad one raises mailconfig.MailConfigError naming it."""
    return current().usable(SMTP_URL, error=mailconfig.MailConfigError).mail
