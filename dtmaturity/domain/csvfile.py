"""Recognise a CSV file as real tools write it: encoding, delimiter, header. Pure Python.

Survey tools and spreadsheets write UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode
text") or Windows-1252 (Norwegian Excel's "CSV"), with comma, semicolon or tab. DuckDB reads only
UTF-8, UTF-16 and latin-1 (which lacks Windows-1252's – — “ ” ‘ ’ € … in 0x80–0x9F), so anything
but UTF-8 is transcoded to a UTF-8 file on the way in, and every character survives exactly.

Excel for Mac's "Comma Separated Values (.csv)" writes Mac Roman, not Windows-1252 ("Win-1252
and MacRoman respectively", donatstudios.com/CSV-An-Encoding-Nightmare), and ends its records
with a bare CR, the classic Mac line end ("Microsoft Excel on macOS still exports CSV with this
style of line ending", fivethirtyeight/data#287), while a line break typed inside a cell stays
LF inside the quoted field (Excel's own cell convention, mschaef.com/cr-lf). Both 8-bit
encodings decode any byte, so the one is chosen whose reading gives Norwegian letters (æ ø å
Æ Ø Å); a CR-only file has its record ends (CR outside quotes) made LF on the way in.

Record ends may also be mixed: CRLF and bare LF in one file, as when a coordinator pastes one
export below another in a text editor, or a tool appends to a file another wrote. DuckDB's
reader takes one kind of line end per file, so such a file (one with both CRLF and LF line
ends) has its record ends outside quotes made LF on the way in too. A line break inside a quoted
cell is kept as it is, so the LF of Excel's line break in a cell, inside a CRLF file, survives.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from dtmaturity import safefiles

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_BYTES = 256 * 1024
_CHUNK = 8 * 1024 * 1024


class CsvFileError(ValueError):
    """The file cannot be read as CSV; `key` names the i18n message, `params` fill it in, and
    `rows` lists (row, value) where the problem is (bad bytes: the row and the bytes in hex)."""

    def __init__(self, key: str, rows: list[tuple[int, str]] | None = None, **params: object):
        self.key = key
        self.params = params
        self.rows = rows or []
        super().__init__(f"{key}: {params}")


@dataclass(frozen=True)
class CsvSource:
    """A CSV file ready for DuckDB: a UTF-8 path plus what was detected about the original."""

    name: str
    path: Path  # UTF-8 text, the original file itself when it already was UTF-8
    sha256: str
    size: int
    encoding: str  # utf-8, utf-8-sig, utf-16, windows-1252, mac-roman
    delimiter: str
    headers: tuple[str, ...]
    transcoded: bool
    skip_lines: int = 0  # 1 when the file starts with Excel's `sep=` line
    records: tuple[tuple[str, ...], ...] = ()  # the first few records (headers of survey tools)
    odd_quotes: bool = False  # an odd number of `"`: some quoted field never ends
    origin: str = "csv"  # csv, or xlsx, xls, ods when converted from a workbook
    sheet: str | None = None
    cr_line_ends: bool = False  # records end with a bare CR (Excel for Mac)
    first_row: int = 1  # a sheet's row of the header (rows above it were left out)
    # Rows of a sheet left out: (row, reason, first text); reason: blank, title, summary.
    left_out: tuple[tuple[int, str, str], ...] = ()

    @property
    def dialect(self) -> str:
        """Human-readable dialect for the import log, e.g. 'windows-1252, semicolon'."""
        if self.origin != "csv":
            return f"{self.origin}, {self.sheet}"
        line_ends = ", CR" if self.cr_line_ends else ""
        return f"{self.encoding}, {DELIMITERS[self.delimiter]}{line_ends}"


# Words that begin a summary (a sheet's «Gjennomsnitt» row, a computed «Snitt» column).
SUMMARY_WORDS = frozenset(
    [
        "gjennomsnitt",
        "gjennomsnittlig",
        "gjennomsnittleg",
        "snitt",
        "sum",
        "totalt",
        "total",
        "totalsum",
        "average",
        "mean",
        "median",
    ]
)


def summary_word(text: str) -> bool:
    """Whether a cell or header begins with a summary word (`Gjennomsnitt`, `Snitt modenhet`)."""
    words = text.strip().casefold().replace(":", " ").split()
    return bool(words) and words[0] in SUMMARY_WORDS


MAX_HEADER_LENGTH = 1000  # characters in one header cell
MAX_REPORTED_ROWS = 20
_NOT_ASCII = re.compile("[^\x00-\x7f\ufffd]")


@dataclass
class _Scan:
    """What one pass over the raw bytes finds: digest, UTF-8 validity, NULs, quotes."""

    sha256: str
    bad_bytes: list[tuple[int, str]]  # (line, bytes in hex) of invalid UTF-8, the first few
    bad_count: int
    multibyte: bool  # valid multi-byte UTF-8 seen (so the file is UTF-8, not Windows-1252)
    nul_line: int | None
    quotes: int
    crlf: int  # CR LF pairs, anywhere
    lf: int  # LFs, anywhere (more than crlf: some LF is a bare one, in a cell or a record end)

    @property
    def mixed_line_ends(self) -> bool:
        """Both CRLF and bare LF: record ends of two kinds, or Excel's LF in a quoted cell of a
        CRLF file; either way, record ends made LF read the same (inside quotes is kept)."""
        return 0 < self.crlf < self.lf


def _scan(path: Path) -> _Scan:
    """Read the file once: its SHA-256, where it is not UTF-8, NUL bytes and quote count."""
    digest = hashlib.sha256()
    errors: list[tuple[bytes, int, int]] = []

    def record(error: UnicodeDecodeError) -> tuple[str, int]:
        errors.append((bytes(error.object), error.start, error.end))
        return "\ufffd", error.end

    codecs.register_error("dtmaturity_record", record)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="dtmaturity_record")
    bad: list[tuple[int, str]] = []
    bad_count, multibyte, nul_line, quotes, lines, crlf = 0, False, None, 0, 0, 0
    ended_cr = False  # the last chunk ended with CR (a CR LF split between two chunks)
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            quotes += chunk.count(b'"')
            if nul_line is None and b"\x00" in chunk:
                nul_line = lines + chunk[: chunk.index(b"\x00")].count(b"\n") + 1
            if not chunk.isascii():
                errors.clear()
                text = decoder.decode(chunk)
                if not errors:
                    multibyte = True
                else:
                    multibyte = multibyte or bool(_NOT_ASCII.search(text))
                    bad_count += len(errors)
                    for data, start, end in errors:
                        if len(bad) < MAX_REPORTED_ROWS:
                            line = lines + data[:start].count(b"\n") + 1
                            bad.append((line, data[start:end].hex(" ").upper()))
            lines += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (ended_cr and chunk.startswith(b"\n"))
            ended_cr = chunk.endswith(b"\r")
    errors.clear()
    decoder.decode(b"", final=True)
    bad_count += len(errors)
    return _Scan(digest.hexdigest(), bad, bad_count, multibyte, nul_line, quotes, crlf, lines)


def _detect_encoding(head: bytes, path: Path) -> tuple[str, _Scan | None]:
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", None
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le", None  # UTF-16 without BOM: every other byte of ASCII text is zero
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be", None
    if b"\x00" in head[:4096]:
        raise CsvFileError("csv_binary")  # a binary file (an image, a PDF, a program)
    scan = _scan(path)
    if scan.nul_line is not None:
        raise CsvFileError("csv_nul", rows=[(scan.nul_line, "00")], row=scan.nul_line)
    if scan.bad_count and scan.multibyte:
        # Mostly UTF-8 with a few bytes that are not: decoding it all as Windows-1252 would
        # turn every æ, ø and å into mojibake, so name the rows instead.
        raise CsvFileError("csv_bad_bytes", rows=scan.bad_bytes, count=scan.bad_count)
    if scan.bad_count:
        return _eight_bit(head), scan
    return ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"), scan


_NORWEGIAN = frozenset("æøåÆØÅ")


def _eight_bit(head: bytes) -> str:
    """Windows-1252 or Mac Roman: the one whose reading of the first bytes gives more
    Norwegian letters (Mac Roman's ø, 0xBF, is `¿` in Windows-1252; Windows-1252's ø, 0xF8,
    is `¯` in Mac Roman). Windows-1252 when neither gives any."""
    windows = sum(c in _NORWEGIAN for c in _decode(head, "windows-1252"))
    mac = sum(c in _NORWEGIAN for c in head.decode("mac_roman"))
    return "mac-roman" if mac > windows else "windows-1252"


def _reject_known_binaries(head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise CsvFileError("csv_is_xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError("csv_is_xls")
    if head.startswith(b"%PDF"):
        raise CsvFileError("csv_binary")


def _decode(data: bytes, encoding: str) -> str:
    if encoding == "mac-roman":
        return data.decode("mac_roman")  # every byte is a character
    if encoding == "windows-1252":
        # Five bytes are undefined in Windows-1252; keep them as the latin-1 characters they
        # would be, rather than failing the whole file.
        return data.decode("cp1252", errors="latin1_fallback")
    return data.decode(encoding, errors="replace")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("latin1_fallback", _latin1_fallback)


_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)


def _sep_directive(text: str) -> str | None:
    """Excel's optional first line `sep=;` names the delimiter (and is not the header)."""
    first_line = text.splitlines()[0] if text else ""
    match = _SEP_LINE.match(first_line)
    return match.group(1) if match and match.group(1) in DELIMITERS else None


