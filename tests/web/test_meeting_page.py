"""The Ledermøte page through AppTest: open a meeting, every step, a note and an action, close."""

from __future__ import annotations

import pytest
from apphelpers import as_read, open_app, texts
from test_languages import MISSING, RAW_CODES, open_at, problems_on

from dtmaturity.services import meetings

UNIT = "demo-bruker-02"


@pytest.fixture
def demo_app(db_path):
    at = open_app()
    at.button(key="demo_create").click().run()
    assert not at.exception
    return at


def test_the_meeting_page_walks_every_step_records_a_note_and_an_action_and_closes(demo_app):
    at = demo_app.switch_page("pages/meeting.py").run()
    assert not at.exception
    at.selectbox(key="meeting_unit").set_value(UNIT).run()
    at.button(key="meeting_open").click().run()
    assert not at.exception and not at.error
    seen = []
    for number in range(1, len(meetings.STEPS) + 1):
        header = at.header[0].value
        assert header.startswith(f"Steg {number} av {len(meetings.STEPS)}")
        seen.append(header)
        if "Hjulet" in header:
            assert "Spørsmål til refleksjon" in texts(at)
            at.text_area(key="meeting_note:wheel").input("Vi er gode på <b>brukere</b>").run()
            at.button(key="meeting_note_save").click().run()
            assert "Notatet er lagret." in texts(at)
            assert "Vi er gode på <b>brukere</b>" in texts(at)  # shown as written
            at.multiselect(key="meeting_action:items").set_value(["user"])
            at.text_input(key="meeting_action:description").input(
                "Brukertest *hver* [måned](http://e.example)"
            )
            at.button(key="meeting_action_add").click().run()
            assert "Tiltaket er lagt til i enhetens tiltak." in texts(at)
        if number < len(meetings.STEPS):
            at.button(key="meeting_next").click().run()
            assert not at.exception and not at.error
    assert [h.split(": ", 1)[1] for h in seen] == [
        "Forrige møte", "Hjulet", "De sju kompetansene", "Rollene", "Avslutning",
    ]  # fmt: skip
    # st.table reads cells as markdown: the description is escaped to show as written.
    cells = at.table[0].value.to_string()
    assert "Brukertest \\*hver\\* \\[måned\\]" in cells
    assert "Brukertest *hver* [måned](http://e.example)" in as_read(cells)
    at.button(key="meeting_close").click().run()
    assert not at.exception
    assert "Møtet er avsluttet. Oppsummeringen er lagret." in texts(at)
    assert {b.key for b in at.get("download_button")} >= {
        "meeting_download_pdf",
        "meeting_download_html",
    }
    unit = at.switch_page("pages/unit.py").run()
    unit.selectbox(key="unit_id").set_value(UNIT).run()
    assert not unit.exception
    assert any(b.key.startswith("meeting_summary:") for b in unit.get("download_button"))


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_every_step_of_the_meeting_speaks_the_language_without_leaks_or_raw_figures(db_path, lang):
    at = open_at(lang)
    at.button(key="demo_create").click().run()
    at.switch_page("pages/meeting.py").run()
    at.button(key="meeting_open").click().run()
    problems = {}
    for number in range(len(meetings.STEPS)):
        found = problems_on(at, lang)
        for table in at.table:
            cells = table.value.astype(str).to_numpy().ravel().tolist()
            found += [f"cell {c!r}" for c in cells if MISSING.search(c) or c in RAW_CODES]
        if found:
            problems[number] = found
        if number < len(meetings.STEPS) - 1:
            at.button(key="meeting_next").click().run()
            assert not at.exception
    assert problems == {}


def test_the_unit_page_shows_ideas_for_the_next_step_when_asked(demo_app):
    at = demo_app.switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value("demo").run()
    assert "(lavt" not in texts(at)  # made only when asked for
    at.toggle(key="unit_ideas").set_value(True).run()
    assert not at.exception
    shown = texts(at)
    assert "(lavt" in shown or "(falt" in shown or "(langt fra målet" in shown
    assert "](https://www.digdir.no/" in "\n".join(str(el.value) for el in at.markdown)
