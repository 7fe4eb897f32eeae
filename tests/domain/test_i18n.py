"""Every catalogue is complete (no missing, empty or fuzzy entry, the same placeholders as
bokmål), every key the code uses exists, plural forms follow the count, and the deployment's
default language is checked."""

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


def test_every_key_used_in_code_is_in_the_catalogue():
    used = set()
    sources = [*ROOT.glob("dtmaturity/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    lang_arg = r"(?:ctx\.lang|lang|lang\(\)|self\.lang|report\.lang|args\.lang|\"\w\w\")"
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(rf"\btn?\(\s*{lang_arg},\s*\"(\w+)\"", text))
        used |= set(re.findall(r"ui\.tn?\(\s*\"(\w+)\"", text))
        used |= set(re.findall(r"\bflash\(\s*\"(\w+)\"", text))
        used |= set(re.findall(rf"\bcounted\(\s*(?:{lang_arg},\s*)?\"(\w+)\"", text))
    assert used, "the pattern found no keys at all"
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
