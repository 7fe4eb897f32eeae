"""Translator's tools for the gettext catalogues in dtmaturity/locale (see README, "Languages").

    python tools/catalogues.py pot            # messages.pot from the bokmål catalogue
    python tools/catalogues.py add KEY nb=… nn=… en=…   # a new entry in every catalogue
    python tools/catalogues.py check          # what is missing, fuzzy or has other placeholders

The bokmål catalogue (nb) is the source: a key is added there first, `pot` writes the template
from it (with the bokmål text as a comment for translators), and `pybabel update` (make
catalogues) carries new keys into every other catalogue as empty entries to translate.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dtmaturity.domain import i18n  # noqa: E402

WIDTH = 100
POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"


def _comment(message) -> list[str]:
    return [f"nb: {text}" for text in i18n.message_texts(message)[-1:] if text]


def write_pot() -> None:
    source = i18n.read_catalogue(i18n.SOURCE_LANGUAGE)
    template = Catalog(project="dtmaturity", version="0.1", copyright_holder="dtmaturity")
    for message in source:
        if not message.id:
            continue
        empty = ("",) * len(message.id) if isinstance(message.id, tuple) else ""
        template.add(message.id, empty, auto_comments=_comment(message))
    with POT.open("wb") as handle:
        write_po(handle, template, width=WIDTH)
    print(f"wrote {POT.relative_to(ROOT)} ({len(template)} entries)")


def _append(path: Path, key: str, text: str, comment: str | None) -> None:
    """One entry at the end of a catalogue, in the format of the entries there."""

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [f"#. nb: {line}" for line in comment.splitlines()] if comment else []
    lines += [f"msgid {quoted(key)}", f"msgstr {quoted(text)}"]
    body = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(body + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def add(key: str, texts: dict[str, str]) -> None:
    missing = [lang for lang in i18n.LANGUAGES if not texts.get(lang)]
    if missing:
        sys.exit(f"give the text in every language: missing {', '.join(missing)}")
    if key in i18n.strings():
        sys.exit(f"{key} is already in the catalogues")
    nb = texts[i18n.SOURCE_LANGUAGE]
    for lang in i18n.LANGUAGES:
        comment = None if lang == i18n.SOURCE_LANGUAGE else nb
        _append(i18n.catalogue_path(lang), key, texts[lang], comment)
    _append(POT, key, "", nb)
    print(f"added {key}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["pot"]:
        write_pot()
    elif argv[:1] == ["add"] and len(argv) >= 2:
        add(argv[1], dict(arg.split("=", 1) for arg in argv[2:] if "=" in arg))
    elif argv[:1] == ["check"]:
        found = i18n.catalogue_problems()
        print("\n".join(found) or "every catalogue is complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
