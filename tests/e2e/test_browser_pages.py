"""Every page in a real browser: the navigation offers every page file, and the language switch
changes every visible label. (That every page and tab loads without an exception, error box or
script error in each language is checked in the same walk as the accessibility scan,
test_browser_accessibility.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from pprint import pformat

from e2ehelpers import (
    TYPED_TEXTS,
    choose_language,
    each_tab,
    go_to,
    nav_links,
    open_page,
    open_tab,
    page_slug,
    visible_lines,
    wait_idle,
)

from dtmaturity.domain import i18n
from dtmaturity.domain.framework import load

ROOT = Path(__file__).resolve().parents[2]
# Figures, quarters, dates and punctuation read the same in every language.
NEUTRAL_PATTERN = re.compile(r"^[\d\s.,:;()/–\-+%×«»“”#]*(\d{4}-Q[1-4])?[\d\s.,:;()/–\-+%×«»“”#]*$")

# Streamlit's own text the app cannot translate (docs/accessibility.md, "Known shortcomings").
STREAMLIT_OWN_TEXTS = {"Skip to main content", "Upload", "50MB per file"}


def test_navigation_offers_every_page_file(page, server):
    open_page(page, server.url)
    addresses = [path for _, path in nav_links(page)]
    page_files = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    # The default page is served at the root address; every other page at its file name.
    assert len(addresses) == len(page_files)
    assert sorted(a for a in addresses if a) == sorted(set(page_files) - {"home"})


def language_neutral_texts(server) -> set[str]:
    """Texts that rightly read the same in bokmål and English: strings the catalogue and the
    framework file give identically in both, data (unit names, people's free text, the
    signed-in user), and Streamlit's own English-only texts listed in docs/accessibility.md."""
    framework = load()
    same = {texts["nb"] for texts in i18n.strings().values() if texts["nb"] == texts["en"]}
    entries = [*framework.themes, *framework.competencies, *framework.roles]
    same |= {e.name["nb"] for e in entries if e.name["nb"] == e.name["en"]}
    same |= {
        f"{level.value} – {level.label['nb']}"  # how the check-in's radio options read
        for scale in framework.scales
        for level in scale.levels
        if level.label["nb"] == level.label["en"]
    }
    notes = {framework.source_url}
    data = set(server.data_texts) | TYPED_TEXTS | set(i18n.LANGUAGES.values())
    return same | notes | data | STREAMLIT_OWN_TEXTS


def only_data(line: str, neutral: set[str]) -> bool:
    """A line made of nothing but neutral texts (unit names, item names the same in both
    languages), numbers and punctuation, such as "Divisjon for data – Data: +0.11"."""
    # E-mail addresses are data in any language (as_text puts a word joiner before the @).
    rest = re.sub(r"[\w.+-]+\u2060?@[\w.-]+", " ", line)
    for text in sorted((t for t in neutral if t), key=len, reverse=True):
        rest = rest.replace(text, " ")
    return bool(NEUTRAL_PATTERN.match(rest))


def test_language_switch_changes_every_visible_label_on_every_page(page, server):
    open_page(page, server.url, lang="nb")
    # The leader meeting is one shared screen without the sidebar this walk clicks through:
    # its own test reads every step in nn and en (tests/web/test_meeting_page.py).
    pages = [(label, path) for label, path in nav_links(page) if page_slug(path) != "meeting"]
    bokmal = {}
    for label, path in pages:
        go_to(page, label)
        bokmal[path] = [line for _ in each_tab(page) for line in visible_lines(page)]

    choose_language(page, "en")
    english_labels = [label for label, path in nav_links(page) if page_slug(path) != "meeting"]
    neutral = language_neutral_texts(server)
    unchanged = {}
    for label, path in zip(english_labels, (path for _, path in pages), strict=True):
        go_to(page, label)
        assert page.evaluate("document.documentElement.lang") == "en"
        english = {line for _ in each_tab(page) for line in visible_lines(page)}
        left = [
            line
            for line in bokmal[path]
            if line in english and line not in neutral and not only_data(line, neutral)
        ]
        if left:
            unchanged[page_slug(path)] = left
    assert not unchanged, f"still in bokmål after switching to English:\n{pformat(unchanged)}"
    assert english_labels != [label for label, _ in pages]


def test_the_language_survives_a_reload_and_charts_use_decimal_commas(page, server):
    open_page(page, server.url, lang="nb")
    choose_language(page, "nn")
    assert "lang=nn" in page.url
    page.reload()
    wait_idle(page)
    page.wait_for_function("() => document.documentElement.lang === 'nn'")
    assert [label for label, _ in nav_links(page)][2] == "Eining over tid"
    go_to(page, "Eining over tid")
    open_tab(page, i18n.t("nn", "unit_tab_competencies"))  # the profile's axis has decimals
    axis = page.locator('[data-testid="stVegaLiteChart"] svg .role-axis-label text')
    axis.first.wait_for()
    labels = [t.strip() for t in axis.evaluate_all("texts => texts.map(t => t.textContent)")]
    assert "2,5" in labels or "3,0" in labels, labels[:40]
    assert not any(re.fullmatch(r"\d\.\d", label) for label in labels)
