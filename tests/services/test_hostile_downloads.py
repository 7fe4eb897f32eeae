"""Every download of the hostile demo says only what we wrote: CSV and Excel cells that a
spreadsheet would run as a formula are text, chart pictures and reports link to nothing and
load nothing from elsewhere, and hostile text stays text in the HTML and PDF reports.

Which downloads exist is read from the code: every `download_button` in app.py, pages/ and
dtmaturity/web/ must make its file with one of the export functions tested here, so a new
download either uses them or fails."""

from __future__ import annotations

import ast
import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hostile import FORMULA, LINE, MARKER, TEXT, admin_context, build

from dtmaturity import charts
from dtmaturity.services import (
    analytics,
    exports,
    meetings,
    meetingsummary,
    personaldata,
    report,
    reportfiles,
    reportmodel,
    units,
)
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime

pytestmark = pytest.mark.duckdb_only(
    "downloads are drawn from the dashboards' frames, which test_dashboards and test_analytics check on both databases"
)

ROOT = Path(__file__).resolve().parents[2]
# The functions a download may make its file with (each is tested below).
EXPORTERS = {"csv_bytes", "xlsx_bytes", "chart_png", "chart_svg", "render", "export_person"}
EXPORTERS |= {"template"}  # the import templates: our own files, no data in them
EXPORTERS |= {"summary_file"}  # the leader meeting's summary: tested below
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_ctx(tmp_path_factory: pytest.TempPathFactory):
    store, framework = open_runtime(tmp_path_factory.mktemp("hostile") / "h.duckdb")
    ctx = Context(local_actor(), store, framework)
    build(ctx)
    yield admin_context(ctx)
    store.close()


def _download_sources() -> list[tuple[str, int, set[str]]]:
    """(file, line, functions called to make the file) for every download button."""
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    files += sorted((ROOT / "dtmaturity" / "web").rglob("*.py"))
    found = []
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "download_button"
            ):
                continue
            data = next((k.value for k in node.keywords if k.arg == "data"), None)
            if data is None and len(node.args) > 1:
                data = node.args[1]
            called = set()
            for sub in ast.walk(data) if data is not None else []:
                if isinstance(sub, ast.Call):
                    called.add(getattr(sub.func, "attr", getattr(sub.func, "id", "")))
            if isinstance(data, ast.Name):  # made further up: the calls of its function
                called |= _calls_in_scope(tree, data.id)
            found.append((path.name, node.lineno, called))
    return found


def _calls_in_scope(tree: ast.Module, name: str) -> set[str]:
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.For) and name in ast.unparse(node).split("=")[0]:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    calls.add(getattr(sub.func, "attr", getattr(sub.func, "id", "")))
    for node in ast.walk(tree):  # ui.downloads: the table of (label, maker, suffix, mime)
        if isinstance(node, ast.AnnAssign | ast.Assign) and "buttons" in ast.unparse(node)[:20]:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    calls.add(getattr(sub.func, "attr", getattr(sub.func, "id", "")))
    return calls


def test_every_download_is_made_by_a_tested_export_function():
    sources = _download_sources()
    assert len(sources) >= 3  # the tables and charts, the report, My data
    untested = [f"{f}:{line}" for f, line, called in sources if not called & EXPORTERS]
    assert untested == []


def _cells_safe(values: list[str]) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.startswith(FORMULA_STARTS)]


def _hostile_table(ctx: Context) -> pd.DataFrame:
    """A dashboard table of the hostile demo (unit names in it), with hostile text in a column
    name and a cell starting with each character a spreadsheet reads as a formula."""
    top = units.tree(ctx)[0].unit_id
    period = analytics.overview_periods(ctx, top)[0]
    table = analytics.heatmap(ctx, top, period, "theme")
    assert table["unit"].str.contains(MARKER, regex=False).any()
    extra = [f"{start}{FORMULA}" for start in FORMULA_STARTS] + [TEXT, LINE]
    rows = pd.DataFrame({"unit": extra})
    return pd.concat([table, rows], ignore_index=True).rename(columns={"item": FORMULA})


def test_csv_download_runs_no_formula(hostile_ctx):
    text = exports.csv_bytes(_hostile_table(hostile_ctx)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert _cells_safe(cells) == []
    assert f"'{FORMULA}" in cells  # the column name, kept as text


def test_xlsx_download_runs_no_formula(hostile_ctx):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.xlsx_bytes(_hostile_table(hostile_ctx))))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _cells_safe([c.value for c in cells]) == []


