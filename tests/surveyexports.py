"""Survey-tool exports built as each tool writes them, for the import tests.

One form, as a coordinator would build it in each tool: "Hvilken enhet leder du?" (the unit, by
name), a grid/Likert "Hvor moden er enheten?" with one row per item (Brukerorientering,
Teknologi, Data; answers are the scale's labels or numbers), and a free-text "Noe mer du vil
si?" (the general comment). The same responses go into every tool's file, so every test can
check the same stored rows (`EXPECTED`).

Each builder says which documented format detail each byte reflects. Sources: the tools' help
pages and public parsers of their exports (qualtRics' test files, nettskjemar, pandas-based
SurveyMonkey and Microsoft Forms readers). What a builder cannot reproduce byte for byte (the
ZIP layout of an .xlsx) it reproduces in what a reader sees: sheet, header texts, cell types.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

UNIT_QUESTION = "Hvilken enhet leder du?"
GRID_QUESTION = "Hvor moden er enheten?"
FREE_TEXT = "Noe mer du vil si?"
# Grid rows as the form's author typed them: the items' Norwegian names.
ROWS = ("Brukerorientering", "Teknologi", "Data")
ROW_ITEMS = {"Brukerorientering": "user", "Teknologi": "technology", "Data": "data"}
LABELS = {
    1: "Ikke startet",
    2: "Utforskende",
    3: "Etablert",
    4: "Integrert",
    5: "Ledende og transformerende",
}


@dataclass(frozen=True)
class Response:
    response_id: int
    email: str  # as the respondent typed it or the tool recorded it
    unit_name: str
    submitted: datetime  # in Norwegian time (what the tool's own clock shows in Oslo)
    scores: tuple[int, int, int]  # Brukerorientering, Teknologi, Data
    comment: str


RESPONSES = (
    Response(1, "Kari.Nordmann@Etat.Example", "Seksjon for brukere", datetime(2026, 3, 5, 10, 15, 22),
             (3, 4, 2), "Godt – «bedre» enn før; æøå ÆØÅ"),
    # 00:30 on 1 April in Oslo is 22:30 on 31 March in UTC: the second quarter.
    Response(2, "ola@etat.example", "Seksjon for data", datetime(2026, 4, 1, 0, 30, 5),
             (5, 1, 3), ""),
)  # fmt: skip
# What each import must store: (unit_id, period, respondent, item_id, score) ...
EXPECTED_ANSWERS = sorted(
    (unit, period, respondent, ROW_ITEMS[row], score)
    for unit, period, respondent, scores in (
        ("u1", "2026-Q1", "kari.nordmann@etat.example", (3, 4, 2)),
        ("u2", "2026-Q2", "ola@etat.example", (5, 1, 3)),
    )
    for row, score in zip(ROWS, scores, strict=True)
)
# ... and the general comment, with the reflections under question id "comment".
EXPECTED_COMMENTS = [
    ("u1", "2026-Q1", "kari.nordmann@etat.example", "comment", "Godt – «bedre» enn før; æøå ÆØÅ")
]
# The coordinator's mapping: only what the form's author knows (which question asks for the
# unit, that the free text is a general comment). The grid rows match items by name.
MAPPING = {UNIT_QUESTION: "unit", FREE_TEXT: "comment"}


def csv_text(rows: list[list[str]], *, sep: str, quote_all: bool, line_end: str) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=sep,
        lineterminator=line_end,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return out.getvalue()


def _write(path: Path, text: str, encoding: str, bom: bool) -> Path:
    data = text.encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


# --- Microsoft Forms (.xlsx only) ------------------------------------------------------------


EMAIL_QUESTION = "Din e-postadresse på jobb"


def msforms_xlsx(
    path: Path, *, lang: str = "nb", responses=RESPONSES, anonymous_form: bool = False
) -> Path:
    """Microsoft Forms' "Open in Excel" / "Download a copy": one sheet, `Sheet1`; header row
    ID, start time, completion time, e-mail, name, last modified time (localised), then one
    column per question; a Likert question gives one column per statement, headed by the
    statement, holding the chosen option's label. ID is a number cell; the times are date
    cells (Excel serial numbers with a date format). Anonymous forms write `anonymous` as the
    e-mail and leave the name empty.

    `anonymous_form`: a form set to "Anyone can respond", whose responses arrive without names
    recorded (Microsoft Support, "Set up your survey so names aren't recorded when collecting
    responses", article 25dd8442-f6ba-4934-9319-99f9f867f239); its `Email` column then holds
    `anonymous` (as in issue 25's export), so the author asks for the address in a question of
    their own, `EMAIL_QUESTION`, placed first."""
    import openpyxl

    meta = {
        "nb": ["ID", "Starttidspunkt", "Fullføringstidspunkt", "E-postadresse", "Navn",
               "Tidspunkt for siste endring"],
        "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
    }[lang]  # fmt: skip
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    own = [EMAIL_QUESTION] if anonymous_form else []
    sheet.append([*meta, *own, UNIT_QUESTION, *ROWS, FREE_TEXT])
    for r in responses:
        started = r.submitted.replace(second=0)
        anonymous = r.email == "anonymous" or anonymous_form
        sheet.append(
            [
                r.response_id,
                started,
                r.submitted,
                "anonymous" if anonymous else r.email,
                None if anonymous else r.email.split("@")[0].replace(".", " ").title(),
                None,
                *([r.email] if anonymous_form else []),
                r.unit_name,
                *(LABELS[s] for s in r.scores),
                r.comment or None,
            ]
        )
        for cell in sheet[sheet.max_row][1:3]:
            cell.number_format = "m/d/yy h:mm:ss"
    book.save(path)
    return path


# --- Nettskjema -------------------------------------------------------------------------------


def _nettskjema_rows(responses) -> list[list[str]]:
    """Codebook names as headers: `epost` for the e-mail question, `enhet` for the unit
    question, `modenhet.<item id>` for the matrix rows (MATRIX.ROW), `kommentar` for the free
    text; `$submission_id` and `$created` first, `$answer_time_ms` last. `$created` is ISO
    8601 with nanoseconds and the offset."""
    header = ["$submission_id", "$created", "epost", "enhet",
              *(f"modenhet.{ROW_ITEMS[r]}" for r in ROWS), "kommentar", "$answer_time_ms"]  # fmt: skip
    rows = [header]
    from zoneinfo import ZoneInfo

    for r in responses:
        moment = r.submitted.replace(tzinfo=ZoneInfo("Europe/Oslo"))
        offset = moment.strftime("%z")
        created = (
            moment.strftime("%Y-%m-%dT%H:%M:%S") + ".123456789" + offset[:3] + ":" + offset[3:]
        )
        rows.append(
            [str(1000 + r.response_id), created, r.email, r.unit_name, *(str(s) for s in r.scores),
             r.comment, "84512"]
        )  # fmt: skip
    return rows


def nettskjema_csv(path: Path, *, bom: bool = True, responses=RESPONSES) -> Path:
    """Nettskjema's CSV download: `;`-separated, every field quoted, CRLF line ends, UTF-8
    (public readers open it with utf-8-sig: the BOM is there, and readers must also take it
    without)."""
    text = csv_text(_nettskjema_rows(responses), sep=";", quote_all=True, line_end="\r\n")
    return _write(path, text, "utf-8", bom)


def nettskjema_xlsx(path: Path, *, responses=RESPONSES) -> Path:
    """Nettskjema's Excel download: the same columns, `$created` as text, answers as text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in _nettskjema_rows(responses):
        sheet.append(row)
    book.save(path)
    return path


# --- Google Forms via Sheets ------------------------------------------------------------------


def _google_rows(responses, lang: str) -> list[list[str]]:
    header = {
        "en": ["Timestamp", "Email Address"],
        "nb": ["Tidsmerke", "E-postadresse"],
    }[lang] + [UNIT_QUESTION, *(f"{GRID_QUESTION} [{r}]" for r in ROWS), FREE_TEXT]
    rows = [header]
    for r in responses:
        if lang == "en":  # US locale: M/D/YYYY H:MM:SS, no leading zeros, 24-hour clock
            t = r.submitted
            stamp = f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02}:{t.second:02}"
        else:  # Norwegian locale: DD.MM.YYYY HH:MM:SS
            stamp = r.submitted.strftime("%d.%m.%Y %H:%M:%S")
        rows.append([stamp, r.email, r.unit_name, *(LABELS[s] for s in r.scores), r.comment])
    return rows


def google_csv(path: Path, *, lang: str = "en", responses=RESPONSES) -> Path:
    """Sheets' File → Download → CSV of the responses sheet: UTF-8 without BOM, comma, fields
    quoted only when needed, CRLF line ends; grid rows as `Question [Row]`; the timestamp in
    the spreadsheet's locale."""
    text = csv_text(_google_rows(responses, lang), sep=",", quote_all=False, line_end="\r\n")
    return _write(path, text, "utf-8", bom=False)


def google_forms_csv(path: Path, *, responses=RESPONSES) -> Path:
    """Google Forms' own Responses → ⋮ → "Download responses (.csv)" (a zip holding this file):
    the same columns as the linked sheet, every field quoted, comma, UTF-8 without BOM, and the
    Timestamp as `YYYY/MM/DD h:mm:ss AM GMT+2` in the form's time zone with its offset (as in
    the issue's file, and `2022/06/22 11:07:29 AM AST` in a public copy of such a download,
    GeckoRobotics/gecko-sustainability components/Form.tsx)."""
    from zoneinfo import ZoneInfo

    rows = _google_rows(responses, "en")
    for row, r in zip(rows[1:], responses, strict=True):
        moment = r.submitted.replace(tzinfo=ZoneInfo("Europe/Oslo"))
        hours = int(moment.utcoffset().total_seconds() // 3600)
        row[0] = moment.strftime("%Y/%m/%d %I:%M:%S %p").replace(" 0", " ", 1) + f" GMT+{hours}"
    text = csv_text(rows, sep=",", quote_all=True, line_end="\r\n")
    return _write(path, text, "utf-8", bom=False)


def google_xlsx(path: Path, *, responses=RESPONSES) -> Path:
    """Sheets' Download → .xlsx: `Form Responses 1` (Skjemasvar 1), the timestamp a date cell."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Form Responses 1"
    rows = _google_rows(responses, "en")
    sheet.append(rows[0])
    for r, row in zip(responses, rows[1:], strict=True):
        sheet.append([r.submitted, *row[1:]])
        sheet.cell(sheet.max_row, 1).number_format = "m/d/yyyy h:mm:ss"
    book.save(path)
    return path


# --- SurveyMonkey -----------------------------------------------------------------------------


def surveymonkey_csv(path: Path, *, responses=RESPONSES) -> Path:
    """SurveyMonkey's "All individual responses" CSV (expanded): two header rows, the question
    above (empty over the rest of a matrix), `Response` / `Open-Ended Response` / the row
    label below; the metadata columns first; dates `MM/DD/YYYY hh:mm:ss AM`; comma, every field
    quoted, CRLF, UTF-8 with a BOM."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    first = [*meta, UNIT_QUESTION, GRID_QUESTION, "", "", FREE_TEXT]
    second = [""] * len(meta) + ["Response", *ROWS, "Open-Ended Response"]
    rows = [first, second]
    for r in responses:
        stamp = r.submitted.strftime("%m/%d/%Y %I:%M:%S %p")
        rows.append(
            [str(114_000_000_000 + r.response_id), "405123456", stamp, stamp, "193.156.10.4",
             r.email, "", "", "", r.unit_name, *(LABELS[s] for s in r.scores), r.comment]
        )  # fmt: skip
    if path.suffix == ".xlsx":
        # The .xlsx download ("All individual responses" as XLS+): the same two header rows and
        # cells, the dates as text in the same US format.
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Sheet"
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    text = csv_text(rows, sep=",", quote_all=True, line_end="\r\n")
    return _write(path, text, "utf-8", bom=True)


# --- Qualtrics --------------------------------------------------------------------------------


def qualtrics_csv(path: Path, *, zone: str = "Europe/Oslo", responses=RESPONSES) -> Path:
    """Qualtrics' Data & Analysis → Export → CSV ("Use choice text"): three header rows (short
    ids; labels, a matrix row as `Question - Row`; `{"ImportId":…}` JSON naming the time zone
    of the dates), dates `YYYY-MM-DD HH:MM:SS` in that zone without an offset; comma, fields
    quoted where needed (the JSON always), LF as in Qualtrics' own sample, UTF-8 with a BOM."""
    from zoneinfo import ZoneInfo

    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
           "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
           "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
           "DistributionChannel", "UserLanguage", "Q1", "Q2_1", "Q2_2", "Q2_3", "Q3"]  # fmt: skip
    labels = ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
              "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
              "Recipient Last Name", "Recipient First Name", "Recipient Email",
              "External Data Reference", "Location Latitude", "Location Longitude",
              "Distribution Channel", "User Language", UNIT_QUESTION,
              *(f"{GRID_QUESTION} - {r}" for r in ROWS), FREE_TEXT]  # fmt: skip
    import_ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration",
                  "finished", "recordedDate", "_recordId", "recipientLastName",
                  "recipientFirstName", "recipientEmail", "externalDataReference",
                  "locationLatitude", "locationLongitude", "distributionChannel",
                  "userLanguage", "QID1", "QID2_1", "QID2_2", "QID2_3", "QID3_TEXT"]  # fmt: skip
    dated = {"startDate", "endDate", "recordedDate"}
    third = [
        f'{{"ImportId":"{i}","timeZone":"{zone}"}}' if i in dated else f'{{"ImportId":"{i}"}}'
        for i in import_ids
    ]
    rows = [ids, labels, third]
    oslo, there = ZoneInfo("Europe/Oslo"), ZoneInfo(zone)
    for r in responses:
        local = r.submitted.replace(tzinfo=oslo).astimezone(there)
        stamp = local.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(
            [stamp, stamp, "0", "193.156.10.4", "100", "312", "1", stamp,
             f"R_{r.response_id}aBcDeFgHiJ", "", "", r.email, "", "59.9139", "10.7522",
             "email", "NO", r.unit_name, *(LABELS[s] for s in r.scores), r.comment]
        )  # fmt: skip
    text = csv_text(rows, sep=",", quote_all=False, line_end="\n")
    return _write(path, text, "utf-8", bom=True)


