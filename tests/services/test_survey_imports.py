"""Survey-tool exports import as the tools write them (issue 13): each tool's file, built byte
for byte in tests/surveyexports.py, stores exactly the same answers, with at most the mapping
only the form's author could supply, and a second file from the same form needs none."""

from __future__ import annotations

from datetime import datetime

import pytest
import surveyexports as tools
from surveyexports import EXPECTED_ANSWERS, EXPECTED_COMMENTS, MAPPING, Response

from dtmaturity.services import imports, releases
from dtmaturity.store import AuditEntry, queries

TEST_AUDIT = AuditEntry("test", "test.setup")


@pytest.fixture
def org(ctx):
    ctx.store.write(
        lambda cur: queries.upsert_units(
            cur,
            [
                ("etat", "Etaten", None, False),
                ("u1", "Seksjon for brukere", "etat", False),
                ("u2", "Seksjon for data", "etat", False),
            ],
        ),
        audit=TEST_AUDIT,
    )
    return ctx


def stored(ctx) -> tuple[list[tuple], list[tuple]]:
    with ctx.store.reader() as cur:
        answers = cur.execute(
            "SELECT unit_id, period, respondent, item_id, score FROM answer ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
        comments = cur.execute(
            "SELECT unit_id, period, respondent, question_id, answer FROM reflection ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
    return answers, comments


NEXT_QUARTER = tuple(
    Response(r.response_id + 10, r.email, r.unit_name, datetime(2026, 7, 2 + i, 9, 0, 0), r.scores,
             r.comment)
    for i, r in enumerate(tools.RESPONSES)
)  # fmt: skip

# What the coordinator gives once per form (README, "Survey-tool exports"): which question asks
# for the unit; the form's one free-text question is read as the general comment by itself.
UNIT_ONLY = {tools.UNIT_QUESTION: "unit"}
# (builder, file name, what the coordinator gives: mapping and date order, tool recognised)
CASES = [
    ("msforms-nb", lambda p, **k: tools.msforms_xlsx(p, lang="nb", **k), "svar.xlsx", UNIT_ONLY, None, "msforms"),
    ("msforms-en", lambda p, **k: tools.msforms_xlsx(p, lang="en", **k), "responses.xlsx", UNIT_ONLY, None, "msforms"),
    ("nettskjema-csv", tools.nettskjema_csv, "data-123456.csv", None, None, "nettskjema"),
    ("nettskjema-nobom", lambda p, **k: tools.nettskjema_csv(p, bom=False, **k), "data.csv", None, None, "nettskjema"),
    ("nettskjema-xlsx", tools.nettskjema_xlsx, "data-123456.xlsx", None, None, "nettskjema"),
    ("google-en", lambda p, **k: tools.google_csv(p, lang="en", **k), "Skjema.csv", UNIT_ONLY, "mdy", "googleforms"),
    ("google-nb", lambda p, **k: tools.google_csv(p, lang="nb", **k), "Skjema.csv", UNIT_ONLY, None, "googleforms"),
    ("google-forms-download", tools.google_forms_csv, "Skjema.csv", UNIT_ONLY, None, "googleforms"),
    ("google-xlsx", tools.google_xlsx, "Skjema.xlsx", UNIT_ONLY, None, "googleforms"),
    ("surveymonkey", tools.surveymonkey_csv, "Sheet_1.csv", UNIT_ONLY, None, "surveymonkey"),
    ("surveymonkey-xlsx", tools.surveymonkey_csv, "Sheet_1.xlsx", UNIT_ONLY, None, "surveymonkey"),
    ("qualtrics-oslo", tools.qualtrics_csv, "Survey.csv", UNIT_ONLY, None, "qualtrics"),
    ("qualtrics-denver", lambda p, **k: tools.qualtrics_csv(p, zone="America/Denver", **k), "Survey.csv", UNIT_ONLY, None, "qualtrics"),
    ("excel-nb", lambda p, **k: tools.excel_csv(p, locale="nb", **k), "svar.csv", tools.PLAIN_MAPPING, None, None),
    ("excel-us", lambda p, **k: tools.excel_csv(p, locale="us", **k), "answers.csv", tools.PLAIN_MAPPING, "mdy", None),
    ("libreoffice-us", tools.libreoffice_csv, "answers.csv", tools.PLAIN_MAPPING, "mdy", None),
    ("excel-xlsx", tools.excel_xlsx, "svar.xlsx", tools.PLAIN_MAPPING, None, None),
    ("excel-mac", tools.excel_mac_csv, "svar.csv", tools.PLAIN_MAPPING, None, None),
    ("libreoffice-ods", tools.libreoffice_ods, "svar.ods", tools.PLAIN_MAPPING, None, None),
    ("excel-xls", tools.excel_xls, "svar.xls", tools.PLAIN_MAPPING, None, None),
]  # fmt: skip


def first_of_each_tool(build: object, tool: str | None, **_: object) -> bool:
    """Each tool's file is read and mapped the same way on either database (by the readers and
    an in-memory DuckDB); what PostgreSQL adds is storing the rows, the mapping and the log,
    the same for every file of one tool: PostgreSQL imports the first file of each."""
    return next(case[1] for case in CASES if case[-1] == tool) is build


@pytest.mark.postgresql_when(where=first_of_each_tool)
@pytest.mark.parametrize(
    ("build", "file_name", "mapping", "date_order", "tool"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_tool_export_imports_exactly_and_the_next_file_needs_nothing(
    org, tmp_path, build, file_name, mapping, date_order, tool
):
    if build is tools.excel_xls:
        pytest.importorskip("xlwt", reason="the .xls fixture is written with xlwt (dev only)")
    first = build(tmp_path / file_name)
    result = imports.run(org, first, mapping=mapping, date_order=date_order)
    assert [p.line(file_name, "en") for p in result.problems] == []
    assert result.written and result.tool == tool
    assert stored(org) == (EXPECTED_ANSWERS, EXPECTED_COMMENTS)
    if tool:
        assert result.period_from_timestamp and result.period_column
    # The coordinator's choices are saved for this header set (the CLI and the page do this).
    imports.save_mapping(org, result.headers, mapping or {}, date_order=result.date_order)

    (tmp_path / "next").mkdir()
    second = build(tmp_path / "next" / file_name, responses=NEXT_QUARTER)
    again = imports.run(org, second)
    assert [p.line(file_name, "en") for p in again.problems] == []
    assert again.written
    answers, _ = stored(org)
    assert {(a[0], a[1]) for a in answers} >= {("u1", "2026-Q3"), ("u2", "2026-Q3")}


def test_ambiguous_dates_are_never_guessed(org, tmp_path):
    """US dates whose day and month are all 12 or less: stop and ask, write nothing."""
    path = tools.excel_csv(tmp_path / "answers.csv", locale="us")
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING)
    assert result.needs_date_order and not result.written
    assert [p.key for p in result.problems] == ["import_date_order_needed"]
    assert stored(org) == ([], [])
    # A day over 12 in the column says the order by itself.
    late = (*tools.RESPONSES, Response(9, "per@etat.example", "Seksjon for data",
                                       datetime(2026, 3, 20, 8, 0), (1, 1, 1), ""))  # fmt: skip
    decided = imports.run(
        org, tools.excel_csv(tmp_path / "b.csv", locale="us", responses=late),
        mapping=tools.PLAIN_MAPPING,
    )  # fmt: skip
    assert decided.written and decided.date_order == "mdy" and not decided.date_order_chosen


# Three leaders answered in the first week of September (2026-Q3).
SEPTEMBER = tuple(
    Response(n, f"leder{n}@etat.example", unit, datetime(2026, 9, day, 9, 30), (3, 3, 3), "")
    for n, (unit, day) in enumerate(
        (("Seksjon for brukere", 1), ("Seksjon for data", 3), ("Seksjon for brukere", 5)),
        start=1,
    )
)


def test_surveymonkey_dates_are_read_as_the_tool_writes_them_whatever_order_is_given(org, tmp_path):
    """The finding: a Norwegian coordinator answered dmy for a SurveyMonkey export, and
    September's check-ins landed in Q1 and Q2. SurveyMonkey writes MM/DD/YYYY, so it is never
    asked, a given order is not used, and nothing is saved for the next file."""
    path = tools.surveymonkey_csv(tmp_path / "Sheet_1.csv", responses=SEPTEMBER)
    for given in (None, "dmy"):
        result = imports.run(org, path, mapping=MAPPING, date_order=given, dry_run=True)
        assert result.problems == [] and not result.needs_date_order
        assert result.date_order == "mdy" and not result.date_order_chosen
        assert {p.period for p in result.preview} == {"2026-Q3"}


def test_a_given_order_that_makes_an_impossible_date_is_refused(org, tmp_path):
    late = (*SEPTEMBER, Response(7, "per@etat.example", "Seksjon for data",
                                 datetime(2026, 9, 14, 8, 0), (1, 1, 1), ""))  # fmt: skip
    path = tools.excel_csv(tmp_path / "answers.csv", locale="us", responses=late)
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING, date_order="dmy")
    assert [(p.row, p.column, p.value, p.key) for p in result.problems] == [
        (5, "Innsendt", "9/14/2026 8:00", "import_date_order_impossible")
    ]
    assert "dmy" in result.problems[0].message("en")
    assert result.needs_date_order and not result.written and not result.date_order_chosen
    assert stored(org) == ([], [])


def test_of_several_impossible_dates_the_first_in_the_file_is_named(org, tmp_path):
    """The quarter cells are parsed once per distinct value, in the order they first appear in
    the file, so the message names the same date every time: the first one the order breaks."""
    late = (*SEPTEMBER,
            Response(7, "per@etat.example", "Seksjon for data", datetime(2026, 9, 20, 8, 0),
                     (1, 1, 1), ""),
            Response(8, "kari@etat.example", "Seksjon for data", datetime(2026, 9, 14, 8, 0),
                     (1, 1, 1), ""))  # fmt: skip
    path = tools.excel_csv(tmp_path / "answers.csv", locale="us", responses=late)
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING, date_order="dmy")
    assert [(p.row, p.value, p.key) for p in result.problems] == [
        (5, "9/20/2026 8:00", "import_date_order_impossible")
    ]
    assert not result.written and stored(org) == ([], [])


def test_a_given_order_that_spreads_one_forms_answers_over_months_is_refused(org, tmp_path):
    """9/1, 9/3 and 9/5 read day first are 9 January, 9 March and 9 May: answers collected
    within days cannot land months apart."""
    path = tools.excel_csv(tmp_path / "answers.csv", locale="us", responses=SEPTEMBER)
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING, date_order="dmy")
    assert [(p.column, p.key) for p in result.problems] == [
        ("Innsendt", "import_date_order_spread")
    ]
    problem = result.problems[0]
    assert problem.params["days"] == 120 and problem.params["other_days"] == 4
    assert "mdy" in problem.message("en")
    assert result.needs_date_order and not result.written and stored(org) == ([], [])
    right = imports.run(org, path, mapping=tools.PLAIN_MAPPING, date_order="mdy")
    assert right.written and right.date_order_chosen
    answers, _ = stored(org)
    assert {a[1] for a in answers} == {"2026-Q3"}


