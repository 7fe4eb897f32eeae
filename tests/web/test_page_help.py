"""The coordinator's pages carry the help they need: no text sends them to "the README" (a file
on GitHub they may never have seen), and the Import and Rounds pages have a help section."""

from __future__ import annotations

import pytest
from apphelpers import open_app, texts

from dtmaturity.domain import i18n


def test_no_text_of_the_web_pages_sends_people_to_the_readme():
    for lang in i18n.LANGUAGES:
        found = [
            key
            for key, texts_ in i18n.strings().items()
            if "README" in texts_.get(lang, "") and not key.startswith("cli_")
        ]
        assert found == [], lang


@pytest.mark.parametrize(
    ("page", "heading", "says"),
    [
        ("import", "import_help_heading", "unit_id, name, parent_id"),
        ("rounds", "rounds_help_heading", "DTMATURITY_SMTP_URL"),
    ],
)
def test_the_coordinators_pages_have_their_help_on_the_page(demo_db, page, heading, says):
    at = open_app().switch_page(f"pages/{page}.py").run()
    assert not at.exception
    [box] = [e for e in at.expander if str(e.label) == i18n.t("nb", heading)]
    assert says in "\n".join(str(m.value) for m in box.markdown)
    assert "README" not in texts(at)