# --- Excel and LibreOffice saving CSV ---------------------------------------------------------

PLAIN_HEADER = ["Enhet", "Innsendt", "E-post", *ROWS, "Kommentar"]


def excel_csv(path: Path, *, locale: str = "nb", responses=RESPONSES) -> Path:
    """Excel's Save As → "CSV (semikolondelt)" in Norwegian settings: `;`, Windows-1252, CRLF,
    dates as the cells show them (`05.03.2026 10:15`); "CSV (Comma delimited)" in US settings:
    `,`, Windows-1252, CRLF, `3/5/2026 10:15`. Fields are quoted only when needed; a row whose
    last cells are empty still has its delimiters."""
    rows = [PLAIN_HEADER]
    for r in responses:
        if locale == "nb":
            stamp = r.submitted.strftime("%d.%m.%Y %H:%M")
        else:
            t = r.submitted
            stamp = f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02}"
        rows.append([r.unit_name, stamp, r.email, *(str(s) for s in r.scores), r.comment])
    sep = ";" if locale == "nb" else ","
    return _write(path, csv_text(rows, sep=sep, quote_all=False, line_end="\r\n"), "cp1252", False)


def excel_mac_csv(path: Path, *, responses=RESPONSES) -> Path:
    """Excel for Mac's Save As → "Comma Separated Values (.csv)" in Norwegian settings: `;`
    (the list separator of a decimal-comma locale), Mac Roman bytes ("CSVs produced by Excel on
    Mac use MacRoman", seeblog.seenet.ca, "CSV Support in Excel for Mac 2016 is a Travesty";
    donatstudios.com/CSV-An-Encoding-Nightmare), a bare CR after every record ("Microsoft Excel
    on macOS still exports CSV with this style of line ending", fivethirtyeight/data#287;
    evanplaice/jquery-csv#45), and a line break typed in a cell (Alt+Enter) kept as LF inside
    its quoted field (mschaef.com/cr-lf: Excel's cells hold LF). Dates as the cells show them."""
    rows = [PLAIN_HEADER]
    for r in responses:
        stamp = r.submitted.strftime("%d.%m.%Y %H:%M")
        rows.append([r.unit_name, stamp, r.email, *(str(s) for s in r.scores), r.comment])

    def field(text: str) -> str:  # quoted when it holds ; " CR or LF, as Excel does
        return (
            f'"{text.replace(chr(34), 2 * chr(34))}"' if any(c in text for c in ';"\r\n') else text
        )

    text = "".join(";".join(field(c) for c in row) + "\r" for row in rows)
    return _write(path, text, "mac_roman", False)


