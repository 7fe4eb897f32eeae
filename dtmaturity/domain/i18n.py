"""UI strings from the gettext catalogues in `dtmaturity/locale/` (one `.po` file per language).

The msgid of every entry is a stable key (`app_title`, `checkin_saved`, …); the catalogues hold
the text per language, with `{name}` placeholders filled in by `t`. An entry whose text depends
on a count has plural forms (`msgid_plural`, `msgstr[0]`, `msgstr[1]`, … following the
catalogue's `Plural-Forms` header) and is looked up with `tn`. The catalogues are read with
Babel and compiled in memory when this module is first imported, so editing a `.po` file needs
no build step (`make catalogues-check` compiles them with `pybabel` as a translator would).
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

from dtmaturity import memo

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
# The UI languages, each named in itself (the order of the sidebar switch). Adding a language:
# a catalogue in LOCALE_DIR, an entry here, labels in the framework file (see the README).
LANGUAGES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}
# The catalogue every other one is translated from, and the fallback for a missing text.
SOURCE_LANGUAGE = "nb"
DEFAULT_LANGUAGE = SOURCE_LANGUAGE
DEFAULT_LANGUAGE_ENV = "DTMATURITY_DEFAULT_LANGUAGE"


class LanguageSettingError(ValueError):
    """DTMATURITY_DEFAULT_LANGUAGE names a language the app does not have."""


def catalogue_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str, locale_dir: Path = LOCALE_DIR):
    """The Babel catalogue of `lang`, as a translator's tools see it."""
    from babel.messages.pofile import read_po  # Babel only when a catalogue is read

    with catalogue_path(lang, locale_dir).open("rb") as handle:
        return read_po(handle, locale=lang)


@memo.memoised(len(LANGUAGES) + 1)
def _parsed(lang: str):
    """The app's own catalogue of `lang`, parsed once per process (Babel's parser takes a
    tenth of a second per catalogue: a command reads only the ones it shows text in)."""
    return read_catalogue(lang)


def message_texts(message) -> list[str]:
    """The texts of a catalogue entry: one, or one per plural form."""
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def catalogue_problems(
    languages: list[str] | None = None, locale_dir: Path = LOCALE_DIR
) -> list[str]:
    """Every entry of the bokmål catalogue that another catalogue lacks, leaves empty, marks
    fuzzy or gives other `{placeholders}`; and entries that bokmål does not have."""
    source = {m.id: m for m in read_catalogue(SOURCE_LANGUAGE, locale_dir) if m.id}
    found = []
    for lang in languages or list(LANGUAGES):
        catalogue = {m.id: m for m in read_catalogue(lang, locale_dir) if m.id}
        for key, original in source.items():
            name = key[0] if isinstance(key, tuple) else key
            message = catalogue.get(key)
            if message is None:
                found.append(f"{lang}: {name}: missing")
                continue
            if message.fuzzy:
                found.append(f"{lang}: {name}: fuzzy (check the text, then remove the flag)")
            if not all(message_texts(message)):
                found.append(f"{lang}: {name}: not translated")
                continue
            want = sorted(set(_PLACEHOLDER.findall(" ".join(message_texts(original)))))
            have = sorted(set(_PLACEHOLDER.findall(" ".join(message_texts(message)))))
            if want != have:
                found.append(f"{lang}: {name}: placeholders {have}, bokmål has {want}")
        for key in catalogue.keys() - source.keys():
            name = key[0] if isinstance(key, tuple) else key
            found.append(f"{lang}: {name}: not in the bokmål catalogue")
    return found


@memo.memoised(len(LANGUAGES) + 1)
def _translations(lang: str) -> gettext.GNUTranslations:
    """The catalogue compiled to gettext's binary form in memory (fuzzy entries left out)."""
    buffer = io.BytesIO()
    from babel.messages.mofile import write_mo

    write_mo(buffer, _parsed(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@memo.memoised(len(LANGUAGES) + 1)
def _catalogue(lang: str) -> dict[str, str]:
    """Key → text of the catalogue's singular entries that are translated and not fuzzy."""
    return {
        str(m.id): str(m.string)
        for m in _parsed(lang)
        if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
    }


@memo.memoised(1)
def plural_keys() -> frozenset[str]:
    """The keys of the source catalogue's entries with plural forms."""
    return frozenset(m.id[0] for m in _parsed(SOURCE_LANGUAGE) if isinstance(m.id, tuple))


@memo.memoised(1)
def strings() -> dict[str, dict[str, str]]:
    """Key → language → text of every catalogue, read once, on the first text asked for (so a
    command's `--help` reads no catalogue)."""
    table: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        for key, text in _catalogue(lang).items():
            table.setdefault(key, {})[lang] = text
    return table


# The parameter that chooses a plural entry's form when it is looked up with `t`: the first of
# these that is given (`{count} svar`, `{n} svar`, `{days} dager igjen`, `{periods} kvartaler`).
COUNT_PARAMS = ("count", "n", "days", "periods")


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (falling back to bokmål), with `params` filled in. A plural
    entry takes the form its count asks for (the first of COUNT_PARAMS given)."""
    if key in plural_keys():
        name = next(name for name in COUNT_PARAMS if name in params)
        rest = {k: v for k, v in params.items() if k != "count"}
        return tn(lang, key, int(params[name]), **rest)  # type: ignore[arg-type]
    # Only the catalogues asked for are read: this language's, and bokmål's as the fallback.
    text = _catalogue(lang).get(key) if lang in LANGUAGES else None
    if not text:
        text = _catalogue(DEFAULT_LANGUAGE)[key]
    return text.format(**params) if params else text


def tn(lang: str, key: str, count: int, **params: object) -> str:
    """The text for `key` in the plural form `count` asks for in `lang`, with `count` and
    `params` filled in. `key` must be a plural entry of the catalogues."""
    if key not in plural_keys():
        raise KeyError(key)
    source = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = _translations(source).ngettext(key, key, count)
    if text == key:  # untranslated in this language
        text = _translations(DEFAULT_LANGUAGE).ngettext(key, key, count)
    return text.format(count=count, **params)


def counted(lang: str, key: str, count: int) -> str:
    """A number with its noun in the right form (`1 enhet`, `2 enheter`), from the plural entry
    `key` (`n_units`, …), for a sentence that holds several counts."""
    return tn(lang, key, count)