HEADER_RECORDS = 3  # Qualtrics writes three header rows, SurveyMonkey two


def _first_records(text: str, complete: bool) -> tuple[str, list[list[str]]]:
    """The delimiter and the first few records (quotes honoured). `complete`: `text` is the
    whole file, so its last record is whole even without a final line end."""
    directive = _sep_directive(text)
    if directive:
        delimiter = directive
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        first_line = text.splitlines()[0] if text else ""
        counts = {d: _count_outside_quotes(first_line, d) for d in DELIMITERS}
        delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        if counts[delimiter] == 0:
            delimiter = ","
    if not complete:
        # Only whole records: cut after the last line end that is outside quotes.
        cut = _last_record_end(text)
        if cut is None:
            raise CsvFileError("csv_line_too_long", rows=[(1, "")], row=1, limit=_SNIFF_BYTES)
        text = text[:cut]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) == HEADER_RECORDS:
                break
    except csv.Error as exc:
        raise CsvFileError("csv_malformed", detail=str(exc)) from exc
    return delimiter, records


def _last_record_end(text: str) -> int | None:
    """The index after the last newline outside quotes, None when there is none."""
    # From the last newline back: one is outside quotes when the quotes before it are even.
    # (str.count and rfind run in C; a loop over each character took half a second.)
    before = text.count('"')
    end, newline = len(text), text.rfind("\n")
    while newline != -1:
        before -= text.count('"', newline, end)
        if before % 2 == 0:
            return newline + 1
        end, newline = newline, text.rfind("\n", 0, newline)
    return None


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


