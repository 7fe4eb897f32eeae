"""Bad files get a message naming what is wrong and where, never a traceback, and nothing is
written; nothing personal reaches a message or the log; work files never outlive an import."""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dtmaturity.domain.access import Grant
from dtmaturity.domain.i18n import t
from dtmaturity.services import imports, workdirs
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import AuditEntry, queries

TEST_AUDIT = AuditEntry("test", "test.setup")
HEADER = "unit_id,period,respondent,Brukerorientering,Data,Kommentar"
SECRET = "hemmelig.person@etat.example"


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


def keys(result) -> list[tuple]:
    return [(p.row, p.key) for p in result.problems]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_mostly_utf8_with_a_few_bad_bytes_names_the_rows_instead_of_mojibake(org, tmp_path):
    rows = [HEADER] + [f"u1,2026-Q1,leder{i}@etat.example,3,4,Blåbær og ørret" for i in range(8)]
    data = "\r\n".join(rows).encode() + b"\r\n"
    data = data.replace(b"leder3@", b"leder3\xe6@").replace(b"leder6@", b"leder6\xf8@")
    result = imports.run(org, write(tmp_path / "mixed.csv", data))
    assert keys(result) == [
        (None, "csv_bad_bytes"),
        (5, "csv_bad_bytes_row"),
        (8, "csv_bad_bytes_row"),
    ]
    assert [p.value for p in result.problems[1:]] == ["E6", "F8"]
    assert nothing_stored(org)


def test_windows_1252_throughout_is_still_read_as_windows_1252(org, tmp_path):
    data = f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,Blåbær “sa” hun\r\n".encode("cp1252")
    result = imports.run(org, write(tmp_path / "ansi.csv", data))
    assert result.written and result.dialect == "windows-1252, comma"
    with org.store.reader() as cur:
        assert cur.execute("SELECT answer FROM reflection").fetchone()[0] == "Blåbær “sa” hun"


def test_nul_bytes_anywhere_are_refused_with_their_row(org, tmp_path):
    filler = [f"u1,2026-Q1,leder{i}@etat.example,3,4,{'x' * 80}" for i in range(100)]
    data = ("\r\n".join([HEADER, *filler]) + "\r\n").encode()
    data += b"u2,2026-Q1,nul@etat.example,3,4,kom\x00mentar\r\n"  # far beyond the first 4 KB
    result = imports.run(org, write(tmp_path / "nul.csv", data))
    assert keys(result) == [(102, "csv_nul")]
    assert nothing_stored(org)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (("x" * 5000 + ",period\r\nu1,2026-Q1\r\n").encode(), "csv_header_too_long"),
        (b'unit_id,"period\r\n' + b"u1,2026-Q1\r\n" * 30000, "csv_line_too_long"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xlsx_unreadable"),
        (f"{HEADER}\r\nu1,2026-Q1,kari,3,4,{'x' * 2_100_000}\r\n".encode(), "csv_line_too_long"),
    ],
    ids=["long-header", "unterminated-header", "xls", "long-line"],
)
def test_unreadable_files_get_a_message_and_nothing_is_written(org, tmp_path, data, key):
    result = imports.run(org, write(tmp_path / "bad.csv", data))
    assert [p.key for p in result.problems][:1] == [key]
    assert not result.written and nothing_stored(org)


def test_a_file_with_cr_only_line_ends_imports(org, tmp_path):
    """Classic Mac line ends (Excel for Mac's CSV): read as records, not one endless line."""
    data = f"{HEADER}\ru1,2026-Q1,kari@etat.example,3,4,ok\r".encode()
    result = imports.run(org, write(tmp_path / "mac.csv", data))
    assert result.problems == [] and result.written and result.dialect == "utf-8, comma, CR"


def test_a_broken_ods_file_gets_a_message(org, tmp_path):
    import zipfile

    path = tmp_path / "svar.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert [p.key for p in imports.run(org, path).problems] == ["xlsx_unreadable"]


def test_an_unterminated_quote_in_the_data_is_named_with_its_row(org, tmp_path):
    data = (
        f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,ok\r\n"
        f'u1,2026-Q1,{SECRET},3,4,"never closed\r\nu2,2026-Q1,ola@etat.example,3,4,x\r\n'
    ).encode()
    result = imports.run(org, write(tmp_path / "quote.csv", data))
    assert [p.key for p in result.problems] == ["csv_unterminated_quote"]
    assert nothing_stored(org)