def test_the_date_order_is_asked_only_where_this_files_dates_are_ambiguous(org, tmp_path):
    """An order given (or saved for other headers) is not used, nor saved, for a file with ISO
    dates (Nettskjema) or a tool that fixes the order (SurveyMonkey)."""
    nettskjema = imports.run(org, tools.nettskjema_csv(tmp_path / "data.csv"), date_order="mdy")
    assert nettskjema.written and nettskjema.date_order is None
    assert not nettskjema.date_order_chosen and not nettskjema.needs_date_order


def test_a_second_header_row_is_not_data_and_grid_rows_match_items(org, tmp_path):
    path = tools.surveymonkey_csv(tmp_path / "Sheet_1.csv")
    result = imports.run(org, path, mapping=MAPPING, date_order="mdy", dry_run=True)
    assert result.rows_total == 2
    assert result.mapping[f"{tools.GRID_QUESTION} [Teknologi]"] == "item:technology"
    assert result.mapping["Respondent ID"] == "respondent_id"  # the fallback for anonymous answers
    assert result.mapping["Start Date"] == "ignore"


def test_anonymous_forms_answers_are_told_apart_by_their_id(org, tmp_path):
    anonymous = tuple(
        Response(r.response_id, "anonymous", r.unit_name, r.submitted, r.scores, r.comment)
        for r in tools.RESPONSES
    )
    result = imports.run(
        org, tools.msforms_xlsx(tmp_path / "a.xlsx", responses=anonymous), mapping=MAPPING
    )
    assert result.written
    answers, _ = stored(org)
    assert {a[2] for a in answers} == {"msforms:1", "msforms:2"}