def libreoffice_csv(path: Path, *, responses=RESPONSES) -> Path:
    """LibreOffice Calc's default Text CSV export on Linux in US settings: UTF-8 without BOM,
    comma, text fields quoted only when needed, LF line ends, dates `MM/DD/YY`."""
    rows = [PLAIN_HEADER]
    for r in responses:
        rows.append(
            [r.unit_name, r.submitted.strftime("%m/%d/%y"), r.email, *(str(s) for s in r.scores),
             r.comment]
        )  # fmt: skip
    return _write(path, csv_text(rows, sep=",", quote_all=False, line_end="\n"), "utf-8", False)


def excel_xlsx(path: Path, *, responses=RESPONSES) -> Path:
    """An Excel workbook typed by hand: text, number cells for the scores, date cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ark1"
    sheet.append(PLAIN_HEADER)
    for r in responses:
        sheet.append([r.unit_name, r.submitted, r.email, *r.scores, r.comment or None])
        sheet.cell(sheet.max_row, 2).number_format = "dd.mm.yyyy hh:mm"
    book.save(path)
    return path


PLAIN_MAPPING = {"Innsendt": "period", "Kommentar": "comment"}


# --- LibreOffice Calc .ods and Excel 97-2003 .xls ---------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
)


def _ods_cell(value) -> str:
    from xml.sax.saxutils import escape

    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime):
        shown = value.strftime("%d.%m.%Y %H:%M")
        return (
            f'<table:table-cell office:value-type="date" office:date-value='
            f'"{value.isoformat()}"><text:p>{shown}</text:p></table:table-cell>'
        )
    if isinstance(value, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def libreoffice_ods(path: Path, *, responses=RESPONSES, hidden_first: bool = False) -> Path:
    """LibreOffice Calc's default Save (.ods) of the hand-typed sheet `excel_xlsx` makes, as
    the OpenDocument 1.2 standard (OASIS) lays it out: a zip whose first entry is `mimetype`,
    stored uncompressed (Part 3, 3.3); `META-INF/manifest.xml`; `content.xml` with one
    `table:table` per sheet, cells typed by `office:value-type` (`float` with `office:value`,
    `date` with `office:date-value` in ISO 8601, `string` with its `text:p` paragraphs, one per
    line of a multi-line cell). Calc fills the rest of the sheet the way it saves every sheet:
    `table:number-columns-repeated` cells after the last one and a last row repeated over the
    sheet's 1,048,576 rows (`table:number-rows-repeated`). `hidden_first`: a first sheet
    hidden with `table:display="false"` in its table style."""
    import zipfile

    rows = [PLAIN_HEADER] + [
        [r.unit_name, r.submitted, r.email, *r.scores, r.comment or None] for r in responses
    ]
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row)
        + '<table:table-cell table:number-columns-repeated="1017"/></table:table-row>'
        for row in rows
    )  # fmt: skip
    body += (
        f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    hidden = ""
    if hidden_first:
        hidden = (
            '<table:table table:name="Gammel" table:style-name="ta2"><table:table-row>'
            + _ods_cell("unit_id") + _ods_cell("period")
            + "</table:table-row></table:table>"
        )  # fmt: skip
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {_ODS_NS} office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="ta1" style:family="table"><style:table-properties '
        'table:display="true"/></style:style><style:style style:name="ta2" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        f'{hidden}<table:table table:name="Ark1" table:style-name="ta1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # fmt: skip
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def excel_xls(path: Path, *, responses=RESPONSES) -> Path:
    """An agency's old Excel 97-2003 template (.xls, BIFF8 in an OLE2 compound file), written
    with xlwt (the format as python-excel documents it): text cells, number cells for the
    scores, date cells (a number with a date format), one sheet `Ark1`."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Ark1")
    dated = xlwt.easyxf(num_format_str="DD.MM.YYYY HH:MM")
    for column, header in enumerate(PLAIN_HEADER):
        sheet.write(0, column, header)
    for number, r in enumerate(responses, start=1):
        cells = [r.unit_name, r.submitted, r.email, *r.scores, r.comment or None]
        for column, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write(number, column, value, dated)
            else:
                sheet.write(number, column, value)
    book.save(str(path))
    return path


