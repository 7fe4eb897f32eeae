"""Every UI string exists in bokmål and English, and every key the code uses exists."""

import re
from pathlib import Path

from dtmaturity.domain.i18n import STRINGS, t

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_has_both_languages():
    missing = [key for key, texts in STRINGS.items() if not texts.get("nb") or not texts.get("en")]
    assert missing == []


def test_every_key_used_in_code_is_in_the_catalogue():
    used = set()
    sources = [*ROOT.glob("dtmaturity/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(
            re.findall(r"\bt\(\s*(?:ctx\.lang|lang|lang\(\)|self\.lang),\s*\"(\w+)\"", text)
        )
        used |= set(re.findall(r"ui\.t\(\s*\"(\w+)\"", text))
        used |= set(re.findall(r"\bflash\(\s*\"(\w+)\"", text))
    assert used, "the pattern found no keys at all"
    assert sorted(used - set(STRINGS)) == []


def test_placeholders_are_filled():
    assert (
        t("en", "home_counts", units=1, checkins=2, answers=3) == "1 units, 2 check-ins, 3 answers."
    )
    assert t("xx", "unit") == "Enhet"  # unknown language falls back to bokmål