@pytest.mark.parametrize(
    "mapping",
    [{**MAPPING, tools.EMAIL_QUESTION: "respondent"}, MAPPING],
    ids=["question-mapped-as-respondent", "question-not-mapped"],
)
def test_an_anonymous_forms_own_email_question_wins_over_the_tools_anonymous(
    org, tmp_path, mapping
):
    """Mapped, the question is no "copy" of the tool's Email column; not mapped, it is still
    read where the tool wrote `anonymous`: never msforms:1..n while an address is there."""
    path = tools.msforms_xlsx(tmp_path / "svar.xlsx", anonymous_form=True)
    result = imports.run(org, path, mapping=mapping)
    assert [p.line("svar.xlsx", "en") for p in result.problems] == []
    assert result.written
    assert stored(org) == (EXPECTED_ANSWERS, EXPECTED_COMMENTS)


def test_a_survey_forms_only_free_text_question_is_read_as_the_comment_and_said_so(org, tmp_path):
    path = tools.google_csv(tmp_path / "Skjema.csv", lang="nb")
    skipped = imports.run(
        org, path, mapping={tools.UNIT_QUESTION: "unit", tools.FREE_TEXT: "ignore"}
    )
    assert skipped.written and skipped.auto_comment is None and stored(org)[1] == []
    result = imports.run(org, path, mapping={tools.UNIT_QUESTION: "unit"})
    assert result.problems == [] and result.written
    assert result.auto_comment == tools.FREE_TEXT
    assert result.mapping[tools.FREE_TEXT] == "comment"
    assert any("only free-text question" in note for note in result.notes("en"))
    # The second import adds comments to a quarter already shown: held until released again.
    assert stored(org)[1] == []
    releases.rerelease(org, "etat", EXPECTED_ANSWERS[0][1])
    assert stored(org) == (EXPECTED_ANSWERS, EXPECTED_COMMENTS)