def _hostile_charts(ctx: Context) -> list:
    top = units.tree(ctx)[0].unit_id
    period = analytics.overview_periods(ctx, top)[0]
    cells = analytics.heatmap(ctx, top, period, "theme")
    spread = analytics.spread(ctx, top, period, "theme")
    cells["unit_label"] = cells["unit"]
    made = [charts.heatmap(cells, lang="nb", title=TEXT)]
    if not spread.empty:
        made.append(
            charts.spread(spread, lang="nb", title=LINE, highlight=spread["row_id"].iloc[0])
        )
    return [charts.readable(chart, "nb") for chart in made]


def test_chart_pictures_link_to_nothing_and_load_nothing(hostile_ctx):
    for chart in _hostile_charts(hostile_ctx):
        svg = exports.chart_svg(chart)
        assert MARKER in svg  # the hostile names are drawn, as text
        assert re.findall(r"(?:href|src)\s*=\s*\"(?!#)[^\"]*\"", svg) == []
        assert "<a " not in svg and "<image" not in svg and "<script" not in svg
        assert "<img" not in svg  # the HTML in a name is escaped text
        assert exports.chart_png(chart).startswith(b"\x89PNG")


def _report(ctx: Context) -> reportmodel.Report:
    for unit in units.tree(ctx):
        for period in analytics.overview_periods(ctx, unit.unit_id):
            try:
                return report.build(ctx, unit.unit_id, period, lang="nb")
            except reportmodel.ReportError:
                continue
    raise AssertionError("no released quarter to report on")


def test_html_report_is_escaped_and_self_contained(hostile_ctx):
    made = _report(hostile_ctx)
    page = reportfiles.render(made, "html").decode("utf-8")
    assert MARKER in page  # the hostile unit name is there, as text
    assert "<img src=x" not in page and "<script>alert" not in page and "<a " not in page
    addresses = re.findall(r"(?:href|src)\s*=\s*\"([^\"]*)\"", page)
    assert [a for a in addresses if not a.startswith("data:image/png;base64,")] == []
    assert "url(" not in page and "@import" not in page


def test_pdf_report_has_no_link_and_renders_hostile_text(hostile_ctx):
    pdf = reportfiles.render(_report(hostile_ctx), "pdf")
    assert pdf.startswith(b"%PDF")
    assert b"/URI" not in pdf and b"/Launch" not in pdf and b"/JavaScript" not in pdf


def test_my_data_download_is_data_not_markup(hostile_ctx):
    """My data is a zip of CSV files (and one JSON): its cells are neutralised like every CSV."""
    from hostile import ROLES

    for _, person, _, _ in ROLES:
        bundle = personaldata.export_person(hostile_ctx, person)
        with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
            for name in archive.namelist():
                if name.endswith(".csv"):
                    text = archive.read(name).decode("utf-8-sig")
                    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
                    assert _cells_safe(cells) == [], (person, name)


def _meeting_summary(ctx: Context, file_format: str) -> bytes:
    """A closed leader meeting of the hostile demo with a hostile note, as its summary file."""
    for unit in units.tree(ctx):
        for period in analytics.latest_periods(ctx, unit.unit_id)[:1]:
            meeting = meetings.open(ctx, unit.unit_id, period)
            meetings.save_note(ctx, meeting, meetings.STEPS[1], TEXT)
            meetingsummary.close(ctx, meeting)
            return meetingsummary.summary_file(ctx, meeting.meeting_id, file_format, "nb")
    raise AssertionError("no released quarter to meet on")


def test_the_meeting_summary_is_escaped_and_links_to_nothing(hostile_ctx):
    page = _meeting_summary(hostile_ctx, "html").decode("utf-8")
    assert "<script>alert" not in page and "<a " not in page and "<img src=x" not in page
    addresses = re.findall(r"(?:href|src)\s*=\s*\"([^\"]*)\"", page)
    assert [a for a in addresses if not a.startswith("data:image/png;base64,")] == []
    pdf = _meeting_summary(hostile_ctx, "pdf")
    assert pdf.startswith(b"%PDF") and b"/URI" not in pdf and b"/JavaScript" not in pdf