def test_duckdb_never_quotes_the_line_in_a_message_or_the_log(org, tmp_path, caplog):
    """DuckDB's error says "Original Line: …" with the whole row: an e-mail, a comment."""
    data = f"{HEADER}\r\nu1,2026-Q1,{SECRET},3,4,privat kommentar,extra,fields\r\n".encode()
    with caplog.at_level(logging.DEBUG):
        result = imports.run(org, write(tmp_path / "wide.csv", data))
    assert keys(result) == [(2, "csv_too_many_columns")]
    text = " ".join(p.line("wide.csv", "en") for p in result.problems) + caplog.text
    assert SECRET not in text and "privat kommentar" not in text
    with org.store.reader() as cur:
        audit = str(cur.execute("SELECT * FROM audit_log").fetchall())
    assert SECRET not in audit


@pytest.mark.parametrize("quoted_newline", [False, True])
def test_rows_whose_trailing_empty_cells_were_dropped_import(org, tmp_path, quoted_newline):
    """Once: "Current transaction is aborted", retried 8 times. The short rows must import."""
    comment = '"to\r\nlinjer"' if quoted_newline else "en linje"
    data = (
        f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,{comment}\r\n"
        "u1,2026-Q1,ola@etat.example,2\r\nu2,2026-Q1,per@etat.example,5,1\r\n"
    ).encode()
    result = imports.run(org, write(tmp_path / "short.csv", data))
    assert result.problems == [] and result.written
    with org.store.reader() as cur:
        rows = cur.execute(
            "SELECT respondent, item_id, score FROM answer ORDER BY 1, 2, 3"
        ).fetchall()
    assert rows == [
        ("kari@etat.example", "data", 4), ("kari@etat.example", "user", 3),
        ("ola@etat.example", "user", 2),
        ("per@etat.example", "data", 1), ("per@etat.example", "user", 5),
    ]  # fmt: skip


def test_emails_are_one_respondent_whatever_their_case(org, tmp_path):
    data = (
        f"{HEADER}\r\nu1,2026-Q1,Kari@Etat.Example,3,,\r\nu1,2026-Q1,kari@etat.example,,4,\r\n"
    ).encode()
    result = imports.run(org, write(tmp_path / "case.csv", data))
    assert result.written
    with org.store.reader() as cur:
        assert cur.execute("SELECT DISTINCT respondent FROM checkin").fetchall() == [
            ("kari@etat.example",)
        ]
    again = imports.run(org, write(tmp_path / "dupe.csv", data.replace(b",,4,", b",3,,")))
    assert [p.key for p in again.problems] == ["import_duplicate_key"]


def test_an_import_refuses_what_the_checkin_form_refuses(org, tmp_path):
    header = "unit_id,period,respondent,Brukerorientering,roles_most"
    data = (
        f"{header}\r\nu1,2099-Q1,kari@etat.example,3,\r\n"
        "u1,2026-Q1,ola@etat.example,3,visionary|explorer|bridge_builder|translator\r\n"
    ).encode()
    result = imports.run(org, write(tmp_path / "form.csv", data))
    # The same messages as the check-in form's (model.validate).
    assert [(p.row, p.key, p.message("en")) for p in result.problems] == [
        (2, "error_future_period", t("en", "error_future_period", value="2099-Q1")),
        (3, "error_too_many_roles", t("en", "error_too_many_roles", count=4, max=3)),
    ]
    coordinator = Context(
        actor=Actor("koord@etat.example", "Koordinator", (Grant("coordinator", "u2"),), False),
        store=org.store, framework=org.framework, lang="en",
    )  # fmt: skip
    ok = f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,\r\nu2,2026-Q1,ola@etat.example,3,4,\r\n"
    scoped = imports.run(coordinator, write(tmp_path / "scope.csv", ok.encode()))
    assert [(p.row, p.key) for p in scoped.problems] == [(2, "import_unit_not_allowed")]
    assert nothing_stored(org)


def _folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("dtmaturity-"))