def test_free_text_in_a_spreadsheet_is_offered_as_the_comment_with_its_values(org, tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text(
        "Enhet;Periode;E-post;Brukerorientering;Hva er viktigst nå?\r\n"
        "u1;2026-Q1;kari@etat.example;3;Bedre samarbeid på tvers\r\n"
        "u2;2026-Q1;ola@etat.example;4;\r\n",
        encoding="utf-8",
    )
    result = imports.run(org, path)
    assert [(p.column, p.key) for p in result.problems] == [
        ("Hva er viktigst nå?", "import_free_text_column")
    ]
    message = result.problems[0].message("en")
    assert "«Bedre samarbeid på tvers»" in message and "“comment”" in message
    assert result.samples["Hva er viktigst nå?"] == ["Bedre samarbeid på tvers"]
    assert result.suggested_maps() == [("Hva er viktigst nå?", "comment")]
    again = imports.run(org, path, mapping=dict(result.suggested_maps()))
    assert again.written
    assert stored(org)[1] == [
        ("u1", "2026-Q1", "kari@etat.example", "comment", "Bedre samarbeid på tvers")
    ]


def test_a_spreadsheet_without_a_quarter_column_is_offered_its_date_column(org, tmp_path):
    path = tools.excel_csv(tmp_path / "svar.csv", locale="nb")
    result = imports.run(org, path)
    assert [(p.column, p.key) for p in result.problems] == [
        (None, "import_missing_column"),
        ("Innsendt", "import_period_from_date_column"),
    ]
    assert "«05.03.2026 10:15», «01.04.2026 00:30»" in result.problems[1].message("en")
    assert result.suggested_maps() == [("Innsendt", "period")]
    again = imports.run(org, path, mapping=dict(result.suggested_maps()))
    assert again.written and stored(org) == (EXPECTED_ANSWERS, EXPECTED_COMMENTS)


def test_a_hidden_first_sheet_of_an_ods_file_is_skipped(org, tmp_path):
    result = imports.run(
        org, tools.libreoffice_ods(tmp_path / "svar.ods", hidden_first=True),
        mapping=tools.PLAIN_MAPPING,
    )  # fmt: skip
    assert result.problems == [] and result.written and result.dialect == "ods, Ark1"


MAC_COMMENT = "Økosystem på tvers\nav seksjonene – «bra»"


def test_excel_for_mac_csv_is_read_as_mac_roman_with_its_cr_line_ends(org, tmp_path):
    """Mac Roman bytes, CR after each record, a line break inside a quoted comment: read
    exactly, and the preview names the encoding chosen."""
    first = tools.RESPONSES[0]
    responses = (Response(first.response_id, first.email, first.unit_name, first.submitted,
                          first.scores, MAC_COMMENT), tools.RESPONSES[1])  # fmt: skip
    path = tools.excel_mac_csv(tmp_path / "svar.csv", responses=responses)
    data = path.read_bytes()
    assert b"\r\n" not in data and b"\xaf" in data and b"\n" in data  # Ø in Mac Roman; the LF
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING)
    assert [p.line("svar.csv", "en") for p in result.problems] == []
    assert result.dialect == "mac-roman, semicolon, CR"
    _, comments = stored(org)
    assert [c[4] for c in comments] == [MAC_COMMENT]


def test_windows_1252_with_norwegian_letters_is_not_taken_for_mac_roman(org, tmp_path):
    path = tools.excel_csv(tmp_path / "svar.csv", locale="nb")
    result = imports.run(org, path, mapping=tools.PLAIN_MAPPING, dry_run=True)
    assert result.problems == [] and result.dialect == "windows-1252, semicolon"


