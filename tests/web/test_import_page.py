"""The Import page, driven through AppTest: a file with problems, then the corrected one."""

from __future__ import annotations

import pytest
from apphelpers import open_app, texts

from dtmaturity.domain import formats
from dtmaturity.domain.periods import Period
from dtmaturity.services import imports

CURRENT = str(Period.current())

HEADER = "unit_id;period;respondent;item_id;score;comment\r\n"


@pytest.fixture
def import_page(demo_db):
    at = open_app()
    return at.switch_page("pages/import.py").run()


def table_with(at, column: str):
    """The first table on the page that has this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_a_file_with_errors_then_the_corrected_file(import_page, ctx):
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

    # The quarter in progress: rows for a quarter already released are held (issue 22).
    good = (HEADER + f"demo-bruker-01;{CURRENT};kari;user;4;Godt – “bedre”\r\n").encode("cp1252")
    at.file_uploader(key="import_file").set_value(("svar.csv", good, "text/csv")).run()
    assert "Ingen feil funnet." in texts(at)
    at.button(key="import_run").click().run()
    assert not at.exception
    assert "er lagret: Svar: 1 ny, 0 oppdaterte, 0 uendrede." in texts(at)
    log = table_with(at, "Fil")
    assert list(log["Fil"])[0] == "svar.csv"
    # The time as people in Oslo read it (the database keeps UTC): «7. desember 2026, 14:14»
    [entry] = [e for e in imports.log(ctx) if e.file_name == "svar.csv"]
    assert list(log["Tidspunkt"])[0] == formats.date_time(entry.imported_at, "nb")
    assert list(log["Tidspunkt"])[0].endswith(f"{formats.local_time(entry.imported_at):%H:%M}")

    at.button(key="undo_run").click().run()
    at.button(key="undo_run:yes").click().run()
    assert "er angret. Verdier: 0 tilbakestilt til det de var før importen, 1 slettet" in texts(at)


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
    assert "1 ny," in texts(at)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Filen er tom."), (b"PK\x03\x04workbook", "Arbeidsboken kan ikke leses")],
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
    assert "er lagret: Tiltak: 1 ny, 0 oppdaterte, 0 uendrede" in texts(at)
    at.button(key="undo_run").click().run()  # the newest import: the actions file
    at.button(key="undo_run:yes").click().run()
    assert "er angret" in texts(at)


def _upload_unit_names_as_demo(at, build, tmp_path, name):
    """A survey export whose unit answers name two demo units."""
    from dataclasses import replace

    import surveyexports as tools

    responses = tuple(
        replace(r, unit_name=unit)
        for r, unit in zip(tools.RESPONSES, ("demo-bruker-01", "demo-teknologi-01"), strict=True)
    )
    path = build(tmp_path / name, responses=responses)
    at.file_uploader(key="import_file").upload(name, path.read_bytes(), "application/octet-stream")
    return at.run()


def test_a_microsoft_forms_workbook_shows_the_tool_the_quarter_column_and_a_changeable_mapping(
    import_page, tmp_path
):
    import surveyexports as tools

    at = _upload_unit_names_as_demo(import_page, tools.msforms_xlsx, tmp_path, "Svar.xlsx")
    assert not at.exception
    page = texts(at)
    assert "Gjenkjent: Microsoft Forms-eksport." in page
    assert "Kvartalet hentes fra kolonnen «Fullføringstidspunkt»" in page
    read_as = table_with(at, "Leses som")
    shown = dict(zip(read_as["Kolonne"], read_as["Leses som"], strict=True))
    assert "Teknologi" in shown["Teknologi"] and shown["Starttidspunkt"].startswith("hoppes over")
    at.selectbox(key=f"map_0_{tools.UNIT_QUESTION}").set_value("unit")
    at.button(key="mapping_save").click().run()
    assert "Koblingen er lagret." in texts(at) and "Ingen feil funnet." in texts(at)
    sources = table_with(at, "Hvorfra")
    saved_rows = sources[sources["Hvorfra"] == "lagret kobling"]
    assert set(saved_rows["Kolonne"]) == {tools.UNIT_QUESTION, tools.FREE_TEXT}
    # The saved mapping is shown and can be changed.
    remap = next(
        sb for sb in at.selectbox if sb.key.startswith("remap_") and tools.FREE_TEXT in sb.key
    )
    assert remap.value == "comment"
    at.button(key="import_run").click().run()
    assert not at.exception
    assert "er lagret: Svar: 6 nye" in texts(at)


def test_ambiguous_dates_ask_for_the_order_on_the_page(import_page, tmp_path):
    import surveyexports as tools

    us_excel = lambda p, **k: tools.excel_csv(p, locale="us", **k)  # noqa: E731
    at = _upload_unit_names_as_demo(import_page, us_excel, tmp_path, "answers.csv")
    at.selectbox(key="map_0_Innsendt").set_value("period")
    at.button(key="mapping_save").click().run()
    problems = table_with(at, "Feil")
    assert "kan leses både som dag/måned og som måned/dag" in problems["Feil"].iloc[0]
    assert at.button(key="import_run").disabled
    at.radio(key="date_order_choice").set_value("mdy").run()
    assert not at.exception
    assert "Ingen feil funnet." in texts(at)
    at.button(key="import_run").click().run()
    assert "er lagret: Svar: 6 nye" in texts(at)
    # The next file, a Nettskjema export with ISO dates, is not asked (nor given) an order.
    at = _upload_unit_names_as_demo(at, tools.nettskjema_csv, tmp_path, "data.csv")
    assert not at.exception
    assert not [r for r in at.radio if r.key == "date_order_choice"]


def test_a_workbook_sheet_can_be_chosen(import_page, tmp_path):
    import openpyxl
    import surveyexports as tools

    path = tools.msforms_xlsx(tmp_path / "Svar.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notater", 0).append(["bare notater"])
    book.save(path)
    at = import_page
    at.file_uploader(key="import_file").upload("Svar.xlsx", path.read_bytes(), "application/zip")
    at.run()
    assert not at.exception
    assert at.selectbox(key="import_sheet").value == "Notater"
    at.selectbox(key="import_sheet").set_value("Sheet1").run()
    assert "Gjenkjent: Microsoft Forms-eksport." in texts(at)
    assert "(xlsx, Sheet1)" in texts(at)


def test_a_very_long_file_name_is_read_with_no_traceback(import_page):
    """130 × "å" is 260 bytes in UTF-8, over the 255 a file name may have on Linux."""
    at = import_page
    name = "å" * 130 + ".csv"
    good = (HEADER + "demo-bruker-01;2026-Q3;kari;user;4;ok\r\n").encode()
    at.file_uploader(key="import_file").upload(name, good, "text/csv").run()
    assert not at.exception
    assert "Ingen feil funnet." in texts(at)
    at.button(key="import_run").click().run()
    assert not at.exception and "er lagret: Svar: 1 ny," in texts(at)


def test_free_text_and_date_columns_are_offered_for_what_they_hold(import_page, tmp_path):
    import surveyexports as tools

    google_nb = lambda p, **k: tools.google_csv(p, lang="nb", **k)  # noqa: E731
    at = _upload_unit_names_as_demo(import_page, google_nb, tmp_path, "Skjema.csv")
    assert not at.exception
    # The form's one free-text question is read as the general comment, said so, changeable.
    assert "er skjemaets eneste fritekstspørsmål" in texts(at)
    remap = next(
        sb for sb in at.selectbox if sb.key.startswith("remap_") and tools.FREE_TEXT in sb.key
    )
    assert remap.value == "comment"
    at.selectbox(key=f"map_0_{tools.UNIT_QUESTION}").set_value("unit")
    at.button(key="mapping_save").click().run()
    assert "Ingen feil funnet." in texts(at)

    plain = lambda p, **k: tools.excel_csv(p, locale="nb", **k)  # noqa: E731
    at = _upload_unit_names_as_demo(at, plain, tmp_path, "svar.csv")
    dated = at.selectbox(key="map_0_Innsendt")
    assert dated.options[0] == "Kvartal"
    assert "Første verdier: 05.03.2026 10:15 · 01.04.2026 00:30" in texts(at)


def test_undo_offers_the_latest_import_named_and_says_what_will_really_happen(import_page, ctx):
    """Right after a units file and then an answers file, the picker offers the answers file
    (the latest), each option names file, time, who and counts, and undoing the units file
    says before and after that its units are kept because they are in use now."""
    at = import_page
    units_file = b"unit_id;name;parent_id\r\nny-a;Ny A;demo\r\nny-b;Ny B;demo\r\n"
    at.file_uploader(key="import_file").upload("enheter.csv", units_file, "text/csv").run()
    at.button(key="import_run").click().run()
    assert not at.exception
    answers = (HEADER + f"ny-a;{CURRENT};kari;user;4;\r\n").encode("cp1252")
    at.file_uploader(key="import_file").set_value(("svar.csv", answers, "text/csv")).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    units_entry, answers_entry = sorted(imports.log(ctx), key=lambda e: e.import_id)[-2:]
    picker = at.selectbox(key="undo_id")
    assert picker.value == answers_entry.import_id  # the latest, not the earlier choice
    label = picker.format_func(units_entry.import_id)
    when = formats.date_time(units_entry.imported_at, "nb")
    assert "enheter.csv" in label and when in label and units_entry.actor in label
    assert "2 nye" in label

    picker.set_value(units_entry.import_id).run()
    at.button(key="undo_run").click().run()
    question = texts(at)
    # Ny A has a check-in now: kept; Ny B is unused: deleted. Nothing was changed since.
    assert "Enheter: 0 tilbakestilt til navn og plassering fra før importen, 1 slettet, 1 " in (
        question
    )
    at.button(key="undo_run:yes").click().run()
    assert not at.exception
    assert (
        "er angret. Enheter: 0 tilbakestilt til navn og plassering fra før importen, 1 slettet"
        in (texts(at))
    )


def test_after_importing_the_outcome_stands_where_the_preview_and_button_were(import_page):
    at = import_page
    good = (HEADER + f"demo-bruker-01;{CURRENT};kari;user;4;\r\n").encode("cp1252")
    at.file_uploader(key="import_file").upload("svar.csv", good, "text/csv").run()
    preview = table_with(at, "Enhet")
    assert list(preview["Enhet"]) == ["Kundesenteret"]  # the unit's name, not its id
    at.button(key="import_run").click().run()
    assert not at.exception
    # No recomputed preview ("0 nye … 1 uendret") and no live Import button after the import
    assert not [b for b in at.button if b.key == "import_run"]
    assert not any("Enhet" in df.value.columns for df in at.dataframe if "Fil" not in df.value)
    outcome = [s for s in at.success if "er lagret" in str(s.value)]
    assert outcome, texts(at)
    assert "Filen er importert." in texts(at)


def test_a_units_file_previews_counts_of_units_and_no_cell_shows_none(import_page):
    at = import_page
    units_file = b"unit_id;name;parent_id\r\nny-a;Ny A;demo\r\nny-b;Ny B;nowhere\r\n"
    at.file_uploader(key="import_file").upload("enheter.csv", units_file, "text/csv").run()
    assert not at.exception
    for frame in (df.value for df in at.dataframe):
        cells = [str(v) for v in frame.astype(object).to_numpy().ravel()]
        assert "None" not in cells and "nan" not in cells, frame
    preview = next(df.value for df in at.dataframe if "Nye" in df.value.columns)
    assert "Enhet" not in preview.columns and "Kvartal" not in preview.columns
    assert list(preview["Nye"]) == [1]
