"""Each survey tool is recognised from its header records, its metadata columns known."""

from __future__ import annotations

from dtmaturity.domain.surveytools import recognise_tool


def test_qualtrics_three_header_rows_labels_grid_rows_and_time_zone():
    layout = recognise_tool(
        [
            ["StartDate", "RecordedDate", "ResponseId", "RecipientEmail", "Q_RecaptchaScore", "Q2_1"],
            ["Start Date", "Recorded Date", "Response ID", "Recipient Email", "Q_RecaptchaScore",
             "Hvor moden? - Teknologi"],
            ['{"ImportId":"startDate","timeZone":"America/Denver"}',
             '{"ImportId":"recordedDate","timeZone":"America/Denver"}', '{"ImportId":"_recordId"}',
             '{"ImportId":"recipientEmail"}', '{"ImportId":"Q_RecaptchaScore"}',
             '{"ImportId":"QID2_1"}'],
        ]
    )  # fmt: skip
    assert (layout.tool, layout.header_rows, layout.timezone) == ("qualtrics", 3, "America/Denver")
    assert layout.system == {0: "ignore", 1: "timestamp", 2: "response_id", 3: "respondent",
                             4: "ignore"}  # fmt: skip
    assert layout.row_parts == {5: "Teknologi"}
    assert layout.headers[5] == "Hvor moden? - Teknologi"


def test_surveymonkey_second_row_and_carried_question():
    layout = recognise_tool(
        [
            ["Respondent ID", "Collector ID", "Start Date", "End Date", "Q", "Grid", "", "Free"],
            ["", "", "", "", "Response", "Data", "Teknologi", "Open-Ended Response"],
        ]
    )
    assert layout.tool == "surveymonkey" and layout.header_rows == 2
    assert layout.headers[4:] == ("Q", "Grid [Data]", "Grid [Teknologi]", "Free")
    assert layout.row_parts == {5: "Data", 6: "Teknologi"}
    assert layout.system[3] == "timestamp" and layout.system[0] == "response_id"


def test_nettskjema_dollar_columns_codebook_matrix_rows_and_html_entities():
    layout = recognise_tool([["$submission_id", "$created", "modenhet.data", "Brukerens &#39;svar&#39;",
                              "$answer_time_ms"]])  # fmt: skip
    assert layout.tool == "nettskjema"
    assert layout.system == {0: "response_id", 1: "timestamp", 4: "ignore"}
    assert layout.row_parts == {2: "data"}
    assert layout.headers[3] == "Brukerens 'svar'"


def test_forms_google_and_plain_files():
    forms = recognise_tool([["ID", "Starttidspunkt", "Fullføringstidspunkt", "E-postadresse",
                             "Navn", "Tidspunkt for siste endring", "Enhet"]])  # fmt: skip
    assert forms.tool == "msforms"
    assert forms.system == {0: "response_id", 1: "ignore", 2: "timestamp", 3: "respondent",
                            4: "ignore", 5: "ignore"}  # fmt: skip
    google = recognise_tool([["Tidsmerke", "E-postadresse", "Spørsmål [Data]"]])
    assert google.tool == "googleforms" and google.system == {0: "timestamp", 1: "respondent"}
    assert recognise_tool([["unit_id", "period", "respondent"]]).tool is None