def test_uploads_and_transcoded_copies_are_removed_also_after_a_dry_run_or_a_crash(
    org, tmp_path, monkeypatch
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    # A process that died mid-import (kill -9) left its work folder behind.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left_over = temp / f"dtmaturity-upload-{dead.stdout.strip()}-abc"
    left_over.mkdir()
    (left_over / "svar.csv").write_text(f"{HEADER}\r\nu1,2026-Q1,{SECRET},3,4,x\r\n")
    data = f"{HEADER}\r\nu1,2026-Q1,kari@etat.example,3,4,Blåbær\r\n".encode("cp1252")
    result = imports.run_upload(org, data, "ansi.csv", dry_run=True)
    assert result.problems == [] and result.dialect == "windows-1252, comma"
    assert _folders(temp) == []
    assert imports.run_upload(org, b"\x00\x01binary", "x.csv").problems
    assert imports.run_upload(org, data, "ansi.csv").written
    assert _folders(temp) == []
    assert workdirs.sweep(temp) == 0


# Every way a file's records can end, as tools and people write them: LF (Unix tools,
# LibreOffice), CRLF (Excel on Windows, most survey tools), CR (Excel for Mac), CRLF with
# Excel's LF for a line break inside a quoted cell, and two exports pasted together (CRLF
# above, LF below). Each must import the same answers, the cell's line break kept.
LINE_ENDS = {
    "LF": ("\n", "\n"),
    "CRLF": ("\r\n", "\r\n"),
    "CR": ("\r", "\r"),
    "CRLF, LF inside a cell": ("\r\n", "\r\n"),
    "CRLF above, LF below": ("\r\n", "\n"),
}


def _rows_with_line_ends(above: str, below: str, cell_break: str) -> bytes:
    rows = [HEADER] + [
        f'u1,2026-Q1,leder{i}@etat.example,3,4,"linje en{cell_break}linje to"' for i in range(6)
    ]
    return (above.join(rows[:4]) + above + below.join(rows[4:]) + below).encode()


def _stored(ctx) -> tuple[list[tuple], set[str]]:
    """The answers stored, and the texts of the general comments (stored as reflections)."""
    with ctx.store.reader() as cur:
        answers = cur.execute(
            "SELECT respondent, item_id, score FROM answer ORDER BY respondent, item_id"
        ).fetchall()
        comments = {r[0] for r in cur.execute("SELECT answer FROM reflection").fetchall()}
    return answers, comments


def first_shape_whole(shape: str, chunk: int | None = None, **_: object) -> bool:
    """A file is transcoded and read (csvfile.py, read_csv) by the same in-memory DuckDB on
    either database, so the line-end shapes differ only there: PostgreSQL stores one of them."""
    return shape == next(iter(LINE_ENDS)) and chunk is None


@pytest.mark.postgresql_when(where=first_shape_whole)
@pytest.mark.parametrize("shape", LINE_ENDS)
@pytest.mark.parametrize("chunk", [None, 7], ids=["whole", "read in 7-byte chunks"])
def test_every_kind_of_line_end_imports_the_same_answers(org, tmp_path, monkeypatch, shape, chunk):
    from dtmaturity.domain import csvfile

    if chunk:  # record ends (a CR LF too) split between the reads of a large file
        monkeypatch.setattr(csvfile, "_CHUNK", chunk)
    above, below = LINE_ENDS[shape]
    cell_break = "\n" if shape == "CRLF, LF inside a cell" else " "
    data = _rows_with_line_ends(above, below, cell_break)
    result = imports.run(org, write(tmp_path / "answers.csv", data))
    assert result.problems == [] and result.written, keys(result)
    answers, comments = _stored(org)
    assert answers == sorted(
        (f"leder{i}@etat.example", item, score)
        for i in range(6)
        for item, score in (("user", 3), ("data", 4))
    )
    assert comments == {f"linje en{cell_break}linje to"}


@pytest.mark.postgresql_when(where=first_shape_whole)
@pytest.mark.parametrize("shape", LINE_ENDS)
def test_an_unterminated_quote_is_named_with_its_row_whatever_the_line_ends(org, tmp_path, shape):
    """The files whose line ends are made LF on the way in (CR, mixed) report a broken quote
    as the others do: its row, and nothing written."""
    above, below = LINE_ENDS[shape]
    rows = [HEADER, "u1,2026-Q1,kari@etat.example,3,4,ok",
            f'u1,2026-Q1,{SECRET},3,4,"never closed', "u2,2026-Q1,ola@etat.example,3,4,x",
            "u2,2026-Q1,per@etat.example,3,4,y"]  # fmt: skip
    data = (above.join(rows[:3]) + above + below.join(rows[3:]) + below).encode()
    result = imports.run(org, write(tmp_path / "quote.csv", data))
    assert [(p.row, p.key) for p in result.problems] == [(3, "csv_unterminated_quote")]
    assert nothing_stored(org)