_CODECS = {"windows-1252": "cp1252", "mac-roman": "mac_roman"}


def _transcode(path: Path, encoding: str, folder: Path, line_ends: bool) -> tuple[Path, int]:
    """The file as UTF-8 in `folder`; with `line_ends`, record ends outside quotes (CR LF or
    a bare CR) become LF."""
    target = folder / "utf8.csv"
    decoder = codecs.getincrementaldecoder(_CODECS.get(encoding, encoding))(
        errors="latin1_fallback" if encoding == "windows-1252" else "strict"
    )
    quotes = lines = 0
    held = ""  # a CR that ends a chunk: its LF may start the next one (one record end, not two)
    with (
        path.open("rb") as source,
        safefiles.create(target, "w", encoding="utf-8", newline="", again=True) as out,
    ):
        while True:
            chunk = source.read(_CHUNK)
            text = held + decoder.decode(chunk, final=not chunk)
            held = ""
            if chunk and text.endswith("\r"):
                text, held = text[:-1], "\r"
            if "\x00" in text:
                line = lines + text[: text.index("\x00")].count("\n") + 1
                raise CsvFileError("csv_nul", rows=[(line, "00")], row=line)
            if line_ends:
                text = _cr_to_lf(text, quoted=quotes % 2 == 1)
            quotes += text.count('"')
            lines += text.count("\n")
            out.write(text)
            if not chunk:
                break
    return target, quotes


