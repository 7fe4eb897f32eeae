"""The Import page, driven through AppTest: a file with problems, then the corrected one."""

from __future__ import annotations

import pytest
from apphelpers import open_app, texts

HEADER = "unit_id;period;respondent;item_id;score;comment\r\n"


@pytest.fixture
def import_page(db_path):
    at = open_app()
    at.button(key="demo_create").click().run()
    return at.switch_page("pages/import.py").run()


def table_with(at, column: str):
    """The first table on the page that has this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_a_file_with_errors_then_the_corrected_file(import_page):
    at = import_page
    assert "Største filstørrelse: 50 MB" in texts(at)
    bad = (
        HEADER + "demo-bruker-01;2026-Q3;kari;user;7;Bedre før\r\nnowhere;2026-Q3;kari;data;3;\r\n"
    ).encode("cp1252")
    at.file_uploader(key="import_file").upload("svar.csv", bad, "text/csv").run()
    assert not at.exception
    page = texts(at)
    assert "«svar.csv»: langt format (windows-1252, semicolon), 2 rader." in page
    assert "Feil i filen (2)" in page
    problems = table_with(at, "Feil")
    assert list(problems["Rad"]) == [2, 3]
    assert list(problems["Kolonne"]) == ["score", "unit_id"]
    assert "helt tall fra 1 til 5" in problems["Feil"].iloc[0]
    assert at.button(key="import_run").disabled

    good = (HEADER + "demo-bruker-01;2026-Q3;kari;user;4;Godt – “bedre”\r\n").encode("cp1252")
    at.file_uploader(key="import_file").set_value(("svar.csv", good, "text/csv")).run()
    assert "Ingen feil funnet." in texts(at)
    at.button(key="import_run").click().run()
    assert not at.exception
    assert "er lagret: 1 nye, 0 oppdaterte, 0 uendrede svar." in texts(at)
    log = table_with(at, "Fil")
    assert list(log["Fil"])[0] == "svar.csv"

    at.button(key="undo_run").click().run()
    at.button(key="undo_run:yes").click().run()
    assert "er angret: 0 svar tilbakestilt, 1 fjernet" in texts(at)


def test_unknown_survey_headers_are_mapped_once_and_remembered(import_page):
    at = import_page
    survey = (
        b"Enhet,Periode,Ditt navn,Hvor godt setter vi brukeren i sentrum?\r\n"
        b"demo-bruker-01,2026-Q3,kari@etat.example,4\r\n"
    )
    at.file_uploader(key="import_file").upload("skjema.csv", survey, "text/csv").run()
    assert "Koble ukjente kolonner" in texts(at)
    at.selectbox(key="map_0_Ditt navn").set_value("respondent")
    at.selectbox(key="map_1_Hvor godt setter vi brukeren i sentrum?").set_value("item:citizen")
    at.button(key="mapping_save").click().run()
    assert not at.exception
    assert "Koblingen er lagret." in texts(at)
    assert "Ingen feil funnet." in texts(at)
    at.button(key="import_run").click().run()
    assert "1 nye" in texts(at)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Filen er tom."), (b"PK\x03\x04workbook", "Excel-arbeidsbok")],
)
def test_empty_and_excel_uploads_get_a_clear_message(import_page, content, message):
    at = import_page
    at.file_uploader(key="import_file").upload("fil.csv", content, "text/csv").run()
    assert not at.exception
    assert message in texts(at) + "\n".join(str(df.value) for df in at.dataframe)


def test_an_actions_file_is_recognised_and_imported_on_the_page(import_page):
    at = import_page
    content = (
        "unit_id;items;description;owner;due_period\r\n"
        "demo-bruker-01;user;Brukerreiser på tvers – «nå»;test.leader@etat.example;2027-Q1\r\n"
    ).encode("cp1252")
    at.file_uploader(key="import_file").upload("tiltak.csv", content, "text/csv").run()
    assert not at.exception
    assert "«tiltak.csv»: tiltaksfil (windows-1252, semicolon)" in texts(at)
    at.button(key="import_run").click().run()
    assert not at.exception
    assert "er lagret: 1 nye, 0 endrede, 0 uendrede tiltak" in texts(at)
    at.button(key="undo_run").click().run()  # the newest import: the actions file
    at.button(key="undo_run:yes").click().run()
    assert "er angret" in texts(at)
