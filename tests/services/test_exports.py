"""Downloads: CSV and Excel open with Norwegian letters intact and never run formulas; charts
render to PNG and SVG without a browser or the network."""

from __future__ import annotations

import csv
import io

import altair as alt
import pandas as pd
from openpyxl import load_workbook

from dtmaturity.services import exports

TABLE = pd.DataFrame(
    {
        "Enhet": ["Økonomi og innkjøp", '=HYPERLINK("http://x")', "+47 22", "-1+2", "@SUM(A1)"],
        "Kommentar": ["Blåbær på Ås", "\tTab", "\rCR", None, "vanlig tekst"],
        "Gjennomsnitt": [3.25, -1.5, 2.0, None, 4.0],
    }
)


def test_csv_is_utf8_with_a_byte_order_mark_and_norwegian_letters_intact():
    raw = exports.csv_bytes(TABLE)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Enhet", "Kommentar", "Gjennomsnitt"]
    assert rows[1] == ["Økonomi og innkjøp", "Blåbær på Ås", "3.25"]


def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula():
    rows = list(csv.reader(io.StringIO(exports.csv_bytes(TABLE).decode("utf-8-sig"))))
    first_column = [r[0] for r in rows[2:]]
    assert first_column == ['\'=HYPERLINK("http://x")', "'+47 22", "'-1+2", "'@SUM(A1)"]
    assert rows[2][1] == "'\tTab" and rows[3][1] == "'\rCR"
    assert rows[2][2] == "-1.5"  # numbers stay numbers


def test_xlsx_keeps_letters_numbers_and_stores_formula_like_text_as_text():
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(TABLE, sheet="Økonomi")))
    sheet = workbook.active
    assert sheet.title == "Økonomi"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == ["Økonomi og innkjøp", "Blåbær på Ås", 3.25]
    assert values[2][0] == '\'=HYPERLINK("http://x")' and values[2][2] == -1.5
    assert values[4][2] is None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_charts_render_to_png_and_svg_offline():
    chart = alt.Chart(TABLE.dropna()).mark_bar().encode(x="Enhet:N", y="Gjennomsnitt:Q")
    assert exports.chart_png(chart).startswith(b"\x89PNG")
    svg = exports.chart_svg(chart)
    assert svg.startswith("<svg") and "Økonomi og innkjøp" in svg


def test_file_names_keep_letters_and_drop_separators():
    assert exports.file_stem("Økonomi/Innkjøp", "2026-Q3") == "Økonomi-Innkjøp-2026-Q3"
