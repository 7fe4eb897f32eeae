"""Every catalogue is complete (no missing, empty or fuzzy entry, the same placeholders as
bokmål), every key the code uses exists, plural forms follow the count, and the deployment's
default language is checked."""

import ast
import re
import shutil
from pathlib import Path

import pytest

from dtmaturity.domain import i18n, settings
from dtmaturity.domain.i18n import strings, t, tn

ROOT = Path(__file__).resolve().parents[2]


def test_the_three_languages():
    assert list(i18n.LANGUAGES) == ["nb", "nn", "en"]


def test_every_catalogue_is_complete():
    assert i18n.catalogue_problems() == []


def test_every_string_has_every_language():
    missing = [
        (key, lang)
        for key, texts in strings().items()
        for lang in i18n.LANGUAGES
        if not texts.get(lang)
    ]
    assert missing == []


def _copy_catalogues(tmp_path: Path) -> Path:
    target = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_completeness_check_finds_missing_fuzzy_and_wrong_placeholders(tmp_path):
    locale = _copy_catalogues(tmp_path)
    nn = i18n.catalogue_path("nn", locale)
    en = i18n.catalogue_path("en", locale)
    _edit(nn, 'msgstr "Eining over tid"', 'msgstr ""')
    _edit(nn, 'msgid "page_about"', '#, fuzzy\nmsgid "page_about"')
    _edit(
        en,
        'msgstr "{units_counted}, {checkins_counted}, {',
        'msgstr "{unit}, {checkins_counted}, {',
    )
    _edit(nn, 'msgid "demo_remove"\nmsgstr "Fjern demodata"\n', "")
    problems = i18n.catalogue_problems(locale_dir=locale)
    assert "nn: page_unit: not translated" in problems
    assert any(p.startswith("nn: page_about: fuzzy") for p in problems)
    assert "nn: demo_remove: missing" in problems
    assert any(p.startswith("en: home_counts: placeholders") and "'{unit}'" in p for p in problems)


TEXT_FUNCTIONS = {"t", "tn", "counted", "flash"}  # the key: the first string after a language


def _keys_in(path: Path) -> set[str]:
    """The key of every call of a text function in `path`, read from the code (an f-string's
    call with the key in single quotes included): the first constant string argument."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in TEXT_FUNCTIONS:
            continue
        strings_given = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if strings_given[:1] and strings_given[0] in i18n.LANGUAGES:  # t("en", "key")
            strings_given = strings_given[1:]
        first = strings_given[0] if strings_given else None
        if first is not None and re.fullmatch(r"\w+", first):
            keys.add(first)
    return keys


def test_every_key_used_in_code_is_in_the_catalogue():
    sources = [*ROOT.glob("dtmaturity/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    used = set().union(*(_keys_in(path) for path in sources))
    assert len(used) > 300, "the reading found too few keys: is it still reading calls?"
    known = set(strings()) | i18n.plural_keys()
    assert sorted(used - known) == []


def test_placeholders_are_filled():
    assert t("en", "demo_present").startswith("The database")
    assert t("en", "due_line", unit="U", period="P", deadline="D", days=1).endswith("1 day left")
    assert t("xx", "unit") == "Enhet"  # unknown language falls back to bokmål
    assert t("nn", "unit") == "Eining"


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("nb", "1 rad.", "3 rader."), ("nn", "1 rad.", "3 rader."), ("en", "1 row.", "3 rows.")],
)
def test_plural_forms_follow_the_count(lang, one, many):
    params = {"name": "f.csv", "format": "x", "dialect": "y"}
    assert tn(lang, "import_detected", 1, **params).endswith(one)
    assert tn(lang, "import_detected", 3, **params).endswith(many)
    assert tn(lang, "import_detected", 0, **params).endswith(many.replace("3", "0"))


def test_a_plural_entry_is_in_every_catalogue_with_every_form():
    assert "import_detected" in i18n.plural_keys()
    for lang in i18n.LANGUAGES:
        entry = {m.id: m for m in i18n.read_catalogue(lang) if m.id}[
            ("import_detected", "import_detected")
        ]
        assert all(i18n.message_texts(entry))


def test_default_language_from_the_deployment(monkeypatch):
    monkeypatch.delenv("DTMATURITY_DEFAULT_LANGUAGE", raising=False)
    assert settings.default_language() == "nb"
    monkeypatch.setenv("DTMATURITY_DEFAULT_LANGUAGE", "nn")
    assert settings.default_language() == "nn"
    monkeypatch.setenv("DTMATURITY_DEFAULT_LANGUAGE", "se")
    with pytest.raises(i18n.LanguageSettingError, match="DTMATURITY_DEFAULT_LANGUAGE='se'"):
        settings.default_language()
