"""UI strings from the gettext catalogues in `dtmaturity/locale/` (one `.po` file per language).

The msgid of every entry is a stable key (`app_title`, `checkin_saved`, …); the catalogues hold
the text per language, with `{name}` placeholders filled in by `t`. The catalogues are read with
Babel when this module is first imported, so editing a `.po` file needs no build step.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"nb": "Norsk bokmål", "en": "English"}
DEFAULT_LANGUAGE = "nb"


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    with catalogue_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def _strings() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        for key, text in _catalogue(lang).items():
            table.setdefault(key, {})[lang] = text
    return table


STRINGS: dict[str, dict[str, str]] = _strings()


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (falling back to bokmål), with `params` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