# --- A coordinator's own workbook -------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell and the value Excel saved with it (its last result)."""

    formula: str
    cached: object


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text, {'"': "&quot;"})


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(rows: list[list[object]], strings: list[str], merges: list[str]) -> str:
    def shared(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    out = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{_column_letter(column)}{number}"
            if value is None:
                cells.append(f'<c r="{ref}" s="1"/>')  # formatted, empty (a bordered table)
            elif isinstance(value, Formula):
                if isinstance(value.cached, str):
                    cells.append(f'<c r="{ref}" t="str"><f>{_xml(value.formula)}</f>'
                                 f"<v>{_xml(value.cached)}</v></c>")  # fmt: skip
                else:
                    cells.append(f'<c r="{ref}"><f>{_xml(value.formula)}</f>'
                                 f"<v>{value.cached!r}</v></c>")  # fmt: skip
            elif isinstance(value, str):
                cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(out)
        + "</sheetData>" + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>'
                            if merges else "") + "</worksheet>"
    )  # fmt: skip


def workbook_xlsx(path: Path, sheets: list[tuple[str, list[list[object]], list[str]]]) -> Path:
    """An .xlsx as Excel saves it (ECMA-376 Part 1, SpreadsheetML): text in the shared-string
    table (`t="s"`, §18.4), numbers as `<v>`, a formula as `<f>` with the last result Excel
    computed in `<v>` (§18.3.1.40, §18.3.1.96; a text result has `t="str"`), merged cells in
    `<mergeCells>` with the text in the first cell only (§18.3.1.55), empty formatted cells as
    `<c s="1"/>`. `sheets`: (name, rows, merged ranges)."""
    import zipfile

    ns = "http://schemas.openxmlformats.org"
    strings: list[str] = []
    parts = {
        f"xl/worksheets/sheet{i}.xml": _sheet_xml(rows, strings, merges)
        for i, (_, rows, merges) in enumerate(sheets, start=1)
    }
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts["[Content_Types].xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        f'sharedStrings+xml"/>{overrides}</Types>'
    )
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    names = "".join(
        f'<sheet name="{_xml(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _, _) in enumerate(sheets, start=1)
    )
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>{names}</sheets></workbook>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    rels += (
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{ns}/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
        f'relationships">{rels}</Relationships>'
    )
    items = "".join(f'<si><t xml:space="preserve">{_xml(s)}</t></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


COORDINATOR_TITLE = "Modenhetsmåling – Etaten 2026"
COORDINATOR_NOTE = "Én rad per leder. Snitt-kolonnene og gjennomsnittet regnes ut."
COMPUTED = ("Snitt modenhet", "Snitt teknologi og data")


def coordinator_xlsx(path: Path, *, responses=RESPONSES) -> Path:
    """A coordinator's own workbook, typed in Excel: a title merged over the table's width on
    row 1, a blank row and a note above the header (row 4); the quarter a formula with its
    cached text; two computed «Snitt» columns (AVERAGE formulas with cached values); an average
    row «Gjennomsnitt» and a formatted blank row under the answers; a second sheet of notes."""
    from statistics import mean

    header = ["Enhet", "Kvartal", "E-post", *ROWS, *COMPUTED, "Kommentar"]
    rows: list[list[object]] = [[COORDINATOR_TITLE], [], [COORDINATOR_NOTE], header]
    for number, r in enumerate(responses, start=5):
        quarter = f"{r.submitted.year}-Q{(r.submitted.month - 1) // 3 + 1}"
        rows.append([
            r.unit_name, Formula(f'"{quarter[:6]}"&{quarter[-1]}', quarter), r.email, *r.scores,
            Formula(f"AVERAGE(D{number}:F{number})", mean(r.scores)),
            Formula(f"AVERAGE(E{number}:F{number})", mean(r.scores[1:])),
            r.comment or None,
        ])  # fmt: skip
    last = 4 + len(responses)
    rows.append(
        ["Gjennomsnitt", None, None]
        + [Formula(f"AVERAGE({c}5:{c}{last})", mean(r.scores[i] for r in responses))
           for i, c in enumerate("DEF")]
        + [None, None, None]
    )  # fmt: skip
    rows.append([None] * len(header))
    notes = [["Spørsmålene er hentet fra rammeverket."], ["Oppdatert av koordinator"]]
    return workbook_xlsx(path, [("Modenhet", rows, ["A1:I1"]), ("Notater", notes, [])])
