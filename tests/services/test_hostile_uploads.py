"""Uploads that could exhaust the server or smuggle data in (issue 23, "Uploads"): zip bombs and
sparse sheets are refused with bounded memory, a hidden first sheet is never read without a
word, any file name works, and identities that look like formulas are refused."""

from __future__ import annotations

import resource
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from dtmaturity.domain import xlsxfile
from dtmaturity.services import imports, workbooks
from dtmaturity.store import AuditEntry, queries

pytestmark = pytest.mark.duckdb_only(
    "a hostile file is measured, refused or read while it is read (workbooks.py, xlsxfile.py and "
    "the same in-memory DuckDB on either database), before any row reaches the database; "
    "storing what a file holds runs on both in test_imports.py"
)
TEST_AUDIT = AuditEntry("test", "test.setup")
HEADER = "unit_id,period,respondent,Brukerorientering,Data,Kommentar"

# The smallest parts of an .xlsx (ECMA-376 Part 2, Open Packaging Conventions): content types,
# the package relationship to the workbook, the workbook naming its sheets, and their rels.
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    '"worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _row(number: int, cells: list[tuple[str, str]]) -> str:
    inline = "".join(
        f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells
    )
    return f'<row r="{number}">{inline}</row>'


def hand_built_xlsx(path: Path, rows: list[str], *, repeat: str = "", times: int = 0) -> Path:
    """A valid .xlsx whose sheet XML is `rows`, then `repeat` written `times` times (streamed,
    so a test can build a sheet of hundreds of megabytes that deflates to a few hundred KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((_SHEET_HEAD + "".join(rows)).encode())
            block = (repeat * 1000).encode()
            for _ in range(times // 1000):
                sheet.write(block)
            sheet.write(_SHEET_TAIL.encode())
    return path


@pytest.fixture
def org(ctx):
    ctx.store.write(
        lambda cur: queries.upsert_units(
            cur,
            [("etat", "Etaten", None, False), ("u1", "Seksjon for brukere", "etat", False),
             ("u2", "Seksjon for data", "etat", False)],
        ),
        audit=TEST_AUDIT,
    )  # fmt: skip
    return ctx


def nothing_stored(ctx) -> bool:
    with ctx.store.reader() as cur:
        return cur.execute("SELECT count(*) FROM answer").fetchone()[0] == 0


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated(org, tmp_path):
    # 400 MB of identical empty rows deflate to about 400 KB: a thousandfold, as in the finding.
    header = _row(1, [("A1", "unit_id"), ("B1", "period"), ("C1", "respondent")])
    bomb = hand_built_xlsx(tmp_path / "svar.xlsx", [header], repeat="<row/>" * 8, times=8_500_000)
    part = zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml")
    assert bomb.stat().st_size < 1_000_000 and part.file_size > 400_000_000
    tracemalloc.start()
    try:
        result = imports.run(org, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.key for p in result.problems] == ["xlsx_bomb"]
    assert result.problems[0].params["part"] == "xl/worksheets/sheet1.xml"
    assert "zip" in result.problems[0].message("en")
    assert peak < 20 * 1024 * 1024  # nothing was inflated in this process
    assert not result.written and nothing_stored(org)
    # The Import page lists a workbook's sheets: the bomb is not opened for that either.
    assert workbooks.sheet_names(bomb.read_bytes()) == []


def test_a_workbook_declaring_more_than_the_limit_is_refused(org, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxfile, "MAX_UNPACKED", 1024 * 1024)  # the rule, at a small scale
    header = _row(1, [("A1", "unit_id"), ("B1", "period")])
    path = hand_built_xlsx(tmp_path / "stor.xlsx", [header], repeat="<row/>", times=300_000)
    result = imports.run(org, path)
    assert [p.key for p in result.problems] == ["xlsx_too_large"]
    assert result.problems[0].params == {"size": 1, "max": 1}


def test_a_sheet_whose_cells_lie_far_apart_ends_a_capped_reader_not_the_server(org, tmp_path):
    """Two cells, A1 and XFD1048576, in a file of a few hundred bytes: calamine would allocate
    all 17 billion cells between them (half a terabyte) and abort the process it runs in."""
    rows = [_row(1, [("A1", "unit_id")]), _row(1048576, [("XFD1048576", "x")])]
    path = hand_built_xlsx(tmp_path / "spredt.xlsx", rows)
    assert path.stat().st_size < 2000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = imports.run(org, path)
    assert [p.key for p in result.problems] == ["xlsx_too_much_memory"]
    assert str(xlsxfile.MEMORY_LIMIT // xlsxfile.MB) in result.problems[0].message("en")
    # This process (the server) grew by nothing like the allocation that was tried.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024
    assert nothing_stored(org)


def test_an_xls_of_sparse_sheets_is_listed_and_read_only_in_the_capped_process(org, tmp_path):
    """Opening an .xls makes calamine parse every sheet: four sheets of a 6 KB file, each with
    cells at A1 and IV65536 (BIFF8's last cell), ask for about 2 GB. Listing its sheets for
    the Import page, like reading it, happens in the capped child process."""
    xlwt = pytest.importorskip("xlwt", reason="the .xls is written with xlwt (dev only)")
    book = xlwt.Workbook()
    for number in range(4):
        sheet = book.add_sheet(f"Ark{number + 1}")
        sheet.write(0, 0, "unit_id")
        sheet.write(65535, 255, "x")
    path = tmp_path / "spredt.xls"
    book.save(str(path))
    assert path.stat().st_size < 10_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert workbooks.sheet_names(path.read_bytes()) == []
    result = imports.run(org, path)
    assert [p.key for p in result.problems] == ["xlsx_too_much_memory"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024
    assert nothing_stored(org)


def test_a_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(org, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Gammel"
    hidden.sheet_state = "hidden"
    hidden.append(HEADER.split(","))
    hidden.append(["u2", "2025-Q1", "gammel@etat.example", 1, 1, "fra i fjor"])
    shown = book.create_sheet("Svar")
    shown.append(HEADER.split(","))
    shown.append(["u1", "2026-Q1", "kari@etat.example", 3, 4, "i år"])
    path = tmp_path / "svar.xlsx"
    book.save(path)

    result = imports.run(org, path)
    assert result.problems == [] and result.written
    assert result.dialect == "xlsx, Svar"  # shown in the preview: which sheet was read
    with org.store.reader() as cur:
        assert cur.execute("SELECT DISTINCT unit_id, period FROM answer").fetchall() == [
            ("u1", "2026-Q1")
        ]
    assert workbooks.sheet_names(path.read_bytes()) == ["Svar"]  # the page offers visible ones
    # Asked for by name, the hidden sheet is read (the coordinator chose it).
    again = imports.run(org, path, sheet="Gammel", dry_run=True)
    assert again.dialect == "xlsx, Gammel" and again.problems == []


@pytest.mark.parametrize(
    "name", ["å" * 130 + ".csv", "../../etc/passwd", "a/b\\c:d*?.csv", "\u202eevil.csv", ""]
)
def test_any_file_name_is_only_shown_never_part_of_a_path(org, name):
    data = f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,ok\r\n".encode()
    result = imports.run_upload(org, data, name)
    assert result.problems == [] and result.written
    assert result.file_name == (name or "upload")
    assert imports.log(org)[0].file_name == (name or "upload")


@pytest.mark.parametrize(
    "identity",
    ['=HYPERLINK("http://evil.example","Logg inn")', "@SUM(1)", "+47 99 99 99 99", "-1+1",
     "Kari Nordmann", "kari@", "=cmd|' /C calc'!A0"],
)  # fmt: skip
def test_identities_that_are_no_email_or_respondent_id_are_refused(org, tmp_path, identity):
    quoted = '"' + identity.replace('"', '""') + '"'
    rows = [HEADER, "u1,2026-Q1,kari@etat.example,3,4,ok", f"u2,2026-Q1,{quoted},3,4,ok"]
    path = tmp_path / "svar.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    result = imports.run(org, path)
    # (A value with an @ is compared as an e-mail address is: in lower case.)
    assert [(p.row, p.column, p.value.casefold(), p.key) for p in result.problems] == [
        (3, "respondent", identity.casefold(), "import_bad_respondent")
    ]
    line = result.problems[0].line("svar.csv", "en")
    assert line.startswith("svar.csv, row 3, column “respondent”, value “")
    assert not result.written and nothing_stored(org)


def test_email_addresses_and_tool_ids_are_accepted_as_respondents(org, tmp_path):
    ids = ["kari@etat.example", "Ola.Nordmann+tag@sub.etat.example", "blåbær@etat.example",
           "R_1aBcDeFgHiJ", "114000000001", "kari", "msforms:3"]  # fmt: skip
    rows = [HEADER] + [f"u1,2026-Q1,{i},3,4,ok" for i in ids]
    path = tmp_path / "svar.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    result = imports.run(org, path)
    assert result.problems == [] and result.written