def test_a_coordinators_own_workbook_is_read_from_its_header_and_says_what_it_left_out(
    org, tmp_path
):
    """Title, blank row and note above the header; formulas with cached values; two computed
    «Snitt» columns; an average row and a blank row at the bottom; a second sheet."""
    path = tools.coordinator_xlsx(tmp_path / "modenhet.xlsx")
    result = imports.run(org, path)
    assert [p.line("modenhet.xlsx", "en") for p in result.problems] == []
    assert result.written and result.dialect == "xlsx, Modenhet"
    assert stored(org) == (EXPECTED_ANSWERS, EXPECTED_COMMENTS)
    assert result.first_row == 4
    assert result.left_out == [
        (1, "title", tools.COORDINATOR_TITLE),
        (2, "blank", ""),
        (3, "title", tools.COORDINATOR_NOTE),
        (7, "summary", "Gjennomsnitt"),
    ]
    assert result.computed_columns == list(tools.COMPUTED)
    assert all(result.mapping[c] == "ignore" for c in tools.COMPUTED)
    notes = result.notes("en")
    assert notes[0].startswith("Row 1 (“Modenhetsmåling – Etaten 2026”) is above the header")
    assert "Row 7 (“Gjennomsnitt”) is a summary under the answers" in notes[3]
    assert "«Snitt modenhet», «Snitt teknologi og data»" in notes[4]


def test_problems_in_a_coordinators_workbook_name_the_sheets_own_rows(org, tmp_path):
    wrong = (tools.RESPONSES[0], Response(2, "ola@etat.example", "Seksjon som ikke finnes",
                                          tools.RESPONSES[1].submitted, (5, 1, 3), ""))  # fmt: skip
    result = imports.run(org, tools.coordinator_xlsx(tmp_path / "m.xlsx", responses=wrong))
    assert [(p.row, p.column, p.key) for p in result.problems] == [
        (6, "Enhet", "import_unknown_unit")
    ]


def test_a_yes_no_question_about_email_never_becomes_the_respondent(org, tmp_path):
    import openpyxl

    anonymous = tuple(
        Response(r.response_id, "anonymous", r.unit_name, r.submitted, r.scores, r.comment)
        for r in tools.RESPONSES
    )
    path = tools.msforms_xlsx(tmp_path / "a.xlsx", responses=anonymous)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.insert_cols(7)
    sheet.cell(1, 7, "Har du fått e-post om målingen?")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 7, "Ja")
    book.save(path)
    result = imports.run(org, path, mapping=UNIT_ONLY)
    assert result.problems == [] and result.written
    answers, _ = stored(org)
    assert {a[2] for a in answers} == {"msforms:1", "msforms:2"}


# The README's survey-tool table, row by row: the cases above that export each tool's files.
README_ROWS = {
    "Microsoft Forms": ("msforms-nb", "msforms-en"),
    "Nettskjema": ("nettskjema-csv", "nettskjema-nobom", "nettskjema-xlsx"),
    "Google Forms, own download": ("google-forms-download",),
    "Google Forms via Sheets": ("google-en", "google-nb", "google-xlsx"),
    "SurveyMonkey": ("surveymonkey", "surveymonkey-xlsx"),
    "Qualtrics": ("qualtrics-oslo", "qualtrics-denver"),
    "Excel, LibreOffice": (
        "excel-nb", "excel-us", "libreoffice-us", "excel-xlsx", "excel-mac", "libreoffice-ods",
        "excel-xls",
    ),
}  # fmt: skip
# How the README names what a coordinator gives: a mapping target, or the date order.
README_WORDS = {"unit": "which question asks for the unit", "period": "`period`",
                "comment": "`comment`", "date order": "the date order"}  # fmt: skip


def test_the_readme_says_what_the_coordinator_gives_once_per_form_for_each_tool():
    """Each row of the README's table names everything its cases give, and a survey tool's
    cases give at most which question asks for the unit (and a date order the file's dates
    leave open); every case belongs to a row."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {}  # the table's rows: tool -> what the coordinator gives
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 3:
            rows[cells[0]] = cells[2]
    by_name = {case[0]: case for case in CASES}
    assert sorted(n for names in README_ROWS.values() for n in names) == sorted(by_name)
    for tool, names in README_ROWS.items():
        gives = rows[tool]
        for name in names:
            _, _, _, mapping, date_order, recognised = by_name[name]
            given = sorted((mapping or {}).values()) + (["date order"] if date_order else [])
            for thing in given:
                assert README_WORDS[thing] in gives, (tool, name, thing)
            if recognised:
                assert (mapping or {}) in ({}, UNIT_ONLY), name