def _cr_to_lf(text: str, *, quoted: bool) -> str:
    """Record ends (CR outside quotes) as LF; text inside quotes exactly as it is."""
    parts = text.split('"')
    start = 1 if quoted else 0  # parts outside quotes: every other one
    for index in range(start, len(parts), 2):
        parts[index] = parts[index].replace("\r\n", "\n").replace("\r", "\n")
    return '"'.join(parts)


def _only_cr_line_ends(text: str) -> bool:
    """Whether records end with a bare CR: CRs outside quotes, and no LF outside them."""
    outside = "".join(text.split('"')[0::2])
    return "\r" in outside and "\n" not in outside


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def peek_headers(path: Path) -> tuple[str, ...]:
    """The header of a CSV file read from its first bytes only, to tell what kind of file it
    is before reading it all (open_source reads and checks the whole file). Raises
    CsvFileError for what shows in those bytes."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
    _reject_known_binaries(head)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        try:  # a multi-byte character cut at the end of the head is not an error
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = _eight_bit(head)
    text = _decode(head, encoding).lstrip("\ufeff")
    if _only_cr_line_ends(text):
        text = _cr_to_lf(text, quoted=False)
    _, records = _first_records(text, complete=size <= _SNIFF_BYTES)
    return tuple(records[0]) if records else ()


def open_written(path: Path, name: str) -> CsvSource:
    """A CSV file this app wrote itself (a workbook's sheet, converted: UTF-8, every quote
    closed), read as open_source reads its head only: its bytes need no checking, and the
    caller gives the digest and size of the file the person gave."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
    text = _decode(head, "utf-8")
    _check_text(text)
    delimiter, records = _first_records(text, complete=size <= _SNIFF_BYTES)
    headers = _checked_headers(records)
    return CsvSource(
        name=name,
        path=path,
        sha256="",
        size=size,
        encoding="utf-8",
        delimiter=delimiter,
        headers=tuple(headers),
        transcoded=True,
        skip_lines=1 if _sep_directive(text) else 0,
        records=tuple(tuple(r) for r in records),
    )


def _check_text(text: str) -> None:
    if not text.strip():
        raise CsvFileError("csv_empty")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text[:4096]):
        raise CsvFileError("csv_binary")


def _checked_headers(records: list[list[str]]) -> list[str]:
    headers = records[0] if records else []
    if not any(h.strip() for h in headers):
        raise CsvFileError("csv_no_header")
    for column, header in enumerate(headers, start=1):
        if len(header) > MAX_HEADER_LENGTH:
            raise CsvFileError(
                "csv_header_too_long", column=column, length=len(header), max=MAX_HEADER_LENGTH
            )
    return headers


def open_source(path: Path, name: str | None = None, *, workdir: Path) -> CsvSource:
    """Inspect a CSV file and, unless it is UTF-8 already, transcode it into `workdir` (which
    the caller removes when the import ends)."""
    size = path.stat().st_size
    if size == 0:
        raise CsvFileError("csv_empty")
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
    _reject_known_binaries(head)
    encoding, scan = _detect_encoding(head, path)
    text = _decode(head, encoding).lstrip("\ufeff")
    _check_text(text)
    cr_line_ends = _only_cr_line_ends(text)
    if cr_line_ends:
        text = _cr_to_lf(text, quoted=False)
    delimiter, records = _first_records(text, complete=size <= _SNIFF_BYTES)
    headers = _checked_headers(records)
    line_ends = cr_line_ends or (scan is not None and scan.mixed_line_ends)
    transcoded = encoding not in ("utf-8", "utf-8-sig") or line_ends
    utf8_path, quotes = path, scan.quotes if scan else 0
    if transcoded:
        utf8_path, quotes = _transcode(path, encoding, workdir, line_ends)
    if encoding in ("utf-16-le", "utf-16-be"):
        encoding = "utf-16"
    return CsvSource(
        name=name or path.name,
        path=utf8_path,
        sha256=scan.sha256 if scan else _sha256(path),
        size=size,
        encoding=encoding,
        delimiter=delimiter,
        headers=tuple(headers),
        transcoded=transcoded,
        skip_lines=1 if _sep_directive(text) else 0,
        records=tuple(tuple(r) for r in records),
        odd_quotes=quotes % 2 == 1,
        cr_line_ends=cr_line_ends,
    )
