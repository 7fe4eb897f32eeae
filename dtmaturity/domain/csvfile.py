"""Recognise a CSV file as real tools write it: encoding, delimiter, header. Pure Python.

Survey tools and spreadsheets write UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode
text") or Windows-1252 (Norwegian Excel's "CSV"), with comma, semicolon or tab. DuckDB reads only
UTF-8, UTF-16 and latin-1 (which lacks Windows-1252's – — “ ” ‘ ’ € … in 0x80–0x9F), so anything
but UTF-8 is transcoded to a UTF-8 file on the way in, and every character survives exactly.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_BYTES = 256 * 1024
_CHUNK = 8 * 1024 * 1024


class CsvFileError(ValueError):
    """The file cannot be read as CSV; `key` names the i18n message, `params` fill it in."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}")


@dataclass(frozen=True)
class CsvSource:
    """A CSV file ready for DuckDB: a UTF-8 path plus what was detected about the original."""

    name: str
    path: Path  # UTF-8 text, the original file itself when it already was UTF-8
    sha256: str
    size: int
    encoding: str  # utf-8, utf-8-sig, utf-16, windows-1252
    delimiter: str
    headers: tuple[str, ...]
    transcoded: bool
    skip_lines: int = 0  # 1 when the file starts with Excel's `sep=` line

    @property
    def dialect(self) -> str:
        """Human-readable dialect for the import log, e.g. 'windows-1252, semicolon, CRLF'."""
        return f"{self.encoding}, {DELIMITERS[self.delimiter]}"


def _detect_encoding(head: bytes, path: Path) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"  # UTF-16 without BOM: every other byte of ASCII text is zero
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    if b"\x00" in head:
        raise CsvFileError("csv_binary")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def _reject_known_binaries(head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise CsvFileError("csv_is_xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError("csv_is_xls")
    if head.startswith(b"%PDF"):
        raise CsvFileError("csv_binary")


def _decode(data: bytes, encoding: str) -> str:
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


def _first_record(text: str) -> tuple[str, list[str]]:
    """The delimiter and the header cells of the first record (quotes honoured)."""
    directive = _sep_directive(text)
    if directive:
        text = text.split("\n", 1)[1] if "\n" in text else ""
        reader = csv.reader(io.StringIO(text), delimiter=directive, quotechar='"')
        return directive, next(reader, [])
    first_line = text.splitlines()[0] if text else ""
    counts = {d: _count_outside_quotes(first_line, d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    return delimiter, next(reader, [])


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _transcode(path: Path, encoding: str, folder: Path) -> Path:
    target = folder / "utf8.csv"
    decoder = codecs.getincrementaldecoder("cp1252" if encoding == "windows-1252" else encoding)(
        errors="latin1_fallback" if encoding == "windows-1252" else "strict"
    )
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        while chunk := source.read(_CHUNK):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def open_source(path: Path, name: str | None = None, *, workdir: Path | None = None) -> CsvSource:
    """Inspect a CSV file and, unless it is UTF-8 already, transcode it into `workdir`."""
    size = path.stat().st_size
    if size == 0:
        raise CsvFileError("csv_empty")
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
    _reject_known_binaries(head)
    encoding = _detect_encoding(head, path)
    text = _decode(head, encoding).lstrip("\ufeff")
    if not text.strip():
        raise CsvFileError("csv_empty")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text[:4096]):
        raise CsvFileError("csv_binary")
    delimiter, headers = _first_record(text)
    if not any(h.strip() for h in headers):
        raise CsvFileError("csv_no_header")
    transcoded = encoding not in ("utf-8", "utf-8-sig")
    utf8_path = path
    if transcoded:
        folder = workdir or Path(tempfile.mkdtemp(prefix="dtmaturity-import-"))
        utf8_path = _transcode(path, encoding, folder)
    if encoding in ("utf-16-le", "utf-16-be"):
        encoding = "utf-16"
    return CsvSource(
        name=name or path.name,
        path=utf8_path,
        sha256=_sha256(path),
        size=size,
        encoding=encoding,
        delimiter=delimiter,
        headers=tuple(headers),
        transcoded=transcoded,
        skip_lines=1 if _sep_directive(text) else 0,
    )
